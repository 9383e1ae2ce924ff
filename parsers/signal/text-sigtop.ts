/**
 * sigtop's default text format (`sigtop export-messages`, fmt_text.go): `Conversation: <Name (detail)>`, then per
 * message a block of `Field: value` header lines, an optional quote (`> ` lines), the body, and a blank line;
 * edited messages list every version (`| ` lines, newest first). Times carry their UTC offset, so instants are
 * exact; the structure around bodies is guessed (a body line that looks like a header can split a message).
 */
import { DateTime } from 'luxon';
import type { ParsedAttachment, Reaction, Revision, SourceLine } from '../types.js';
import { SignalFormatError, extensionForMime, isoAt, type SignalEvent } from './common.js';
import { chatFromDetail, desktopSystemType } from './sigtop-map.js';
import { TranscriptSink, keyForName, rawOf, splitNameDetail } from './text-common.js';
import { toE164 } from '../phone.js';

const HEADER = /^(From|Type|Sent|Received|Attachment|Reaction|Edited): (.*)$/;

export function parseSigtopTime(text: string): { ms: number; offset: number } | null {
  const dt = DateTime.fromFormat(text.trim(), 'ccc, d LLL yyyy HH:mm:ss ZZZ', { locale: 'en', setZone: true });
  return dt.isValid ? { ms: dt.toMillis(), offset: dt.offset } : null;
}

interface Fields {
  from?: string;
  type?: string;
  sent?: string;
  received?: string;
  attachments: string[];
  reactions: string[];
  edited?: string;
}

