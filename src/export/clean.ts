import { toE164 } from '../../parsers/phone.js';
import { cleanName } from '../../parsers/whatsapp/author.js';
import type { Category, MarkingLevel, StoredMarking } from '../store/exports.js';
import type { MessageJson } from '../store/messages.js';
import { cleanText, hiddenPassages, keptSpans, type PassageRedaction } from './passages.js';
import type { Screen } from './screen.js';

export { cleanText, hiddenPassages, type PassageRedaction };

/**
 * The cleaning function of the geschoonde set: a pure function over (messages, effective markings, private contacts)
 * → rendered slots. The exporter writes these slots to chat.json/chat.html; the review page's "voorbeeld geschoonde
 * set" renders the same slots, so what a reviewer previews is exactly what is exported.
 *
 * Precedence (documented in the package's LEESMIJ):
 * 1. A conversation is excluded as a whole (one marker for all its messages) when it has an effective privé or
 *    partijpolitiek conversation-level marking, or when its counterpart (1:1 chat) or every participant other than the
 *    custodian (group) has an effective privé or partijpolitiek contact-level marking ("all conversations with this
 *    contact"). In a 1:1 chat any private participant counts: the custodian's own identity is not always recognised.
 * 2. Otherwise a message becomes a marker when an effective privé/partijpolitiek marking applies to it at message level
 *    or at contact level of its sender ("all messages from this contact"; a system event's sender is its actor, the
 *    one who changed the group name or added someone). Message level wins over contact level for
 *    the category shown; decided markings win over undecided ones.
 * 3. A zakelijk marking never un-hides what another effective marking hides (the privacy-safe, monotone choice).
 * 4. A message with no effective marking at message level, at contact level of its author or at conversation level
 *    takes the custodian's default category; a non-zakelijk default makes it a marker without marking id. A passage
 *    marking covers only its span: under a non-zakelijk default, a message with a zakelijk passage (and no
 *    attachments) keeps that span and withholds all other text as passages of the default category.
 * 5. In a kept message, privé/partijpolitiek passages are replaced span by span (UTF-16 offsets into the stored text,
 *    overlapping spans merged), then private contacts' names and numbers are replaced by their pseudonym (in system
 *    events and titles, which are made of names, also names of 2 and 3 characters: Screen.strict). There, group
 *    subjects that only withheld events set are replaced too (src/export/subjects.ts).
 */

export type { Category, MarkingLevel };

/** A marking that counts for the export (src/store/exports.ts decides from markings.status which ones count). */
export type EffectiveMarking = StoredMarking;

export interface CleaningParticipant {
  contactId: number;
  name: string | null;
  phone: string | null;
  isCustodian: boolean;
}

export interface CleaningContext {
  conversationId: number;
  title: string;
  /** The title only exists through withheld content (a group name set by a withheld event): not shown. */
  titleWithheld?: boolean;
  isGroup: boolean;
  participants: readonly CleaningParticipant[];
  conversationMarkings: readonly EffectiveMarking[];
  /** Effective contact-level markings by contact id (only contacts that matter for this conversation are needed). */
  contactMarkings: ReadonlyMap<number, readonly EffectiveMarking[]>;
  defaultCategory: Category;
  /** Pseudonyms of private contacts by contact id. */
  pseudonyms: ReadonlyMap<number, string>;
  /** "Contact <n>" for business participants known only by number (src/export/nameless.ts). */
  neutralNames?: ReadonlyMap<number, string>;
  /** Finds private contacts' names and numbers in text that is kept. */
  screen: Screen;
  /** Replaces group subjects that only withheld events set, in system events and the title (src/export/subjects.ts). */
  subjects?: Screen | null;
}

export interface MarkingRef {
  category: Category;
  /** `M-<id>`, or null for the custodian's default category. */
  markingId: number | null;
  /** `B-<id>` of the decision, or null when undecided or default. */
  decisionId: number | null;
  decidedAt: string | null;
  undecided: boolean;
  /** Level that caused the marker: message, contact, conversation or default. */
  level: MarkingLevel | 'default';
}

export interface KeptAttachment {
  /** Index in the stored attachment list; the package file is named after it, never after the original name. */
  ordinal: number;
  name: string;
  mime: string | null;
  sha256: string | null;
  size: number | null;
  missing: boolean;
}


