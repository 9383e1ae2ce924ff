/**
 * The review state machine (pure). A marking's decided state is a function of its decisions in order, so the stored
 * `markings.status/category` and `review_pending` are a projection that `audit verify` can recompute from the log.
 *
 * - confirm / reject / change / mark: a decision. With four-eyes (`needsSecond`) it becomes the marking's pending
 *   proposal and changes nothing until a different reviewer records `second-confirm`; otherwise it takes effect.
 * - second-confirm: puts the pending proposal into effect; the reviewer must differ from the proposer.
 * - undo: reverts the latest decision that is still in force (a stack), restoring the state before it.
 * A rule suggestion starts as `suggested`; a manual marking starts "not in force" (`rejected`) until its `mark` counts.
 */
import type { DecisionRecord, MarkingStatus } from '../store/decisions.js';

export interface ReviewState {
  status: MarkingStatus;
  category: string;
  /** The four-eyes proposal waiting for a second reviewer. */
  pending: DecisionRecord | null;
}

export interface Replay {
  state: ReviewState;
  /** Decisions still in force, oldest first, each with the state before it (for undo). */
  stack: { decision: DecisionRecord; before: ReviewState }[];
}

export interface MarkingBase {
  origin: 'rule' | 'manual';
  suggestedCategory: string;
}

export class ReplayError extends Error {
  constructor(message: string, readonly decisionId: number) {
    super(message);
    this.name = 'ReplayError';
  }
}

export function initialState(m: MarkingBase): ReviewState {
  return m.origin === 'rule'
    ? { status: 'suggested', category: m.suggestedCategory, pending: null }
    : { status: 'rejected', category: m.suggestedCategory, pending: null };
}

/** What a decision puts into effect. Every decision records the category it is about. */
export function outcomeOf(d: Pick<DecisionRecord, 'action' | 'category'>, fallbackCategory: string): { status: MarkingStatus; category: string } {
  const category = d.category ?? fallbackCategory;
  switch (d.action) {
    case 'confirm':
    case 'mark':
      return { status: 'confirmed', category };
    case 'reject':
      return { status: 'rejected', category };
    case 'change':
      return { status: 'changed', category };
    default:
      throw new Error(`${d.action} has no outcome of its own`);
  }
}

/** Applies one decision; throws ReplayError when the sequence is impossible (e.g. a second-confirm by the proposer). */
export function applyDecision(m: MarkingBase, r: Replay, d: DecisionRecord): Replay {
  const { state } = r;
  switch (d.action) {
    case 'confirm':
    case 'reject':
    case 'change':
    case 'mark': {
      const next: ReviewState = d.needsSecond ? { ...state, pending: d } : { ...outcomeOf(d, state.category), pending: null };
      return { state: next, stack: [...r.stack, { decision: d, before: state }] };
    }
    case 'second-confirm': {
      const p = state.pending;
      if (!p) throw new ReplayError(`decision ${d.id}: second-confirm without a pending proposal`, d.id);
      if (sameReviewer(p.reviewer, d.reviewer)) throw new ReplayError(`decision ${d.id}: ${d.reviewer} confirmed their own proposal ${p.id}`, d.id);
      return { state: { ...outcomeOf(p, state.category), pending: null }, stack: [...r.stack, { decision: d, before: state }] };
    }
    case 'undo': {
      const top = r.stack[r.stack.length - 1];
      if (!top) throw new ReplayError(`decision ${d.id}: undo with nothing to undo`, d.id);
      if (d.undoes !== null && d.undoes !== top.decision.id) throw new ReplayError(`decision ${d.id}: undoes ${d.undoes}, but the latest decision in force is ${top.decision.id}`, d.id);
      return { state: top.before, stack: r.stack.slice(0, -1) };
    }
  }
}

export function replay(m: MarkingBase, decisions: readonly DecisionRecord[]): Replay {
  let r: Replay = { state: initialState(m), stack: [] };
  for (const d of decisions) r = applyDecision(m, r, d);
  return r;
}

/**
 * The stored form of a state. A manual marking that is not in force but has a pending proposal is stored as
 * `suggested` (undecided), so the export treats it as open: the privacy-safe reading. Also when the proposal is a
 * rejection: a second reviewer who rejects a marking still awaiting its second reviewer replaces that proposal with
 * their own, and one reviewer's word must not deliver what another marked privé (a rule suggestion in the same
 * disagreement stays `suggested` too).
 */
export function projection(m: MarkingBase, s: ReviewState): { status: MarkingStatus; category: string; pendingDecisionId: number | null } {
  if (s.pending && m.origin === 'manual' && s.status === 'rejected') {
    return { status: 'suggested', category: outcomeOf(s.pending, s.category).category, pendingDecisionId: s.pending.id };
  }
  return { status: s.status, category: s.category, pendingDecisionId: s.pending?.id ?? null };
}

/**
 * Reviewer names compare case- and space-insensitively, so "J. Jansen" and "j.  jansen" are one person; and by
 * compatibility form without invisible characters and with one apostrophe, hyphen and quote, so that "Ａlice"
 * (full-width), "Alice" with a zero-width space or "van ’t Hoff" for "van 't Hoff" cannot pass for a second reviewer.
 */
export function sameReviewer(a: string, b: string): boolean {
  return normalizeReviewer(a) === normalizeReviewer(b);
}

export function normalizeReviewer(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/gu, '')
    // Typographic variants that autocorrect and copying swap freely: one apostrophe, one hyphen, one quote.
    .replace(/[\u2018\u2019\u201A\u201B\u02BC\u02BB\u02B9\uA78C\u00B4\u0060\u2032]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .toLocaleLowerCase('nl')
    // Punctuation and spacing are no part of who someone is: "Anna." and "A-nna" are "Anna" (and "J. de Vries" is
    // "J de Vries"), so a trailing dot cannot make one reviewer a second one.
    .replace(/[\p{P}\s]/gu, '');
}

/**
 * Why a reviewer name cannot be recorded, or null. Any Latin-script name goes, with the punctuation people type in
 * names ("J. de Vries-van ‘t Hoff", "Ç. Yılmaz", "j.jansen@minbzk.nl / BZK"). Refused: invisible and control
 * characters, letters of another script and digits other than 0-9, which could make one person's name look like
 * another's (Cyrillic "А" for "A") and so let them confirm their own proposal as a second reviewer.
 */
export function reviewerNameProblem(name: string): string | null {
  for (const c of name.normalize('NFKC')) {
    const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800\u3164\uFFA0]/u.test(c)) return `the reviewer name '${name}' holds ${code}, an invisible or control character: type the name again`;
    if (/\p{L}/u.test(c) && !/[\p{Script=Latin}\p{Script=Common}]/u.test(c)) {
      return `the reviewer name '${name}' holds '${c}' (${code}), a letter of another script than Latin, which can look like a Latin one: type the name in Latin letters`;
    }
    if (/\p{N}/u.test(c) && !/[0-9]/.test(c)) return `the reviewer name '${name}' holds '${c}' (${code}), a digit other than 0-9`;
  }
  return null;
}
