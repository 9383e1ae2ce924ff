import { foldedMatch, foldWord, Tokenizer, tokenWord, wordHash, type Tokens } from './text.js';

/**
 * One compiled index over every lexicon term of a rule set. A message is tokenized once; the tokenizer hashes each
 * folded word on the fly, and each token is looked up in an open-addressing table of first words and in tables of
 * 3- and 5-letter wildcard prefixes, each behind a bit filter that rejects almost every token with one test.
 * Candidates are checked on the word hashes of all their words first, then character by character (no strings are
 * made per token). The cost per message does not depend on the number of terms.
 */

export interface TermEntry {
  /** The term as written in the rule file. */
  term: string;
  /** Folded words of the term (or the original words when case-sensitive). */
  words: string[];
  /** Folded words (also for case-sensitive terms) and their hashes. */
  folded: string[];
  hashes: number[];
  /** Per word: a `*` suffix wildcard (prefix match). */
  prefix: boolean[];
  caseSensitive: boolean;
  /** Lexicon ids that contain this term. */
  owners: number[];
}

export interface LexHit {
  entry: TermEntry;
  start: number;
  end: number;
}

/** Minimum number of letters before a `*` (keeps the wildcard index selective). */
export const MIN_WILDCARD_PREFIX = 3;
/** Wildcards with at least this many letters before the `*` are indexed by their first five (fewer false candidates). */
const LONG_WILDCARD_PREFIX = 5;

const termTokenizer = new Tokenizer();

/**
 * Parses a term into words. Returns an error text when the term is unusable: no letters or digits, a `*` that is
 * not at the end of a word, or a wildcard with fewer than three letters before it.
 */
export function parseTerm(term: string, caseSensitive: boolean): { words: string[]; prefix: boolean[] } | { error: string } {
  if (/\*[\p{L}\p{N}]/u.test(term)) return { error: "expected '*' only at the end of a word, as in 'verkiezing*'" };
  const stars: number[] = [];
  for (let i = 0; i < term.length; i++) if (term[i] === '*') stars.push(i);
  const cleaned = term.replace(/\*/g, ' ');
  const t: Tokens = termTokenizer.tokenize(cleaned);
  if (t.count === 0) return { error: 'expected a term with letters or digits (use a regex rule for symbols or emoji)' };
  const words: string[] = [];
  const prefix: boolean[] = [];
  for (let k = 0; k < t.count; k++) {
    words.push(caseSensitive ? cleaned.slice(t.starts[k]!, t.ends[k]!) : tokenWord(cleaned, t, k));
    prefix.push(stars.includes(t.ends[k]!));
    if (k > 0 && !t.joinPrev[k]) {
      return { error: 'expected the words of a phrase to be separated by spaces, - / . or \' only' };
    }
  }
  for (const s of stars) {
    const k = indexOfTokenEndingAt(t, s);
    if (k < 0) return { error: "expected '*' directly after a word, as in 'verkiezing*'" };
    if (t.flen[k]! < MIN_WILDCARD_PREFIX) {
      return { error: `expected at least ${MIN_WILDCARD_PREFIX} letters before '*'` };
    }
  }
  return { words, prefix };
}

function indexOfTokenEndingAt(t: Tokens, end: number): number {
  for (let k = 0; k < t.count; k++) if (t.ends[k] === end) return k;
  return -1;
}

/** Open-addressing hash table: folded-word hash → term entries. */
class HashTable {
  private keys = new Int32Array(64);
  private slots = new Int32Array(64);
  private readonly lists: TermEntry[][] = [];

  add(hash: number, e: TermEntry): void {
    if ((this.lists.length + 1) * 2 > this.keys.length) this.rehash(this.keys.length * 2);
    const i = this.find(hash);
    if (this.slots[i]) this.lists[this.slots[i]! - 1]!.push(e);
    else {
      this.lists.push([e]);
      this.keys[i] = hash;
      this.slots[i] = this.lists.length;
    }
  }

  get(hash: number): TermEntry[] | undefined {
    const s = this.slots[this.find(hash)]!;
    return s ? this.lists[s - 1] : undefined;
  }

  get size(): number {
    return this.lists.length;
  }

  private find(hash: number): number {
    const mask = this.keys.length - 1;
    let i = hash & mask;
    while (this.slots[i] && this.keys[i] !== hash) i = (i + 1) & mask;
    return i;
  }

  private rehash(n: number): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Int32Array(n);
    this.slots = new Int32Array(n);
    for (let i = 0; i < keys.length; i++) {
      if (!slots[i]) continue;
      const j = this.find(keys[i]!);
      this.keys[j] = keys[i]!;
      this.slots[j] = slots[i]!;
    }
  }
}

/** Bits of the prefilter: 2^20 bits (128 KiB) keep false positives near 0.2% for a few thousand terms. */
const FILTER_BITS = 20;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

