import type { DB } from './db.js';
import { nowIso } from './db.js';
import { shrinkPageCache } from './tagging.js';
import { markingFromRow, type MarkingDbRow, type MarkingLevel, type MarkingRecord, type MarkingStatus } from './decisions.js';

/**
 * Markings: rule suggestions (origin 'rule') and manual markings (origin 'manual', written by the review). This
 * module writes the rule engine's suggestions and lists markings; `decisions.ts` (review) changes their status and
 * owns the row mapping (`markingFromRow`).
 *
 * A marking is *decided* when its status is not 'suggested' or any decision row refers to it. Re-tagging never
 * touches a decided marking's status, category, suggested category or evidence: it only flips `active` (0 when the
 * current rules no longer produce the suggestion, 1 when they do again). Undecided suggestions that vanished are
 * deleted; undecided ones that still fire are updated in place (same id).
 *
 * A suggestion is identified by its key (level, target, span, rule) *and* its suggested category: when a rule's
 * category changes, a decided marking with the old category no longer matches, so it is deactivated (the decision
 * stays and is shown as a lapsed suggestion) and the new category comes as a new open suggestion. When the rule
 * returns to the old category, the decided marking is reactivated and the undecided other-category one deleted.
 */

export type { MarkingLevel, MarkingRecord, MarkingStatus };

/** The `chatarchief markings --json` item: a contract for the review, the export and tests. */
export interface MarkingJson {
  id: number;
  level: MarkingLevel;
  targetId: number;
  /** UTF-16 offsets [start, end) into the message's stored text; null unless level is 'passage'. */
  span: [number, number] | null;
  category: string;
  status: MarkingStatus;
  ruleId: string | null;
  evidence: unknown;
}

export interface SuggestionRow {
  level: MarkingLevel;
  targetId: number;
  span: [number, number] | null;
  category: string;
  ruleId: string;
  ruleFileHash: string;
  evidenceJson: string;
}

export interface SyncCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  reactivated: number;
  deactivated: number;
  deleted: number;
}

const keyOf = (level: string, target: number, s: number | null, e: number | null, rule: string | null) => `${level}|${target}|${s ?? ''}|${e ?? ''}|${rule ?? ''}`;

/** An existing rule suggestion, as read for the sync: no evidence (compared in SQL), no object per row. */
type Existing = [id: number, category: string, suggestedCategory: string, ruleFileHash: string | null, active: number, decided: number];
/** Marks an existing row the run has produced. */
const SEEN = -1;
/** The existing rows of one key (several only when decided rows hold other suggested categories). */
type Rows = Existing[] & { seen?: boolean };
/**
 * New suggestions per multi-row INSERT: one statement for 64 rows costs ~25% less CPU than 64 statements (65k bench
 * suggestions: 0.36 s instead of 0.47 s).
 */
const INSERT_BATCH = 64;
const INSERT_ROW = "(?, ?, ?, ?, ?, 'rule', ?, ?, 'suggested', ?, ?, ?, 1, ?, ?)";
const INSERT_VALUES = 12;
const insertSql = (rows: number) =>
  `INSERT INTO markings (custodian_id, level, target_id, span_start, span_end, origin, suggested_category, category, status,
     rule_id, rule_file_hash, evidence_json, active, created_at, updated_at)
   VALUES ${new Array<string>(rows).fill(INSERT_ROW).join(', ')} ON CONFLICT DO NOTHING`;

/**
 * Makes the custodian's rule suggestions equal to `suggestions` (see the module comment for what changes) and
 * records the run in tag_runs. One transaction: a failure leaves the markings as they were.
 */
export function syncRuleSuggestions(
  db: DB,
  custodianId: string,
  suggestions: Iterable<SuggestionRow>,
  run: { ruleFiles: unknown; counts: unknown },
): SyncCounts {
  const restoreCache = shrinkPageCache(db);
  try {
    return db.transaction(() => {
      const sync = new RuleSuggestionSync(db, custodianId);
      sync.add(suggestions);
      return sync.finish(run);
    })();
  } finally {
    restoreCache();
  }
}

