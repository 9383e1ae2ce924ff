import { inputErrorIn, type FileRef } from './discover.js';
import type { ParsedMessage, ParseWarning } from '../../parsers/types.js';
import { AFTER_INGEST_SLACK_MS } from '../store/reports.js';

/** The read-out moment the operator stated (`ingest --read-out`). */
export interface ReadOut {
  /** As given on the command line (`2026-11-03` or `2026-11-03T14:05`). */
  text: string;
  /** The zone it was read in (the custodian's). */
  zone: string;
  /** The instant recorded as the source's export time (ISO, UTC): the start of the day or minute given. */
  at: string;
  /**
   * The first instant after what the read-out covers: a date alone covers that whole day in `zone`, a time the whole
   * minute. A message at or after it was sent after the phone was read out.
   */
  untilMs: number;
}


/**
 * Refuses a read-out moment before the export's last message: the phone cannot have been read out before a message it
 * holds was sent (usually a typo in the date). Without a read-out moment, the ingest itself is one: messages dated after
 * it are kept as written, with a warning (see `check`). Feed every message (`see`), then `check`; the latest instant over
 * the file counts, not the last line (exports are not always in time order). Cheap per message: one comparison.
 */
export class ReadOutCheck {
  private latest: { ms: number; file: Pick<FileRef, 'file' | 'entry'>; line: number; localTime: string; sentAt: string; ambiguous: boolean; invalid: boolean } | null = null;
  /** Messages dated after the ingest (no read-out given). */
  private afterIngest = 0;
  private readonly untilMs: number;

  constructor(private readonly readOut: ReadOut | undefined, nowMs = Date.now()) {
    this.untilMs = readOut?.untilMs ?? nowMs + AFTER_INGEST_SLACK_MS;
  }

  see(m: ParsedMessage, file: Pick<FileRef, 'file' | 'entry'>): void {
    if (m.sentAtMs < this.untilMs) return;
    if (this.readOut === undefined) this.afterIngest++;
    if (this.latest !== null && m.sentAtMs <= this.latest.ms) return;
    this.latest = { ms: m.sentAtMs, file, line: m.line, localTime: m.localTime, sentAt: m.sentAt, ambiguous: m.timeAmbiguous, invalid: m.timeInvalid };
  }

  /**
   * Throws an InputError naming the file, the line and both moments when a message came after the read-out. Without a
   * read-out, returns the warning for messages dated after the ingest (null when there are none): no phone holds a
   * message sent after it was read out, but the file is evidence as it is, so it is kept and the cause left to a person.
   */
  check(): ParseWarning | null {
    const r = this.readOut;
    const l = this.latest;
    if (l === null) return null;
    if (r === undefined) {
      const n = this.afterIngest;
      return {
        code: 'message-after-ingest',
        message:
          `${n === 1 ? '1 message is' : `${n} messages are`} dated after this ingest (more than a day after it); the latest is ` +
          `'${l.localTime}' as written (${l.sentAt}). No phone holds a message sent after it was read out: the phone's clock or calendar was set ` +
          "wrong (a Buddhist year written with two digits reads 543 years late), or the date order was read wrong (see dateOrderEvidence; " +
          'ingest with --date-order into a store without this file). Kept as written',
        line: l.line,
        ...(l.file.entry !== undefined ? { entry: l.file.entry } : {}),
      };
    }
    const covers = r.text.length > 10 ? 'up to the end of that minute' : 'the whole day';
    const flag = l.invalid
      ? ` (a time that does not exist in ${r.zone}, the hour skipped for daylight saving, flagged timeInvalid)`
      : l.ambiguous
        ? ` (a time in the hour repeated when daylight saving ends, read at the earlier offset, flagged timeAmbiguous)`
        : '';
    throw inputErrorIn(
      l.file,
      `the export's last message, '${l.localTime}' as written (${l.sentAt})${flag}, was sent after the read-out --read-out ${r.text} ` +
        `(${covers}, in ${r.zone}): expected a read-out at or after the last message. The phone cannot have been read out ` +
        'before a message it holds; check the read-out date and time (a typo in the day or month?). Nothing was stored',
      { line: l.line, code: 'read-out-before-last-message' },
    );
  }
}