export interface MessageSlot {
  type: 'message';
  id: number;
  seq: number;
  sentAt: string;
  localTime: string;
  sender: string | null;
  fromSelf: boolean | null;
  kind: string;
  event: string | null;
  text: string;
  edited: boolean;
  viewOnce: boolean;
  deletedBy: string | null;
  replyToMessageId: number | null;
  timeAmbiguous: boolean;
  timeInvalid: boolean;
  attachments: KeptAttachment[];
  passages: PassageRedaction[];
}

export interface MarkerSlot extends MarkingRef {
  type: 'marker';
  id: number;
  seq: number;
  sentAt: string;
  localTime: string;
  kind: string;
  sender: string | null;
  fromSelf: boolean | null;
  label: string;
  /** One stub per withheld attachment: the count is kept, nothing else. */
  attachments: { withheld: true; category: Category }[];
}

export interface ConversationMarkerSlot extends MarkingRef {
  type: 'conversation-marker';
  label: string;
  /** Period of the excluded messages. */
  from: string | null;
  to: string | null;
  /** How many message slots of the ruwe dataset this one marker stands for. */
  slotCount: number;
}

export type Slot = MessageSlot | MarkerSlot | ConversationMarkerSlot;

export const CATEGORY_LABEL: Record<Category, string> = { zakelijk: 'zakelijk', privé: 'privé', partijpolitiek: 'partijpolitiek' };

const isHidden = (m: EffectiveMarking): boolean => m.category !== 'zakelijk';
/** Decided before undecided, then the oldest marking. */
const byPreference = (a: EffectiveMarking, b: EffectiveMarking): number => Number(a.undecided) - Number(b.undecided) || a.id - b.id;

function ref(m: EffectiveMarking, level: MarkingLevel): MarkingRef {
  return { category: m.category, markingId: m.id, decisionId: m.decisionId, decidedAt: m.decidedAt, undecided: m.undecided, level };
}

/** `privé · M-12 · B-34`, `privé · M-12 · onbeoordeeld`, or `privé · standaardcategorie`. */
export function refText(r: MarkingRef): string {
  if (r.markingId === null) return `${r.category} · standaardcategorie`;
  return `${r.category} · M-${r.markingId} · ${r.decisionId !== null ? `B-${r.decisionId}` : 'onbeoordeeld'}`;
}

/** Why the whole conversation is excluded, or null when it is not. */
export function conversationExclusion(ctx: CleaningContext): MarkingRef | null {
  const conv = ctx.conversationMarkings.filter(isHidden).sort(byPreference)[0];
  if (conv) return ref(conv, 'conversation');
  const others = ctx.participants.filter((p) => !p.isCustodian);
  if (!others.length) return null;
  const hiddenOf = (contactId: number) => (ctx.contactMarkings.get(contactId) ?? []).filter(isHidden).sort(byPreference)[0];
  if (!ctx.isGroup) {
    // A 1:1 chat has one counterpart. The custodian's own identity on a platform is not always recognised (a WhatsApp
    // export does not say who the phone's owner is), so any private participant makes the chat private.
    const m = others.map((p) => hiddenOf(p.contactId)).filter((x): x is EffectiveMarking => !!x).sort(byPreference)[0];
    return m ? ref(m, 'contact') : null;
  }
  const hidden: EffectiveMarking[] = [];
  for (const p of others) {
    const m = hiddenOf(p.contactId);
    if (!m) return null;
    hidden.push(m);
  }
  return ref(hidden.sort(byPreference)[0]!, 'contact');
}

/**
 * The contact a system event is by (`Anna changed the subject to …`): the store keeps the actor as written (WhatsApp:
 * a name or number, sometimes `~ Anna` for someone not in the phone's contacts) or as an identity (Signal: name,
 * phone). It is resolved first to a participant of the conversation by exact name or number (short names like "Jan"
 * included, which the screen leaves alone), else to a private contact by the screen's matcher, and only when the
 * whole actor is that name or number.
 */
