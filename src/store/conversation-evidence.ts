/**
 * What identifies a conversation besides its title, for matching an export that states none
 * (src/ingest/conversation-identity.ts): its participants, the custodian's own contacts, the messages it holds of an
 * export's first ones, and the time each of its sources covered.
 */
import type { DB } from './db.js';
import type { Platform } from '../../parsers/types.js';

/** A conversation with what identifies it besides a title: its participants (see src/ingest/conversation-identity.ts). */
export interface ConversationEvidence {
  id: number;
  title: string;
  /** The current title and the earlier ones. */
  titles: string[];
  isGroup: boolean;
  participants: { name: string | null; phone: string | null }[];
  /** The times of its first and last message (ms), or null without messages. */
  firstMs: number | null;
  lastMs: number | null;
}

/** Every conversation of a custodian on a platform, with titles and participants, in id order. */
export function conversationsWithParticipants(db: DB, custodianId: string, platform: Platform): ConversationEvidence[] {
  const rows = db
    .prepare('SELECT id, title, title_history_json, is_group, first_at_ms, last_at_ms FROM conversations WHERE custodian_id = ? AND platform = ? ORDER BY id')
    .all(custodianId, platform) as {
    id: number; title: string; title_history_json: string; is_group: number; first_at_ms: number | null; last_at_ms: number | null;
  }[];
  const parts = db
    .prepare(
      `SELECT p.conversation_id AS c, k.display_name AS name, k.phone_e164 AS phone FROM conversation_participants p
         JOIN conversations c ON c.id = p.conversation_id JOIN contacts k ON k.id = p.contact_id
        WHERE c.custodian_id = ? AND c.platform = ?`,
    )
    .all(custodianId, platform) as { c: number; name: string | null; phone: string | null }[];
  const byConv = new Map<number, { name: string | null; phone: string | null }[]>();
  for (const p of parts) {
    let list = byConv.get(p.c);
    if (!list) byConv.set(p.c, (list = []));
    list.push({ name: p.name, phone: p.phone });
  }
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    titles: [r.title, ...(JSON.parse(r.title_history_json) as string[])],
    isGroup: r.is_group === 1,
    participants: byConv.get(r.id) ?? [],
    firstMs: r.first_at_ms,
    lastMs: r.last_at_ms,
  }));
}

/** The contacts of a custodian known to be the custodian (a message the export shows as sent from the phone's owner). */
export function custodianSelfContacts(db: DB, custodianId: string): { name: string | null; phone: string | null }[] {
  return db.prepare('SELECT display_name AS name, phone_e164 AS phone FROM contacts WHERE custodian_id = ? AND is_custodian = 1').all(custodianId) as {
    name: string | null; phone: string | null;
  }[];
}

/**
 * The message keys among `keys` (MessageKeys.base) that conversation `conversationId` holds, with each one's seq
 * and first source (a source stores its new messages in its own order, so seq follows that source's export order),
 * asked only when it holds a message in [fromMs, toMs] (the time the keys span): one index probe, then the keys
 * through the conversation's UNIQUE (conversation_id, dedup_key) index.
 */
export function conversationKeysHeld(
  db: DB, conversationId: number, keys: string[], fromMs: number, toMs: number,
): Map<string, { seq: number; source: number }> {
  const any = db.prepare('SELECT 1 FROM messages WHERE conversation_id = ? AND sent_at_ms BETWEEN ? AND ? LIMIT 1').get(conversationId, fromMs, toMs);
  if (!any || keys.length === 0) return new Map();
  const rows = db
    .prepare(
      'SELECT dedup_key AS k, seq, first_source_id AS source FROM messages WHERE conversation_id = ? AND dedup_key IN (SELECT value FROM json_each(?))',
    )
    .all(conversationId, JSON.stringify(keys)) as { k: string; seq: number; source: number }[];
  return new Map(rows.map((r) => [r.k, { seq: r.seq, source: r.source }]));
}

/**
 * The keys (MessageWriter's stored keys: the base key, with `#<n>` for the n-th identical repeat) of the messages with
 * a sender that conversation `conversationId` stores in [fromMs, toMs] and that a later export of format `format` would
 * be expected to hold: as MessageWriter.finish's missing check, only messages a full-fidelity source of that format
 * contained, and not at an ambiguous time (the hour repeated when daylight saving time ends: both passes read as the
 * first, so an export that begins in the second pass would seem to cover the first). At most `limit`, oldest first (conversation-identity.ts asks for a little more than its probe holds: a
 * window with more stored messages than that cannot be consistent with the probe anyway).
 */
