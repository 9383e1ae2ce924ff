/**
 * Pass 2 over a WhatsApp export: one ParsedMessage per header line, in file order (never re-sorted). Continuation
 * lines belong to the message above them. Messages with impossible times are kept (clamped, `timeInvalid`).
 * `parseWhatsAppChunks` reads the bytes and yields the messages each chunk completes as one array (the ingest's fast
 * path); `parseWhatsApp` takes lines and yields messages one by one. Both drive `WhatsAppParser`, the synchronous core.
 */
import { Info } from 'luxon';
import { LineSplitter, pieces, RegionOffsets, type LineVisitor } from '../lines.js';
import type { DateOrder, ParsedMessage, ParseWarning, SourceLine } from '../types.js';
import { HeadSplitter, type Sender } from './author.js';
import { classifyBody, systemBody, type BodyContext, type BodyInfo } from './body.js';
import { WallClockResolver } from './clock.js';
import { compileHeader, detectShape, headerStart, newHeaderFields, readHeader, type HeaderShape } from './header.js';
import { NON_EMPTY, type WhatsAppScan } from './scan.js';
import { dayMonth, newStamp, readStampInto, type Stamp } from './stamp.js';
import { matchSystem, mayBeSystem, systemKey, type SystemMatch } from './system.js';

export interface ParseOptions {
  dateOrder: DateOrder;
  zone: string;
  scan: WhatsAppScan;
  onWarning?: (w: ParseWarning) => void;
}

/**
 * A message being collected: its header line plus continuation lines. Lines that are contiguous in one decoded
 * region are kept as index ranges into it (`src`); only a message that spans two regions concatenates strings.
 */
interface Pending {
  lineNo: number;
  /** Where the header line starts: `offsets.at(headStart)` is its byte offset (asked for only by a warning). */
  offsets: RegionOffsets;
  headStart: number;
  localTime: string;
  stamp: Stamp;
  /** The header line: `head[restStart, headEnd)` is its author/body part. */
  head: string;
  restStart: number;
  headEnd: number;
  firstEol: string;
  /** Region of the live segment: `src[segStart, segEnd)` is the end of the raw text. */
  src: string;
  region: RegionOffsets;
  segStart: number;
  segEnd: number;
  /** Start of the continuation lines in the live segment, or -1 when it has none. */
  contStart: number;
  /** Raw text and continuation text from earlier regions, each with the line ending that joins them to the live segment. */
  rawPrefix: string;
  contPrefix: string;
  /** Line ending of the last line added. */
  eol: string;
  /** Two of its lines are joined by a line ending other than '\n' (CRLF, CR): the text's joins differ from the raw text's. */
  otherEol: boolean;
  /** Its last line is an empty continuation line. */
  lastEmpty: boolean;
}

/** Pass 2 over lines, one message at a time. */
export async function* parseWhatsApp(lines: AsyncIterable<SourceLine>, opts: ParseOptions): AsyncGenerator<ParsedMessage> {
  const parser = new WhatsAppParser(opts);
  let out: ParsedMessage[] = [];
  for await (const line of lines) {
    parser.line(line, out);
    if (out.length) {
      yield* out;
      out = [];
    }
  }
  parser.end(out);
  yield* out;
}

/** Pass 2 straight from the bytes (the fast path: no string per line): the messages each chunk completes. */
export async function* parseWhatsAppChunks(chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>, opts: ParseOptions): AsyncGenerator<ParsedMessage[]> {
  const parser = new WhatsAppParser(opts);
  const splitter = new LineSplitter(opts.onWarning);
  splitter.noLoneCr = opts.scan.loneCr === false;
  for await (const chunk of chunks) {
    for (const piece of pieces(chunk)) {
      splitter.visit(piece, parser.visit);
      const out = parser.take();
      if (out.length) yield out;
    }
  }
  splitter.finish(parser.visit);
  parser.end(parser.out);
  const out = parser.take();
  if (out.length) yield out;
}

