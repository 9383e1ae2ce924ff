/**
 * Recording reviewer decisions: one write transaction per request, one decision row and one audit entry per marking,
 * and the marking's stored state updated from the replayed decisions. The CLI and the web server both call these.
 */
import { UserError } from '../errors.js';
import type { Category } from '../cli/command.js';
import { appendAudit, nextAuditSeq } from '../store/audit.js';
import { getCustodian } from '../store/custodians.js';
import type { DB } from '../store/db.js';
import { nowIso } from '../store/db.js';
import {
  conversationSuggestionIds, decisionsFor, getMarking, insertDecision, insertManualMarking, setMarkingState, standingManualMarking, targetInfo,
  type DecisionAction, type DecisionRecord, type MarkingLevel, type MarkingRecord,
} from '../store/decisions.js';
import { deliveredInGeschoond } from '../store/delivered.js';
import { textChangedSinceDecision } from '../store/text-changed.js';
import { applyDecision, outcomeOf, projection, replay, reviewerNameProblem, sameReviewer, type Replay } from './state.js';
import { textSha256 } from './views.js';

export type ReviewErrorCode =
  | 'not-found' | 'other-custodian' | 'reason-required' | 'awaiting-second' | 'inactive' | 'invalid' | 'nothing-to-undo' | 'undo-not-yours'
  | 'duplicate' | 'text-changed' | 'stale';

export class ReviewError extends UserError {
  constructor(message: string, readonly code: ReviewErrorCode, readonly conflicts?: StaleConflict[]) {
    super(message, { code });
    this.name = 'ReviewError';
  }
}

/** The latest decision on a marking, as a stale-state refusal reports it. */
export interface DecisionBrief { id: number; action: DecisionAction; category: string | null; reviewer: string; decidedAt: string; needsSecond: boolean }

/**
 * One marking whose decisions are not what the caller saw: `changed` (its latest decision differs from `expected`),
 * `new` (bulk: a suggestion in scope the caller did not list) or `gone` (listed, but no longer in scope).
 */
export interface StaleConflict {
  markingId: number;
  kind: 'changed' | 'new' | 'gone';
  /** The id of the latest decision the caller saw (null: none); null for `new`. */
  expected: number | null;
  /** The marking's latest decision now (null: none). */
  now: DecisionBrief | null;
}

/**
 * What the caller saw: per marking, the id of its latest decision (`lastDecision.id` of the MarkingView), or null
 * when it knew none. Decisions are only ever appended, so a different latest id means someone decided in between.
 */
export type ExpectedDecisions = ReadonlyMap<number, number | null>;

export type DecideAction = 'confirm' | 'reject' | 'change' | 'undo';

export interface DecideInput {
  markingIds: number[];
  action: DecideAction;
  /** Required for `change`. */
  category?: Category;
  reviewer: string;
  reason?: string | null;
  /** When set, every marking must belong to this custodian (the web server serves one custodian). */
  custodianId?: string;
  /**
   * The state the caller decided on (see ExpectedDecisions); must name every marking. When a marking's decisions
   * changed since, the whole request is refused (`stale`) and nothing is written. The web API requires it; the CLI,
   * which reads fresh state when it runs, makes it optional.
   */
  expected?: ExpectedDecisions;
}

export interface DecisionOutcome {
  markingId: number;
  /** The decision recorded, or null when the marking already had this outcome (nothing written). */
  decisionId: number | null;
  action: DecisionAction | null;
  status: string;
  category: string;
  awaitingSecond: boolean;
  /**
   * When the decision withholds messages that an earlier geschoonde set delivered: how many, and the package that
   * delivered the last of them (the archive may hold them shown; the next export names those it did).
   */
  deliveredInGeschoond?: { messages: number; package: string | null };
}

export interface BulkInput {
  conversationId: number;
  /** Only the suggestions of this rule; else every suggestion of the conversation. */
  ruleId?: string;
  action: 'confirm' | 'reject' | 'change';
  category?: Category;
  reviewer: string;
  reason?: string | null;
  custodianId?: string;
  /**
   * Every rule suggestion in scope (as GET /api/conversations/:id/bulk-scope lists them) with its latest decision id.
   * When the scope or any of its decisions changed since, the whole bulk is refused (`stale`), nothing written.
   */
  expected?: ExpectedDecisions;
}

