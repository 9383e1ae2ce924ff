/**
 * JSON shapes of the review (API and `review list --json`). A MarkingView carries the issue-4 marking contract fields
 * (`id`, `level`, `targetId`, `span`, `category`, `status`, `ruleId`, `evidence`) plus the review state.
 */
import crypto from 'node:crypto';
import type { ConversationJson, MessageJson } from '../store/messages.js';
import type { LastDecision, ProgressRow, ReviewBucket, ReviewMarkingRow } from '../store/review.js';

export interface MarkingView {
  id: number;
  level: 'contact' | 'conversation' | 'message' | 'passage';
  targetId: number;
  span: [number, number] | null;
  /** Effective category (what the marking says now). */
  category: string;
  status: 'suggested' | 'confirmed' | 'rejected' | 'changed';
  ruleId: string | null;
  evidence: Record<string, unknown>;
  /** What the rule (or the manual marker) said. */
  suggestedCategory: string;
  origin: 'rule' | 'manual';
  /** False when the current rules no longer make this suggestion (its decision, if any, stays). */
  active: boolean;
  /** open | pending (awaits a second reviewer) | decided | lapsed (undecided and no longer suggested). */
  state: ReviewBucket;
  awaitingSecond: LastDecision | null;
  lastDecision: LastDecision | null;
  conversationId: number | null;
  conversationTitle: string | null;
  /** For contact markings: the contact's display name, else its number. */
  contactName: string | null;
  messageSeq: number | null;
  /**
   * True when the decision in force was made on an earlier text of the message: a later source brought a newer text
   * (a zakelijk message marking the export treats as unreviewed, or a passage marking that pins the earlier text).
   * A new decision on the marking clears it.
   */
  textChangedSinceDecision: boolean;
  /** The source that brought the newer text (null when not flagged, or unknown). */
  textChangedBySource: number | null;
}

export function markingView(r: ReviewMarkingRow): MarkingView {
  return {
    id: r.id,
    level: r.level,
    targetId: r.targetId,
    span: r.span,
    category: r.category,
    status: r.status,
    ruleId: r.ruleId,
    evidence: r.evidence,
    suggestedCategory: r.suggestedCategory,
    origin: r.origin,
    active: r.active,
    state: r.bucket,
    awaitingSecond: r.pending,
    lastDecision: r.lastDecision,
    conversationId: r.conversationId,
    conversationTitle: r.conversationTitle,
    contactName: r.contactName,
    messageSeq: r.messageSeq,
    textChangedSinceDecision: r.textChanged !== null,
    textChangedBySource: r.textChanged?.sourceId ?? null,
  };
}

/**
 * The fingerprint of a message text: lowercase hex SHA-256 of its UTF-8 bytes. The page sends back the fingerprint of
 * the text it showed with a passage marking, so that a span is never laid on a text that changed in between.
 */
export function textSha256(text: string | null | undefined): string {
  return crypto.createHash('sha256').update(text ?? '', 'utf8').digest('hex');
}

/** A message as the review API sends it: the contract JSON plus the fingerprint of its text. */
export type MessageView = MessageJson & { textSha256: string };

export function messageView(m: MessageJson): MessageView {
  return { ...m, textSha256: textSha256(m.text) };
}

export interface Counts { open: number; pending: number; decided: number; lapsed: number; total: number }

export const emptyCounts = (): Counts => ({ open: 0, pending: 0, decided: 0, lapsed: 0, total: 0 });

export interface ConversationSummary {
  id: number;
  title: string;
  platform: string;
  isGroup: boolean;
  messageCount: number;
  firstAt: string | null;
  lastAt: string | null;
  counts: Counts;
  /** Markings per effective category (all states). */
  categories: Record<string, number>;
  rules: string[];
}

/** Joins conversations with their marking counts. */
export function conversationSummaries(convs: ConversationJson[], progress: ProgressRow[]): ConversationSummary[] {
  const by = new Map<number, ConversationSummary>();
  for (const c of convs) {
    by.set(c.id, {
      id: c.id, title: c.title, platform: c.platform, isGroup: c.isGroup, messageCount: c.messageCount, firstAt: c.firstAt, lastAt: c.lastAt,
      counts: emptyCounts(), categories: {}, rules: [],
    });
  }
  for (const p of progress) {
    const s = by.get(p.conversationId);
    if (!s) continue;
    s.counts[p.bucket] += p.n;
    s.counts.total += p.n;
    s.categories[p.category] = (s.categories[p.category] ?? 0) + p.n;
    if (p.ruleId && !s.rules.includes(p.ruleId)) s.rules.push(p.ruleId);
  }
  for (const s of by.values()) s.rules.sort();
  return [...by.values()];
}

/** The words of evidenceSummary: Dutch for the review page, English for the CLI's tables (its convention). */
const SUMMARY_WORDS = { nl: { manual: 'handmatig', beats: 'wint van' }, en: { manual: 'manual', beats: 'beats' } } as const;

/**
 * A short human description of why a marking was suggested: rule id, the matched term(s) (rule engine evidence
 * `hits[].matched` / `hits[].term`, or a top-level term/pattern/contact field), and the rules it won over.
 */
export function evidenceSummary(m: Pick<MarkingView, 'ruleId' | 'evidence' | 'origin'>, lang: keyof typeof SUMMARY_WORDS = 'nl'): string {
  const e = m.evidence ?? {};
  const words = SUMMARY_WORDS[lang];
  if (m.origin === 'manual') return `${words.manual}${typeof e.markedBy === 'string' ? ` (${e.markedBy})` : ''}`;
  const terms: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v) terms.push(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  if (Array.isArray(e.hits)) {
    for (const h of e.hits as Record<string, unknown>[]) if (h && typeof h === 'object') add(h.matched ?? h.term);
  }
  for (const k of ['term', 'terms', 'matched', 'match', 'pattern', 'contact', 'title', 'phone', 'name', 'kind']) add(e[k]);
  const shown = [...new Set(terms)];
  const losers = Array.isArray(e.losers) ? (e.losers as Record<string, unknown>[]).map((l) => l?.rule).filter((r): r is string => typeof r === 'string') : [];
  return [
    m.ruleId ?? '',
    shown.length ? `"${shown.slice(0, 5).join('", "')}"${shown.length > 5 ? ` (+${shown.length - 5})` : ''}` : '',
    losers.length ? `· ${words.beats} ${losers.join(', ')}` : '',
  ].filter(Boolean).join(' ');
}
