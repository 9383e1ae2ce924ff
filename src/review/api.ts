/**
 * The JSON API of the review page. Every handler serves one custodian (the one the server was started for) and
 * checks that the conversation, message or marking asked for belongs to it.
 */
import { z } from 'zod';
import { CATEGORIES } from '../cli/command.js';
import { getCustodian } from '../store/custodians.js';
import type { DB } from '../store/db.js';
import { getConversation, listConversations } from '../store/messages.js';
import {
  conversationShape, custodianContactIds, dataVersion, getReviewMarkings, headerMarkings, type ConversationShape, type MarkedPosition, markedMessagePositions, messageMarkings, messagePage, messagePosition, reviewProgress, reviewRuleIds,
} from '../store/review.js';
import { conversationSuggestionIds, decisionsFor, targetInfo } from '../store/decisions.js';
import { textChangedMarkings } from '../store/text-changed.js';
import { decide, decideBulk, mark, MAX_REASON, ReviewError, type ExpectedDecisions } from './service.js';
import { sameReviewer } from './state.js';
import { previewPage, type PreviewProvider } from './preview.js';
import { conversationSummaries, emptyCounts, evidenceSummary, markingView, messageView, type MarkingView } from './views.js';

export const PAGE_SIZE = 200;
const MAX_PAGE = 1000;

export interface ApiContext {
  db: DB;
  custodianId: string;
  preview: PreviewProvider | null;
  /** Conversation shapes, valid while the database's data_version stays the same. */
  shapes?: { version: number; byId: Map<number, ConversationShape> };
}

function shapeOf(ctx: ApiContext, id: number): ConversationShape {
  const version = dataVersion(ctx.db);
  if (!ctx.shapes || ctx.shapes.version !== version) ctx.shapes = { version, byId: new Map() };
  let s = ctx.shapes.byId.get(id);
  if (!s) {
    s = conversationShape(ctx.db, id);
    ctx.shapes.byId.set(id, s);
  }
  return s;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'invalid') {
    super(message);
  }
}

const withSummary = (m: MarkingView) => ({ ...m, reasonText: evidenceSummary(m) });

/** The full conversation (participants, counts, period): for its header only, it reads all its messages' dates. */
function conversationOf(ctx: ApiContext, id: number) {
  const c = getConversation(ctx.db, id);
  if (!c || c.custodianId !== ctx.custodianId) throw new ApiError(404, `conversation ${id} not found`, 'not-found');
  return c;
}

/** Checks cheaply that the conversation is the custodian's. */
function ownConversation(ctx: ApiContext, id: number): void {
  const t = targetInfo(ctx.db, 'conversation', id);
  if (!t || t.custodianId !== ctx.custodianId) throw new ApiError(404, `conversation ${id} not found`, 'not-found');
}

function pageArgs(q: URLSearchParams): { offset: number; limit: number } {
  const offset = Math.max(0, Number.parseInt(q.get('offset') ?? '0', 10) || 0);
  const limit = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(q.get('limit') ?? String(PAGE_SIZE), 10) || PAGE_SIZE));
  return { offset, limit };
}

export function session(ctx: ApiContext) {
  const c = getCustodian(ctx.db, ctx.custodianId)!;
  return {
    custodian: { id: c.id, name: c.name, function: c.function, department: c.department, secondReviewer: c.secondReviewer, defaultCategory: c.defaultCategory },
    categories: CATEGORIES,
    rules: reviewRuleIds(ctx.db, ctx.custodianId),
    pageSize: PAGE_SIZE,
    preview: ctx.preview !== null,
  };
}

export function conversations(ctx: ApiContext) {
  const list = conversationSummaries(listConversations(ctx.db, ctx.custodianId), reviewProgress(ctx.db, ctx.custodianId));
  const totals = emptyCounts();
  for (const s of list) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s.counts[k];
  // Decided markings whose message text changed after their decision: per conversation and in all (additive fields).
  const changed = new Map<number, number>();
  for (const t of textChangedMarkings(ctx.db, ctx.custodianId)) changed.set(t.conversationId, (changed.get(t.conversationId) ?? 0) + 1);
  return {
    conversations: list.map((c) => ({ ...c, textChanged: changed.get(c.id) ?? 0 })),
    totals,
    textChanged: [...changed.values()].reduce((a, b) => a + b, 0),
  };
}

export function conversation(ctx: ApiContext, id: number) {
  const c = conversationOf(ctx, id);
  // isCustodian: the page does not offer to mark the custodian's own contact (that would withhold all they wrote).
  const own = custodianContactIds(ctx.db, c.participants.map((p) => p.contactId));
  const participants = c.participants.map((p) => ({ ...p, isCustodian: own.has(p.contactId) }));
  return { conversation: { ...c, participants }, header: headerMarkings(ctx.db, id).map(markingView).map(withSummary) };
}

