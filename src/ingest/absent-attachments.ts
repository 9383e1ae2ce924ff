/**
 * The ingest's side of attachments that earlier exports secured and this export lacks (see
 * store/attachment-missing-later.ts): every one becomes a source finding of this source, and the source gets one
 * `attachment-missing-later` warning that counts them and names the first few, in the operator's words. Only an export
 * that reaches as late as the one that secured the bytes is later: an older export, ingested after a newer one,
 * lacking a file the newer one holds shows no deletion (see settle).
 */
import { sourceFindingWriter } from '../store/ingest.js';
import type { DB } from '../store/db.js';
import { ATTACHMENT_MISSING_LATER, attachmentMissingLaterText, dropAttachmentsMissingLater, type AttachmentAbsent } from '../store/attachment-missing-later.js';
import type { ParseWarning } from '../../parsers/types.js';

const EXAMPLES = 5;

/** The absences of one conversation of this source whose bytes one earlier source secured. */
interface Tally {
  conversationId: number;
  earlierSourceId: number;
  earlierLastMs: number;
  count: number;
  omitted: number;
  /** The first few, for the warning (a few per tally: memory does not grow with the export). */
  examples: AttachmentAbsent[];
}

export class AbsentAttachments {
  /** By conversation and earlier source. */
  private readonly tallies = new Map<string, Tally>();
  private record: ReturnType<typeof sourceFindingWriter> | null = null;

  constructor(
    private readonly db: DB,
    private readonly sourceId: number,
  ) {}

  /** Attachments this source lacks of those earlier sources secured (after settle). */
  get count(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.count;
    return n;
  }

  /** The MessageWriter callback for one conversation of this source (see MessageWriter.onAttachmentAbsent). */
  recorder(conversationId: number): (e: AttachmentAbsent) => void {
    return (e) => {
      const key = `${conversationId}:${e.earlierSourceId}`;
      let t = this.tallies.get(key);
      if (!t) {
        const ms = e.earlierLastAt === null ? NaN : Date.parse(e.earlierLastAt);
        t = { conversationId, earlierSourceId: e.earlierSourceId, earlierLastMs: Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms, count: 0, omitted: 0, examples: [] };
        this.tallies.set(key, t);
      }
      t.count++;
      if (e.omitted) t.omitted++;
      if (t.examples.length < EXAMPLES) t.examples.push(e);
      // Every one is a finding, whatever their number (a warning names only the first few).
      this.record ??= sourceFindingWriter(this.db);
      this.record(this.sourceId, ATTACHMENT_MISSING_LATER, attachmentMissingLaterText(e, conversationId, this.sourceId), conversationId, { messageId: e.messageId });
    };
  }

  /**
   * Once this source's part of a conversation is read (`reachesMs`: its latest message): the absences of bytes secured
   * by an export that reaches later than this one are taken back, findings and all. That export is the newer one; this
   * older export lacking a file it holds says nothing about the phone now (the older one may have been made without
   * media, or before the file was downloaded).
   */
  settle(conversationId: number, reachesMs: number): void {
    if (this.tallies.size === 0) return;
    for (const [key, t] of this.tallies) {
      if (t.conversationId !== conversationId || t.earlierLastMs <= reachesMs) continue;
      dropAttachmentsMissingLater(this.db, this.sourceId, conversationId, t.earlierSourceId);
      this.tallies.delete(key);
    }
  }

  /**
   * The source's warning, or null when it lacks nothing. `secured`: the attachments with stored bytes among the messages
   * this source shows again (the writers' attachmentsSecuredShown); `mediaFiles`: the files the export holds besides its
   * chat (none: it was probably made without media).
   */
  warning(opts: { secured: number; mediaFiles: number }): ParseWarning | null {
    const n = this.count;
    if (n === 0) return null;
    const tallies = [...this.tallies.values()];
    const omitted = tallies.reduce((k, t) => k + t.omitted, 0);
    const examples = tallies.flatMap((t) => t.examples).sort((a, b) => a.line - b.line).slice(0, EXAMPLES);
    const named = examples.map((e) => `${JSON.stringify(e.name)} ('${e.localTime}' as written, secured from source ${e.earlierSourceId})`).join(', ');
    const more = n > examples.length ? ` and ${n - examples.length} more` : '';
    const marked =
      omitted === n ? 'the export marks every one omitted'
        : omitted > 0 ? `the export marks ${omitted} omitted and names the others without holding their files`
        : 'the export names them but does not hold their files';
    const cause =
      opts.mediaFiles === 0
        ? 'This export holds no media files at all: it was probably made without media ("Zonder media" / "Without media"), or its media were not copied with it. Make the next export with media, so that a deletion on the phone shows'
        : 'The phone may no longer hold them (possibly deleted on the device), or the export left them out. Ask the custodian why they are gone';
    return {
      code: ATTACHMENT_MISSING_LATER,
      message:
        `${n} of ${opts.secured} attachment${opts.secured === 1 ? '' : 's'} that earlier exports of this chat secured ${n === 1 ? 'is' : 'are'} not in this export, ` +
        `although it shows ${n === 1 ? 'its message' : 'their messages'} again (${marked}): ${named}${more}. ${cause}. ` +
        'The bytes kept from the earlier exports are unchanged and remain the evidence; the findings report lists each one',
      line: examples[0]!.line,
    };
  }
}
