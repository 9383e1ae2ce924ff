import type { DB } from './db.js';
import { nowIso } from './db.js';
import { appendAudit } from './audit.js';
import { UserError } from '../errors.js';

export interface Custodian {
  id: string;
  name: string;
  function: string;
  department: string;
  termFrom: string;
  termTo: string | null;
  tz: string;
  secondReviewer: boolean;
  defaultCategory: string;
  createdAt: string;
}

interface Row {
  id: string; name: string; function: string; department: string; term_from: string; term_to: string | null;
  tz: string; second_reviewer: number; default_category: string; created_at: string;
}

const fromRow = (r: Row): Custodian => ({
  id: r.id,
  name: r.name,
  function: r.function,
  department: r.department,
  termFrom: r.term_from,
  termTo: r.term_to,
  tz: r.tz,
  secondReviewer: r.second_reviewer === 1,
  defaultCategory: r.default_category,
  createdAt: r.created_at,
});

export function addCustodian(db: DB, c: Omit<Custodian, 'createdAt' | 'secondReviewer' | 'defaultCategory'> & Partial<Pick<Custodian, 'secondReviewer' | 'defaultCategory'>>): Custodian {
  db.prepare(
    `INSERT INTO custodians (id, name, function, department, term_from, term_to, tz, second_reviewer, default_category, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.id, c.name, c.function, c.department, c.termFrom, c.termTo, c.tz, c.secondReviewer ? 1 : 0, c.defaultCategory ?? 'zakelijk', nowIso());
  return getCustodian(db, c.id)!;
}

export function getCustodian(db: DB, id: string): Custodian | null {
  const r = db.prepare('SELECT * FROM custodians WHERE id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : null;
}

export function listCustodians(db: DB, opts: { department?: string } = {}): Custodian[] {
  const rows = (opts.department
    ? db.prepare('SELECT * FROM custodians WHERE department = ? ORDER BY id').all(opts.department)
    : db.prepare('SELECT * FROM custodians ORDER BY id').all()) as Row[];
  return rows.map(fromRow);
}

/** How much a custodian has ingested: sources, and the messages in its conversations. */
export function custodianIngested(db: DB, id: string): { sources: number; messages: number } {
  const s = db.prepare('SELECT COUNT(*) AS n FROM sources WHERE custodian_id = ?').get(id) as { n: number };
  const m = db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE custodian_id = ?)').get(id) as { n: number };
  return { sources: s.n, messages: m.n };
}

/**
 * Changes a custodian. The zone cannot change once anything was ingested: every stored timestamp was read in the old
 * zone (its offset, its dedup key, its ambiguous/invalid flags), and a new zone would only apply to later exports, so
 * the store would mix zones (UserError; nothing is changed). Setting the zone it already has is no change.
 *
 * Switching four-eyes review on or off is an entry in the custodian's audit chain (action SECOND_REVIEWER_ACTION, by
 * `actor`), in the same transaction as the change: `audit verify` compares the stored setting with the last one logged.
 */
export function updateCustodian(
  db: DB,
  id: string,
  patch: { secondReviewer?: boolean; defaultCategory?: string; termTo?: string | null; name?: string; function?: string; department?: string; tz?: string },
  actor = 'unknown',
): Custodian {
  return db.transaction(() => updateCustodianIn(db, id, patch, actor)).immediate();
}

/** The audit action of a four-eyes switch; its payload holds `secondReviewer` (the new setting) and `previous`. */
export const SECOND_REVIEWER_ACTION = 'custodian.second-reviewer';

function updateCustodianIn(db: DB, id: string, patch: Parameters<typeof updateCustodian>[2], actor: string): Custodian {
  const current = getCustodian(db, id);
  if (current && patch.tz !== undefined && patch.tz !== current.tz) {
    const n = custodianIngested(db, id);
    if (n.sources > 0 || n.messages > 0) {
      throw new UserError(
        `--tz: cannot change the zone of custodian '${id}' from ${current.tz} to ${patch.tz}: ${n.sources} source${n.sources === 1 ? ' was' : 's were'} ` +
          `already ingested (${n.messages} message${n.messages === 1 ? '' : 's'}), and their timestamps were read in ${current.tz}. ` +
          `A new zone would apply only to later exports and the store would mix zones. To read the exports in ${patch.tz}, ` +
          `ingest them again into a fresh store (--db) with the custodian added with --tz ${patch.tz}. Nothing was changed`,
      );
    }
  }
  // As `custodian add` refuses it: a term that ends before it begins would make every message fall outside it.
  if (current && patch.termTo && patch.termTo < current.termFrom) {
    throw new UserError(`--to: ${patch.termTo} is before the start of the term of custodian '${id}' (${current.termFrom}); expected a date on or after ${current.termFrom}. Nothing was changed`);
  }
  const sets: string[] = [];
  const vals: unknown[] = [];
  const map: Record<string, [string, (v: unknown) => unknown]> = {
    secondReviewer: ['second_reviewer', (v) => (v ? 1 : 0)],
    defaultCategory: ['default_category', (v) => v],
    termTo: ['term_to', (v) => v],
    name: ['name', (v) => v],
    function: ['function', (v) => v],
    department: ['department', (v) => v],
    tz: ['tz', (v) => v],
  };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const m = map[k]!;
    sets.push(`${m[0]} = ?`);
    vals.push(m[1](v));
  }
  if (sets.length) db.prepare(`UPDATE custodians SET ${sets.join(', ')} WHERE id = ?`).run(...vals, id);
  if (current && patch.secondReviewer !== undefined && patch.secondReviewer !== current.secondReviewer) {
    appendAudit(db, { custodianId: id, actor, action: SECOND_REVIEWER_ACTION, payload: { secondReviewer: patch.secondReviewer, previous: current.secondReviewer }, at: nowIso() });
  }
  return getCustodian(db, id)!;
}