export function actorContactId(msg: MessageJson, ctx: CleaningContext): number | null {
  if (msg.kind !== 'system') return null;
  const a = msg.extra?.actor;
  const forms = typeof a === 'string' ? [a] : a && typeof a === 'object' ? [(a as { phone?: unknown }).phone, (a as { name?: unknown }).name] : [];
  for (const f of forms) {
    if (typeof f !== 'string') continue;
    const text = cleanName(f).replace(/^~\s*/, '');
    if (!text) continue;
    const key = text.normalize('NFC').toLowerCase();
    const phone = toE164(text); // a number as written (`+31 6 12345678`, `06-12345678`)
    const p = ctx.participants.find((x) =>
      !x.isCustodian && ((x.name !== null && x.name.normalize('NFC').toLowerCase() === key) || (phone !== null && x.phone === phone)));
    if (p) return p.contactId;
    const hits = ctx.screen.find(text);
    // (a contact card's person, CARD_CONTACT_ID 0, is no contact: no contact marking applies)
    if (hits.length === 1 && hits[0]!.start === 0 && hits[0]!.end === text.length && hits[0]!.contactId > 0) return hits[0]!.contactId;
  }
  return null;
}

/**
 * The marking that hides a message (message level before its author's contact level), or null. The author is the
 * sender, or for a system event its actor: "all messages from this contact" includes the group name a private
 * contact typed.
 */
export function messageMarking(msg: MessageJson, own: readonly EffectiveMarking[], ctx: CleaningContext): MarkingRef | null {
  const m = own.filter((x) => x.level === 'message' && isHidden(x)).sort(byPreference)[0];
  if (m) return ref(m, 'message');
  const author = msg.senderContactId ?? actorContactId(msg, ctx);
  const c = author != null ? (ctx.contactMarkings.get(author) ?? []).filter(isHidden).sort(byPreference)[0] : undefined;
  if (c) return ref(c, 'contact');
  if (passageDefault(msg, own, ctx) === null) return null;
  if (!msg.attachments.length && keptSpans(msg.text, own).length) return null;
  return { category: ctx.defaultCategory, markingId: null, decisionId: null, decidedAt: null, undecided: false, level: 'default' };
}

/**
 * The category the text of a message outside its passages takes: null when a message-, contact- (of its author) or
 * conversation-level marking covers the message, or when the custodian's default is zakelijk; otherwise the
 * non-zakelijk default. A passage marking covers only its own span (a zakelijk passage in a message that is privé by
 * default keeps that span and nothing else).
 */
export function passageDefault(msg: MessageJson, own: readonly EffectiveMarking[], ctx: CleaningContext): Category | null {
  if (ctx.defaultCategory === 'zakelijk') return null;
  const author = msg.senderContactId ?? actorContactId(msg, ctx);
  const covered =
    own.some((x) => x.level === 'message') ||
    ctx.conversationMarkings.length > 0 ||
    (author != null && (ctx.contactMarkings.get(author)?.length ?? 0) > 0);
  return covered ? null : ctx.defaultCategory;
}

/** The message's withheld passages: its hidden passage markings and, under a non-zakelijk default, all text outside its kept zakelijk passages. */
export function messagePassages(msg: MessageJson, own: readonly EffectiveMarking[], ctx: CleaningContext): PassageRedaction[] {
  return hiddenPassages(msg.text, own, passageDefault(msg, own, ctx));
}

/**
 * The screen of system events and titles, which are made of names and group subjects: withheld subjects first (a
 * subject may hold a name), then private names from 2 characters.
 */
export function eventScreen(ctx: CleaningContext): Pick<Screen, 'redact'> {
  const { subjects } = ctx;
  return subjects ? { redact: (s) => ctx.screen.strict.redact(subjects.redact(s)) } : ctx.screen.strict;
}

/** The sender as the geschoonde set shows it: a private contact by pseudonym, anyone else by (screened) name. */
export function senderShown(msg: MessageJson, ctx: CleaningContext): string | null {
  if (msg.senderContactId != null) {
    const p = ctx.pseudonyms.get(msg.senderContactId) ?? ctx.neutralNames?.get(msg.senderContactId);
    if (p) return p;
  }
  return msg.sender === null ? null : ctx.screen.redact(msg.sender);
}

