/**
 * Date order of a WhatsApp export (day-first or month-first; year-first shapes have none to infer): the evidence
 * pass 1 collects (a value above 12, monotonicity, change frequency), the decision, a forced order the file proves
 * impossible, and how the decisions of several exports of one chat relate. See /work/shared/formats/whatsapp.md §7.
 */
import type { DateOrder } from '../types.js';
import { isDutchShape, type HeaderShape } from './header.js';

export interface DateOrderDecision {
  order: DateOrder;
  evidence: string;
  forced: boolean;
  /**
   * Set when a forced order is impossible for the file: a header has a value above 12 where the forced order puts
   * the month, and the file's own evidence reads the other way. The file must then be refused, not read with
   * invented (clamped) dates.
   */
  impossible?: DateOrderImpossible;
}

/** The first line that proves a forced date order impossible (see `DateOrderDecision.impossible`). */
export interface DateOrderImpossible {
  forced: 'dmy' | 'mdy';
  /** The order the file's evidence supports. */
  reads: 'dmy' | 'mdy';
  line: number;
  value: number;
  /** The date as written on that line, e.g. `13/04/22`. */
  date: string;
  /** The whole reason, naming line, value, date and the supported order. */
  message: string;
}

/** `day-first` / `month-first` / `year-first`. */
export function orderName(order: DateOrder): string {
  return order === 'mdy' ? 'month-first' : order === 'ymd' ? 'year-first' : 'day-first';
}

interface OverValue {
  value: number;
  line: number;
  /** The date as written (set by `proofDate` right after the `add` that recorded this value). */
  date: string;
}

/**
 * Collects date-order evidence over all headers of a file (Pustur-style, §7):
 * a value above 12, then monotonicity within a year, then change frequency.
 */
export class DateOrderEvidence {
  private firstOver: OverValue | null = null;
  private secondOver: OverValue | null = null;
  private firstOverCount = 0;
  private secondOverCount = 0;
  private firstDecreases = 0;
  private secondDecreases = 0;
  private firstChanges = 0;
  private secondChanges = 0;
  private prevA = -1;
  private prevB = -1;
  private prevY = -1;

  /**
   * Adds one header's first and second date component. Returns true when this line is the first with a value above 12
   * in one of the positions: the caller then passes its date as written to `proofDate` (so that a refusal can quote it).
   */
  add(a: number, b: number, year: number, line: number): boolean {
    let proof = false;
    if (a > 12) {
      this.firstOverCount++;
      if (!this.firstOver) {
        this.firstOver = { value: a, line, date: '' };
        proof = true;
      }
    }
    if (b > 12) {
      this.secondOverCount++;
      if (!this.secondOver) {
        this.secondOver = { value: b, line, date: '' };
        proof = true;
      }
    }
    if (this.prevA >= 0) {
      if (a !== this.prevA) this.firstChanges++;
      if (b !== this.prevB) this.secondChanges++;
      if (year === this.prevY) {
        if (a < this.prevA) this.firstDecreases++;
        if (b < this.prevB) this.secondDecreases++;
      }
    }
    this.prevA = a;
    this.prevB = b;
    this.prevY = year;
    return proof;
  }

  /** The date as written on the line whose `add` just returned true. */
  proofDate(date: string): void {
    for (const o of [this.firstOver, this.secondOver]) if (o && o.date === '') o.date = date;
  }

  decide(shape: HeaderShape, forced?: 'dmy' | 'mdy'): DateOrderDecision {
    if (shape.yearFirst) {
      return { order: 'ymd', evidence: forced ? 'year-first shape (forced order ignored)' : 'year-first shape', forced: false };
    }
    if (forced) return this.decideForced(shape, forced);
    if (isDutchShape(shape)) return { order: 'dmy', evidence: 'Dutch dd-mm-yyyy shape', forced: false };
    const f = this.firstOver;
    const s = this.secondOver;
    if (f && (!s || this.firstOverCount >= this.secondOverCount)) {
      const conflict = s ? `; conflicting value ${s.value} > 12 in second position (line ${s.line})` : '';
      return { order: 'dmy', evidence: `value ${f.value} > 12 in first position (line ${f.line})${conflict}`, forced: false };
    }
    if (s) {
      const conflict = f ? `; conflicting value ${f.value} > 12 in first position (line ${f.line})` : '';
      return { order: 'mdy', evidence: `value ${s.value} > 12 in second position (line ${s.line})${conflict}`, forced: false };
    }
    if (this.firstDecreases !== this.secondDecreases) {
      return { order: this.firstDecreases > this.secondDecreases ? 'dmy' : 'mdy', evidence: 'monotonicity', forced: false };
    }
    if (this.firstChanges !== this.secondChanges) {
      return { order: this.firstChanges > this.secondChanges ? 'dmy' : 'mdy', evidence: 'change frequency', forced: false };
    }
    return { order: 'dmy', evidence: DEFAULT_EVIDENCE, forced: false };
  }

