/**
 * Signal text transcripts, best effort: sigtop `text` and `text-short`, and signalbackup-tools `--exporttxt`.
 * They are lossy (no ids, minute/second resolution, names instead of identities), so every result is marked
 * low-fidelity with a warning. Wall-clock times without a zone are read in the custodian's zone.
 */
import type { SourceLine } from '../types.js';
import { resolveWallClock } from '../time.js';
import { SignalFormatError, WarningSink, type SignalEvent } from './common.js';
import { chatFromDetail, desktopSystemType, splitSigtopName } from './sigtop-map.js';
import { TranscriptSink, keyForName, parseDuration, rawOf, type SignalTextOptions, type TextVariant } from './text-common.js';
import { parseSigtopText } from './text-sigtop.js';
import { toE164 } from '../phone.js';
import type { MessageKind, ParsedAttachment, SystemEvent } from '../types.js';

export type { SignalTextOptions, TextVariant } from './text-common.js';

const SHORT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) (.+?):(?: (.*))?$/;
const SBT = /^\[([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{2}):(\d{2}):(\d{2})\] (.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function detectTextVariant(firstLine: string): TextVariant | null {
  if (/^Conversation: /.test(firstLine)) return 'sigtop-text';
  if (SBT.test(firstLine)) return 'signalbackup-tools-txt';
  if (SHORT.test(firstLine)) return 'sigtop-text-short';
  return null;
}

async function* prepend(first: SourceLine[], it: AsyncIterator<SourceLine>): AsyncGenerator<SourceLine> {
  for (const l of first) yield l.lineNo === 1 ? { ...l, text: l.text.replace(/^\ufeff/, '') } : l;
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
}

export async function* parseSignalText(lines: AsyncIterable<SourceLine> | Iterable<SourceLine>, opts: SignalTextOptions): AsyncGenerator<SignalEvent> {
  const entry = opts.entry ?? opts.fileName ?? 'transcript.txt';
  const warnings = new WarningSink(opts.onWarning, entry);
  const it = (Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : toAsync(lines)) as AsyncIterator<SourceLine>;
  const head: SourceLine[] = [];
  let variant = opts.variant ?? null;
  while (!variant) {
    const r = await it.next();
    if (r.done) throw new SignalFormatError('empty transcript or no recognisable first line', { entry, line: head.length + 1, expected: 'a sigtop text / text-short or signalbackup-tools TXT transcript' });
    head.push(r.value);
    if (!r.value.text.trim()) continue;
    variant = detectTextVariant(r.value.text.replace(/^\ufeff/, ''));
    if (!variant) {
      throw new SignalFormatError(`unrecognised first line ${JSON.stringify(r.value.text.slice(0, 40))}`, {
        entry,
        line: r.value.lineNo,
        expected: "'Conversation: …' (sigtop text), 'YYYY-MM-DD HH:MM Name: …' (sigtop text-short) or '[Mon DD, YYYY HH:MM:SS] …' (signalbackup-tools)",
      });
    }
  }
  const source = prepend(head, it);
  yield { type: 'source', format: 'signal-txt', platform: 'signal', lowFidelity: true, details: { variant, fileName: opts.fileName ?? null } };
  warnings.warn('low-fidelity-transcript', `read from a ${variant} transcript: no message ids, names instead of identities, limited time resolution; structure is reconstructed best effort`);
  const named = opts.fileName ? splitSigtopName(opts.fileName) : null;
  const stem = opts.fileName ? opts.fileName.replace(/^.*[\\/]/, '').replace(/\.txt$/i, '') : null;
  const mkSink = (title: string, chat: { chatKey: string; isGroup: boolean | null }, selfVisible: boolean): TranscriptSink =>
    new TranscriptSink(opts, warnings, title, chat, selfVisible || opts.selfName !== undefined);
  if (variant === 'sigtop-text') {
    yield* parseSigtopText(source, (t, c) => mkSink(t, c, true), entry, stem);
    return;
  }
  // text-short and signalbackup-tools name the chat only in the file name.
  let title = named?.title ?? stem ?? 'Signal chat';
  let chat: { chatKey: string; isGroup: boolean | null } = { chatKey: `title:${title}`, isGroup: null };
  if (named && variant === 'sigtop-text-short') chat = chatFromDetail(named.detail, toE164(named.detail));
  if (named && variant === 'signalbackup-tools-txt') title = named.title; // detail is `_id<thread>`, local to one backup
  const sink = mkSink(title, chat, variant === 'sigtop-text-short');
  yield* variant === 'sigtop-text-short' ? parseShort(source, sink) : parseSbt(source, sink);
  yield* sink.finish();
}

async function* toAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}

interface Pending {
  lines: SourceLine[];
  ms: number;
  localTime: string;
  wall: ReturnType<typeof resolveWallClock>;
  sender: string;
  body: string[];
}

/** A line that starts no message continues the current one; text before the first message is an error. */
function continueMessage(cur: Pending | null, src: SourceLine, entry: string | undefined, expected: string): void {
  if (cur) {
    cur.lines.push(src);
    cur.body.push(src.text);
  } else if (src.text.trim()) {
    throw new SignalFormatError('text before the first message line', { entry, line: src.lineNo, expected });
  }
}

function wallOf(sink: TranscriptSink, y: number, mo: number, d: number, h: number, mi: number, s: number, line: number) {
  const w = resolveWallClock({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, sink.opts.zone);
  if (w.timeAmbiguous || w.timeInvalid) {
    sink.warnings.warn('transcript-time-dst', `a time falls in a daylight-saving change of ${sink.opts.zone} (${w.localIso}); it was read with the earlier offset and flagged`, line);
  }
  return w;
}

function senderOf(sink: TranscriptSink, name: string): { fromSelf: boolean | null; key: string; phone: string | null; display: string } {
  const self = sink.isSelf(name);
  if (self) return { fromSelf: true, key: sink.selfKey, phone: toE164(sink.opts.selfPhone), display: sink.selfName };
  const k = keyForName(name);
  sink.noteSender({ name, phone: null, key: k.key });
  return { fromSelf: self, key: k.key, phone: null, display: name };
}

async function* parseShort(lines: AsyncIterable<SourceLine>, sink: TranscriptSink): AsyncGenerator<SignalEvent> {
  let cur: Pending | null = null;
  const flush = (p: Pending): SignalEvent[] => {
    const who = senderOf(sink, p.sender);
    let body = p.body.join('\n');
    const extra: Record<string, unknown> = {};
    let kind: MessageKind = 'text';
    let event: SystemEvent | null = null;
    // Details sigtop puts before the body, in brackets.
    for (let m = /^\[([^\]]*)\] ?/.exec(body); m; m = /^\[([^\]]*)\] ?/.exec(body)) {
      const d = m[1]!;
      const type = /^([a-z0-9-]+) message$/.exec(d);
      if (type) {
        extra.desktopType = type[1];
        kind = type[1] === 'call-history' ? 'call' : 'system';
        event = kind === 'system' ? (type[1] === 'timer-notification' ? 'disappearing-timer' : 'other') : null;
      } else if (/^reply to /.test(d)) extra.quote = { description: d };
      else if (d === 'edited') extra.editedUnknownVersions = true;
      else if (/^\d+ attachments?$/.test(d)) extra.attachmentCount = Number(d.split(' ')[0]);
      else break;
      body = body.slice(m[0].length);
    }
    if (extra.desktopType === 'timer-notification') sink.warnings.warn('disappearing-messages-may-be-absent', `chat "${sink.title}" changed its disappearing-message timer; messages that had already disappeared are not in the transcript`, p.lines[0]!.lineNo, undefined, sink.chatKey);
    const attachments: ParsedAttachment[] = [];
    if (extra.attachmentCount) {
      sink.warnings.warn('transcript-attachments-unnamed', 'text-short lists only the number of attachments, not their names: they are kept as unnamed, left-out attachments', p.lines[0]!.lineNo);
      for (let i = 0; i < Number(extra.attachmentCount); i++) attachments.push({ name: 'attachment', mime: null, ref: null, omitted: true });
      if (kind === 'text') kind = 'media';
    }
    const system = kind === 'system';
    if (system) extra.actor = { name: who.display, key: who.key };
    return sink.message({
      line: p.lines[0]!.lineNo,
      rawText: rawOf(p.lines),
      ms: p.ms,
      localTime: p.localTime,
      wall: p.wall,
      sender: system ? null : who.display,
      senderRaw: system ? null : p.sender,
      senderPhone: system ? null : who.phone,
      senderKey: system ? null : who.key,
      fromSelf: who.fromSelf,
      kind,
      event,
      text: body || (extra.desktopType ? desktopSystemType(String(extra.desktopType)).text : ''),
      attachments,
      edited: extra.editedUnknownVersions === true,
      keyBase: `${who.key}:${p.ms}`,
      extra,
    });
  };
  for await (const src of lines) {
    const m = SHORT.exec(src.text);
    if (!m) {
      continueMessage(cur, src, sink.opts.entry ?? sink.opts.fileName, 'YYYY-MM-DD HH:MM Name: text');
      continue;
    }
    if (cur) yield* flush(cur);
    const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
    const wall = wallOf(sink, y, mo, d, h, mi, 0, src.lineNo);
    cur = { lines: [src], ms: wall.sentAtMs, localTime: src.text.slice(0, 16), wall, sender: m[6]!, body: [m[7] ?? ''] };
  }
  if (cur) yield* flush(cur);
}

