import fs from 'node:fs';
import zlib from 'node:zlib';
import { isPdfHead, pdfTextPartsOf } from './pdf-text.js';

/**
 * The names and text of the entries of a zip file, read synchronously for the leak check (a kept attachment that is
 * a zip, or an office document, which is one: .docx, .xlsx, .odt…). Compressed bytes hide what is in them, so a
 * forwarded `contacten.zip` holding a private contact's vCard would otherwise pass. Only the central directory and
 * stored or deflated entries are read; each entry is limited in size, nested zips are read to a small depth.
 */

export interface ZipTextEntry {
  /** The entry's path in the zip (nested: `inner.zip!a.txt`). */
  name: string;
  /** The entry's text when it is text-like (by its name), else null (its name is still checked). */
  text: string | null;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
/** Largest entry inflated: bigger ones are left unread (their names are still checked). */
const MAX_ENTRY = 64 * 1024 * 1024;
const MAX_DEPTH = 3;
/** Entries read as text: text formats, and the XML of office documents. */
const TEXT_ENTRY = /\.(?:vcf|vcard|txt|text|csv|tsv|json|xml|rels|html?|xhtml|md|ics|vcs|eml|rtf|log)$/i;
/** A PDF in the zip (a document forwarded in an archive, a scan in an office file). */
const PDF_ENTRY = /\.pdf$/i;
const ZIP_ENTRY = /\.(?:zip|docx|docm|xlsx|xlsm|pptx|odt|ods|odp|epub)$/i;

/** Whether the bytes start like a zip (a local file header). */
export function looksLikeZip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    return fs.readSync(fd, b, 0, 4, 0) === 4 && b.readUInt32LE(0) === SIG_LOCAL;
  } finally {
    fs.closeSync(fd);
  }
}

/** Random access to the bytes of a zip: a file read piecewise (a zip attachment may be larger than memory), or a buffer. */
interface Bytes {
  size: number;
  read(pos: number, len: number): Buffer;
}

function bufferBytes(buf: Buffer): Bytes {
  return { size: buf.length, read: (pos, len) => buf.subarray(pos, Math.min(buf.length, pos + len)) };
}

/**
 * The entries of a zip file; null when it cannot be read as one (then only its bytes are checked). Only the central
 * directory and the entries read are loaded, never the whole file: a forwarded zip may be gigabytes.
 */
export function zipTextEntries(file: string): ZipTextEntry[] | null {
  const fd = fs.openSync(file, 'r');
  try {
    const bytes: Bytes = {
      size: fs.fstatSync(fd).size,
      read: (pos, len) => {
        const b = Buffer.alloc(Math.max(0, Math.min(len, bytes.size - pos)));
        fs.readSync(fd, b, 0, b.length, pos);
        return b;
      },
    };
    return entriesOf(bytes, '', 0);
  } finally {
    fs.closeSync(fd);
  }
}

function entriesOf(bytes: Bytes, prefix: string, depth: number): ZipTextEntry[] | null {
  // The end record lies in the last 22 bytes plus a comment of at most 0xffff.
  const tailStart = Math.max(0, bytes.size - 22 - 0xffff);
  const tail = bytes.read(tailStart, bytes.size - tailStart);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_END) { end = i; break; }
  }
  if (end < 0) return null;
  const count = tail.readUInt16LE(end + 10);
  const dirSize = tail.readUInt32LE(end + 12);
  const dirStart = tail.readUInt32LE(end + 16);
  if (dirStart + dirSize > bytes.size) return null;
  const dir = bytes.read(dirStart, dirSize);
  let at = 0;
  const out: ZipTextEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > dir.length || dir.readUInt32LE(at) !== SIG_CENTRAL) return out.length ? out : null;
    const method = dir.readUInt16LE(at + 10);
    const compressed = dir.readUInt32LE(at + 20);
    const nameLen = dir.readUInt16LE(at + 28);
    const extraLen = dir.readUInt16LE(at + 30);
    const commentLen = dir.readUInt16LE(at + 32);
    const local = dir.readUInt32LE(at + 42);
    const name = dir.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    const full = `${prefix}${name}`;
    const wanted = TEXT_ENTRY.test(name) || PDF_ENTRY.test(name) || (ZIP_ENTRY.test(name) && depth < MAX_DEPTH);
    const data = wanted ? entryData(bytes, local, method, compressed) : null;
    if (data && PDF_ENTRY.test(name) && isPdfHead(data)) {
      // (a PDF is read by its text, as a kept PDF file is: see leak-parts.ts)
      out.push({ name: full, text: null });
      for (const p of pdfTextPartsOf(data)) out.push({ name: `${full}!${p.name}`, text: p.lines.join('\n') });
    } else if (data && ZIP_ENTRY.test(name)) {
      out.push({ name: full, text: null });
      out.push(...(entriesOf(bufferBytes(data), `${full}!`, depth + 1) ?? []));
    } else {
      out.push({ name: full, text: data ? data.toString('utf8') : null });
    }
  }
  return out;
}

function entryData(bytes: Bytes, local: number, method: number, compressed: number): Buffer | null {
  if (compressed > MAX_ENTRY) return null; // its name is still checked
  const head = bytes.read(local, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== SIG_LOCAL) return null;
  const raw = bytes.read(local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28), compressed);
  try {
    if (method === 0) return raw;
    if (method === 8) return zlib.inflateRawSync(raw, { maxOutputLength: MAX_ENTRY });
  } catch {
    return null; // damaged, encrypted or too large: its name is still checked
  }
  return null;
}
