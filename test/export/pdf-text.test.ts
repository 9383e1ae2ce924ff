/**
 * The text of a PDF as the leak check reads it (see pdf-text.ts): string operands of deflated content streams, TJ
 * fragments joined, document info in UTF-16BE, XMP, object streams; damaged or huge streams never fail the check.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { makePdf, pagePdf, subsetFont, utf16Hex } from '../helpers/pdf.js';
import { looksLikePdf, pdfTextParts } from '../../src/export/pdf-text.js';
import { leakParts } from '../../src/export/leak-parts.js';

const write = (data: Buffer, name = 'x.pdf'): string => {
  const f = path.join(tempDir(), name);
  fs.writeFileSync(f, data);
  return f;
};
/** The lines of one part of the PDF. */
const linesOf = (pdf: Buffer, part: string): string[] => [...pdfTextParts(write(pdf))].filter((p) => p.name === part).flatMap((p) => p.lines);
/** The lines of a stream's part without those of its dictionary (the syntax between strings is read as well). */
const streamLines = (pdf: Buffer, part: string): string[] => linesOf(pdf, part).filter((l) => !l.includes('/Length'));

describe('the text of a PDF', () => {
  it('holds the strings of its content streams, escapes decoded, the fragments of a TJ array joined', () => {
    const content = 'BT /F1 12 Tf 72 712 Td [(Re) -20 (za Mo) 10.5 (hamedi)] TJ 0 -14 Td [(Gesprek)-333(met)-250(Eva)] TJ '
      + '(regel\\neen \\(haakjes\\) (genest) \\\\ tab\\tmaar Zo\\353 \\326l\\347ek) Tj <5A6F C3AB> Tj (af\\\nbreken) Tj ET';
    expect(streamLines(pagePdf(content), 'PDF object 4')).toEqual([
      'Reza Mohamedi', 'Gesprek met Eva', 'regel\neen (haakjes) (genest) \\ tab\tmaar Zoë Ölçek', 'Zo\xc3\xab', 'afbreken',
    ]);
  });

  it('holds every string of a long content stream, the name after 300 000 others', () => {
    const pdf = pagePdf(`BT ${'(woord) Tj '.repeat(300_000)}(Reza Mohamedi) Tj ET`);
    const lines = streamLines(pdf, 'PDF object 4');
    expect(lines.length).toBe(300_001);
    expect(lines[300_000]).toBe('Reza Mohamedi');
  });

  it('reads text in the codes of a subset font through its ToUnicode map, also when the map comes after the page', () => {
    const font = subsetFont(6);
    // (Helvetica's string holds the same bytes: it is not read through the other font's map)
    const content = `BT /F2 11 Tf [${font.codes('Reza')} -300 ${font.codes('Mohamedi')}] TJ /F1 11 Tf ${font.codes('Reza')} Tj ET`;
    const lines = streamLines(pagePdf(content, { fonts: '/F2 6 0 R', extra: font.objects }), 'PDF object 4');
    expect(lines).toContain('Reza Mohamedi');
    expect(lines.filter((l) => l.includes('Reza'))).toEqual(['Reza Mohamedi']);
  });

  it('holds its document info, in UTF-16BE with its byte order mark too, and its XMP', () => {
    const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">\n<dc:creator><rdf:Seq><rdf:li>Zoë Ölçek</rdf:li></rdf:Seq></dc:creator>\n</x:xmpmeta>';
    const pdf = pagePdf('BT ET', {
      extra: [
        { dict: `<< /Author ${utf16Hex('Zoë Ölçek')} /Title (Verslag) /Subject <FEFF00520065007A0061> /Keywords (\\376\\377\\000E\\000v\\000a) >>` },
        { dict: '<< /Type /Metadata /Subtype /XML >>', stream: Buffer.from(xmp), deflate: true },
      ],
      info: 6,
    });
    expect(linesOf(pdf, 'PDF object 6')).toEqual(expect.arrayContaining(['Zoë Ölçek', 'Verslag', 'Reza', 'Eva']));
    expect(linesOf(pdf, 'PDF object 7').join('\n')).toContain('<rdf:li>Zoë Ölçek</rdf:li>');
  });

  it('holds the objects of an object stream, each under its own number', () => {
    const objects = '<< /Author (Reza Mohamedi) >> << /Title (Verslag) >>';
    const pdf = pagePdf('BT ET', { extra: [{ dict: '<< /Type /ObjStm /N 2 /First 10 >>', stream: `7 0 8 29 ${objects}`, deflate: true }] });
    expect(linesOf(pdf, 'PDF object 7')).toContain('Reza Mohamedi');
    expect(linesOf(pdf, 'PDF object 8')).toContain('Verslag');
  });

  it('leaves pictures and fonts unread, reads a stream that does not inflate raw and a truncated one as far as it goes', () => {
    const picture = { dict: '<< /Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 >>', stream: '(Reza Mohamedi)', deflate: true };
    expect(linesOf(pagePdf('BT ET', { extra: [picture] }), 'PDF object 6').join('\n')).not.toContain('Reza');
    const damaged = pagePdf('BT ET', { storedStream: Buffer.from('x\x9c\xffBT (Reza Mohamedi) Tj', 'latin1') });
    expect(linesOf(damaged, 'PDF object 4').join('\n')).toContain('Reza Mohamedi');
    const deflated = zlib.deflateSync(`BT (Reza Mohamedi) Tj ET ${'0 0 m 612 792 l S '.repeat(5000)}`);
    expect(linesOf(pagePdf('BT ET', { storedStream: deflated.subarray(0, deflated.length >> 1) }), 'PDF object 4')).toContain('Reza Mohamedi');
  });

  it('inflates at most 64 MiB of a file: a bomb is left unread, no failure', () => {
    const bomb = { dict: '<< >>', stream: Buffer.alloc(65 * 1024 * 1024, 0x20), deflate: true };
    const pdf = makePdf([{ dict: '<< /Type /Catalog >>' }, bomb, { dict: '<< >>', stream: '(Reza Mohamedi) Tj', deflate: true }, { dict: '<< /Author (Eva de Boer) >>' }]);
    expect(pdf.length).toBeLessThan(1 << 20);
    const parts = [...pdfTextParts(write(pdf))];
    expect(parts.find((p) => p.name === 'PDF object 4')?.lines).toContain('Eva de Boer');
    expect(parts.find((p) => p.name === 'PDF object 3')?.lines ?? []).not.toContain('Reza Mohamedi');
  });

  it('is sniffed by its header, whatever the file is named', () => {
    expect(looksLikePdf(write(pagePdf('BT ET'), 'scan'))).toBe(true);
    expect(looksLikePdf(write(Buffer.from('Dit is geen %PDF-bestand'), 'nep.pdf'))).toBe(false);
    // (a file named .pdf that is none is read whole, as any other file)
    expect([...leakParts(write(Buffer.from('Met Reza Mohamedi\n'), 'nep.pdf'), 'nep.pdf')]).toEqual([{ entry: null, format: 'nep.pdf', lines: expect.anything() }]);
  });
});

