/**
 * Every query the status report needs: per custodian, its messages, markings, reviews, rule runs and exports, now or
 * as they stood at an as-of cut-off. Returns plain facts; `src/report/status.ts` computes on them.
 */
import type { DB } from './db.js';
import { decisionsFor, type MarkingStatus } from './decisions.js';
import { projection, replay } from '../review/state.js';

export interface ExportFact {
  count: number;
  lastCreatedAt: string | null;
  lastPeriodTo: string | null;
}

/** What the status report needs of one custodian's markings, reviews and exports. */
export interface StatusFact {
  custodianId: string;
  messages: number;
  /** Messages covered by a decided (confirmed/changed) privé or partijpolitiek marking at any level. */
  nonBusinessMessages: number;
  /** Markings a reviewer decided (confirmed, changed or rejected), any category. */
  decidedMarkings: number;
  /** Decided privé/partijpolitiek markings on messages and passages (schoning/markering). */
  decidedMessageMarkings: number;
  openSuggestions: number;
  /** Privé/partijpolitiek markings (not rejected) that exclude whole contacts or conversations. */
  exclusions: { contacts: number; conversations: number; decided: number; byRule: number };
  tagRuns: number;
  exports: { ruw: ExportFact; geschoond: ExportFact };
  /** The time of the custodian's latest message (ms), or null without messages. */
  lastMessageMs: number | null;
}

const NON_BUSINESS = `('privé','partijpolitiek')`;
const DECIDED = `('confirmed','changed')`;

/**
 * The cut-off of `report status --as-of` for one custodian: the state of the store at the end of the as-of day.
 *
 * Messages count from the veiligstellingen that existed by then, by the coverage report's rule (its read-out, else its
 * ingest, before the end of the day): what the department had secured on that day, so that the rows agree with the
 * frequency row. A phone read out on 30 June and loaded on 2 July was secured on 30 June. Reviews, rule runs and
 * exports have no such earlier moment: only what was recorded before the end of the day counts (markings created,
 * decisions decided, tag runs run and exports made before `before`); a marking's state is its decisions up to then,
 * replayed. Whether a rule suggestion was still produced by the rules (`active`) is not kept over time: its current
 * value is used.
 */
export interface StatusCutoff {
  /** Exclusive end of the as-of day, a UTC ISO instant like the stored times (`nowIso`). */
  before: string;
  /** Veiligstellingen that existed by then; only the messages of their sources count. */
  veiligstellingIds: readonly number[];
}

/**
 * Status facts of each custodian: the current state, or for a custodian in `cutoffs` the state at its cut-off (see
 * `StatusCutoff`).
 */
export function loadStatusFacts(db: DB, custodianIds: readonly string[], cutoffs: ReadonlyMap<string, StatusCutoff> = new Map()): StatusFact[] {
  const current = custodianIds.filter((id) => !cutoffs.has(id));
  const now = new Map(loadCurrentStatusFacts(db, current).map((f) => [f.custodianId, f]));
  return custodianIds.map((id) => now.get(id) ?? statusFactAsOf(db, id, cutoffs.get(id)!));
}

