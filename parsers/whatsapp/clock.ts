/**
 * Fast wrapper around `resolveWallClock` for millions of timestamps.
 *
 * Luxon needs microseconds per call, so the zone's offset is established per calendar month by calling
 * `resolveWallClock` at probes (day 1, 8, 15, 22 at 00:00:00 and the last day at 23:59:59). When every probe gives the
 * same offset and none is ambiguous or in a gap, the month has no transition, and every time in it resolves with
 * that offset: the result is derived from those calls. A month with a transition is handled per day the same way
 * (probes at 00:00:00 and 23:59:59), and a day with a transition calls `resolveWallClock` for every timestamp.
 * Assumption: no zone has two transitions less than 8 days apart. Impossible wall clocks (31-02, 24:00) are clamped
 * to a real one, resolved, and flagged `timeInvalid`.
 */
import { isValidWallClock, resolveWallClock, wallClockIso, type WallClock } from '../time.js';

export interface ClockResult {
  localIso: string;
  sentAt: string;
  sentAtMs: number;
  timeAmbiguous: boolean;
  timeInvalid: boolean;
  /** The written date/time did not exist on the calendar and was clamped. */
  clamped: boolean;
  /** The wall-clock time falls in a DST gap (valid date, non-existent local time). */
  inGap: boolean;
}

interface SpanEntry {
  /** null: the span has a transition; look closer. */
  offsetMs: number | null;
  /** Offset suffix as `resolveWallClock` writes it (`+02:00`, `Z`). */
  suffix: string;
  /** Its character codes. */
  suffixCodes: number[];
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' + i : String(i)));

export function clampWallClock(w: WallClock): WallClock {
  const month = Math.min(Math.max(w.month, 1), 12);
  const dim = new Date(Date.UTC(w.year, month, 0)).getUTCDate();
  return {
    year: w.year,
    month,
    day: Math.min(Math.max(w.day, 1), dim),
    hour: Math.min(w.hour, 23),
    minute: Math.min(w.minute, 59),
    second: Math.min(w.second, 59),
  };
}

export class WallClockResolver {
  private readonly months = new Map<number, SpanEntry>();
  private readonly days = new Map<number, SpanEntry>();
  private readonly hours = new Map<number, SpanEntry>();
  private lastMonthKey = -1;
  private lastMonth: SpanEntry | null = null;
  private lastDayKey = -1;
  private lastPrefix = '';
  /** Character codes of `lastPrefix` when it is `yyyy-mm-ddT` (11 characters), else null. */
  private prefixCodes: number[] | null = null;
  private lastDayMs = 0;

  constructor(readonly zone: string) {}

