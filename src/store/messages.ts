import type { DB } from './db.js';

/** The message JSON contract (`chatarchief messages --json`); later tools and tests rely on these fields. */
export interface MessageJson {
  id: number;
  conversationId: number;
  seq: number;
  sentAt: string;
  localTime: string;
  sender: string | null;
  kind: string;
  event: string | null;
  text: string;
  edited: boolean;
  viewOnce: boolean;
  timeAmbiguous: boolean;
  timeInvalid: boolean;
  attachments: { name: string; sha256: string | null; size: number | null; missing: boolean; mime?: string | null }[];
  sources: number[];
  missingIn: number[];
  /** Further fields beyond the contract. */
  senderPhone?: string | null;
  senderContactId?: number | null;
  fromSelf?: boolean | null;
  deletedBy?: string | null;
  /** Id of the quoted message when it is in the store (Signal quoted replies). */
  replyTo?: number | null;
  replyToMessageId?: number | null;
  extra?: Record<string, unknown> | null;
}

export interface MessageRow {
  id: number; conversation_id: number; seq: number; sent_at: string; sent_at_ms: number; local_time: string; local_iso: string;
  zone: string; time_ambiguous: number; time_invalid: number; sender: string | null; sender_raw: string | null;
  sender_contact_id: number | null; from_self: number | null; kind: string; event: string | null; text: string;
  edited: number; view_once: number; deleted_by: string | null; stable_key: string | null; reply_to_key: string | null;
  reply_to_message_id: number | null; raw_text: string; source_line: number; first_source_id: number; extra_json: string | null;
}

export interface ConversationJson {
  id: number;
  custodianId: string;
  platform: string;
  title: string;
  titleHistory: string[];
  isGroup: boolean;
  participants: { contactId: number; name: string | null; phone: string | null }[];
  messageCount: number;
  firstAt: string | null;
  lastAt: string | null;
  sources: number[];
}

export function listConversations(db: DB, custodianId: string): ConversationJson[] {
  const rows = db
    .prepare(
      `SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS n
       FROM conversations c WHERE c.custodian_id = ? ORDER BY c.id`,
    )
    .all(custodianId) as (Record<string, unknown> & { id: number })[];
  return rows.map((r) => conversationFromRow(db, r));
}

export function getConversation(db: DB, id: number): ConversationJson | null {
  const r = db
    .prepare(
      `SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS n
       FROM conversations c WHERE c.id = ?`,
    )
    .get(id) as (Record<string, unknown> & { id: number }) | undefined;
  return r ? conversationFromRow(db, r) : null;
}

function conversationFromRow(db: DB, r: Record<string, unknown> & { id: number }): ConversationJson {
  const participants = db
    .prepare(
      `SELECT p.contact_id AS contactId, k.display_name AS name, k.phone_e164 AS phone
       FROM conversation_participants p JOIN contacts k ON k.id = p.contact_id WHERE p.conversation_id = ? ORDER BY p.contact_id`,
    )
    .all(r.id) as ConversationJson['participants'];
  const sources = (
    db.prepare('SELECT source_id AS id FROM source_conversations WHERE conversation_id = ? ORDER BY source_id').all(r.id) as { id: number }[]
  ).map((x) => x.id);
  return {
    id: r.id,
    custodianId: r.custodian_id as string,
    platform: r.platform as string,
    title: r.title as string,
    titleHistory: JSON.parse((r.title_history_json as string) ?? '[]') as string[],
    isGroup: r.is_group === 1,
    participants,
    messageCount: r.n as number,
    firstAt: (r.first_at as string | null) ?? null,
    lastAt: (r.last_at as string | null) ?? null,
    sources,
  };
}

/**
 * Streams a conversation's messages in `seq` order as contract JSON. Reads pages of messages and their attachments,
 * sources and missing-in records with one query each per page, so a conversation of a million messages never sits in
 * memory at once, no statement stays open between yields, and the cost is a handful of queries per page, not per message.
 */
