import type { DB } from './db.js';
import { nowIso } from './db.js';
import { getMarking, markingFromRow, type MarkingDbRow, type MarkingLevel, type MarkingRecord } from './decisions.js';
import { decidedOnEarlierText, decisionInForce, editedAfterDecisionInScope, type EditedAfterDecision } from './stale-decisions.js';

/**
 * Queries of the export (issue 6): which markings count, what is still open, conversations and contacts in scope,
 * metadata of the ruwe dataset, and the export ledger for vervolgexporten.
 *
 * Effective marking (the one rule the exporter and the review preview share): only `markings.status` is trusted.
 * - `confirmed` / `changed`: counts, with its current `category` (also after a rule change made it inactive: a decision stays).
 * - `rejected`: no marking.
 * - `suggested` and active: undecided. The export refuses while any is in scope; with --allow-unreviewed it counts as
 *   marked with its category (the privacy-safe choice). A four-eyes proposal waiting for a second reviewer does not
 *   change `status` (src/review/state.ts), so it is undecided or keeps the state in force, never half-decided.
 * - `suggested` and inactive (the rule no longer produces it, nobody decided): no marking.
 */

export type SetKind = 'ruw' | 'geschoond';
export type Category = 'zakelijk' | 'privé' | 'partijpolitiek';

export interface Scope {
  custodianId: string;
  /** Inclusive lower bound in ms since epoch. */
  fromMs?: number;
  /** Exclusive upper bound in ms since epoch. */
  toMs?: number;
}

export type { MarkingLevel };

/** A marking that counts for the export (the cleaning's EffectiveMarking). */
export interface StoredMarking {
  id: number;
  level: MarkingLevel;
  targetId: number;
  span: [number, number] | null;
  category: Category;
  /** An undecided suggestion that counts because of --allow-unreviewed. */
  undecided: boolean;
  /** The decision in force that made the marking count (null when undecided). */
  decisionId: number | null;
  decidedAt: string | null;
  ruleId: string | null;
}

const range = (alias: string, s: Scope): { sql: string; args: number[] } => {
  const parts: string[] = [];
  const args: number[] = [];
  if (s.fromMs !== undefined) { parts.push(`${alias}.sent_at_ms >= ?`); args.push(s.fromMs); }
  if (s.toMs !== undefined) { parts.push(`${alias}.sent_at_ms < ?`); args.push(s.toMs); }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', args };
};

/** Maps a stored marking to an effective one, or null when it does not count. */
export function effectiveMarking(db: DB, r: MarkingDbRow, allowUnreviewed: boolean): StoredMarking | null {
  const m = markingFromRow(r);
  let undecided = false;
  if (m.status === 'rejected') return null;
  if (m.status === 'suggested') {
    if (!m.active || !allowUnreviewed) return null;
    undecided = true;
  }
  const d = undecided ? null : decisionInForce(m, db);
  if (d && decidedOnEarlierText(db, m, d.id)) {
    // A zakelijk decision on an earlier text: unreviewed (the export refuses without --allow-unreviewed), and withheld.
    return { id: m.id, level: m.level, targetId: m.targetId, span: m.span, category: 'privé', undecided: true, decisionId: null, decidedAt: null, ruleId: m.ruleId };
  }
  return {
    id: m.id, level: m.level, targetId: m.targetId, span: m.span, category: m.category as Category, undecided,
    decisionId: d?.id ?? null, decidedAt: d?.at ?? null, ruleId: m.ruleId,
  };
}

/** Effective contact-level markings of a custodian, by contact id. */
export function contactMarkings(db: DB, custodianId: string, allowUnreviewed: boolean): Map<number, StoredMarking[]> {
  const out = new Map<number, StoredMarking[]>();
  const rows = db.prepare(`SELECT * FROM markings WHERE custodian_id = ? AND level = 'contact' ORDER BY id`).all(custodianId) as MarkingDbRow[];
  for (const r of rows) {
    const e = effectiveMarking(db, r, allowUnreviewed);
    if (e) out.set(e.targetId, [...(out.get(e.targetId) ?? []), e]);
  }
  return out;
}

export function conversationMarkings(db: DB, conversationId: number, allowUnreviewed: boolean): StoredMarking[] {
  const rows = db.prepare(`SELECT * FROM markings WHERE level = 'conversation' AND target_id = ? ORDER BY id`).all(conversationId) as MarkingDbRow[];
  return rows.map((r) => effectiveMarking(db, r, allowUnreviewed)).filter((x): x is StoredMarking => x !== null);
}

