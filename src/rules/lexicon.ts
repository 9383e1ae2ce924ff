import { Tokenizer, type Tokens } from './text.js';

/**
 * One compiled index over every lexicon term of a rule set. A message is tokenized once; each token is looked up
 * once in a hash map (exact first words) and once in a 3-letter bucket map (wildcard first words); phrases are then
 * verified on the following tokens. The cost per message does not depend on the number of terms.
 */

export interface TermEntry {
  /** The term as written in the rule file. */
  term: string;
  /** Folded words of the term (or the original words when case-sensitive). */
  words: string[];
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
    words.push(caseSensitive ? cleaned.slice(t.starts[k]!, t.ends[k]!) : t.folded[k]!);
    prefix.push(stars.includes(t.ends[k]!));
    if (k > 0 && !t.joinPrev[k]) {
      return { error: 'expected the words of a phrase to be separated by spaces, - / . or \' only' };
    }
  }
  for (const s of stars) {
    const k = indexOfTokenEndingAt(t, s);
    if (k < 0) return { error: "expected '*' directly after a word, as in 'verkiezing*'" };
    if (t.ends[k]! - t.starts[k]! < MIN_WILDCARD_PREFIX) {
      return { error: `expected at least ${MIN_WILDCARD_PREFIX} letters before '*'` };
    }
  }
  return { words, prefix };
}

function indexOfTokenEndingAt(t: Tokens, end: number): number {
  for (let k = 0; k < t.count; k++) if (t.ends[k] === end) return k;
  return -1;
}

export class LexiconIndex {
  private readonly exact = new Map<string, TermEntry[]>();
  private readonly buckets = new Map<string, TermEntry[]>();
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
        entry = { term, words: parsed.words, prefix: parsed.prefix, caseSensitive, owners: [] };
        this.byKey.set(key, entry);
        const first = caseSensitive ? parsed.words[0]!.toLowerCase() : parsed.words[0]!;
        if (parsed.prefix[0]) push(this.buckets, foldKey(first).slice(0, MIN_WILDCARD_PREFIX), entry);
        else push(this.exact, foldKey(first), entry);
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
    const useBuckets = this.buckets.size > 0;
    for (let i = 0; i < t.count; i++) {
      const tok = t.folded[i]!;
      const list = this.exact.get(tok);
      if (list !== undefined) for (const e of list) this.verify(e, t, text, i, onHit);
      if (useBuckets && tok.length >= MIN_WILDCARD_PREFIX) {
        const b = this.buckets.get(tok.slice(0, MIN_WILDCARD_PREFIX));
        if (b !== undefined) for (const e of b) this.verify(e, t, text, i, onHit);
      }
    }
    return t;
  }

  private verify(e: TermEntry, t: Tokens, text: string, i: number, onHit: (entry: TermEntry, start: number, end: number) => void): void {
    const n = e.words.length;
    if (i + n > t.count) return;
    for (let k = 0; k < n; k++) {
      const ti = i + k;
      if (k > 0 && t.joinPrev[ti] === 0) return;
      const word = e.words[k]!;
      if (e.caseSensitive) {
        const raw = text.slice(t.starts[ti]!, t.ends[ti]!);
        if (e.prefix[k] ? !raw.startsWith(word) : raw !== word) return;
      } else {
        const tok = t.folded[ti]!;
        if (e.prefix[k] ? !tok.startsWith(word) : tok !== word) return;
      }
    }
    onHit(e, t.starts[i]!, t.ends[i + n - 1]!);
  }
}

/** Case-sensitive words are indexed by their folded form too (then verified against the original). */
function foldKey(w: string): string {
  return w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
