/**
 * Text primitives of the rule engine: case- and diacritic-folding, a tokenizer that runs once per message and keeps
 * UTF-16 offsets into the original text, and span helpers (sentence / paragraph around a hit, spans that never cut a
 * surrogate pair or separate a combining mark from its base).
 *
 * Offsets everywhere are UTF-16 code-unit indices into the stored `messages.text` (JavaScript string indices),
 * end-exclusive: the span [start, end) is `text.slice(start, end)`.
 */

/** Character classes of one UTF-16 code unit. */
const SEP = 0; // breaks words and phrases (punctuation, emoji, symbols)
const WORD = 1; // letter or digit
const MARK = 2; // combining mark: part of the word before it
const GAP = 3; // breaks words but may sit between the words of a phrase (whitespace, line breaks, - / . ')
const UNKNOWN = 255;

const CLASS = new Uint8Array(65536).fill(UNKNOWN);
const FOLD: (string | undefined)[] = new Array(65536);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const COMBINING = /\p{M}/u;
const GAP_CHARS = /[\s\u00a0\u00ad\u1680\u2000-\u200f\u2010-\u2015\u2028\u2029\u202a-\u202f\u205f-\u2069\u3000\ufeff\-/.'\u2019\u2018]/;

function classify(c: number): number {
  const ch = String.fromCharCode(c);
  if (c >= 0xd800 && c <= 0xdfff) return SEP;
  if (GAP_CHARS.test(ch)) return GAP;
  if (COMBINING.test(ch)) return MARK;
  if (LETTER_OR_DIGIT.test(ch)) return WORD;
  return SEP;
}

export function charClass(c: number): number {
  let k = CLASS[c]!;
  if (k === UNKNOWN) {
    k = classify(c);
    CLASS[c] = k;
  }
  return k;
}
for (let c = 0; c < 128; c++) charClass(c);

/** Folds one code unit: compatibility decomposition, combining marks dropped, lower case (`É` → `e`, `ĳ` → `ij`). */
function foldUnit(c: number): string {
  let f = FOLD[c];
  if (f === undefined) {
    f = String.fromCharCode(c).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    FOLD[c] = f;
  }
  return f;
}

/**
 * Case- and diacritic-insensitive form of a whole string, with whitespace runs collapsed and trimmed. Used for
 * names and titles (`Privé  Zaken` → `prive zaken`).
 */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\u00a0\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g, ' ')
    .trim();
}

/** FNV-1a over folded UTF-16 units, kept in the small-integer range so it is never boxed. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const LOWER = new Uint16Array(128).map((_, c) => (c >= 65 && c <= 90 ? c + 32 : c));
/** ASCII: class in the high byte, lower-case code in the low byte (one load per character). */
const ASCII = new Uint16Array(128).map((_, c) => (CLASS[c]! << 8) | LOWER[c]!);

/** Hash of an already folded word (the tokenizer computes the same value while it reads a token). */
export function wordHash(folded: string, length = folded.length): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ folded.charCodeAt(i), FNV_PRIME);
  return h & 0x3fffffff;
}

/**
 * The tokens of one text: offsets, a hash of the folded word, the hashes of its first three and first five folded
 * units (for wildcard lookups; -1 when shorter) and its folded length. No strings are made per token. Arrays are reused
 * between calls: read them before tokenizing the next text.
 */
export interface Tokens {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  hash: Int32Array;
  pre3: Int32Array;
  pre5: Int32Array;
  flen: Int32Array;
  /** 1 when only whitespace, line breaks or - / . ' separate token i from token i-1 (so a phrase may continue). */
  joinPrev: Uint8Array;
}

export class Tokenizer {
  private cap = 0;
  readonly tokens: Tokens = {
    count: 0, starts: new Int32Array(0), ends: new Int32Array(0), hash: new Int32Array(0), pre3: new Int32Array(0), pre5: new Int32Array(0), flen: new Int32Array(0), joinPrev: new Uint8Array(0),
  };

  constructor() {
    this.grow();
  }

  private grow(): void {
    this.cap = this.cap ? this.cap * 2 : 256;
    const t = this.tokens;
    const widen = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(a);
      return b;
    };
    t.starts = widen(t.starts, (n) => new Int32Array(n));
    t.ends = widen(t.ends, (n) => new Int32Array(n));
    t.hash = widen(t.hash, (n) => new Int32Array(n));
    t.pre3 = widen(t.pre3, (n) => new Int32Array(n));
    t.pre5 = widen(t.pre5, (n) => new Int32Array(n));
    t.flen = widen(t.flen, (n) => new Int32Array(n));
    t.joinPrev = widen(t.joinPrev, (n) => new Uint8Array(n));
  }

  /** Splits `text` into words (letters, digits and their combining marks) in one pass, hashing the folded form. */
  tokenize(text: string): Tokens {
    const t = this.tokens;
    const n = text.length;
    let count = 0;
    let inToken = false;
    let start = 0;
    let h = FNV_OFFSET;
    let len = 0;
    let pre = -1;
    let pre5 = -1;
    let joinable = false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      let k: number;
      let low = -1;
      if (c < 128) {
        const x = ASCII[c]!;
        k = x >> 8;
        low = x & 0xff;
      } else k = charClass(c);
      if (k === WORD || (k === MARK && inToken)) {
        if (!inToken) {
          inToken = true;
          start = i;
          h = FNV_OFFSET;
          len = 0;
          pre = -1;
          pre5 = -1;
        }
        if (low >= 0) {
          h = Math.imul(h ^ low, FNV_PRIME);
          if (++len === 3) pre = h & 0x3fffffff;
          else if (len === 5) pre5 = h & 0x3fffffff;
        } else {
          const f = foldUnit(c);
          for (let j = 0; j < f.length; j++) {
            h = Math.imul(h ^ f.charCodeAt(j), FNV_PRIME);
            if (++len === 3) pre = h & 0x3fffffff;
            else if (len === 5) pre5 = h & 0x3fffffff;
          }
        }
        continue;
      }
      if (inToken) {
        count = this.push(count, start, i, h, pre, pre5, len, joinable);
        inToken = false;
        joinable = true;
      }
      if (k !== GAP) joinable = false;
    }
    if (inToken) count = this.push(count, start, n, h, pre, pre5, len, joinable);
    t.count = count;
    return t;
  }

  private push(count: number, start: number, end: number, h: number, pre: number, pre5: number, len: number, joinable: boolean): number {
    if (count === this.cap) this.grow();
    const t = this.tokens;
    t.starts[count] = start;
    t.ends[count] = end;
    t.hash[count] = h & 0x3fffffff;
    t.pre3[count] = pre;
    t.pre5[count] = pre5;
    t.flen[count] = len;
    t.joinPrev[count] = count > 0 && joinable ? 1 : 0;
    return count + 1;
  }
}

