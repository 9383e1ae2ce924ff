import fs from 'node:fs';
import zlib from 'node:zlib';
import { PdfFonts, type RawText } from './pdf-fonts.js';

/**
 * The text of a PDF, read synchronously for the leak check (a kept attachment that is a PDF, whatever its name). A PDF
 * keeps its text in compressed (FlateDecode) streams, so a forwarded `verslag.pdf` naming a private contact would pass
 * a check of its bytes. Read here, object by object: the strings of the object syntax (document info: Author, Title,
 * Subject, Keywords, in PDFDocEncoding or UTF-16BE) and what else it says; the string operands of content streams
 * (literal and hex strings; the fragments of one TJ array joined into one text, a gap wider than WORD_GAP read as a
 * space); XMP metadata and embedded text files as text; objects inside object streams. Enough to find names, not a
 * layout. Text in a subset font's own codes is read through the font's ToUnicode map as well (pdf-fonts.ts). Not
 * read: pictures and font programs (their bytes are no text, and a short name turns up in them by chance), streams
 * under another filter than FlateDecode (DCT, JPX, ASCII85…), and text in codes of a font without a ToUnicode map. A
 * stream that does not inflate is read raw.
 *
 * The file is read piecewise by position, never whole (a forwarded PDF may be gigabytes): a picture whose /Length is
 * given is skipped unread, and a run of zero bytes (a sparse file) costs no parsing.
 */

export interface PdfPart {
  /** What of the PDF it is: `PDF object 7` (also inside an object stream), or `PDF trailer` (outside any object). */
  name: string;
  lines: string[];
}

/** Inflated bytes per file at most: a stream beyond it is left unread (a PDF bomb must not take the check down). */
export const MAX_INFLATED = 64 * 1024 * 1024;
/** Bytes of one stream read at most (a longer one is read up to here: its inflated head is still screened). */
const MAX_STREAM = 64 * 1024 * 1024;
/** How much of the object syntax is parsed at a time. */
const WINDOW = 1 << 20;
/** Text of an object kept to read the dictionary of its stream. */
const MAX_DICT = 64 * 1024;
/** A TJ adjustment of more than this (thousandths of an em, leftwards) separates words; a smaller one is kerning. */
const WORD_GAP = 150;
const TRAILER = 'PDF trailer';
const ZEROS = Buffer.alloc(WINDOW);

/** Bytes at a position: `read` in a buffer of their own, `peek` in one reused by the next peek (a huge file is read by windows without allocating each). */
interface Read {
  read(pos: number, len: number): Buffer;
  peek(pos: number, len: number): Buffer;
}

/** Whether bytes start like a PDF (`%PDF-` on one of their first lines within 1 KiB, as readers accept it). */
export function isPdfHead(bytes: Buffer): boolean {
  return /(?:^|[\r\n])%PDF-/.test(bytes.subarray(0, 1024).toString('latin1'));
}

