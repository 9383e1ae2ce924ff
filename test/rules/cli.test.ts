import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectJsonRefusal, runCli } from '../helpers/cli.js';
import { buildStore, CUSTODIAN, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture;
beforeEach(() => {
  fx = buildStore();
});
afterEach(() => fx.close());

const write = (name: string, body: unknown) => {
  const f = path.join(fx.dir, name);
  fs.writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return f;
};

describe('rules check', () => {
  it('fails with file, JSON path and expectation for every problem', async () => {
    const bad = write('bad.json', {
      description: 'kapot',
      rules: [
        { id: 'a', category: 'privé', priority: 10, level: 'message', match: { type: 'lexicon', terms: ['oma', '❤️'] } },
        { id: 'b', category: 'privé', priority: 10, level: 'contact', match: { type: 'kind', kinds: ['system'] } },
      ],
    });
    const r = await runCli(['rules', 'check', bad, '--db', fx.dbPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: rules[0].match.terms[1]: expected a term with letters or digits`);
    expect(r.stderr).toContain(`${bad}: rules[1].match: expected a message or passage level rule for a kind condition`);
  });

  it('reports rules that never match on the store and rules shadowed by others', async () => {
    const f = write('set.json', {
      description: 'test',
      rules: [
        { id: 'fam', category: 'privé', priority: 50, level: 'message', match: { type: 'lexicon', terms: ['verjaardag*', 'boodschappen'] } },
        { id: 'fam-low', category: 'privé', priority: 20, level: 'message', match: { type: 'lexicon', terms: ['verjaardagsfeest', 'boodschappen'] } },
        { id: 'ski', category: 'privé', priority: 40, level: 'message', match: { type: 'lexicon', terms: ['wintersport'] } },
      ],
    });
    const r = await runCli(['rules', 'check', f, '--db', fx.dbPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.shadowedTerms).toEqual([{ rule: 'fam-low', term: 'boodschappen', by: 'fam' }]);
    expect(j.store).toMatchObject({ custodians: [CUSTODIAN], messages: 11, neverMatched: ['ski'], shadowed: [{ rule: 'fam-low', fired: 2, beatenBy: { fam: 2 } }] });
    const human = await runCli(['rules', 'check', f, '--db', fx.dbPath]);
    expect(human.stdout).toMatch(/never match: ski/);
    expect(human.stdout).toMatch(/shadowed: fam-low fired 2× and always lost to fam/);
    // Without a store, only the static checks run (and no database file is created).
    const none = path.join(fx.dir, 'absent.db');
    const r2 = await runCli(['rules', 'check', f, '--db', none]);
    expect(r2.stdout).toMatch(/No store found/);
    expect(fs.existsSync(none)).toBe(false);
  });

  it('a --db that is a folder or not SQLite is bad input (exit 1) naming it, not an internal error', async () => {
    const f = write('ok.json', { description: 'ok', rules: [{ id: 'a', category: 'privé', priority: 10, level: 'message', match: { type: 'lexicon', terms: ['oma'] } }] });
    const notes = write('notes.db', 'geen database');
    for (const db of [fx.dir, notes]) {
      const r = await runCli(['rules', 'check', f, '--db', db, '--json']);
      expect(expectJsonRefusal(r, 'rules check').message).toContain(`--db ${db}: not a`);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(fs.readFileSync(notes, 'utf8')).toBe('geen database');
  });

  it('accepts the default rule set as shipped', async () => {
    const r = await runCli(['rules', 'check', path.join(process.cwd(), 'rules'), '--db', fx.dbPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rules).toBeGreaterThan(15);
  });
});

describe('rules explain', () => {
  it('shows which rules fire, on which words and spans, and the outcome', async () => {
    const r = await runCli(['rules', 'explain', '--text', 'Gaat oma mee naar het partijcongres? Ik denk het niet.', '--sender', '06 12345678']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("sender 06 12345678 (+31612345678)");
    expect(r.stdout).toContain("prive.familie fires on the message → privé (priority 50, level passage, rules/prive-familie.json)");
    expect(r.stdout).toContain("text: 'oma' matched 'oma' at [5, 8)");
    expect(r.stdout).toContain("text: 'partijcongres*' matched 'partijcongres' at [22, 35)");
    expect(r.stdout).toMatch(/message → partijpolitiek by partijpolitiek\.partijorganisatie; beat prive\.familie \(privé, 50\)/);
    const j = (await runCli(['rules', 'explain', '--text', 'De nota is klaar', '--json'])).json();
    expect(j).toMatchObject({ fired: [], suggestions: [], outcome: 'no suggestion stored: the message keeps the default category zakelijk' });
  });

  it('uses custodian designation files: the sender by number', async () => {
    const f = write('d.json', { description: 'd', designations: [{ phone: '+31612345678', category: 'privé', level: 'message' }] });
    const j = (await runCli(['rules', 'explain', '--text', 'Hoi', '--sender', '0612345678', '--rules', f, '--json'])).json();
    expect(j.suggestions).toMatchObject([{ level: 'message', category: 'privé', ruleId: 'designation.phone.31612345678' }]);
  });
});
