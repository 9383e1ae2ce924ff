import path from 'node:path';
import type { DB } from './db.js';
import type { MarkingLevel } from './decisions.js';
import type { SetKind } from './exports.js';

/**
 * How many of the messages a marking covers an earlier geschoonde set delivered, and the package that delivered the
 * last of them: a reviewer who withholds them now learns at once that the archive may hold them shown (the next export
 * says exactly which, see withheldSinceDelivery in src/export/withheld-since.ts). A contact marking is counted by the
 * messages the contact sent.
 */
export function deliveredInGeschoond(db: DB, custodianId: string, level: MarkingLevel, targetId: number): { messages: number; package: string | null } {
  // (CAST: a JavaScript number is bound as a REAL, and 'message:' || 1.0 is 'message:1.0')
  const ids =
    level === 'message' || level === 'passage'
      ? 'SELECT CAST(? AS INTEGER) AS id'
      : level === 'conversation'
        ? 'SELECT id FROM messages WHERE conversation_id = ?'
        : 'SELECT id FROM messages WHERE sender_contact_id = ?';
  const r = db
    .prepare(
      `SELECT COUNT(DISTINCT l.object_id) AS n, MAX(l.export_id) AS last FROM export_ledger l
       WHERE l.custodian_id = ? AND l.set_kind = 'geschoond' AND l.object_id IN (SELECT 'message:' || id FROM (${ids}))`,
    )
    .get(custodianId, targetId) as { n: number; last: number | null };
  if (!r.n || r.last === null) return { messages: 0, package: null };
  const out = db.prepare('SELECT out_path FROM exports WHERE id = ?').pluck().get(r.last) as string | undefined;
  return { messages: r.n, package: out === undefined ? null : path.basename(out) };
}

/** The delivery that last delivered an object in a set: when (the export's time) and its package (out path). */
export function lastDeliveryLookup(db: DB, custodianId: string, setKind: SetKind): (objectId: string) => { at: string; outPath: string } | null {
  const stmt = db.prepare(
    `SELECT e.created_at AS at, e.out_path AS outPath FROM export_ledger l JOIN exports e ON e.id = l.export_id
     WHERE l.custodian_id = ? AND l.set_kind = ? AND l.object_id = ? ORDER BY l.export_id DESC LIMIT 1`,
  );
  return (objectId) => (stmt.get(custodianId, setKind, objectId) as { at: string; outPath: string } | undefined) ?? null;
}

/** When an object was last delivered in a set, or null: for a vervolgexport's look back. */
export function deliveredAtLookup(db: DB, custodianId: string, setKind: SetKind): (objectId: string) => string | null {
  const last = lastDeliveryLookup(db, custodianId, setKind);
  return (objectId) => last(objectId)?.at ?? null;
}

/** The packages (out paths, oldest delivery first) that last delivered these objects in a set. */
export function lastDeliveriesOf(db: DB, custodianId: string, setKind: SetKind, objectIds: readonly string[]): string[] {
  const last = lastDeliveryLookup(db, custodianId, setKind);
  const byPath = new Map<string, string>();
  for (const id of objectIds) {
    const d = last(id);
    if (d) byPath.set(d.outPath, d.at);
  }
  return [...byPath].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([p]) => p);
}
