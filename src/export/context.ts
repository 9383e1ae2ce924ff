import { blobDirFor, type DB } from '../store/db.js';
import { BlobStore } from '../store/blobs.js';
import type { Custodian } from '../store/custodians.js';
import { getCustodian } from '../store/custodians.js';
import { getConversation, getMessage, iterateMessages } from '../store/messages.js';
import {
  cardMessageIds, contactMarkings, conversationMarkings, conversationsInScope, custodianContacts, messageMarkingLookup,
  type ContactInfo, type Scope, type ScopedConversation, type StoredMarking,
} from '../store/exports.js';
import { cleanConversation, conversationExclusion, messageMarking, type Category, type CleaningContext, type MarkingRef, type Slot } from './clean.js';
import { nameWords, Screen, type PrivateContact } from './screen.js';
import { keptEventTexts, presentInKept } from './presence.js';
import { isNameless, neutralNameFor } from './nameless.js';
import { dayRangeMs } from '../store/term.js';
import { groupTextsOf } from './titles.js';
import { subjectScreen } from './subjects.js';
import { CARD_MAX_BYTES, CardSet, cardsOf } from './cards.js';

/**
 * Everything the cleaning needs for one custodian and period, computed once per export: effective contact and
 * conversation markings, which conversations are withheld whole, which contacts are private, their pseudonyms and the
 * name/number screen.
 *
 * A contact is private when an effective contact-level marking says privé or partijpolitiek, or when it is present in
 * no kept content of the scope: it takes part in no conversation that is kept, or every own message of it in the kept
 * ones is withheld (src/export/presence.ts). Its pseudonym is
 * "Privécontact <n>", n = its position among all the custodian's contacts in id order, so it stays the same across
 * exports. The custodian is never private.
 */
export interface ExportContext {
  custodian: Custodian;
  scope: Scope;
  allowUnreviewed: boolean;
  conversations: ScopedConversation[];
  contactMarkings: Map<number, StoredMarking[]>;
  conversationMarkings: Map<number, StoredMarking[]>;
  exclusions: Map<number, MarkingRef | null>;
  /** Kept conversations whose title only exists through withheld content (src/export/titles.ts). */
  withheldTitles: Set<number>;
  /** Per kept conversation, the group subjects and descriptions that only withheld events set (src/export/subjects.ts). */
  withheldSubjects: Map<number, string[]>;
  privateContacts: PrivateContact[];
  pseudonyms: Map<number, string>;
  /** "Contact <n>" for business participants known only by number (src/export/nameless.ts). */
  neutralNames: Map<number, string>;
  /** Names shown in the geschoonde set (business participants and the custodian). */
  publicNames: string[];
  /** The contacts whose names are publicNames (the custodian's, and those present in kept content). */
  publicContacts: Set<number>;
  screen: Screen;
  /**
   * How the geschoonde set would show contacts if none were private: every contact known only by number (private
   * ones too) as "Contact <n>", its number screened; all others by name (see withheld-since.ts). Built on first use:
   * only a vervolgexport with a changed delivered message asks.
   */
  withoutPrivate: () => { neutralNames: Map<number, string>; screen: Screen };
  messageMarkings: ReturnType<typeof messageMarkingLookup>;
}

/** The scope of dates (inclusive, YYYY-MM-DD) in the custodian's zone. */
export function scopeOf(custodianId: string, tz: string, from?: string, to?: string): Scope {
  return { custodianId, ...dayRangeMs(tz, from, to) };
}

export const pseudonymFor = (rank: number): string => `Privécontact ${rank}`;

