import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import { VersionAdder, type EditedSince } from './version-adder.js';
import { MessageKeys } from './message-keys.js';
import { AttachmentFill, type AttachmentUpdate } from './attachment-fill.js';
import type { AttachmentAbsent } from './attachment-missing-later.js';
import { markMissing } from './missing.js';
import { EarlierReadings } from './earlier-readings.js';
import { SenderAliases } from './sender-aliases.js';
import { MessageRows } from './message-rows.js';
import { EditedOriginals } from './edited-original.js';
import { ReactionMerge } from './reaction-merge.js';
import { DeletedSince, type DeletedSinceEvent } from './deleted-since.js';

export type { EditedSince };

export interface StoredAttachment {
  name: string;
  mime: string | null;
  sha256: string | null;
  size: number | null;
  missing: boolean;
  /** Where this source holds the bytes: the path of the file in the source (as in source_files), when known. */
  path?: string | null;
  /** The export marks the file as left out (`<Media weggelaten>`) rather than naming one it lacks. */
  omitted?: boolean;
}

export type WriteOutcome = 'new' | 'seen';

/** A stored message found by its key. */
type Found = { id: number; first: number };

/**
 * Inserts the messages of one source into one conversation, deduplicating against earlier sources.
 * Key: conversation, local timestamp, sender, body hash (or the format's stable key), plus an occurrence number
 * for identical repeats inside one source. Memory does not grow with the number of messages: repeats are
 * detected through the database (a key this source added, or sighted already, is a repeat). The first source of a
 * message is its first_source_id; later sources that contain it get a message_sightings row. A message seen before
 * that a later source shows edited further keeps its id and gains the versions the store lacked (see VersionAdder),
 * and the bytes of attachments the store held without them (see AttachmentFill).
 */
export class MessageWriter {
  private nextSeq: number;
  /** The conversation held messages before this source (else nothing can be missing from it). */
  private readonly hadMessages: boolean;
  private readonly find;
  /** Inserts message and attachment rows. */
  private readonly rows: MessageRows;
  private readonly link;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = Number.NEGATIVE_INFINITY;
  firstAt: string | null = null;
  lastAt: string | null = null;
  /** This source's first and (so far) last message, when stored before (null: new, or none yet); see markMissing. */
  private firstSeen: number | null = null;
  private lastSeen: number | null = null;
  /** The first (last) message by time is at an ambiguous time (see markMissing). */
  private firstAmbiguous = false;
  private lastAmbiguous = false;
  count = 0;
  newCount = 0;
  /** Messages that earlier sources contained (updated ones included). */
  seenCount = 0;
  /** Messages seen before whose versions this source extended (a subset of seenCount). */
  get updatedCount(): number {
    return this.versions.updated;
  }
  /** Fills in attachments of messages seen before (see AttachmentFill). */
  private readonly attachmentFill: AttachmentFill;
  /** Adds the versions of messages seen before that this source shows edited further (see VersionAdder). */
  private readonly versions: VersionAdder;

  constructor(
    private readonly db: DB,
    readonly conversationId: number,
    readonly sourceId: number,
    private readonly onEditedSince?: (e: EditedSince) => void,
    onAttachment?: (e: AttachmentUpdate) => void,
    onDeletedSince?: (e: DeletedSinceEvent) => void,
  ) {
    const r = db.prepare('SELECT MAX(seq) AS s FROM messages WHERE conversation_id = ?').get(conversationId) as { s: number | null };
    this.nextSeq = (r.s ?? -1) + 1;
    this.hadMessages = r.s !== null;
    this.find = db.prepare('SELECT id, first_source_id AS first FROM messages WHERE conversation_id = ? AND dedup_key = ?');
    this.rows = new MessageRows(db);
    this.link = db.prepare('INSERT OR IGNORE INTO message_sightings (message_id, source_id, line) VALUES (?, ?, ?)');
    this.attachmentFill = new AttachmentFill(db, onAttachment);
    this.versions = new VersionAdder(db, sourceId, onEditedSince);
    this.deletions = onDeletedSince ? new DeletedSince(db, onDeletedSince) : null;
    this.earlier = new EarlierReadings(db, conversationId, this.keys, this.hadMessages);
  }

