/**
 * sigtop JSON (`sigtop export-messages -f json`): one file per conversation, `<Name> (<detail>).json`, holding
 * `[`, then one raw Signal Desktop message object per line separated by `,`, then `]`. Streamed line by line.
 * The file name gives the chat (title + phone / group id); the objects carry no display names, so senders are
 * named from the file name (1:1), from `opts.names`, or by phone / ACI.
 */
import { DateTime } from 'luxon';
import { splitLines } from '../lines.js';
import { toE164 } from '../phone.js';
import type { ParsedChat, Participant, SourceLine } from '../types.js';
import {
  DEFAULT_SELF_NAME,
  SELF_KEY,
  SignalFormatError,
  VOICE_MEDIA_TYPE,
  WarningSink,
  applyMentions,
  buildMessage,
  describeDuration,
  extensionForMime,
  isVoiceFlag,
  isoAt,
  parseLocationText,
  timerEvent,
  type SignalEvent,
  type SignalParseOptions,
} from './common.js';
import { describeZodError } from './export-schema.js';
import { chatFromDetail, describeDesktopGroupChange, desktopSystemType, splitSigtopName } from './sigtop-map.js';
import { DesktopMessage, type DesktopAttachmentT, type DesktopMessageT } from './sigtop-schema.js';
import { declaredFile, type SignalAttachment } from './declared.js';

export interface SigtopJsonOptions extends SignalParseOptions {
  /** The file name sigtop wrote (`<Name> (<detail>).json`); gives the chat title and key. */
  fileName?: string;
  /** Display names for ACIs, E.164 numbers or Desktop conversation ids (e.g. learned from other files). */
  names?: Record<string, string>;
  /** The custodian's ACI; otherwise learned from outgoing messages. Own messages are keyed `self` either way. */
  selfAci?: string;
}

type Input = AsyncIterable<SourceLine> | Iterable<SourceLine> | string | Buffer;