/** signalbackup-tools status lines (`*** …`, decodestatusmessage.cc) → event. */
function sbtStatus(sink: TranscriptSink, text: string, extra: Record<string, unknown>): { kind: MessageKind; event: SystemEvent | null } {
  let m: RegExpExecArray | null;
  if (/^(Incoming|Outgoing|Missed)( video| voice| audio)? call/i.test(text) || /group call/i.test(text)) return { kind: 'call', event: null };
  if ((m = /^(.+) set the disappearing message timer to (.+?)\.?$/.exec(text))) {
    const seconds = parseDuration(m[2]!) ?? 0;
    extra.timerSeconds = seconds;
    sink.warnings.warn('disappearing-messages-may-be-absent', `chat "${sink.title}" used disappearing messages; messages that had already disappeared are not in the transcript`, undefined, undefined, sink.chatKey);
    return { kind: 'system', event: seconds ? 'disappearing-timer' : 'disappearing-off' };
  }
  if (/disabled disappearing messages|turned off disappearing messages/i.test(text)) return { kind: 'system', event: 'disappearing-off' };
  if ((m = /changed the group name to "(.*)"\.?$/.exec(text))) {
    sink.noteRename(m[1]!);
    return { kind: 'system', event: 'subject-changed' };
  }
  const group = (ev: SystemEvent): { kind: MessageKind; event: SystemEvent } => {
    sink.isGroup = true;
    return { kind: 'system', event: ev };
  };
  if (/created the group|Group created/i.test(text)) return group('group-created');
  if (/ added /.test(text) || /added you to the group/.test(text)) return group('member-added');
  if (/ joined the group/.test(text)) return group('member-joined');
  if (/ left the group/.test(text)) return group('member-left');
  if (/ removed /.test(text)) return group('member-removed');
  if (/Safety number (has )?changed|safety number/i.test(text)) return { kind: 'system', event: 'security-code-changed' };
  if (/changed (their|your) phone number/i.test(text)) return { kind: 'system', event: 'number-changed' };
  return { kind: 'system', event: 'other' };
}