/** Whether the file starts like a PDF (see isPdfHead). */
export function looksLikePdf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(1024);
    return isPdfHead(b.subarray(0, fs.readSync(fd, b, 0, b.length, 0)));
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of a PDF by object, read lazily (the file is closed when the caller stops early). */
export function* pdfTextParts(file: string): Generator<PdfPart> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const scratch = Buffer.allocUnsafe(WINDOW + 64);
    const into = (b: Buffer, pos: number): Buffer => b.subarray(0, fs.readSync(fd, b, 0, b.length, pos));
    const read: Read = {
      read: (pos, len) => into(Buffer.alloc(Math.max(0, Math.min(len, size - pos))), pos),
      peek: (pos, len) => into(scratch.subarray(0, Math.max(0, Math.min(len, size - pos, scratch.length))), pos),
    };
    yield* partsOf(read, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of a PDF held in memory (an entry of a zip), by object. */
export function* pdfTextPartsOf(buf: Buffer): Generator<PdfPart> {
  const read: Read = {
    read: (pos, len) => Buffer.from(buf.subarray(pos, Math.min(buf.length, pos + len))),
    peek: (pos, len) => buf.subarray(pos, Math.min(buf.length, pos + len)),
  };
  yield* partsOf(read, buf.length);
}

/** The object syntax is read window by window; at each `stream` keyword its data is read and the syntax goes on after. */
function* partsOf(read: Read, size: number): Generator<PdfPart> {
  const budget = { left: MAX_INFLATED };
  const fonts = new PdfFonts();
  let name = TRAILER;
  let lines: string[] = [];
  let dict = '';
  const flush = (next: string): PdfPart | null => {
    const part = lines.length ? { name, lines } : null;
    name = next;
    lines = [];
    dict = '';
    return part;
  };
  let at = 0;
  while (at < size) {
    const win = read.peek(at, WINDOW);
    if (win.equals(ZEROS.subarray(0, win.length))) { at += win.length; continue; }
    const text = win.toString('latin1');
    const last = at + win.length >= size;
    let start = STREAM_START.exec(text);
    // (a `stream` keyword at the window's end may lack its line end: read it with the next window)
    if (start && !last && start.index > 0 && start.index + start[0].length > text.length - 2) start = null;
    // Without a stream, the syntax is parsed up to the last object end (or line end), so a string is not cut in two.
    const end = start ? start.index : last ? text.length : cutPoint(text);
    // (text before an object's header or end belongs to the object before it)
    let from = 0;
    for (const m of text.slice(0, end).matchAll(OBJECT_BOUNDARY)) {
      add(text.slice(from, m.index));
      const part = flush(m[1] ? `PDF object ${m[1]}` : TRAILER);
      if (part) yield part;
      from = m.index + m[0].length;
    }
    add(text.slice(from, end));
    if (!start) { at += end; continue; }
    const s = readStream(read, size, at + start.index + start[0].length, dict);
    for (const p of streamParts(s.data, dict, name, budget, fonts)) {
      if (p.name === name) append(lines, p.lines);
      else yield p;
    }
    at = s.end;
  }
  const part = flush(TRAILER);
  if (part) yield part;
  yield* fonts.decoded();

  function add(t: string): void {
    if (!t) return;
    dict = (dict + t).slice(-MAX_DICT);
    fonts.noteObject(name, t);
    append(lines, syntaxTexts(t, true));
  }
}

/** `more` added to `to` (not by spreading: a content stream may hold more strings than a call takes arguments). */
function append(to: string[], more: string[]): void {
  for (const l of more) to.push(l);
}

/** The `stream` keyword after a stream's dictionary (or at a window's start, when the window was cut before it). */
const STREAM_START = /(?:>>|^)[\s\0]*stream(?:\r\n|\r|\n)/;
const OBJECT_BOUNDARY = /\b(\d+)\s+\d+\s+obj\b|\bendobj\b/g;

/** Where to stop parsing a window without a stream: after its last object, else its last line. */
function cutPoint(text: string): number {
  const obj = text.lastIndexOf('endobj');
  if (obj > 0) return obj + 6;
  const eol = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return eol > 0 ? eol + 1 : text.length;
}

/** Pictures, font programs, cross-reference streams and colour profiles: no text to read, only bytes to skip. */
const UNREAD = /\/Subtype\s*\/(?:Image|Type1C|CIDFontType0C|OpenType)\b|\/Length[123]\b|\/Type\s*\/XRef\b|\/Width\b/;

function unread(dict: string): boolean {
  return UNREAD.test(dict) || (/\/N\s+\d/.test(dict) && !/\/First\b/.test(dict));
}

/**
 * The data of the stream starting at `start` (null when it is not read) and where its `endstream` ends: by a direct
 * /Length that an `endstream` confirms (then an unread stream is skipped by position), else up to `endstream`.
 */
function readStream(read: Read, size: number, start: number, dict: string): { data: Buffer | null; end: number } {
  const want = !unread(dict);
  const length = /\/Length\s+(\d+)\b(?!\s+\d+\s+R)/.exec(dict);
  const len = length ? Number(length[1]) : -1;
  if (len >= 0 && start + len <= size) {
    const m = /^[\s\0]*endstream/.exec(read.peek(start + len, 32).toString('latin1'));
    if (m) return { data: want ? read.read(start, Math.min(len, MAX_STREAM)) : null, end: start + len + m[0].length };
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  for (let pos = start; pos < size; pos += WINDOW) {
    const b = read.peek(pos, WINDOW + 9);
    const i = b.indexOf('endstream');
    if (want && kept < MAX_STREAM) {
      const piece = b.subarray(0, Math.min(i >= 0 ? i : WINDOW, MAX_STREAM - kept));
      chunks.push(Buffer.from(piece));
      kept += piece.length;
    }
    if (i >= 0) return { data: want ? Buffer.concat(chunks) : null, end: pos + i + 9 };
  }
  return { data: want ? Buffer.concat(chunks) : null, end: size };
}

/** The filters a stream's dictionary names, in order. */
function filtersOf(dict: string): string[] {
  const m = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+)/.exec(dict);
  return m ? [...m[1]!.matchAll(/\/([^\s/[\]<>()]+)/g)].map((f) => f[1]!) : [];
}

/** What a stream says, as parts: `name` for its own object, other names for the objects of an object stream. */
function streamParts(data: Buffer | null, dict: string, name: string, budget: { left: number }, fonts: PdfFonts): PdfPart[] {
  if (!data?.length) return [];
  const filters = filtersOf(dict);
  let bytes = data;
  if (filters.length) {
    if (filters.length > 1 || (filters[0] !== 'FlateDecode' && filters[0] !== 'Fl')) return [];
    const inflated = inflate(data, budget);
    if (inflated === undefined) return [];
    if (inflated === null) return [{ name, lines: rawLines(data) }];
    bytes = inflated;
  }
  if (/\/Type\s*\/ObjStm\b/.test(dict)) return objectStream(bytes, dict, name, fonts);
  if (/\/Type\s*\/Metadata\b|\/Subtype\s*\/XML\b/.test(dict) || /^\s*<(?:\?xpacket|\?xml|x:xmpmeta)/.test(bytes.toString('latin1', 0, 64))) {
    return [{ name, lines: bytes.toString('utf8').split('\n') }];
  }
  if (/\/Type\s*\/EmbeddedFile\b/.test(dict)) return bytes.subarray(0, 8192).includes(0) ? [] : [{ name, lines: bytes.toString('utf8').split('\n') }];
  const text = bytes.toString('latin1');
  fonts.noteCMap(name, text);
  return [{ name, lines: syntaxTexts(text.replace(INLINE_IMAGE, ' '), false, (font, raw) => fonts.keep(name, font, raw)) }];
}

/** Inflated data; null when it does not inflate (damaged), undefined when it exceeds what is left of MAX_INFLATED. */
function inflate(data: Buffer, budget: { left: number }): Buffer | null | undefined {
  if (budget.left <= 0) return undefined;
  try {
    // (a truncated stream gives what it holds)
    const out = zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: budget.left });
    budget.left -= out.length;
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') return null;
    budget.left = 0; // (what is left of the file is not inflated: a bomb costs this once)
    return undefined;
  }
}

