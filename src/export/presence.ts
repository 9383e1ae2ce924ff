import type { DB } from '../store/db.js';
import type { Scope, StoredMarking } from '../store/exports.js';
import { getMessage } from '../store/messages.js';
import { messageMarking, type CleaningContext } from './clean.js';
import { Screen } from './screen.js';

/**
 * Whether a participant of a conversation that is kept (not excluded as a whole) is present in its kept content:
 * a contact whose every own message in the period is withheld, and whom no kept system event names ("Anna heeft
 * Pieter toegevoegd"), only appears in withheld content, and so becomes a private contact ("Privécontact <n>",
 * LEESMIJ rule 6). A participant without own messages in the period (known from the participant list) stays as before.
 *
 * Cheap first: a message without any message or passage marking is kept unless a non-zakelijk default applies to it
 * (no conversation or author contact marking covers it). Only the marked messages are then cleaned one by one.
 */
export function presentInKept(
  db: DB, ctx: CleaningContext, who: { contactId: number; name: string | null; phone: string | null }, scope: Scope,
  markingsOf: (messageId: number) => readonly StoredMarking[], keptEvents: () => readonly string[],
): boolean {
  const { contactId } = who;
  const { where, args } = ownRange(ctx.conversationId, contactId, scope);
  const marked = `EXISTS (SELECT 1 FROM markings k WHERE k.level IN ('message','passage') AND k.target_id = m.id)`;
  const own = db.prepare(`SELECT EXISTS (SELECT 1 FROM messages m WHERE ${where})`).pluck().get(...args) === 1;
  if (!own) return true;
  const defaultKeeps =
    ctx.defaultCategory === 'zakelijk' || ctx.conversationMarkings.length > 0 || (ctx.contactMarkings.get(contactId)?.length ?? 0) > 0;
  if (defaultKeeps && db.prepare(`SELECT EXISTS (SELECT 1 FROM messages m WHERE ${where} AND NOT ${marked})`).pluck().get(...args) === 1) return true;
  // Driven by the markings (far fewer than messages; CROSS JOIN keeps SQLite from scanning the conversation instead).
  const markedOwn = db.prepare(
    `SELECT DISTINCT m.id, m.seq FROM markings k CROSS JOIN messages m ON m.id = k.target_id
     WHERE k.level IN ('message','passage') AND ${where} ORDER BY m.seq`,
  );
  for (const { id } of markedOwn.all(...args) as { id: number }[]) {
    const m = getMessage(db, id);
    if (m && !messageMarking(m, markingsOf(id), ctx)) return true;
  }
  const named = new Screen([{ contactId, pseudonym: '', names: who.name ? [who.name] : [], phones: who.phone ? [who.phone] : [] }]);
  return !named.empty && keptEvents().some((t) => named.find(t).length > 0);
}

/** The texts of a conversation's system events in the period that the geschoonde set keeps. */
export function keptEventTexts(db: DB, ctx: CleaningContext, scope: Scope, markingsOf: (messageId: number) => readonly StoredMarking[]): string[] {
  const { where, args } = ownRange(ctx.conversationId, null, scope);
  const out: string[] = [];
  for (const id of db.prepare(`SELECT m.id FROM messages m WHERE ${where} AND m.kind = 'system' ORDER BY m.seq`).pluck().all(...args) as number[]) {
    const m = getMessage(db, id);
    if (m && !messageMarking(m, markingsOf(id), ctx)) out.push(m.text);
  }
  return out;
}

/** The WHERE clause for a conversation's messages in scope (of one sender when given). */
function ownRange(conversationId: number, senderId: number | null, scope: Scope): { where: string; args: number[] } {
  const parts = ['m.conversation_id = ?'];
  const args = [conversationId];
  if (senderId !== null) { parts.push('m.sender_contact_id = ?'); args.push(senderId); }
  if (scope.fromMs !== undefined) { parts.push('m.sent_at_ms >= ?'); args.push(scope.fromMs); }
  if (scope.toMs !== undefined) { parts.push('m.sent_at_ms < ?'); args.push(scope.toMs); }
  return { where: parts.join(' AND '), args };
}