export async function* parseSigtopText(
  lines: AsyncIterable<SourceLine>,
  mkSink: (title: string, chat: { chatKey: string; isGroup: boolean | null }) => TranscriptSink,
  entry: string,
  fileStem: string | null,
): AsyncGenerator<SignalEvent> {
  let sink: TranscriptSink | null = null;
  let block: SourceLine[] = [];
  let lastMs = 0;
  const finalize = (b: SourceLine[]): SignalEvent[] => {
    while (b.length && !b[b.length - 1]!.text.trim()) b.pop();
    if (!b.length || !sink) return [];
    return record(sink, b);
  };
  const record = (s: TranscriptSink, b: SourceLine[]): SignalEvent[] => {
    const f: Fields = { attachments: [], reactions: [] };
    let i = 0;
    for (; i < b.length; i++) {
      const m = HEADER.exec(b[i]!.text);
      if (!m) break;
      const [, key, value] = m as unknown as [string, string, string];
      if (key === 'Attachment') f.attachments.push(value);
      else if (key === 'Reaction') f.reactions.push(value);
      else f[key.toLowerCase() as 'from' | 'type' | 'sent' | 'received' | 'edited'] = value;
    }
    const line = b[0]!.lineNo;
    const rest = b.slice(i).map((l) => l.text);
    const time = parseSigtopTime(f.sent ?? '') ?? parseSigtopTime(f.received ?? '');
    const extra: Record<string, unknown> = {};
    let ms = time?.ms ?? lastMs;
    if (!time) {
      s.warnings.warn('transcript-time-missing', 'a message without a readable Sent/Received time took the time of the message before it', line);
      extra.timeUnknown = true;
      if (!ms) throw new SignalFormatError('first message has no readable time', { entry, line, expected: 'Sent: <Mon, 2 Jan 2006 15:04:05 -0700>' });
    } else if (time.offset !== DateTime.fromMillis(time.ms, { zone: s.opts.zone }).offset) {
      s.warnings.warn('transcript-zone-differs', `times were written with UTC offset ${time.offset / 60}h, which differs from ${s.opts.zone}; instants are exact, local times are shown in ${s.opts.zone}`, line);
    }
    lastMs = ms;
    const type = f.type ?? 'unknown';
    const from = f.from === undefined ? null : f.from === 'You' ? null : splitNameDetail(f.from);
    const fromSelf = f.from === 'You' || type === 'outgoing' ? true : type === 'incoming' ? false : null;
    const who = fromSelf ? { key: s.selfKey, phone: toE164(s.opts.selfPhone) } : from ? keyForName(from.name, from.detail) : { key: 'unknown', phone: null };
    const senderName = fromSelf ? s.selfName : from?.name ?? null;
    if (from && !fromSelf) s.noteSender({ name: from.name, phone: who.phone, key: who.key });
    const localTime = f.sent ?? f.received ?? '';
    const reactions: Reaction[] = f.reactions.map((r) => {
      const m = /^(.+?) from (.+)$/.exec(r);
      return { emoji: m?.[1] ?? r, author: m ? (m[2] === 'You' ? s.selfName : splitNameDetail(m[2]!).name) : null, at: null };
    });
    const attachments = f.attachments.map((a, n) => attachmentOf(a, ms, n, s.opts.zone, fileStem));
    if (type !== 'incoming' && type !== 'outgoing') {
      const t = desktopSystemType(type);
      if (type === 'timer-notification') {
        s.warnings.warn('disappearing-messages-may-be-absent', `chat "${s.title}" changed its disappearing-message timer; messages that had already disappeared when sigtop ran are not in the transcript`, line, undefined, s.chatKey);
      }
      const system = t.kind === 'system';
      extra.desktopType = type;
      if (system) extra.actor = { name: senderName, key: from || fromSelf ? who.key : null };
      return s.message({
        line,
        rawText: rawOf(b),
        ms,
        localTime,
        sender: system ? null : senderName,
        senderPhone: system ? null : who.phone,
        senderKey: system ? null : who.key,
        fromSelf,
        kind: t.kind,
        event: t.event,
        text: t.text,
        keyBase: `${who.key}:${ms}`,
        extra,
      });
    }
    let text = '';
    let revisions: Revision[] = [];
    let replyToKey: string | null = null;
    if (f.edited !== undefined) {
      const versions = parseVersions(rest);
      versions.sort((a, b2) => a.n - b2.n);
      const newest = versions[versions.length - 1];
      text = newest?.body ?? '';
      revisions = versions.slice(0, -1).map((v) => ({ text: v.body, at: v.sent ? isoAt(parseSigtopTime(v.sent)?.ms, s.opts.zone) : null }));
      if (newest?.sent) extra.editedAt = isoAt(parseSigtopTime(newest.sent)?.ms, s.opts.zone);
    } else {
      let k = 0;
      if (rest[k] === '') k++;
      if (rest[k]?.startsWith('>')) {
        const q: string[] = [];
        while (k < rest.length && rest[k]!.startsWith('>')) q.push(rest[k++]!.replace(/^> ?/, ''));
        const quote = parseQuote(q);
        extra.quote = { author: quote.author, text: quote.text };
        const qms = parseSigtopTime(quote.sent ?? '')?.ms;
        if (qms && quote.key) replyToKey = `${quote.key === 'You' ? s.selfKey : quote.key}:${qms}`;
        if (rest[k] === '') k++;
      }
      text = rest.slice(k).join('\n');
    }
    if (!text && !attachments.length) {
      extra.emptyBody = true;
      s.warnings.warn('transcript-empty-message', 'messages without text or attachments were kept empty (sigtop text shows a message deleted for everyone this way, but also messages whose body Signal Desktop did not export)', line);
    }
    return s.message({
      line,
      rawText: rawOf(b),
      ms,
      localTime,
      sender: senderName ?? 'Unknown',
      senderPhone: who.phone,
      senderKey: who.key,
      fromSelf,
      kind: attachments.length ? 'media' : 'text',
      text,
      edited: f.edited !== undefined,
      attachments,
      replyToKey,
      reactions,
      revisions,
      keyBase: `${who.key}:${ms}`,
      extra,
    });
  };

  for await (const src of lines) {
    const text = src.text;
    if (!sink) {
      if (!text.trim()) continue;
      const m = /^Conversation: (.*)$/.exec(text);
      if (!m) throw new SignalFormatError(`starts with ${JSON.stringify(text.slice(0, 30))}`, { entry, line: src.lineNo, expected: "'Conversation: <Name (detail)>' (sigtop text)" });
      const { name, detail } = splitNameDetail(m[1]!);
      const chat = detail ? chatFromDetail(detail, toE164(detail)) : { chatKey: `title:${name}`, isGroup: null };
      sink = mkSink(name, chat);
      continue;
    }
    const typeLine = /^Type: [a-z0-9-]+$/.test(text);
    const prev = block[block.length - 1];
    if (typeLine && prev && /^From: /.test(prev.text) && !(block[block.length - 2]?.text.trim() ?? '')) {
      const fromLine = block.pop()!;
      yield* finalize(block);
      block = [fromLine, src];
    } else if (typeLine && (!prev || !prev.text.trim())) {
      yield* finalize(block);
      block = [src];
    } else {
      block.push(src);
    }
  }
  if (!sink) throw new SignalFormatError('empty transcript', { entry, line: 1, expected: "'Conversation: <Name (detail)>'" });
  yield* finalize(block);
  yield* sink.finish();
}