describe('a kept PDF larger than a buffer can hold', () => {
  it('is read piecewise, never whole: its objects past 2 GiB are found', () => {
    const head = pagePdf('BT (Verslag) Tj ET');
    const tail = Buffer.from(`\n9 0 obj\n<< /Length ${zlib.deflateSync('BT (Reza Mohamedi) Tj ET').length} /Filter /FlateDecode >>\nstream\n`, 'latin1');
    const body = Buffer.concat([tail, zlib.deflateSync('BT (Reza Mohamedi) Tj ET'), Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1')]);
    const far = 2 ** 31 + 4096; // past what one Buffer holds
    const file = path.join(tempDir(), 'groot.pdf');
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, head, 0, head.length, 0);
      fs.writeSync(fd, body, 0, body.length, far);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.statSync(file).size).toBeGreaterThan(2 ** 31);
    const parts = [...leakParts(file, 'groot.pdf')];
    expect(parts.filter((p) => p.entry === 'PDF object 4').flatMap((p) => [...p.lines!])).toContain('Verslag');
    expect(parts.filter((p) => p.entry === 'PDF object 9').flatMap((p) => [...p.lines!])).toContain('Reza Mohamedi');
    expect(parts.some((p) => p.entry === null)).toBe(false); // (its bytes are not read as lines)
  });
});
