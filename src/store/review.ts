import type { DB } from './db.js';
import { prep } from './audit.js';
import { markingFromRow, type MarkingDbRow, type MarkingRecord } from './decisions.js';
import { toMessageJson, type MessageJson, type MessageRow } from './messages.js';
import { textChangedSinceDecision, type TextChange } from './text-changed.js';

/**
 * Read queries of the review page and `review list`: markings with their review state, progress per conversation,
 * and pages of messages (a conversation of 100,000 messages is read 200 at a time, never whole).
 */

/** open: undecided and awaiting a reviewer; pending: a four-eyes proposal awaits a second reviewer; decided; lapsed:
 * an undecided suggestion that the current rules no longer make. */
export type ReviewBucket = 'open' | 'pending' | 'decided' | 'lapsed';

export const BUCKET_SQL = `CASE WHEN p.decision_id IS NOT NULL THEN 'pending' WHEN k.status <> 'suggested' THEN 'decided' WHEN k.active = 1 THEN 'open' ELSE 'lapsed' END`;

export interface LastDecision { id: number; action: string; category: string | null; reviewer: string; reason: string | null; decidedAt: string }

export interface ReviewMarkingRow extends MarkingRecord {
  bucket: ReviewBucket;
  pendingDecisionId: number | null;
  /** The conversation the marking is in (null for contact-level markings). */
  conversationId: number | null;
  conversationTitle: string | null;
  /** For contact markings: the contact's display name, else its number (null for other levels). */
  contactName: string | null;
  /** For message and passage markings: the message's seq and its 0-based position in the conversation. */
  messageSeq: number | null;
  lastDecision: LastDecision | null;
  pending: LastDecision | null;
  /** Set when the decision in force was made on an earlier text of the message (src/store/text-changed.ts). */
  textChanged: TextChange | null;
}

type Joined = MarkingDbRow & {
  bucket: ReviewBucket; pending_decision_id: number | null; conv_id: number | null; conv_title: string | null; msg_seq: number | null; contact_name: string | null;
};

const SELECT = `SELECT k.*, ${BUCKET_SQL} AS bucket, p.decision_id AS pending_decision_id,
    COALESCE(msg.conversation_id, CASE WHEN k.level = 'conversation' THEN k.target_id END) AS conv_id,
    c.title AS conv_title, msg.seq AS msg_seq, COALESCE(ct.display_name, ct.phone_e164) AS contact_name
  FROM markings k
  LEFT JOIN review_pending p ON p.marking_id = k.id
  LEFT JOIN messages msg ON k.level IN ('message','passage') AND msg.id = k.target_id
  LEFT JOIN conversations c ON c.id = COALESCE(msg.conversation_id, CASE WHEN k.level = 'conversation' THEN k.target_id END)
  LEFT JOIN contacts ct ON k.level = 'contact' AND ct.id = k.target_id`;

function decisionById(db: DB, id: number | null): LastDecision | null {
  if (id === null) return null;
  const r = prep(db, 'SELECT id, action, category, reviewer, reason, decided_at FROM decisions WHERE id = ?').get(id) as
    { id: number; action: string; category: string | null; reviewer: string; reason: string | null; decided_at: string } | undefined;
  return r ? { id: r.id, action: r.action, category: r.category, reviewer: r.reviewer, reason: r.reason, decidedAt: r.decided_at } : null;
}

function withDecisions(db: DB, rows: Joined[]): ReviewMarkingRow[] {
  const last = prep(db, 'SELECT MAX(id) FROM decisions WHERE marking_id = ?').pluck();
  return rows.map((r) => {
    const m = markingFromRow(r);
    return {
      ...m,
      bucket: r.bucket,
      pendingDecisionId: r.pending_decision_id,
      conversationId: r.conv_id,
      conversationTitle: r.conv_title,
      contactName: r.contact_name,
      messageSeq: r.msg_seq,
      lastDecision: decisionById(db, (last.get(r.id) as number | null) ?? null),
      pending: decisionById(db, r.pending_decision_id),
      textChanged: textChangedSinceDecision(db, m),
    };
  });
}

export interface MarkingFilter {
  bucket?: ReviewBucket;
  /** Only decided markings whose message text changed after their decision (textChangedSinceDecision). */
  textChanged?: boolean;
  ruleId?: string;
  conversationId?: number;
  limit?: number;
}

/** The custodian's markings with their review state, in conversation and message order. */
export function listReviewMarkings(db: DB, custodianId: string, f: MarkingFilter = {}): ReviewMarkingRow[] {
  const where = ['k.custodian_id = ?'];
  const args: unknown[] = [custodianId];
  if (f.bucket) { where.push(`${BUCKET_SQL} = ?`); args.push(f.bucket); }
  if (f.textChanged) where.push(`k.level IN ('message','passage') AND k.status IN ('confirmed','changed')`);
  if (f.ruleId !== undefined) { where.push('k.rule_id = ?'); args.push(f.ruleId); }
  if (f.conversationId !== undefined) { where.push(`COALESCE(msg.conversation_id, CASE WHEN k.level = 'conversation' THEN k.target_id END) = ?`); args.push(f.conversationId); }
  const limit = f.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : '';
  const rows = prep(db, `${SELECT} WHERE ${where.join(' AND ')} ORDER BY conv_id IS NULL DESC, conv_id, msg.seq, k.id${limit}`).all(...args) as Joined[];
  const out = withDecisions(db, rows);
  return f.textChanged ? out.filter((m) => m.textChanged !== null) : out;
}

