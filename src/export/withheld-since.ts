/**
 * The look back at earlier deliveries: which messages an earlier geschoonde set delivered showing what their slot now
 * withholds (withheldSinceDelivery), told apart exactly from other changes since the delivery.
 */
import { conversationMarkingStream, type StoredMarking } from '../store/exports.js';
import { iterateMessages, type MessageJson } from '../store/messages.js';
import type { CleaningContext, MessageSlot } from './clean.js';
import { cleaningContextFor } from './context.js';
import type { Yielder } from './partial.js';
import { render, type Rendered } from './render.js';
import type { SetWriter } from './writer.js';

/**
 * Whether a message that an earlier geschoonde set delivered with hash `prev` (and whose slot is now another) showed
 * there what its slot now withholds. `prev` is the hash of a rendering that shows the message with fewer of the
 * markings it has now:
 * - with only its message, passage and conversation markings decided before that delivery (`deliveredAt`; a passage
 *   marked after a delivery that withheld another one), also with no private contact and only the contact markings
 *   decided before it (a contact marked since);
 * - without any of them (one made after the delivery);
 * - with nothing withheld at all (a contact marked privé after it, or only present in withheld content since: see
 *   ExportContext.withoutPrivate).
 * Exact, not a guess: such a rendering differs from the current slot only in markings that withhold more. A delivery
 * that withheld a private contact already, then more, is not recognised (it is still counted in changedSinceDelivery).
 */
export function shownThenWithheldNow(
  w: Pick<SetWriter, 'set' | 'x' | 'blobs'>, msg: MessageJson, ctx: CleaningContext, prev: string, now: Rendered, own: readonly StoredMarking[],
  deliveredAt: string | null,
): boolean {
  // A rendering that is itself a marker (a contact-level marking, the default category) showed nothing: no match.
  const shown = (c: CleaningContext, marks: readonly StoredMarking[] = []): boolean => {
    const rd = render(w, msg, marks, c, null);
    return rd.slot?.type === 'message' && rd.hash === prev && withholdsMore(rd.slot, now);
  };
  const noPrivate: Partial<CleaningContext> = { pseudonyms: new Map(), ...w.x.withoutPrivate(), subjects: null, titleWithheld: false };
  if (deliveredAt !== null) {
    // (an undecided suggestion is kept: it may be older than the delivery; a newer one only makes this miss)
    const then = (m: StoredMarking): boolean => m.undecided || (m.decidedAt !== null && m.decidedAt < deliveredAt);
    const before: CleaningContext = { ...ctx, conversationMarkings: ctx.conversationMarkings.filter(then) };
    if (shown(before, own.filter(then))) return true;
    // ... and with no private contact, and only the contact markings of then (a contact marked since)
    const contacts = new Map([...ctx.contactMarkings].map(([id, ms]) => [id, ms.filter(then)]));
    if (shown({ ...before, ...noPrivate, contactMarkings: contacts }, own.filter(then))) return true;
  }
  const unmarked: CleaningContext = { ...ctx, conversationMarkings: [] };
  if (shown(unmarked)) return true;
  return shown({ ...unmarked, ...noPrivate, contactMarkings: new Map() });
}

/** A contact shown by label: "Contact 12" (known only by number) or "Privécontact 12"; the same person either way. */
const CONTACT_LABEL = /\b(?:Privécontact|Contact) (\d+)\b/g;
/** A withheld passage's label, which names its category and markings: another label may withhold the same text. */
const PASSAGE_LABEL = /\[passage afgeschermd: [^\]]*\]/g;
const sameLabels = (s: string | null): string | null => (s === null ? null : s.replace(CONTACT_LABEL, 'contact $1').replace(PASSAGE_LABEL, '[passage]'));

/**
 * Whether the current rendering withholds content that the message slot `then` shows. It never shows more (it has
 * every marking and private contact the other had, and more); it may show the same under other labels: a contact
 * known only by number was "[Contact 12]" and is "[Privécontact 12]" now that it is private, or a passage is
 * withheld by one more marking. Those withhold nothing more.
 */
function withholdsMore(then: MessageSlot, now: Rendered): boolean {
  const n = now.slot;
  if (n === null || n.type !== 'message') return true; // a marker, or the conversation withheld as a whole
  const names = (x: MessageSlot): string | null => sameLabels(JSON.stringify(x.attachments.map((a) => a.name)));
  return sameLabels(n.text) !== sameLabels(then.text) || sameLabels(n.sender) !== sameLabels(then.sender) || names(n) !== names(then);
}

/**
 * The messages that an earlier geschoonde set delivered showing what their slot now withholds (see
 * shownThenWithheldNow), for an export that has nothing new to deliver and so renders nothing: their object ids,
 * the first `limit`, and how many there are. Beside them (`changed`, `changedExamples`) every delivered message of
 * the set whose record differs from what was delivered (changedSinceDelivery of a written package: a marking undone
 * or made since, a later edit, an attachment filled in), so that such an export can say so too.
 */
export async function withheldSinceDelivery(
  w: Pick<SetWriter, 'set' | 'x' | 'blobs' | 'db' | 'delivered' | 'deliveredAt'>, y: Yielder, limit = 20,
): Promise<{ count: number; examples: string[]; changed: number; changedExamples: string[] }> {
  const { x, db } = w;
  const found = { count: 0, examples: [] as string[], changed: 0, changedExamples: [] as string[] };
  for (const conv of x.conversations) {
    const ctx = cleaningContextFor(x, conv);
    const excl = x.exclusions.get(conv.id) ?? null;
    const marksOf = conversationMarkingStream(db, conv.id, x.scope, x.allowUnreviewed);
    for (const msg of iterateMessages(db, conv.id, { fromMs: x.scope.fromMs, toMs: x.scope.toMs })) {
      if (y.due) await y.yield();
      const marks = marksOf(msg.id, msg.seq);
      const objectId = `message:${msg.id}`;
      const prev = w.delivered(objectId);
      if (prev === null) continue;
      const now = render(w, msg, marks.effective, ctx, excl);
      // (as LedgerSink.skip counts a change: a ledger hash of an earlier definition may stand for the same record)
      if (prev === now.hash || now.deliveredAs?.(prev)) continue;
      found.changed++;
      if (found.changedExamples.length < limit) found.changedExamples.push(objectId);
      if (w.set !== 'geschoond' || !shownThenWithheldNow(w, msg, ctx, prev, now, marks.effective, w.deliveredAt?.(objectId) ?? null)) continue;
      found.count++;
      if (found.examples.length < limit) found.examples.push(objectId);
    }
  }
  return found;
}