/** The folded form of token i (for diagnostics, term parsing and tests; scanning never builds it). */
export function tokenWord(text: string, t: Tokens, i: number): string {
  return foldRange(text, t.starts[i]!, t.ends[i]!);
}

/**
 * Whether the folded form of text[start, end) equals `word` (or starts with it, when `prefix`). `word` is folded.
 */
export function foldedMatch(text: string, start: number, end: number, word: string, prefix: boolean): boolean {
  let w = 0;
  const wl = word.length;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (w >= wl) return prefix;
      if (LOWER[c] !== word.charCodeAt(w++)) return false;
    } else {
      const f = foldUnit(c);
      for (let j = 0; j < f.length; j++) {
        if (w >= wl) return prefix;
        if (f.charCodeAt(j) !== word.charCodeAt(w++)) return false;
      }
    }
  }
  return w === wl;
}

function foldRange(text: string, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    out += c < 128 ? (c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i]!) : foldUnit(c);
  }
  return out;
}

/** Folds a single word the way the tokenizer does (for building indexes). */
export function foldWord(word: string): string {
  return foldRange(word, 0, word.length);
}

// ---------------------------------------------------------------------------------------------------------------
// Spans

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const EXTENDER = /^(?:\p{M}|\u200d|[\u{1f3fb}-\u{1f3ff}]|[\u{e0020}-\u{e007f}])$/u;

/** True when the code point starting at `i` attaches to the one before it (mark, ZWJ, skin tone, tag). */
function attachesBackward(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (isLow(c) && isHigh(text.charCodeAt(i - 1))) return true;
  const cp = text.codePointAt(i)!;
  if (EXTENDER.test(String.fromCodePoint(cp))) return true;
  return text.charCodeAt(i - 1) === 0x200d; // the code point after a ZWJ belongs to the sequence
}

/**
 * Widens [start, end) so it neither cuts a surrogate pair nor separates a combining mark, ZWJ sequence, skin-tone
 * modifier or variation selector from its base character.
 */
export function safeSpan(text: string, start: number, end: number): [number, number] {
  let s = Math.max(0, Math.min(start, text.length));
  let e = Math.max(s, Math.min(end, text.length));
  while (s > 0 && attachesBackward(text, s)) s--;
  while (e < text.length && attachesBackward(text, e)) e++;
  return [s, e];
}

export type PassageUnit = 'sentence' | 'paragraph';

const isLineBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029 || c === 0x85;
const isSpace = (c: number) => c === 32 || c === 9 || c === 0xa0 || c === 0x202f || c === 12 || c === 11 || isLineBreak(c);
const isTerminator = (c: number) => c === 46 || c === 33 || c === 63 || c === 0x2026;
/** Invisible marks that WhatsApp puts at the start of lines; trimmed off span edges like whitespace. */
const isInvisible = (c: number) => (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff;

/**
 * The sentence or paragraph (a line: chat paragraphs are separated by line breaks) around [start, end), trimmed of
 * surrounding whitespace. Sentences end at . ! ? … followed by whitespace, or at a line break.
 */
export function expandToUnit(text: string, start: number, end: number, unit: PassageUnit): [number, number] {
  const n = text.length;
  let s = start;
  while (s > 0) {
    const c = text.charCodeAt(s - 1);
    if (isLineBreak(c)) break;
    if (unit === 'sentence' && isSpace(c) && s - 2 >= 0 && isTerminator(text.charCodeAt(s - 2))) break;
    s--;
  }
  let e = end;
  while (e < n) {
    const c = text.charCodeAt(e);
    if (isLineBreak(c)) break;
    if (unit === 'sentence' && isTerminator(c) && e >= end) {
      let k = e + 1;
      while (k < n && isTerminator(text.charCodeAt(k))) k++;
      if (k === n || isSpace(text.charCodeAt(k))) {
        e = k;
        break;
      }
    }
    e++;
  }
  return trimSpan(text, s, e);
}

/** Removes whitespace and invisible marks from both ends of [start, end). */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && (isSpace(text.charCodeAt(s)) || isInvisible(text.charCodeAt(s)))) s++;
  while (e > s && (isSpace(text.charCodeAt(e - 1)) || isInvisible(text.charCodeAt(e - 1)))) e--;
  return safeSpan(text, s, e);
}
