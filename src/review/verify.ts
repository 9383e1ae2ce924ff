/**
 * `audit verify`: checks every custodian's hash chain, then that the decisions table and the markings' stored state
 * agree with what the log says happened. Streams the log; memory grows with the number of reviewed markings only.
 */
import { entryHash, GENESIS_HASH, iterateAudit, type AuditEntry } from '../store/audit.js';
import { getCustodian, SECOND_REVIEWER_ACTION } from '../store/custodians.js';
import type { DB } from '../store/db.js';
import { getMarking, iterateDecisions, iterateReviewedMarkings, pendingFor, type DecisionRecord, type MarkingRecord } from '../store/decisions.js';
import { applyDecision, initialState, projection, ReplayError, type MarkingBase, type Replay } from './state.js';

export type FindingCode =
  | 'entry-edited' | 'entry-missing' | 'entries-reordered' | 'seq-gap' | 'time-order' | 'custodian-mismatch'
  | 'decision-without-entry' | 'entry-without-decision' | 'decision-disagrees' | 'marking-disagrees' | 'marking-without-entry'
  | 'marking-missing' | 'impossible-sequence' | 'setting-disagrees';

export interface Finding {
  code: FindingCode;
  message: string;
  seq?: number;
  custodianId?: string | null;
  decisionId?: number;
  markingId?: number;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  chains: { custodianId: string; entries: number; headSeq: number; headHash: string }[];
  decisionsChecked: number;
  markingsChecked: number;
  findings: Finding[];
}

interface LoggedDecision { seq: number; decision: DecisionRecord; custodianId: string | null; marking: Record<string, unknown> | null }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The decision an audit entry describes, or null for entries that are not decisions. */
function loggedDecision(e: AuditEntry): LoggedDecision | null {
  if (!e.action.startsWith('decision.')) return null;
  const p = e.payload;
  const decision: DecisionRecord = {
    id: num(p.decisionId) ?? -1,
    markingId: num(p.markingId) ?? -1,
    action: String(p.action) as DecisionRecord['action'],
    category: str(p.category),
    reviewer: e.actor,
    reason: str(p.reason),
    decidedAt: e.at,
    auditSeq: e.seq,
    undoes: num(p.undoes),
    needsSecond: p.needsSecond === true,
  };
  const marking = p.marking && typeof p.marking === 'object' ? (p.marking as Record<string, unknown>) : null;
  return { seq: e.seq, decision, custodianId: str(p.custodianId), marking };
}

