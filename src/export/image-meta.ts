/**
 * The text an image file carries beside its picture, read without decoding the picture: JPEG APP segments and
 * comments (Exif, XMP, IPTC), PNG text chunks (tEXt, zTXt, iTXt) and Exif (eXIf), WebP EXIF and XMP chunks. A photo
 * sent as a document keeps them, and a private name in its Artist, XPAuthor or XMP creator would pass into the
 * geschoonde set. The leak checks (export's and verify's) read these, not the pixel data (see leakLines).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { readLines } from './files.js';

/** The image formats whose metadata is read (by file name). */
export const IMAGE_FILE = /\.(?:jpe?g|png|webp)$/i;
/** Metadata read per file at most: a segment or chunk beyond it is left unread. */
const MAX_META = 8 << 20;
/** Control characters and NUL split the binary fields of Exif into the strings they hold. */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]+/;

/**
 * The longest line the leak check reads of a file as one (64 Mi characters); a longer one, binary bytes without a line
 * break, is read in overlapping pieces (see readLines).
 */
const LEAK_MAX_LINE = 1 << 26;

/**
 * The lines the leak check reads of a file in a package: an image's metadata (its picture is no text, and a short name
 * turns up in pixel data by chance: about twice per GB per name), any other file whole.
 */
export function leakLines(file: string): Iterable<string> {
  // (a file named like an image that is none, such as text planted as .jpg, is read whole)
  return (IMAGE_FILE.test(file) && imageMetadataLines(file)) || readLines(file, LEAK_MAX_LINE);
}

/** The metadata of an image as lines of text (empty when it has none); null when it is no JPEG, PNG or WebP. */
export function imageMetadataLines(file: string): string[] | null {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer => {
      const b = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
      fs.readSync(fd, b, 0, b.length, pos);
      return b;
    };
    const head = read(0, 12);
    const payloads =
      head[0] === 0xff && head[1] === 0xd8 ? jpegSegments(read, size)
      : head.subarray(0, 8).equals(PNG_SIGNATURE) ? pngChunks(read, size)
      : head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP' ? webpChunks(read, size)
      : null;
    return payloads && payloads.flatMap(linesOf);
  } finally {
    fs.closeSync(fd);
  }
}

type Read = (pos: number, len: number) => Buffer;

/** Lines of a metadata payload, read as UTF-8 and as UTF-16LE (Windows' XPAuthor and XPComment are UCS-2). */
function linesOf(payload: Buffer): string[] {
  const even = payload.subarray(0, payload.length & ~1);
  return [payload.toString('utf8'), even.toString('utf16le')].flatMap((t) => t.split(CONTROLS)).filter((l) => l.trim().length >= 2);
}

/** JPEG: every APPn and COM segment before the picture starts (SOS). */
function jpegSegments(read: Read, size: number): Buffer[] {
  const out: Buffer[] = [];
  let pos = 2;
  let total = 0;
  while (pos + 4 <= size) {
    const h = read(pos, 4);
    if (h[0] !== 0xff) break;
    const marker = h[1]!;
    if (marker === 0xff) { pos++; continue; } // fill byte
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { pos += 2; continue; } // no length
    const len = h.readUInt16BE(2);
    if (len < 2 || pos + 2 + len > size) break; // no sound segment: the rest is no metadata this can read
    if (((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) && (total += len) <= MAX_META) out.push(read(pos + 4, len - 2));
    pos += 2 + len;
  }
  return out;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG: the text chunks (zTXt and compressed iTXt inflated) and eXIf, wherever they are. */
function pngChunks(read: Read, size: number): Buffer[] {
  const out: Buffer[] = [];
  let pos = 8;
  let total = 0;
  while (pos + 8 <= size) {
    const h = read(pos, 8);
    const len = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    if (pos + 12 + len > size) break;
    if (['tEXt', 'zTXt', 'iTXt', 'eXIf'].includes(type) && (total += len) <= MAX_META) {
      const data = read(pos + 8, len);
      out.push(type === 'zTXt' ? inflatedAfter(data, data.indexOf(0) + 2) : type === 'iTXt' && data[data.indexOf(0) + 1] === 1 ? inflatedITxt(data) : data);
    }
    if (type === 'IEND') break;
    pos += 12 + len;
  }
  return out;
}

/** iTXt: keyword, NUL, compression flag, method, language, NUL, translated keyword, NUL, then the (compressed) text. */
function inflatedITxt(data: Buffer): Buffer {
  let at = data.indexOf(0) + 3;
  at = data.indexOf(0, at) + 1;
  at = data.indexOf(0, at) + 1;
  return inflatedAfter(data, at);
}

/** The head of `data` up to `at` (keyword and such) with the zlib stream from `at` on inflated (left raw if damaged). */
function inflatedAfter(data: Buffer, at: number): Buffer {
  try {
    return Buffer.concat([data.subarray(0, at), zlib.inflateSync(data.subarray(at), { maxOutputLength: MAX_META })]);
  } catch {
    return data;
  }
}

/** WebP: the EXIF and XMP chunks. */
function webpChunks(read: Read, size: number): Buffer[] {
  const out: Buffer[] = [];
  let pos = 12;
  while (pos + 8 <= size) {
    const h = read(pos, 8);
    const type = h.toString('latin1', 0, 4);
    const len = h.readUInt32LE(4);
    if (pos + 8 + len > size) break;
    if ((type === 'EXIF' || type === 'XMP ') && len <= MAX_META) out.push(read(pos + 8, len));
    pos += 8 + len + (len & 1);
  }
  return out;
}
