/** Timestamp fields of one header and the earliest/latest range tracked by the scan. */
import type { DateOrder } from '../types.js';
import { fullYear, to24h, type HeaderFields, type HeaderShape } from './header.js';

/** Wall-clock fields of one header, independent of the date order. */
export interface Stamp {
  a: number; b: number; c: number; year: number; hour: number; minute: number; second: number; hour12bad: boolean;
}

export function newStamp(): Stamp {
  return { a: 0, b: 0, c: 0, year: 0, hour: 0, minute: 0, second: 0, hour12bad: false };
}

/** Fills `out` (reused by the parser: one Stamp per pass, not per message). */
export function readStampInto(h: HeaderFields, shape: HeaderShape, out: Stamp): Stamp {
  out.a = h.a;
  out.b = h.b;
  out.c = h.c;
  out.year = shape.yearFirst ? h.a : fullYear(h.c, h.cDigits);
  out.hour = to24h(h.hour, h.ampm);
  out.minute = h.minute;
  out.second = h.second;
  out.hour12bad = h.ampm !== '' && (h.hour > 12 || h.hour === 0);
  return out;
}

export function dayMonth(s: Stamp, order: DateOrder, yearFirst: boolean): [number, number] {
  if (yearFirst) return [s.c, s.b];
  return order === 'mdy' ? [s.b, s.a] : [s.a, s.b];
}

const keyOf = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  ((((y * 13 + mo) * 32 + d) * 24 + h) * 60 + mi) * 60 + s;

function isoOfKey(key: number): string {
  let k = key;
  const s = k % 60; k = (k - s) / 60;
  const mi = k % 60; k = (k - mi) / 60;
  const h = k % 24; k = (k - h) / 24;
  const d0 = k % 32; k = (k - d0) / 32;
  const mo = k % 13;
  const y = (k - mo) / 13;
  const d = Math.min(d0, new Date(Date.UTC(y, mo, 0)).getUTCDate());
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}`;
}

/** Tracks the earliest and latest valid wall clock under one date order. */
export class Range {
  min = Infinity;
  max = -Infinity;
  add(y: number, mo: number, d: number, h: number, mi: number, s: number): void {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return;
    const k = keyOf(y, mo, d, h, mi, s);
    if (k < this.min) this.min = k;
    if (k > this.max) this.max = k;
  }

  get first(): string | null {
    return this.min === Infinity ? null : isoOfKey(this.min);
  }

  get last(): string | null {
    return this.max === -Infinity ? null : isoOfKey(this.max);
  }
}
