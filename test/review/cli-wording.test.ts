/**
 * The CLI speaks English except the domain words (zakelijk, privé, partijpolitiek, bewindspersoon…); the review page
 * speaks Dutch. A marking's evidence summary is shown by both, each in its own language.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evidenceSummary } from '../../src/review/views.js';
import { buildFixture, cli, CUSTODIAN, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => { f = buildFixture(); });
afterEach(() => f.close());

describe('evidence summary wording', () => {
  it('review list (text) says "manual" and "beats", not the page\'s "handmatig" and "wint van"', async () => {
    const m = await cli(['review', 'mark', '--message', String(f.ids.messages.annaNota), '--category', 'zakelijk', '--reviewer', 'Els', '--db', f.dbPath]);
    expect(m.code, m.stderr).toBe(0);
    const r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--db', f.dbPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\bmanual \(Els\)/);
    expect(r.stdout).not.toMatch(/handmatig|wint van/);
  });

  it('names the rules a suggestion won over in the language asked for; Dutch (the page) unless told', () => {
    const m = { ruleId: 'partij.lexicon', origin: 'rule' as const, evidence: { term: 'congres', losers: [{ rule: 'prive.familie' }] } };
    expect(evidenceSummary(m)).toBe('partij.lexicon "congres" · wint van prive.familie');
    expect(evidenceSummary(m, 'en')).toBe('partij.lexicon "congres" · beats prive.familie');
  });
});