/**
 * A lookup of the message- and passage-level markings of one message (prepared once, called per message): all of them
 * as stored (for the review log) and the effective ones (for the cleaning).
 */
export function messageMarkingLookup(db: DB, allowUnreviewed: boolean): (messageId: number) => { all: MarkingRecord[]; effective: StoredMarking[] } {
  const stmt = db.prepare(`SELECT * FROM markings WHERE level IN ('message','passage') AND target_id = ? ORDER BY id`);
  const none = { all: [], effective: [] };
  return (messageId) => {
    const rows = stmt.all(messageId) as MarkingDbRow[];
    if (!rows.length) return none;
    return {
      all: rows.map(markingFromRow),
      effective: rows.map((r) => effectiveMarking(db, r, allowUnreviewed)).filter((x): x is StoredMarking => x !== null),
    };
  };
}

/**
 * The message- and passage-level markings of one conversation as one stream in message order, for a single pass
 * alongside iterateMessages (which yields in `seq` order): call the returned function with each message's id and seq,
 * in order. One query per conversation instead of one per message.
 */
export function conversationMarkingStream(db: DB, conversationId: number, s: Scope, allowUnreviewed: boolean): (messageId: number, seq: number) => { all: MarkingRecord[]; effective: StoredMarking[] } {
  const r = range('m', s);
  const rows = db
    .prepare(
      `SELECT k.*, m.seq AS msg_seq FROM messages m JOIN markings k ON k.level IN ('message','passage') AND k.target_id = m.id
       WHERE m.conversation_id = ?${r.sql} ORDER BY m.seq, k.id`,
    )
    .iterate(conversationId, ...r.args) as IterableIterator<MarkingDbRow & { msg_seq: number }>;
  let next = rows.next();
  const none = { all: [], effective: [] };
  return (messageId, seq) => {
    while (!next.done && next.value.msg_seq < seq) next = rows.next();
    if (next.done || next.value.target_id !== messageId) return none;
    const found: MarkingDbRow[] = [];
    while (!next.done && next.value.target_id === messageId) {
      found.push(next.value);
      next = rows.next();
    }
    return {
      all: found.map(markingFromRow),
      effective: found.map((x) => effectiveMarking(db, x, allowUnreviewed)).filter((x): x is StoredMarking => x !== null),
    };
  };
}

/** Contact- and conversation-level markings as stored (for the review log). */
export function markingRecordsFor(db: DB, level: 'contact' | 'conversation', targetIds: readonly number[]): MarkingRecord[] {
  const stmt = db.prepare('SELECT * FROM markings WHERE level = ? AND target_id = ? ORDER BY id');
  return targetIds.flatMap((id) => (stmt.all(level, id) as MarkingDbRow[]).map(markingFromRow));
}

export interface OpenSuggestions {
  total: number;
  byLevel: Record<string, number>;
  /** Ids and counts only: a title or a contact's name may be private, and this goes to logs. */
  byConversation: { conversationId: number; open: number }[];
  /** Open contact-level suggestions (they reach beyond one conversation). */
  contacts: { contactId: number; open: number }[];
  /** The first open markings (at most 50), for the message. */
  examples: { id: number; level: string; targetId: number; category: string; ruleId: string | null }[];
  /** Zakelijk decisions made on an earlier text of their message (src/store/stale-decisions.ts); counted in total. */
  editedAfterDecision: EditedAfterDecision[];
}

