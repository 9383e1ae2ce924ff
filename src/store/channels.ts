import type { DB } from './db.js';
import { nowIso } from './db.js';

/**
 * Channels that this tool does not ingest (e-mail, social media, a chat secured in another account) are recorded by
 * hand as periods per custodian (`chatarchief record`). A record either adds secured coverage, or explains a period
 * that could not be secured (`not-secured`, e.g. a failed read-out) or had nothing to secure (`not-applicable`, e.g.
 * no account, leave).
 */
export const CHANNEL_STATUSES = ['secured', 'not-secured', 'not-applicable'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export interface ChannelRecord {
  id: number;
  custodianId: string;
  /** Lower-case channel name: `email`, `social`, `whatsapp`, `signal`, `sms`, `chat` or any other name. */
  channel: string;
  /** First day (YYYY-MM-DD, in the custodian's zone), inclusive. */
  from: string;
  /** Last day (YYYY-MM-DD), inclusive ("t/m"). */
  to: string;
  status: ChannelStatus;
  note: string | null;
  recordedAt: string;
}

interface Row {
  id: number; custodian_id: string; channel: string; period_from: string; period_to: string; note: string | null;
  recorded_at: string; status: ChannelStatus;
}

const fromRow = (r: Row): ChannelRecord => ({
  id: r.id,
  custodianId: r.custodian_id,
  channel: r.channel,
  from: r.period_from,
  to: r.period_to,
  status: r.status,
  note: r.note,
  recordedAt: r.recorded_at,
});

export function recordChannel(
  db: DB,
  r: { custodianId: string; channel: string; from: string; to: string; status?: ChannelStatus; note?: string | null },
): ChannelRecord {
  const info = db
    .prepare(
      `INSERT INTO channel_records (custodian_id, channel, period_from, period_to, note, recorded_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(r.custodianId, r.channel, r.from, r.to, r.note ?? null, nowIso(), r.status ?? 'secured');
  return fromRow(db.prepare('SELECT * FROM channel_records WHERE id = ?').get(info.lastInsertRowid) as Row);
}

/** Records of one custodian (or all), oldest period first. */
export function listChannelRecords(db: DB, opts: { custodianId?: string } = {}): ChannelRecord[] {
  const rows = (opts.custodianId
    ? db.prepare('SELECT * FROM channel_records WHERE custodian_id = ? ORDER BY period_from, id').all(opts.custodianId)
    : db.prepare('SELECT * FROM channel_records ORDER BY custodian_id, period_from, id').all()) as Row[];
  return rows.map(fromRow);
}
