/** Possible deletions on the phone: messages an earlier export of a chat contained and a later one lacks. */
import type { DB } from './db.js';

/**
 * Records, for messages of the conversation that earlier sources contained and this source lacks although it covers
 * them, that they are missing here (a possible deletion on the phone). Nothing is removed. It covers a message when the
 * message's time lies within its own ([fromMs, toMs], its first and last message), unless an earlier export that holds
 * both the message and this source's first line has the message before that line, or one that holds both it and this
 * source's last line has it after that line (positions: messages.source_line, message_sightings.line). Timestamps run
 * out of order (a message written in flight mode is dated when written, but stands where it arrived), and the export
 * limit cuts an export at a line, not at a time; an older export ingested after a newer one ends at a line too. Only
 * messages a full-fidelity source of this source's format contained are judged: keys are only comparable between
 * sources of one format. A source that begins (ends) in the hour repeated when daylight saving time ends may begin in
 * its second pass (end in its first): both passes read as the first, so stored messages at an ambiguous time within
 * that hour of its edge are not judged by it. Returns the count.
 */
export function markMissing(
  db: DB,
  s: {
    sourceId: number; conversationId: number; fromMs: number; toMs: number; fromAmbiguous: boolean; toAmbiguous: boolean;
    /** This source's first (last) message, when an earlier source stored it; else null. */
    firstLine: number | null; lastLine: number | null;
  },
): number {
  // Where an earlier source holds message @x, and whether it holds message m before (after) it.
  const outside = (x: string, cmp: string) => `EXISTS (
      SELECT 1 FROM (SELECT first_source_id AS src, source_line AS line FROM messages WHERE id = ${x}
                     UNION ALL SELECT source_id, line FROM message_sightings WHERE message_id = ${x} AND line IS NOT NULL) xs
       WHERE xs.src <> @s AND ((m.first_source_id = xs.src AND m.source_line ${cmp} xs.line)
          OR EXISTS (SELECT 1 FROM message_sightings g WHERE g.message_id = m.id AND g.source_id = xs.src AND g.line ${cmp} xs.line)))`;
  const r = db
    .prepare(
      `INSERT OR IGNORE INTO message_missing (message_id, source_id)
       SELECT m.id, @s FROM messages m
       WHERE m.conversation_id = @c AND m.sent_at_ms BETWEEN @lo AND @hi
         AND m.first_source_id <> @s
         AND NOT EXISTS (SELECT 1 FROM message_sightings ms WHERE ms.message_id = m.id AND ms.source_id = @s)
         AND NOT (m.time_ambiguous = 1 AND ((@loAmb AND m.sent_at_ms < @lo + 3600000) OR (@hiAmb AND m.sent_at_ms > @hi - 3600000)))
         AND (EXISTS (SELECT 1 FROM sources o WHERE o.id = m.first_source_id AND o.format = (SELECT format FROM sources WHERE id = @s) AND o.low_fidelity = 0)
              OR EXISTS (SELECT 1 FROM message_sightings ms JOIN sources o ON o.id = ms.source_id
                         WHERE ms.message_id = m.id AND o.format = (SELECT format FROM sources WHERE id = @s) AND o.low_fidelity = 0))
         -- (last: only the few messages this source lacks get this far)
         AND NOT ${outside('@first', '<')}
         AND NOT ${outside('@last', '>')}`,
    )
    .run({
      s: s.sourceId, c: s.conversationId, lo: s.fromMs, hi: s.toMs, loAmb: s.fromAmbiguous ? 1 : 0, hiAmb: s.toAmbiguous ? 1 : 0,
      first: s.firstLine, last: s.lastLine,
    });
  return r.changes;
}
