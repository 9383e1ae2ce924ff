import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { pagePdf } from '../helpers/pdf.js';
import { bagOf, withPrivateContact } from './helpers.js';

/**
 * A kept attachment that is a zip (or an office document, which is one) hides its text in compressed bytes: a
 * business message forwarding `Dossier-dijken.zip` with a private contact's vCard and a withheld message's text in it.
 * The export refuses it, naming the file and entry but not the name, and verify finds such a zip planted.
 */

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - Zoë Ölçek: Het Dolfijnrestaurant is geboekt voor ons jubileum
10-03-2024 09:04 - Alice Bakker: \u200eDossier-dijken.zip (bestand bijgevoegd)
Het dossier over de dijken
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;

const privateZip = (): Buffer => makeZip([
  { name: 'contacten/c1.vcf', data: 'BEGIN:VCARD\r\nFN:Zoë Ölçek\r\nTEL:+31 6 98765432\r\nEND:VCARD\r\n', deflate: true },
  { name: 'word/document.xml', data: '<w:document><w:t>Het Dolfijnrestaurant is geboekt voor ons jubileum</w:t></w:document>', deflate: true },
  { name: 'foto.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), deflate: true },
]);

describe('a kept zip attachment', () => {
  it('holding a private name or withheld text makes the export refuse; marked privé it is withheld', async () => {
    const { cli, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP, 'Dossier-dijken.zip': privateZip() }, (n) => n === 'Zoë Ölçek');
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/media_4_0\.zip!contacten\/c1\.vcf:2: name of a private contact/);
    expect(r.stderr).toMatch(/media_4_0\.zip!word\/document\.xml:1: withheld text \(message 3\)/);
    expect(r.stderr).not.toMatch(/olcek|ölçek|dolfijn/i);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);

    expect((await cli('review', 'mark', '--message', '4', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const again = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('an office document in which Word split the name over runs is read as its text reads', async () => {
    // Word splits a word wherever formatting, spelling marks or revision history change.
    const docx = makeZip([{
      name: 'word/document.xml', deflate: true,
      data: '<w:document><w:body><w:p><w:r><w:t>Overleg met </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Zo</w:t></w:r>' +
        '<w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve">ë Öl</w:t></w:r><w:r><w:t>çek</w:t></w:r></w:p>' +
        '<w:p><w:r><w:t>over de dijken</w:t></w:r></w:p></w:body></w:document>',
    }]);
    const { cli, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP, 'Dossier-dijken.zip': docx }, (n) => n === 'Zoë Ölçek');
    expect((await cli('review', 'mark', '--message', '3', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/media_4_0\.zip!word\/document\.xml:1: name of a private contact/);
    expect(r.stderr).not.toMatch(/olcek|ölçek/i);
  });

  it('holding a PDF reads the PDF by its text, as a kept PDF is read', async () => {
    const zip = makeZip([{ name: 'stukken/verslag.pdf', data: pagePdf('BT /F1 12 Tf 72 712 Td (Gesprek met Zo\\353 \\326l\\347ek) Tj ET'), deflate: true }]);
    const { cli, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP, 'Dossier-dijken.zip': zip }, (n) => n === 'Zoë Ölçek');
    expect((await cli('review', 'mark', '--message', '3', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code).toBe(1);
    // (a part inside an entry is named as nested zips name theirs: its path under the entry)
    expect(r.stderr).toMatch(/media_4_0\.zip!stukken\/verslag\.pdf\/PDF object 4:\d+: name of a private contact/);
    expect(r.stderr).not.toMatch(/olcek|ölçek/i);
  });

  it('planted in a geschoonde set is read entry by entry by verify', async () => {
    const { cli, db, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP.split('\n').filter((l) => !/zip|dossier/i.test(l)).join('\n') }, (n) => n === 'Zoë Ölçek');
    expect((await cli('export', '--custodian', 'min', '--out', out, '--set', 'both')).code).toBe(0);
    const g = bagOf(out, 'geschoond');
    // Under a harmless name, so that only its entries tell (the manifest check reports the extra file).
    fs.writeFileSync(path.join(g, 'data', 'bijlage.docx'), privateZip());
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
      expect(leaks).toMatch(/data\/bijlage\.docx!contacten\/c1\.vcf:2: name of private contact \d+/);
      expect(leaks).toMatch(/data\/bijlage\.docx!word\/document\.xml:1: withheld text \(\d+ characters\) of message 3/);
      expect(`${v.stdout}\n${v.stderr}`).not.toMatch(/olcek|ölçek|dolfijn/i);
    }
  });
});