/** One message of a conversation that is not excluded as a whole. `own` holds its message and passage markings. */
export function cleanMessage(msg: MessageJson, own: readonly EffectiveMarking[], ctx: CleaningContext): MessageSlot | MarkerSlot {
  const hidden = messageMarking(msg, own, ctx);
  if (hidden) {
    return {
      type: 'marker',
      id: msg.id,
      seq: msg.seq,
      sentAt: msg.sentAt,
      localTime: msg.localTime,
      kind: msg.kind,
      sender: senderShown(msg, ctx),
      fromSelf: msg.fromSelf ?? null,
      ...hidden,
      label: `[bericht afgeschermd: ${refText(hidden)}]`,
      attachments: msg.attachments.map(() => ({ withheld: true as const, category: hidden.category })),
    };
  }
  // A system event is made of names ("Karin heeft Eva toegevoegd"): there a short name is that person, not a word.
  const { text, passages } = cleanText(msg.text, messagePassages(msg, own, ctx), msg.kind === 'system' ? eventScreen(ctx) : ctx.screen);
  return {
    type: 'message',
    id: msg.id,
    seq: msg.seq,
    sentAt: msg.sentAt,
    localTime: msg.localTime,
    sender: senderShown(msg, ctx),
    fromSelf: msg.fromSelf ?? null,
    kind: msg.kind,
    event: msg.event,
    text,
    edited: msg.edited,
    viewOnce: msg.viewOnce,
    deletedBy: msg.deletedBy ?? null,
    replyToMessageId: msg.replyToMessageId ?? null,
    timeAmbiguous: msg.timeAmbiguous,
    timeInvalid: msg.timeInvalid,
    attachments: msg.attachments.map((a, ordinal) => ({
      ordinal,
      name: ctx.screen.redact(a.name),
      mime: a.mime ?? null,
      sha256: a.sha256,
      size: a.size,
      missing: a.missing,
    })),
    passages,
  };
}

export function conversationMarkerSlot(excl: MarkingRef, stats: { from: string | null; to: string | null; count: number }): ConversationMarkerSlot {
  return {
    type: 'conversation-marker',
    ...excl,
    label: `[gesprek afgeschermd: ${refText(excl)} · ${stats.count} berichten]`,
    from: stats.from,
    to: stats.to,
    slotCount: stats.count,
  };
}

/**
 * Cleans a conversation, streaming: yields one slot per message, or, for an excluded conversation, a single
 * conversation marker after consuming all messages (its period and count come from them).
 */
export function* cleanConversation(
  messages: Iterable<{ message: MessageJson; markings: readonly EffectiveMarking[] }>,
  ctx: CleaningContext,
): Generator<Slot> {
  const excl = conversationExclusion(ctx);
  if (!excl) {
    for (const { message, markings } of messages) yield cleanMessage(message, markings, ctx);
    return;
  }
  let count = 0;
  let from: { at: string; ms: number } | null = null;
  let to: { at: string; ms: number } | null = null;
  for (const { message } of messages) {
    count++;
    const ms = Date.parse(message.sentAt);
    if (!from || ms < from.ms) from = { at: message.sentAt, ms };
    if (!to || ms > to.ms) to = { at: message.sentAt, ms };
  }
  yield conversationMarkerSlot(excl, { from: from?.at ?? null, to: to?.at ?? null, count });
}

/** The title the geschoonde set shows for a kept conversation whose own title is withheld. */
export const TITLE_WITHHELD = 'Gesprek (titel afgeschermd)';

/** The conversation title as the geschoonde set shows it. */
export function titleShown(ctx: CleaningContext, excluded: boolean): string {
  if (excluded) return 'Afgeschermd gesprek';
  // A 1:1 chat is titled after its counterpart, however short the name ("Eva").
  return ctx.titleWithheld ? TITLE_WITHHELD : eventScreen(ctx).redact(ctx.title);
}

/** Participants as the geschoonde set shows them: private contacts by pseudonym, others by name (number only when nameless). */
export function participantsShown(ctx: CleaningContext): { name: string; custodian: boolean }[] {
  return ctx.participants.map((p) => ({
    name: ctx.pseudonyms.get(p.contactId) ?? ctx.neutralNames?.get(p.contactId) ?? ctx.screen.redact(p.name ?? p.phone ?? `Contact ${p.contactId}`),
    custodian: p.isCustodian,
  }));
}
