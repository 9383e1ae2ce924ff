/**
 * Pass 1 over a WhatsApp export: detects the header shape, infers the date order and collects authors and subjects,
 * which pass 2 (parse.ts) needs to split author from body and to classify messages. Keeps no messages in memory.
 */
import { LineSplitter, pieces, utf16Encoding, UTF16_SAMPLE_BYTES, utf8OfBytes, type LineVisitor } from '../lines.js';
import type { DateOrder, SourceLine } from '../types.js';
import { HeadSplitter } from './author.js';
import { classifyBody, isDeletedBySelf, mayBeDeletedBySelf } from './body.js';
import { DateOrderEvidence } from './date-order.js';
import {
  compileHeader, dateEnd, detectShape, fullYear, headerStart, headerStartInBytes, newHeaderFields, readHeader, shapeLabel, to24h,
  type HeaderShape,
} from './header.js';
import { Range } from './stamp.js';
import { GROUP_EVENTS, isGroupEncryptionNotice, matchSystem, mayBeSystem, mayNameSystem, systemKey, type SystemMatch } from './system.js';

export class WhatsAppFormatError extends Error {
  line?: number;
  /** Set for a refusal other than "not a WhatsApp export": `date-order-impossible`, `utf16`, `calendar`. */
  code?: string;
  constructor(message: string, line?: number, code?: string) {
    super(message);
    this.name = 'WhatsAppFormatError';
    if (line !== undefined) this.line = line;
    if (code !== undefined) this.code = code;
  }
}

export interface WhatsAppScan {
  platform: 'ios' | 'android';
  headerShape: string;
  dateOrder: DateOrder;
  dateOrderEvidence: string;
  dateOrderForced: boolean;
  /** Header lines (messages including system events). */
  messageCount: number;
  /** Distinct cleaned author names in order of first appearance, without the iOS chat-name pseudo-author. */
  authors: string[];
  /** iOS: author of the first e2e notice (the chat title at export time); else the last group subject seen. */
  chatNameHint: string | null;
  /** Group subjects in the order seen (created group, renames). */
  subjects: string[];
  isGroup: boolean;
  /** Earliest and latest wall-clock time in the file (timestamps are not always in order). */
  firstLocalIso: string | null;
  lastLocalIso: string | null;
  /** The detected header shape; parseWhatsApp compiles its header regex from it. */
  shape: HeaderShape;
  /** The export references attached files (an export "with media"). */
  withMedia: boolean;
  /** Author of a "You deleted this message" line: the exporting phone's owner as named in this chat. */
  selfNameHint: string | null;
  /** iOS lines whose author contains `: ` (`Team: Noord: ‎Alice added you`); when 0, pass 2 need not look for any. */
  colonAuthorLines?: number;
  /** Some line ends with a lone '\r' (old Mac line ends); when false, pass 2 finds line ends by '\n' alone. */
  loneCr?: boolean;
  /**
   * iOS authors who wrote only lines as WhatsApp writes them (a leading U+200E, no attachment or other content): what a
   * group's name writes as the author of its events (2021+), with or without the encryption notice.
   */
  markedOnlyAuthors?: string[];
  /**
   * Set by the ingest when `chatNameHint` is the export's stated title (zip or file name, subject) because an author of
   * that name writes only such lines, not the notice's author: parser versions before whatsapp-1.2.0 read that author's
   * lines that no template knows as a person's text (see ParsedMessage.legacy).
   */
  chatNameByTitle?: boolean;
}

export const NON_EMPTY = /\S/;
const ATTACHED = /<(?:attached|bijgevoegd): | \((?:file attached|bestand bijgevoegd)\)$/;
const DETECT_LIMIT = 50;
/**
 * A header dated in another calendar (§2, other shapes seen): Buddhist `[3/18/2565 BE, 14:56:01]`, Japanese era
 * `[3/18/R4, 14:56:01]` (also `R4/3/18`). Group 1 is the date as written.
 */
const OTHER_CALENDAR = /^\u200e?\[?(\d{1,2}[/.-]\d{1,2}[/.-]\d{4} BE|\d{1,2}[/.-]\d{1,2}[/.-][HR]\d{1,2}|[HR]\d{1,2}[/.-]\d{1,2}[/.-]\d{1,2})[,\] ]/;

/**
 * Pass 1: detects the header shape and date order, counts messages and collects authors and subjects.
 * Throws WhatsAppFormatError when no header appears in the first 50 non-empty lines, and when a forced date order is
 * impossible for the file (a value above 12 where it puts the month, see `DateOrderEvidence.decide`).
 */
