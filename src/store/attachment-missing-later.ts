/**
 * An attachment whose bytes an earlier export of the chat secured and that a later export of the same chat, which shows
 * the message again, lacks: the export omitted the file (`<Media weggelaten>`, `image omitted`), was made without media,
 * or names a file it does not hold (the phone no longer had it: possibly deleted on the device). The stored bytes stay
 * as they are (AttachmentFill never touches them): they are the evidence. Each one is a source finding of the later
 * source (source_findings, with its message), as a message a later export lacks is a message_missing row.
 */
import type { DB } from './db.js';

/** The source finding's code (and the ingest warning's). */
export const ATTACHMENT_MISSING_LATER = 'attachment-missing-later';

/** A stored attachment with bytes that a later source, showing its message again, lacks (see AttachmentFill). */
export interface AttachmentAbsent {
  messageId: number;
  sender: string | null;
  sentAt: string;
  /** The message's time as this source writes it, and its line (item) there. */
  localTime: string;
  line: number;
  /** The stored attachment's name, and the name this source gives it (`media` for `<Media weggelaten>`). */
  name: string;
  incomingName: string;
  /** The export marks the attachment as left out (`<Media weggelaten>`, `image omitted`) rather than naming a file. */
  omitted: boolean;
  /** The bytes the store keeps. */
  sha256: string;
  size: number | null;
  /** The source that secured them (the one that filled them in, else the message's first source), and its file. */
  earlierSourceId: number;
  earlierSourceFile: string;
  /** The earlier source's last message (ISO), or null: an export that reaches less late is older, not later. */
  earlierLastAt: string | null;
}

/**
 * The finding's text (also what the operator reads): message, attachment, kept bytes, both sources. Its start is the
 * form every attachment finding has, `message <id> (conversation …`; the attachment name is written as a JSON string
 * so that `readAttachmentMissingLater` reads it back whatever characters it holds.
 */
export function attachmentMissingLaterText(e: AttachmentAbsent, conversationId: number, sourceId: number): string {
  const how = e.omitted
    ? `marks it omitted${e.incomingName !== e.name ? ` ('${e.incomingName}')` : ''}`
    : `names it${e.incomingName !== e.name ? ` as '${e.incomingName}'` : ''} but does not hold the file`;
  return (
    `message ${e.messageId} (conversation ${conversationId}, ${e.sender ?? 'system'}, sent ${e.sentAt}, '${e.localTime}' as written here): ` +
    `attachment ${JSON.stringify(e.name)} (sha256 ${e.sha256}, ${e.size ?? '?'} bytes)${securedFrom(e.earlierSourceId)}` +
    `${JSON.stringify(e.earlierSourceFile)}), is not in source ${sourceId}: the export ${how}. The bytes kept from source ` +
    `${e.earlierSourceId} are unchanged and remain the evidence`
  );
}

/** The part of a finding's text that names the source that secured the bytes (see dropAttachmentsMissingLater). */
const securedFrom = (sourceId: number): string => `, secured from source ${sourceId} (`;

/**
 * Takes back source `sourceId`'s findings in a conversation of bytes that source `earlierSourceId` secured (see
 * src/ingest/absent-attachments.ts: that export turned out to be the newer one).
 */
export function dropAttachmentsMissingLater(db: DB, sourceId: number, conversationId: number, earlierSourceId: number): void {
  db.prepare('DELETE FROM source_findings WHERE source_id = ? AND conversation_id = ? AND code = ? AND instr(message, ?) > 0').run(
    sourceId, conversationId, ATTACHMENT_MISSING_LATER, securedFrom(earlierSourceId),
  );
}

/** The attachment and the earlier source a finding's text names (see attachmentMissingLaterText), or null. */
export function readAttachmentMissingLater(text: string): { name: string; sha256: string; earlierSourceId: number; omitted: boolean } | null {
  const m = /: attachment ("(?:[^"\\]|\\.)*") \(sha256 ([0-9a-f]+), [^)]*\), secured from source (\d+) /.exec(text);
  if (!m) return null;
  try {
    return { name: JSON.parse(m[1]!) as string, sha256: m[2]!, earlierSourceId: Number(m[3]), omitted: text.includes(': the export marks it omitted') };
  } catch {
    return null;
  }
}
