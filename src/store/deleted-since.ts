import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';

/** The source finding for a message stored with its content that a later source shows deleted for everyone. */
export const MESSAGE_DELETED_SINCE = 'message-deleted-since';

/** A stored message with content that this source shows deleted (see DeletedSince). */
export interface DeletedSinceEvent {
  messageId: number;
  senderContactId: number | null;
  sentAt: string;
  /** Line (item) of the deletion in this source. */
  line: number;
  deletedBy: 'sender' | 'self' | null;
}

/**
 * Signal keys a message by its author and original send time, so a message deleted for everyone after an earlier
 * export was made comes back in a later one as a tombstone under the same key: it is sighted, not new. The stored
 * content stays (it is the evidence, and the only copy left); this reports the deletion, once per message (a third
 * export showing the same tombstone says nothing new). Said means a finding of this code records the message
 * (source_findings.message_id, which onDeleted's finding must carry: see addSourceFinding). Only asked for the
 * deletions of a source: no cost elsewhere.
 */
export class DeletedSince {
  private readonly stored;
  private readonly reported;

  constructor(db: DB, private readonly onDeleted: (e: DeletedSinceEvent) => void) {
    this.stored = db.prepare('SELECT kind, sender_contact_id AS contact, sent_at FROM messages WHERE id = ?');
    this.reported = db.prepare('SELECT 1 FROM source_findings WHERE message_id = ? AND code = ?');
  }

  /** Called for a message this source sighted; reports it when this source shows it deleted and the store does not. */
  check(id: number, m: ParsedMessage): boolean {
    if (m.kind !== 'deleted') return false;
    const row = this.stored.get(id) as { kind: string; contact: number | null; sent_at: string };
    if (row.kind === 'deleted' || this.reported.get(id, MESSAGE_DELETED_SINCE) !== undefined) return false;
    this.onDeleted({ messageId: id, senderContactId: row.contact, sentAt: row.sent_at, line: m.line, deletedBy: m.deletedBy ?? null });
    return true;
  }
}