  /** Reports messages stored with content that this source shows deleted (see DeletedSince). */
  private readonly deletions: DeletedSince | null;
  /** Adds reactions a later source shows on a stored message (made when first needed). */
  private reactions: ReactionMerge | undefined;
  /** Messages seen before that this source shows deleted for everyone (their stored content kept). */
  deletedSinceCount = 0;

  private readonly keys = new MessageKeys();
  /** Senders renamed since the stored messages (see setSenderAliases). */
  private aliases: SenderAliases | null = null;

  /**
   * Senders this source writes under another name than the stored messages (src/ingest/sender-renames.ts): each
   * message of theirs, or event naming them, is looked for as the stored messages read first (see SenderAliases), then
   * as written; a new one is stored as written.
   */
  setSenderAliases(aliases: Map<string, string>): void {
    this.aliases = aliases.size ? new SenderAliases(aliases) : null;
  }
  /** Where a message may be stored under the key of an earlier parser's reading (see writeOld). */
  private readonly earlier: EarlierReadings;

  /** Attachments of messages seen before that were stored without bytes and that this source filled in. */
  get attachmentsFilled(): number {
    return this.attachmentFill.filled;
  }

  /** Attachments of messages seen before for which this source brought other bytes than the store holds. */
  get attachmentsDiffer(): number {
    return this.attachmentFill.differ;
  }

  /**
   * Judges, for the messages this source shows again, which attachments it lacks although an earlier source secured
   * their bytes (see AttachmentFill.onAbsent; the stored attachment is left as it is). Not set: not judged.
   */
  set onAttachmentAbsent(f: ((e: AttachmentAbsent) => void) | undefined) {
    this.attachmentFill.onAbsent = f;
  }

  /** Attachments this source lacks of those earlier sources secured (of `attachmentsSecuredShown`), when judged. */
  get attachmentsMissingLater(): number {
    return this.attachmentFill.absent;
  }

  /** Attachments with stored bytes of the messages this source shows again, when absences are judged. */
  get attachmentsSecuredShown(): number {
    return this.attachmentFill.secured;
  }


  write(m: ParsedMessage, senderContactId: number | null, attachments: StoredAttachment[]): { id: number; outcome: WriteOutcome } {
    if (this.count++ === 0) {
      this.db.prepare('INSERT OR IGNORE INTO source_conversations (source_id, conversation_id) VALUES (?, ?)').run(this.sourceId, this.conversationId);
    }
    if (m.sentAtMs < this.minMs) {
      this.minMs = m.sentAtMs;
      this.firstAt = m.sentAt;
      this.firstAmbiguous = m.timeAmbiguous;
    }
    if (m.sentAtMs >= this.maxMs) {
      this.maxMs = m.sentAtMs;
      this.lastAt = m.sentAt;
      this.lastAmbiguous = m.timeAmbiguous;
    }
    const base = this.keys.base(m);
    // A message of a sender renamed since, or naming one: looked for as the stored messages read first (see setSenderAliases).
    const earlier = this.aliases?.earlierReading(m) ?? null;
    if (earlier !== null) return this.writeOld(m, base, senderContactId, attachments, earlier);
    // A message that an earlier parser version may have stored under another key: looked for under each key it could
    // have had (see EarlierReadings); everywhere else this costs no lookup (the insert-first path below).
    if (this.earlier.mayHold(m)) return this.writeOld(m, base, senderContactId, attachments);
    for (let occ = 0; ; occ++) {
      const key = occ === 0 ? base : `${base}#${occ}`;
      const newId = this.insertNew(m, key, senderContactId, attachments);
      if (newId !== null) return this.added(newId, m);
      const row = this.find.get(this.conversationId, key) as Found;
      if (this.sight(row, m, attachments)) return this.seen(row);
      if (occ === 0 && m.stableKey && row.first === this.sourceId && this.repeated(row.id, m)) return { id: row.id, outcome: 'seen' };
    }
  }