  /** The instant of a wall-clock time. The result may be reused by the next call: read it before calling again. */
  resolve(year: number, month: number, day: number, hour: number, minute: number, second: number): Readonly<ClockResult> {
    if (month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) {
      const w: WallClock = { year, month, day, hour, minute, second };
      if (!isValidWallClock(w)) {
        const r = resolveWallClock(clampWallClock(w), this.zone);
        return { ...r, timeInvalid: true, clamped: true, inGap: false };
      }
    }
    const mkey = year * 100 + month;
    let span = mkey === this.lastMonthKey ? this.lastMonth! : this.months.get(mkey);
    if (!span) {
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      span = this.probe([[year, month, 1, 0], [year, month, 8, 0], [year, month, 15, 0], [year, month, 22, 0], [year, month, last, 23]]);
      cachePut(this.months, mkey, span);
    }
    this.lastMonthKey = mkey;
    this.lastMonth = span;
    const dkey = mkey * 100 + day;
    if (span.offsetMs === null) {
      span = this.days.get(dkey) ?? cachePut(this.days, dkey, this.probe([[year, month, day, 0], [year, month, day, 23]]));
      if (span.offsetMs === null) {
        const hkey = dkey * 100 + hour;
        span = this.hours.get(hkey) ?? cachePut(this.hours, hkey, this.probe([[year, month, day, hour]], true));
        if (span.offsetMs === null) {
          const r = resolveWallClock({ year, month, day, hour, minute, second }, this.zone);
          return { ...r, clamped: false, inGap: r.timeInvalid };
        }
      }
    }
    if (dkey !== this.lastDayKey) {
      this.lastDayKey = dkey;
      this.lastPrefix = wallClockIso({ year, month, day, hour: 0, minute: 0, second: 0 }).slice(0, 11);
      this.prefixCodes = /^\d{4}-\d\d-\d\dT$/.test(this.lastPrefix) ? [...this.lastPrefix].map((c) => c.charCodeAt(0)) : null;
      this.lastDayMs = Date.UTC(year, month - 1, day);
    }
    let localIso: string;
    let sentAt: string;
    const c = this.prefixCodes;
    const x = span.suffixCodes;
    if (c !== null && x.length === 6) {
      // Flat strings in one step: cheaper than a chain of concatenations, which every later reader has to flatten.
      const h1 = 0x30 + ((hour / 10) | 0), h2 = 0x30 + (hour % 10);
      const m1 = 0x30 + ((minute / 10) | 0), m2 = 0x30 + (minute % 10);
      const s1 = 0x30 + ((second / 10) | 0), s2 = 0x30 + (second % 10);
      localIso = String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, h1, h2, 0x3a, m1, m2, 0x3a, s1, s2);
      sentAt = String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, h1, h2, 0x3a, m1, m2, 0x3a, s1, s2, x[0]!, x[1]!, x[2]!, x[3]!, x[4]!, x[5]!,
      );
    } else {
      localIso = this.lastPrefix + P2[hour] + ':' + P2[minute] + ':' + P2[second];
      sentAt = localIso + span.suffix;
    }
    // The common case fills one result object (valid until the next call): one allocation less per message.
    const r = this.plain;
    r.localIso = localIso;
    r.sentAt = sentAt;
    r.sentAtMs = this.lastDayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 - span.offsetMs;
    return r;
  }

  private readonly plain: ClockResult = { localIso: '', sentAt: '', sentAtMs: 0, timeAmbiguous: false, timeInvalid: false, clamped: false, inGap: false };

  /**
   * Resolves each probe `[y, m, d, h]` at h:00:00 and the last one also at h:59:59 (or, with `eachHourEnd`, every
   * probe at both ends). The span is clean when all agree on the offset and none is ambiguous or in a gap.
   */
  private probe(points: [number, number, number, number][], eachHourEnd = false): SpanEntry {
    const walls: WallClock[] = [];
    points.forEach(([year, month, day, hour], i) => {
      const lastProbe = i === points.length - 1;
      if (!lastProbe || hour === 0 || eachHourEnd) walls.push({ year, month, day, hour, minute: 0, second: 0 });
      if (lastProbe || eachHourEnd) walls.push({ year, month, day, hour, minute: 59, second: 59 });
    });
    let offset: number | null = null;
    let suffix = '';
    for (const w of walls) {
      const r = resolveWallClock(w, this.zone);
      const iso = wallClockIso(w);
      const off = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - r.sentAtMs;
      if (r.timeAmbiguous || r.timeInvalid || !r.sentAt.startsWith(iso)) return DIRTY;
      if (offset === null) {
        offset = off;
        suffix = r.sentAt.slice(iso.length);
      } else if (off !== offset || r.sentAt.slice(iso.length) !== suffix) {
        return DIRTY;
      }
    }
    return { offsetMs: offset, suffix, suffixCodes: [...suffix].map((ch) => ch.charCodeAt(0)) };
  }
}

const DIRTY: SpanEntry = { offsetMs: null, suffix: '', suffixCodes: [] };

function cachePut(map: Map<number, SpanEntry>, key: number, value: SpanEntry): SpanEntry {
  if (map.size >= 1024) map.clear();
  map.set(key, value);
  return value;
}
