import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import type { StoredAttachment } from './message-writer.js';
import type { AttachmentAbsent } from './attachment-missing-later.js';
import { ATTACHMENT_FILLED } from './reports.js';

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
 * that differ from the stored ones (kept), and (when asked, see `onAbsent`) stored bytes that this source lacks. Owned
 * by the source's MessageWriter, which calls `fill` for a message seen before with an attachment whose bytes this
 * source holds, or, when absences are judged, with any attachment.
 */
export class AttachmentFill {
  /** Attachments of messages seen before that were stored without bytes and that this source filled in. */
  filled = 0;
  /** Attachments of messages seen before for which this source brought other bytes than the store holds. */
  differ = 0;
  /** Attachments of messages seen before whose stored bytes this source shows (with or without the file). */
  secured = 0;
  /** Of those, the ones this source lacks (see AttachmentAbsent). */
  absent = 0;
  /**
   * Set to judge absences: called for each stored attachment with bytes that this source, showing its message again,
   * lacks the file of. Left unset for a source that cannot hold files (a best-effort transcript).
   */
  onAbsent: ((e: AttachmentAbsent) => void) | undefined;
  private readonly readAtts;
  private readonly fillAtt;
  private securedBy: ReturnType<DB['prepare']> | undefined;

  constructor(
    private readonly db: DB,
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
      if (a.sha256 === null && this.onAbsent === undefined) continue;
      const row =
        stored.find((r) => free(r) && r.ordinal === i && r.name === a.name) ??
        stored.find((r) => free(r) && r.name === a.name) ??
        (stored.length === attachments.length ? stored.find((r) => free(r) && r.ordinal === i && !attachments.some((b) => b.name === r.name)) : undefined);
      if (!row) continue;
      used.add(row.id);
      // Bytes an earlier source secured: a row with a hash that is not flagged missing.
      const kept = row.sha256 !== null && row.missing === 0;
      if (kept) this.secured++;
      if (a.sha256 === null) {
        if (kept) this.reportAbsent(id, m, row, a);
        continue;
      }
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

  /**
   * Reports a stored attachment with bytes that this source lacks. The attachment row is left exactly as it is: the
   * bytes stay linked, and it is not flagged missing. The source that secured them is the one recorded as having
   * filled them in (`attachment-filled`, naming the hash), else the message's first source, which stored them.
   */
  private reportAbsent(id: number, m: ParsedMessage, row: StoredRow, a: StoredAttachment): void {
    this.absent++;
    this.securedBy ??= this.db.prepare(
      `SELECT s.id, s.file_name AS file, s.last_message_at AS lastAt FROM sources s WHERE s.id = COALESCE(
         (SELECT MIN(f.source_id) FROM source_findings f WHERE f.message_id = @m AND f.code = @filled AND instr(f.message, 'sha256 ' || @sha || ',') > 0),
         (SELECT first_source_id FROM messages WHERE id = @m))`,
    );
    const by = this.securedBy.get({ m: id, filled: ATTACHMENT_FILLED, sha: row.sha256 }) as { id: number; file: string; lastAt: string | null };
    this.onAbsent!({
      messageId: id, sender: m.sender, sentAt: m.sentAt, localTime: m.localTime, line: m.line, name: row.name, incomingName: a.name,
      omitted: a.omitted === true, sha256: row.sha256!, size: row.size, earlierSourceId: by.id, earlierSourceFile: by.file,
      earlierLastAt: by.lastAt,
    });
  }
}