  /**
   * A Signal message is its author and send time (the stable key): a line of this source that repeats, byte for byte,
   * the line this source stored under that key is the exporter writing one message twice, not a second message (which
   * a later export, holding it once, would report missing). It is stored once and the repeat reported.
   */
  onRepeatedLine?: (e: { messageId: number; line: number; firstLine: number }) => void;

  /** The stored line of a message (see repeated; prepared when first needed). */
  private storedLine: ReturnType<DB['prepare']> | undefined;

  /** Whether `m` repeats the stored line of message `id` byte for byte (then reported, see onRepeatedLine). */
  private repeated(id: number, m: ParsedMessage): boolean {
    this.storedLine ??= this.db.prepare('SELECT raw_text AS raw, source_line AS line FROM messages WHERE id = ?');
    const r = this.storedLine.get(id) as { raw: string; line: number };
    if (r.raw !== m.rawText || r.line === m.line) return false;
    this.onRepeatedLine?.({ messageId: id, line: m.line, firstLine: r.line });
    this.lastSeen = null;
    this.lastNew = id;
    return true;
  }

  /**
   * Writes a message that may be stored under a key of an earlier reading (see EarlierReadings.candidates). Looks before
   * inserting: the first candidate stored and not yet taken by this source is the message. Occurrence n of an
   * identical repeat is #n under every candidate, so repeats pair up one by one whichever key each was stored under;
   * a candidate taken by an earlier repeat lets the next candidate of the same occurrence try. When no candidate of
   * an occurrence is stored, the message is new there, under its current key.
   */
  private writeOld(
    m: ParsedMessage, base: string, senderContactId: number | null, attachments: StoredAttachment[], renamed?: ParsedMessage,
  ): { id: number; outcome: WriteOutcome } {
    const own = (r: ParsedMessage, key: string) => (this.earlier.mayHold(r) ? this.earlier.candidates(r, key) : [{ key, text: r.text }]);
    const candidates = own(m, base);
    if (renamed !== undefined) candidates.unshift(...own(renamed, this.keys.base(renamed)));
    for (let occ = 0; ; occ++) {
      let stored = false;
      for (const c of candidates) {
        const row = this.find.get(this.conversationId, occ === 0 ? c.key : `${c.key}#${occ}`) as Found | undefined;
        if (row === undefined) continue;
        stored = true;
        // Versions compare with the stored text as it was read then: a different reading is no edit.
        const seen = c.text === m.text || !(m.edited || m.revisions?.length) ? m : { ...m, text: c.text };
        if (this.sight(row, seen, attachments)) {
          this.noteSiblings(candidates, occ, row.id);
          return this.seen(row);
        }
      }
      if (!stored) return this.added(this.insertNew(m, occ === 0 ? base : `${base}#${occ}`, senderContactId, attachments)!, m);
    }
  }

  /**
   * Rows of the same occurrence under the message's other candidate keys: whatsapp-1.0.0 stored one message twice
   * when two exports had other line endings. This source contains them too, unless a later identical repeat in it
   * takes one: so they are sighted only at the end (see finish), not now, and a repeat still finds its own row.
   */
  private noteSiblings(candidates: { key: string }[], occ: number, id: number): void {
    for (const c of candidates) {
      const row = this.find.get(this.conversationId, occ === 0 ? c.key : `${c.key}#${occ}`) as Found | undefined;
      if (row !== undefined && row.id !== id && row.first !== this.sourceId) this.siblings.push(row.id);
    }
  }

  /** See noteSiblings. */
  private readonly siblings: number[] = [];

  private seen(row: Found): { id: number; outcome: WriteOutcome } {
    if (this.count === 1) this.firstSeen = row.id;
    this.lastSeen = row.id;
    this.lastNew = null;
    return { id: row.id, outcome: 'seen' };
  }

