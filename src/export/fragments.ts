import { decodeEscapes, foldedWords } from './fold.js';

/**
 * Finding withheld text again (pure): the marked text of privé/partijpolitiek messages and passages is cut into
 * fragments (sentences and clauses, as word sequences), and text is scanned for them word by word.
 *
 * - Normalisation: words are runs of letters, marks and digits, compared by their folded key (src/export/fold.ts:
 *   case, accents and invisible format characters inside a word do not matter), so whitespace, line breaks and
 *   punctuation between words do not matter ("normalised whitespace").
 * - Fragments: the whole text, each sentence, each clause, and every run of 5 consecutive words (so that part of a
 *   sentence is found too).
 * - A fragment counts when it has at least 4 characters (its words joined by single spaces) and at least 2 letters
 *   (dates, times and numbers alone prove nothing; phone numbers are checked separately by the Screen).
 * - A fragment that also occurs in content the geschoonde set legitimately shows (business messages, business names,
 *   the package's own labels and documentation) is dropped: finding it proves nothing.
 * A hit always lies on word boundaries.
 */

const WINDOW = 5;
const SPLIT = /(?<=[.!?…])\s+|[\n\r]+|[,;:]\s+|[()"“”«»]|\s[-–—]\s/u;

export function words(s: string): string[] {
  return foldedWords(s).map((w) => w.text);
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
  for (let i = 0; i + WINDOW <= all.length; i++) add(all.slice(i, i + WINDOW).join(' '));
  return [...pieces].map((p) => p.split(' '));
}

export interface FragmentHit {
  fragment: string;
  /** Where the marked text came from (e.g. "message 123"). */
  origin: string;
}

type Entry = { words: string[]; origin: string; public: boolean };
/**
 * A trie over interned words: edges in one map keyed by (node, word id), fragments at the nodes where they end. At
 * each word position the scan follows the trie only as far as the text matches some fragment, so the cost per word is
 * the length of the longest matching prefix, whatever the number of fragments.
 */
const WIDTH = 2 ** 22; // word ids stay below this; node ids below 2^31, so edge keys stay exact in a double

export class FragmentIndex {
  private readonly ids = new Map<string, number>();
  private readonly edges = new Map<number, number>();
  private readonly ends = new Map<number, Entry>();
  private nodes = 1;

  get count(): number {
    return this.ends.size;
  }

  addMarked(text: string, origin: string): void {
    for (const f of fragmentsOf(text)) {
      let node = 0;
      for (const w of f) {
        let id = this.ids.get(w);
        if (id === undefined) {
          if (this.ids.size + 1 >= WIDTH) throw new Error('leak check: too many distinct words in the withheld text');
          this.ids.set(w, (id = this.ids.size + 1));
        }
        const key = node * WIDTH + id;
        let next = this.edges.get(key);
        if (next === undefined) this.edges.set(key, (next = this.nodes++));
        node = next;
      }
      if (!this.ends.has(node)) this.ends.set(node, { words: f, origin, public: false });
    }
  }

  /** Marks every fragment found in `text` as public (it proves nothing when found in the geschoonde set). */
  addPublic(text: string): void {
    this.walk(text, (e) => { e.public = true; });
  }

  /** The non-public fragments found in `text`. */
  scan(text: string): FragmentHit[] {
    const out: FragmentHit[] = [];
    const hit = (e: Entry): void => {
      if (!e.public) out.push({ fragment: e.words.join(' '), origin: e.origin });
    };
    this.walk(text, hit);
    // Withheld text percent-escaped (in a link) or as character references is found too.
    const d = decodeEscapes(text);
    if (d) this.walk(d.text, hit);
    return out;
  }

  private walk(text: string, fn: (e: Entry) => void): void {
    if (!this.ends.size) return;
    const ids = words(text).map((w) => this.ids.get(w) ?? 0);
    for (let i = 0; i < ids.length; i++) {
      let node = 0;
      for (let k = i; k < ids.length; k++) {
        const id = ids[k]!;
        if (id === 0) break; // a word of no fragment: nothing longer matches here
        const next = this.edges.get(node * WIDTH + id);
        if (next === undefined) break;
        node = next;
        const e = this.ends.get(node);
        if (e) fn(e);
      }
    }
  }
}
