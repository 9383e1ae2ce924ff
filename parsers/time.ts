import { DateTime } from 'luxon';

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ResolvedTime {
  /** Wall-clock time as ISO without offset, e.g. `2023-10-29T02:30:00`. */
  localIso: string;
  /** ISO 8601 instant with the zone's offset, e.g. `2023-10-29T02:30:00+02:00`. */
  sentAt: string;
  sentAtMs: number;
  /** The wall-clock time occurs twice (autumn fall-back); the earlier offset was taken. */
  timeAmbiguous: boolean;
  /** The wall-clock time does not exist (spring-forward gap); the instant is the wall-clock time read with the offset before the gap. */
  timeInvalid: boolean;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function wallClockIso(w: WallClock): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Checks that the fields form a real calendar date and clock time (ignoring time zones). */
export function isValidWallClock(w: WallClock): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  const dim = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
  return w.day <= dim;
}

/**
 * Interprets a wall-clock time (as written in an export, without zone) in an IANA zone.
 * Never throws for a DST edge: ambiguous times take the earlier offset, non-existent ones are flagged.
 */
export function resolveWallClock(w: WallClock, zone: string): ResolvedTime {
  const localIso = wallClockIso(w);
  // Naive UTC reading of the wall clock; the true instant is naive - offset.
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offsetAt = (ms: number): number => DateTime.fromMillis(ms, { zone }).offset; // minutes
  // Candidate offsets: those in force a day before and a day after cover any single transition.
  const candidates = Array.from(new Set([offsetAt(naive - 86_400_000), offsetAt(naive), offsetAt(naive + 86_400_000)]));
  const matches: number[] = [];
  for (const off of candidates) {
    const ms = naive - off * 60_000;
    if (offsetAt(ms) === off) matches.push(ms);
  }
  let ms: number;
  let timeAmbiguous = false;
  let timeInvalid = false;
  if (matches.length === 0) {
    // Spring-forward gap: read with the offset in force just before the gap (the clock had not moved yet).
    timeInvalid = true;
    ms = naive - offsetAt(naive - 86_400_000) * 60_000;
  } else {
    matches.sort((a, b) => a - b);
    ms = matches[0]!;
    timeAmbiguous = new Set(matches).size > 1;
  }
  const dt = DateTime.fromMillis(ms, { zone });
  const sentAt = timeInvalid ? formatWithOffset(localIso, offsetAt(naive - 86_400_000)) : dt.toISO({ suppressMilliseconds: true })!;
  return { localIso, sentAt, sentAtMs: ms, timeAmbiguous, timeInvalid };
}

function formatWithOffset(localIso: string, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${localIso}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Renders an instant (ms since epoch) in a zone: the form used for formats that store UTC (Signal, SMS). */
export function instantInZone(ms: number, zone: string): { sentAt: string; localIso: string } {
  const dt = DateTime.fromMillis(ms, { zone });
  const sentAt = dt.toISO({ suppressMilliseconds: dt.millisecond === 0 })!;
  return { sentAt, localIso: dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") };
}