  private added(id: number, m: ParsedMessage): { id: number; outcome: WriteOutcome } {
    this.lastSeen = null;
    this.newCount++;
    if (this.count === 1) this.firstNew = id;
    this.lastNew = id;
    if (m.sentAtMs < this.minNewMs) this.minNewMs = m.sentAtMs;
    if (m.edited && !m.stableKey && m.kind === 'text') this.editedNew++;
    return { id, outcome: 'new' };
  }

  /** New messages of this source shown edited (see absorbEdits), and this source's first and last message when new. */
  private editedNew = 0;
  private firstNew: number | null = null;
  private lastNew: number | null = null;
  /** The earliest time of a message this source added. */
  private minNewMs = Number.POSITIVE_INFINITY;

  /**
   * A message edited after an earlier export was made shows in this one with another text, so another key: it was
   * stored as new, and the original would be reported missing. It is that message when, for the same sender and local
   * time, this source added nothing else (no second message, no "deleted" placeholder), and exactly one unedited text
   * message an earlier source stored is lacking here (see EditedOriginals): the new row is taken back and the stored one
   * gains the edited version (VersionAdder), sighted by this source. An original stored edited already is taken when
   * this source is the later export (it reaches as late as the stored messages), or with the same text: WhatsApp
   * versions carry no time, so an edited text is newer than another only by its export. Anything less clear stays as it
   * is. (Taking the new row back costs a scan of the messages table for the reply foreign key: a few per export.)
   */
  private absorbEdits(): void {
    if (!this.hadMessages || this.count === 0) return;
    const originals = new EditedOriginals(this.db, this.conversationId, this.sourceId);
    // This source reaches as late as the stored messages: it is taken for the later export, its edit the newest version.
    // (Equal: a quiet chat, where the later-ingested export is taken for the later one; out of order there, an older
    // edited text would become the current one, every version kept. Splitting instead stores the message twice.)
    const prev = this.db.prepare('SELECT last_at_ms AS t FROM conversations WHERE id = ?').get(this.conversationId) as { t: number | null };
    const later = prev.t === null || this.maxMs >= prev.t;
    const absorb = (newId: number, stored: number, line: number, reading: ParsedMessage): void => {
      this.db.prepare('DELETE FROM messages WHERE id = ?').run(newId);
      this.newCount--;
      this.link.run(stored, this.sourceId, line);
      this.seenCount++;
      this.versions.add(stored, reading);
      if (this.firstNew === newId) this.firstSeen = stored;
      if (this.lastNew === newId) this.lastSeen = stored;
    };
    if (this.editedNew > 0) {
      for (const e of originals.newEdited()) {
        const original = originals.originalOf(e, this.keys.prefix(e.localIso, e.sender), later);
        if (original !== null) absorb(e.id, original, e.line, e.reading);
      }
    }
    // The reverse: an older export, ingested after a later one, shows the original of a message stored edited. It becomes
    // that message's earliest version: an unedited text precedes every edit, whichever export is later. (Given before
    // the stored versions, each of which anchors the merge, so it lands first.) An earlier edit is taken only from the
    // export that ends earlier (originalOf reversed) and lands just before the stored text, so ingest order does not
    // decide between one message and two (see EditedOriginals.originalHere).
    // (Only where this source added messages no later than the stored ones: a monthly export that only appends costs no
    // scan of the conversation.)
    const reverse = prev.t !== null && this.minNewMs <= prev.t ? originals.storedEditedLacking(this.minNewMs, this.maxMs) : [];
    for (const o of reverse) {
      const n = originals.originalHere(o, this.keys.prefix(o.localIso, o.sender), !later);
      if (n === null) continue;
      const before = Array.isArray(o.reading.extra?.['revisions']) ? (o.reading.extra['revisions'] as { text: string; at: string | null }[]) : [];
      // (A text the message holds already is no new version: the same older state ingested twice.)
      const known = before.some((v) => v.text === n.text) || o.reading.text === n.text;
      const revisions = known ? before : n.edited ? [...before, { text: n.text, at: null }] : [{ text: n.text, at: n.sentAt }, ...before];
      absorb(n.id, o.id, n.line, { ...o.reading, line: n.line, revisions });
    }
  }