export function buildExportContext(db: DB, custodian: Custodian, scope: Scope, allowUnreviewed: boolean): ExportContext {
  const conversations = conversationsInScope(db, scope);
  const cMarks = contactMarkings(db, custodian.id, allowUnreviewed);
  const convMarks = new Map(conversations.map((c) => [c.id, conversationMarkings(db, c.id, allowUnreviewed)]));
  const hiddenContact = (id: number): boolean => (cMarks.get(id) ?? []).some((m) => m.category !== 'zakelijk');
  const exclusions = new Map<number, MarkingRef | null>();
  const visible = new Set<number>();
  const messageMarkings = messageMarkingLookup(db, allowUnreviewed);
  // The custodian's own contact is not always recognised (a WhatsApp export does not say whose phone it is): a
  // contact by the custodian's name is public anyway, so it never becomes private for being only in withheld content.
  const custodianName = nameWords(custodian.name)?.join(' ');
  for (const c of conversations) {
    const ctx = baseContext(c, convMarks.get(c.id) ?? [], cMarks, custodian, new Map(), new Screen([]));
    const excl = conversationExclusion(ctx);
    exclusions.set(c.id, excl);
    if (excl) continue;
    const markingsOf = (id: number) => messageMarkings(id).effective;
    let events: string[] | null = null;
    const keptEvents = () => (events ??= keptEventTexts(db, ctx, scope, markingsOf));
    for (const p of c.participants) {
      if (visible.has(p.contactId) || hiddenContact(p.contactId)) continue;
      const own = p.isCustodian || (custodianName !== undefined && p.name !== null && nameWords(p.name)?.join(' ') === custodianName);
      if (own || presentInKept(db, ctx, p, scope, markingsOf, keptEvents)) visible.add(p.contactId);
    }
  }
  const inScope = new Set(conversations.flatMap((c) => c.participants.map((p) => p.contactId)));
  const isPrivate = (id: number, isCustodian: boolean): boolean => !isCustodian && (hiddenContact(id) || (inScope.has(id) && !visible.has(id)));
  const ids = custodianContacts(db, custodian.id);
  const contacts = custodianContacts(db, custodian.id, new Set(ids.filter((k) => isPrivate(k.id, k.isCustodian)).map((k) => k.id)));
  const privateContacts: PrivateContact[] = [];
  const nameless: PrivateContact[] = [];
  const publicNames = [custodian.name];
  const publicContacts = new Set<number>();
  for (const k of contacts) {
    if (isPrivate(k.id, k.isCustodian)) privateContacts.push({ contactId: k.id, pseudonym: pseudonymFor(k.rank), names: k.names, phones: k.phones });
    else if (knownByNumber(k)) nameless.push(neutralContact(k));
    else if (visible.has(k.id) || k.isCustodian) {
      publicNames.push(...k.names);
      publicContacts.add(k.id);
    }
  }
  const pseudonyms = new Map(privateContacts.map((p) => [p.contactId, p.pseudonym]));
  const neutralNames = new Map(nameless.map((p) => [p.contactId, p.pseudonym]));
  // People of contact cards shared in withheld messages (src/export/cards.ts): after the store's contacts, so that a
  // name or number of a private contact is found as that contact.
  const publicPhones = new Set(contacts.filter((k) => publicContacts.has(k.id)).flatMap((k) => k.phones));
  const cards = cardsInScope(db, conversations, scope, (c) => ({ ...baseContext(c, convMarks.get(c.id) ?? [], cMarks, custodian, new Map(), new Screen([])), excluded: !!exclusions.get(c.id) }), messageMarkings);
  const screen = new Screen([...privateContacts, ...nameless, ...cards.contacts((p) => publicPhones.has(p))], publicNames);
  const withheldTitles = new Set<number>();
  const withheldSubjects = new Map<number, string[]>();
  for (const c of conversations) {
    if (exclusions.get(c.id)) continue;
    const ctx = { ...baseContext(c, convMarks.get(c.id) ?? [], cMarks, custodian, pseudonyms, screen), neutralNames };
    const g = groupTextsOf(db, ctx, (id) => messageMarkings(id).effective);
    if (g.titleWithheld) withheldTitles.add(c.id);
    if (g.subjectsWithheld.length) withheldSubjects.set(c.id, g.subjectsWithheld);
  }
  return {
    custodian, scope, allowUnreviewed, conversations, contactMarkings: cMarks, conversationMarkings: convMarks, exclusions, withheldTitles, withheldSubjects,
    privateContacts, pseudonyms, neutralNames, publicNames, publicContacts, screen, withoutPrivate: once(() => withoutPrivate(contacts, publicNames)), messageMarkings,
  };
}

