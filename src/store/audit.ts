import type Database from 'better-sqlite3';
import crypto from 'node:crypto';
import type { DB } from './db.js';

/**
 * The append-only, hash-chained audit log (table `audit_log`). Every custodian has its own chain, so the log of one
 * custodian can be exported with the ruwe dataset and verified on its own.
 *
 * Hash of an entry (documented so that anyone can re-verify the log without this tool):
 *   hash = hex(sha256(utf8(canonicalJson({ seq, at, actor, action, payload, prev_hash }))))
 * where canonicalJson sorts object keys (by UTF-16 code units), writes no whitespace and escapes strings as JSON.stringify
 * does; `prev_hash` is the hash of the custodian's previous entry, or 64 zeros for the first one. `payload_json` stores
 * canonicalJson(payload).
 */

export const GENESIS_HASH = '0'.repeat(64);

type Statement = Database.Statement<unknown[]>;
const statements = new WeakMap<DB, Map<string, Statement>>();

/**
 * A prepared statement, prepared once per connection. Preparing costs more than running a small query on this schema,
 * so the review's stores (audit, decisions, review) reuse their statements. A statement must not be re-entered while
 * it is being iterated; each SQL text here is used from one place.
 */
export function prep(db: DB, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
  custodianId: string | null;
  /** The stored payload text, so verification can tell an edited text from a re-serialised one. */
  payloadJson: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deterministic JSON: sorted keys, no whitespace. Rejects values JSON cannot represent faithfully. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonicalJson: not a finite number: ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i] === undefined ? null : value[i]);
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of Object.keys(obj).sort()) {
        const v = obj[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/**
 * The entry hash. `payloadJson` is the stored canonical payload text, so this equals
 * sha256(canonicalJson({ seq, at, actor, action, payload, prev_hash })) (the keys below are in sorted order); hashing
 * the stored text means any change to it, even whitespace, breaks the hash.
 */
export function entryHash(e: { seq: number; at: string; actor: string; action: string; payloadJson: string; prevHash: string }): string {
  const body = `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},"payload":${e.payloadJson},"prev_hash":${JSON.stringify(e.prevHash)},"seq":${canonicalJson(e.seq)}}`;
  return crypto.createHash('sha256').update(body, 'utf8').digest('hex');
}

interface Row {
  seq: number; at: string; actor: string; action: string; payload_json: string; prev_hash: string; hash: string; custodian_id: string | null;
}

function fromRow(r: Row): AuditEntry {
  let payload: Record<string, unknown>;
  try {
    const p = JSON.parse(r.payload_json) as unknown;
    payload = p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : { value: p };
  } catch {
    payload = { unparseable: r.payload_json };
  }
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, payload, prevHash: r.prev_hash, hash: r.hash, custodianId: r.custodian_id, payloadJson: r.payload_json };
}

/** The seq the next entry will get. Call inside the (IMMEDIATE) transaction that appends. */
export function nextAuditSeq(db: DB): number {
  return ((prep(db, 'SELECT MAX(seq) AS s FROM audit_log').get() as { s: number | null }).s ?? 0) + 1;
}

/** The hash of the custodian's last entry (the head of its chain), or GENESIS_HASH. */
export function chainHead(db: DB, custodianId: string): string {
  const r = prep(db, 'SELECT hash FROM audit_log WHERE custodian_id = ? ORDER BY seq DESC LIMIT 1').get(custodianId) as { hash: string } | undefined;
  return r?.hash ?? GENESIS_HASH;
}

/**
 * Appends one entry to the custodian's chain. Must run inside a write transaction (better-sqlite3 `.immediate()`), so
 * that two writers never link to the same predecessor. `seq` may be reserved beforehand with nextAuditSeq.
 */
export function appendAudit(
  db: DB,
  e: { custodianId: string; actor: string; action: string; payload: Record<string, unknown>; at: string; seq?: number },
): AuditEntry {
  if (!db.inTransaction) throw new Error('appendAudit must run inside a transaction');
  const seq = e.seq ?? nextAuditSeq(db);
  const prevHash = chainHead(db, e.custodianId);
  const payload = { ...e.payload, custodianId: e.custodianId };
  const payloadJson = canonicalJson(payload);
  const hash = entryHash({ seq, at: e.at, actor: e.actor, action: e.action, payloadJson, prevHash });
  prep(db, 'INSERT INTO audit_log (seq, at, actor, action, payload_json, prev_hash, hash, custodian_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    seq, e.at, e.actor, e.action, payloadJson, prevHash, hash, e.custodianId,
  );
  return { seq, at: e.at, actor: e.actor, action: e.action, payload, prevHash, hash, custodianId: e.custodianId, payloadJson };
}

/** Every entry in seq order (optionally only one custodian's chain), streamed. */
export function* iterateAudit(db: DB, custodianId?: string): Generator<AuditEntry> {
  const rows = (custodianId === undefined
    ? prep(db, 'SELECT * FROM audit_log ORDER BY seq').iterate()
    : prep(db, 'SELECT * FROM audit_log WHERE custodian_id = ? ORDER BY seq').iterate(custodianId)) as IterableIterator<Row>;
  for (const r of rows) yield fromRow(r);
}

export function getAuditEntry(db: DB, seq: number): AuditEntry | null {
  const r = prep(db, 'SELECT * FROM audit_log WHERE seq = ?').get(seq) as Row | undefined;
  return r ? fromRow(r) : null;
}

/** Custodian ids that have a chain. */
export function auditCustodians(db: DB): string[] {
  return (prep(db, 'SELECT DISTINCT custodian_id AS c FROM audit_log WHERE custodian_id IS NOT NULL ORDER BY c').all() as { c: string }[]).map((r) => r.c);
}