function loadCurrentStatusFacts(db: DB, custodianIds: readonly string[]): StatusFact[] {
  if (!custodianIds.length) return [];
  const one = (sql: string) => db.prepare(sql);
  const messages = one('SELECT COUNT(*) AS n, MAX(m.sent_at_ms) AS last FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.custodian_id = ?');
  const covered = one(
    `WITH nb AS (SELECT level, target_id FROM markings WHERE custodian_id = ? AND status IN ${DECIDED} AND category IN ${NON_BUSINESS}),
     covered AS (
       SELECT target_id AS mid FROM nb WHERE level IN ('message','passage')
       UNION SELECT m.id FROM nb JOIN messages m ON m.conversation_id = nb.target_id WHERE nb.level = 'conversation'
       UNION SELECT m.id FROM nb JOIN conversation_participants p ON p.contact_id = nb.target_id
         JOIN conversations c ON c.id = p.conversation_id AND c.is_group = 0 JOIN messages m ON m.conversation_id = c.id WHERE nb.level = 'contact'
       UNION SELECT m.id FROM nb JOIN messages m ON m.sender_contact_id = nb.target_id WHERE nb.level = 'contact')
     SELECT COUNT(*) AS n FROM covered`,
  );
  const markingCounts = one(
    `SELECT
       SUM(status IN ('confirmed','changed','rejected')) AS decided,
       SUM(status IN ${DECIDED} AND category IN ${NON_BUSINESS} AND level IN ('message','passage')) AS decided_msg,
       SUM(status = 'suggested' AND active = 1) AS open,
       SUM(status <> 'rejected' AND category IN ${NON_BUSINESS} AND level = 'contact') AS ex_contacts,
       SUM(status <> 'rejected' AND category IN ${NON_BUSINESS} AND level = 'conversation') AS ex_conversations,
       SUM(status IN ${DECIDED} AND category IN ${NON_BUSINESS} AND level IN ('contact','conversation')) AS ex_decided,
       SUM(status <> 'rejected' AND category IN ${NON_BUSINESS} AND level IN ('contact','conversation') AND origin = 'rule') AS ex_rule
     FROM markings WHERE custodian_id = ?`,
  );
  const tagRuns = one('SELECT COUNT(*) AS n FROM tag_runs WHERE custodian_id = ?');
  const exportsOf = one(
    `SELECT COUNT(*) AS n, MAX(created_at) AS last_at, MAX(period_to) AS last_to FROM exports WHERE custodian_id = ? AND set_kind = ?`,
  );
  const exp = (id: string, kind: string): ExportFact => {
    const r = exportsOf.get(id, kind) as { n: number; last_at: string | null; last_to: string | null };
    return { count: r.n, lastCreatedAt: r.last_at, lastPeriodTo: r.last_to };
  };
  return custodianIds.map((id) => {
    const m = markingCounts.get(id) as Record<string, number | null>;
    const n = (k: string) => m[k] ?? 0;
    const msg = messages.get(id) as { n: number; last: number | null };
    return {
      custodianId: id,
      messages: msg.n,
      lastMessageMs: msg.last,
      nonBusinessMessages: (covered.get(id) as { n: number }).n,
      decidedMarkings: n('decided'),
      decidedMessageMarkings: n('decided_msg'),
      openSuggestions: n('open'),
      exclusions: { contacts: n('ex_contacts'), conversations: n('ex_conversations'), decided: n('ex_decided'), byRule: n('ex_rule') },
      tagRuns: (tagRuns.get(id) as { n: number }).n,
      exports: { ruw: exp(id, 'ruw'), geschoond: exp(id, 'geschoond') },
    };
  });
}

interface MarkingAsOfRow {
  id: number; level: string; target_id: number; origin: 'rule' | 'manual'; suggested_category: string; category: string; status: MarkingStatus; active: number;
}