/** Undecided suggestions (status suggested, active) whose target lies in scope. */
export function openSuggestions(db: DB, s: Scope): OpenSuggestions {
  const r = range('m', s);
  const base = `FROM markings k WHERE k.custodian_id = ? AND k.status = 'suggested' AND k.active = 1 AND (
      (k.level IN ('message','passage') AND EXISTS (SELECT 1 FROM messages m WHERE m.id = k.target_id${r.sql}))
   OR (k.level = 'conversation' AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = k.target_id${r.sql}))
   OR (k.level = 'contact' AND EXISTS (SELECT 1 FROM conversation_participants p JOIN messages m ON m.conversation_id = p.conversation_id
         WHERE p.contact_id = k.target_id${r.sql})))`;
  const args = [s.custodianId, ...r.args, ...r.args, ...r.args];
  const byLevel = Object.fromEntries(
    (db.prepare(`SELECT k.level AS level, COUNT(*) AS n ${base} GROUP BY k.level`).all(...args) as { level: string; n: number }[]).map((x) => [x.level, x.n]),
  );
  const editedAfterDecision = editedAfterDecisionInScope(db, s.custodianId, r, (id) => {
    const k = getMarking(db, id);
    return k ? (decisionInForce(k, db)?.id ?? null) : null;
  });
  const total = Object.values(byLevel).reduce((a, b) => a + b, 0) + editedAfterDecision.length;
  const byConversation = db
    .prepare(
      `SELECT c.id AS conversationId, COUNT(*) AS open FROM (SELECT k.level, k.target_id ${base}) o
       JOIN conversations c ON c.id = CASE o.level WHEN 'conversation' THEN o.target_id ELSE (SELECT conversation_id FROM messages WHERE id = o.target_id) END
       WHERE o.level <> 'contact' GROUP BY c.id ORDER BY c.id`,
    )
    .all(...args) as OpenSuggestions['byConversation'];
  const contacts = db
    .prepare(`SELECT k.target_id AS contactId, COUNT(*) AS open ${base} AND k.level = 'contact' GROUP BY k.target_id`)
    .all(...args) as OpenSuggestions['contacts'];
  const examples = db
    .prepare(`SELECT k.id, k.level, k.target_id AS targetId, k.category, k.rule_id AS ruleId ${base} ORDER BY k.id LIMIT 50`)
    .all(...args) as OpenSuggestions['examples'];
  return { total, byLevel, byConversation, contacts, examples, editedAfterDecision };
}

export interface ScopedConversation {
  id: number;
  platform: string;
  title: string;
  titleHistory: string[];
  isGroup: boolean;
  participants: { contactId: number; name: string | null; phone: string | null; isCustodian: boolean }[];
}

/** Conversations of the custodian with at least one message in scope, in id order. */
export function conversationsInScope(db: DB, s: Scope): ScopedConversation[] {
  const r = range('m', s);
  const rows = db
    .prepare(
      `SELECT c.id, c.platform, c.title, c.title_history_json, c.is_group FROM conversations c
       WHERE c.custodian_id = ? AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id${r.sql}) ORDER BY c.id`,
    )
    .all(s.custodianId, ...r.args) as { id: number; platform: string; title: string; title_history_json: string; is_group: number }[];
  const parts = db.prepare(
    `SELECT k.id AS contactId, k.display_name AS name, k.phone_e164 AS phone, k.is_custodian AS isCustodian
     FROM conversation_participants p JOIN contacts k ON k.id = p.contact_id WHERE p.conversation_id = ? ORDER BY k.id`,
  );
  return rows.map((c) => ({
    id: c.id, platform: c.platform, title: c.title, titleHistory: JSON.parse(c.title_history_json) as string[], isGroup: c.is_group === 1,
    participants: (parts.all(c.id) as { contactId: number; name: string | null; phone: string | null; isCustodian: number }[]).map((p) => ({ ...p, isCustodian: p.isCustodian === 1 })),
  }));
}

export interface ConversationStats {
  count: number;
  firstAt: string | null;
  lastAt: string | null;
  firstMs: number | null;
  lastMs: number | null;
}

/** Count and period of a conversation's messages in scope, leaving out messages the ledger of `setKind` already holds. */
export function conversationStats(db: DB, conversationId: number, s: Scope, notDeliveredIn?: SetKind): ConversationStats {
  const r = range('m', s);
  const ledger = notDeliveredIn
    ? ` AND NOT EXISTS (SELECT 1 FROM export_ledger l WHERE l.custodian_id = ? AND l.set_kind = ? AND l.object_id = 'message:' || m.id)`
    : '';
  const args = [conversationId, ...r.args, ...(notDeliveredIn ? [s.custodianId, notDeliveredIn] : [])];
  const row = db
    .prepare(`SELECT COUNT(*) AS count, MIN(m.sent_at_ms) AS firstMs, MAX(m.sent_at_ms) AS lastMs FROM messages m WHERE m.conversation_id = ?${r.sql}${ledger}`)
    .get(...args) as { count: number; firstMs: number | null; lastMs: number | null };
  const at = (ms: number | null): string | null =>
    ms === null ? null : ((db.prepare(`SELECT sent_at FROM messages WHERE conversation_id = ? AND sent_at_ms = ? LIMIT 1`).get(conversationId, ms) as { sent_at: string }).sent_at);
  return { ...row, firstAt: at(row.firstMs), lastAt: at(row.lastMs) };
}

