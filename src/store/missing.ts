/** Possible deletions on the phone: messages an earlier export of a chat contained and a later one lacks. */
import type { DB } from './db.js';

/**
 * Records, for messages of the conversation that earlier sources contained and this source lacks although it covers
 * them, that they are missing here (a possible deletion on the phone). Nothing is removed. It covers a message when the
 * message's time lies within its own ([fromMs, toMs], its first and last message) and, in the order of the export that
 * first stored the message (seq), the message does not come before the first message of that export this source holds:
 * timestamps run out of order (a message sent in flight mode is dated when written), and an export that the export
 * limit cut starts at a line, not at a time, so a message before that line is not covered, whatever its time. Likewise
 * a source whose last message is one of that export's (`endsIn`: an older export ingested after a newer one) ends at
 * that line. When this source holds none of that export's messages, time alone decides (a chat cleared on the phone). Only messages a full-fidelity source of this source's format contained are judged: keys
 * are only comparable between sources of one format. A source that begins (ends) in the hour repeated when daylight
 * saving time ends may begin in its second pass (end in its first): both passes read as the first, so stored messages at
 * an ambiguous time within that hour of its edge are not judged by it. Returns the count.
 */
export function markMissing(
  db: DB,
  s: { sourceId: number; conversationId: number; fromMs: number; toMs: number; fromAmbiguous: boolean; toAmbiguous: boolean; endsIn: number | null },
): number {
  const r = db
    .prepare(
      `WITH held AS (
         SELECT m.first_source_id AS f, MIN(m.seq) AS lo, MAX(m.seq) AS hi FROM message_sightings ms JOIN messages m ON m.id = ms.message_id
          WHERE ms.source_id = @s AND m.conversation_id = @c GROUP BY m.first_source_id)
       INSERT OR IGNORE INTO message_missing (message_id, source_id)
       SELECT m.id, @s FROM messages m LEFT JOIN held h ON h.f = m.first_source_id
       WHERE m.conversation_id = @c AND m.sent_at_ms BETWEEN @lo AND @hi
         AND m.first_source_id <> @s
         AND (h.f IS NULL OR (m.seq >= h.lo AND (h.f IS NOT @end OR m.seq <= h.hi)))
         AND NOT (m.time_ambiguous = 1 AND ((@loAmb AND m.sent_at_ms < @lo + 3600000) OR (@hiAmb AND m.sent_at_ms > @hi - 3600000)))
         AND NOT EXISTS (SELECT 1 FROM message_sightings ms WHERE ms.message_id = m.id AND ms.source_id = @s)
         AND (EXISTS (SELECT 1 FROM sources o WHERE o.id = m.first_source_id AND o.format = (SELECT format FROM sources WHERE id = @s) AND o.low_fidelity = 0)
              OR EXISTS (SELECT 1 FROM message_sightings ms JOIN sources o ON o.id = ms.source_id
                         WHERE ms.message_id = m.id AND o.format = (SELECT format FROM sources WHERE id = @s) AND o.low_fidelity = 0))`,
    )
    .run({ s: s.sourceId, c: s.conversationId, lo: s.fromMs, hi: s.toMs, loAmb: s.fromAmbiguous ? 1 : 0, hiAmb: s.toAmbiguous ? 1 : 0, end: s.endsIn });
  return r.changes;
}