function parseQuote(q: string[]): { author: string | null; key: string | null; sent?: string; text: string } {
  let author: string | null = null;
  let key: string | null = null;
  let sent: string | undefined;
  let k = 0;
  for (; k < q.length; k++) {
    const m = /^(From|Sent|Attachment): (.*)$/.exec(q[k]!);
    if (!m) break;
    if (m[1] === 'From') {
      if (m[2] === 'You') {
        author = 'You';
        key = 'You';
      } else {
        const nd = splitNameDetail(m[2]!);
        author = nd.name;
        key = keyForName(nd.name, nd.detail).key;
      }
    } else if (m[1] === 'Sent') sent = m[2];
  }
  if (q[k] === '') k++;
  const out: { author: string | null; key: string | null; sent?: string; text: string } = { author, key, text: q.slice(k).join('\n') };
  if (sent !== undefined) out.sent = sent;
  return out;
}

/** `| Version: 2`, `| Sent: …`, `|`, `| body…` groups of an edited message. */
function parseVersions(rest: string[]): { n: number; sent?: string; body: string }[] {
  const out: { n: number; sent?: string; body: string[] }[] = [];
  let inBody = false;
  for (const l of rest) {
    const v = /^\| Version: (\d+)$/.exec(l);
    if (v) {
      out.push({ n: Number(v[1]), body: [] });
      inBody = false;
      continue;
    }
    const cur = out[out.length - 1];
    if (!cur) continue;
    if (!inBody) {
      const sent = /^\| Sent: (.*)$/.exec(l);
      if (sent) cur.sent = sent[1]!;
      else if (l === '|') inBody = true;
    } else if (l.startsWith('| ')) {
      cur.body.push(l.slice(2));
    } else if (l === '|') {
      cur.body.push('\u0000'); // separator between versions, or an empty line: trimmed below
    }
  }
  return out.map((v) => {
    while (v.body.length && v.body[v.body.length - 1] === '\u0000') v.body.pop();
    const r: { n: number; sent?: string; body: string } = { n: v.n, body: v.body.map((x) => (x === '\u0000' ? '' : x)).join('\n') };
    if (v.sent !== undefined) r.sent = v.sent;
    return r;
  });
}

function attachmentOf(text: string, ms: number, index: number, zone: string, fileStem: string | null): ParsedAttachment {
  const m = /^(.*) \(([^,()]*)(?:, (\d+) bytes)?\)$/.exec(text);
  const mime = m?.[2] || null;
  const fileName = m && m[1] !== 'no filename' ? m[1]! : null;
  const name = fileName ?? `attachment-${DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd-HH-mm-ss')}${index ? `-${index + 1}` : ''}.${extensionForMime(mime)}`;
  return { name, mime, ref: fileStem ? `${fileStem}/${name}` : null };
}