export async function scanWhatsApp(lines: AsyncIterable<SourceLine>, opts: { dateOrder?: 'dmy' | 'mdy'; fileName?: string } = {}): Promise<WhatsAppScan> {
  const scanner = new WhatsAppScanner(opts);
  for await (const line of lines) scanner.line(line);
  return scanner.finish();
}

/**
 * Pass 1 straight from the bytes (the fast path): the lines are byte strings, not decoded text (see `LineSplitter`),
 * and only what is tested against a template or kept as a name is decoded. The result equals `scanWhatsApp`'s on the
 * decoded lines; invalid UTF-8 is left for pass 2 to report.
 */
export async function scanWhatsAppChunks(
  chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  opts: { dateOrder?: 'dmy' | 'mdy'; fileName?: string } = {},
): Promise<WhatsAppScan> {
  const scanner = new WhatsAppScanner({ ...opts, bytes: true });
  const splitter = new LineSplitter(undefined, true);
  // The first bytes are checked for UTF-16 before any line is read (short first chunks are gathered, copied: a chunk
  // may be a reused buffer); after that, the chunks go to the splitter untouched.
  let head: Buffer[] | null = [];
  let headBytes = 0;
  for await (const chunk of chunks) {
    if (head !== null) {
      if (headBytes === 0 && chunk.length >= UTF16_SAMPLE_BYTES) {
        head = null;
        refuseUtf16(chunk, opts.fileName);
      } else {
        head.push(Buffer.from(chunk));
        headBytes += chunk.length;
        if (headBytes < UTF16_SAMPLE_BYTES) continue;
        const gathered = Buffer.concat(head);
        head = null;
        refuseUtf16(gathered, opts.fileName);
        for (const piece of pieces(gathered)) splitter.visit(piece, scanner.visit);
        continue;
      }
    }
    for (const piece of pieces(chunk)) splitter.visit(piece, scanner.visit);
  }
  if (head !== null && headBytes > 0) {
    const gathered = Buffer.concat(head);
    refuseUtf16(gathered, opts.fileName);
    splitter.visit(gathered, scanner.visit);
  }
  splitter.finish(scanner.visit);
  return scanner.finish();
}

/**
 * Refuses a text whose first bytes show UTF-16 (see `utf16Encoding`). WhatsApp writes UTF-8; a UTF-16 file is a copy
 * another program saved again (Windows Notepad's "Unicode"), and it is refused rather than decoded.
 */
function refuseUtf16(head: Uint8Array, fileName?: string): void {
  const u = utf16Encoding(head);
  if (u) throw new WhatsAppFormatError(utf16Refusal(u, fileName), undefined, 'utf16');
}

/** The refusal of a UTF-16 text file (also used by discovery for a .txt that is not named like a chat). */
export function utf16Refusal(u: { encoding: string; evidence: string }, fileName?: string): string {
  return (
    `${fileName ? `${fileName}: ` : ''}the file is UTF-16 encoded (${u.encoding}: ${u.evidence}); WhatsApp exports are UTF-8. ` +
    'This is probably a copy that another program saved again (e.g. Notepad "Unicode"), not the file WhatsApp wrote: ingest the ' +
    "original export as it came from the phone (the .zip or .txt of WhatsApp's Export chat). Converting this copy to UTF-8 gives other " +
    'bytes than the phone wrote; do that only when the original is lost, and record the conversion. Nothing was stored'
  );
}

/**
 * The synchronous core of pass 1: feed every line (`line` or `visit`), then `finish`. With `bytes`, `visit` takes
 * byte strings (every character one byte of UTF-8, see `LineSplitter`); `line` always takes decoded text.
 */
export class WhatsAppScanner {
  private shape: HeaderShape | null = null;
  private re: RegExp | null = null;
  private open = 0;
  private nonEmpty = 0;
  private count = 0;
  private readonly evidence = new DateOrderEvidence();
  private readonly dmy = new Range();
  private readonly mdy = new Range();
  private splitter: HeadSplitter | null = null;
  private readonly hf = newHeaderFields();
  private readonly humans = new Set<string>();
  private readonly subjects: string[] = [];
  private e2eAuthor: string | null = null;
  private groupEvidence = false;
  private withMedia = false;
  private selfNameHint: string | null = null;
  /** iOS authors of a line with ordinary content, and of a line as WhatsApp writes it (see markedOnlyAuthors). */
  private readonly ordinary = new Set<string>();
  private readonly marked = new Set<string>();
  private lastOrdinary = '';
  private readonly what: string;
  private readonly bytes: boolean;

  constructor(private readonly opts: { dateOrder?: 'dmy' | 'mdy'; fileName?: string; bytes?: boolean } = {}) {
    this.what = opts.fileName ? ` in ${opts.fileName}` : '';
    this.bytes = opts.bytes ?? false;
  }

