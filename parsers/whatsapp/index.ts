/**
 * Streaming parser for WhatsApp "Export chat" text files (Android and iOS, Dutch and English UI).
 * Pass 1 `scanWhatsApp` detects the header shape, infers the date order and collects authors and subjects;
 * pass 2 `parseWhatsApp` yields one ParsedMessage per header, in file order. Neither pass keeps messages in
 * memory. Format reference: /work/shared/formats/whatsapp.md.
 */
import { Info } from 'luxon';
import type { DateOrder, ParsedMessage, ParseWarning, SourceLine } from '../types.js';
import { HeadSplitter } from './author.js';
import { classifyBody, isDeletedBySelf, systemBody, type BodyContext } from './body.js';
import { WallClockResolver } from './clock.js';
import {
  compileHeader, DateOrderEvidence, detectShape, fullYear, newHeaderFields, readHeader, shapeLabel, skipMarks, to24h,
  type HeaderShape,
} from './header.js';
import { dayMonth, Range, readStamp, type Stamp } from './stamp.js';
import { GROUP_EVENTS, isGroupEncryptionNotice, matchSystem, mayBeSystem, systemKey, type SystemMatch } from './system.js';

export { chatTitleFromFileName, isWhatsAppChatFileName } from './filename.js';
export { generateWhatsAppExport } from './generate.js';
export type { HeaderShape } from './header.js';

export const WHATSAPP_PARSER_VERSION = 'whatsapp-1.0.0';

export class WhatsAppFormatError extends Error {
  line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'WhatsAppFormatError';
    if (line !== undefined) this.line = line;
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
}

const NON_EMPTY = /\S/;
const ATTACHED = /<(?:attached|bijgevoegd): | \((?:file attached|bestand bijgevoegd)\)$/;
const DETECT_LIMIT = 50;

/** Cheap first-character test: a header starts with `[` or a digit after its leading marks. */
function headerStart(text: string, open: number): number {
  const c = text.charCodeAt(0);
  const i = c >= 0x200e ? skipMarks(text) : 0;
  const d = text.charCodeAt(i);
  return d === open || (open === 0 && d >= 0x30 && d <= 0x39) ? i : -1;
}

/**
 * Pass 1: detects the header shape and date order, counts messages and collects authors and subjects.
 * Throws WhatsAppFormatError when no header appears in the first 50 non-empty lines.
 */
