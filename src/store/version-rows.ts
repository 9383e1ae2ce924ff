/** Which parser versions stored a conversation's messages: a later version that reads a message otherwise must know. */
import type { DB } from './db.js';

/** The parser versions before a version that changed a reading (see LegacyReading.since). */
export const EARLIER_VERSIONS: Record<string, string[]> = {
  'whatsapp-1.2.0': ['whatsapp-1.0.0', 'whatsapp-1.1.0'],
  'whatsapp-1.3.0': ['whatsapp-1.0.0', 'whatsapp-1.1.0', 'whatsapp-1.2.0'],
};

/**
 * Whether conversation `conversationId` holds messages first stored by a source of one of `versions` (keys of their
 * reading: whatsapp-1.0.0 kept the file's own line endings and a trailing empty line in the text, and gave a
 * 'waiting' notice its author as sender; see ParsedMessage.legacy).
 */
export function conversationHoldsRowsOf(db: DB, conversationId: number, versions: readonly string[]): boolean {
  if (versions.length === 0) return false;
  return (
    db
      .prepare(
        `SELECT 1 FROM source_conversations sc JOIN sources s ON s.id = sc.source_id
         WHERE sc.conversation_id = @c AND s.parser_version IN (SELECT value FROM json_each(@v))
           AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = @c AND m.first_source_id = sc.source_id)
         LIMIT 1`,
      )
      .get({ c: conversationId, v: JSON.stringify(versions) }) !== undefined
  );
}