/**
 * The steps of `syncRuleSuggestions`, for a caller that receives the suggestions in parts (tag's threads): `add` them
 * in the order a single pass would produce them, then `finish`. The caller holds the transaction around all steps.
 *
 * Existing suggestions are read as compact raw rows without their evidence: a suggestion whose category, rule-file
 * hash and active flag are unchanged is compared on its evidence by a conditional UPDATE, so a re-run with
 * unchanged rules neither reads nor writes the evidence texts.
 *
 * Only existing rows are kept in a map by key (level, target, span, rule; a list: one row per suggested category). A
 * new key is inserted with ON CONFLICT DO NOTHING: the unique index
 * skips a key this run has already inserted, as the map once did, without a key string and map entry per row (on a
 * first run, ~0.2-0.4 s for 65k suggestions; with no existing rows no key is made at all). New rows wait for a
 * multi-row INSERT of `INSERT_BATCH`; `finish` stores the rest before it deletes anything (so no deleted id is
 * reused), in the order they were added.
 */
export class RuleSuggestionSync {
  readonly counts: SyncCounts = { inserted: 0, updated: 0, unchanged: 0, reactivated: 0, deactivated: 0, deleted: 0 };
  private readonly now = nowIso();
  private readonly byKey = new Map<string, Rows>();
  /** Values of the new rows not inserted yet (INSERT_VALUES per row). */
  private readonly pending: unknown[] = [];
  private readonly insert;
  private readonly insertBatch;
  private readonly update;
  private readonly updateEvidence;
  private readonly setActive;

  constructor(
    private readonly db: DB,
    private readonly custodianId: string,
  ) {
    this.insert = db.prepare(insertSql(1));
    this.insertBatch = db.prepare(insertSql(INSERT_BATCH));
    this.update = db.prepare(
      `UPDATE markings SET suggested_category = ?, category = ?, rule_file_hash = ?, evidence_json = ?, active = 1, updated_at = ? WHERE id = ?`,
    );
    // The same outcome as `update` for a row whose other columns already hold these values; changes nothing when
    // the evidence is equal too.
    this.updateEvidence = db.prepare('UPDATE markings SET evidence_json = @evidence, updated_at = @now WHERE id = @id AND evidence_json <> @evidence');
    this.setActive = db.prepare('UPDATE markings SET active = ?, updated_at = ? WHERE id = ?');
    const existing = db
      .prepare(
        `SELECT m.id, m.level, m.target_id, m.span_start, m.span_end, m.rule_id, m.category, m.suggested_category, m.rule_file_hash, m.active,
                m.status <> 'suggested' OR EXISTS (SELECT 1 FROM decisions d WHERE d.marking_id = m.id) AS decided
         FROM markings m WHERE m.custodian_id = ? AND m.origin = 'rule'`,
      )
      .raw();
    type Raw = [number, string, number, number | null, number | null, string | null, string, string, string | null, number, number];
    for (const r of existing.iterate(custodianId) as IterableIterator<Raw>) {
      const key = keyOf(r[1], r[2], r[3], r[4], r[5]);
      const row: Existing = [r[0], r[6], r[7], r[8], r[9], r[10]];
      const rows = this.byKey.get(key);
      if (rows) rows.push(row);
      else this.byKey.set(key, [row]);
    }
  }

