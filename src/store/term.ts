import { DateTime } from 'luxon';
import type { DB } from './db.js';

/**
 * Whole days in a zone as instants: from the start of day `from` to the start of the day after `to` (both inclusive,
 * YYYY-MM-DD); an absent end stays open. One rule for the term (ingest), the export period and its term warning.
 */
export function dayRangeMs(zone: string, from?: string, to?: string): { fromMs: number | undefined; toMs: number | undefined } {
  return {
    fromMs: from ? DateTime.fromISO(from, { zone }).startOf('day').toMillis() : undefined,
    toMs: to ? DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toMillis() : undefined,
  };
}

/** Messages of one source that lie outside a custodian's term, before its start and after its end. */
export interface OutsideTerm {
  before: { count: number; firstMs: number | null; lastMs: number | null };
  after: { count: number; firstMs: number | null; lastMs: number | null };
}

/**
 * Counts the messages a source contains (new ones and those seen before) that were sent before the first day of the
 * term or after its last day, both whole days in `zone`; an open term (`to` null) has no end. One query: only
 * conversations of the source whose first or last message lies outside the term are read.
 */
export function sourceMessagesOutsideTerm(db: DB, sourceId: number, term: { from: string; to: string | null; zone: string }): OutsideTerm {
  const days = dayRangeMs(term.zone, term.from, term.to ?? undefined);
  const start = days.fromMs!;
  const end = days.toMs ?? Number.MAX_SAFE_INTEGER;
  const r = db
    .prepare(
      `SELECT
         COALESCE(SUM(m.sent_at_ms < @start), 0) AS before_n,
         MIN(CASE WHEN m.sent_at_ms < @start THEN m.sent_at_ms END) AS before_first,
         MAX(CASE WHEN m.sent_at_ms < @start THEN m.sent_at_ms END) AS before_last,
         COALESCE(SUM(m.sent_at_ms >= @end), 0) AS after_n,
         MIN(CASE WHEN m.sent_at_ms >= @end THEN m.sent_at_ms END) AS after_first,
         MAX(CASE WHEN m.sent_at_ms >= @end THEN m.sent_at_ms END) AS after_last
       FROM source_conversations sc
       JOIN conversations c ON c.id = sc.conversation_id AND (c.first_at_ms < @start OR c.last_at_ms >= @end)
       JOIN messages m ON m.conversation_id = sc.conversation_id
       WHERE sc.source_id = @source
         AND (m.sent_at_ms < @start OR m.sent_at_ms >= @end)
         AND (m.first_source_id = @source OR EXISTS (SELECT 1 FROM message_sightings s WHERE s.message_id = m.id AND s.source_id = @source))`,
    )
    .get({ source: sourceId, start, end }) as Record<'before_n' | 'after_n', number> & Record<'before_first' | 'before_last' | 'after_first' | 'after_last', number | null>;
  return {
    before: { count: r.before_n, firstMs: r.before_first, lastMs: r.before_last },
    after: { count: r.after_n, firstMs: r.after_first, lastMs: r.after_last },
  };
}

/** Adds a warning to the warnings recorded with a source (`sources.warnings_json`), after its messages were written. */
export function appendSourceWarning(db: DB, sourceId: number, warning: { code: string; message: string }): void {
  db.prepare("UPDATE sources SET warnings_json = json_insert(COALESCE(warnings_json, '[]'), '$[#]', json(?)) WHERE id = ?").run(JSON.stringify(warning), sourceId);
}
