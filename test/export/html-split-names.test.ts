import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textsOf } from '../../src/export/shown-text.js';
import { runCli } from '../helpers/cli.js';
import { exportedWithPrivateContact, walk } from './helpers.js';

/**
 * A browser shows `Re<b></b>za Mohamedi` and `Reza <span>Mohamedi</span>` as "Reza Mohamedi": verify reads an HTML
 * file's text content so (inline elements left out, block elements kept apart), not each text node on its own, and so
 * finds a private name or withheld text split over inline elements in a planted HTML file.
 */

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - Reza Mohamedi: Zondag verjaardag van mama in Apeldoorn, neem jij de taart mee?
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
10-03-2024 09:06 - Alice Bakker: Dank, ik neem de kaarten van dijkring 43 mee.
`;

describe('verify reads the text content of an HTML file', () => {
  it('joins text over inline elements, and keeps block elements apart', () => {
    const state = { inStyle: false };
    expect(textsOf('x.html', '<div class="t">Bel Re<b></b>za <span class="p">Mohamedi</span> even</div><div>Bram</div>', state).texts).toEqual(['Bel Reza Mohamedi even', 'Bram', 't', 'p']);
    expect(textsOf('x.htm', '<p>Re<!-- x -->za</p><p>Mo<wbr>hamedi<br>Smit</p>', state).texts).toEqual(['Reza', 'Mohamedi', 'Smit', ' x ']);
    // XML is no HTML: there every element is a value of its own.
    expect(textsOf('x.xml', '<naam>Re<b>za</b></naam>', state).texts).toEqual(['Re', 'za']);
  });

  it('finds a private name or withheld text split over inline elements in a planted HTML file', async () => {
    const { db, out, g } = await exportedWithPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP }, (n) => n === 'Reza Mohamedi');
    expect((await runCli(['verify', out])).code).toBe(0);
    const html = walk(g).filter((x) => /\/chat\.html$/.test(x)).map((f) => path.join(g, f));
    const before = html.map((f) => fs.readFileSync(f, 'utf8'));
    for (const [plant, finding] of [
      ['Re<b></b>za Mohamedi', /chat\.html:\d+: name of private contact/],
      ['Reza <span>Mohamedi</span>', /chat\.html:\d+: name of private contact/],
      ['<em>Reza</em> <a href="#m-1">Moha</a><i>medi</i>', /chat\.html:\d+: name of private contact/],
      ['Zondag verjaardag van <b>ma</b>ma in <span class="p">Apeldoorn</span>, neem jij de taart mee?', /chat\.html:\d+: withheld text \(\d+ characters\) of message 3/],
    ] as const) {
      html.forEach((f, i) => fs.writeFileSync(f, before[i]!.replace('De dijkinspectie begint', `${plant} begint`)));
      for (const args of [[out], [g, '--db', db]]) {
        const v = await runCli(['verify', ...args, '--json']);
        expect(v.code, plant).toBe(1);
        const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
        expect(leaks, plant).toMatch(finding);
      }
    }
    html.forEach((f, i) => fs.writeFileSync(f, before[i]!));
    expect((await runCli(['verify', out])).code).toBe(0);
  });
});