/** The synchronous core of pass 2: feed every line (completed messages are appended to `out`), then `end`. */
export class WhatsAppParser {
  private shape: HeaderShape | null;
  private re: RegExp | null;
  private open: number;
  private readonly clock: WallClockResolver;
  private readonly chatName: string | null;
  private splitter: HeadSplitter;
  private readonly hf = newHeaderFields();
  private readonly pseudo: string | null;
  private ctx: BodyContext;
  private seq = 0;
  private cur: Pending | null = null;
  private readonly pending: Pending = {
    lineNo: 0, offsets: NO_REGION, headStart: 0, localTime: '', stamp: newStamp(), head: '', restStart: 0, headEnd: 0, firstEol: '', src: '', region: NO_REGION,
    segStart: 0, segEnd: 0, contStart: -1, rawPrefix: '', contPrefix: '', eol: '', otherEol: false, lastEmpty: false,
  };

  constructor(private readonly opts: ParseOptions) {
    const { scan, zone } = opts;
    if (!Info.isValidIANAZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
    this.shape = scan.shape ?? null;
    this.re = this.shape ? compileHeader(this.shape) : null;
    this.open = this.shape?.bracket ? 0x5b : 0;
    this.clock = new WallClockResolver(zone);
    const humans = new Set(scan.authors);
    this.chatName = scan.chatNameHint;
    this.splitter = this.newSplitter(this.shape?.platform ?? scan.platform);
    this.pseudo = scan.isGroup && this.chatName !== null && !humans.has(this.chatName) ? this.chatName : null;
    this.ctx = { platform: this.shape?.platform ?? scan.platform, withMedia: scan.withMedia ?? false };
  }

  /** Only iOS writes the chat name as an author; Android subjects must not steer the author split. */
  private newSplitter(platform: 'ios' | 'android'): HeadSplitter {
    const sp = new HeadSplitter(platform, platform === 'ios' ? this.chatName : null);
    // Pass 1 looked at every line for an author containing `: `; without one, pass 2 need not search.
    sp.colonAuthors = this.opts.scan.colonAuthorLines !== 0;
    return sp;
  }

  line(line: SourceLine, out: ParsedMessage[]): void {
    // Fed one by one, every line is a region of its own.
    this.lineAt(line.text, 0, line.text.length, line.eol, line.lineNo, new RegionOffsets(line.text, line.byteOffset, true), out);
  }

  /** Messages completed through `visit` since the last `take`. */
  out: ParsedMessage[] = [];

  readonly visit: LineVisitor = (text, start, end, eol, lineNo, offsets) => this.lineAt(text, start, end, eol, lineNo, offsets, this.out);

  take(): ParsedMessage[] {
    const out = this.out;
    if (out.length) this.out = [];
    return out;
  }

  /** The line `text[start, end)`. */
  lineAt(text: string, start: number, end: number, eol: string, lineNo: number, region: RegionOffsets, out: ParsedMessage[]): void {
    if (this.re === null) {
      const line = text.slice(start, end);
      const shape = NON_EMPTY.test(line) ? detectShape(line) : null;
      if (shape) {
        this.shape = shape;
        this.re = compileHeader(shape);
        this.open = shape.bracket ? 0x5b : 0;
        this.ctx = { platform: shape.platform, withMedia: this.ctx.withMedia };
        this.splitter = this.newSplitter(shape.platform);
      }
    }
    const hf = this.hf;
    let isHeader = false;
    if (this.re !== null) {
      const i = headerStart(text, start, this.open);
      isHeader = i >= 0 && i < end && readHeader(text, i, this.re, this.shape!, hf) && hf.end <= end;
    }
    const cur = this.cur;
    if (isHeader) {
      // One Pending object, refilled for every message (built before it is refilled).
      if (cur) out.push(this.build(cur));
      const p = this.pending;
      p.lineNo = lineNo;
      p.offsets = region;
      p.headStart = start;
      p.localTime = text.slice(hf.tsStart, hf.tsEnd);
      readStampInto(hf, this.shape!, p.stamp);
      p.head = text;
      p.restStart = hf.end;
      p.headEnd = end;
      p.firstEol = eol;
      p.src = text;
      p.region = region;
      p.segStart = start;
      p.segEnd = end;
      p.contStart = -1;
      p.rawPrefix = '';
      p.contPrefix = '';
      p.eol = eol;
      p.otherEol = false;
      p.lastEmpty = false;
      this.cur = p;
    } else if (cur) {
      // (two flags per line, so that a message joined by '\n' alone costs nothing at build time)
      if (cur.eol !== '\n') cur.otherEol = true;
      cur.lastEmpty = end === start;
      if (region === cur.region) {
        // Contiguous with what came before: the line ending between is in `src` already.
        if (cur.contStart < 0) cur.contStart = start;
      } else {
        cur.rawPrefix += cur.src.slice(cur.segStart, cur.segEnd) + cur.eol;
        if (cur.contStart >= 0) cur.contPrefix += cur.src.slice(cur.contStart, cur.segEnd) + cur.eol;
        cur.src = text;
        cur.region = region;
        cur.segStart = start;
        cur.contStart = start;
      }
      cur.segEnd = end;
      cur.eol = eol;
    } else if (NON_EMPTY.test(text.slice(start, end))) {
      this.opts.onWarning?.({ code: 'text-before-first-message', message: `line ${lineNo} comes before the first message header and is not part of any message`, line: lineNo, byteOffset: region.at(start) });
    }
  }

  /** Completes the last message. */
  end(out: ParsedMessage[]): void {
    if (this.cur) out.push(this.build(this.cur));
    this.cur = null;
  }

  private build(p: Pending): ParsedMessage {
    const { dateOrder, zone, onWarning } = this.opts;
    const sh = this.shape!;
    const st = p.stamp;
    const [day, month] = dayMonth(st, dateOrder, sh.yearFirst);
    const t = this.clock.resolve(st.year, month, day, st.hour, st.minute, st.second);
    if (onWarning) {
      if (t.clamped) {
        onWarning({ code: 'invalid-date', message: `impossible date/time "${p.localTime}" (read as ${dateOrder}); clamped to ${t.localIso}`, line: p.lineNo, byteOffset: p.offsets.at(p.headStart) });
      } else if (t.inGap) {
        onWarning({ code: 'nonexistent-local-time', message: `"${p.localTime}" does not exist in ${zone} (DST gap)`, line: p.lineNo, byteOffset: p.offsets.at(p.headStart) });
      }
      if (st.hour12bad) {
        onWarning({ code: 'invalid-12h-time', message: `hour out of range for a 12-hour clock: "${p.localTime}"`, line: p.lineNo, byteOffset: p.offsets.at(p.headStart) });
      }
    }
    const sp = this.splitter;
    const b = sp.locate(p.head, p.restStart, p.headEnd);
    const s = sp.found;
    const sys = sp.foundSys;
    const before = sp.readBefore;
    const body = b === p.headEnd ? '' : p.head.slice(b, p.headEnd);
    const live = p.src.slice(p.segStart, p.segEnd);
    const raw = p.rawPrefix ? p.rawPrefix + live : live;
    const cont = p.contStart >= 0 ? p.contPrefix + p.src.slice(p.contStart, p.segEnd) : p.contPrefix || null;
    // The text joins its lines with '\n' whatever the file's line endings, so that one message has one dedup key in
    // LF, CRLF and CR exports; rawText keeps the endings. A one-line message, or one joined by '\n' alone and not
    // ending in an empty line, is read as it stands (the common case: no work here).
    const reshaped = cont !== null && (p.otherEol || p.lastEmpty);
    const rest = reshaped ? textLines(cont, p.otherEol) : cont;
    const info = this.read(body, '\n', rest, s, sys);
    const author = this.author;
    const waiting = this.waiting;
    let senderRaw: string | null = null;
    let sender: string | null = null;
    let senderPhone: string | null = null;
    if (s !== null && author === null) {
      senderRaw = s.raw;
      sender = s.name;
      senderPhone = s.phone;
    }
    const msg: ParsedMessage = {
      seq: this.seq++,
      line: p.lineNo,
      rawText: raw,
      localTime: p.localTime,
      localIso: t.localIso,
      sentAt: t.sentAt,
      sentAtMs: t.sentAtMs,
      zone,
      timeAmbiguous: t.timeAmbiguous,
      timeInvalid: t.timeInvalid,
      sender,
      senderRaw,
      senderPhone,
      senderKey: null,
      fromSelf: info.fromSelf,
      kind: info.kind,
      event: info.event,
      text: info.text,
      edited: info.edited,
      viewOnce: info.viewOnce,
      attachments: info.attachments,
    };
    if (info.deletedBy !== undefined) msg.deletedBy = info.deletedBy;
    let extra = info.extra;
    // The author of a 'waiting' notice is the person whose message has not arrived: also its actor, through which the
    // export finds their contact (and withholds the notice with their other messages).
    if (author !== null) extra = waiting ? { ...extra, actor: author, author } : { ...extra, author };
    if (extra) msg.extra = extra;
    if (before !== null) {
      // Versions before whatsapp-1.3.0 read a line like `Robert "Bob" Jansen: They removed the barrier` as one system
      // sentence without a sender: stores ingested then hold it under that reading's key.
      const old = systemBody(p.head.slice(p.restStart, p.headEnd), '\n', rest, before);
      msg.legacy = { since: 'whatsapp-1.3.0', kind: old.kind, event: old.event, sender: null, text: old.text };
    } else if (waiting) {
      // A 'waiting' notice is keyed by its author (see MessageKeys.base), as whatsapp-1.0.0 keyed it with the author as
      // its sender; whatsapp-1.1.0 keyed it without one.
      msg.legacy = { since: 'whatsapp-1.2.0', kind: info.kind, event: info.event, sender: null, text: info.text };
    } else if (reshaped) {
      // Parser versions before whatsapp-1.1.0 kept the file's line endings and a trailing empty line in the text:
      // stores ingested then hold keys made of that reading.
      const o = this.read(body, p.firstEol, cont, s, sys);
      const oldSender = s !== null && this.author === null ? s.name : null;
      if (o.text !== info.text || o.kind !== info.kind || o.event !== info.event || oldSender !== sender) {
        msg.legacy = { kind: o.kind, event: o.event, sender: oldSender, text: o.text };
      }
    } else if (this.person !== null && s !== null) {
      const o = this.person;
      msg.legacy = { since: 'whatsapp-1.2.0', kind: o.kind, event: o.event, sender: s.name, text: o.text };
    }
    return msg;
  }

  /** After `read`: the line's author when it is not the message's sender (a system event written as a message). */
  private author: string | null = null;
  /** After `read`: that author wrote a 'waiting' notice (which older versions gave the author as sender). */
  private waiting = false;
  /**
   * After `read`: the reading as a person's message of a line by the chat's name that no template knows, when the name
   * is known from the export's title alone (WhatsAppScan.chatNameByTitle): how versions before whatsapp-1.2.0 read it.
   */
  private person: BodyInfo | null = null;

  /**
   * Classifies a message's body (`rest`: its continuation lines, joined to the first by `eol`), leaving who wrote it
   * in `author` and `waiting` (fields, not a result object: this runs for every message).
   */
  private read(body: string, eol: string, rest: string | null, s: Sender | null, sys: SystemMatch | null): BodyInfo {
    this.author = null;
    this.waiting = false;
    this.person = null;
    if (s === null) return systemBody(body, eol, rest, sys);
    const info = classifyBody(body, eol, rest, this.ctx);
    if (info.kind === 'text' && info.lrm) {
      // iOS 2021+: system events written as messages of the chat name or the actor (§6.3).
      const m = mayBeSystem(body) ? matchSystem(systemKey(body)) : null;
      if ((m && m.event !== 'waiting') || s.name === this.pseudo) {
        this.author = s.name;
        if (!(m && m.event !== 'waiting') && this.opts.scan.chatNameByTitle) this.person = info;
        return systemBody(body, eol, rest, m && m.event !== 'waiting' ? m : null);
      }
    } else if (info.event === 'waiting') {
      // "Waiting for this message" stands where the author's message will be: a system event like the others (no
      // sender), its author kept.
      this.author = s.name;
      this.waiting = true;
    }
    return info;
  }
}

const NO_REGION = new RegionOffsets('', 0, true);

/**
 * A message's continuation lines as its text holds them: joined by '\n' (`otherEol`: the raw ones hold CRLF or CR),
 * without the empty lines that end the message, or null when every line is empty. Those empty lines are the export's
 * blank line before the next header, not the sender's: Android writes one after a poll's options (whatsapp.md §4,
 * §9.10: "followed by a blank line"; the iOS poll in §4 has none), and a sent message is not known to end in a line
 * break (WhatsApp trims it; unverified). Inner blank lines are the sender's and stay.
 */
function textLines(cont: string, otherEol: boolean): string | null {
  const t = otherEol ? cont.replace(CR_EOL, '\n') : cont;
  let e = t.length;
  while (e > 0 && t.charCodeAt(e - 1) === 10) e--;
  if (e === 0) return null; // every continuation line is empty ('' is one empty line)
  return e === t.length ? t : t.slice(0, e);
}

const CR_EOL = /\r\n?/g;