export interface MarkInput {
  level: MarkingLevel;
  targetId: number;
  /** [start, end) in UTF-16 code units of messages.text; passages only. */
  span?: [number, number] | null;
  /**
   * Passages only: hex SHA-256 of the UTF-8 message text the span was chosen in (the `textSha256` of the message view).
   * When given and the stored text differs (a later export brought a newer version), the marking is refused
   * (`text-changed`) and nothing is written. The web API requires it for passages; the CLI makes it optional.
   */
  textSha256?: string | null;
  category: Category;
  reviewer: string;
  reason?: string | null;
  custodianId?: string;
}

interface Ctx { db: DB; reviewer: string; reason: string | null; at: string; bulk?: Record<string, unknown>; fourEyes?: Map<string, boolean> }

function cleanReviewer(s: string): string {
  const r = (s ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!r) throw new ReviewError('a reviewer name is required (--reviewer <name>)', 'invalid');
  if (r.length > 200) throw new ReviewError('the reviewer name is longer than 200 characters', 'invalid');
  const problem = reviewerNameProblem(r);
  if (problem) throw new ReviewError(problem, 'invalid');
  return r;
}

/** The longest reason recorded, on the page and the CLI alike (a reason is a sentence or two, not a document). */
export const MAX_REASON = 2000;

function cleanReason(s: string | null | undefined): string | null {
  const r = (s ?? '').trim();
  if (r.length > MAX_REASON) throw new ReviewError(`the reason is ${r.length} characters long; at most ${MAX_REASON} are allowed`, 'invalid');
  return r ? r : null;
}

function loadMarking(db: DB, id: number, custodianId?: string): MarkingRecord {
  const m = getMarking(db, id);
  if (!m) throw new ReviewError(`marking ${id} does not exist`, 'not-found');
  if (custodianId !== undefined && m.custodianId !== custodianId) throw new ReviewError(`marking ${id} belongs to another custodian`, 'other-custodian');
  return m;
}

/** Whether the custodian's decisions need a second reviewer; read once per request. */
function fourEyes(ctx: Ctx, custodianId: string): boolean {
  ctx.fourEyes ??= new Map();
  let v = ctx.fourEyes.get(custodianId);
  if (v === undefined) ctx.fourEyes.set(custodianId, (v = getCustodian(ctx.db, custodianId)?.secondReviewer ?? false));
  return v;
}

/** Writes one decision: decision row, audit entry (same seq), and the marking's new stored state. */
function record(ctx: Ctx, m: MarkingRecord, r: Replay, d: Omit<DecisionRecord, 'id' | 'auditSeq' | 'reviewer' | 'decidedAt' | 'markingId'>): DecisionOutcome {
  const { db } = ctx;
  const seq = nextAuditSeq(db);
  const full = { ...d, markingId: m.id, reviewer: ctx.reviewer, decidedAt: ctx.at, auditSeq: seq };
  const id = insertDecision(db, full);
  const next = applyDecision(m, r, { ...full, id });
  const p = projection(m, next.state);
  setMarkingState(db, m.id, { ...p, at: ctx.at });
  appendAudit(db, {
    custodianId: m.custodianId,
    seq,
    at: ctx.at,
    actor: ctx.reviewer,
    action: `decision.${d.action}`,
    payload: {
      decisionId: id,
      markingId: m.id,
      action: d.action,
      category: d.category,
      reason: d.reason,
      needsSecond: d.needsSecond,
      undoes: d.undoes,
      marking: { level: m.level, targetId: m.targetId, span: m.span, origin: m.origin, ruleId: m.ruleId, suggestedCategory: m.suggestedCategory },
      result: p,
      ...(ctx.bulk ? { bulk: ctx.bulk } : {}),
    },
  });
  const out: DecisionOutcome = { markingId: m.id, decisionId: id, action: d.action, status: p.status, category: p.category, awaitingSecond: p.pendingDecisionId !== null };
  if (d.action !== 'undo' && p.status !== 'rejected' && p.category !== 'zakelijk') {
    const delivered = deliveredInGeschoond(ctx.db, m.custodianId, m.level, m.targetId);
    if (delivered.messages) out.deliveredInGeschoond = delivered;
  }
  return out;
}

function unchanged(m: MarkingRecord, r: Replay): DecisionOutcome {
  const p = projection(m, r.state);
  return { markingId: m.id, decisionId: null, action: null, status: p.status, category: p.category, awaitingSecond: p.pendingDecisionId !== null };
}