export function messages(ctx: ApiContext, id: number, q: URLSearchParams) {
  ownConversation(ctx, id);
  const { offset, limit } = pageArgs(q);
  const shape = shapeOf(ctx, id);
  const page = messagePage(ctx.db, id, offset, limit, shape);
  const marks = messageMarkings(ctx.db, page.map((m) => m.id)).map(markingView).map(withSummary);
  const byMsg = new Map<number, ReturnType<typeof withSummary>[]>();
  for (const m of marks) byMsg.set(m.targetId, [...(byMsg.get(m.targetId) ?? []), m]);
  return {
    conversationId: id,
    total: shape.count,
    offset,
    messages: page.map((m, i) => ({ ...messageView(m), index: offset + i, markings: byMsg.get(m.id) ?? [] })),
  };
}

/**
 * Where the marked messages are. `state` filters: open, pending, decided, lapsed, text-changed (decided markings whose
 * message text changed after their decision), or todo = what the given `reviewer` can act on (open suggestions,
 * four-eyes proposals of other reviewers, and text-changed markings).
 */
export function positions(ctx: ApiContext, id: number, q: URLSearchParams) {
  ownConversation(ctx, id);
  const state = q.get('state');
  const reviewer = q.get('reviewer') ?? '';
  const changed = state === 'todo' || state === 'text-changed' ? new Set(textChangedMarkings(ctx.db, ctx.custodianId, id).map((t) => t.markingId)) : new Set<number>();
  const keep = (p: MarkedPosition): boolean =>
    !state ? true
      : state === 'todo' ? p.bucket === 'open' || (p.bucket === 'pending' && !(reviewer && p.pendingReviewer && sameReviewer(p.pendingReviewer, reviewer))) || changed.has(p.markingId)
        : state === 'text-changed' ? changed.has(p.markingId)
          : p.bucket === state;
  const out: { index: number; messageId: number; markingIds: number[] }[] = [];
  for (const p of markedMessagePositions(ctx.db, id, shapeOf(ctx, id))) {
    if (!keep(p)) continue;
    const last = out[out.length - 1];
    if (last && last.messageId === p.messageId) last.markingIds.push(p.markingId);
    else out.push({ index: p.index, messageId: p.messageId, markingIds: [p.markingId] });
  }
  return { positions: out };
}

export function messageIndex(ctx: ApiContext, messageId: number) {
  const p = messagePosition(ctx.db, messageId);
  if (!p) throw new ApiError(404, `message ${messageId} not found`, 'not-found');
  ownConversation(ctx, p.conversationId);
  return p;
}

export function markingDetail(ctx: ApiContext, id: number) {
  const m = getReviewMarkings(ctx.db, [id])[0];
  if (!m || m.custodianId !== ctx.custodianId) throw new ApiError(404, `marking ${id} not found`, 'not-found');
  return { marking: withSummary(markingView(m)), decisions: decisionsFor(ctx.db, [id]).get(id) ?? [] };
}

/**
 * What a bulk action on the conversation (optionally one rule) would cover: counts per state, and every rule suggestion
 * in scope with the id of its latest decision. The page shows the counts in its confirmation dialog and sends
 * `lastDecisionIds` back with the bulk, so the server refuses (409 stale) when anything in scope changed in between.
 */
export function bulkScope(ctx: ApiContext, id: number, q: URLSearchParams) {
  ownConversation(ctx, id);
  const ruleId = q.get('rule') || undefined;
  const ms = getReviewMarkings(ctx.db, conversationSuggestionIds(ctx.db, id, ruleId));
  const counts = emptyCounts();
  const lastDecisionIds: Record<string, number | null> = {};
  for (const m of ms) {
    counts[m.bucket]++;
    counts.total++;
    lastDecisionIds[String(m.id)] = m.lastDecision?.id ?? null;
  }
  return { conversationId: id, ruleId: ruleId ?? null, counts, lastDecisionIds };
}

export function preview(ctx: ApiContext, id: number, q: URLSearchParams) {
  ownConversation(ctx, id);
  if (!ctx.preview) throw new ApiError(501, 'the preview of the geschoonde set is not available', 'no-preview');
  const { offset, limit } = pageArgs(q);
  return previewPage(ctx.preview, ctx.db, ctx.custodianId, id, offset, limit, shapeOf(ctx, id));
}

const reviewerSchema = z.string().trim().min(1, 'reviewer name required').max(200);
const reasonSchema = z.string().max(MAX_REASON).nullish();
const categorySchema = z.enum(CATEGORIES);

