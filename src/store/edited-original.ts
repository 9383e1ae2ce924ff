/** The stored original of a message that a later export shows edited (see MessageWriter.absorbEdits). */
import type { DB } from './db.js';

/**
 * The one stored text message of `sender` at `localIso` in the conversation that an earlier source stored and source
 * `sourceId` does not hold (the original of its new edited message `newId`), or null when there is none or more than
 * one.
 */
export function findEditedOriginal(
  db: DB, q: { conversationId: number; sourceId: number; newId: number; localIso: string; sender: string | null },
): number | null {
  const ids = db
    .prepare(
      `SELECT m.id FROM messages m
        WHERE m.conversation_id = @c AND m.local_iso = @iso AND m.sender IS @sender AND m.kind = 'text' AND m.id <> @n
          AND m.first_source_id <> @s
          AND NOT EXISTS (SELECT 1 FROM message_sightings g WHERE g.message_id = m.id AND g.source_id = @s)
        LIMIT 2`,
    )
    .pluck()
    .all({ c: q.conversationId, s: q.sourceId, n: q.newId, iso: q.localIso, sender: q.sender }) as number[];
  return ids.length === 1 ? ids[0]! : null;
}
