import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { pagePdf, subsetFont, utf16Hex } from '../helpers/pdf.js';
import { bagOf, withPrivateContact } from './helpers.js';

/**
 * A kept attachment that is a PDF hides its text in compressed (FlateDecode) content streams: a business message
 * forwarding `Verslag-dijken.pdf` that names a private contact passed the export and verify, the name never being in
 * its bytes. The export refuses it, naming the file and the PDF's part but not the name, and verify finds such a PDF
 * planted, also under a name that does not say PDF.
 */

const GROUP = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - Reza Mohamedi: Zullen we vrijdag samen bij Het Dolfijnrestaurant eten?
10-03-2024 09:04 - Alice Bakker: \u200eVerslag-dijken.pdf (bestand bijgevoegd)
Het verslag van het overleg
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;
const WITHOUT_PDF = GROUP.split('\n').filter((l) => !/pdf|verslag/i.test(l)).join('\n');

const isReza = (n: string): boolean => n === 'Reza Mohamedi';
const PAGE = (text: string): string => `BT /F1 12 Tf 72 712 Td ${text} ET`;

/** Exports the group with `pdf` as its attachment; returns the export's result and the store. */
async function exportWith(pdf: Buffer) {
  const s = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': GROUP, 'Verslag-dijken.pdf': pdf }, isReza);
  return { ...s, r: await s.cli('export', '--custodian', 'min', '--out', s.out, '--set', 'both') };
}

/** The export refused, naming the PDF's part, never the name. */
function expectRefused(r: { code: number; stderr: string }, out: string, part: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(part);
  expect(r.stderr).not.toMatch(/reza|mohamedi|dolfijn/i);
  expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
}

describe('a kept PDF attachment', () => {
  it('naming a private contact in a deflated content stream makes the export refuse; marked privé it is withheld', async () => {
    const { cli, out, r } = await exportWith(pagePdf(PAGE('(Gesprek met Reza Mohamedi) Tj')));
    expectRefused(r, out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
    expect(r.stderr).toMatch(/checking 1 kept attachment\(s\) \(text, zip entries, image metadata, PDF text\)/);

    expect((await cli('review', 'mark', '--message', '4', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const again = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('is read by its text: a name split over a TJ array, accents written as octal codes, a subset font, withheld text', async () => {
    const tj = await exportWith(pagePdf(PAGE('[(Re) -20 (za Mo) 10 (hamedi)] TJ')));
    expectRefused(tj.r, tj.out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
    // PDFDocEncoding: é and È as octal codes, and the name in capitals; folded as all screened text is
    const folded = await exportWith(pagePdf(PAGE('[(Gesprek) -333 (met) -333 (R\\351za) -250 (MOHAM\\310DI)] TJ')));
    expectRefused(folded.r, folded.out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
    // A subset font's own codes, read through its ToUnicode map (as LibreOffice and Chrome write text)
    const font = subsetFont(6);
    const subset = await exportWith(pagePdf(`BT /F2 11 Tf [${font.codes('Reza')} -280 ${font.codes('Mohamedi')}] TJ ET`, { fonts: '/F2 6 0 R', extra: font.objects }));
    expectRefused(subset.r, subset.out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
    const text = await exportWith(pagePdf(PAGE('[(Zullen we vrijdag samen bij Het Dolfijn) 15 (restaurant eten?)] TJ')));
    expectRefused(text.r, text.out, /media_4_0\.pdf!PDF object 4:\d+: withheld text \(message 3\)/);
  });

  it('naming a private contact as its Author in UTF-16BE document info makes the export refuse', async () => {
    const info = { dict: `<< /Title (Verslag overleg) /Author ${utf16Hex('Reza Mohamedi')} /Producer (Microsoft Word) >>` };
    const { out, r } = await exportWith(pagePdf(PAGE('(Verslag van het overleg) Tj'), { extra: [info], info: 6 }));
    expectRefused(r, out, /media_4_0\.pdf!PDF object 6:\d+: name of a private contact/);
  });

  it('without private content passes the export and verify; a damaged stream is no crash', async () => {
    const business = pagePdf(PAGE('[(De dijkinspectie) -333 (begint om negen uur.)] TJ'), { extra: [{ dict: `<< /Author ${utf16Hex('Alice Bakker')} >>` }], info: 6 });
    const ok = await exportWith(business);
    expect(ok.r.code, ok.r.stderr).toBe(0);
    expect(ok.r.stderr).toMatch(/checking 1 kept attachment\(s\)/);
    expect((await runCli(['verify', ok.out])).code).toBe(0);

    // Bytes that do not inflate are read raw: without a name they pass, with one they are found.
    const garbage = Buffer.from('x\x9c\xff\xfe garbage that is no deflate stream \x00\x01', 'latin1');
    const damaged = await exportWith(pagePdf(PAGE('(niets) Tj'), { storedStream: garbage }));
    expect(damaged.r.code, damaged.r.stderr).toBe(0);
    const raw = await exportWith(pagePdf(PAGE('(niets) Tj'), { storedStream: Buffer.from('\x00\x01 (Gesprek met Reza Mohamedi) Tj \xff', 'latin1') }));
    expectRefused(raw.r, raw.out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
    // A truncated stream gives what it holds.
    const deflated = zlib.deflateSync(Buffer.from(`${PAGE('(Gesprek met Reza Mohamedi) Tj')} ${'0 0 m 612 792 l S '.repeat(2000)}`));
    const truncated = await exportWith(pagePdf(PAGE('(niets) Tj'), { storedStream: deflated.subarray(0, deflated.length >> 1) }));
    expectRefused(truncated.r, truncated.out, /media_4_0\.pdf!PDF object 4:\d+: name of a private contact/);
  });

  it('planted in a geschoonde set is read by its text by verify, also under a name that does not say PDF', async () => {
    const { cli, db, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': WITHOUT_PDF }, isReza);
    expect((await cli('export', '--custodian', 'min', '--out', out, '--set', 'both')).code).toBe(0);
    const g = bagOf(out, 'geschoond');
    // (the manifest check reports the extra files)
    fs.writeFileSync(path.join(g, 'data', 'verslag.pdf'), pagePdf(PAGE('[(Re) -20 (za Mo) 10 (hamedi)] TJ')));
    fs.writeFileSync(path.join(g, 'data', 'scan'), pagePdf(PAGE('(Verslag) Tj'), { extra: [{ dict: `<< /Author ${utf16Hex('Reza Mohamedi')} >>` }], info: 6 }));
    fs.writeFileSync(path.join(g, 'data', 'kapot.pdf'), pagePdf(PAGE('(niets) Tj'), { storedStream: Buffer.from('x\x9c\xff\xfe', 'latin1') }));
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
      expect(leaks).toMatch(/data\/verslag\.pdf!PDF object 4:\d+: name of private contact \d+/);
      expect(leaks).toMatch(/data\/scan!PDF object 6:\d+: name of private contact \d+/);
      expect(leaks).not.toMatch(/kapot/);
      expect(`${v.stdout}\n${v.stderr}`).not.toMatch(/reza|mohamedi/i);
    }
  });
});
