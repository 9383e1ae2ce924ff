/**
 * Splits the part of a header line after the timestamp into author and body (whatsapp.md §6, §9.5–9.6),
 * and cleans author names. System templates are tried before the author split where a naive split at the
 * first `: ` would turn a group name like `Team: Noord` into an author.
 */
import { utf8OfBytes } from '../lines.js';
import { toE164 } from '../phone.js';
import { matchSystem, mayBeSystem, systemKey, type SystemMatch } from './system.js';

export interface Sender {
  /** As written (in a byte-string splitter: its UTF-8 bytes, one per character). */
  raw: string;
  /** Display name: bidi marks removed, NBSP/NNBSP as spaces. */
  name: string;
  phone: string | null;
  /** The raw author reads like a system sentence; try the templates on the whole line first. */
  suspicious: boolean;
}

const LRM = 0x200e;
/** LRM as UTF-8 in a byte string. */
const LRM_BYTES = '\xe2\x80\x8e';
/** A would-be author that reads like a system sentence (quotes, Dutch verbs, English verbs of group events). */
const SUSPICIOUS = /["“”]| heeft | hebt |created group|changed the |security code|beveiligingscode/;

/**
 * Splits header remainders into author and body. Keeps a table of the authors seen, looked up by length and
 * prefix, so that known authors cost no string allocation or hashing (a chat has few distinct authors).
 */
export class HeadSplitter {
  private readonly byLength: Sender[][] = [];
  private readonly ios: boolean;
  private chatName: string | null = null;
  /** The LRM as the lines hold it: one character, or three in a byte string. */
  private readonly lrm: string;

  /**
   * @param platform header family; only iOS writes system events with an author
   * @param chatName iOS chat title (author of the e2e notice), used when it contains `: `, written as the lines are
   * @param bytes the lines are byte strings (pass 1, see `LineSplitter`): authors are looked up by their bytes and
   *   decoded once; what is tested against templates is decoded first. `found.name` is always decoded text.
   */
  constructor(platform: 'ios' | 'android', chatName: string | null, private readonly bytes = false) {
    this.ios = platform === 'ios';
    this.lrm = bytes ? LRM_BYTES : '\u200e';
    this.setChatName(chatName);
  }

  /** `text[i]` starts an LRM. */
  private lrmAt(text: string, i: number): boolean {
    return this.bytes
      ? text.charCodeAt(i) === 0xe2 && text.charCodeAt(i + 1) === 0x80 && text.charCodeAt(i + 2) === 0x8e
      : text.charCodeAt(i) === LRM;
  }

  /** The text of `text[start, end)`. */
  private decoded(text: string, start: number, end: number): string {
    const s = text.slice(start, end);
    return this.bytes ? utf8OfBytes(s) : s;
  }

  setChatName(chatName: string | null): void {
    this.chatName = chatName !== null && chatName.includes(': ') ? chatName : null;
  }

  // Memo of the next LRM in a decoded region: no LRM lies in `text[lrmFrom, lrmPos)` (see colonLrm).
  private lrmText = '';
  private lrmFrom = 0;
  private lrmPos = -1;

  /**
   * Index of the first `: ‎` (colon, space, LRM) in `text[from, end)`, or -1. The line may be part of a long decoded
   * region; the memo keeps the search for the next LRM linear in the region, not in region × lines.
   */
  private colonLrm(text: string, from: number, end: number): number {
    let p = from + 2;
    for (;;) {
      if (text !== this.lrmText || p < this.lrmFrom || (this.lrmPos >= 0 && p > this.lrmPos)) {
        this.lrmText = text;
        this.lrmFrom = p;
        this.lrmPos = text.indexOf(this.lrm, p);
      }
      const at = this.lrmPos;
      if (at < 0 || at >= end) return -1;
      if (text.charCodeAt(at - 1) === 0x20 && text.charCodeAt(at - 2) === 0x3a && at - 2 >= from) return at - 2;
      p = at + 1;
    }
  }

  /** The memo already shows no LRM in `text[from, end)` (the common case: a plain message; cheap enough to inline). */
  private noLrmBefore(text: string, from: number, end: number): boolean {
    return text === this.lrmText && from >= this.lrmFrom && (this.lrmPos < 0 || (from <= this.lrmPos && this.lrmPos >= end));
  }

  sender(raw: string): Sender {
    return this.lookup(raw, 0, raw.length) ?? this.add(raw);
  }

  /** The known author written at `text[start, start + len)`. */
  private lookup(text: string, start: number, len: number): Sender | undefined {
    const bucket = this.byLength[len];
    if (bucket === undefined) return undefined;
    // Char-by-char: measurably cheaper than startsWith(raw, position) on freshly decoded lines.
    outer: for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      const raw = e.raw;
      for (let j = 0; j < len; j++) if (text.charCodeAt(start + j) !== raw.charCodeAt(j)) continue outer;
      return e;
    }
    return undefined;
  }

  private add(raw: string): Sender {
    const text = this.bytes ? utf8OfBytes(raw) : raw;
    const name = cleanName(text);
    const c = name.charCodeAt(0);
    const phone = c === 0x2b || c === 0x28 || (c >= 0x30 && c <= 0x39) ? toE164(name) : null;
    const e: Sender = { raw, name, phone, suspicious: SUSPICIOUS.test(text) };
    const k = raw.length;
    const bucket = (this.byLength[k] ??= []);
    if (bucket.length >= 64) bucket.length = 0; // bound memory on pathological input
    bucket.push(e);
    return e;
  }

  /** After `locate`: the author (null for an authorless line). */
  found: Sender | null = null;
  /** After `locate` of an authorless line: the matched system template (null → event 'other'). */
  foundSys: SystemMatch | null = null;
  /**
   * After `locate` of a line with an author: the system template versions before whatsapp-1.3.0 read the whole line
   * as (see LegacyReading), or null.
   */
  readBefore: SystemMatch | null = null;
  /** Lines whose author contains `: ` (`Team: Noord: ‎Alice added you`), counted when `countColonAuthors` is set. */
  colonAuthorLines = 0;
  /** Pass 1 sets this to learn whether any line has an author containing `: ` (whatever the chat name). */
  countColonAuthors = false;
  /** Pass 2 clears this when pass 1 found no such line: the search for one is then skipped. */
  colonAuthors = true;

  /**
   * Splits the line `text[start, end)` (start: the first character after the header) into author and body, in place
   * (the line may be part of a longer decoded region) and without allocating: returns where the body starts (the body
   * is `text[result, end)`) and leaves the author in `found` and, for an authorless line, the system template in
   * `foundSys`.
   */
  locate(text: string, start: number, end: number): number {
    this.foundSys = null;
    this.readBefore = null;
    // Android NL system lines and old-iOS system lines start with LRM and have no author.
    if (this.lrmAt(text, start)) return this.authorless(text, start, end);
    let k = text.indexOf(': ', start);
    if (k < 0 || k + 2 > end) {
      // `Bram:` with no trailing space is an empty message (§9.5).
      if (end > start + 1 && text.charCodeAt(end - 1) === 0x3a) {
        this.found = this.sender(text.slice(start, end - 1));
        if (this.found.name === '') return this.authorless(text, start, end);
        return end;
      }
      return this.authorless(text, start, end);
    }
    let s = this.lookup(text, start, k - start) ?? this.add(text.slice(start, k));
    if (s.suspicious) {
      const key = systemKey(this.decoded(text, start, end));
      const sys = matchSystem(key);
      if (sys) {
        // Not a system sentence after all when the `: ` is an author's: WhatsApp starts the body with an LRM there
        // (`Wie heeft de sleutel?: ‎Alice heeft u toegevoegd`), or the sentence's first name would run past it
        // (`Robert "Bob" Jansen: They removed the barrier` is no event of actor `Robert "Bob" Jansen: They`).
        if (!this.lrmAt(text, k + 2) && !leadsPastColon(key, sys)) {
          this.found = null;
          this.foundSys = sys;
          return start;
        }
        this.readBefore = sys;
      }
    }
    if (this.ios) {
      const cn = this.chatName;
      const named = cn !== null && k - start < cn.length && start + cn.length + 2 <= end && text.startsWith(cn, start) && text.startsWith(': ', start + cn.length);
      if ((!named || this.countColonAuthors) && this.colonAuthors && !this.lrmAt(text, k + 2) && !this.noLrmBefore(text, k + 4, end)) {
        // `Team: Noord: ‎Alice added you`: the author itself contains `: `.
        const j = this.colonLrm(text, k + 2, end);
        if (j > 0 && !text.slice(start, j).includes(this.lrm) && matchSystem(systemKey(this.decoded(text, j + 2, end)))) {
          this.colonAuthorLines++;
          if (!named) {
            k = j;
            s = this.sender(text.slice(start, j));
          }
        }
      }
      if (named) {
        k = start + cn.length; // iOS group name with `: ` as pseudo-author
        s = this.sender(cn);
      }
    }
    // An author of nothing but marks and spaces (`[…] : text`, which WhatsApp never writes) is no author: the line is
    // read as authorless, its text kept whole.
    if (s.name === '') return this.authorless(text, start, end);
    this.found = s;
    return k + 2;
  }

  private authorless(text: string, start: number, end: number): number {
    this.found = null;
    const rest = this.decoded(text, start, end);
    this.foundSys = mayBeSystem(rest) ? matchSystem(systemKey(rest)) : null;
    return start;
  }
}

/** The name a template match on a whole line starts with (its actor, or its target that starts the sentence) holds a `: `. */
function leadsPastColon(key: string, sys: SystemMatch): boolean {
  const lead = sys.actor ?? sys.target;
  return lead !== undefined && lead.includes(': ') && key.startsWith(lead);
}

const NAME_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const NAME_SPACES = /[\u00a0\u202f]/g;
const NEEDS_CLEANING = /[\u00a0\u202f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|^\s|\s$/;

/** Display name with LRE/PDF/LRM (and other bidi marks) removed and NBSP/NNBSP as spaces. */
export function cleanName(raw: string): string {
  return NEEDS_CLEANING.test(raw) ? raw.replace(NAME_MARKS, '').replace(NAME_SPACES, ' ').trim() : raw;
}
