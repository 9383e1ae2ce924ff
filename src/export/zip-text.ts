import fs from 'node:fs';
import zlib from 'node:zlib';

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

/** The entries of a zip file; null when it cannot be read as one (then only its bytes are checked). */
export function zipTextEntries(file: string): ZipTextEntry[] | null {
  return entriesOf(fs.readFileSync(file), '', 0);
}

function entriesOf(buf: Buffer, prefix: string, depth: number): ZipTextEntry[] | null {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === SIG_END) { end = i; break; }
  }
  if (end < 0) return null;
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out: ZipTextEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== SIG_CENTRAL) return out.length ? out : null;
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    const full = `${prefix}${name}`;
    const wanted = TEXT_ENTRY.test(name) || (ZIP_ENTRY.test(name) && depth < MAX_DEPTH);
    const data = wanted ? entryData(buf, local, method, compressed) : null;
    if (data && ZIP_ENTRY.test(name)) {
      out.push({ name: full, text: null });
      out.push(...(entriesOf(data, `${full}!`, depth + 1) ?? []));
    } else {
      out.push({ name: full, text: data ? data.toString('utf8') : null });
    }
  }
  return out;
}

function entryData(buf: Buffer, local: number, method: number, compressed: number): Buffer | null {
  if (local + 30 > buf.length || buf.readUInt32LE(local) !== SIG_LOCAL) return null;
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  const raw = buf.subarray(start, start + compressed);
  try {
    if (method === 0) return raw.length <= MAX_ENTRY ? raw : null;
    if (method === 8) return zlib.inflateRawSync(raw, { maxOutputLength: MAX_ENTRY });
  } catch {
    return null; // damaged, encrypted or too large: its name is still checked
  }
  return null;
}