export interface ContactInfo {
  id: number;
  /** 1-based position among the custodian's contacts in id order: the stable pseudonym number. */
  rank: number;
  isCustodian: boolean;
  names: string[];
  phones: string[];
}

/**
 * Every contact of a custodian with all names (contact, identities) and numbers it is known by; for the contacts in
 * `senderNamesFor` also every sender name their messages carry (one scan of the custodian's messages).
 */
export function custodianContacts(db: DB, custodianId: string, senderNamesFor: ReadonlySet<number> = new Set()): ContactInfo[] {
  const rows = db
    .prepare(`SELECT id, display_name, phone_e164, is_custodian, ROW_NUMBER() OVER (ORDER BY id) AS rank FROM contacts WHERE custodian_id = ? ORDER BY id`)
    .all(custodianId) as { id: number; display_name: string | null; phone_e164: string | null; is_custodian: number; rank: number }[];
  const ids = db.prepare('SELECT handle, display_name FROM contact_identities WHERE contact_id = ?');
  const senderNames = new Map<number, string[]>();
  if (senderNamesFor.size) {
    const list = [...senderNamesFor];
    const found = db
      .prepare(
        `SELECT DISTINCT m.sender_contact_id AS id, m.sender AS sender FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.custodian_id = ? AND m.sender IS NOT NULL AND m.sender_contact_id IN (${list.map(() => '?').join(',')})`,
      )
      .all(custodianId, ...list) as { id: number; sender: string }[];
    for (const f of found) senderNames.set(f.id, [...(senderNames.get(f.id) ?? []), f.sender]);
  }
  return rows.map((r) => {
    const names = new Set<string>();
    const phones = new Set<string>();
    if (r.display_name) names.add(r.display_name);
    if (r.phone_e164) phones.add(r.phone_e164);
    for (const i of ids.all(r.id) as { handle: string; display_name: string | null }[]) {
      if (i.display_name) names.add(i.display_name);
      if (/^\+\d{6,}$/.test(i.handle)) phones.add(i.handle);
    }
    for (const n of senderNames.get(r.id) ?? []) names.add(n);
    return { id: r.id, rank: r.rank, isCustodian: r.is_custodian === 1, names: [...names], phones: [...phones] };
  });
}

/**
 * Messages of a conversation in scope that share a contact card: a contact message (Signal, WhatsApp), or any message
 * with a vCard attachment (by name or type: a card sent as a document, an MMS part), in file order.
 */
export function cardMessageIds(db: DB, conversationId: number, s: Scope): number[] {
  const r = range('m', s);
  return db
    .prepare(
      `SELECT m.id FROM messages m WHERE m.conversation_id = ?${r.sql} AND (m.kind = 'contact' OR EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id
         AND (lower(a.name) LIKE '%.vcf' OR lower(a.name) LIKE '%.vcard' OR lower(a.mime) IN ('text/vcard', 'text/x-vcard')))) ORDER BY m.seq`,
    )
    .pluck()
    .all(conversationId, ...r.args) as number[];
}

export interface SourceRecord {
  id: number;
  fileName: string;
  originalPath: string;
  size: number;
  sha256: string;
  format: string;
  platform: string;
  operator: string;
  device: string | null;
  ingestedAt: string;
  veiligstellingId: number;
  parserVersion: string;
  files: { path: string; size: number; sha256: string; role: string }[];
}

/** Sources that contributed at least one message in scope. */
export function sourcesInScope(db: DB, s: Scope): SourceRecord[] {
  const r = range('m', s);
  const rows = db
    .prepare(
      `SELECT * FROM sources src WHERE src.custodian_id = ? AND EXISTS (
         SELECT 1 FROM source_conversations sc JOIN messages m ON m.conversation_id = sc.conversation_id
         WHERE sc.source_id = src.id${r.sql} AND (m.first_source_id = src.id
           OR EXISTS (SELECT 1 FROM message_sightings ms WHERE ms.message_id = m.id AND ms.source_id = src.id))) ORDER BY src.id`,
    )
    .all(s.custodianId, ...r.args) as Record<string, unknown>[];
  const files = db.prepare('SELECT path, size, sha256, role FROM source_files WHERE source_id = ? ORDER BY path');
  return rows.map((x) => ({
    id: x.id as number, fileName: x.file_name as string, originalPath: x.original_path as string, size: x.size as number, sha256: x.sha256 as string,
    format: x.format as string, platform: x.platform as string, operator: x.operator as string, device: x.device as string | null,
    ingestedAt: x.ingested_at as string, veiligstellingId: x.veiligstelling_id as number, parserVersion: x.parser_version as string,
    files: files.all(x.id) as SourceRecord['files'],
  }));
}

