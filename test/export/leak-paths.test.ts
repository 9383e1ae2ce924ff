import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { exportedWithPrivateContact } from './helpers.js';

/**
 * A file or folder in a geschoonde set named after a private contact or after withheld text: verify finds it in the
 * path itself (also when the manifest does not list the file, so no manifest line names it), and its findings (of
 * the leak check and of the other checks) mask that part of the path rather than repeating it.
 */

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - Zoë Ölçek: Het Dolfijnrestaurant is geboekt voor ons jubileum
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;

describe('a file named after private content in a geschoonde set', () => {
  it('is a leak finding that names the file with that part masked', async () => {
    const { db, out, g } = await exportedWithPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP }, (n) => n === 'Zoë Ölçek');
    expect((await runCli(['verify', out])).code).toBe(0);

    const conversation = path.join(g, 'data', 'Chatberichten_min', 'Periode_2024-03-10_2024-03-10', 'Gesprek_000001');
    fs.writeFileSync(path.join(conversation, 'notities ZOE OLCEK.txt'), 'niets\n');
    fs.mkdirSync(path.join(conversation, 'Dolfijnrestaurant is geboekt voor ons jubileum'));
    fs.writeFileSync(path.join(conversation, 'Dolfijnrestaurant is geboekt voor ons jubileum', 'x.txt'), 'niets\n');
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
      expect(leaks).toMatch(/Gesprek_000001\/\[naam afgeschermd\]:0: name of private contact \d+ \(Privécontact \d+\)/);
      expect(leaks).toMatch(/Gesprek_000001\/\[naam afgeschermd\]\/x\.txt:0: withheld text \(\d+ characters\) of message 3/);
      expect(leaks).not.toMatch(/olcek|dolfijn/i);
      // The bag check names the files the manifest lacks, masked as well; no output repeats the names.
      const all = v.json().findings.map((x: any) => x.message).join('\n');
      expect(all).toMatch(/Gesprek_000001\/\[naam afgeschermd\]: payload file not in manifest/);
      expect(`${v.stdout}\n${v.stderr}`).not.toMatch(/olcek|dolfijn/i);
    }
  });
});