  line(line: SourceLine): void {
    if (line.eol === '\r') this.loneCr = true;
    const text = this.bytes ? Buffer.from(line.text, 'utf8').toString('latin1') : line.text;
    this.lineAt(text, 0, text.length, line.lineNo);
  }

  /** The text of `text[start, end)`. */
  private decoded(text: string, start: number, end: number): string {
    const s = text.slice(start, end);
    return this.bytes ? utf8OfBytes(s) : s;
  }

  /** Index of the first character after the LRMs at `text[i]`. */
  private afterLrms(text: string, i: number): number {
    if (this.bytes) {
      while (text.charCodeAt(i) === 0xe2 && text.charCodeAt(i + 1) === 0x80 && text.charCodeAt(i + 2) === 0x8e) i += 3;
    } else {
      while (text.charCodeAt(i) === 0x200e) i++;
    }
    return i;
  }

  private loneCr = false;

  readonly visit: LineVisitor = (text, start, end, eol, lineNo) => {
    if (eol === '\r') this.loneCr = true;
    this.lineAt(text, start, end, lineNo);
  };

  /** The line `text[start, end)`. */
  lineAt(text: string, start: number, end: number, lineNo: number): void {
    if (this.re === null) {
      const line = this.decoded(text, start, end);
      if (!NON_EMPTY.test(line)) return;
      this.nonEmpty++;
      const shape = detectShape(line);
      if (!shape) {
        const era = OTHER_CALENDAR.exec(line);
        if (era) this.refuseCalendar(era[1]!, era[1]!.endsWith(' BE') ? 'Buddhist' : 'Japanese', lineNo);
        if (this.nonEmpty >= DETECT_LIMIT) {
          throw new WhatsAppFormatError(`not a WhatsApp export${this.what}: no message header in the first ${DETECT_LIMIT} non-empty lines`, lineNo);
        }
        return;
      }
      this.shape = shape;
      this.re = compileHeader(shape, this.bytes);
      this.open = shape.bracket ? 0x5b : 0;
      this.splitter = new HeadSplitter(shape.platform, null, this.bytes);
      this.splitter.countColonAuthors = true;
    }
    const i = this.bytes ? headerStartInBytes(text, start, this.open) : headerStart(text, start, this.open);
    if (i < 0 || i >= end) return;
    const sh = this.shape!;
    const hf = this.hf;
    if (!readHeader(text, i, this.re, sh, hf) || hf.end > end) return; // (the header grammar matches no line break)
    this.count++;
    const year = sh.yearFirst ? hf.a : fullYear(hf.c, hf.cDigits);
    // A Buddhist year written without its "BE" (2552 is 2009, the year WhatsApp came out) would be read 543 years late.
    if (year >= 2400) this.refuseCalendar(this.decoded(text, hf.tsStart, dateEnd(text, hf.tsStart, sh)), 'Buddhist', lineNo);
    const hour = hf.ampm === '' ? hf.hour : to24h(hf.hour, hf.ampm);
    if (sh.yearFirst) {
      this.dmy.add(year, hf.b, hf.c, hour, hf.minute, hf.second);
    } else {
      // (true at most twice per file: the first value above 12 in either position, kept as written for a refusal)
      if (this.evidence.add(hf.a, hf.b, year, lineNo)) this.evidence.proofDate(this.decoded(text, hf.tsStart, dateEnd(text, hf.tsStart, sh)));
      this.dmy.add(year, hf.b, hf.a, hour, hf.minute, hf.second);
      this.mdy.add(year, hf.a, hf.b, hour, hf.minute, hf.second);
    }

    const sp = this.splitter!;
    const b = sp.locate(text, hf.end, end);
    const sender = sp.found;
    if (sender === null) {
      this.onSystem(sp.foundSys, () => systemKey(this.decoded(text, b, end)));
      return;
    }
    const name = sender.name;
    let human = true;
    if (sh.platform === 'ios' && b < end && this.afterLrms(text, b) > b) {
      // Only iOS writes system events as authored messages; Android LRM bodies are attachments.
      // (A byte string is decoded only when it may name a template or be a "you deleted" notice.)
      const maySys = !this.bytes || mayNameSystem(text, b, end);
      const mayDel = !this.selfNameHint && mayBeDeletedBySelf(text, this.afterLrms(text, b));
      const body = maySys || mayDel ? this.decoded(text, b, end) : '';
      const key = maySys && mayBeSystem(body) ? systemKey(body) : '';
      const sys = key ? matchSystem(key) : null;
      if (sys && sys.event !== 'waiting') {
        this.onSystem(sys, () => key);
        if (sys.event === 'encryption-notice' && this.e2eAuthor === null) {
          this.e2eAuthor = name;
          sp.setChatName(sender.raw);
        }
        human = sys.actor !== undefined && sys.actor === name;
      } else if (name === this.e2eAuthor && !this.humans.has(name)) {
        // Unknown WhatsApp text from the chat-name author: human only if it is ordinary content.
        human = classifyBody(this.decoded(text, b, end), '', null, { platform: sh.platform, withMedia: this.withMedia }).kind !== 'text';
      }
      if (sys && sys.event !== 'waiting') this.marked.add(name);
      else if (!sys && !this.ordinary.has(name)) {
        // A marked line that is no known event: ordinary when its content is (an attachment, a deleted message).
        const kind = classifyBody(this.decoded(text, b, end), '', null, { platform: sh.platform, withMedia: this.withMedia }).kind;
        (kind === 'text' ? this.marked : this.ordinary).add(name);
      }
      if (mayDel && isDeletedBySelf(body)) this.selfNameHint = name;
    } else {
      if (sh.platform === 'ios' && name !== this.lastOrdinary) {
        this.ordinary.add(name);
        this.lastOrdinary = name;
      }
      if (!this.selfNameHint && mayBeDeletedBySelf(text, this.afterLrms(text, b)) && isDeletedBySelf(this.decoded(text, b, end))) this.selfNameHint = name;
    }
    if (human) this.humans.add(name);
    if (!this.withMedia && end > b) {
      const last = text.charCodeAt(end - 1);
      if ((last === 0x3e || last === 0x29) && ATTACHED.test(this.decoded(text, b, end))) this.withMedia = true;
    }
  }

