import type { DB } from './db.js';
import { prep } from './audit.js';

/**
 * Reviewer decisions (table `decisions`, append-only) and the review-owned writes to `markings`: manual markings and the
 * status/category projection of decisions. The rule engine (src/store/markings.ts) writes suggestions; it never changes
 * a marking whose status is not `suggested`, and this module never touches a marking's rule fields.
 */

export type MarkingLevel = 'contact' | 'conversation' | 'message' | 'passage';
export type MarkingStatus = 'suggested' | 'confirmed' | 'rejected' | 'changed';
export type DecisionAction = 'confirm' | 'reject' | 'change' | 'mark' | 'second-confirm' | 'undo';

export interface MarkingRecord {
  id: number;
  custodianId: string;
  level: MarkingLevel;
  targetId: number;
  span: [number, number] | null;
  origin: 'rule' | 'manual';
  suggestedCategory: string;
  category: string;
  status: MarkingStatus;
  ruleId: string | null;
  ruleFileHash: string | null;
  evidence: Record<string, unknown>;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DecisionRecord {
  id: number;
  markingId: number;
  action: DecisionAction;
  category: string | null;
  reviewer: string;
  reason: string | null;
  decidedAt: string;
  auditSeq: number | null;
  undoes: number | null;
  needsSecond: boolean;
}

export interface MarkingDbRow {
  id: number; custodian_id: string; level: MarkingLevel; target_id: number; span_start: number | null; span_end: number | null;
  origin: 'rule' | 'manual'; suggested_category: string; category: string; status: MarkingStatus; rule_id: string | null;
  rule_file_hash: string | null; evidence_json: string; active: number; created_at: string; updated_at: string;
}

interface DecisionDbRow {
  id: number; marking_id: number; action: DecisionAction; category: string | null; reviewer: string; reason: string | null;
  decided_at: string; audit_seq: number | null; undoes: number | null; needs_second: number;
}

function parseEvidence(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { unparseable: s };
  }
}