export async function scanWhatsApp(
  lines: AsyncIterable<SourceLine>,
  opts: { dateOrder?: 'dmy' | 'mdy'; fileName?: string } = {},
): Promise<WhatsAppScan> {
  let shape: HeaderShape | null = null;
  let re: RegExp | null = null;
  let open = 0;
  let nonEmpty = 0;
  let count = 0;
  const evidence = new DateOrderEvidence();
  const dmy = new Range();
  const mdy = new Range();
  let splitter: HeadSplitter | null = null;
  const hf = newHeaderFields();
  const humans = new Set<string>();
  const subjects: string[] = [];
  let e2eAuthor: string | null = null;
  let groupEvidence = false;
  let withMedia = false;
  let selfNameHint: string | null = null;
  const what = opts.fileName ? ` in ${opts.fileName}` : '';

  const onSystem = (sys: SystemMatch | null, key: () => string): void => {
    if (!sys) return;
    if (GROUP_EVENTS.has(sys.event)) groupEvidence = true;
    if (sys.event === 'encryption-notice' && isGroupEncryptionNotice(key())) groupEvidence = true;
    const push = (s: string): void => {
      if (subjects[subjects.length - 1] !== s) subjects.push(s);
    };
    if (sys.event === 'subject-changed' && sys.oldSubject !== undefined && subjects.length === 0) push(sys.oldSubject);
    if ((sys.event === 'group-created' || sys.event === 'subject-changed') && sys.subject !== undefined) push(sys.subject);
  };

  for await (const line of lines) {
    const text = line.text;
    if (re === null) {
      if (!NON_EMPTY.test(text)) continue;
      nonEmpty++;
      shape = detectShape(text);
      if (!shape) {
        if (nonEmpty >= DETECT_LIMIT) {
          throw new WhatsAppFormatError(`not a WhatsApp export${what}: no message header in the first ${DETECT_LIMIT} non-empty lines`, line.lineNo);
        }
        continue;
      }
      re = compileHeader(shape);
      open = shape.bracket ? 0x5b : 0;
      splitter = new HeadSplitter(shape.platform, null);
    }
    const i = headerStart(text, open);
    if (i < 0) continue;
    const sh = shape!;
    if (!readHeader(text, i, re, sh, hf)) continue;
    count++;
    const year = sh.yearFirst ? hf.a : fullYear(hf.c, hf.cDigits);
    const hour = hf.ampm === '' ? hf.hour : to24h(hf.hour, hf.ampm);
    if (sh.yearFirst) {
      dmy.add(year, hf.b, hf.c, hour, hf.minute, hf.second);
    } else {
      evidence.add(hf.a, hf.b, year, line.lineNo);
      dmy.add(year, hf.b, hf.a, hour, hf.minute, hf.second);
      mdy.add(year, hf.a, hf.b, hour, hf.minute, hf.second);
    }

    const head = splitter!.split(text, hf.end);
    if (head.sender === null) {
      onSystem(head.sys, () => systemKey(head.body));
      continue;
    }
    const name = head.sender.name;
    const body = head.body;
    let human = true;
    if (sh.platform === 'ios' && body.charCodeAt(0) === 0x200e) {
      // Only iOS writes system events as authored messages; Android LRM bodies are attachments.
      const key = mayBeSystem(body) ? systemKey(body) : '';
      const sys = key ? matchSystem(key) : null;
      if (sys && sys.event !== 'waiting') {
        onSystem(sys, () => key);
        if (sys.event === 'encryption-notice' && e2eAuthor === null) {
          e2eAuthor = name;
          splitter!.setChatName(head.sender.raw);
        }
        human = sys.actor !== undefined && sys.actor === name;
      } else if (name === e2eAuthor && !humans.has(name)) {
        // Unknown WhatsApp text from the chat-name author: human only if it is ordinary content.
        human = classifyBody(body, '', null, { platform: sh.platform, withMedia }).kind !== 'text';
      }
      if (!selfNameHint && isDeletedBySelf(body)) selfNameHint = name;
    } else if (!selfNameHint && isDeletedBySelf(body)) {
      selfNameHint = name;
    }
    if (human) humans.add(name);
    if (!withMedia) {
      const last = body.charCodeAt(body.length - 1);
      if ((last === 0x3e || last === 0x29) && ATTACHED.test(body)) withMedia = true;
    }
  }

  if (!shape || count === 0) {
    throw new WhatsAppFormatError(`not a WhatsApp export${what}: no message header found`);
  }
  const decision = evidence.decide(shape, opts.dateOrder);
  const range = decision.order === 'mdy' ? mdy : dmy; // year-first shapes fill `dmy` with month/day in place
  const authors = [...humans];
  const isGroup =
    groupEvidence || authors.length > 2 || (e2eAuthor !== null && authors.length >= 2 && !humans.has(e2eAuthor));
  return {
    platform: shape.platform,
    headerShape: shapeLabel(shape, decision.order),
    dateOrder: decision.order,
    dateOrderEvidence: decision.evidence,
    dateOrderForced: decision.forced,
    messageCount: count,
    authors,
    chatNameHint: e2eAuthor ?? subjects[subjects.length - 1] ?? null,
    subjects,
    isGroup,
    firstLocalIso: range.first,
    lastLocalIso: range.last,
    shape,
    withMedia,
    selfNameHint,
  };
}

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

/**
 * Pass 2: yields one ParsedMessage per header line, in file order (never re-sorted). Continuation lines
 * belong to the message above them. Messages with impossible times are kept (clamped, `timeInvalid`).
 */