/** Decides one marking inside the caller's transaction. In bulk mode it returns null (skips) instead of overriding. */
function decideOne(ctx: Ctx, m: MarkingRecord, action: DecideAction, category: string | undefined, opts: { bulk?: boolean } = {}): DecisionOutcome | null {
  const r = replay(m, decisionsFor(ctx.db, [m.id]).get(m.id) ?? []);
  const { state } = r;
  if (action === 'undo') {
    const top = r.stack[r.stack.length - 1];
    if (!top) throw new ReviewError(`marking ${m.id} has no decision to undo`, 'nothing-to-undo');
    if (!sameReviewer(top.decision.reviewer, ctx.reviewer)) {
      throw new ReviewError(`marking ${m.id}: the latest decision is by ${top.decision.reviewer}; only they can undo it (record a new decision instead)`, 'undo-not-yours');
    }
    return record(ctx, m, r, { action: 'undo', category: null, reason: ctx.reason, undoes: top.decision.id, needsSecond: false });
  }
  // A change to the suggested category is a confirmation.
  const act: 'confirm' | 'reject' | 'change' = action === 'change' && category === m.suggestedCategory ? 'confirm' : action;
  const cat = act === 'change' ? category! : m.suggestedCategory;
  const target = outcomeOf({ action: act, category: cat }, cat);
  const eyes = fourEyes(ctx, m.custodianId);
  const p = state.pending;
  if (p) {
    const proposed = outcomeOf(p, state.category);
    if (proposed.status === target.status && proposed.category === target.category) {
      if (!sameReviewer(p.reviewer, ctx.reviewer)) {
        return record(ctx, m, r, { action: 'second-confirm', category: proposed.category, reason: ctx.reason, undoes: null, needsSecond: false });
      }
      if (opts.bulk) return null;
      if (eyes) throw new ReviewError(`marking ${m.id}: you proposed this decision; it awaits a second reviewer`, 'awaiting-second');
    } else if (opts.bulk) {
      return null;
    }
  }
  // A decision made on an earlier text of the message (src/store/text-changed.ts): the same decision again is a new
  // decision on the text as it is now, recorded without a reason, and it clears the flag.
  const same = !p && state.status !== 'suggested' && state.status === target.status && state.category === target.category;
  const again = same && textChangedSinceDecision(ctx.db, m) !== null;
  if (!p && state.status !== 'suggested') {
    if (same && !again) return opts.bulk ? null : unchanged(m, r);
    if (opts.bulk) return null;
  }
  if (!m.active && state.status === 'suggested' && !p) {
    if (opts.bulk) return null;
    throw new ReviewError(`marking ${m.id}: this suggestion disappeared after a rule change and was never decided; add a manual marking instead`, 'inactive');
  }
  const overriding = p !== null || (state.status !== 'suggested' && !again);
  if (!again && (act !== 'confirm' || overriding) && !ctx.reason) {
    const why = act === 'reject' ? 'rejecting' : act === 'change' ? 'changing the category' : 'overriding an earlier decision';
    throw new ReviewError(`marking ${m.id}: a reason is required when ${why} (--reason <text>)`, 'reason-required');
  }
  return record(ctx, m, r, { action: act, category: target.category, reason: ctx.reason, undoes: null, needsSecond: eyes });
}

function validCategory(action: string, category: string | undefined): void {
  if (action === 'change' && !category) throw new ReviewError('changing a category needs the new category', 'invalid');
}

function brief(d: DecisionRecord | undefined): DecisionBrief | null {
  return d ? { id: d.id, action: d.action, category: d.category, reviewer: d.reviewer, decidedAt: d.decidedAt, needsSecond: d.needsSecond } : null;
}

/** The latest decision of each marking (null: none), read inside the caller's transaction. */
function latestDecisions(db: DB, ids: readonly number[]): Map<number, DecisionBrief | null> {
  const all = decisionsFor(db, ids);
  return new Map(ids.map((id) => { const ds = all.get(id); return [id, brief(ds?.[ds.length - 1])]; }));
}

const DID: Record<DecisionAction, string> = {
  confirm: 'confirmed', reject: 'rejected', change: 'changed', mark: 'marked', 'second-confirm': 'second-confirmed', undo: 'undid the latest decision on',
};