/** Bytes that are no stream this can read, as lines: runs between control characters. */
function rawLines(data: Buffer): string[] {
  return data.toString('latin1').split(/[\x00-\x08\x0a-\x1f\x7f]+/).filter((l) => l.trim().length >= 2);
}

/** The objects of an object stream, each as a part of its own (by the numbers and offsets its head lists). */
function objectStream(bytes: Buffer, dict: string, name: string, fonts: PdfFonts): PdfPart[] {
  const text = bytes.toString('latin1');
  const first = Number(/\/First\s+(\d+)/.exec(dict)?.[1] ?? text.length);
  const objects = [...text.slice(0, first).matchAll(/(\d+)\s+(\d+)/g)]
    .map((m) => ({ n: m[1]!, at: first + Number(m[2]) }))
    .filter((o) => o.at <= text.length)
    .sort((a, b) => a.at - b.at);
  if (!objects.length) return [{ name, lines: syntaxTexts(text, true) }];
  const parts = [{ name, lines: syntaxTexts(text.slice(first, objects[0]!.at), true) }];
  objects.forEach((o, i) => {
    const t = text.slice(o.at, objects[i + 1]?.at ?? text.length);
    fonts.noteObject(`PDF object ${o.n}`, t);
    parts.push({ name: `PDF object ${o.n}`, lines: syntaxTexts(t, true) });
  });
  return parts.filter((p) => p.lines.length);
}

/** An inline image in a content stream: its data is no text. */
const INLINE_IMAGE = /\bBI\b[\s\S]*?\bID[\s\0][\s\S]*?[\s\0]EI\b/g;
const SPECIAL = /[(<[\]%]/g;
const HEX_STRING = /([0-9A-Fa-f\s\0]*)>/y;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)/g;
/** The font operator of a content stream: `/F2 12 Tf`. */
const SET_FONT = /\/([^\s/[\]<>()]+)\s+[-+]?[\d.]+\s+Tf\b/g;

/**
 * The texts of PDF syntax (latin1, a byte a character): each string decoded, the strings of one array joined (a TJ
 * array: its numbers are kerning, one below -WORD_GAP a space between words); with `withRest`, also the syntax between
 * the strings (comments included), as lines holding letters. `keep` (content streams) gets each string as it is, with
 * the name of the font it is set in, for the font's own codes (pdf-fonts.ts).
 */