  add(suggestions: Iterable<SuggestionRow>): void {
    const { counts, now } = this;
    for (const s of suggestions) {
      const rows = this.byKey.size === 0 ? undefined : this.byKey.get(keyOf(s.level, s.targetId, s.span?.[0] ?? null, s.span?.[1] ?? null, s.ruleId));
      if (rows?.seen) continue;
      if (rows) rows.seen = true;
      // A decided row counts only with the same suggested category; otherwise an undecided row of the key is updated.
      const r = rows && (rows.find((x) => x[5] && x[2] === s.category) ?? rows.find((x) => !x[5]));
      if (!r) {
        const p = this.pending;
        p.push(this.custodianId, s.level, s.targetId, s.span?.[0] ?? null, s.span?.[1] ?? null, s.category, s.category, s.ruleId, s.ruleFileHash, s.evidenceJson, now, now);
        if (p.length === INSERT_BATCH * INSERT_VALUES) this.flush();
        continue;
      }
      const [id, category, suggestedCategory, ruleFileHash, active, decided] = r;
      r[0] = SEEN;
      if (decided) {
        if (active === 0) {
          this.setActive.run(1, now, id);
          counts.reactivated++;
        } else counts.unchanged++;
      } else if (suggestedCategory !== s.category || category !== s.category || ruleFileHash !== s.ruleFileHash || active === 0) {
        this.update.run(s.category, s.category, s.ruleFileHash, s.evidenceJson, now, id);
        counts.updated++;
      } else if (this.updateEvidence.run({ evidence: s.evidenceJson, now, id }).changes) counts.updated++;
      else counts.unchanged++;
    }
  }

  /** Inserts the pending new rows; a key this run already inserted changes nothing (ON CONFLICT DO NOTHING). */
  private flush(): void {
    const p = this.pending;
    if (p.length === INSERT_BATCH * INSERT_VALUES) this.counts.inserted += this.insertBatch.run(p).changes;
    else for (let i = 0; i < p.length; i += INSERT_VALUES) this.counts.inserted += this.insert.run(p.slice(i, i + INSERT_VALUES)).changes;
    p.length = 0;
  }

  /** Stores the pending new rows, deletes or deactivates what no added suggestion matched and records the run. */
  finish(run: { ruleFiles: unknown; counts: unknown }): SyncCounts {
    this.flush();
    const { counts, now, db } = this;
    const del = db.prepare('DELETE FROM markings WHERE id = ?');
    for (const [id, , , , active, decided] of Array.from(this.byKey.values()).flat()) {
      if (id === SEEN) continue;
      if (decided) {
        if (active === 1) {
          this.setActive.run(0, now, id);
          counts.deactivated++;
        }
      } else {
        del.run(id);
        counts.deleted++;
      }
    }
    db.prepare('INSERT INTO tag_runs (custodian_id, at, rule_files_json, counts_json) VALUES (?, ?, ?, ?)').run(
      this.custodianId, now, JSON.stringify(run.ruleFiles), JSON.stringify({ ...(run.counts as object), store: counts }),
    );
    return counts;
  }
}

/** Projects a record onto the JSON contract (exactly these fields). */
export function toMarkingJson(m: MarkingRecord): MarkingJson {
  return { id: m.id, level: m.level, targetId: m.targetId, span: m.span, category: m.category, status: m.status, ruleId: m.ruleId, evidence: m.evidence };
}

/**
 * Every marking that concerns a conversation: contact level for its participants, conversation level for it, and
 * message and passage level for its messages (in message order, then span). Includes inactive decided markings.
 */
export function listMarkingsForConversation(db: DB, conversationId: number): MarkingRecord[] {
  const rows = db
    .prepare(
      `SELECT mk.*, 0 AS o1, 0 AS o2 FROM markings mk WHERE mk.level = 'conversation' AND mk.target_id = @c
         AND mk.custodian_id = (SELECT custodian_id FROM conversations WHERE id = @c)
       UNION ALL
       SELECT mk.*, 1 AS o1, mk.target_id AS o2 FROM markings mk
         WHERE mk.level = 'contact' AND mk.target_id IN (SELECT contact_id FROM conversation_participants WHERE conversation_id = @c)
       UNION ALL
       SELECT mk.*, 2 AS o1, m.seq AS o2 FROM markings mk JOIN messages m ON m.id = mk.target_id
         WHERE mk.level IN ('message', 'passage') AND m.conversation_id = @c
       ORDER BY o1, o2, span_start, id`,
    )
    .all({ c: conversationId }) as MarkingDbRow[];
  return rows.map(markingFromRow);
}