/** Every marking of a custodian as stored (ruwe dataset metadata), streamed in id order. */
export function* iterateAllMarkings(db: DB, custodianId: string): Generator<MarkingRecord> {
  for (const r of db.prepare('SELECT * FROM markings WHERE custodian_id = ? ORDER BY id').iterate(custodianId) as IterableIterator<MarkingDbRow>) yield markingFromRow(r);
}

/** The custodian's audit chain as stored, streamed in seq order. */
export function* iterateAuditChain(db: DB, custodianId: string): Generator<Record<string, unknown>> {
  yield* db.prepare('SELECT seq, at, actor, action, payload_json AS payloadJson, prev_hash AS prevHash, hash FROM audit_log WHERE custodian_id = ? ORDER BY seq')
    .iterate(custodianId) as IterableIterator<Record<string, unknown>>;
}

// ── ledger ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A lookup of the content hash an object was delivered with (null when never delivered in that set). */
export function ledgerLookup(db: DB, custodianId: string, setKind: SetKind): (objectId: string) => string | null {
  // A first export has no ledger rows: skip a million look-ups.
  if (!db.prepare('SELECT 1 FROM export_ledger WHERE custodian_id = ? AND set_kind = ? LIMIT 1').get(custodianId, setKind)) return () => null;
  const stmt = db.prepare('SELECT content_hash FROM export_ledger WHERE custodian_id = ? AND set_kind = ? AND object_id = ? ORDER BY export_id DESC LIMIT 1').pluck();
  return (objectId) => (stmt.get(custodianId, setKind, objectId) as string | undefined) ?? null;
}

export interface ExportRecord {
  id: number;
  setKind: SetKind;
  periodFrom: string | null;
  periodTo: string | null;
  outPath: string;
  packageSha256: string;
  allowUnreviewed: boolean;
  createdAt: string;
}

export function listExports(db: DB, custodianId: string, setKind?: SetKind): ExportRecord[] {
  const rows = db
    .prepare(`SELECT * FROM exports WHERE custodian_id = ?${setKind ? ' AND set_kind = ?' : ''} ORDER BY id`)
    .all(...(setKind ? [custodianId, setKind] : [custodianId])) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number, setKind: r.set_kind as SetKind, periodFrom: r.period_from as string | null, periodTo: r.period_to as string | null,
    outPath: r.out_path as string, packageSha256: r.package_sha256 as string, allowUnreviewed: r.allow_unreviewed === 1, createdAt: r.created_at as string,
  }));
}

/**
 * Records a delivered package and its ledger entries in one transaction (called after the package is in place).
 * `entries` is read from a file the exporter wrote while streaming, so a million entries never sit in memory.
 */
export function recordExport(
  db: DB,
  e: { custodianId: string; setKind: SetKind; periodFrom: string | null; periodTo: string | null; outPath: string; packageSha256: string; allowUnreviewed: boolean },
  entries: () => Iterable<{ objectId: string; contentHash: string }>,
): number {
  return db.transaction(() => {
    const id = Number(
      db.prepare(`INSERT INTO exports (custodian_id, set_kind, period_from, period_to, out_path, package_sha256, allow_unreviewed, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(e.custodianId, e.setKind, e.periodFrom, e.periodTo, e.outPath, e.packageSha256, e.allowUnreviewed ? 1 : 0, nowIso()).lastInsertRowid,
    );
    const ins = db.prepare('INSERT OR IGNORE INTO export_ledger (custodian_id, set_kind, object_id, content_hash, export_id) VALUES (?, ?, ?, ?, ?)');
    for (const x of entries()) ins.run(e.custodianId, e.setKind, x.objectId, x.contentHash, id);
    return id;
  }).immediate();
}