  /**
   * Records this source's sighting of a stored message with the key tried; false when the message is taken already
   * by an identical repeat earlier in this source (one this source added itself, or sighted already): the caller
   * then tries the next occurrence.
   */
  private sight({ id, first }: Found, m: ParsedMessage, attachments: StoredAttachment[]): boolean {
    if (first === this.sourceId || this.link.run(id, this.sourceId, m.line).changes !== 1) return false;
    this.seenCount++;
    // Only an edited message can bring versions the store lacks (same key, later edit); the rest stays a lookup.
    if (m.edited || m.revisions?.length) this.versions.add(id, m);
    // Likewise only a message with an attachment whose bytes this source holds can fill one in; when absences are
    // judged, one without the bytes may lack stored ones.
    if (attachments.length !== 0 && (this.attachmentFill.onAbsent !== undefined || attachments.some((a) => a.sha256 !== null))) {
      this.attachmentFill.fill(id, m, attachments);
    }
    if (this.deletions?.check(id, m)) this.deletedSinceCount++;
    if (m.reactions?.length) (this.reactions ??= new ReactionMerge(this.db)).merge(id, m);
    return true;
  }

  /** Inserts the message unless its key exists; returns the new id, or null when the key was taken. */
  private insertNew(m: ParsedMessage, key: string, senderContactId: number | null, attachments: StoredAttachment[]): number | null {
    const id = this.rows.insert(this.conversationId, this.nextSeq, key, m, senderContactId, this.sourceId, attachments);
    if (id !== null) this.nextSeq++;
    return id;
  }

  /**
   * Ends this source's part of the conversation: widens the conversation's first/last message time and records the
   * messages missing from this source (see markMissing). Returns the number missing.
   */
  finish(opts: { lowFidelity?: boolean } = {}): number {
    // (INSERT OR IGNORE: a sibling an identical repeat sighted already stays as it is.)
    for (const id of this.siblings) this.link.run(id, this.sourceId, null);
    this.absorbEdits();
    if (this.count > 0) {
      this.db
        .prepare(
          `UPDATE conversations SET
             first_at = CASE WHEN first_at_ms IS NULL OR @lo < first_at_ms THEN @loAt ELSE first_at END,
             first_at_ms = CASE WHEN first_at_ms IS NULL OR @lo < first_at_ms THEN @lo ELSE first_at_ms END,
             last_at = CASE WHEN last_at_ms IS NULL OR @hi > last_at_ms THEN @hiAt ELSE last_at END,
             last_at_ms = CASE WHEN last_at_ms IS NULL OR @hi > last_at_ms THEN @hi ELSE last_at_ms END
           WHERE id = @c`,
        )
        .run({ c: this.conversationId, lo: this.minMs, loAt: this.firstAt, hi: this.maxMs, hiAt: this.lastAt });
    }
    // A best-effort transcript cannot prove absence; with no earlier messages, nothing can be missing.
    if (this.count === 0 || opts.lowFidelity || !this.hadMessages) return 0;
    return markMissing(this.db, {
      sourceId: this.sourceId, conversationId: this.conversationId, fromMs: this.minMs, toMs: this.maxMs,
      fromAmbiguous: this.firstAmbiguous, toAmbiguous: this.lastAmbiguous, firstLine: this.firstSeen, lastLine: this.lastSeen,
    });
  }

  /** Links quoted replies to the quoted message when it is in the store. */
  resolveReplies(): void {
    this.db
      .prepare(
        `UPDATE messages SET reply_to_message_id = (
           SELECT m2.id FROM messages m2 WHERE m2.conversation_id = messages.conversation_id AND m2.stable_key = messages.reply_to_key LIMIT 1)
         WHERE conversation_id = ? AND reply_to_key IS NOT NULL AND reply_to_message_id IS NULL`,
      )
      .run(this.conversationId);
  }
}
