import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { decodeEscapes, fold, foldedWords } from './fold.js';

/**
 * Screening of private contacts' names and phone numbers in text (pure; no I/O).
 *
 * The cleaner uses it to replace a private contact's name or number inside content that is otherwise kept (a business
 * message mentioning the contact, a group's system event "X heeft Y toegevoegd", a title, an attachment name);
 * `verify` uses the same matcher to prove that no such name or number is left anywhere in a geschoonde package.
 *
 * Matching rules (documented in the package's LEESMIJ):
 * - Names match as a whole word sequence, each word by its folded key (src/export/fold.ts: case, accents and invisible
 *   format characters inside a word do not matter, "ZOE" matches "Zoë"); any run of non-letter, non-digit characters
 *   between the words counts as a separator ("Marieke  de\nVries" matches "Marieke de Vries"). Names shorter
 *   than 4 characters (letters and digits) are not screened: too ambiguous to find reliably ("Mam"). Conversation titles
 *   and system events, which are made of names, use the `strict` screen: there names from 2 characters count.
 * - A name that is also the name of a business participant or of the custodian is not screened (it is public).
 * - Phone numbers match in E.164 and in the common written forms: `+31612345678`, `+31 6 12345678`, `0031 6 …`,
 *   `0612345678`, `06-12345678`, `06 1234 5678`, `(06) 12 34 56 78`, and the bare national number, with any dash,
 *   space or invisible format character between the digit groups (PHONE_SEPARATORS), also with the trunk 0 after the
 *   country code (`+31 (0)6 …`). A number must not touch a digit on either side; a letter it may (`mob0612345678`).
 * - A name right after `@` is a mention: there names from 2 characters count, as in titles.
 * - Names and numbers are also found percent-escaped (in a link) or as numeric character references: the hit then
 *   covers the escaped form.
 */

export interface PrivateContact {
  contactId: number;
  /** Stable pseudonym such as "Privécontact 3". */
  pseudonym: string;
  /** Every name the contact is known by (contact, platform identities, sender names). */
  names: string[];
  /** E.164 numbers. */
  phones: string[];
}

export interface ScreenHit {
  start: number;
  end: number;
  kind: 'name' | 'phone';
  contactId: number;
  pseudonym: string;
}

const MIN_NAME_CHARS = 4;
/** Shortest name the strict screen (titles, system events) replaces: "Eva", "Bo". */
export const STRICT_MIN_NAME_CHARS = 2;

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(s: string): Token[] {
  // Offsets index `s` itself; each word is compared by its folded key (src/export/fold.ts), so "ZOË", "Zoe\u0308",
  // "Zoe" and "Zo\u200bë" all match "Zoë".
  return foldedWords(s);
}

/** The word sequence of a name, or null when it is too short to screen. */
export function nameWords(name: string, minChars = MIN_NAME_CHARS): string[] | null {
  const words = tokens(name).map((t) => t.text);
  return words.join('').length >= minChars ? words : null;
}

interface PhoneForms {
  contact: PrivateContact;
  digits: Set<string>;
}

function phoneDigitForms(e164: string): string[] {
  const p = parsePhoneNumberFromString(e164);
  const all = e164.replace(/\D/g, '');
  if (!p) return [all];
  const cc = p.countryCallingCode;
  const nsn = p.nationalNumber;
  // `+31 (0)6 12345678`: the national trunk 0 written after the country code.
  return [...new Set([`${cc}${nsn}`, `00${cc}${nsn}`, `0${nsn}`, nsn, all, `${cc}0${nsn}`, `00${cc}0${nsn}`])];
}

/**
 * Characters that may stand between the digit groups of a written number: spaces of every width (incl. no-break,
 * thin, narrow and figure spaces), hyphens and dashes (hyphen-minus, hyphen, non-breaking hyphen, figure dash, en and
 * em dash, minus sign), parentheses, dots, slashes, and invisible format characters (zero-width space/joiners, word
 * joiner, BOM, direction marks and embeddings, as WhatsApp writes around numbers). A hit still needs the exact digits
 * of a private contact's number, so dates and amounts do not match.
 */
const PHONE_SEPARATORS = ' \\u00a0\\u2000-\\u200f\\u202a-\\u202f\\u205f\\u2060\\u2066-\\u2069\\ufeff\\-\\u2010-\\u2015\\u2212().\\/';
const PHONE_RUN = new RegExp(`\\+?\\d[\\d${PHONE_SEPARATORS}]*\\d`, 'g');
/** What stands right before a mentioned name: `@`, maybe with an isolate or direction mark (WhatsApp) after it. */
const MENTION_BEFORE = /@\p{Cf}*$/u;
/** A number may touch a letter (`mob0612345678`), never a digit: `70612345678` is another number. */
const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{N}/u.test(c);

export class Screen {
  private readonly byFirstWord = new Map<string, { words: string[]; contact: PrivateContact }[]>();
  private readonly phones: PhoneForms[] = [];
  private readonly maxPhoneDigits: number;
  private readonly namePrefilter: RegExp | null;
  private strictScreen: Screen | null = null;

