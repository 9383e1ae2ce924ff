/**
 * Days without a secured chat: the one definition behind the coverage report's "days without a read-out" (and so
 * overdue) and the status report's intervals between veiligstellingen. Calendar dates (YYYY-MM-DD) of the custodian's
 * zone, both ends inclusive.
 */
import { daysBetween, previousDate } from './intervals.js';

/** Days from `fromDate` through `toDate`. */
export interface DayRange {
  fromDate: string;
  toDate: string;
}

/** Days on which a chat was secured: a read-out day, or a period recorded as secured with `chatarchief record`. */
export interface ChatSecuring extends DayRange {
  by: 'read-out' | 'record';
}

export interface UnsecuredStretch {
  /** The start of the term, or the last day a chat was secured before the stretch. */
  from: string;
  /** The next day a chat was secured, or, for the running stretch, the end (as-of date or end of the term). */
  to: string;
  /**
   * Days of the term without a secured chat: after `from` (from the term's first day at its start) up to the day
   * before `to` (through `to` for the running stretch), leaving out not-applicable days (no account, leave).
   */
  days: number;
  /** The running stretch after the last secured day, up to the end. */
  open: boolean;
}

const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const minDate = (a: string, b: string): string => (a < b ? a : b);
const maxDate = (a: string, b: string): string => (a > b ? a : b);

/** Overlapping and touching ranges merged, sorted. */
function mergeRanges(ranges: readonly DayRange[]): DayRange[] {
  const out: DayRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.fromDate.localeCompare(b.fromDate))) {
    const last = out[out.length - 1];
    if (last && r.fromDate <= nextDate(last.toDate)) last.toDate = maxDate(last.toDate, r.toDate);
    else out.push({ fromDate: r.fromDate, toDate: r.toDate });
  }
  return out;
}

/**
 * The stretches of the term from `termFrom` through `end` between the days on which a chat was secured: one before
 * each secured period that begins in the term or closes it (0 days when it follows the previous one directly), and the
 * running one after the last, when it reaches before `end`.
 */
export function unsecuredStretches(termFrom: string, end: string, securings: readonly DayRange[], notApplicable: readonly DayRange[]): UnsecuredStretch[] {
  if (end < termFrom) return [];
  const na = mergeRanges(notApplicable);
  const count = (a: string, b: string): number => {
    if (a > b) return 0;
    let n = daysBetween(a, b) + 1;
    for (const p of na) {
      const from = maxDate(a, p.fromDate);
      const to = minDate(b, p.toDate);
      if (from <= to) n -= daysBetween(from, to) + 1;
    }
    return n;
  };
  const out: UnsecuredStretch[] = [];
  // The last secured day so far; the day before the term at its start (the term starts unsecured).
  let since = previousDate(termFrom);
  const shownFrom = () => maxDate(since, termFrom);
  for (const s of [...securings].sort((a, b) => a.fromDate.localeCompare(b.fromDate) || a.toDate.localeCompare(b.toDate))) {
    if (since >= end) break;
    if (s.toDate <= since) continue;
    if (s.fromDate > since) out.push({ from: shownFrom(), to: s.fromDate, days: count(nextDate(since), minDate(previousDate(s.fromDate), end)), open: false });
    since = s.toDate;
  }
  if (since < end) out.push({ from: shownFrom(), to: end, days: count(nextDate(since), end), open: true });
  return out;
}
