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
const p2 = (n: number): string => (n < 10 ? '0' + n : '' + n);

export function wallClockIso(w: WallClock): string {
  const y = w.year >= 1000 && w.year <= 9999 ? '' + w.year : pad(w.year, 4);
  return y + '-' + p2(w.month) + '-' + p2(w.day) + 'T' + p2(w.hour) + ':' + p2(w.minute) + ':' + p2(w.second);
}

/** Checks that the fields form a real calendar date and clock time (ignoring time zones). */
export function isValidWallClock(w: WallClock): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  const dim = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
  return w.day <= dim;
}

/** Offsets (minutes) per zone and 15-minute UTC bucket: every real zone changes offset on a quarter hour. */
const offsetCache = new Map<string, Map<number, number>>();

let lastZone = '';
let lastCache: Map<number, number> = new Map();

function offsetAt(ms: number, zone: string): number {
  let byBucket = zone === lastZone ? lastCache : offsetCache.get(zone);
  if (!byBucket) offsetCache.set(zone, (byBucket = new Map()));
  lastZone = zone;
  lastCache = byBucket;
  const bucket = Math.floor(ms / 900_000);
  let off = byBucket.get(bucket);
  if (off === undefined) {
    off = DateTime.fromMillis(bucket * 900_000, { zone }).offset;
    if (byBucket.size > 500_000) byBucket.clear();
    byBucket.set(bucket, off);
  }
  return off;
}

/**
 * Interprets a wall-clock time (as written in an export, without zone) in an IANA zone.
 * Never throws for a DST edge: ambiguous times take the earlier offset, non-existent ones are flagged.
 * Fast path: offsets are cached per quarter hour, and the ISO text is built from the wall clock and the offset.
 */
export function resolveWallClock(w: WallClock, zone: string): ResolvedTime {
  const localIso = wallClockIso(w);
  // Naive UTC reading of the wall clock; the true instant is naive - offset.
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const before = offsetAt(naive - 86_400_000, zone);
  const after = offsetAt(naive + 86_400_000, zone);
  if (before === after && offsetAt(naive - before * 60_000, zone) === before) {
    // No transition within a day: the common case.
    return { localIso, sentAt: localIso + offsetText(before), sentAtMs: naive - before * 60_000, timeAmbiguous: false, timeInvalid: false };
  }
  const candidates = before === after ? [before] : [before, after];
  const matches: number[] = [];
  for (const off of candidates) {
    const ms = naive - off * 60_000;
    if (offsetAt(ms, zone) === off) matches.push(ms);
  }
  if (matches.length === 0) {
    // Spring-forward gap: read with the offset in force just before the gap (the clock had not moved yet).
    return { localIso, sentAt: formatWithOffset(localIso, before), sentAtMs: naive - before * 60_000, timeAmbiguous: false, timeInvalid: true };
  }
  // Ambiguous (fall-back): both offsets give a real instant; take the earlier one, i.e. the larger offset.
  const ms = matches.length > 1 ? Math.min(...matches) : matches[0]!;
  const off = (naive - ms) / 60_000;
  return { localIso, sentAt: formatWithOffset(localIso, off), sentAtMs: ms, timeAmbiguous: matches.length > 1 && matches[0] !== matches[1], timeInvalid: false };
}

const offsetTexts = new Map<number, string>();
function offsetText(offsetMinutes: number): string {
  let t = offsetTexts.get(offsetMinutes);
  if (t === undefined) offsetTexts.set(offsetMinutes, (t = formatWithOffset('', offsetMinutes)));
  return t;
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
