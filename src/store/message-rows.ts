/** The rows of one new message (see MessageWriter): the message, its extra fields, and its attachments. */
import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import type { StoredAttachment } from './message-writer.js';

export class MessageRows {
  private readonly message;
  private readonly attachment;

  constructor(db: DB) {
    this.message = db.prepare(
      `INSERT INTO messages (conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, time_ambiguous, time_invalid,
         sender, sender_raw, sender_contact_id, from_self, kind, event, text, edited, view_once, deleted_by, stable_key, reply_to_key,
         raw_text, source_line, first_source_id, extra_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, dedup_key) DO NOTHING`,
    );
    this.attachment = db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size, missing) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Inserts `m` under `key` at `seq` with its attachments unless the key exists; returns the new id, or null. */
  insert(
    conversationId: number, seq: number, key: string, m: ParsedMessage, senderContactId: number | null, sourceId: number, attachments: StoredAttachment[],
  ): number | null {
    const r = this.message.run(
      conversationId, seq, key, m.sentAt, m.sentAtMs, m.localTime, m.localIso, m.zone, m.timeAmbiguous ? 1 : 0, m.timeInvalid ? 1 : 0,
      m.sender, m.senderRaw, senderContactId, m.fromSelf === null ? null : m.fromSelf ? 1 : 0, m.kind, m.event, m.text, m.edited ? 1 : 0,
      m.viewOnce ? 1 : 0, m.deletedBy ?? null, m.stableKey ?? null, m.replyToKey ?? null, m.rawText, m.line, sourceId, extraJson(m),
    );
    if (r.changes === 0) return null;
    const id = Number(r.lastInsertRowid);
    // (the first source is first_source_id: no message_sightings row)
    for (let i = 0; i < attachments.length; i++) {
      const a = attachments[i]!;
      this.attachment.run(id, i, a.name, a.mime, a.sha256, a.size, a.missing ? 1 : 0);
    }
    return id;
  }
}

/** extra_json: the parser's extra fields plus reactions and revisions, or null when there are none. */
function extraJson(m: ParsedMessage): string | null {
  const hasReactions = !!m.reactions?.length;
  const hasRevisions = !!m.revisions?.length;
  if (!hasReactions && !hasRevisions) return m.extra && Object.keys(m.extra).length ? JSON.stringify(m.extra) : null;
  const extra: Record<string, unknown> = { ...(m.extra ?? {}) };
  if (hasReactions) extra.reactions = m.reactions;
  if (hasRevisions) extra.revisions = m.revisions;
  return JSON.stringify(extra);
}
