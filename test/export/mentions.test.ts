import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Screen } from '../../src/export/screen.js';
import { runCli } from '../helpers/cli.js';
import { allText, exportedWithPrivateContact, walk } from './helpers.js';

/**
 * A private contact with a short name ("Eva") mentioned in a business message (`@Eva`; WhatsApp writes
 * `@\u2068Eva\u2069`): prose does not screen names under 4 characters, but a mention names that person, so the
 * geschoonde set shows her pseudonym there, and verify finds the mention planted back.
 */

const screen = new Screen([{ contactId: 3, pseudonym: 'Privécontact 3', names: ['Eva'], phones: [] }], ['Jan de Vries']);

describe('a mention of a private contact with a short name', () => {
  it.each([
    ['@Eva kun je de nota lezen?', '@[Privécontact 3] kun je de nota lezen?'],
    ['Dank @\u2068Eva\u2069!', 'Dank @\u2068[Privécontact 3]\u2069!'],
    ['cc @\u200eEVA', 'cc @\u200e[Privécontact 3]'],
  ])('is replaced in %j', (text, shown) => {
    expect(screen.redact(text)).toBe(shown);
  });

  it('leaves the short name alone in prose and in an e-mail address', () => {
    for (const t of ['Eva komt ook', 'mail naar eva@example.nl', 'Team@Eval']) expect(screen.redact(t)).toBe(t);
  });
});

const GROUP = `03-03-2025 09:00 - \u200eKarin van Dijk heeft de groep Werkoverleg Stikstof gemaakt
03-03-2025 09:01 - Eva: Pap, vergeet je niet mijn zwemles om vier uur?
03-03-2025 09:02 - Karin van Dijk: @\u2068Eva\u2069 kun jij de stikstofnota rondsturen?
03-03-2025 09:04 - Jan de Vries: De nota bespreken we om tien uur.
`;

describe('an exported business message that mentions a private contact with a short name', () => {
  it('shows the pseudonym in the mention, and verify finds the mention planted back', async () => {
    const { db, out, g } = await exportedWithPrivateContact({ 'WhatsApp-chat met Werkoverleg Stikstof.txt': GROUP }, (n) => n === 'Eva');
    const text = allText(g);
    expect(text).toMatch(/@\u2068\[Privécontact \d+\]\u2069 kun jij de stikstofnota rondsturen\?/);
    expect(text).not.toMatch(/@\u2068Eva/);
    expect((await runCli(['verify', out])).code).toBe(0);

    for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace('De nota bespreken', '@Eva bespreken'));
    }
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
      expect(leaks).toMatch(/chat\.json:\d+: name of private contact \d+ \(Privécontact \d+\)/);
      expect(leaks).toMatch(/chat\.html:\d+: name of private contact/);
    }
  });
});