  /**
   * A forced order wins over weak evidence (monotonicity, change frequency, the default): that is what forcing is for.
   * It is impossible when a value above 12 stands where it puts the month and the file's own inference reads the other
   * way. (A file with values above 12 in both positions contradicts itself: forcing the order that inference would
   * choose anyway is allowed, and the conflicting line is named in the evidence.)
   */
  private decideForced(shape: HeaderShape, forced: 'dmy' | 'mdy'): DateOrderDecision {
    const against = forced === 'mdy' ? this.firstOver : this.secondOver;
    if (!against) return { order: forced, evidence: 'forced by --date-order', forced: true };
    const inferred = this.decide(shape);
    if (inferred.order === forced) {
      const pos = forced === 'mdy' ? 'first' : 'second';
      return { order: forced, evidence: `forced by --date-order; conflicting value ${against.value} > 12 in ${pos} position (line ${against.line})`, forced: true };
    }
    const reads = inferred.order as 'dmy' | 'mdy';
    const message =
      `--date-order ${forced} is impossible for this file: line ${against.line} has ${against.value} in the month position ("${against.date}"); ` +
      `the file reads as ${reads} (${reads === 'dmy' ? 'day first' : 'month first'}). Ingest it with --date-order ${reads}, or without --date-order`;
    return {
      order: forced, evidence: 'forced by --date-order', forced: true,
      impossible: { forced, reads, line: against.line, value: against.value, date: against.date, message },
    };
  }
}

const DEFAULT_EVIDENCE = 'no evidence; day-first by default';

/**
 * What a recorded date-order decision rests on, read back from its evidence text (as stored with a source):
 * `value` (a value above 12 in the file), `shape` (the Dutch dd-mm-yyyy shape), `forced` (--date-order),
 * `weak` (monotonicity, change frequency, or the day-first default), `adopted` (no hard evidence in the file; the order
 * of another source of the same chat, see `adoptedEvidence`), `year-first`, or `unknown`.
 */
export type DateOrderBasis = 'value' | 'shape' | 'forced' | 'weak' | 'adopted' | 'year-first' | 'unknown';

export function dateOrderBasis(evidence: string | null | undefined): DateOrderBasis {
  if (!evidence) return 'unknown';
  if (evidence.startsWith('year-first shape')) return 'year-first';
  if (evidence.startsWith('forced by --date-order')) return 'forced';
  if (evidence === 'Dutch dd-mm-yyyy shape') return 'shape';
  if (/^value \d+ > 12 in (?:first|second) position/.test(evidence)) return 'value';
  if (/ as source \d+ of this chat \(/.test(evidence)) return 'adopted';
  if (evidence === 'monotonicity' || evidence === 'change frequency' || evidence === DEFAULT_EVIDENCE) return 'weak';
  return 'unknown';
}

/** The decision rests on the file itself or on the operator (not on a heuristic): other sources may follow it. */
export function isFirmBasis(b: DateOrderBasis): boolean {
  return b === 'value' || b === 'shape' || b === 'forced';
}

/**
 * Evidence text for a file without hard evidence that takes the order of another source of the same chat, e.g.
 * `no evidence in this file; month-first as source 3 of this chat (value 15 > 12 in second position (line 2))`.
 */
export function adoptedEvidence(own: { order: DateOrder; evidence: string }, order: DateOrder, sourceId: number, otherEvidence: string): string {
  const mine = own.evidence === DEFAULT_EVIDENCE ? 'no evidence in this file' : `only weak evidence in this file (${own.evidence}: ${orderName(own.order)})`;
  return `${mine}; ${orderName(order)} as source ${sourceId} of this chat (${otherEvidence})`;
}

/**
 * Two header shapes write dates the same way (platform, brackets, separators, comma, seconds, clock, year digits):
 * exports in one format most likely come from phones with the same region setting, so the same date order.
 * The widths of day, month and hour are not compared: without zero padding they vary from line to line.
 */
export function sameDateFormat(x: HeaderShape, y: HeaderShape): boolean {
  return (
    x.platform === y.platform && x.bracket === y.bracket && x.dateSep === y.dateSep && x.dateSpaced === y.dateSpaced &&
    x.trailingDot === y.trailingDot && x.comma === y.comma && x.klo === y.klo && x.timeSep === y.timeSep && x.seconds === y.seconds &&
    x.ampm === y.ampm && x.terminator === y.terminator && x.yearFirst === y.yearFirst && (x.yearFirst || x.widths[2] === y.widths[2])
  );
}
