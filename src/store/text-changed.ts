import type { DB } from './db.js';
import { prep } from './audit.js';
import { markingFromRow, type MarkingDbRow, type MarkingRecord } from './decisions.js';
import { decidedOnEarlierText, decisionInForce } from './stale-decisions.js';

/**
 * Decided markings whose message has a newer text than the one they were decided on, so that the review can point the
 * reviewer to them (`review list --status text-changed`, `textChangedSinceDecision` in the JSON, the page's notice):
 * - a zakelijk message marking that the export treats as unreviewed because a later source replaced the text after its
 *   decision (`extra.textEditedAfterDecision`, src/store/stale-decisions.ts; the newer text from `extra.textFromSource`);
 * - a passage marking that pins the text it was made on while a later source brought a newer version of it
 *   (`extra.newerTextAfterDecision` and `extra.newerTextFromSource`, written by src/store/version-adder.ts beside
 *   `extra.newerVersions` and `extra.textKeptForMarkings`).
 * Either way the flag holds while the marking's decision in force is no later than that watermark: a new decision on
 * the marking (confirming it again, changing or rejecting it) clears it.
 */

export interface TextChange {
  /** The source that brought the newer text (null when the store does not know it). */
  sourceId: number | null;
}

interface Facts { tm: number | null; ts: number | null; nm: number | null; ns: number | null; kept: string | null }

const FACTS = `SELECT json_extract(extra_json, '$.textEditedAfterDecision') AS tm, json_extract(extra_json, '$.textFromSource') AS ts,
  json_extract(extra_json, '$.newerTextAfterDecision') AS nm, json_extract(extra_json, '$.newerTextFromSource') AS ns,
  json_extract(extra_json, '$.textKeptForMarkings') AS kept FROM messages WHERE id = ?`;

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function pins(kept: string | null, markingId: number): boolean {
  try {
    const v: unknown = kept ? JSON.parse(kept) : [];
    return Array.isArray(v) && v.includes(markingId);
  } catch {
    return false;
  }
}

/** Whether the marking's decision in force was made on an earlier text of its message, and which source changed it. */
export function textChangedSinceDecision(db: DB, m: MarkingRecord): TextChange | null {
  if ((m.level !== 'message' && m.level !== 'passage') || (m.status !== 'confirmed' && m.status !== 'changed')) return null;
  const f = prep(db, FACTS).get(m.targetId) as Facts | undefined;
  if (!f) return null;
  if (m.level === 'message') {
    if (num(f.tm) === null || m.category !== 'zakelijk') return null;
    return decidedOnEarlierText(db, m, decisionInForce(m, db)?.id ?? null) ? { sourceId: num(f.ts) } : null;
  }
  const mark = num(f.nm);
  if (mark === null || !pins(f.kept, m.id)) return null;
  const d = decisionInForce(m, db);
  return d !== null && d.id <= mark ? { sourceId: num(f.ns) } : null;
}

export interface TextChangedMarking extends TextChange {
  markingId: number;
  messageId: number;
  conversationId: number;
}

/** A custodian's decided markings flagged by textChangedSinceDecision (of one conversation, when given), by marking id. */
export function textChangedMarkings(db: DB, custodianId: string, conversationId?: number): TextChangedMarking[] {
  const rows = prep(db,
    `SELECT k.*, m.conversation_id AS conv FROM markings k JOIN messages m ON m.id = k.target_id
     WHERE k.custodian_id = ? AND k.status IN ('confirmed','changed') AND (
         (k.level = 'message' AND k.category = 'zakelijk' AND json_extract(m.extra_json, '$.textEditedAfterDecision') IS NOT NULL)
      OR (k.level = 'passage' AND json_extract(m.extra_json, '$.newerTextAfterDecision') IS NOT NULL))
       AND (? IS NULL OR m.conversation_id = ?)
     ORDER BY k.id`,
  ).all(custodianId, conversationId ?? null, conversationId ?? null) as (MarkingDbRow & { conv: number })[];
  const out: TextChangedMarking[] = [];
  for (const r of rows) {
    const m = markingFromRow(r);
    const t = textChangedSinceDecision(db, m);
    if (t) out.push({ markingId: m.id, messageId: m.targetId, conversationId: r.conv, sourceId: t.sourceId });
  }
  return out;
}