/** Checks the chains; returns the decisions the log describes, by decision id. */
function checkChains(db: DB, custodianId: string | undefined, report: VerifyReport): Map<number, LoggedDecision> {
  const f = report.findings;
  const logged = new Map<number, LoggedDecision>();
  const chains = new Map<string, { entries: number; headSeq: number; headHash: string; seen: Map<string, number>; lastAt: string; fourEyes?: { seq: number; on: boolean } }>();
  let lastSeq = 0;
  for (const e of iterateAudit(db)) {
    report.entries++;
    if (e.seq !== lastSeq + 1) {
      f.push({ code: 'seq-gap', seq: e.seq, message: `audit entries #${lastSeq + 1}${e.seq - 1 > lastSeq + 1 ? `–#${e.seq - 1}` : ''} are missing (deleted) before entry #${e.seq}` });
    }
    lastSeq = e.seq;
    const owner = str(e.payload.custodianId);
    if (owner !== e.custodianId) {
      f.push({ code: 'custodian-mismatch', seq: e.seq, custodianId: e.custodianId, message: `entry #${e.seq} is filed under custodian ${e.custodianId ?? '(none)'} but its content names ${owner ?? '(none)'}` });
    }
    const chainId = e.custodianId ?? owner ?? '';
    if (custodianId !== undefined && chainId !== custodianId && owner !== custodianId) continue;
    const c = chains.get(chainId) ?? { entries: 0, headSeq: 0, headHash: GENESIS_HASH, seen: new Map<string, number>(), lastAt: '' };
    chains.set(chainId, c);
    if (entryHash(e) !== e.hash) {
      f.push({ code: 'entry-edited', seq: e.seq, custodianId: chainId, message: `entry #${e.seq} (${e.action} by ${e.actor}) was edited: its content no longer matches its hash` });
    }
    if (e.prevHash !== c.headHash) {
      const earlier = c.seen.get(e.prevHash);
      f.push(earlier !== undefined
        ? { code: 'entries-reordered', seq: e.seq, custodianId: chainId, message: `entry #${e.seq} links to entry #${earlier}, not to the entry before it (#${c.headSeq || 'start'}): entries were reordered or inserted` }
        : { code: 'entry-missing', seq: e.seq, custodianId: chainId, message: `entry #${e.seq} links to an entry that is not in the log: the entry before it was deleted or edited` });
    }
    if (c.lastAt && e.at < c.lastAt) {
      f.push({ code: 'time-order', seq: e.seq, custodianId: chainId, message: `entry #${e.seq} is dated ${e.at}, before its predecessor (${c.lastAt})` });
    }
    c.seen.set(e.hash, e.seq);
    c.entries++;
    c.headSeq = e.seq;
    c.headHash = e.hash;
    c.lastAt = e.at;
    if (e.action === SECOND_REVIEWER_ACTION && typeof e.payload.secondReviewer === 'boolean') c.fourEyes = { seq: e.seq, on: e.payload.secondReviewer };
    const d = loggedDecision(e);
    if (d) logged.set(d.decision.id, d);
  }
  report.chains = [...chains].map(([id, c]) => ({ custodianId: id, entries: c.entries, headSeq: c.headSeq, headHash: c.headHash }));
  for (const [id, c] of chains) if (c.fourEyes) checkFourEyes(db, id, c.fourEyes, f);
  return logged;
}

/**
 * The stored four-eyes setting must be the one the chain last logged. A chain that never logged a switch (a store
 * from before switches were logged, or a custodian never switched) has nothing to compare with.
 */
function checkFourEyes(db: DB, custodianId: string, last: { seq: number; on: boolean }, f: Finding[]): void {
  const stored = getCustodian(db, custodianId)?.secondReviewer;
  if (stored === undefined || stored === last.on) return;
  f.push({
    code: 'setting-disagrees', seq: last.seq, custodianId,
    message: `custodian ${custodianId} has four-eyes review ${stored ? 'on' : 'off'}, but the last switch in the log (entry #${last.seq}) turned it ${last.on ? 'on' : 'off'}: the setting was changed outside chatarchief`,
  });
}

const DECISION_FIELDS = ['markingId', 'action', 'category', 'reviewer', 'reason', 'decidedAt', 'undoes', 'needsSecond'] as const;

function checkDecisions(db: DB, custodianId: string | undefined, logged: Map<number, LoggedDecision>, report: VerifyReport): void {
  const seen = new Set<number>();
  for (const d of iterateDecisions(db, custodianId)) {
    report.decisionsChecked++;
    seen.add(d.id);
    const l = d.auditSeq === null ? undefined : logged.get(d.id);
    if (!l || l.seq !== d.auditSeq) {
      report.findings.push({ code: 'decision-without-entry', decisionId: d.id, markingId: d.markingId, message: `decision ${d.id} (${d.action} on marking ${d.markingId} by ${d.reviewer}) has no matching audit entry (#${d.auditSeq ?? '-'})` });
      continue;
    }
    const diff = DECISION_FIELDS.filter((k) => d[k] !== l.decision[k]);
    if (diff.length) {
      report.findings.push({ code: 'decision-disagrees', decisionId: d.id, markingId: d.markingId, seq: l.seq, message: `decision ${d.id} differs from audit entry #${l.seq} in: ${diff.map((k) => `${k} (${JSON.stringify(d[k])} vs logged ${JSON.stringify(l.decision[k])})`).join(', ')}` });
    }
  }
  for (const [id, l] of logged) {
    if (seen.has(id)) continue;
    if (custodianId !== undefined && l.custodianId !== custodianId) continue;
    report.findings.push({ code: 'entry-without-decision', seq: l.seq, decisionId: id, markingId: l.decision.markingId, message: `audit entry #${l.seq} records decision ${id} on marking ${l.decision.markingId}, but that decision row is gone` });
  }
}

function base(m: MarkingRecord | Record<string, unknown>): MarkingBase {
  return { origin: m.origin === 'manual' ? 'manual' : 'rule', suggestedCategory: String(m.suggestedCategory) };
}

/**
 * What a marking is (custodian, level, target, span, origin, rule, suggested category) as the log last recorded it,
 * compared with its stored row. None of these changes once a marking has a decision (a re-tag only flips `active`),
 * so any difference is an edit: a decided suggestion moved to another conversation would carry its decision there.
 */
function identityDiff(m: MarkingRecord, list: LoggedDecision[]): { seq: number; fields: string[] } | null {
  const l = [...list].reverse().find((x) => x.marking !== null);
  if (!l) return null;
  const snap = l.marking!;
  const want = {
    custodianId: l.custodianId, level: snap.level, targetId: snap.targetId, span: JSON.stringify(snap.span ?? null), origin: snap.origin ?? m.origin,
    ruleId: snap.ruleId === undefined ? m.ruleId : snap.ruleId, suggestedCategory: snap.suggestedCategory,
  };
  const have = { custodianId: m.custodianId, level: m.level, targetId: m.targetId, span: JSON.stringify(m.span), origin: m.origin, ruleId: m.ruleId, suggestedCategory: m.suggestedCategory };
  const fields = (Object.keys(want) as (keyof typeof want)[]).filter((k) => want[k] !== have[k]);
  return fields.length ? { seq: l.seq, fields } : null;
}

/** Replays one marking's logged decisions and compares the outcome with its stored row. */
function checkMarking(m: MarkingRecord & { pendingDecisionId: number | null }, list: LoggedDecision[], f: Finding[]): void {
  const first = list[0];
  if (m.origin === 'manual' && !(first?.decision.action === 'mark' && first.marking)) {
    f.push({ code: 'marking-without-entry', markingId: m.id, message: `manual marking ${m.id} (${m.level} ${m.targetId}) has no audit entry that created it` });
    return;
  }
  const moved = identityDiff(m, list);
  if (moved) {
    f.push({ code: 'marking-disagrees', markingId: m.id, seq: moved.seq, message: `${m.origin === 'manual' ? 'manual marking' : 'marking'} ${m.id} differs from its audit entry #${moved.seq} in: ${moved.fields.join(', ')}` });
  }
  const b = first?.marking ? base(first.marking) : base(m);
  let r: Replay = { state: initialState(b), stack: [] };
  try {
    for (const l of list) r = applyDecision(b, r, l.decision);
  } catch (e) {
    if (!(e instanceof ReplayError)) throw e;
    f.push({ code: 'impossible-sequence', markingId: m.id, decisionId: e.decisionId, message: `marking ${m.id}: ${e.message}` });
    return;
  }
  const want = projection(b, r.state);
  const undecidedRule = m.origin === 'rule' && want.status === 'suggested' && want.pendingDecisionId === null;
  const problems: string[] = [];
  if (m.status !== want.status) problems.push(`status is ${m.status}, the log says ${want.status}`);
  if (!undecidedRule && m.category !== want.category) problems.push(`category is ${m.category}, the log says ${want.category}`);
  if (m.pendingDecisionId !== want.pendingDecisionId) problems.push(`awaiting-second-reviewer proposal is ${m.pendingDecisionId ?? 'none'}, the log says ${want.pendingDecisionId ?? 'none'}`);
  if (problems.length) f.push({ code: 'marking-disagrees', markingId: m.id, message: `marking ${m.id} (${m.level} ${m.targetId}): ${problems.join('; ')}` });
}

/** Replays the logged decisions per marking and compares with the stored marking rows. */
function checkMarkings(db: DB, custodianId: string | undefined, logged: Map<number, LoggedDecision>, report: VerifyReport): void {
  const byMarking = new Map<number, LoggedDecision[]>();
  for (const l of [...logged.values()].sort((a, b) => a.seq - b.seq)) {
    if (custodianId !== undefined && l.custodianId !== custodianId) continue;
    const list = byMarking.get(l.decision.markingId) ?? [];
    list.push(l);
    byMarking.set(l.decision.markingId, list);
  }
  for (const m of iterateReviewedMarkings(db, custodianId)) {
    report.markingsChecked++;
    checkMarking(m, byMarking.get(m.id) ?? [], report.findings);
    byMarking.delete(m.id);
  }
  // Markings the log decided on but that no longer look reviewed (e.g. reset to `suggested` with their decisions deleted).
  for (const [id, list] of byMarking) {
    const m = getMarking(db, id);
    if (!m) {
      report.findings.push({ code: 'marking-missing', markingId: id, seq: list[0]!.seq, message: `the log records decisions on marking ${id}, but that marking row is gone` });
      continue;
    }
    report.markingsChecked++;
    checkMarking({ ...m, pendingDecisionId: pendingFor(db, [id]).get(id) ?? null }, list, report.findings);
  }
}

export function verifyAudit(db: DB, opts: { custodianId?: string } = {}): VerifyReport {
  const report: VerifyReport = { ok: true, entries: 0, chains: [], decisionsChecked: 0, markingsChecked: 0, findings: [] };
  const logged = checkChains(db, opts.custodianId, report);
  checkDecisions(db, opts.custodianId, logged, report);
  checkMarkings(db, opts.custodianId, logged, report);
  report.ok = report.findings.length === 0;
  return report;
}