export async function* parseWhatsApp(lines: AsyncIterable<SourceLine>, opts: ParseOptions): AsyncGenerator<ParsedMessage> {
  const { scan, zone, onWarning } = opts;
  if (!Info.isValidIANAZone(zone)) throw new RangeError(`unknown time zone: ${zone}`);
  let shape: HeaderShape | null = scan.shape ?? null;
  let re: RegExp | null = shape ? compileHeader(shape) : null;
  let open = shape?.bracket ? 0x5b : 0;
  const clock = new WallClockResolver(zone);
  const humans = new Set(scan.authors);
  const chatName = scan.chatNameHint;
  // Only iOS writes the chat name as an author; Android subjects must not steer the author split.
  const newSplitter = (platform: 'ios' | 'android'): HeadSplitter => new HeadSplitter(platform, platform === 'ios' ? chatName : null);
  let splitter = newSplitter(shape?.platform ?? scan.platform);
  const hf = newHeaderFields();
  const pseudo = scan.isGroup && chatName !== null && !humans.has(chatName) ? chatName : null;
  let ctx: BodyContext = { platform: shape?.platform ?? scan.platform, withMedia: scan.withMedia ?? false };
  let seq = 0;
  let cur: Pending | null = null;

  const build = (p: Pending): ParsedMessage => {
    const sh = shape!;
    const st = p.stamp;
    const [day, month] = dayMonth(st, opts.dateOrder, sh.yearFirst);
    const t = clock.resolve(st.year, month, day, st.hour, st.minute, st.second);
    if (onWarning) {
      if (t.clamped) {
        onWarning({ code: 'invalid-date', message: `impossible date/time "${p.localTime}" (read as ${opts.dateOrder}); clamped to ${t.localIso}`, line: p.lineNo, byteOffset: p.byteOffset });
      } else if (t.inGap) {
        onWarning({ code: 'nonexistent-local-time', message: `"${p.localTime}" does not exist in ${zone} (DST gap)`, line: p.lineNo, byteOffset: p.byteOffset });
      }
      if (st.hour12bad) {
        onWarning({ code: 'invalid-12h-time', message: `hour out of range for a 12-hour clock: "${p.localTime}"`, line: p.lineNo, byteOffset: p.byteOffset });
      }
    }
    const head = splitter.split(p.head, p.restStart);
    let senderRaw: string | null = null;
    let sender: string | null = null;
    let senderPhone: string | null = null;
    let info;
    let author: string | null = null;
    if (head.sender === null) {
      info = systemBody(head.body, p.firstEol, p.cont, head.sys);
    } else {
      const s = head.sender;
      info = classifyBody(head.body, p.firstEol, p.cont, ctx);
      if (info.kind === 'text' && info.lrm) {
        // iOS 2021+: system events written as messages of the chat name or the actor (§6.3).
        const sys = mayBeSystem(head.body) ? matchSystem(systemKey(head.body)) : null;
        if ((sys && sys.event !== 'waiting') || s.name === pseudo) {
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
      seq: seq++,
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
  };

  for await (const line of lines) {
    const text = line.text;
    if (re === null) {
      if (NON_EMPTY.test(text)) {
        shape = detectShape(text);
        if (shape) {
          re = compileHeader(shape);
          open = shape.bracket ? 0x5b : 0;
          ctx = { platform: shape.platform, withMedia: ctx.withMedia };
          splitter = newSplitter(shape.platform);
        }
      }
    }
    let isHeader = false;
    if (re !== null) {
      const i = headerStart(text, open);
      isHeader = i >= 0 && readHeader(text, i, re, shape!, hf);
    }
    if (isHeader) {
      if (cur) yield build(cur);
      cur = {
        lineNo: line.lineNo,
        byteOffset: line.byteOffset,
        raw: text,
        eol: line.eol,
        localTime: text.slice(hf.tsStart, hf.tsEnd),
        stamp: readStamp(hf, shape!),
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
      onWarning?.({ code: 'text-before-first-message', message: `line ${line.lineNo} comes before the first message header and is not part of any message`, line: line.lineNo, byteOffset: line.byteOffset });
    }
  }
  if (cur) yield build(cur);
}