export function getReviewMarkings(db: DB, ids: readonly number[]): ReviewMarkingRow[] {
  const stmt = prep(db, `${SELECT} WHERE k.id = ?`);
  return withDecisions(db, ids.map((id) => stmt.get(id) as Joined | undefined).filter((r): r is Joined => r !== undefined));
}

/**
 * Markings shown in a conversation's header: the conversation-level ones and the contact-level ones of its
 * participants (those reach beyond this conversation).
 */
export function headerMarkings(db: DB, conversationId: number): ReviewMarkingRow[] {
  const rows = prep(db, 
      `${SELECT} WHERE (k.level = 'conversation' AND k.target_id = ?)
         OR (k.level = 'contact' AND k.target_id IN (SELECT contact_id FROM conversation_participants WHERE conversation_id = ?))
       ORDER BY k.level DESC, k.id`,
    )
    .all(conversationId, conversationId) as Joined[];
  return withDecisions(db, rows);
}

/** Message and passage markings of the given messages. */
export function messageMarkings(db: DB, messageIds: readonly number[]): ReviewMarkingRow[] {
  if (!messageIds.length) return [];
  const stmt = prep(db, `${SELECT} WHERE k.level IN ('message','passage') AND k.target_id = ? ORDER BY k.span_start IS NOT NULL, k.span_start, k.id`);
  const rows: Joined[] = [];
  for (const id of messageIds) rows.push(...(stmt.all(id) as Joined[]));
  return withDecisions(db, rows);
}

/**
 * Size of a conversation and how its seq numbers map to positions: when they run without gaps (the usual case),
 * position = seq - base; otherwise base is null and positions need counting. Counting reads the whole index of the
 * conversation, so callers keep the result while `dataVersion` stays the same.
 */
export interface ConversationShape { count: number; base: number | null }

export function conversationShape(db: DB, conversationId: number): ConversationShape {
  const r = prep(db, 'SELECT MIN(seq) AS lo, MAX(seq) AS hi, COUNT(*) AS n FROM messages WHERE conversation_id = ?').get(conversationId) as { lo: number | null; hi: number | null; n: number };
  return { count: r.n, base: r.lo !== null && r.hi !== null && r.hi - r.lo + 1 === r.n ? r.lo : null };
}

/** Changes whenever another connection commits (e.g. an ingest running beside the review server). */
export function dataVersion(db: DB): number {
  return db.pragma('data_version', { simple: true }) as number;
}

export interface MarkedPosition {
  index: number;
  messageId: number;
  markingId: number;
  bucket: ReviewBucket;
  /** Who proposed the pending four-eyes decision, when the bucket is 'pending'. */
  pendingReviewer: string | null;
}

/**
 * Positions (0-based index in seq order) of the message and passage markings of a conversation, in message order,
 * for "next open suggestion" navigation without loading the conversation.
 */
export function markedMessagePositions(db: DB, conversationId: number, shape = conversationShape(db, conversationId)): MarkedPosition[] {
  const base = shape.base;
  const cols = `k.id AS markingId, ${BUCKET_SQL} AS bucket, (SELECT reviewer FROM decisions WHERE id = p.decision_id) AS pendingReviewer`;
  return (base !== null
    ? prep(db, 
      `SELECT m.seq - ${base} AS "index", m.id AS messageId, ${cols} FROM markings k
         JOIN messages m ON k.level IN ('message','passage') AND m.id = k.target_id
         LEFT JOIN review_pending p ON p.marking_id = k.id
       WHERE m.conversation_id = ? ORDER BY m.seq, k.id`,
    )
    : prep(db, 
      `WITH pos AS (SELECT id, ROW_NUMBER() OVER (ORDER BY seq) - 1 AS idx FROM messages WHERE conversation_id = ?)
       SELECT pos.idx AS "index", pos.id AS messageId, ${cols} FROM pos
         JOIN markings k ON k.level IN ('message','passage') AND k.target_id = pos.id
         LEFT JOIN review_pending p ON p.marking_id = k.id
       ORDER BY pos.idx, k.id`,
    )).all(conversationId) as MarkedPosition[];
}

const COUNTED = `NOT (k.origin = 'manual' AND k.status = 'rejected')`;

export interface ProgressRow { conversationId: number; bucket: ReviewBucket; category: string; ruleId: string | null; n: number }

/**
 * Marking counts per conversation, bucket, effective category and rule (contact markings count for each conversation
 * of the contact). Withdrawn manual markings (origin manual, rejected) are not counted: they mark nothing.
 */