async function* parseSbt(lines: AsyncIterable<SourceLine>, sink: TranscriptSink): AsyncGenerator<SignalEvent> {
  let cur: Pending | null = null;
  let files: { p: Pending; name: string | null; mime: string | null }[] = [];
  const flushFiles = (): SignalEvent[] =>
    files.splice(0).flatMap((f) => build(f.p, { kind: 'media', text: '', attachments: [{ name: f.name ?? 'attachment', mime: f.mime, ref: null }] }));
  const build = (p: Pending, body: { kind: MessageKind; text: string; event?: SystemEvent | null; attachments?: { name: string; mime: string | null; ref: null }[]; extra?: Record<string, unknown>; reactions?: { emoji: string; author: string | null; at: null }[] }): SignalEvent[] => {
    const system = body.kind === 'system';
    const who = p.sender ? senderOf(sink, p.sender) : null;
    const extra = { ...body.extra };
    if (system) extra.actor = { name: who?.display ?? null, key: who?.key ?? null };
    return sink.message({
      line: p.lines[0]!.lineNo,
      rawText: rawOf(p.lines),
      ms: p.ms,
      localTime: p.localTime,
      wall: p.wall,
      sender: system ? null : who?.display ?? null,
      senderRaw: system ? null : p.sender || null,
      senderPhone: system ? null : who?.phone ?? null,
      senderKey: system ? null : who?.key ?? null,
      fromSelf: who?.fromSelf ?? null,
      kind: body.kind,
      event: body.event ?? null,
      text: body.text,
      attachments: body.attachments ?? [],
      reactions: body.reactions ?? [],
      keyBase: `${who?.key ?? 'system'}:${p.ms}`,
      extra,
    });
  };
  const flush = (p: Pending): SignalEvent[] => {
    const first = p.body[0]!;
    const rest = p.body.slice(1);
    let m: RegExpExecArray | null;
    if ((m = /^\*\*\* <(.+?)> sent file (?:"(.*)"|of type (.*))$/.exec(first))) {
      files.push({ p: { ...p, sender: m[1]! }, name: m[2] ?? null, mime: m[3] ?? null });
      return [];
    }
    const out: SignalEvent[] = [];
    if ((m = /^\*\*\* (.*)$/.exec(first))) {
      out.push(...flushFiles());
      const text = [m[1]!, ...rest].join('\n');
      const actor = /^<?([^<>]+?)>? (set|changed|added|left|removed|created|joined|disabled|turned)/.exec(text)?.[1] ?? '';
      const extra: Record<string, unknown> = {};
      const st = sbtStatus(sink, text, extra);
      out.push(...build({ ...p, sender: actor }, { ...st, text: text.replace(/<([^<>]+)>/g, '$1'), extra }));
      return out;
    }
    m = /^<(.+?)> ?(.*)$/.exec(first);
    if (!m) {
      sink.warnings.warn('transcript-unparsed-line', 'a line that is neither a message nor a status line was kept as a system text', p.lines[0]!.lineNo);
      return [...flushFiles(), ...build({ ...p, sender: '' }, { kind: 'system', event: 'other', text: p.body.join('\n') })];
    }
    const sender = m[1]!;
    let text = [m[2]!, ...rest].join('\n');
    const reactions: { emoji: string; author: string | null; at: null }[] = [];
    const rm = /\s\(((?:[^:();]+: [^\s;()]+)(?:; [^:();]+: [^\s;()]+)*)\)$/u.exec(text);
    if (rm && rm[1]!.split('; ').every((x) => !/\p{L}/u.test(x.split(': ')[1] ?? 'x'))) {
      for (const r of rm[1]!.split('; ')) {
        const [author, emoji] = r.split(': ') as [string, string];
        reactions.push({ emoji, author: sink.isSelf(author) ? sink.selfName : author, at: null });
      }
      text = text.slice(0, rm.index);
    }
    const attachments = files.filter((f) => f.p.sender === sender && f.p.ms === p.ms).map((f) => ({ name: f.name ?? 'attachment', mime: f.mime, ref: null }));
    files = files.filter((f) => !(f.p.sender === sender && f.p.ms === p.ms));
    out.push(...flushFiles());
    const poll = /^Poll: (.*)$/s.exec(text);
    out.push(...build({ ...p, sender }, { kind: poll ? 'poll' : attachments.length ? 'media' : 'text', text: poll ? poll[1]! : text, attachments, reactions }));
    return out;
  };
  for await (const src of lines) {
    const m = SBT.exec(src.text);
    if (!m) {
      continueMessage(cur, src, sink.opts.entry ?? sink.opts.fileName, '[Mon DD, YYYY HH:MM:SS] …');
      continue;
    }
    if (cur) yield* flush(cur);
    const month = MONTHS.indexOf(m[1]!) + 1;
    if (!month) throw new SignalFormatError(`unknown month ${m[1]}`, { entry: sink.opts.entry ?? sink.opts.fileName, line: src.lineNo, expected: 'an English month abbreviation (Jan … Dec)' });
    const [d, y, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
    const wall = wallOf(sink, y, month, d, h, mi, s, src.lineNo);
    cur = { lines: [src], ms: wall.sentAtMs, localTime: src.text.slice(1, src.text.indexOf(']')), wall, sender: '', body: [m[7]!] };
  }
  if (cur) yield* flush(cur);
  yield* flushFiles();
}