function syntaxTexts(t: string, withRest: boolean, keep?: (font: string, text: RawText) => void): string[] {
  const out: string[] = [];
  const rest: string[] = [];
  let arr: RawText | null = null;
  let font = '';
  const text = (raw: RawText): void => {
    const s = raw.map((f) => (f === null ? ' ' : decodeString(f))).join('');
    if (s.trim()) out.push(s);
    keep?.(font, raw);
  };
  const push = (raw: string): void => { if (arr) arr.push(raw); else text([raw]); };
  const close = (): void => {
    if (arr) text(arr);
    arr = null;
  };
  let i = 0;
  while (i < t.length) {
    SPECIAL.lastIndex = i;
    const m = SPECIAL.exec(t);
    const j = m ? m.index : t.length;
    if (j > i) {
      const between = t.slice(i, j);
      if (withRest) rest.push(between);
      if (arr) for (const n of between.matchAll(NUMBER)) if (Number(n[0]) < -WORD_GAP) (arr as RawText).push(null);
      if (keep) for (const f of between.matchAll(SET_FONT)) font = f[1]!;
    }
    if (!m) break;
    const c = t[j];
    i = j + 1;
    if (c === '(') {
      const s = literal(t, j + 1);
      push(s.text);
      i = s.end;
    } else if (c === '<') {
      HEX_STRING.lastIndex = j + 1;
      const h = t[j + 1] === '<' ? null : HEX_STRING.exec(t);
      if (t[j + 1] === '<') {
        i = j + 2; // a dictionary
      } else if (h) {
        const hex = h[1]!.replace(/[\s\0]/g, '');
        push(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').toString('latin1'));
        i = HEX_STRING.lastIndex;
      } else if (withRest) rest.push('<');
    } else if (c === '[') {
      close();
      arr = [];
    } else if (c === ']') {
      close();
    } else {
      const eol = t.slice(j, j + 4096).search(/[\r\n]/);
      i = eol < 0 ? Math.min(t.length, j + 4096) : j + eol;
      if (withRest) rest.push(t.slice(j + 1, i));
    }
    if (withRest) rest.push('\n');
  }
  close();
  if (withRest) append(out, rest.join('').split(/[\x00-\x1f\x7f]+/).filter((l) => /\p{L}.*\p{L}/u.test(l)));
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
const LITERAL_SPECIAL = /[\\()]/g;

/** A literal string from `start` (after its `(`): balanced parentheses, escapes and octal codes; to the end if open. */
function literal(t: string, start: number): { text: string; end: number } {
  let text = '';
  let depth = 1;
  let i = start;
  for (;;) {
    LITERAL_SPECIAL.lastIndex = i;
    const m = LITERAL_SPECIAL.exec(t);
    if (!m) return { text: text + t.slice(i), end: t.length };
    text += t.slice(i, m.index);
    i = m.index + 1;
    if (m[0] === '(') { depth++; text += '('; continue; }
    if (m[0] === ')') {
      if (--depth === 0) return { text, end: i };
      text += ')';
      continue;
    }
    const n = t[i];
    if (n === undefined) return { text, end: i };
    const octal = /^[0-7]{1,3}/.exec(t.slice(i, i + 3));
    if (octal) { text += String.fromCharCode(parseInt(octal[0], 8) & 0xff); i += octal[0].length; continue; }
    if (n === '\r') { i += t[i + 1] === '\n' ? 2 : 1; continue; } // a line continued
    if (n === '\n') { i++; continue; }
    text += ESCAPES[n] ?? n;
    i++;
  }
}

/** A string's bytes (latin1) as text: UTF-16BE after its byte order mark FEFF (or without it, by its zero bytes), UTF-8 after EFBBBF, else PDFDocEncoding (as Latin-1). */
function decodeString(s: string): string {
  const bytes = (from: number): Buffer => Buffer.from(s.slice(from), 'latin1');
  if (s.startsWith('\xfe\xff') || /^(?:\0[^\0]){2,}$/.test(s)) {
    const b = Buffer.from(bytes(s.startsWith('\xfe\xff') ? 2 : 0));
    // (an escape sequence \x1b…\x1b marks a language, no text)
    return b.subarray(0, b.length & ~1).swap16().toString('utf16le').replace(/\x1b[^\x1b]*\x1b/g, '');
  }
  if (s.startsWith('\xff\xfe')) return bytes(2).toString('utf16le');
  if (s.startsWith('\xef\xbb\xbf')) return bytes(3).toString('utf8');
  return s;
}
