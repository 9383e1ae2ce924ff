import type { DB } from './db.js';
import { decisionsFor, type MarkingRecord } from './decisions.js';
import { replay } from '../review/state.js';

/**
 * Decisions made on an earlier text. When a later source replaces a message's stored text by a newer version (an edit
 * made after the earlier read-out), the ingest records in `extra.textEditedAfterDecision` the highest decision id at
 * that moment (src/store/version-adder.ts; migration v11 gave it to texts replaced before). A message-level marking whose decision in force is that old and says
 * zakelijk would publish a revision nobody decided on: the export treats it as unreviewed (it refuses and names it;
 * with --allow-unreviewed it withholds the message, the privacy-safe choice), until a reviewer decides again (a new
 * decision has a higher id). Markings that withhold the message (privé, partijpolitiek) publish nothing and stay as
 * they are; passage markings pin the text they were made on, so the newer text never replaces it.
 */

/** The decision in force for a marking (replaying its decisions), or the latest non-undo decision when replay fails. */
export function decisionInForce(m: MarkingRecord, db: DB): { id: number; at: string } | null {
  const ds = decisionsFor(db, [m.id]).get(m.id) ?? [];
  if (!ds.length) return null;
  try {
    const top = replay({ origin: m.origin, suggestedCategory: m.suggestedCategory }, ds).stack.at(-1)?.decision;
    return top ? { id: top.id, at: top.decidedAt } : null;
  } catch {
    const d = [...ds].reverse().find((x) => x.action !== 'undo' && !x.needsSecond);
    return d ? { id: d.id, at: d.decidedAt } : null;
  }
}

/** The watermark of a message, or null when its text was not replaced after a decision. */
export function editedAfterDecision(db: DB, messageId: number): number | null {
  const v = db.prepare(`SELECT json_extract(extra_json, '$.textEditedAfterDecision') FROM messages WHERE id = ?`).pluck().get(messageId);
  return typeof v === 'number' ? v : null;
}

/** Whether a marking's decision in force was made on an earlier text of its message and would publish the newer one. */
export function decidedOnEarlierText(db: DB, m: Pick<MarkingRecord, 'level' | 'category' | 'targetId'>, decisionId: number | null): boolean {
  if (m.level !== 'message' || m.category !== 'zakelijk' || decisionId === null) return false;
  const mark = editedAfterDecision(db, m.targetId);
  return mark !== null && decisionId <= mark;
}

export interface EditedAfterDecision {
  markingId: number;
  messageId: number;
  conversationId: number;
}

/**
 * Decided zakelijk message markings in scope whose decision in force predates a later text of their message. `inForce`
 * gives the decision in force of a marking (exports.ts). `range` is the SQL condition on messages `m` for the scope.
 */
export function editedAfterDecisionInScope(
  db: DB, custodianId: string, range: { sql: string; args: number[] }, inForce: (markingId: number) => number | null,
): EditedAfterDecision[] {
  const rows = db
    .prepare(
      `SELECT k.id AS markingId, m.id AS messageId, m.conversation_id AS conversationId, json_extract(m.extra_json, '$.textEditedAfterDecision') AS mark
       FROM markings k JOIN messages m ON m.id = k.target_id
       WHERE k.custodian_id = ? AND k.level = 'message' AND k.status IN ('confirmed','changed') AND k.category = 'zakelijk'
         AND json_extract(m.extra_json, '$.textEditedAfterDecision') IS NOT NULL${range.sql} ORDER BY k.id`,
    )
    .all(custodianId, ...range.args) as (EditedAfterDecision & { mark: number })[];
  return rows.filter((r) => { const d = inForce(r.markingId); return d !== null && d <= r.mark; }).map(({ mark: _mark, ...r }) => r);
}
