/** The stored original of a message that a later export shows edited (see MessageWriter.absorbEdits). */
import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';

/** A new edited message of the source, with what VersionAdder needs of it. */
export interface NewEdited {
  id: number;
  localIso: string;
  sender: string | null;
  line: number;
  reading: ParsedMessage;
}

/**
 * Looks up, for the new edited messages of source `sourceId` in one conversation, their stored originals. A message's
 * dedup key starts with its local time and sender (see MessageKeys.prefix), so the messages of one sender at one time
 * are one range of the conversation's key index.
 */
export class EditedOriginals {
  private readonly atPrefix;
  private readonly sightedHere;

  constructor(private readonly db: DB, private readonly conversationId: number, private readonly sourceId: number) {
    this.atPrefix = db.prepare(
      `SELECT id, first_source_id AS first, kind, edited, text, dedup_key AS k FROM messages
        WHERE conversation_id = @c AND dedup_key >= @p AND dedup_key < @p || char(1114111)`,
    );
    this.sightedHere = db.prepare('SELECT 1 FROM message_sightings WHERE message_id = ? AND source_id = ?');
  }

  /** The source's new edited text messages (one pass over the conversation, at the source's end). */
  newEdited(): NewEdited[] {
    const rows = this.db
      .prepare(
        `SELECT id, local_iso, sender, source_line, text, sent_at, sent_at_ms, extra_json FROM messages
          WHERE conversation_id = ? AND first_source_id = ? AND edited = 1 AND kind = 'text' AND stable_key IS NULL`,
      )
      .all(this.conversationId, this.sourceId) as
      { id: number; local_iso: string; sender: string | null; source_line: number; text: string; sent_at: string; sent_at_ms: number; extra_json: string | null }[];
    return rows.map((r) => ({
      id: r.id, localIso: r.local_iso, sender: r.sender, line: r.source_line,
      reading: {
        text: r.text, edited: true, sentAt: r.sent_at, sentAtMs: r.sent_at_ms, line: r.source_line,
        extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : undefined,
      } as ParsedMessage,
    }));
  }

  /**
   * The original of new edited message `e`, whose sender and time key under `prefix`: the one text message an earlier
   * source stored there that this source lacks, when this source added nothing else there, and it is unedited, or this
   * source is the `later` export, or it holds this text already; else null.
   */
  originalOf(e: NewEdited, prefix: string, later: boolean): number | null {
    // (A sender named 'Jan|x' keys after 'Jan''s prefix too: after the prefix comes only the body hash, `#n` perhaps.)
    const here = (this.atPrefix.all({ c: this.conversationId, p: prefix }) as { id: number; first: number; kind: string; edited: number; text: string; k: string }[])
      .filter((r) => !r.k.includes('|', prefix.length));
    if (here.some((r) => r.first === this.sourceId && r.id !== e.id)) return null;
    const lacking = here.filter((r) => r.first !== this.sourceId && this.sightedHere.get(r.id, this.sourceId) === undefined);
    if (lacking.length !== 1) return null;
    const o = lacking[0]!;
    // An original stored edited already is taken from the later export (its text is the newest), or with this very text
    // (nothing to order): WhatsApp versions carry no time.
    return o.kind === 'text' && (o.edited === 0 || later || o.text === e.reading.text) ? o.id : null;
  }
}
