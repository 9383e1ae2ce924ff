/**
 * The word key under which the leak screens compare text (pure): the Screen (private names) and the FragmentIndex
 * (withheld text) both cut text into words and compare each word's key, so that a name or fragment is found whatever
 * form it is written in:
 * - invisible format characters (Unicode Cf: zero-width space and joiners, direction marks, soft hyphen, BOM) inside a
 *   word do not split it and are dropped ("Mo\u200fhamedi" is "mohamedi");
 * - compatibility forms and accents are folded away (NFKD, marks removed: "Zoë", "Zoe\u0308" and "ZOE" are "zoe"),
 *   as are the letters that have no decomposition (Turkish dotless ı, ø, ł, ß…), then lower case.
 * Folding finds more than an exact comparison would: the privacy-safe choice.
 */

/** A word: letters, marks and digits, with format characters allowed between them. */
export const WORD = /[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\p{Cf}]*[\p{L}\p{M}\p{N}])?/gu;

const FORMAT = /\p{Cf}/gu;
const MARKS = /\p{M}/gu;
const SPECIAL: Record<string, string> = { ı: 'i', ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ð: 'd' };
const SPECIALS = /[ıøłđħßæœþð]/g;

const ASCII = /^[\x00-\x7f]*$/;

/** The comparison key of a word (or of a whole text, for a quick prefilter). */
export function fold(s: string): string {
  // (ASCII has no format characters, decompositions or marks: the common case, kept cheap)
  if (ASCII.test(s)) return s.toLowerCase();
  return s.replace(FORMAT, '').normalize('NFKD').replace(MARKS, '').toLowerCase().replace(SPECIALS, (c) => SPECIAL[c] ?? c);
}

/** The words of a text with their UTF-16 offsets into it and their keys (a word of marks alone has no key: left out). */
export function foldedWords(s: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  for (const m of s.matchAll(WORD)) {
    const text = fold(m[0]);
    if (text) out.push({ text, start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const ESCAPED = /(?:%[0-9A-Fa-f]{2})+|&#(?:\d{1,7}|[xX][0-9A-Fa-f]{1,6});/g;

/**
 * `s` with its percent escapes (a name in a link: `?q=Zo%C3%AB%20%C3%96l%C3%A7ek`) and numeric character references
 * (`&#235;`) decoded, or null when it has none. `start[i]` and `end[i]` are the UTF-16 span in `s` that decoded
 * character i comes from (a run of escapes as a whole), so a hit in the decoded text maps back onto `s`.
 */
export function decodeEscapes(s: string): { text: string; start: number[]; end: number[] } | null {
  if (!/%[0-9A-Fa-f]{2}|&#/.test(s)) return null;
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  const push = (t: string, a: number, b: number): void => {
    for (let i = 0; i < t.length; i++) { start.push(a); end.push(b); }
    text += t;
  };
  let at = 0;
  for (const m of s.matchAll(ESCAPED)) {
    for (let i = at; i < m.index!; i++) push(s[i]!, i, i + 1);
    const e = m[0];
    const hex = e[2] === 'x' || e[2] === 'X';
    const cp = e.startsWith('&#') ? parseInt(e.slice(hex ? 3 : 2, -1), hex ? 16 : 10) : -1;
    const t = e.startsWith('%') ? Buffer.from(e.replace(/%/g, ''), 'hex').toString('utf8') : cp <= 0x10ffff ? String.fromCodePoint(cp) : e;
    push(t, m.index!, m.index! + e.length);
    at = m.index! + e.length;
  }
  if (at === 0) return null;
  for (let i = at; i < s.length; i++) push(s[i]!, i, i + 1);
  return { text, start, end };
}