export function markingFromRow(r: MarkingDbRow): MarkingRecord {
  return {
    id: r.id,
    custodianId: r.custodian_id,
    level: r.level,
    targetId: r.target_id,
    span: r.span_start !== null && r.span_end !== null ? [r.span_start, r.span_end] : null,
    origin: r.origin,
    suggestedCategory: r.suggested_category,
    category: r.category,
    status: r.status,
    ruleId: r.rule_id,
    ruleFileHash: r.rule_file_hash,
    evidence: parseEvidence(r.evidence_json),
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const decisionFromRow = (r: DecisionDbRow): DecisionRecord => ({
  id: r.id,
  markingId: r.marking_id,
  action: r.action,
  category: r.category,
  reviewer: r.reviewer,
  reason: r.reason,
  decidedAt: r.decided_at,
  auditSeq: r.audit_seq,
  undoes: r.undoes,
  needsSecond: r.needs_second === 1,
});

export function getMarking(db: DB, id: number): MarkingRecord | null {
  const r = prep(db, 'SELECT * FROM markings WHERE id = ?').get(id) as MarkingDbRow | undefined;
  return r ? markingFromRow(r) : null;
}

/** Decisions per marking, oldest first. */
export function decisionsFor(db: DB, markingIds: readonly number[]): Map<number, DecisionRecord[]> {
  const out = new Map<number, DecisionRecord[]>();
  const stmt = prep(db, 'SELECT * FROM decisions WHERE marking_id = ? ORDER BY id');
  for (const id of new Set(markingIds)) {
    const rows = (stmt.all(id) as DecisionDbRow[]).map(decisionFromRow);
    if (rows.length) out.set(id, rows);
  }
  return out;
}

/** Every decision of a custodian (or all), oldest first, streamed. */
export function* iterateDecisions(db: DB, custodianId?: string): Generator<DecisionRecord> {
  const rows = (custodianId === undefined
    ? prep(db, 'SELECT * FROM decisions ORDER BY id').iterate()
    : prep(db, 'SELECT d.* FROM decisions d JOIN markings m ON m.id = d.marking_id WHERE m.custodian_id = ? ORDER BY d.id').iterate(custodianId)) as IterableIterator<DecisionDbRow>;
  for (const r of rows) yield decisionFromRow(r);
}

/**
 * Markings whose stored state the review is answerable for: manual ones, decided ones, ones with decisions or with a
 * pending proposal. Undecided rule suggestions without decisions are the rule engine's and are left out.
 */
export function* iterateReviewedMarkings(db: DB, custodianId?: string): Generator<MarkingRecord & { pendingDecisionId: number | null }> {
  const where = `(m.origin = 'manual' OR m.status <> 'suggested' OR p.decision_id IS NOT NULL OR EXISTS (SELECT 1 FROM decisions d WHERE d.marking_id = m.id))`;
  const sql = `SELECT m.*, p.decision_id AS pending_decision_id FROM markings m LEFT JOIN review_pending p ON p.marking_id = m.id WHERE ${where}`;
  const rows = (custodianId === undefined
    ? prep(db, `${sql} ORDER BY m.id`).iterate()
    : prep(db, `${sql} AND m.custodian_id = ? ORDER BY m.id`).iterate(custodianId)) as IterableIterator<MarkingDbRow & { pending_decision_id: number | null }>;
  for (const r of rows) yield { ...markingFromRow(r), pendingDecisionId: r.pending_decision_id };
}

/** Pending four-eyes proposals (decision ids) of markings. */
export function pendingFor(db: DB, markingIds: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  const stmt = prep(db, 'SELECT decision_id FROM review_pending WHERE marking_id = ?').pluck();
  for (const id of new Set(markingIds)) {
    const d = stmt.get(id) as number | undefined;
    if (d !== undefined) out.set(id, d);
  }
  return out;
}

export function insertManualMarking(
  db: DB,
  m: { custodianId: string; level: MarkingLevel; targetId: number; span: [number, number] | null; category: string; status: MarkingStatus; evidence: Record<string, unknown>; at: string },
): number {
  const r = prep(db, 
      `INSERT INTO markings (custodian_id, level, target_id, span_start, span_end, origin, suggested_category, category, status,
         rule_id, rule_file_hash, evidence_json, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'manual', ?, ?, ?, NULL, NULL, ?, 1, ?, ?)`,
    )
    .run(m.custodianId, m.level, m.targetId, m.span?.[0] ?? null, m.span?.[1] ?? null, m.category, m.category, m.status, JSON.stringify(m.evidence), m.at, m.at);
  return Number(r.lastInsertRowid);
}

/** A manual marking of the same target, span and category that still stands (not rejected or undone), if any. */
export function standingManualMarking(db: DB, m: { level: MarkingLevel; targetId: number; span: [number, number] | null; category: string }): number | null {
  const id = prep(db,
      `SELECT id FROM markings WHERE origin = 'manual' AND level = ? AND target_id = ? AND span_start IS ? AND span_end IS ? AND category = ?
         AND status <> 'rejected' AND active = 1 ORDER BY id LIMIT 1`,
    )
    .pluck()
    .get(m.level, m.targetId, m.span?.[0] ?? null, m.span?.[1] ?? null, m.category) as number | undefined;
  return id ?? null;
}

export function insertDecision(db: DB, d: Omit<DecisionRecord, 'id'>): number {
  const r = prep(db, 
      `INSERT INTO decisions (marking_id, action, category, reviewer, reason, decided_at, audit_seq, undoes, needs_second)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(d.markingId, d.action, d.category, d.reviewer, d.reason, d.decidedAt, d.auditSeq, d.undoes, d.needsSecond ? 1 : 0);
  return Number(r.lastInsertRowid);
}

/** Writes the decided state of a marking (the projection of its decisions) and its pending proposal. */
export function setMarkingState(db: DB, markingId: number, s: { status: MarkingStatus; category: string; pendingDecisionId: number | null; at: string }): void {
  prep(db, 'UPDATE markings SET status = ?, category = ?, updated_at = ? WHERE id = ?').run(s.status, s.category, s.at, markingId);
  if (s.pendingDecisionId === null) prep(db, 'DELETE FROM review_pending WHERE marking_id = ?').run(markingId);
  else prep(db, 'INSERT INTO review_pending (marking_id, decision_id) VALUES (?, ?) ON CONFLICT(marking_id) DO UPDATE SET decision_id = excluded.decision_id').run(markingId, s.pendingDecisionId);
}

/**
 * The custodian a marking target belongs to (null when the target does not exist), for messages their text, and for a
 * contact whether it is the custodian's own (the phone's owner, see markCustodianContact).
 */
export function targetInfo(
  db: DB, level: MarkingLevel, targetId: number,
): { custodianId: string; conversationId: number | null; text: string | null; isCustodian?: boolean } | null {
  if (level === 'contact') {
    const r = prep(db, 'SELECT custodian_id AS c, is_custodian AS self FROM contacts WHERE id = ?').get(targetId) as { c: string; self: number } | undefined;
    return r ? { custodianId: r.c, conversationId: null, text: null, isCustodian: r.self === 1 } : null;
  }
  if (level === 'conversation') {
    const r = prep(db, 'SELECT custodian_id AS c FROM conversations WHERE id = ?').get(targetId) as { c: string } | undefined;
    return r ? { custodianId: r.c, conversationId: targetId, text: null } : null;
  }
  const r = prep(db, 'SELECT c.custodian_id AS c, m.conversation_id AS conv, m.text AS text FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?')
    .get(targetId) as { c: string; conv: number; text: string } | undefined;
  return r ? { custodianId: r.c, conversationId: r.conv, text: r.text } : null;
}

/**
 * Ids of the markings a bulk action covers: the suggestions (origin rule) of one conversation, optionally of one rule.
 * Includes the conversation-level, message-level and passage-level markings of the conversation (contact-level ones
 * reach beyond the conversation and are decided on their own).
 */
export function conversationSuggestionIds(db: DB, conversationId: number, ruleId?: string): number[] {
  const rule = ruleId === undefined ? '' : ' AND k.rule_id = ?';
  const args: unknown[] = ruleId === undefined ? [conversationId, conversationId] : [conversationId, ruleId, conversationId, ruleId];
  return prep(db, 
      `SELECT k.id FROM markings k WHERE k.origin = 'rule' AND k.level = 'conversation' AND k.target_id = ?${rule}
       UNION
       SELECT k.id FROM markings k JOIN messages m ON m.id = k.target_id
         WHERE k.origin = 'rule' AND k.level IN ('message','passage') AND m.conversation_id = ?${rule}
       ORDER BY 1`,
    )
    .pluck()
    .all(...args) as number[];
}