/** Compares what the caller saw with the stored decisions; throws `stale` (naming who decided what) on any difference. */
function checkExpected(db: DB, expected: ExpectedDecisions, scope: readonly number[]): void {
  const now = latestDecisions(db, [...new Set([...scope, ...expected.keys()])]);
  const inScope = new Set(scope);
  const conflicts: StaleConflict[] = [];
  for (const id of scope) {
    const d = now.get(id) ?? null;
    if (!expected.has(id)) conflicts.push({ markingId: id, kind: 'new', expected: null, now: d });
    else if ((d?.id ?? null) !== expected.get(id)) conflicts.push({ markingId: id, kind: 'changed', expected: expected.get(id)!, now: d });
  }
  for (const [id, e] of expected) if (!inScope.has(id)) conflicts.push({ markingId: id, kind: 'gone', expected: e, now: now.get(id) ?? null });
  if (!conflicts.length) return;
  const says = (c: StaleConflict): string => {
    if (c.kind === 'new') return `marking ${c.markingId} was suggested after the page loaded`;
    if (c.kind === 'gone') return `marking ${c.markingId} is no longer suggested here`;
    const d = c.now;
    const was = c.expected === null ? 'no decision' : `decision ${c.expected}`;
    if (!d) return `marking ${c.markingId}: its decisions changed (the page knew ${was})`;
    const what = d.needsSecond ? `proposed to ${d.action}` : DID[d.action];
    return `marking ${c.markingId}: ${d.reviewer} ${what} it${d.category ? ` (${d.category})` : ''} at ${d.decidedAt} (decision ${d.id}; the page knew ${was})`;
  };
  const shown = conflicts.slice(0, 5).map(says).join('; ');
  throw new ReviewError(
    `decided in the meantime: ${shown}${conflicts.length > 5 ? ` (+${conflicts.length - 5} more)` : ''}; nothing recorded: reload and look again`,
    'stale',
    conflicts,
  );
}

/** Confirms, rejects, re-categorises or undoes markings: all or nothing. */
export function decide(db: DB, input: DecideInput): DecisionOutcome[] {
  validCategory(input.action, input.category);
  if (!input.markingIds.length) throw new ReviewError('no marking ids given', 'invalid');
  const ids = [...new Set(input.markingIds)];
  const expected = input.expected;
  if (expected) {
    const missing = ids.filter((id) => !expected.has(id));
    if (missing.length) throw new ReviewError(`the expected latest decision is missing for marking ${missing.join(', ')}`, 'invalid');
    const extra = [...expected.keys()].filter((id) => !ids.includes(id));
    if (extra.length) throw new ReviewError(`an expected latest decision is given for marking ${extra.join(', ')}, which is not being decided`, 'invalid');
  }
  const ctx: Ctx = { db, reviewer: cleanReviewer(input.reviewer), reason: cleanReason(input.reason), at: nowIso() };
  return db.transaction(() => {
    const ms = ids.map((id) => loadMarking(db, id, input.custodianId));
    // Under the write lock: a colleague's decision cannot slip in between this check and the writes.
    if (expected) checkExpected(db, expected, ids);
    return ms.map((m) => decideOne(ctx, m, input.action, input.category)!);
  }).immediate();
}

/**
 * Decides every open suggestion of a conversation (optionally of one rule). Markings already decided, or whose pending
 * proposal differs, are left alone; a matching proposal by another reviewer is second-confirmed.
 */
export function decideBulk(db: DB, input: BulkInput): { decided: DecisionOutcome[]; skipped: number } {
  validCategory(input.action, input.category);
  const info = targetInfo(db, 'conversation', input.conversationId);
  if (!info) throw new ReviewError(`conversation ${input.conversationId} does not exist`, 'not-found');
  if (input.custodianId !== undefined && info.custodianId !== input.custodianId) throw new ReviewError(`conversation ${input.conversationId} belongs to another custodian`, 'other-custodian');
  const bulk = { scope: input.ruleId === undefined ? 'conversation' : 'rule', conversationId: input.conversationId, ...(input.ruleId !== undefined ? { ruleId: input.ruleId } : {}) };
  const ctx: Ctx = { db, reviewer: cleanReviewer(input.reviewer), reason: cleanReason(input.reason), at: nowIso(), bulk };
  return db.transaction(() => {
    const decided: DecisionOutcome[] = [];
    let skipped = 0;
    const ids = conversationSuggestionIds(db, input.conversationId, input.ruleId);
    if (input.ruleId !== undefined && ids.length === 0) {
      // A mistyped rule id must not pass as "nothing left to decide".
      throw new ReviewError(`rule '${input.ruleId}' made no suggestion in conversation ${input.conversationId} (see: chatarchief review list --custodian ${info.custodianId} --conversation ${input.conversationId})`, 'not-found');
    }
    if (input.expected) checkExpected(db, input.expected, ids);
    for (const id of ids) {
      const o = decideOne(ctx, loadMarking(db, id), input.action, input.category, { bulk: true });
      if (o) decided.push(o);
      else skipped++;
    }
    return { decided, skipped };
  }).immediate();
}

