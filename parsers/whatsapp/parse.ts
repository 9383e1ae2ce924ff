/**
 * Pass 2 over a WhatsApp export: one ParsedMessage per header line, in file order (never re-sorted). Continuation
 * lines belong to the message above them. Messages with impossible times are kept (clamped, `timeInvalid`).
 * `parseWhatsAppBatches` yields the messages completed by each batch of input lines as one array (the ingest's fast
 * path); `parseWhatsApp` yields them one by one. Both share `WhatsAppParser`, the synchronous core.
 */
import { Info } from 'luxon';
import { forEachLine, type LineInput } from '../lines.js';
import type { DateOrder, ParsedMessage, ParseWarning, SourceLine } from '../types.js';
import { HeadSplitter } from './author.js';
import { classifyBody, systemBody, type BodyContext } from './body.js';
import { WallClockResolver } from './clock.js';
import { compileHeader, detectShape, headerStart, newHeaderFields, readHeader, type HeaderShape } from './header.js';
import { NON_EMPTY, type WhatsAppScan } from './scan.js';
import { dayMonth, readStamp, type Stamp } from './stamp.js';
import { matchSystem, mayBeSystem, systemKey } from './system.js';

export interface ParseOptions {
  dateOrder: DateOrder;
  zone: string;
  scan: WhatsAppScan;
  onWarning?: (w: ParseWarning) => void;
}

/** A message being collected: its header line plus continuation lines. */
interface Pending {
  lineNo: number;
  byteOffset: number;
  raw: string;
  /** Line ending of the last line added (joins the next line). */
  eol: string;
  localTime: string;
  stamp: Stamp;
  /** The header line and where its author/body part starts. */
  head: string;
  restStart: number;
  firstEol: string;
  cont: string | null;
}

/** Pass 2, one message at a time. */
export async function* parseWhatsApp(lines: LineInput, opts: ParseOptions): AsyncGenerator<ParsedMessage> {
  for await (const batch of parseWhatsAppBatches(lines, opts)) yield* batch;
}

/** Pass 2, the messages completed by each input item (a line or a batch of lines) as one array. */
export async function* parseWhatsAppBatches(lines: LineInput, opts: ParseOptions): AsyncGenerator<ParsedMessage[]> {
  const parser = new WhatsAppParser(opts);
  let out: ParsedMessage[] = [];
  for await (const item of lines as AsyncIterable<SourceLine | SourceLine[]>) {
    if (Array.isArray(item)) for (let i = 0; i < item.length; i++) parser.line(item[i]!, out);
    else parser.line(item, out);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  parser.end(out);
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
    return new HeadSplitter(platform, platform === 'ios' ? this.chatName : null);
  }

  line(line: SourceLine, out: ParsedMessage[]): void {
    const text = line.text;
    if (this.re === null && NON_EMPTY.test(text)) {
      const shape = detectShape(text);
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
      const i = headerStart(text, this.open);
      isHeader = i >= 0 && readHeader(text, i, this.re, this.shape!, hf);
    }
    const cur = this.cur;
    if (isHeader) {
      if (cur) out.push(this.build(cur));
      this.cur = {
        lineNo: line.lineNo,
        byteOffset: line.byteOffset,
        raw: text,
        eol: line.eol,
        localTime: text.slice(hf.tsStart, hf.tsEnd),
        stamp: readStamp(hf, this.shape!),
        head: text,
        restStart: hf.end,
        firstEol: line.eol,
        cont: null,
      };
    } else if (cur) {
      cur.raw += cur.eol + text;
      if (cur.cont === null) cur.cont = text;
      else cur.cont += cur.eol + text;
      cur.eol = line.eol;
    } else if (NON_EMPTY.test(text)) {
      this.opts.onWarning?.({ code: 'text-before-first-message', message: `line ${line.lineNo} comes before the first message header and is not part of any message`, line: line.lineNo, byteOffset: line.byteOffset });
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
        onWarning({ code: 'invalid-date', message: `impossible date/time "${p.localTime}" (read as ${dateOrder}); clamped to ${t.localIso}`, line: p.lineNo, byteOffset: p.byteOffset });
      } else if (t.inGap) {
        onWarning({ code: 'nonexistent-local-time', message: `"${p.localTime}" does not exist in ${zone} (DST gap)`, line: p.lineNo, byteOffset: p.byteOffset });
      }
      if (st.hour12bad) {
        onWarning({ code: 'invalid-12h-time', message: `hour out of range for a 12-hour clock: "${p.localTime}"`, line: p.lineNo, byteOffset: p.byteOffset });
      }
    }
    const head = this.splitter.split(p.head, p.restStart);
    let senderRaw: string | null = null;
    let sender: string | null = null;
    let senderPhone: string | null = null;
    let info;
    let author: string | null = null;
    if (head.sender === null) {
      info = systemBody(head.body, p.firstEol, p.cont, head.sys);
    } else {
      const s = head.sender;
      info = classifyBody(head.body, p.firstEol, p.cont, this.ctx);
      if (info.kind === 'text' && info.lrm) {
        // iOS 2021+: system events written as messages of the chat name or the actor (§6.3).
        const sys = mayBeSystem(head.body) ? matchSystem(systemKey(head.body)) : null;
        if ((sys && sys.event !== 'waiting') || s.name === this.pseudo) {
          info = systemBody(head.body, p.firstEol, p.cont, sys && sys.event !== 'waiting' ? sys : null);
          author = s.name;
        }
      }
      if (author === null) {
        senderRaw = s.raw;
        sender = s.name;
        senderPhone = s.phone;
      }
    }
    const msg: ParsedMessage = {
      seq: this.seq++,
      line: p.lineNo,
      rawText: p.raw,
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
    if (author !== null) extra = { ...extra, author };
    if (extra) msg.extra = extra;
    return msg;
  }
}