export function* iterateMessages(db: DB, conversationId: number, opts: { fromMs?: number; toMs?: number } = {}): Generator<MessageJson> {
  const PAGE = 2000;
  const where = ['conversation_id = ?', 'seq > ?'];
  const range: unknown[] = [];
  if (opts.fromMs !== undefined) { where.push('sent_at_ms >= ?'); range.push(opts.fromMs); }
  if (opts.toMs !== undefined) { where.push('sent_at_ms < ?'); range.push(opts.toMs); }
  const pageOf = db.prepare(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${PAGE}`);
  const inPage = 'message_id IN (SELECT value FROM json_each(?))';
  const att = db.prepare(`SELECT message_id, name, sha256, size, missing, mime FROM attachments WHERE ${inPage} ORDER BY message_id, ordinal`);
  const src = db.prepare(`SELECT message_id, source_id FROM message_sources WHERE ${inPage} ORDER BY message_id, source_id`);
  const mis = db.prepare(`SELECT message_id, source_id FROM message_missing WHERE ${inPage} ORDER BY message_id, source_id`);
  const phone = db.prepare('SELECT phone_e164 FROM contacts WHERE id = ?').pluck();
  const phones = new Map<number, string | null>();
  const group = <T extends { message_id: number }>(rows: T[]): Map<number, T[]> => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const list = m.get(r.message_id);
      if (list) list.push(r);
      else m.set(r.message_id, [r]);
    }
    return m;
  };
  let after = -1;
  for (;;) {
    const page = pageOf.all(conversationId, after, ...range) as MessageRow[];
    if (page.length === 0) return;
    const ids = JSON.stringify(page.map((r) => r.id));
    const atts = group(att.all(ids) as { message_id: number; name: string; sha256: string | null; size: number | null; missing: number; mime: string | null }[]);
    const srcs = group(src.all(ids) as { message_id: number; source_id: number }[]);
    const miss = group(mis.all(ids) as { message_id: number; source_id: number }[]);
    for (const r of page) {
      let senderPhone: string | null = null;
      if (r.sender_contact_id) {
        if (!phones.has(r.sender_contact_id)) phones.set(r.sender_contact_id, (phone.get(r.sender_contact_id) as string | null | undefined) ?? null);
        senderPhone = phones.get(r.sender_contact_id) ?? null;
      }
      yield toMessageJson(r, {
        attachments: (atts.get(r.id) ?? []).map((a) => ({ name: a.name, sha256: a.sha256, size: a.size, missing: a.missing === 1, mime: a.mime })),
        sources: (srcs.get(r.id) ?? []).map((x) => x.source_id),
        missingIn: (miss.get(r.id) ?? []).map((x) => x.source_id),
        senderPhone,
      });
    }
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

export function toMessageJson(
  r: MessageRow,
  rel: Pick<MessageJson, 'attachments' | 'sources' | 'missingIn'> & { senderPhone?: string | null },
): MessageJson {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    sentAt: r.sent_at,
    localTime: r.local_time,
    sender: r.sender,
    kind: r.kind,
    event: r.event,
    text: r.text,
    edited: r.edited === 1,
    viewOnce: r.view_once === 1,
    timeAmbiguous: r.time_ambiguous === 1,
    timeInvalid: r.time_invalid === 1,
    attachments: rel.attachments,
    sources: rel.sources,
    missingIn: rel.missingIn,
    senderPhone: rel.senderPhone ?? null,
    senderContactId: r.sender_contact_id,
    fromSelf: r.from_self === null ? null : r.from_self === 1,
    deletedBy: r.deleted_by,
    replyTo: r.reply_to_message_id,
    replyToMessageId: r.reply_to_message_id,
    extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : null,
  };
}

export function getMessage(db: DB, id: number): MessageJson | null {
  const r = db.prepare('SELECT conversation_id, seq FROM messages WHERE id = ?').get(id) as { conversation_id: number } | undefined;
  if (!r) return null;
  const row = db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow;
  const att = (db.prepare('SELECT name, sha256, size, missing, mime FROM attachments WHERE message_id = ? ORDER BY ordinal').all(id) as {
    name: string; sha256: string | null; size: number | null; missing: number; mime: string | null;
  }[]).map((a) => ({ name: a.name, sha256: a.sha256, size: a.size, missing: a.missing === 1, mime: a.mime }));
  const sources = (db.prepare('SELECT source_id FROM message_sources WHERE message_id = ? ORDER BY source_id').all(id) as { source_id: number }[]).map((x) => x.source_id);
  const missingIn = (db.prepare('SELECT source_id FROM message_missing WHERE message_id = ? ORDER BY source_id').all(id) as { source_id: number }[]).map((x) => x.source_id);
  return toMessageJson(row, { attachments: att, sources, missingIn });
}