  /**
   * @param contacts the private contacts to screen
   * @param publicNames names that are public in the package (business participants, the custodian): never screened
   * @param minNameChars names shorter than this (letters and digits) are not screened
   */
  constructor(readonly contacts: readonly PrivateContact[], private readonly publicNames: readonly string[] = [], private readonly minNameChars = MIN_NAME_CHARS) {
    const pub = new Set(publicNames.map((n) => nameWords(n, 1)?.join(' ')).filter((x): x is string => !!x));
    for (const c of contacts) {
      for (const n of c.names) {
        const words = nameWords(n, minNameChars);
        if (!words || pub.has(words.join(' '))) continue;
        const list = this.byFirstWord.get(words[0]!) ?? [];
        if (!list.some((x) => x.words.join(' ') === words.join(' '))) list.push({ words, contact: c });
        this.byFirstWord.set(words[0]!, list);
      }
      const digits = new Set(c.phones.flatMap(phoneDigitForms).filter((d) => d.length >= 6));
      if (digits.size) this.phones.push({ contact: c, digits });
    }
    // Longest names first, so "Marieke de Vries" wins over "Marieke".
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
    // A quick native test before tokenising: does the text hold any first word of a name at all?
    const first = [...this.byFirstWord.keys()].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // (tested on the folded text, in which the words are their keys)
    this.namePrefilter = first.length ? new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${first.join('|')})(?![\\p{L}\\p{M}\\p{N}])`, 'u') : null;
    this.maxPhoneDigits = Math.max(0, ...this.phones.flatMap((p) => [...p.digits].map((d) => d.length)));
  }

  /**
   * The same screen, also replacing names of 2 and 3 characters ("Eva", "Bo"). Used where the text is made of names
   * rather than prose, so that a short name there is that person and not a word: conversation titles (a 1:1 chat is
   * titled after its counterpart) and system events ("Karin heeft Eva toegevoegd").
   */
  get strict(): Screen {
    return (this.strictScreen ??= new Screen(this.contacts, this.publicNames, STRICT_MIN_NAME_CHARS));
  }

  get empty(): boolean {
    return this.byFirstWord.size === 0 && this.phones.length === 0;
  }

  /** Every name or number of a private contact in `s`, as UTF-16 offsets into `s`, non-overlapping, in order. */
  find(s: string): ScreenHit[] {
    if (s.length === 0) return [];
    const mentions = this.minNameChars > STRICT_MIN_NAME_CHARS && s.includes('@') && !this.strict.empty;
    if (this.empty && !mentions) return [];
    const hits = [...this.findNames(s), ...this.findPhones(s)];
    // A name or number escaped in a link or a character reference: the hit covers its escaped form.
    const d = decodeEscapes(s);
    if (d) for (const h of [...this.findNames(d.text), ...this.findPhones(d.text)]) hits.push({ ...h, start: d.start[h.start]!, end: d.end[h.end - 1]! });
    // A mention (`@Eva`, WhatsApp's `@\u2068Eva\u2069`) names a person: there a short name is that person, as in a title.
    if (mentions) {
      for (const h of this.strict.findNames(s)) if (MENTION_BEFORE.test(s.slice(Math.max(0, h.start - 3), h.start))) hits.push(h);
    }
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: ScreenHit[] = [];
    for (const h of hits) if (!out.length || h.start >= out[out.length - 1]!.end) out.push(h);
    return out;
  }

  /** Replaces every hit by `[<pseudonym>]`. */
  redact(s: string): string {
    const hits = this.find(s);
    if (!hits.length) return s;
    let out = '';
    let at = 0;
    for (const h of hits) {
      out += s.slice(at, h.start) + `[${h.pseudonym}]`;
      at = h.end;
    }
    return out + s.slice(at);
  }

  private findNames(s: string): ScreenHit[] {
    if (!this.namePrefilter) return [];
    if (!this.namePrefilter.test(fold(s))) return [];
    const toks = tokens(s);
    const out: ScreenHit[] = [];
    for (let i = 0; i < toks.length; i++) {
      const cands = this.byFirstWord.get(toks[i]!.text);
      if (!cands) continue;
      for (const c of cands) {
        if (i + c.words.length > toks.length) continue;
        let ok = true;
        for (let k = 1; k < c.words.length && ok; k++) ok = toks[i + k]!.text === c.words[k];
        if (!ok) continue;
        const end = toks[i + c.words.length - 1]!.end;
        out.push({ start: toks[i]!.start, end, kind: 'name', contactId: c.contact.contactId, pseudonym: c.contact.pseudonym });
        i += c.words.length - 1;
        break;
      }
    }
    return out;
  }

  private findPhones(s: string): ScreenHit[] {
    if (!this.phones.length) return [];
    const out: ScreenHit[] = [];
    for (const m of s.matchAll(PHONE_RUN)) {
      const run = m[0];
      const base = m.index!;
      // Digit groups of the run (a leading '+' belongs to its group) with their offsets.
      const groups = [...run.matchAll(/\+?\d+/g)].map((g) => ({ d: g[0].replace('+', ''), start: base + g.index!, end: base + g.index! + g[0].length }));
      for (let i = 0; i < groups.length; i++) {
        if (isDigit(s[groups[i]!.start - 1])) continue;
        let digits = '';
        for (let j = i; j < groups.length; j++) {
          digits += groups[j]!.d;
          if (digits.length > this.maxPhoneDigits) break;
          if (isDigit(s[groups[j]!.end])) continue;
          const p = this.phones.find((x) => x.digits.has(digits));
          if (p) {
            // "(06) 12 34 56 78": the opening parenthesis belongs to the number.
            const st = groups[i]!.start;
            const start = s[st - 1] === '(' && s.slice(st, groups[j]!.end).includes(')') ? st - 1 : st;
            out.push({ start, end: groups[j]!.end, kind: 'phone', contactId: p.contact.contactId, pseudonym: p.contact.pseudonym });
            i = j;
            break;
          }
        }
      }
    }
    return out;
  }
}
