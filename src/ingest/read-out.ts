import { inputErrorIn, type FileRef } from './discover.js';
import type { ParsedMessage } from '../../parsers/types.js';

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
 * holds was sent (usually a typo in the date). Feed every message (`see`), then `check`; the latest instant over the
 * file counts, not the last line (exports are not always in time order). Cheap per message: one comparison.
 */
export class ReadOutCheck {
  private latest: { ms: number; file: Pick<FileRef, 'file' | 'entry'>; line: number; localTime: string; sentAt: string; ambiguous: boolean; invalid: boolean } | null = null;

  constructor(private readonly readOut: ReadOut | undefined) {}

  see(m: ParsedMessage, file: Pick<FileRef, 'file' | 'entry'>): void {
    if (this.readOut === undefined || m.sentAtMs < this.readOut.untilMs || (this.latest !== null && m.sentAtMs <= this.latest.ms)) return;
    this.latest = { ms: m.sentAtMs, file, line: m.line, localTime: m.localTime, sentAt: m.sentAt, ambiguous: m.timeAmbiguous, invalid: m.timeInvalid };
  }

  /** Throws an InputError naming the file, the line and both moments when a message came after the read-out. */
  check(): void {
    const r = this.readOut;
    const l = this.latest;
    if (r === undefined || l === null) return;
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
