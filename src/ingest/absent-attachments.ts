/**
 * The ingest's side of attachments that earlier exports secured and this export lacks (see
 * store/attachment-missing-later.ts): every one becomes a source finding of this source, and the source gets one
 * `attachment-missing-later` warning that counts them and names the first few, in the operator's words.
 */
import { sourceFindingWriter } from '../store/ingest.js';
import type { DB } from '../store/db.js';
import { ATTACHMENT_MISSING_LATER, attachmentMissingLaterText, type AttachmentAbsent } from '../store/attachment-missing-later.js';
import type { ParseWarning } from '../../parsers/types.js';

const EXAMPLES = 5;

export class AbsentAttachments {
  /** Attachments this source lacks of those earlier sources secured. */
  count = 0;
  /** Of those, the ones the export marks omitted (`<Media weggelaten>`) rather than naming a file it lacks. */
  private omitted = 0;
  private readonly examples: AttachmentAbsent[] = [];
  private record: ReturnType<typeof sourceFindingWriter> | null = null;

  constructor(
    private readonly db: DB,
    private readonly sourceId: number,
  ) {}

  /** The MessageWriter callback for one conversation of this source (see MessageWriter.onAttachmentAbsent). */
  recorder(conversationId: number): (e: AttachmentAbsent) => void {
    return (e) => {
      this.count++;
      if (e.omitted) this.omitted++;
      if (this.examples.length < EXAMPLES) this.examples.push(e);
      // Every one is a finding, whatever their number (a warning names only the first few).
      this.record ??= sourceFindingWriter(this.db);
      this.record(this.sourceId, ATTACHMENT_MISSING_LATER, attachmentMissingLaterText(e, conversationId, this.sourceId), conversationId, { messageId: e.messageId });
    };
  }

  /**
   * The source's warning, or null when it lacks nothing. `secured`: the attachments with stored bytes among the messages
   * this source shows again (the writers' attachmentsSecuredShown); `mediaFiles`: the files the export holds besides its
   * chat (none: it was probably made without media).
   */
  warning(opts: { secured: number; mediaFiles: number }): ParseWarning | null {
    const n = this.count;
    if (n === 0) return null;
    const e0 = this.examples[0]!;
    const named = this.examples
      .map((e) => `${JSON.stringify(e.name)} ('${e.localTime}' as written, secured from source ${e.earlierSourceId})`)
      .join(', ');
    const more = n > this.examples.length ? ` and ${n - this.examples.length} more` : '';
    const marked = this.omitted === n ? 'the export marks every one omitted' : this.omitted > 0 ? `the export marks ${this.omitted} omitted and names the others without holding their files` : 'the export names them but does not hold their files';
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
      line: e0.line,
    };
  }
}
