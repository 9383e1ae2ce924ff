import crypto from 'node:crypto';
import type { DB } from './db.js';
import { nowIso } from './db.js';

/**
 * BENCHMARKS AND TESTS ONLY: inserts synthetic contacts, conversations and messages directly, without a source
 * export or the ingest pipeline (a placeholder veiligstelling and source are created once per custodian). Real data
 * enters through `chatarchief ingest`.
 */

export interface SyntheticMessage {
  sender: string | null;
  senderContactId?: number | null;
  kind?: string;
  event?: string | null;
  text: string;
  /** Milliseconds since the epoch; defaults to a running clock. */
  sentAtMs?: number;
}

function syntheticSource(db: DB, custodianId: string): number {
  const found = db.prepare("SELECT id FROM sources WHERE custodian_id = ? AND format = 'synthetic'").get(custodianId) as { id: number } | undefined;
  if (found) return found.id;
  const now = nowIso();
  const v = db.prepare('INSERT INTO veiligstellingen (custodian_id, operator, device, started_at) VALUES (?, ?, ?, ?)').run(custodianId, 'synthetic', null, now);
  const sha = crypto.createHash('sha256').update(`synthetic:${custodianId}`).digest('hex');
  const s = db
    .prepare(
      `INSERT INTO sources (custodian_id, veiligstelling_id, file_name, original_path, size, sha256, operator, ingested_at, format, platform, parser_version)
       VALUES (?, ?, 'synthetic', 'synthetic', 0, ?, 'synthetic', ?, 'synthetic', 'whatsapp', 'synthetic')`,
    )
    .run(custodianId, v.lastInsertRowid, sha, now);
  return Number(s.lastInsertRowid);
}

export function insertSyntheticContact(db: DB, custodianId: string, c: { name: string | null; phone?: string | null; isCustodian?: boolean }): number {
  const r = db.prepare('INSERT INTO contacts (custodian_id, display_name, phone_e164, is_custodian) VALUES (?, ?, ?, ?)').run(custodianId, c.name, c.phone ?? null, c.isCustodian ? 1 : 0);
  const id = Number(r.lastInsertRowid);
  db.prepare('INSERT INTO contact_identities (contact_id, custodian_id, platform, handle, display_name) VALUES (?, ?, ?, ?, ?)').run(
    id, custodianId, 'whatsapp', c.phone ?? c.name ?? `contact-${id}`, c.name,
  );
  return id;
}

export function insertSyntheticConversation(
  db: DB,
  custodianId: string,
  c: { title: string; isGroup?: boolean; participantIds: number[]; titleHistory?: string[] },
): number {
  const r = db
    .prepare('INSERT INTO conversations (custodian_id, platform, chat_key, title, title_history_json, is_group, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(custodianId, 'whatsapp', `synthetic:${crypto.randomUUID()}`, c.title, JSON.stringify(c.titleHistory ?? []), c.isGroup ? 1 : 0, nowIso());
  const id = Number(r.lastInsertRowid);
  const p = db.prepare('INSERT INTO conversation_participants (conversation_id, contact_id) VALUES (?, ?)');
  for (const k of c.participantIds) p.run(id, k);
  return id;
}

/** Inserts messages in one transaction (chunk large batches yourself); returns their ids in order. */
export function insertSyntheticMessages(db: DB, custodianId: string, conversationId: number, msgs: Iterable<SyntheticMessage>): number[] {
  const source = syntheticSource(db, custodianId);
  const seq0 = (db.prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS s FROM messages WHERE conversation_id = ?').get(conversationId) as { s: number }).s;
  const ins = db.prepare(
    `INSERT INTO messages (conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, sender, sender_raw,
       sender_contact_id, kind, event, text, raw_text, source_line, first_source_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'Europe/Amsterdam', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ids: number[] = [];
  db.transaction(() => {
    let seq = seq0;
    let clock = Date.UTC(2023, 0, 1) + seq0 * 60_000;
    for (const m of msgs) {
      const at = m.sentAtMs ?? (clock += 60_000);
      const iso = new Date(at).toISOString();
      const r = ins.run(
        conversationId, seq, `s:${seq}`, iso, at, iso.slice(0, 16).replace('T', ' '), iso.slice(0, 19),
        m.sender, m.sender, m.senderContactId ?? null, m.kind ?? 'text', m.event ?? null, m.text, m.text, seq + 1, source,
      );
      ids.push(Number(r.lastInsertRowid));
      seq++;
    }
    refreshConversationSpan(db, conversationId);
  })();
  return ids;
}

/** Recomputes a conversation's first and last message time from its messages (what the ingest maintains). */
export function refreshConversationSpan(db: DB, conversationId: number): void {
  db.prepare(
    `UPDATE conversations SET
       first_at = (SELECT sent_at FROM messages m WHERE m.conversation_id = conversations.id ORDER BY sent_at_ms ASC, seq ASC LIMIT 1),
       first_at_ms = (SELECT MIN(sent_at_ms) FROM messages m WHERE m.conversation_id = conversations.id),
       last_at = (SELECT sent_at FROM messages m WHERE m.conversation_id = conversations.id ORDER BY sent_at_ms DESC, seq DESC LIMIT 1),
       last_at_ms = (SELECT MAX(sent_at_ms) FROM messages m WHERE m.conversation_id = conversations.id)
     WHERE id = ?`,
  ).run(conversationId);
}
