import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { withPrivateContact } from './helpers.js';
import { imageMetadataLines, leakLines } from '../../src/export/image-meta.js';

/**
 * A photo sent as a document keeps its metadata: a business photo whose Exif Artist, Windows XPAuthor or PNG text
 * names a private contact passed the export (which reads no image bytes, as a short name turns up by chance in pixel
 * data) and only verify, after the delivery was recorded, found it. The export now reads an image's metadata (not its
 * picture) and refuses before anything is delivered, naming the file but not the name.
 */

const NAME = 'Zoë Ölçek';

const segment = (marker: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);
const u16be = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
/** A JPEG: SOI, an APP1 Exif segment (Artist as an ASCII field), then the picture (SOS …, EOI) holding `inPicture`. */
const jpeg = (exif: Buffer, inPicture = ''): Buffer => Buffer.concat([
  Buffer.from([0xff, 0xd8]),
  segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0II*\0\x08\0\0\0\x01\0\x3b\x01\x02\0\x0b\0\0\0\x1a\0\0\0\0\0\0\0', 'latin1'), exif, Buffer.from([0])])),
  segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), Buffer.from(` ${inPicture} `.padEnd(200, 'x')), Buffer.from([0xff, 0xd9]),
]);
const crcless = (type: string, data: Buffer): Buffer => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]); };
/** A PNG with a compressed iTXt Author chunk after its picture data. */
const png = (author: string): Buffer => Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  crcless('IHDR', Buffer.alloc(13)), crcless('IDAT', Buffer.alloc(20)),
  crcless('iTXt', Buffer.concat([Buffer.from('Author\0\x01\0\0\0', 'latin1'), zlib.deflateSync(Buffer.from(author, 'utf8'))])),
  crcless('IEND', Buffer.alloc(0)),
]);

const CHAT = `10-03-2024 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2024 09:01 - \u200eAlice Bakker heeft de groep "Werkgroep Dijken" gemaakt
10-03-2024 09:03 - ${NAME}: Zullen we vrijdag samen eten?
10-03-2024 09:04 - Alice Bakker: \u200edijk-noord.jpg (bestand bijgevoegd)
Foto van de dijk bij Noord
10-03-2024 09:05 - Bram Smit: De dijkinspectie begint om negen uur.
`;

describe('a kept image attachment', () => {
  it('reads Exif (UTF-8 and UTF-16LE XPAuthor) and PNG text, not the picture', () => {
    const dir = fs.mkdtempSync('/tmp/imgmeta-');
    const write = (name: string, b: Buffer): string => { fs.writeFileSync(`${dir}/${name}`, b); return `${dir}/${name}`; };
    expect(imageMetadataLines(write('a.jpg', jpeg(Buffer.from(NAME, 'utf8'))))!.join('\n')).toContain(NAME);
    expect(imageMetadataLines(write('b.jpg', jpeg(Buffer.from(NAME, 'utf16le'))))!.join('\n')).toContain(NAME);
    expect(imageMetadataLines(write('c.png', png(NAME)))!.join('\n')).toContain(NAME);
    expect(imageMetadataLines(write('d.jpg', jpeg(Buffer.from('Bram Smit'), NAME)))!.join('\n')).not.toContain(NAME);
    // A file named like an image that is none (text planted as .jpg) is no image: the leak check reads it whole.
    expect(imageMetadataLines(write('e.jpg', Buffer.from(`Met ${NAME} gesproken\n`)))).toBeNull();
    expect([...leakLines(`${dir}/e.jpg`)]).toEqual([`Met ${NAME} gesproken`]);
    fs.rmSync(dir, { recursive: true });
  });

  it('naming a private contact in its metadata makes the export refuse; in its picture bytes it does not', async () => {
    const { cli, out } = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': CHAT, 'dijk-noord.jpg': jpeg(Buffer.from(NAME, 'utf8')) }, (n) => n === NAME);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/media_4_0\.jpg:\d+: name of a private contact/);
    expect(r.stderr).not.toMatch(/olcek|ölçek/i);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);

    const clean = await withPrivateContact({ 'WhatsApp-chat met Werkgroep Dijken.txt': CHAT, 'dijk-noord.jpg': jpeg(Buffer.from('Alice Bakker'), NAME) }, (n) => n === NAME);
    const ok = await clean.cli('export', '--custodian', 'min', '--out', clean.out, '--set', 'both');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/checking 1 kept attachment\(s\) \(text, zip entries, image metadata, PDF text\)/);
    const v = await runCli(['verify', clean.out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});
