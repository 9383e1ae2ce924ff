import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FragmentIndex } from '../../src/export/fragments.js';
import { Screen } from '../../src/export/screen.js';
import { runCli } from '../helpers/cli.js';
import { allText, exportedWithPrivateContact, walk } from './helpers.js';

/**
 * A private name written in another form than the contact's own: without its accents, in capitals (Turkish dotless ı
 * and dotted İ included), or with an invisible format character (a direction mark, a zero-width joiner) inside a word.
 * The geschoonde set shows none of these forms, and verify finds each of them planted, and withheld text written so.
 */

const screen = new Screen([{ contactId: 7, pseudonym: 'Privécontact 7', names: ['Ayşe Yılmaz', 'Ré\u200dza Mohamedi', 'Zoë Ölçek'], phones: [] }], ['Jan de Vries']);

describe('the screen compares folded words', () => {
  it.each([
    'AYŞE YILMAZ', 'Ayşe Yilmaz', 'Ayse Yilmaz', 'AYSE YİLMAZ', 'ayşe yılmaz',
    'Réza Mohamedi', 'Reza Mohamedi', 'Ré\u200dza Mo\u200fhamedi', 'RÉZA MOHAMEDİ',
    'zoe olcek', 'ZOË ÖLÇEK', 'Zoe\u0308 O\u0308lc\u0327ek', 'Zo\u00ad\u00eb \u00d6l\u200b\u00e7ek',
  ])('finds %j', (form) => {
    const text = `Gisteren sprak ${form} de minister.`;
    expect(screen.redact(text)).toBe('Gisteren sprak [Privécontact 7] de minister.');
  });

  it('still matches whole words only, and leaves business words that merely contain a name', () => {
    expect(screen.find('De Zoe-Olcekstraat en Mohamedistraat en Yilmazweg')).toEqual([]);
    expect(screen.redact('Zoë Ölçekweg')).toBe('Zoë Ölçekweg');
  });

  it('finds withheld text in another case, without its accents or with invisible characters in it', () => {
    const idx = new FragmentIndex();
    idx.addMarked('Afspraak bij het Pinguïnpaleis', 'message 1');
    for (const t of ['AFSPRAAK BIJ HET PINGUÏNPALEIS', 'afspraak bij het Pinguinpaleis', 'Afspraak bij het Pingu\u200bïnpa\u200ele\u00adis']) {
      expect(idx.scan(t).length, t).toBeGreaterThan(0);
    }
  });
});

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:02 - \u200eAlice Bakker heeft Ré\u200dza\u200b Mo\u200fhamedi toegevoegd
10-03-2024 09:03 - Ré\u200dza Mohamedi: Ik bel je straks over het gezinsweekend
10-03-2024 09:04 - Alice Bakker: Reza Mohamedi en RÉZA MOHAMEDI komen ook naar de dijkinspectie.
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;

describe('a private contact whose name is written in other forms', () => {
  it('is a pseudonym in every form in the geschoonde set, and verify finds the forms planted', async () => {
    const { db, out, g } = await exportedWithPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP }, (n) => n.startsWith('Ré'));
    const text = allText(g).replace(/[\u200b-\u200f\u00ad]/g, '');
    expect(text).not.toMatch(/mohamedi/i);
    expect(text).toMatch(/Alice Bakker heeft \[Privécontact \d+\] toegevoegd/);
    expect(text).toContain('De dijkinspectie begint om negen uur.');
    expect((await runCli(['verify', out])).code).toBe(0);

    for (const form of ['Reza Mohamedi', 'R\u00e9za Mo\u200fhamedi', 'REZA MOHAMEDİ']) {
      for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
        const abs = path.join(g, f);
        fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace('De dijkinspectie begint', `${form} begint`));
      }
      for (const args of [[out], [g, '--db', db]]) {
        const v = await runCli(['verify', ...args, '--json']);
        expect(v.code).toBe(1);
        const found = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
        expect(found, form).toMatch(/chat\.json:\d+: name of private contact/);
        expect(found, form).toMatch(/chat\.html:\d+: name of private contact/);
        expect(found).not.toMatch(/mohamedi/i);
      }
      for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
        const abs = path.join(g, f);
        fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(`${form} begint`, 'De dijkinspectie begint'));
      }
    }
  });
});
