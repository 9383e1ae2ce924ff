/**
 * Finding withheld text again (pure): the marked text of privé/partijpolitiek messages and passages is cut into
 * fragments (sentences and clauses, as word sequences), and text is scanned for them word by word.
 *
 * - Normalisation: Unicode NFC, lower case; words are runs of letters, marks and digits, so whitespace, line breaks
 *   and punctuation between words do not matter ("normalised whitespace").
 * - Fragments: the whole text, each sentence, each clause, and every run of 5 consecutive words (so that part of a
 *   sentence is found too).
 * - A fragment counts when it has at least 4 characters (its words joined by single spaces) and at least 2 letters
 *   (dates, times and numbers alone prove nothing; phone numbers are checked separately by the Screen).
 * - A fragment that also occurs in content the geschoonde set legitimately shows (business messages, business names,
 *   the package's own labels and documentation) is dropped: finding it proves nothing.
 * A hit always lies on word boundaries.
 */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const WINDOW = 5;
const SPLIT = /(?<=[.!?…])\s+|[\n\r]+|[,;:]\s+|[()"“”«»]|\s[-–—]\s/u;

export function words(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(WORD)) out.push(m[0].normalize('NFC').toLowerCase());
  return out;
}

/** Sentences and clauses of a text (and the whole text), as word sequences that are long enough to count. */
export function fragmentsOf(text: string): string[][] {
  const pieces = new Set<string>();
  const add = (s: string): void => {
    const w = words(s);
    const joined = w.join(' ');
    if (joined.length >= 4 && (joined.match(/\p{L}/gu)?.length ?? 0) >= 2) pieces.add(joined);
  };
  add(text);
  for (const sentence of text.split(/(?<=[.!?…])\s+|[\n\r]+/u)) {
    add(sentence);
    for (const clause of sentence.split(SPLIT)) add(clause);
  }
  const all = words(text);
  for (let i = 0; i + WINDOW < all.length; i++) add(all.slice(i, i + WINDOW).join(' '));
  return [...pieces].map((p) => p.split(' '));
}

export interface FragmentHit {
  fragment: string;
  /** Where the marked text came from (e.g. "message 123"). */
  origin: string;
}

type Entry = { words: string[]; origin: string; public: boolean };
/** Entries are keyed by their first two words (one for single-word fragments), so common first words stay cheap. */
const keyOf = (w: readonly string[]): string => (w.length === 1 ? w[0]! : `${w[0]} ${w[1]}`);

export class FragmentIndex {
  private readonly byKey = new Map<string, Entry[]>();
  private size = 0;

  get count(): number {
    return this.size;
  }

  addMarked(text: string, origin: string): void {
    for (const f of fragmentsOf(text)) {
      const key = keyOf(f);
      const list = this.byKey.get(key) ?? [];
      const joined = f.join(' ');
      if (list.some((x) => x.words.join(' ') === joined)) continue;
      list.push({ words: f, origin, public: false });
      this.byKey.set(key, list);
      this.size++;
    }
  }

  /** Marks every fragment found in `text` as public (it proves nothing when found in the geschoonde set). */
  addPublic(text: string): void {
    this.walk(words(text), (e) => { e.public = true; });
  }

  /** The non-public fragments found in `text`. */
  scan(text: string): FragmentHit[] {
    const out: FragmentHit[] = [];
    this.walk(words(text), (e) => {
      if (!e.public) out.push({ fragment: e.words.join(' '), origin: e.origin });
    });
    return out;
  }

  private walk(ws: string[], fn: (e: Entry) => void): void {
    if (!this.size) return;
    const check = (list: Entry[] | undefined, i: number): void => {
      if (!list) return;
      for (const e of list) {
        if (i + e.words.length > ws.length) continue;
        let ok = true;
        for (let k = 2; k < e.words.length && ok; k++) ok = ws[i + k] === e.words[k];
        if (ok) fn(e);
      }
    };
    for (let i = 0; i < ws.length; i++) {
      check(this.byKey.get(ws[i]!), i);
      if (i + 1 < ws.length) check(this.byKey.get(`${ws[i]} ${ws[i + 1]}`), i);
    }
  }
}
