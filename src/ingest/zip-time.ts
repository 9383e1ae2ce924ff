/**
 * A zip entry's modification time. The classic (DOS) fields hold a wall-clock time without a zone: the clock of the
 * device that wrote the zip, a phone in the custodian's zone. Reading it in the zone of the machine that runs the
 * ingest (a UTC server, say) would move an export made at 23:30 to the next day. An extended timestamp field (Info-ZIP
 * "UT" or NTFS), when present, holds an exact instant and wins.
 */
import { DateTime } from 'luxon';

export interface ZipTime {
  /** The exact instant from an extended timestamp field, if the entry has one. */
  instant: Date | null;
  /** The DOS date and time as written (local wall clock, 2-second resolution), as `YYYY-MM-DDTHH:mm:ss`. */
  wall: string | null;
}

interface EntryTimes {
  lastModFileDate: number;
  lastModFileTime: number;
  extraFields: { id: number; data: Buffer }[];
  getLastModDate(): Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Whether the entry has an extended timestamp field that yauzl reads as an exact instant (UT with mtime, or NTFS). */
function hasExtendedTime(entry: EntryTimes): boolean {
  return entry.extraFields.some((f) => (f.id === 0x5455 && f.data.length >= 5 && (f.data[0]! & 1) === 1) || (f.id === 0x000a && f.data.length === 32));
}

/** Reads both forms of an entry's time; null when neither is usable. */
export function zipEntryTime(entry: EntryTimes): ZipTime | null {
  let instant: Date | null = null;
  if (hasExtendedTime(entry)) {
    try {
      const t = entry.getLastModDate();
      if (Number.isFinite(t.getTime())) instant = t;
    } catch {
      instant = null;
    }
  }
  const d = entry.lastModFileDate;
  const t = entry.lastModFileTime;
  const year = ((d >> 9) & 0x7f) + 1980;
  const month = (d >> 5) & 0xf;
  const day = d & 0x1f;
  const hour = (t >> 11) & 0x1f;
  const minute = (t >> 5) & 0x3f;
  const second = (t & 0x1f) * 2;
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60 && d !== 0;
  const wall = valid ? `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}` : null;
  return instant || wall ? { instant, wall } : null;
}

/**
 * The entry's time as an instant (ISO 8601 in UTC, as the store keeps export times), the DOS wall clock read in
 * `zone` (the custodian's); null when there is none. A wall-clock time in the hour skipped by daylight saving is read
 * at the offset before the change (the instant a clock not yet moved forward shows it); one in the repeated hour at
 * the earlier of its two instants, so a read-out is never placed later than it may have been.
 */
export function zipTimeIn(time: ZipTime | null, zone: string): string | null {
  if (!time) return null;
  if (time.instant) return time.instant.toISOString();
  const dt = DateTime.fromISO(time.wall!, { zone });
  if (!dt.isValid) return null;
  // In the repeated hour luxon takes the later instant; an hour before shows the same wall clock then.
  const before = dt.minus({ hours: 1 });
  return (before.toFormat("yyyy-MM-dd'T'HH:mm:ss") === time.wall ? before : dt).toUTC().toISO()!;
}