/** The contact cards shared in scope, withheld or kept as the cleaning treats the message that shares them. */
function cardsInScope(
  db: DB, conversations: ScopedConversation[], scope: Scope, contextOf: (c: ScopedConversation) => CleaningContext & { excluded: boolean },
  markings: ExportContext['messageMarkings'],
): CardSet {
  const set = new CardSet();
  const blobs = new BlobStore(blobDirFor(db.name));
  const read = (a: { sha256: string | null; size: number | null; missing: boolean }): string | null => {
    if (!a.sha256 || a.missing || (a.size ?? 0) > CARD_MAX_BYTES) return null;
    try { return blobs.read(a.sha256).toString('utf8'); } catch { return null; } // (a missing blob is audit verify's finding)
  };
  for (const c of conversations) {
    let ctx: (CleaningContext & { excluded: boolean }) | null = null;
    for (const id of cardMessageIds(db, c.id, scope)) {
      const m = getMessage(db, id);
      if (!m) continue;
      ctx ??= contextOf(c);
      set.add(ctx.excluded || messageMarking(m, markings(id).effective, ctx) !== null, cardsOf(m, read));
    }
  }
  return set;
}

/** A business participant known only by number (src/export/nameless.ts). */
const knownByNumber = (k: ContactInfo): boolean => !k.isCustodian && k.phones.length > 0 && isNameless(k.names);
const neutralContact = (k: ContactInfo): PrivateContact => ({ contactId: k.id, pseudonym: neutralNameFor(k.rank), names: [], phones: k.phones });

function withoutPrivate(contacts: ContactInfo[], publicNames: string[]): ReturnType<ExportContext['withoutPrivate']> {
  const nameless = contacts.filter(knownByNumber).map(neutralContact);
  return { neutralNames: new Map(nameless.map((p) => [p.contactId, p.pseudonym])), screen: new Screen(nameless, publicNames) };
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | null = null;
  return () => (value ??= { v: make() }).v;
}

function baseContext(
  c: ScopedConversation, convMarks: StoredMarking[], cMarks: Map<number, StoredMarking[]>, custodian: Custodian,
  pseudonyms: Map<number, string>, screen: Screen,
): CleaningContext {
  return {
    conversationId: c.id, title: c.title, isGroup: c.isGroup, participants: c.participants,
    conversationMarkings: convMarks, contactMarkings: cMarks, defaultCategory: custodian.defaultCategory as Category, pseudonyms, screen,
  };
}

export function cleaningContextFor(x: ExportContext, c: ScopedConversation): CleaningContext {
  return {
    ...baseContext(c, x.conversationMarkings.get(c.id) ?? [], x.contactMarkings, x.custodian, x.pseudonyms, x.screen),
    titleWithheld: x.withheldTitles.has(c.id), neutralNames: x.neutralNames, subjects: subjectScreen(x.withheldSubjects.get(c.id) ?? []),
  };
}

/**
 * The geschoonde rendering of one conversation, as the export will write it (for the review page's "voorbeeld
 * geschoonde set"). Undecided suggestions count as marked by default, as with --allow-unreviewed. Private contacts
 * are determined over all the custodian's conversations. Streams: iterate and render in pages.
 */
export function* previewConversation(db: DB, conversationId: number, opts: { allowUnreviewed?: boolean } = {}): Generator<Slot> {
  const conv = getConversation(db, conversationId);
  if (!conv) throw new Error(`no conversation ${conversationId}`);
  const custodian = getCustodian(db, conv.custodianId)!;
  const x = buildExportContext(db, custodian, { custodianId: custodian.id }, opts.allowUnreviewed ?? true);
  const c = x.conversations.find((k) => k.id === conversationId);
  if (!c) return;
  const messages = (function* () {
    for (const message of iterateMessages(db, conversationId)) yield { message, markings: x.messageMarkings(message.id).effective };
  })();
  yield* cleanConversation(messages, cleaningContextFor(x, c));
}
