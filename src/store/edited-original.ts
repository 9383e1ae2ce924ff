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
      `SELECT id, first_source_id AS first, kind, edited, text, dedup_key AS k, source_line AS line, sent_at AS sentAt FROM messages
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
      .all(this.conversationId, this.sourceId) as Row[];
    return rows.map(toNewEdited);
  }

  /** Text messages stored edited by earlier sources in [fromMs, toMs] that this source lacks (see originalHere). */
  storedEditedLacking(fromMs: number, toMs: number): NewEdited[] {
    const rows = this.db
      .prepare(
        `SELECT id, local_iso, sender, source_line, text, sent_at, sent_at_ms, extra_json FROM messages m
          WHERE conversation_id = @c AND edited = 1 AND kind = 'text' AND stable_key IS NULL AND first_source_id <> @s
            AND sent_at_ms BETWEEN @lo AND @hi
            AND NOT EXISTS (SELECT 1 FROM message_sightings g WHERE g.message_id = m.id AND g.source_id = @s)`,
      )
      .all({ c: this.conversationId, s: this.sourceId, lo: fromMs, hi: toMs }) as Row[];
    return rows.map(toNewEdited);
  }

  /**
   * The new message of this source that is an earlier state of stored edited message `o` (an older export ingested
   * after the later one): the only message this source added for that sender and time, a text, with `o` the only one
   * stored there that this source lacks; else null. Unedited, it is the original; edited, an earlier edit, taken only
   * when this source is the `older` export (it ends before the stored messages do), as originalOf takes a later edit
   * from the later export. (Three or more exports made within WhatsApp's 15 minutes for edits, ingested newest first,
   * may list two earlier edits in the order ingested: WhatsApp versions carry no time. Every version is kept.)
   */
  originalHere(o: NewEdited, prefix: string, older: boolean): { id: number; line: number; text: string; sentAt: string; edited: boolean } | null {
    const here = this.at(prefix);
    const added = here.filter((r) => r.first === this.sourceId);
    const lacking = here.filter((r) => r.first !== this.sourceId && this.sightedHere.get(r.id, this.sourceId) === undefined);
    if (added.length !== 1 || lacking.length !== 1 || lacking[0]!.id !== o.id) return null;
    const n = added[0]!;
    return n.kind === 'text' && (n.edited === 0 || older) ? { id: n.id, line: n.line, text: n.text, sentAt: n.sentAt, edited: n.edited === 1 } : null;
  }

  /** The messages keyed under `prefix`: one sender at one time. */
  private at(prefix: string): KeyedRow[] {
    // (A sender named 'Jan|x' keys after 'Jan''s prefix too: after the prefix comes only the body hash, `#n` perhaps.)
    return (this.atPrefix.all({ c: this.conversationId, p: prefix }) as KeyedRow[]).filter((r) => !r.k.includes('|', prefix.length));
  }

  /**
   * The original of new edited message `e`, whose sender and time key under `prefix`: the one text message an earlier
   * source stored there that this source lacks, when this source added nothing else there, and it is unedited, or this
   * source is the `later` export, or it holds this text already; else null.
   */
  originalOf(e: NewEdited, prefix: string, later: boolean): number | null {
    const here = this.at(prefix);
    if (here.some((r) => r.first === this.sourceId && r.id !== e.id)) return null;
    const lacking = here.filter((r) => r.first !== this.sourceId && this.sightedHere.get(r.id, this.sourceId) === undefined);
    if (lacking.length !== 1) return null;
    const o = lacking[0]!;
    // An original stored edited already is taken from the later export (its text is the newest), or with this very text
    // (nothing to order): WhatsApp versions carry no time.
    return o.kind === 'text' && (o.edited === 0 || later || o.text === e.reading.text) ? o.id : null;
  }
}

type KeyedRow = { id: number; first: number; kind: string; edited: number; text: string; k: string; line: number; sentAt: string };

type Row = { id: number; local_iso: string; sender: string | null; source_line: number; text: string; sent_at: string; sent_at_ms: number; extra_json: string | null };

/** An edited message as VersionAdder reads it. */
function toNewEdited(r: Row): NewEdited {
  return {
    id: r.id, localIso: r.local_iso, sender: r.sender, line: r.source_line,
    reading: {
      text: r.text, edited: true, sentAt: r.sent_at, sentAtMs: r.sent_at_ms, line: r.source_line,
      extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : undefined,
    } as ParsedMessage,
  };
}
