/** Versions of a stored message that a later source shows edited further (see MessageWriter). */
import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import { incomingVersions, mergeVersions, storedVersions } from './message-versions.js';

/**
 * A message seen before that this source shows with versions the store did not know yet (it was edited again, or
 * edited for the first time, after the earlier source was made). Reported once per message and source.
 */
export interface EditedSince {
  messageId: number;
  /** The sender by contact id (null when it has none: a system event); the operator's log names ids, never names. */
  senderContactId: number | null;
  sentAt: string;
  /** Line (item) of the message in this source. */
  line: number;
  /** Versions this source added to the ones the store held. */
  added: number;
  /** The stored text was replaced by the newest version. */
  textChanged: boolean;
  /**
   * Passage markings whose spans are offsets into the stored text. When there are any, the stored text is kept (the
   * spans stay true to the text they were made on) and the newer versions wait in extra.newerVersions.
   */
  keptForMarkings: number[];
  /** Other markings (message level) that were made on the earlier text. */
  otherMarkings: number[];
}

export class VersionAdder {
  /** Messages whose versions this source extended. */
  updated = 0;
  private readonly readStored;
  private readonly update;
  private readonly markingsOf;
  private readonly lastDecision;

  constructor(
    db: DB,
    private readonly sourceId: number,
    private readonly onEditedSince?: (e: EditedSince) => void,
  ) {
    this.readStored = db.prepare('SELECT text, edited, sent_at, sender_contact_id, extra_json FROM messages WHERE id = ?');
    this.update = db.prepare('UPDATE messages SET text = ?, edited = 1, extra_json = ? WHERE id = ?');
    this.lastDecision = db.prepare('SELECT COALESCE(MAX(id), 0) FROM decisions').pluck();
    // Markings that still stand: a rejected or lapsed passage suggestion hides nothing, so it need not freeze the text.
    this.markingsOf = db.prepare(
      `SELECT id, level FROM markings WHERE level IN ('message','passage') AND target_id = ? AND status <> 'rejected' AND active = 1 ORDER BY id`,
    );
  }

  /**
   * Adds the versions of an edited message that the store lacks (the message keeps its id, key, first source and
   * sightings): the newest version becomes the text and every other version stays in extra.revisions, oldest first.
   * Nothing known is dropped. When passage markings refer to offsets in the stored text, that text is kept and the
   * newer versions go to extra.newerVersions instead, so that a withheld passage never lands on other words.
   */
  add(id: number, m: ParsedMessage): void {
    const row = this.readStored.get(id) as { text: string; edited: number; sent_at: string; sender_contact_id: number | null; extra_json: string | null };
    const extra = row.extra_json ? (JSON.parse(row.extra_json) as Record<string, unknown>) : {};
    const stored = storedVersions(row.text, row.edited === 1, row.sent_at, extra);
    const merged = mergeVersions(stored.versions, incomingVersions(m));
    const added = merged.length - stored.versions.length;
    if (added === 0) return;
    const storedAt = merged.indexOf(stored.versions[stored.textIndex]!);
    const newest = merged.length - 1;
    const markings = storedAt === newest ? [] : (this.markingsOf.all(id) as { id: number; level: string }[]);
    const pins = markings.filter((k) => k.level === 'passage').map((k) => k.id);
    const textAt = storedAt === newest || pins.length ? storedAt : newest;
    const next: Record<string, unknown> = { ...extra };
    delete next.revisions;
    delete next.newerVersions;
    delete next.textKeptForMarkings;
    if (textAt > 0) next.revisions = merged.slice(0, textAt);
    if (textAt < newest) {
      next.newerVersions = merged.slice(textAt + 1);
      next.textKeptForMarkings = pins;
      // The pinned passages were decided on a text that now has a newer version: mark which decisions predate it and
      // which source brought it, so that the review points to them (src/store/text-changed.ts). Only a newer version
      // moves the watermark; a source that adds older ones leaves it.
      if (newest - textAt > stored.versions.length - 1 - stored.textIndex || next.newerTextAfterDecision === undefined) {
        next.newerTextAfterDecision = this.lastDecision.get() as number;
        next.newerTextFromSource = this.sourceId;
      }
    } else {
      delete next.newerTextAfterDecision;
      delete next.newerTextFromSource;
    }
    if (textAt !== storedAt) {
      const at = merged[textAt]!.at;
      if (at === null) delete next.editedAt;
      else next.editedAt = at;
      next.textFromSource = this.sourceId;
      // Every decision so far on a marking of this message was made on an earlier text (src/store/stale-decisions.ts):
      // a zakelijk one must not publish this text until someone decides again.
      if (markings.length) next.textEditedAfterDecision = this.lastDecision.get() as number;
    }
    this.update.run(merged[textAt]!.text, JSON.stringify(next), id);
    this.updated++;
    this.onEditedSince?.({
      messageId: id, senderContactId: row.sender_contact_id, sentAt: row.sent_at, line: m.line, added, textChanged: textAt !== storedAt,
      keptForMarkings: textAt < newest ? pins : [], otherMarkings: markings.filter((k) => k.level !== 'passage').map((k) => k.id),
    });
  }
}
