/**
 * WhatsApp header grammar: detection of the file's header shape, one compiled regex per shape and
 * timestamp field extraction (date-order inference: date-order.ts). See /work/shared/formats/whatsapp.md §2, §7, §9.
 */
import type { DateOrder } from '../types.js';

/** The header shape of one export file; every header in a file has the same shape. */
export interface HeaderShape {
  platform: 'ios' | 'android';
  bracket: boolean;
  dateSep: '-' | '/' | '.';
  /** hr/sr style `13. 6. 2018.`: a space after each date separator and a trailing dot. */
  dateSpaced: boolean;
  trailingDot: boolean;
  comma: boolean;
  /** Finnish `klo` token between date and time. */
  klo: boolean;
  timeSep: ':' | '.';
  seconds: boolean;
  ampm: boolean;
  /** What follows the timestamp: `]` (iOS), ` - ` (Android), `: ` (old iOS), ` ` (hr/sr). */
  terminator: ']' | ' - ' | ': ' | ' ';
  /** First date component has four digits (`2018/06/13`). */
  yearFirst: boolean;
  /** Widths of the three date components and the hour in the first header (for the label). */
  widths: [number, number, number, number];
}

/** Leading marks WhatsApp (or an editor) puts before a header: LRM, RLM, BOM, LRE…RLO, LRI…PDI. */
export function isMark(c: number): boolean {
  return c === 0x200e || c === 0x200f || c === 0xfeff || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** Index of the first character after leading marks. */
export function skipMarks(s: string, from = 0): number {
  let i = from;
  while (i < s.length && isMark(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Cheap first-character test of the line starting at `start`: a header starts with `[` (open = 0x5b) or a digit
 * (open = 0) after its leading marks. Returns the index after the marks, or -1.
 */
export function headerStart(text: string, start: number, open: number): number {
  const c = text.charCodeAt(start);
  const i = c >= 0x200e ? skipMarks(text, start) : start;
  const d = text.charCodeAt(i);
  return d === open || (open === 0 && d >= 0x30 && d <= 0x39) ? i : -1;
}

/**
 * Byte-string form of `headerStart` (see `LineSplitter`'s `bytes` mode): leading marks are skipped as their UTF-8
 * sequences (LRM E2 80 8E, BOM EF BB BF, …). Returns the index after the marks, or -1.
 */
export function headerStartInBytes(text: string, start: number, open: number): number {
  let i = start;
  let d = text.charCodeAt(i);
  while (d === 0xe2 || d === 0xef) {
    const n = markBytesAt(text, i);
    if (n === 0) return -1;
    i += n;
    d = text.charCodeAt(i);
  }
  return d === open || (open === 0 && d >= 0x30 && d <= 0x39) ? i : -1;
}

/** Length of the UTF-8 mark (see `isMark`) at `text[i]` of a byte string: 3, or 0 when there is none. */
export function markBytesAt(text: string, i: number): number {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  const c = text.charCodeAt(i + 2);
  if (a === 0xe2) {
    if (b === 0x80) return c === 0x8e || c === 0x8f || (c >= 0xaa && c <= 0xae) ? 3 : 0;
    if (b === 0x81) return c >= 0xa6 && c <= 0xa9 ? 3 : 0;
    return 0;
  }
  return a === 0xef && b === 0xbb && c === 0xbf ? 3 : 0;
}

const AMPM_SRC = '[ \\u00a0\\u202f]?([AaPp])\\.?[ \\u00a0\\u202f]?[Mm]\\.?';

/**
 * Permissive detection regex (sticky; set lastIndex after the leading marks). Groups:
 * 1 `[`, 2 a, 3 date separator, 4 space after separator, 5 b, 6 c, 7 trailing dot, 8 comma, 9 klo,
 * 10 hour, 11 time separator, 12 minute, 13 second, 14 am/pm letter, 15 terminator.
 * No filler between date and time except the known `klo` token (§9.1).
 */
const DETECT = new RegExp(
  '(\\[)?(\\d{1,4})([-/.])( ?)(\\d{1,2})\\3\\4(\\d{1,4})(\\.?)(,?)( klo | )(\\d{1,2})([:.])(\\d{2})(?:\\11(\\d{2}))?' +
    `(?:${AMPM_SRC})?` +
    '(\\] ?| - |: | )',
  'y',
);

/** Detects the header shape of a line, or returns null when the line is not a plausible header. */
export function detectShape(line: string): HeaderShape | null {
  const start = skipMarks(line);
  const c = line.charCodeAt(start);
  if (c !== 0x5b /* [ */ && !(c >= 0x30 && c <= 0x39)) return null;
  DETECT.lastIndex = start;
  const m = DETECT.exec(line);
  if (!m) return null;
  const bracket = m[1] === '[';
  const term = m[15]!;
  const a = m[2]!;
  const cc = m[6]!;
  if (bracket !== term.startsWith(']')) return null;
  if (a.length === 3 || cc.length === 3 || (a.length === 4 && cc.length === 4)) return null;
  if (a.length !== 4 && cc.length !== 2 && cc.length !== 4) return null;
  const dateSpaced = m[4] === ' ';
  if (term === ' ' && !dateSpaced) return null; // a bare space after the time only in the hr/sr shape
  const terminator: HeaderShape['terminator'] = term.startsWith(']') ? ']' : (term as ' - ' | ': ' | ' ');
  return {
    platform: terminator === ' - ' ? 'android' : 'ios',
    bracket,
    dateSep: m[3] as '-' | '/' | '.',
    dateSpaced,
    trailingDot: m[7] === '.',
    comma: m[8] === ',',
    klo: m[9] === ' klo ',
    timeSep: m[11] as ':' | '.',
    seconds: m[13] !== undefined,
    ampm: m[14] !== undefined,
    terminator,
    yearFirst: a.length === 4,
    widths: [a.length, m[5]!.length, cc.length, m[10]!.length],
  };
}

const esc = (s: string): string => s.replace(/[.[\]\\/-]/g, (ch) => '\\' + ch);

/**
 * Compiles the strict header regex for one shape (sticky). It only tests: `readHeader` reads the numbers from the
 * characters, so the regex has no capturing groups (they would cost time on every line).
 */
export function compileHeader(shape: HeaderShape, bytes = false): RegExp {
  const sep = esc(shape.dateSep) + (shape.dateSpaced ? ' ' : '');
  const first = shape.yearFirst ? '\\d{4}' : '\\d{1,2}';
  const last = shape.yearFirst ? '\\d{1,2}' : '(?:\\d{4}|\\d{2})';
  const date = `${first}${sep}\\d{1,2}${sep}${last}${shape.trailingDot ? '\\.' : ''}${shape.comma ? ',' : ''}`;
  const ts = esc(shape.timeSep);
  const time = `\\d{1,2}${ts}\\d{2}${shape.seconds ? `${ts}\\d{2}` : ''}`;
  let ampm = shape.ampm ? AMPM_SRC.replace('([AaPp])', '[AaPp]') : '';
  // In a byte string NBSP and NNBSP are their UTF-8 sequences (everything else in a header is ASCII).
  if (bytes) ampm = ampm.replaceAll('[ \\u00a0\\u202f]', '(?: |\\xc2\\xa0|\\xe2\\x80\\xaf)');
  const between = shape.klo ? ' klo ' : ' ';
  const open = shape.bracket ? '\\[' : '';
  const close = shape.terminator === ']' ? '\\] ?' : esc(shape.terminator);
  return new RegExp(`${open}${date}${between}${time}${ampm}${close}`, 'y');
}

/** Fields of one header line, filled by `readHeader` (one reusable object per pass, no allocation per line). */
export interface HeaderFields {
  a: number;
  b: number;
  c: number;
  /** Digits of the third date component (2-digit years map to 20xx). */
  cDigits: number;
  hour: number;
  minute: number;
  second: number;
  /** 'a' | 'p' | '' (24-hour clock). */
  ampm: string;
  /** Start and end of the timestamp text as written (without brackets and terminator). */
  tsStart: number;
  tsEnd: number;
  /** Index of the first character after the header (start of author or body). */
  end: number;
}

export function newHeaderFields(): HeaderFields {
  return { a: 0, b: 0, c: 0, cDigits: 0, hour: 0, minute: 0, second: 0, ampm: '', tsStart: 0, tsEnd: 0, end: 0 };
}

/**
 * Tests `text` at `start` (after leading marks) against the file's compiled header regex and, on a match,
 * reads the numbers straight from the characters into `out`. The regex guarantees the layout, so the digit runs
 * are, in order, the three date components, hour, minute and (if present) second.
 */
export function readHeader(text: string, start: number, re: RegExp, shape: HeaderShape, out: HeaderFields): boolean {
  re.lastIndex = start;
  if (!re.test(text)) return false;
  out.end = re.lastIndex;
  // The regex fixed the layout: digit runs separated by known separators. Read them with fixed skips.
  let p = shape.bracket ? start + 1 : start;
  out.tsStart = p;
  const sepLen = shape.dateSpaced ? 2 : 1;
  let c = text.charCodeAt(p);
  let n = 0;
  while (c >= 0x30 && c <= 0x39) { n = n * 10 + c - 0x30; c = text.charCodeAt(++p); }
  out.a = n;
  p += sepLen;
  c = text.charCodeAt(p);
  n = 0;
  while (c >= 0x30 && c <= 0x39) { n = n * 10 + c - 0x30; c = text.charCodeAt(++p); }
  out.b = n;
  p += sepLen;
  c = text.charCodeAt(p);
  n = 0;
  const cStart = p;
  while (c >= 0x30 && c <= 0x39) { n = n * 10 + c - 0x30; c = text.charCodeAt(++p); }
  out.c = n;
  out.cDigits = p - cStart;
  p += (shape.trailingDot ? 1 : 0) + (shape.comma ? 1 : 0) + (shape.klo ? 5 : 1);
  c = text.charCodeAt(p);
  n = 0;
  while (c >= 0x30 && c <= 0x39) { n = n * 10 + c - 0x30; c = text.charCodeAt(++p); }
  out.hour = n;
  out.minute = (text.charCodeAt(p + 1) - 0x30) * 10 + text.charCodeAt(p + 2) - 0x30;
  p += 3;
  if (shape.seconds) {
    out.second = (text.charCodeAt(p + 1) - 0x30) * 10 + text.charCodeAt(p + 2) - 0x30;
    p += 3;
  } else {
    out.second = 0;
  }
  out.ampm = '';
  if (shape.ampm) {
    c = text.charCodeAt(p);
    // (0xc2, 0xe2, 0x80, 0xaf: NBSP and NNBSP in a byte string; the regex admits nothing else here)
    while (c === 0x20 || c === 0xa0 || c === 0x202f || c === 0xc2 || c === 0xe2 || c === 0x80 || c === 0xaf) c = text.charCodeAt(++p);
    out.ampm = c === 0x70 || c === 0x50 ? 'p' : 'a';
    c = text.charCodeAt(++p); // after the a/p letter
    while (c === 0x2e || c === 0x20 || c === 0xa0 || c === 0x202f || c === 0xc2 || c === 0xe2 || c === 0x80 || c === 0xaf) c = text.charCodeAt(++p);
    p++; // the m letter
    if (text.charCodeAt(p) === 0x2e) p++;
  }
  out.tsEnd = p;
  return true;
}

/** A human label such as `android-nl dd-mm-yyyy hh:mm -` or `ios-en [m/d/yy, h:mm:ss am]`. */
export function shapeLabel(shape: HeaderShape, order: DateOrder): string {
  const dutch = isDutchShape(shape);
  const lang = dutch || (shape.dateSep === '-' && !shape.comma) ? '-nl' : shape.comma && shape.dateSep === '/' ? '-en' : '';
  const [wa, wb, wc, wh] = shape.widths;
  // Day and month are either zero-padded throughout (both two digits in the first header) or not padded.
  const padded = shape.yearFirst ? wb === 2 && wc === 2 : wa === 2 && wb === 2;
  const tok = (letter: string, w: number): string => (letter === 'y' ? (w === 4 ? 'yyyy' : 'yy') : padded ? letter + letter : letter);
  const roles = order === 'ymd' ? ['y', 'm', 'd'] : order === 'mdy' ? ['m', 'd', 'y'] : ['d', 'm', 'y'];
  const sep = shape.dateSep + (shape.dateSpaced ? ' ' : '');
  const date = [tok(roles[0]!, wa), tok(roles[1]!, wb), tok(roles[2]!, wc)].join(sep) + (shape.trailingDot ? '.' : '') + (shape.comma ? ',' : '');
  const time = (wh === 2 ? 'hh' : 'h') + shape.timeSep + 'mm' + (shape.seconds ? shape.timeSep + 'ss' : '') + (shape.ampm ? ' am' : '');
  const ts = `${date}${shape.klo ? ' klo ' : ' '}${time}`;
  const body = shape.bracket ? `[${ts}]` : shape.terminator === ' - ' ? `${ts} -` : shape.terminator === ': ' ? `${ts}:` : ts;
  return `${shape.platform}${lang} ${body}`;
}

/** NL shape: dashes, four-digit year at the end, no comma. Always day-first (§7). */
export function isDutchShape(shape: HeaderShape): boolean {
  return shape.dateSep === '-' && !shape.comma && !shape.yearFirst && shape.widths[2] === 4;
}

/** Converts a two-digit year to 20xx. */
export function fullYear(y: number, digits: number): number {
  return digits <= 2 ? 2000 + y : y;
}

/** 12-hour clock to 24-hour: 12 AM → 0, 1–11 PM → +12. Hours above 12 are left as written. */
export function to24h(hour: number, ampm: string): number {
  if (!ampm) return hour;
  const pm = ampm === 'p' || ampm === 'P';
  if (hour === 12) return pm ? 12 : 0;
  return pm && hour < 12 ? hour + 12 : hour;
}

/** End of the date as written in a header whose timestamp starts at `tsStart` (see `HeaderFields.tsStart`). */
export function dateEnd(text: string, tsStart: number, shape: HeaderShape): number {
  const sepLen = shape.dateSpaced ? 2 : 1;
  let p = tsStart;
  for (let k = 0; k < 3; k++) {
    if (k > 0) p += sepLen;
    let c = text.charCodeAt(p);
    while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++p);
  }
  return shape.trailingDot ? p + 1 : p;
}