/** Adds a manual marking (contact, conversation, message or passage) and records it as a decision. */
export function mark(db: DB, input: MarkInput): { markingId: number } & DecisionOutcome {
  const reviewer = cleanReviewer(input.reviewer);
  const level = input.level;
  const span = input.span ?? null;
  if (level === 'passage' && !span) throw new ReviewError('a passage marking needs a span start:end', 'invalid');
  if (level !== 'passage' && span) throw new ReviewError('a span is only allowed on a message (passage marking)', 'invalid');
  const seen = input.textSha256 ? input.textSha256.toLowerCase() : null;
  if (seen !== null && level !== 'passage') throw new ReviewError('a text fingerprint (textSha256) is only used with a passage marking', 'invalid');
  if (seen !== null && !/^[0-9a-f]{64}$/.test(seen)) throw new ReviewError('the text fingerprint (textSha256) must be 64 hexadecimal characters (a SHA-256)', 'invalid');
  const ctx: Ctx = { db, reviewer, reason: cleanReason(input.reason), at: nowIso() };
  return db.transaction(() => {
    // Read and checked under the write lock: an ingest that brings a newer version of the text cannot slip in between.
    const info = targetInfo(db, level === 'passage' ? 'message' : level, input.targetId);
    if (!info) throw new ReviewError(`${level === 'passage' ? 'message' : level} ${input.targetId} does not exist`, 'not-found');
    if (input.custodianId !== undefined && info.custodianId !== input.custodianId) throw new ReviewError(`${level} ${input.targetId} belongs to another custodian`, 'other-custodian');
    if (info.isCustodian) {
      // One such marking would withhold (or publish) everything the bewindspersoon wrote, in every conversation.
      throw new ReviewError(
        `contact ${input.targetId} is the bewindspersoon (${info.custodianId}) themself, known as the phone's owner from the exports: a contact ` +
          'marking covers every message a contact wrote, in every conversation. Mark the conversations, messages or passages instead',
        'invalid',
      );
    }
    if (seen !== null) checkText(seen, info.text ?? '', input.targetId);
    if (span) checkSpan(span, info.text ?? '', input.targetId);
    const same = standingManualMarking(db, { level, targetId: input.targetId, span, category: input.category });
    if (same !== null) {
      throw new ReviewError(`${level === 'passage' ? 'message' : level} ${input.targetId} already has this marking (M-${same}, ${input.category}${span ? `, ${span[0]}:${span[1]}` : ''}); undo that one first to mark it again`, 'duplicate');
    }
    const eyes = fourEyes(ctx, info.custodianId);
    const evidence = { manual: true, markedBy: reviewer, ...(ctx.reason ? { reason: ctx.reason } : {}) };
    const id = insertManualMarking(db, { custodianId: info.custodianId, level, targetId: input.targetId, span, category: input.category, status: 'rejected', evidence, at: ctx.at });
    const m = loadMarking(db, id);
    const o = record(ctx, m, replay(m, []), { action: 'mark', category: input.category, reason: ctx.reason, undoes: null, needsSecond: eyes });
    return { ...o, markingId: id };
  }).immediate();
}

/** The text the caller chose its span in must be the stored text: else the span would cover other words. */
function checkText(seen: string, text: string, messageId: number): void {
  const now = textSha256(text);
  if (now === seen) return;
  throw new ReviewError(
    `message ${messageId}: its text changed after it was loaded (a later export may have brought a newer version; text SHA-256 ${seen.slice(0, 12)}… was marked, ${now.slice(0, 12)}… is stored now); nothing recorded: reload the conversation and mark the passage again`,
    'text-changed',
  );
}

/** A span must lie inside the text, be non-empty and not cut a surrogate pair in half. */
export function checkSpan(span: [number, number], text: string, messageId: number): void {
  const [s, e] = span;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e <= s || e > text.length) {
    throw new ReviewError(`span ${s}:${e} is not inside message ${messageId} (its text has ${text.length} UTF-16 code units; expected 0 <= start < end <= ${text.length})`, 'invalid');
  }
  const low = (i: number) => i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]!) && /[\uD800-\uDBFF]/.test(text[i - 1]!);
  if (low(s) || low(e)) throw new ReviewError(`span ${s}:${e} cuts a character (surrogate pair) of message ${messageId} in half`, 'invalid');
}
