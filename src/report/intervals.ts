import { DateTime } from 'luxon';

/** Half-open interval of instants in ms since the epoch: [from, to). */
export interface Interval {
  from: number;
  to: number;
}

export const DAY_MS = 86_400_000;

/** Merges overlapping and touching intervals; drops empty ones. Result is sorted. */
export function union(items: readonly Interval[]): Interval[] {
  const sorted = items.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from || a.to - b.to);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ from: i.from, to: i.to });
  }
  return out;
}

/** The parts of `window` that none of `cover` overlaps, in order. */
export function subtract(window: Interval, cover: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let at = window.from;
  for (const c of union(cover)) {
    if (c.to <= at) continue;
    if (c.from >= window.to) break;
    if (c.from > at) out.push({ from: at, to: Math.min(c.from, window.to) });
    at = Math.max(at, c.to);
    if (at >= window.to) break;
  }
  if (at < window.to) out.push({ from: at, to: window.to });
  return out;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.from < b.to && b.from < a.to;
}

/** Start of a calendar day (YYYY-MM-DD) in a zone, in ms. */
export function dayStart(date: string, zone: string): number {
  const d = DateTime.fromISO(date, { zone });
  if (!d.isValid) throw new Error(`invalid date '${date}' in zone ${zone}`);
  return d.startOf('day').toMillis();
}

/** Start of the day after `date`: the exclusive end of a period that runs "t/m" (through) that day. */
export function dayEnd(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).startOf('day').plus({ days: 1 }).toMillis();
}

/** Calendar date (YYYY-MM-DD) of an instant in a zone. */
export function dateOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}

/** Last calendar day touched by a half-open interval ending at `to` (the day of the last ms before it). */
export function lastDateOf(to: number, zone: string): string {
  return dateOf(to - 1, zone);
}

/** ISO 8601 with the zone's offset, the way messages carry their time. */
export function isoIn(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** Whole calendar days from one date to a later one (negative when earlier). */
export function daysBetween(fromDate: string, toDate: string): number {
  return Math.round((Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / DAY_MS);
}

/** Parses an ISO 8601 instant (with offset) to ms; null when absent or unreadable. */
export function instant(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** The day before a calendar date (YYYY-MM-DD). */
export function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/**
 * Calendar days an interval touches in a zone, counted on the calendar (a day of 23 or 25 hours across a daylight
 * saving change is one day, like any other). For a whole-day interval (see `wholeDays`) this is its length in days.
 */
export function durationDays(i: Interval, zone: string): number {
  if (i.to <= i.from) return 0;
  return daysBetween(dateOf(i.from, zone), lastDateOf(i.to, zone)) + 1;
}

/**
 * The whole days an interval touches in a zone: from the start of its first day to the end of its last. The reports
 * count in days ("t/m 2 juli"): a day on which a chat was secured, its read-out day included, counts as secured.
 */
export function wholeDays(i: Interval, zone: string): Interval {
  return { from: dayStart(dateOf(i.from, zone), zone), to: dayEnd(lastDateOf(i.to, zone), zone) };
}
