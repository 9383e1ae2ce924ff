import { toE164 } from '../../parsers/phone.js';
import { foldedWords } from './fold.js';
import type { PrivateContact, ScreenHit } from './screen.js';

/**
 * Contact cards shared in chats (pure; the caller reads a card's bytes): a WhatsApp `.vcf` attachment, a Signal or
 * sigtop contact message (`extra.contact`), an MMS vCard part. The person on a card is no chat participant, so the
 * store has no contact to mark for them; the card's privacy follows the message that shares it:
 * - a card in a withheld message (privé/partijpolitiek, or in a withheld conversation) is private: its full name and
 *   its numbers are screened in the kept content as a private contact's are, shown as `[Privécontact (visitekaartje)]`;
 * - a card that a kept message shares is business content: its name and numbers stay visible (also when a withheld
 *   message shares the same card), as do the names and numbers of the business participants and the custodian.
 * Only a name of two words or more counts (`Ingrid Bos`): a card saved as `Oppas` or `Huisarts` is a word, and a
 * first name alone is too common to screen. Numbers match digit for digit, in every written form (src/export/screen.ts).
 */

/** What shows for a name or number from a card in withheld content. */
export const CARD_PSEUDONYM = 'Privécontact (visitekaartje)';
/** A vCard larger than this is no contact card (a file misnamed .vcf): not read. */
export const CARD_MAX_BYTES = 1 << 20;
/** The contact id of a card's hits (no contact of the store has it). */
export const CARD_CONTACT_ID = 0;

/** Where a name or number that the screen found comes from, for a finding (ids, never the text). */
export const hitOrigin = (h: ScreenHit): string => (h.contactId === CARD_CONTACT_ID ? 'a contact card in withheld content' : `private contact ${h.contactId}`);

export interface Card {
  names: string[];
  /** E.164 */
  phones: string[];
}

export interface CardMessage {
  kind?: string;
  extra?: Record<string, unknown> | null;
  attachments: { name: string; mime?: string | null }[];
}

const VCARD_FILE = /\.(?:vcf|vcard)$/i;
const VCARD_MIME = /^text\/(?:x-)?vcard$/i;

/** Whether an attachment is a vCard (by name or type). */
export const isCardFile = (a: { name: string; mime?: string | null }): boolean => VCARD_FILE.test(a.name) || VCARD_MIME.test(a.mime ?? '');

/** The cards a message shares: its contact message, and every vCard attachment whose text `read` gives (null: no bytes). */
export function cardsOf<A extends CardMessage['attachments'][number]>(m: CardMessage & { attachments: A[] }, read: (a: A) => string | null): Card[] {
  const out: Card[] = [];
  const c = m.extra?.contact as { name?: unknown; numbers?: unknown } | undefined;
  const named = m.extra?.contactName;
  const names = [typeof c?.name === 'string' ? c.name : null, typeof named === 'string' ? named : null].filter((n): n is string => !!n);
  const numbers = Array.isArray(c?.numbers) ? c.numbers.filter((n): n is string => typeof n === 'string') : [];
  if (names.length || numbers.length) out.push({ names, phones: phonesOf(numbers) });
  for (const a of m.attachments) {
    if (!isCardFile(a)) continue;
    const text = read(a);
    if (text !== null) out.push(...parseVcards(text));
  }
  return out;
}

const phonesOf = (written: string[]): string[] => [...new Set(written.map((n) => toE164(n.replace(/^tel:/i, ''))).filter((p): p is string => !!p))];

/** The people of a vCard file (one or more cards): FN, N (given, additional and family name), NICKNAME and TEL. */
export function parseVcards(text: string): Card[] {
  const cards: Card[] = [];
  let cur: { names: string[]; tels: string[] } | null = null;
  // Unfold (RFC 6350: a line break followed by a space or tab continues the line; vCard 2.1's quoted-printable soft
  // break `=` at the end of a line continues it too).
  const lines = text.replace(/\r?\n[ \t]/g, '').replace(/=\r?\n/g, '=').split(/\r?\n/);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [prop, ...params] = line.slice(0, colon).split(';');
    const name = prop!.replace(/^[^.]*\./, '').toUpperCase();
    const raw = line.slice(colon + 1);
    const qp = params.some((p) => /^(?:ENCODING=)?QUOTED-PRINTABLE$/i.test(p));
    const value = qp ? decodeQuotedPrintable(raw) : raw;
    if (name === 'BEGIN' && /^vcard$/i.test(value.trim())) cur = { names: [], tels: [] };
    else if (name === 'END' && cur) {
      cards.push({ names: [...new Set(cur.names.filter((n) => n.trim()))], phones: phonesOf(cur.tels) });
      cur = null;
    } else if (!cur) continue;
    else if (name === 'FN') cur.names.push(unescape(value));
    else if (name === 'N') {
      const [family, given, additional] = splitUnescaped(value, ';');
      cur.names.push([given, additional, family].filter(Boolean).join(' '));
    } else if (name === 'NICKNAME') cur.names.push(...splitUnescaped(value, ','));
    else if (name === 'TEL') cur.tels.push(value.trim());
  }
  return cards;
}

const unescape = (s: string): string => s.replace(/\\([\\,;nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c)).trim();

function splitUnescaped(s: string, sep: ',' | ';'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) cur += s[i] + s[++i]!;
    else if (s[i] === sep) { out.push(unescape(cur)); cur = ''; }
    else cur += s[i];
  }
  out.push(unescape(cur));
  return out;
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s[i] === '=' ? s.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; }
    else if (s[i] !== '=') bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

const nameKey = (n: string): string => foldedWords(n).map((w) => w.text).join(' ');

/** The cards of a scope, sorted into withheld and kept ones, and the private people they make. */
export class CardSet {
  private readonly withheld: Card[] = [];
  private readonly keptNames = new Set<string>();
  private readonly keptPhones = new Set<string>();

  add(withheld: boolean, cards: readonly Card[]): void {
    for (const c of cards) {
      if (withheld) this.withheld.push(c);
      else {
        for (const n of c.names) this.keptNames.add(nameKey(n));
        for (const p of c.phones) this.keptPhones.add(p);
      }
    }
  }

  /**
   * The people of the withheld cards as private contacts to screen, without what a kept card shows and without the
   * numbers for which `isPublicPhone` holds (the custodian's, the business participants'); their names are left to the
   * Screen's public names.
   */
  contacts(isPublicPhone: (e164: string) => boolean): PrivateContact[] {
    const out: PrivateContact[] = [];
    const seen = new Set<string>();
    for (const c of this.withheld) {
      const names = c.names.filter((n) => nameKey(n).split(' ').length >= 2 && !this.keptNames.has(nameKey(n)));
      const phones = c.phones.filter((p) => !this.keptPhones.has(p) && !isPublicPhone(p));
      const key = JSON.stringify([names.map(nameKey).sort(), [...phones].sort()]);
      if ((!names.length && !phones.length) || seen.has(key)) continue;
      seen.add(key);
      out.push({ contactId: CARD_CONTACT_ID, pseudonym: CARD_PSEUDONYM, names, phones });
    }
    return out;
  }
}
