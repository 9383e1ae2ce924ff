import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FragmentIndex } from '../../src/export/fragments.js';
import { unescapeMarkup } from '../../src/export/mdto.js';
import { Screen } from '../../src/export/screen.js';
import { runCli } from '../helpers/cli.js';
import { allText, exportedWithPrivateContact, walk } from './helpers.js';

/**
 * A private name or number escaped in a link (`?q=Zo%C3%AB%20%C3%96l%C3%A7ek`, `tel:%2B31698765432`) or written as
 * numeric character references: the geschoonde set replaces it as it replaces the plain name, and verify finds it and
 * withheld text escaped so.
 */

const screen = new Screen([{ contactId: 2, pseudonym: 'Privécontact 2', names: ['Zoë Ölçek'], phones: ['+31698765432'] }], ['Jan de Vries']);

describe('the screen decodes escapes', () => {
  it.each([
    ['https://www.google.com/search?q=Zo%C3%AB%20%C3%96l%C3%A7ek&hl=nl', 'https://www.google.com/search?q=[Privécontact 2]&hl=nl'],
    ['https://maps.example/?q=Zo%c3%ab+%c3%96l%c3%a7ek', 'https://maps.example/?q=[Privécontact 2]'],
    ['bel tel:%2B31698765432 aub', 'bel tel:[Privécontact 2] aub'],
    ['Zo&#235; &#xD6;l&#231;ek', '[Privécontact 2]'],
  ])('replaces the name in %j', (text, shown) => {
    expect(screen.redact(text)).toBe(shown);
  });

  it('leaves links without a private name alone', () => {
    const link = 'https://maps.google.com/maps?q=52.0799%2C4.3113&t=Dijk%20Noord';
    expect(screen.redact(link)).toBe(link);
  });

  it('reads HTML entities for letters as the letters a browser shows', () => {
    expect(unescapeMarkup('Zo&euml; &Ouml;l&ccedil;ek, Stra&szlig;e, &AElig;sir, &amp;euml;')).toBe('Zoë Ölçek, Straße, Æsir, &euml;');
    expect(unescapeMarkup('&foo; &eacutex; &Xuml;')).toBe(`&foo; &eacutex; ${'X\u0308'.normalize('NFC')}`);
  });

  it('finds withheld text percent-escaped', () => {
    const idx = new FragmentIndex();
    idx.addMarked('Het Dolfijnrestaurant is geboekt', 'message 5');
    expect(idx.scan('https://x.example/?q=Het%20Dolfijnrestaurant%20is%20geboekt').map((h) => h.origin)).toEqual(['message 5']);
  });
});

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - Zoë Ölçek: Het Dolfijnrestaurant is geboekt voor ons jubileum
10-03-2024 09:04 - Alice Bakker: Zie https://www.google.com/search?q=Zo%C3%AB%20%C3%96l%C3%A7ek voor de dijkinspectie.
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;

describe('a private name in a link of a business message', () => {
  it('is a pseudonym in the geschoonde set, and verify finds the escaped name and withheld text planted', async () => {
    const { db, out, g } = await exportedWithPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP }, (n) => n === 'Zoë Ölçek');
    const text = allText(g);
    expect(text).not.toMatch(/%C3%96l|Zo%C3%AB/i);
    expect(text).toMatch(/search\?q=\[Privécontact \d+\] voor de dijkinspectie/);
    expect((await runCli(['verify', out])).code).toBe(0);

    for (const [plant, finding] of [
      ['https://x.example/?q=Zo%C3%AB%20%C3%96l%C3%A7ek', /chat\.json:\d+: name of private contact/],
      ['https://x.example/?q=Het%20Dolfijnrestaurant%20is%20geboekt%20voor%20ons%20jubileum', /chat\.json:\d+: withheld text \(\d+ characters\) of message 3/],
    ] as const) {
      const chats = walk(g).filter((x) => /\/chat\.json$/.test(x)).map((f) => path.join(g, f));
      const before = chats.map((f) => fs.readFileSync(f, 'utf8'));
      chats.forEach((f, i) => fs.writeFileSync(f, before[i]!.replace('De dijkinspectie begint', `${plant} begint`)));
      for (const args of [[out], [g, '--db', db]]) {
        const v = await runCli(['verify', ...args, '--json']);
        expect(v.code).toBe(1);
        const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
        expect(leaks, plant).toMatch(finding);
      }
      chats.forEach((f, i) => fs.writeFileSync(f, before[i]!));
    }

    // In chat.html, where a browser shows an entity as its letter.
    const html = walk(g).filter((x) => /\/chat\.html$/.test(x)).map((f) => path.join(g, f));
    for (const f of html) fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('De dijkinspectie begint', 'Zo&euml; &Ouml;l&ccedil;ek begint'));
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    expect(v.json().findings.map((x: any) => x.message).join('\n')).toMatch(/chat\.html:\d+: name of private contact/);
  });
});