/** One custodian's status facts at a cut-off (see `StatusCutoff`). */
function statusFactAsOf(db: DB, custodianId: string, cut: StatusCutoff): StatusFact {
  // The markings that existed, in the state their decisions up to the cut-off gave them. A marking without later
  // decisions is in its stored state; the others replay the decisions before the first later one.
  const markings = db
    .prepare('SELECT id, level, target_id, origin, suggested_category, category, status, active FROM markings WHERE custodian_id = ? AND created_at < ? ORDER BY id')
    .all(custodianId, cut.before) as MarkingAsOfRow[];
  const laterIds = db
    .prepare('SELECT DISTINCT d.marking_id FROM decisions d JOIN markings k ON k.id = d.marking_id WHERE k.custodian_id = ? AND k.created_at < ? AND d.decided_at >= ?')
    .pluck()
    .all(custodianId, cut.before, cut.before) as number[];
  const decisions = decisionsFor(db, laterIds);
  for (const m of markings) {
    const ds = decisions.get(m.id);
    if (!ds) continue;
    const first = ds.findIndex((d) => d.decidedAt >= cut.before);
    const base = { origin: m.origin, suggestedCategory: m.suggested_category };
    try {
      const p = projection(base, replay(base, first < 0 ? ds : ds.slice(0, first)).state);
      m.status = p.status;
      m.category = p.category;
    } catch {
      // A log that does not replay (audit verify reports it) keeps the stored state.
    }
  }
  const nonBusiness = (m: MarkingAsOfRow) => m.category === 'privé' || m.category === 'partijpolitiek';
  const decided = (m: MarkingAsOfRow) => m.status === 'confirmed' || m.status === 'changed';
  const count = (f: (m: MarkingAsOfRow) => boolean) => markings.filter(f).length;
  const exclusion = (m: MarkingAsOfRow) => m.status !== 'rejected' && nonBusiness(m) && (m.level === 'contact' || m.level === 'conversation');
  const nb = markings.filter((m) => decided(m) && nonBusiness(m));
  // Target ids per level, each read once as a list (a join on one JSON list put its scan innermost: quadratic).
  const ids = (...levels: string[]) => JSON.stringify(nb.filter((m) => levels.includes(m.level)).map((m) => m.target_id));

  const msg = db
    .prepare(
      `WITH ks AS (SELECT id FROM sources WHERE custodian_id = ? AND veiligstelling_id IN (SELECT value FROM json_each(?))),
       known AS MATERIALIZED (
         SELECT m.id, m.conversation_id, m.sender_contact_id, m.sent_at_ms FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.custodian_id = ? AND (m.first_source_id IN ks OR EXISTS (SELECT 1 FROM message_sightings g WHERE g.message_id = m.id AND g.source_id IN ks))),
       covered AS (
         SELECT k.id FROM known k WHERE k.id IN (SELECT value FROM json_each(?))
         UNION SELECT k.id FROM known k WHERE k.conversation_id IN (SELECT value FROM json_each(?))
         UNION SELECT k.id FROM known k JOIN conversations c ON c.id = k.conversation_id AND c.is_group = 0
           WHERE EXISTS (SELECT 1 FROM conversation_participants p WHERE p.conversation_id = c.id AND p.contact_id IN (SELECT value FROM json_each(?)))
         UNION SELECT k.id FROM known k WHERE k.sender_contact_id IN (SELECT value FROM json_each(?)))
       SELECT (SELECT COUNT(*) FROM known) AS n, (SELECT MAX(sent_at_ms) FROM known) AS last, (SELECT COUNT(*) FROM covered) AS covered`,
    )
    .get(custodianId, JSON.stringify(cut.veiligstellingIds), custodianId, ids('message', 'passage'), ids('conversation'), ids('contact'), ids('contact')) as { n: number; last: number | null; covered: number };
  const tagRuns = db.prepare('SELECT COUNT(*) FROM tag_runs WHERE custodian_id = ? AND at < ?').pluck().get(custodianId, cut.before) as number;
  const exp = (kind: string): ExportFact => {
    const r = db
      .prepare('SELECT COUNT(*) AS n, MAX(created_at) AS last_at, MAX(period_to) AS last_to FROM exports WHERE custodian_id = ? AND set_kind = ? AND created_at < ?')
      .get(custodianId, kind, cut.before) as { n: number; last_at: string | null; last_to: string | null };
    return { count: r.n, lastCreatedAt: r.last_at, lastPeriodTo: r.last_to };
  };
  return {
    custodianId,
    messages: msg.n,
    lastMessageMs: msg.last,
    nonBusinessMessages: msg.covered,
    decidedMarkings: count((m) => decided(m) || m.status === 'rejected'),
    decidedMessageMarkings: count((m) => decided(m) && nonBusiness(m) && (m.level === 'message' || m.level === 'passage')),
    openSuggestions: count((m) => m.status === 'suggested' && m.active === 1),
    exclusions: {
      contacts: count((m) => exclusion(m) && m.level === 'contact'),
      conversations: count((m) => exclusion(m) && m.level === 'conversation'),
      decided: count((m) => exclusion(m) && decided(m)),
      byRule: count((m) => exclusion(m) && m.origin === 'rule'),
    },
    tagRuns,
    exports: { ruw: exp('ruw'), geschoond: exp('geschoond') },
  };
}