export class LexiconIndex {
  private readonly exact = new HashTable();
  /** Wildcard terms by the hash of their first 3 folded units (prefix of 3 or 4) or first 5 (prefix of 5 or more). */
  private readonly buckets = new HashTable();
  private readonly longBuckets = new HashTable();
  /**
   * A bit per hash (low bits) of every first word and wildcard prefix: almost every token of a message is no term
   * word, and one bit test rejects it without probing the hash tables.
   */
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));
  private readonly byKey = new Map<string, TermEntry>();
  private nextLexicon = 0;
  readonly tokenizer = new Tokenizer();

  get lexiconCount(): number {
    return this.nextLexicon;
  }

  get termCount(): number {
    return this.byKey.size;
  }

  /** Registers a lexicon; returns its id. Terms must have been checked with `parseTerm`. */
  addLexicon(terms: { term: string; caseSensitive: boolean }[]): number {
    const id = this.nextLexicon++;
    for (const { term, caseSensitive } of terms) {
      const parsed = parseTerm(term, caseSensitive);
      if ('error' in parsed) throw new Error(`invalid term '${term}': ${parsed.error}`);
      const key = `${caseSensitive ? 'C' : 'I'}\u0000${parsed.words.map((w, i) => w + (parsed.prefix[i] ? '*' : '')).join('\u0000')}`;
      let entry = this.byKey.get(key);
      if (!entry) {
        const folded = caseSensitive ? parsed.words.map(foldWord) : parsed.words;
        entry = { term, words: parsed.words, folded, hashes: folded.map((w) => wordHash(w)), prefix: parsed.prefix, caseSensitive, owners: [] };
        this.byKey.set(key, entry);
        const long = parsed.prefix[0] && folded[0]!.length >= LONG_WILDCARD_PREFIX;
        const first = !parsed.prefix[0] ? entry.hashes[0]! : wordHash(folded[0]!, long ? LONG_WILDCARD_PREFIX : MIN_WILDCARD_PREFIX);
        (!parsed.prefix[0] ? this.exact : long ? this.longBuckets : this.buckets).add(first, entry);
        const w = (first & FILTER_MASK) >>> 5;
        this.filter[w] = this.filter[w]! | (1 << (first & 31));
      }
      if (!entry.owners.includes(id)) entry.owners.push(id);
    }
    return id;
  }

  /** Every term entry (for static checks). */
  entries(): TermEntry[] {
    return [...this.byKey.values()];
  }

  /**
   * Finds every term occurrence in `text`. Calls `onHit` with the UTF-16 span [start, end) of the occurrence.
   * Returns the tokens (valid until the next scan).
   */
  scan(text: string, onHit: (entry: TermEntry, start: number, end: number) => void): Tokens {
    const t = this.tokenizer.tokenize(text);
    if (this.byKey.size === 0) return t;
    const filter = this.filter;
    const useBuckets = this.buckets.size > 0;
    const useLongBuckets = this.longBuckets.size > 0;
    for (let i = 0; i < t.count; i++) {
      const h = t.hash[i]!;
      if ((filter[(h & FILTER_MASK) >>> 5]! & (1 << (h & 31))) !== 0) {
        const list = this.exact.get(h);
        if (list !== undefined) for (const e of list) this.verify(e, t, text, i, onHit);
      }
      const p = t.pre3[i]!;
      if (useBuckets && p >= 0 && (filter[(p & FILTER_MASK) >>> 5]! & (1 << (p & 31))) !== 0) {
        const b = this.buckets.get(p);
        if (b !== undefined) for (const e of b) this.verify(e, t, text, i, onHit);
      }
      const p5 = t.pre5[i]!;
      if (useLongBuckets && p5 >= 0 && (filter[(p5 & FILTER_MASK) >>> 5]! & (1 << (p5 & 31))) !== 0) {
        const b = this.longBuckets.get(p5);
        if (b !== undefined) for (const e of b) this.verify(e, t, text, i, onHit);
      }
    }
    return t;
  }

  private verify(e: TermEntry, t: Tokens, text: string, i: number, onHit: (entry: TermEntry, start: number, end: number) => void): void {
    const n = e.words.length;
    if (i + n > t.count) return;
    // Cheap rejection first: the folded hash of every whole word (a phrase such as 'de hond' after each 'de').
    for (let k = 0; k < n; k++) if (!e.prefix[k] && t.hash[i + k] !== e.hashes[k]) return;
    for (let k = 0; k < n; k++) {
      const ti = i + k;
      if (k > 0 && t.joinPrev[ti] === 0) return;
      const s = t.starts[ti]!;
      const end = t.ends[ti]!;
      if (e.caseSensitive) {
        const word = e.words[k]!;
        if (!text.startsWith(word, s) || (e.prefix[k] ? end - s < word.length : end - s !== word.length)) return;
      } else if (e.prefix[k]) {
        if (t.flen[ti]! < e.folded[k]!.length || !foldedMatch(text, s, end, e.folded[k]!, true)) return;
      } else if (t.hash[ti] !== e.hashes[k] || t.flen[ti] !== e.folded[k]!.length || !foldedMatch(text, s, end, e.folded[k]!, false)) {
        return;
      }
    }
    onHit(e, t.starts[i]!, t.ends[i + n - 1]!);
  }
}
