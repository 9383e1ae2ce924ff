import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import type { StoredAttachment } from './message-writer.js';

/**
 * What this source's bytes did to an attachment of a message seen before (matched on ordinal and name):
 * - `filled`: the store held the attachment without bytes (missing from the earlier export); it now has this source's
 *   sha256, size and mime and is no longer missing. The file is in this source's file list (source_files).
 * - `differs`: the store held other bytes; they are kept (never overwritten) and this source's file stays only in its
 *   own file list.
 *
 * The store keeps no other trace of which source supplied an attachment's bytes: the message's sources whose file
 * lists hold the hash need not be one (a later export with the same file holds it too, and a source may hold the same
 * bytes for another message). So the ingest records every update durably (see `attachmentUpdateRecorder`).
 */
export interface AttachmentUpdate {
  kind: 'filled' | 'differs';
  messageId: number;
  sender: string | null;
  sentAt: string;
  /** Line (item) of the message in this source. */
  line: number;
  ordinal: number;
  /** The stored attachment's name, and the name this source gives it (equal unless matched on ordinal alone). */
  name: string;
  incomingName: string;
  /** This source's file. */
  path: string | null;
  sha256: string;
  size: number | null;
  /** The bytes the store holds (for `differs`). */
  storedSha256: string | null;
  storedSize: number | null;
}

interface StoredRow {
  id: number;
  ordinal: number;
  name: string;
  sha256: string | null;
  size: number | null;
  missing: number;
}

/**
 * Fills in, for the messages one source shows again, the attachments the store held without bytes, and reports bytes
 * that differ from the stored ones (kept). Owned by the source's MessageWriter, which calls `fill` only for a message
 * seen before with an attachment whose bytes this source holds.
 */
export class AttachmentFill {
  /** Attachments of messages seen before that were stored without bytes and that this source filled in. */
  filled = 0;
  /** Attachments of messages seen before for which this source brought other bytes than the store holds. */
  differ = 0;
  private readonly readAtts;
  private readonly fillAtt;

  constructor(
    db: DB,
    private readonly onUpdate?: (e: AttachmentUpdate) => void,
  ) {
    this.readAtts = db.prepare('SELECT id, ordinal, name, sha256, size, missing FROM attachments WHERE message_id = ? ORDER BY ordinal');
    // Only an attachment without bytes is filled (the WHERE clause guards it too): stored bytes are never replaced.
    this.fillAtt = db.prepare(
      'UPDATE attachments SET sha256 = ?, size = ?, mime = COALESCE(?, mime), missing = 0 WHERE id = ? AND (sha256 IS NULL OR sha256 = ?)',
    );
  }

  /**
   * For a message seen before: gives each stored attachment without bytes the bytes this source holds for it, and
   * reports bytes that differ from the stored ones (kept). An incoming attachment matches the stored one with its
   * ordinal and name, else the one with its name, else (the same number of attachments on both sides: the same
   * message by its key, named differently by another export format) the one with its ordinal.
   */
  fill(id: number, m: ParsedMessage, attachments: StoredAttachment[]): void {
    const stored = this.readAtts.all(id) as StoredRow[];
    if (stored.length === 0) return;
    const used = new Set<number>();
    const free = (r: { id: number }): boolean => !used.has(r.id);
    for (let i = 0; i < attachments.length; i++) {
      const a = attachments[i]!;
      if (a.sha256 === null) continue;
      const row =
        stored.find((r) => free(r) && r.ordinal === i && r.name === a.name) ??
        stored.find((r) => free(r) && r.name === a.name) ??
        (stored.length === attachments.length ? stored.find((r) => free(r) && r.ordinal === i && !attachments.some((b) => b.name === r.name)) : undefined);
      if (!row) continue;
      used.add(row.id);
      const event = {
        messageId: id, sender: m.sender, sentAt: m.sentAt, line: m.line, ordinal: row.ordinal, name: row.name, incomingName: a.name, path: a.path ?? null,
        sha256: a.sha256, size: a.size, storedSha256: row.sha256, storedSize: row.size,
      };
      if (row.sha256 === null || (row.missing === 1 && row.sha256 === a.sha256)) {
        if (this.fillAtt.run(a.sha256, a.size, a.mime, row.id, a.sha256).changes === 1) {
          this.filled++;
          this.onUpdate?.({ kind: 'filled', ...event });
        }
      } else if (row.sha256 !== a.sha256) {
        this.differ++;
        this.onUpdate?.({ kind: 'differs', ...event });
      }
    }
  }
}