export function reviewProgress(db: DB, custodianId: string): ProgressRow[] {
  return prep(db, 
      `SELECT conv AS conversationId, bucket, category, rule_id AS ruleId, COUNT(*) AS n FROM (
         SELECT k.target_id AS conv, ${BUCKET_SQL} AS bucket, k.category, k.rule_id FROM markings k
           LEFT JOIN review_pending p ON p.marking_id = k.id
           WHERE k.custodian_id = ? AND k.level = 'conversation' AND ${COUNTED}
         UNION ALL
         SELECT msg.conversation_id, ${BUCKET_SQL}, k.category, k.rule_id FROM markings k
           JOIN messages msg ON msg.id = k.target_id
           LEFT JOIN review_pending p ON p.marking_id = k.id
           WHERE k.custodian_id = ? AND k.level IN ('message','passage') AND ${COUNTED}
         UNION ALL
         SELECT cp.conversation_id, ${BUCKET_SQL}, k.category, k.rule_id FROM markings k
           JOIN conversation_participants cp ON cp.contact_id = k.target_id
           LEFT JOIN review_pending p ON p.marking_id = k.id
           WHERE k.custodian_id = ? AND k.level = 'contact' AND ${COUNTED}
       ) GROUP BY conv, bucket, category, rule_id`,
    )
    .all(custodianId, custodianId, custodianId) as ProgressRow[];
}

/** Which of these contacts are the custodian's own identities (recognised at ingest as the phone's owner). */
export function custodianContactIds(db: DB, contactIds: readonly number[]): Set<number> {
  if (!contactIds.length) return new Set();
  const rows = db.prepare(`SELECT id FROM contacts WHERE is_custodian = 1 AND id IN (${contactIds.map(() => '?').join(',')})`).all(...contactIds) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** The rule ids that made suggestions for a custodian. */
export function reviewRuleIds(db: DB, custodianId: string): string[] {
  return prep(db, 'SELECT DISTINCT rule_id FROM markings WHERE custodian_id = ? AND rule_id IS NOT NULL ORDER BY rule_id').pluck().all(custodianId) as string[];
}

/** One page of a conversation's messages in seq order, as contract JSON, with the position of the first one. */
export function messagePage(db: DB, conversationId: number, offset: number, limit: number, shape = conversationShape(db, conversationId)): MessageJson[] {
  const base = shape.base;
  const rows = (base !== null
    ? prep(db, 'SELECT * FROM messages WHERE conversation_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(conversationId, base + offset, limit)
    : prep(db, 'SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq LIMIT ? OFFSET ?').all(conversationId, limit, offset)) as MessageRow[];
  const att = prep(db, 'SELECT name, sha256, size, missing, mime FROM attachments WHERE message_id = ? ORDER BY ordinal');
  const src = prep(db, 'SELECT source_id FROM message_sources WHERE message_id = ? ORDER BY source_id').pluck();
  const mis = prep(db, 'SELECT source_id FROM message_missing WHERE message_id = ? ORDER BY source_id').pluck();
  return rows.map((r) =>
    toMessageJson(r, {
      attachments: (att.all(r.id) as { name: string; sha256: string | null; size: number | null; missing: number; mime: string | null }[]).map((a) => ({
        name: a.name, sha256: a.sha256, size: a.size, missing: a.missing === 1, mime: a.mime,
      })),
      sources: src.all(r.id) as number[],
      missingIn: mis.all(r.id) as number[],
    }),
  );
}

/** Position (0-based, seq order) of a message in its conversation. */
export function messagePosition(db: DB, messageId: number): { conversationId: number; index: number } | null {
  const r = prep(db, 'SELECT conversation_id AS c, seq FROM messages WHERE id = ?').get(messageId) as { c: number; seq: number } | undefined;
  if (!r) return null;
  const base = conversationShape(db, r.c).base;
  const n = base !== null ? r.seq - base : (prep(db, 'SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND seq < ?').pluck().get(r.c, r.seq) as number);
  return { conversationId: r.c, index: n };
}

/** Whether the rule ever made a suggestion for the custodian (in the conversation, when given), decided or not. */
export function ruleSuggested(db: DB, custodianId: string, ruleId: string, conversationId?: number): boolean {
  const sql = conversationId === undefined
    ? `SELECT 1 FROM markings WHERE custodian_id = ? AND origin = 'rule' AND rule_id = ? LIMIT 1`
    : `SELECT 1 FROM markings k WHERE k.custodian_id = ? AND k.origin = 'rule' AND k.rule_id = ? AND (
         (k.level = 'conversation' AND k.target_id = @c)
         OR (k.level IN ('message', 'passage') AND k.target_id IN (SELECT id FROM messages WHERE conversation_id = @c))
         OR (k.level = 'contact' AND k.target_id IN (SELECT contact_id FROM conversation_participants WHERE conversation_id = @c))) LIMIT 1`;
  const args = conversationId === undefined ? [custodianId, ruleId] : [custodianId, ruleId, { c: conversationId }];
  return db.prepare(sql).get(...args) !== undefined;
}