export function conversationKeysInWindow(
  db: DB, conversationId: number, fromMs: number, toMs: number, format: string, limit: number,
): { keys: string[]; truncated: boolean } {
  const rows = db
    .prepare(
      `SELECT m.dedup_key AS k FROM messages m
        WHERE m.conversation_id = @c AND m.sent_at_ms BETWEEN @lo AND @hi AND m.sender IS NOT NULL AND m.time_ambiguous = 0
          AND (EXISTS (SELECT 1 FROM sources o WHERE o.id = m.first_source_id AND o.format = @f AND o.low_fidelity = 0)
               OR EXISTS (SELECT 1 FROM message_sightings ms JOIN sources o ON o.id = ms.source_id
                          WHERE ms.message_id = m.id AND o.format = @f AND o.low_fidelity = 0))
        ORDER BY m.sent_at_ms, m.seq LIMIT @n`,
    )
    .pluck()
    .all({ c: conversationId, lo: fromMs, hi: toMs, f: format, n: limit + 1 }) as string[];
  return { keys: rows.slice(0, limit), truncated: rows.length > limit };
}

/**
 * The full-fidelity sources of format `format` that stored messages of conversation `conversationId`, each with the
 * time of its first and last message (sources.first_message_at / last_message_at as finishSource recorded them; for a
 * source recorded without them, its messages' first and last time), in id order. A WhatsApp source is one export of
 * one chat, complete between its first and last message.
 */
export function conversationSourceSpans(db: DB, conversationId: number, format: string): { id: number; fileName: string; fromMs: number; toMs: number }[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.file_name AS fileName, s.first_message_at AS fromAt, s.last_message_at AS toAt,
              CASE WHEN s.first_message_at IS NULL OR s.last_message_at IS NULL THEN
                (SELECT json_array(MIN(m.sent_at_ms), MAX(m.sent_at_ms)) FROM message_sources ms JOIN messages m ON m.id = ms.message_id
                  WHERE ms.source_id = s.id AND m.conversation_id = sc.conversation_id) END AS span
         FROM source_conversations sc JOIN sources s ON s.id = sc.source_id
        WHERE sc.conversation_id = ? AND s.format = ? AND s.low_fidelity = 0
        ORDER BY s.id`,
    )
    .all(conversationId, format) as { id: number; fileName: string; fromAt: string | null; toAt: string | null; span: string | null }[];
  return rows
    .map((r) => {
      const [lo, hi] = r.span === null ? [Date.parse(r.fromAt!), Date.parse(r.toAt!)] : (JSON.parse(r.span) as [number | null, number | null]);
      return { id: r.id, fileName: r.fileName, fromMs: lo ?? NaN, toMs: hi ?? NaN };
    })
    .filter((r) => Number.isFinite(r.fromMs) && Number.isFinite(r.toMs));
}

/**
 * Where the exports of conversation `conversationId` begin: for each source that stored messages, the time of the first
 * one it stored (its lowest seq; for the first source of a chat, its export's first line), in time order. One message
 * dated out of order inside an export does not move them, as it moves the conversation's earliest time.
 */
export function conversationSourceStarts(db: DB, conversationId: number): number[] {
  return db
    .prepare(
      `SELECT m.sent_at_ms FROM (SELECT MIN(seq) AS q FROM messages WHERE conversation_id = @c GROUP BY first_source_id) f
         JOIN messages m ON m.conversation_id = @c AND m.seq = f.q ORDER BY 1`,
    )
    .pluck()
    .all({ c: conversationId }) as number[];
}

/**
 * The authors that conversation `conversationId` stored its system events among `keys` (MessageKeys.base) under: the
 * name an iOS export writes a group's own events under (extra.author), by key. Events stored without an author are
 * left out.
 */
export function conversationEventAuthors(db: DB, conversationId: number, keys: string[]): Map<string, string> {
  if (keys.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT dedup_key AS k, json_extract(extra_json, '$.author') AS author FROM messages
        WHERE conversation_id = ? AND sender IS NULL AND dedup_key IN (SELECT value FROM json_each(?))`,
    )
    .all(conversationId, JSON.stringify(keys)) as { k: string; author: unknown }[];
  return new Map(rows.filter((r): r is { k: string; author: string } => typeof r.author === 'string').map((r) => [r.k, r.author]));
}

/**
 * The senders of conversation `conversationId`'s messages written between the local times `fromIso` and `toIso` (as
 * written, inclusive), each with its contact and how many messages it sent then (see src/ingest/sender-renames.ts).
 */
export function conversationSendersBetween(
  db: DB, conversationId: number, fromIso: string, toIso: string,
): { sender: string; contactId: number | null; count: number }[] {
  return db
    .prepare(
      `SELECT sender, MIN(sender_contact_id) AS contactId, COUNT(*) AS count FROM messages
        WHERE conversation_id = ? AND sender IS NOT NULL AND local_iso BETWEEN ? AND ? GROUP BY sender`,
    )
    .all(conversationId, fromIso, toIso) as { sender: string; contactId: number | null; count: number }[];
}

/** The local times (as written) of the messages that `sender` sent in conversation `conversationId` between `fromIso` and `toIso`. */
export function senderTimesBetween(db: DB, conversationId: number, sender: string, fromIso: string, toIso: string): Set<string> {
  return new Set(
    db.prepare('SELECT local_iso FROM messages WHERE conversation_id = ? AND sender = ? AND local_iso BETWEEN ? AND ?').pluck().all(conversationId, sender, fromIso, toIso) as string[],
  );
}