  /** Refuses a file dated in another calendar than the Gregorian: its dates are not converted, never misread. */
  private refuseCalendar(date: string, calendar: 'Buddhist' | 'Japanese', lineNo: number): never {
    throw new WhatsAppFormatError(
      `${this.opts.fileName ? `${this.opts.fileName}: ` : ''}the dates are written in the ${calendar} calendar ("${date}"); ` +
        'chatarchief reads Gregorian dates only and does not convert others, so that no message is misdated. Export the chat again ' +
        'from the phone with its calendar set to Gregorian (iPhone: Instellingen > Algemeen > Taal en regio > Kalender; Android: ' +
        'the region settings) and ingest that export. Nothing was stored',
      lineNo,
      'calendar',
    );
  }

  private onSystem(sys: SystemMatch | null, key: () => string): void {
    if (!sys) return;
    if (GROUP_EVENTS.has(sys.event)) this.groupEvidence = true;
    if (sys.event === 'encryption-notice' && isGroupEncryptionNotice(key())) this.groupEvidence = true;
    const push = (s: string): void => {
      if (this.subjects[this.subjects.length - 1] !== s) this.subjects.push(s);
    };
    if (sys.event === 'subject-changed' && sys.oldSubject !== undefined && this.subjects.length === 0) push(sys.oldSubject);
    if ((sys.event === 'group-created' || sys.event === 'subject-changed') && sys.subject !== undefined) push(sys.subject);
  }

  finish(): WhatsAppScan {
    const shape = this.shape;
    if (!shape || this.count === 0) {
      throw new WhatsAppFormatError(`not a WhatsApp export${this.what}: no message header found`);
    }
    const decision = this.evidence.decide(shape, this.opts.dateOrder);
    if (decision.impossible) {
      // A forced order the file proves wrong would invent dates (clamped, or day and month swapped): refuse the file.
      const { message, line } = decision.impossible;
      throw new WhatsAppFormatError(this.opts.fileName ? `${this.opts.fileName}: ${message}` : message, line, 'date-order-impossible');
    }
    const range = decision.order === 'mdy' ? this.mdy : this.dmy; // year-first shapes fill `dmy` with month/day in place
    const authors = [...this.humans];
    const e2e = this.e2eAuthor;
    const isGroup = this.groupEvidence || authors.length > 2 || (e2e !== null && authors.length >= 2 && !this.humans.has(e2e));
    return {
      platform: shape.platform,
      headerShape: shapeLabel(shape, decision.order),
      dateOrder: decision.order,
      dateOrderEvidence: decision.evidence,
      dateOrderForced: decision.forced,
      messageCount: this.count,
      authors,
      chatNameHint: e2e ?? this.subjects[this.subjects.length - 1] ?? null,
      subjects: this.subjects,
      isGroup,
      firstLocalIso: range.first,
      lastLocalIso: range.last,
      shape,
      withMedia: this.withMedia,
      selfNameHint: this.selfNameHint,
      colonAuthorLines: this.splitter!.colonAuthorLines,
      loneCr: this.loneCr,
      markedOnlyAuthors: [...this.marked].filter((a) => !this.ordinary.has(a)),
    };
  }
}