/**
 * What the page showed: marking id → the id of its latest decision (MarkingView `lastDecision.id`), null when none.
 * Required, so a stale page cannot skip the check.
 */
const lastDecisionIdsSchema = z.record(
  z.string().regex(/^[1-9][0-9]{0,14}$/, 'expected a marking id'),
  z.number().int().positive().nullable(),
  { error: 'required: lastDecisionIds, { "<markingId>": <id of the latest decision the page showed> | null }' },
);

const toExpected = (r: Record<string, number | null>): ExpectedDecisions => new Map(Object.entries(r).map(([k, v]) => [Number(k), v]));

const decideBody = z.object({
  markingIds: z.array(z.number().int().positive()).min(1).max(100_000),
  action: z.enum(['confirm', 'reject', 'change', 'undo']),
  category: categorySchema.optional(),
  reviewer: reviewerSchema,
  reason: reasonSchema,
  /** Every marking of markingIds with the latest decision the page showed for it. */
  lastDecisionIds: lastDecisionIdsSchema,
});

const bulkBody = z.object({
  conversationId: z.number().int().positive(),
  ruleId: z.string().min(1).optional(),
  action: z.enum(['confirm', 'reject', 'change']),
  category: categorySchema.optional(),
  reviewer: reviewerSchema,
  reason: reasonSchema,
  /** The scope as GET /api/conversations/:id/bulk-scope gave it (every suggestion in scope, with its latest decision). */
  lastDecisionIds: lastDecisionIdsSchema,
});

const markBody = z.object({
  level: z.enum(['contact', 'conversation', 'message', 'passage']),
  targetId: z.number().int().positive(),
  span: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).nullish(),
  /** The `textSha256` of the message view the span was chosen in; required for passages (a stale page cannot skip it). */
  textSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the hex SHA-256 of the message text (textSha256 of the message)').nullish(),
  category: categorySchema,
  reviewer: reviewerSchema,
  reason: reasonSchema,
}).refine((b) => b.level !== 'passage' || !!b.textSha256, {
  path: ['textSha256'],
  message: 'required for a passage marking: the textSha256 of the message text the span was chosen in',
});

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new ApiError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

const fresh = (ctx: ApiContext, ids: number[]) => getReviewMarkings(ctx.db, ids).map(markingView).map(withSummary);

export function postDecide(ctx: ApiContext, body: unknown) {
  const { lastDecisionIds, ...b } = parse(decideBody, body);
  const decided = decide(ctx.db, { ...b, expected: toExpected(lastDecisionIds), custodianId: ctx.custodianId });
  return { decided, markings: fresh(ctx, decided.map((d) => d.markingId)) };
}

export function postBulk(ctx: ApiContext, body: unknown) {
  const { lastDecisionIds, ...b } = parse(bulkBody, body);
  const r = decideBulk(ctx.db, { ...b, expected: toExpected(lastDecisionIds), custodianId: ctx.custodianId });
  // `undo`: what the page needs to undo the whole bulk with one request (every decision it recorded, by marking).
  const undo = r.decided.filter((d) => d.decisionId !== null).map((d) => ({ markingId: d.markingId, decisionId: d.decisionId }));
  // `deliveredInGeschoond`: the decisions that withhold messages an earlier geschoonde set delivered (see DecisionOutcome).
  const delivered = r.decided.filter((d) => d.deliveredInGeschoond);
  return {
    decided: r.decided.length, skipped: r.skipped, decisionIds: r.decided.map((d) => d.decisionId), undo,
    ...(delivered.length ? { deliveredInGeschoond: { decisions: delivered.length, package: latestPackage(delivered.map((d) => d.deliveredInGeschoond!.package)) } } : {}),
  };
}

/** The newest of some package names (`…_levering-<n>_<set>`): numbers compare as numbers, so levering-10 follows levering-9. */
const latestPackage = (names: (string | null)[]): string | null =>
  names.filter((n): n is string => n !== null).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? null;

export function postMark(ctx: ApiContext, body: unknown) {
  const b = parse(markBody, body);
  const r = mark(ctx.db, { ...b, span: b.span ?? null, textSha256: b.textSha256 ?? null, custodianId: ctx.custodianId });
  return { ...r, marking: fresh(ctx, [r.markingId])[0] };
}

/** HTTP status for a review error code. */
export function statusFor(e: ReviewError): number {
  switch (e.code) {
    case 'not-found': return 404;
    case 'other-custodian': return 403;
    case 'reason-required': return 422;
    case 'invalid': return 400;
    case 'text-changed': return 409;
    case 'stale': return 409;
    default: return 409;
  }
}