export async function* parseSigtopJson(input: Input, opts: SigtopJsonOptions): AsyncGenerator<SignalEvent> {
  const entry = opts.entry ?? opts.fileName ?? 'sigtop.json';
  const warnings = new WarningSink(opts.onWarning, entry);
  const lines: AsyncIterable<SourceLine> | Iterable<SourceLine> =
    typeof input === 'string' || Buffer.isBuffer(input) ? splitLines([Buffer.from(input)]) : input;
  const named = opts.fileName ? splitSigtopName(opts.fileName) : null;
  const e164 = named ? toE164(named.detail) : null;
  const fromName = named ? chatFromDetail(named.detail, e164) : null;
  const selfName = opts.selfName ?? DEFAULT_SELF_NAME;
  const selfPhone = toE164(opts.selfPhone);
  let selfAci = opts.selfAci?.toLowerCase() ?? null;
  const selfConvIds = new Set<string>();
  const people = new Map<string, { phone: string | null }>(); // ACI → phone, learned from incoming messages
  const renames: string[] = [];
  let chatKey = fromName?.chatKey ?? null;
  let isGroup = fromName?.isGroup ?? false;
  let emitted: string | null = null;
  let timerSeconds = 0;
  let seq = 0;
  let state: 'start' | 'items' | 'end' = 'start';
  let lastLine = 0;
  /** Messages timed by when Desktop received them (no sent_at, no timestamp): how many, and the first one. */
  const receivedOnly = { count: 0, line: 0, id: null as string | null };
  const title = (): string => named?.title ?? 'Signal chat';
  const nameOf = (aci: string | undefined, phone?: string | null): string => {
    if (aci && selfAci && aci.toLowerCase() === selfAci) return selfName;
    const byName = (aci && opts.names?.[aci]) || (phone && opts.names?.[phone]);
    if (byName) return byName;
    if (!isGroup && named) return named.title;
    return phone ?? people.get(aci ?? '')?.phone ?? aci ?? 'Unknown';
  };
  const describe = (): ParsedChat & { chatKey: string } => {
    const self: Participant = { name: selfName, phone: selfPhone, key: opts.selfAci?.toLowerCase() ?? SELF_KEY };
    const others: Participant[] = isGroup
      ? [...people.entries()].filter(([aci]) => aci !== selfAci).map(([aci, p]) => ({ name: opts.names?.[aci] ?? null, phone: p.phone, key: aci }))
      : [{ name: named?.title ?? null, phone: e164, key: [...people.keys()].find((a) => a !== selfAci) ?? e164 ?? named?.detail ?? null }];
    const titleHistory = renames.filter((t, i, all) => t !== title() && all.indexOf(t) === i);
    return { platform: 'signal', chatKey: chatKey!, title: title(), titleHistory, isGroup, participants: [...others, self] };
  };

  const handle = (m: DesktopMessageT, line: number, rawText: string): SignalEvent[] => {
    const out: SignalEvent[] = [];
    const ms = m.sent_at || m.timestamp || m.received_at_ms;
    if (!ms) throw new SignalFormatError('message without sent_at / timestamp', { entry, line, expected: 'sent_at (ms since epoch)' });
    if (!m.sent_at && !m.timestamp && receivedOnly.count++ === 0) Object.assign(receivedOnly, { line, id: m.id ?? null });
    const type = m.type ?? 'unknown';
    const aci = (m.sourceServiceId ?? m.sourceUuid)?.toLowerCase();
    if (type === 'outgoing' && aci && !selfAci) selfAci = aci;
    if (type === 'outgoing' && !isGroup) for (const id of Object.keys(m.sendStateByConversationId ?? {})) if (id !== m.conversationId) selfConvIds.add(id);
    if (type === 'incoming' && aci && aci !== selfAci) people.set(aci, { phone: toE164(m.source) ?? people.get(aci)?.phone ?? null });
    if (type === 'group-v2-change') {
      isGroup = true;
      for (const d of m.groupV2Change?.details ?? []) if (typeof d.aci === 'string' && d.aci !== selfAci && !people.has(d.aci)) people.set(d.aci, { phone: null });
    }
    if (!chatKey) chatKey = `conversation:${m.conversationId}`;
    if (emitted === null) {
      const chat = describe();
      emitted = JSON.stringify(chat);
      out.push({ type: 'chat', chat, lowFidelity: false });
    }
    const fromSelf = type === 'outgoing' ? true : type === 'incoming' ? false : aci ? aci === selfAci : null;
    const selfKey = opts.selfAci?.toLowerCase() ?? SELF_KEY;
    const senderKey = fromSelf ? selfKey : aci ?? toE164(m.source) ?? null;
    const extra: Record<string, unknown> = {};
    if (m.received_at_ms && type === 'incoming') extra.receivedAt = isoAt(m.received_at_ms, opts.zone);
    if (m.expireTimer) {
      extra.expiresInSeconds = m.expireTimer;
      dmWarning(m.expireTimer, line);
    }
    const common = { seq: seq++, line, rawText, ms, zone: opts.zone, stableKey: `${senderKey ?? 'unknown'}:${ms}` };
    if (type !== 'incoming' && type !== 'outgoing') {
      const base = desktopSystemType(type);
      let { kind, event, text } = base;
      if (type === 'timer-notification') {
        const seconds = m.expirationTimerUpdate?.expireTimer ?? 0;
        event = timerEvent(seconds, timerSeconds);
        timerSeconds = seconds;
        extra.timerSeconds = seconds;
        const who = nameOf((m.expirationTimerUpdate?.sourceServiceId ?? m.expirationTimerUpdate?.sourceUuid ?? aci)?.toLowerCase());
        text = seconds ? `${who} set the disappearing message timer to ${describeDuration(seconds)}.` : `${who} turned off disappearing messages.`;
        if (seconds) dmWarning(seconds, line);
      } else if (type === 'group-v2-change' && m.groupV2Change?.details?.length) {
        const g = describeDesktopGroupChange(m.groupV2Change.details, m.groupV2Change.from?.toLowerCase(), (a) => nameOf(a?.toLowerCase()));
        event = g.event;
        text = g.text;
        if (g.newTitle !== undefined) renames.push(g.newTitle);
        extra.groupUpdates = m.groupV2Change.details;
      } else if (type === 'call-history') {
        extra.call = { id: m.callId ?? null };
        warnings.warn('call-details-missing', 'call details (direction, duration, state) are not in sigtop JSON; only the call event is kept', line);
      } else if (type === 'delivery-issue') {
        warnings.warn('message-not-received', 'Signal Desktop could not decrypt a message; its content is not in the export', line);
      } else if (type === 'profile-change' && m.profileChange) {
        text = `${m.profileChange.oldName ?? ''} changed their profile name to ${m.profileChange.newName ?? ''}.`;
      }
      const system = kind === 'system';
      if (system) extra.actor = { name: aci ? nameOf(aci) : null, key: aci ?? null };
      extra.desktopType = type;
      return [
        ...out,
        message({
          ...common,
          sender: system ? null : aci ? nameOf(aci, toE164(m.source)) : null,
          senderPhone: system ? null : toE164(m.source),
          senderKey: system ? null : senderKey,
          fromSelf,
          kind,
          event,
          text,
          extra,
        }),
      ];
    }
    const phone = fromSelf ? selfPhone : toE164(m.source);
    const sender = fromSelf ? selfName : nameOf(aci, phone);
    let text = bodyText(m, extra);
    const attachments = (m.attachments ?? []).map((a, i) => attachment(a, ms, i));
    // Recorded as WhatsApp records a voice note.
    if (m.attachments?.some((a) => isVoiceFlag(a.flags, 'desktop-bits'))) extra.mediaType = VOICE_MEDIA_TYPE;
    if (m.hasAttachments && !attachments.length && !m.isErased && !m.deletedForEveryone) {
      extra.attachmentsNotInJson = true;
      warnings.warn('sigtop-attachments-missing', 'messages flagged hasAttachments carry no attachment list (Signal Desktop ≥ 7.42 keeps them in a separate table); attachments may be missing', line);
    }
    let kind: 'text' | 'media' | 'contact' | 'location' | 'deleted' = attachments.length ? 'media' : 'text';
    if (m.sticker) {
      extra.sticker = { packId: m.sticker.packId ?? null, stickerId: m.sticker.stickerId ?? null, emoji: m.sticker.emoji ?? null };
      if (m.sticker.data) attachments.push({ ...attachment(m.sticker.data, ms, attachments.length), name: m.sticker.data.fileName ?? `sticker-${ms}.webp` });
      text ||= m.sticker.emoji ?? '';
      kind = 'media';
    }
    if (m.contact?.length) {
      const c = m.contact[0]!;
      const name = c.name?.displayName ?? ([c.name?.givenName, c.name?.familyName].filter(Boolean).join(' ') || c.organization || '');
      const numbers = (c.number ?? []).map((n) => n.value).filter((v): v is string => !!v);
      extra.contact = { name, numbers };
      text = [name, ...numbers].filter(Boolean).join('\n');
      kind = 'contact';
    }
    const location = kind === 'text' || kind === 'media' ? parseLocationText(text) : null;
    if (location) {
      extra.location = location;
      kind = 'location';
    }
    if (m.isErased) extra.viewOnceErased = true;
    if (m.preview?.length) extra.links = m.preview.map((p) => ({ url: p.url ?? null, title: p.title ?? null }));
    let deletedBy: 'sender' | 'self' | null = null;
    if (m.deletedForEveryone) {
      kind = 'deleted';
      text = '';
      const admin = m.deletedForEveryoneByAdminAci?.toLowerCase();
      deletedBy = admin ? (admin === selfAci ? 'self' : null) : 'sender';
      if (admin) extra.deletedByAdmin = { name: nameOf(admin), key: admin };
      if (m.deletedForEveryoneTimestamp) extra.deletedAt = isoAt(m.deletedForEveryoneTimestamp, opts.zone);
    } else if (m.body === undefined && !attachments.length && !m.sticker && !m.contact?.length && !m.isViewOnce) {
      extra.bodyMissing = true;
      warnings.warn('sigtop-body-missing', 'messages without a body field (sigtop exports of Signal Desktop ≥ 7.42 can lack it): their text is unknown, not empty', line);
    }
    let replyToKey: string | null = null;
    if (m.quote) {
      const q = m.quote;
      const qAci = (q.authorAci ?? q.authorUuid)?.toLowerCase();
      const qKey = qAci ? (qAci === selfAci ? selfKey : qAci) : toE164(q.author) ?? q.author ?? null;
      replyToKey = q.id && qKey ? `${qKey}:${q.id}` : null;
      extra.quote = { author: qAci ? nameOf(qAci) : q.author ?? null, text: q.text ?? '', targetFound: !q.referencedMessageNotFound };
    }
    const history = m.editHistory ?? [];
    if (history.length > 1 && m.editMessageTimestamp) extra.editedAt = isoAt(m.editMessageTimestamp, opts.zone);
    const reactions = (m.reactions ?? []).map((r) => ({
      emoji: r.emoji ?? '',
      author:
        r.fromId === m.conversationId && !isGroup
          ? named?.title ?? r.fromId
          : selfConvIds.has(r.fromId ?? '') || (!isGroup && r.fromId && r.fromId !== m.conversationId)
            ? selfName
            : opts.names?.[r.fromId ?? ''] ?? r.fromId ?? null,
      at: isoAt(r.timestamp, opts.zone),
    }));
    return [
      ...out,
      message({
        ...common,
        sender,
        senderPhone: phone,
        senderKey,
        fromSelf,
        kind,
        text,
        edited: history.length > 1,
        viewOnce: m.isViewOnce ?? false,
        deletedBy,
        attachments,
        replyToKey,
        reactions,
        revisions: history.slice(1).reverse().map((h) => ({ text: h.body ?? '', at: isoAt(h.timestamp, opts.zone) })),
        extra,
      }),
    ];
  };
  const message = (p: Parameters<typeof buildMessage>[0]): SignalEvent => ({ type: 'message', chatKey: chatKey!, message: buildMessage(p) });
  const dmWarning = (seconds: number, line: number): void =>
    warnings.warn(
      'disappearing-messages-may-be-absent',
      `chat "${title()}" used disappearing messages (timer ${describeDuration(seconds)}); messages that had already disappeared from Signal Desktop when sigtop ran are not in the export`,
      line,
      undefined,
      chatKey ?? undefined,
    );
  const bodyText = (m: DesktopMessageT, extra: Record<string, unknown>): string => {
    const body = m.body ?? '';
    const mentions = (m.bodyRanges ?? []).filter((r) => r.mentionAci ?? r.mentionUuid);
    if (!mentions.length) return body;
    const resolved = mentions.map((r) => {
      const aci = (r.mentionAci ?? r.mentionUuid)!.toLowerCase();
      return { start: r.start, length: r.length, name: r.replacementText ?? nameOf(aci), key: aci };
    });
    extra.mentions = resolved.map((r) => ({ name: r.name, key: r.key }));
    return applyMentions(body, resolved);
  };
  const attachment = (a: DesktopAttachmentT, ms: number, index: number): SignalAttachment => {
    // sigtop export-attachments writes <conversation dir>/<fileName> or attachment-<local sent time><.ext>.
    const name =
      a.fileName ?? `attachment-${DateTime.fromMillis(ms, { zone: opts.zone }).toFormat('yyyy-LL-dd-HH-mm-ss')}${index ? `-${index + 1}` : ''}.${extensionForMime(a.contentType)}`;
    const dir = opts.fileName ? opts.fileName.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') : null;
    const att: SignalAttachment = { name, mime: a.contentType ?? null, ref: dir ? `${dir}/${name}` : name };
    if (!a.path) att.omitted = true;
    // Desktop's plaintextHash: hex of the plaintext's SHA-256; size: plaintext bytes (sigtop writes the plaintext).
    const declared = att.omitted ? undefined : declaredFile((a as Record<string, unknown>).plaintextHash, a.size);
    if (declared) att.declared = declared;
    return att;
  };

  for await (const src of lines) {
    lastLine = src.lineNo;
    const text = (src.lineNo === 1 ? src.text.replace(/^\ufeff/, '') : src.text).trim();
    if (!text) continue;
    if (state === 'start') {
      if (text === '[') {
        state = 'items';
        yield sourceEvent();
        continue;
      }
      if (text.startsWith('[') && text.endsWith(']')) {
        // A whole (small) array on one line: not sigtop's layout, but the same content.
        let arr: unknown;
        try {
          arr = JSON.parse(text);
        } catch (cause) {
          throw new SignalFormatError('not valid JSON', { entry, line: src.lineNo, expected: 'a JSON array of Signal Desktop messages', cause });
        }
        if (!Array.isArray(arr)) throw new SignalFormatError('not a JSON array', { entry, line: src.lineNo, expected: 'a JSON array of Signal Desktop messages' });
        yield sourceEvent();
        for (const [i, item] of arr.entries()) yield* handle(validate(item, src.lineNo, `item ${i + 1}`), src.lineNo, JSON.stringify(item));
        state = 'end';
        continue;
      }
      throw new SignalFormatError(`starts with ${JSON.stringify(text.slice(0, 20))}`, { entry, line: src.lineNo, expected: "a JSON array ('[' on the first line, as sigtop export-messages -f json writes)" });
    }
    if (state === 'end') throw new SignalFormatError('content after the closing ]', { entry, line: src.lineNo, expected: 'end of file' });
    if (text === ']') {
      state = 'end';
      continue;
    }
    const objText = text.endsWith(',') ? text.slice(0, -1) : text;
    let obj: unknown;
    try {
      obj = JSON.parse(objText);
    } catch (cause) {
      throw new SignalFormatError(`not valid JSON (${(cause as Error).message})`, {
        entry,
        line: src.lineNo,
        expected: 'one complete Signal Desktop message object per line; the line may be truncated',
        cause,
      });
    }
    yield* handle(validate(obj, src.lineNo, 'message'), src.lineNo, src.text.replace(/,\s*$/, ''));
  }
  if (state === 'start') throw new SignalFormatError('empty input', { entry, line: 1, expected: 'a JSON array' });
  if (state === 'items') throw new SignalFormatError('the array is not closed (file truncated?)', { entry, line: lastLine, expected: "a closing ']'" });
  if (receivedOnly.count) {
    const n = receivedOnly.count;
    warnings.warn(
      'sent-time-is-receive-time',
      `${n} message${n === 1 ? ' has' : 's have'} no sent_at (nor timestamp): ${n === 1 ? 'its' : 'their'} time is when Signal Desktop received ` +
        `${n === 1 ? 'it' : 'them'} (received_at_ms), not when ${n === 1 ? 'it was' : 'they were'} sent; the first is ` +
        `${receivedOnly.id ? `message ${receivedOnly.id} ` : ''}on line ${receivedOnly.line}`,
      receivedOnly.line,
    );
  }
  if (emitted !== null) {
    const chat = describe();
    if (JSON.stringify(chat) !== emitted) yield { type: 'chat', chat, lowFidelity: false };
  }

  function sourceEvent(): SignalEvent {
    return {
      type: 'source',
      format: 'sigtop-json',
      platform: 'signal',
      lowFidelity: false,
      details: { producer: 'sigtop', fileName: opts.fileName ?? null, detail: named?.detail ?? null },
    };
  }
  function validate(obj: unknown, line: number, what: string): DesktopMessageT {
    const r = DesktopMessage.safeParse(obj);
    if (!r.success) throw new SignalFormatError(describeZodError(what, r.error), { entry, line, expected: 'a Signal Desktop message object (conversationId, type, sent_at, ...)' });
    return r.data;
  }
}
