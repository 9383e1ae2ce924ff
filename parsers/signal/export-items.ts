/**
 * Maps one `chatItem` frame of Signal's plaintext export to a ParsedMessage. Pure: all lookups (recipients,
 * per-chat state, warnings) come in through ItemContext.
 */
import type { ParsedAttachment, ParsedMessage, Reaction, Revision, SystemEvent } from '../types.js';
import {
  applyMentions,
  buildMessage,
  describeDuration,
  VOICE_MEDIA_TYPE,
  extensionForMime,
  isVoiceFlag,
  isoAt,
  parseLocationText,
  sha256Hex,
  timerEvent,
  toMs,
  uuidFromBase64,
  type MessageInput,
  type WarningSink,
} from './common.js';
import type { ChatItemT, FilePointerT, MessageAttachmentT, ReactionT, RevisionT, TextT } from './export-schema.js';
import { declaredFile, type SignalAttachment } from './declared.js';
import { describeGroupUpdate } from './export-updates.js';

export interface Person {
  name: string | null;
  phone: string | null;
  /** ACI (UUID text), else E.164, else `recipient:<id>`; the custodian: the given self ACI or `self`. */
  key: string;
  isSelf: boolean;
  /** The contact's other names (Participant.otherNames). */
  otherNames?: string[];
}

export interface ExportChatState {
  chatKey: string;
  title: string;
  isGroup: boolean;
  /** Current disappearing-message timer in seconds, as followed through the timer-change items. */
  timerSeconds: number;
  /** Group titles seen in rename events, in order. */
  renames: string[];
}

export interface ItemContext {
  zone: string;
  warnings: WarningSink;
  person(recipientId: string | number | undefined, line: number): Person;
  personByAci(aciB64: string | undefined): Person | null;
  /** Reports that a chat used disappearing messages (once per chat). */
  timerSeen(chat: ExportChatState, seconds: number, line: number): void;
}

type ItemBody = Partial<Omit<MessageInput, 'seq' | 'line' | 'rawText' | 'ms' | 'localTime' | 'zone' | 'stableKey'>> &
  Pick<MessageInput, 'kind' | 'text'>;

export function mapChatItem(
  ctx: ItemContext,
  chat: ExportChatState,
  item: ChatItemT,
  src: { seq: number; line: number; rawText: string },
): ParsedMessage {
  const author = ctx.person(item.authorId, src.line);
  const revisions = item.revisions ?? [];
  const sentMs = toMs(item.dateSent)!;
  // Edits: the top level is the newest version; the message keeps its original send time (revisions[0]).
  const originalMs = revisions.length ? toMs(revisions[0]!.dateSent) ?? sentMs : sentMs;
  const fromSelf = item.outgoing ? true : item.incoming ? false : author.isSelf;
  const extra: Record<string, unknown> = {};
  const receivedMs = toMs(item.incoming?.dateReceived);
  if (receivedMs) extra.receivedAt = isoAt(receivedMs, ctx.zone);
  if (item.sms) extra.sms = true;
  if (item.expiresInMs !== undefined) {
    const seconds = Math.round((toMs(item.expiresInMs) ?? 0) / 1000);
    extra.expiresInSeconds = seconds;
    if (seconds) ctx.timerSeen(chat, seconds, src.line);
  }
  let body = describeItem(ctx, chat, item, author, sentMs, src.line, extra);
  if (revisions.length) {
    extra.editedAt = isoAt(sentMs, ctx.zone);
    body = { ...body, edited: true, revisions: revisions.map((r) => revisionOf(ctx, r)) };
  }
  const isSystem = body.kind === 'system';
  return buildMessage({
    seq: src.seq,
    line: src.line,
    rawText: src.rawText,
    ms: originalMs,
    zone: ctx.zone,
    sender: isSystem ? null : author.name ?? author.phone ?? author.key,
    senderPhone: isSystem ? null : author.phone,
    senderKey: isSystem ? null : author.key,
    fromSelf: body.fromSelf !== undefined ? body.fromSelf : fromSelf,
    stableKey: `${author.key}:${originalMs}`,
    ...body,
    extra: { ...extra, ...(isSystem ? { actor: { name: author.name, phone: author.phone, key: author.key } } : {}), ...body.extra },
  });
}

function describeItem(
  ctx: ItemContext,
  chat: ExportChatState,
  item: ChatItemT,
  author: Person,
  ms: number,
  line: number,
  extra: Record<string, unknown>,
): ItemBody & { fromSelf?: boolean | null } {
  const reactions = (list: ReactionT[] | undefined): Reaction[] => mapReactions(ctx, list, line);
  if (item.standardMessage) {
    const sm = item.standardMessage;
    const text = textOf(ctx, sm.text, extra);
    const attachments = (sm.attachments ?? []).map((a, i) => attachmentOf(a, ms, i));
    // Recorded as WhatsApp records a voice note, whether or not the export holds the file.
    if (sm.attachments?.some((a) => isVoiceFlag(a.flag, 'export-enum'))) extra.mediaType = VOICE_MEDIA_TYPE;
    if (sm.longText) {
      attachments.push({ ...pointerAttachment(sm.longText, ms, attachments.length, true), name: sm.longText.fileName || `long-text-${ms}.txt` });
      extra.longText = true;
    }
    if (sm.linkPreview?.length) extra.links = sm.linkPreview.map((p) => ({ url: p.url ?? null, title: p.title ?? null }));
    let replyToKey: string | null = null;
    if (sm.quote) {
      const q = sm.quote;
      const qAuthor = ctx.person(q.authorId, line);
      const target = toMs(q.targetSentTimestamp);
      replyToKey = target ? `${qAuthor.key}:${target}` : null;
      extra.quote = { author: qAuthor.name ?? qAuthor.key, text: q.text?.body ?? '', targetFound: target !== null };
    }
    const location = attachments.length <= 1 ? parseLocationText(text) : null;
    if (location) extra.location = location;
    const kind = location ? 'location' : attachments.length ? 'media' : 'text';
    return { kind, text, attachments, replyToKey, reactions: reactions(sm.reactions) };
  }
  if (item.contactMessage) {
    const c = item.contactMessage.contact ?? {};
    const name = [c.name?.givenName, c.name?.familyName].filter(Boolean).join(' ') || c.name?.nickname || c.organization || '';
    const numbers = (c.number ?? []).map((n) => n.value).filter((v): v is string => !!v);
    extra.contact = { name, numbers, emails: (c.email ?? []).map((e) => e.value).filter(Boolean), organization: c.organization ?? null };
    return { kind: 'contact', text: [name, ...numbers].filter(Boolean).join('\n'), reactions: reactions(item.contactMessage.reactions) };
  }
  if (item.stickerMessage) {
    const s = item.stickerMessage.sticker ?? {};
    extra.sticker = { packId: s.packId ?? null, stickerId: s.stickerId ?? null, emoji: s.emoji ?? null };
    const attachments = s.data ? [{ ...pointerAttachment(s.data, ms, 0, true), name: s.data.fileName || `sticker-${ms}.${extensionForMime(s.data.contentType ?? 'image/webp')}` }] : [];
    return { kind: 'media', text: s.emoji ?? '', attachments, reactions: reactions(item.stickerMessage.reactions) };
  }
  if (item.remoteDeletedMessage) return { kind: 'deleted', text: '', deletedBy: 'sender' };
  if (item.adminDeletedMessage) {
    const admin = ctx.person(item.adminDeletedMessage.adminId, line);
    extra.deletedByAdmin = { name: admin.name, key: admin.key };
    return { kind: 'deleted', text: '', deletedBy: admin.isSelf ? 'self' : null };
  }
  if (item.viewOnceMessage) {
    const v = item.viewOnceMessage;
    if (!v.attachment) {
      extra.viewOnceMediaStripped = true;
      ctx.warnings.warn('view-once-media-stripped', "view-once messages are kept without their media (Signal's export strips it)", line);
    }
    return { kind: 'media', text: '', viewOnce: true, attachments: v.attachment ? [attachmentOf(v.attachment, ms, 0)] : [], reactions: reactions(v.reactions) };
  }
  if (item.poll) {
    const p = item.poll;
    extra.poll = {
      question: p.question ?? '',
      allowMultiple: p.allowMultiple ?? false,
      ended: p.hasEnded ?? false,
      options: (p.options ?? []).map((o) => ({ option: o.option ?? '', voters: (o.votes ?? []).map((v) => ctx.person(v.voterId, line).name) })),
    };
    return { kind: 'poll', text: p.question ?? '', reactions: reactions(p.reactions) };
  }
  if (item.directStoryReplyMessage) {
    const r = item.directStoryReplyMessage;
    extra.storyReply = true;
    return { kind: 'text', text: r.emoji ?? textOf(ctx, r.textReply?.text, extra), reactions: reactions(r.reactions) };
  }
  if (item.updateMessage) return describeUpdate(ctx, chat, item, author, line, extra);
  if (item.paymentNotification) {
    extra.payment = item.paymentNotification;
    return { kind: 'system', event: 'other', text: 'Payment (MobileCoin)' };
  }
  if (item.giftBadge) return { kind: 'system', event: 'other', text: 'Gift badge' };
  ctx.warnings.warn('unknown-item-type', 'a chatItem of a type this parser does not know was kept as a system message', line);
  extra.unknownItem = true;
  return { kind: 'system', event: 'other', text: '' };
}

function describeUpdate(
  ctx: ItemContext,
  chat: ExportChatState,
  item: ChatItemT,
  author: Person,
  line: number,
  extra: Record<string, unknown>,
): ItemBody & { fromSelf?: boolean | null } {
  const u = item.updateMessage!;
  const who = author.name ?? author.phone ?? 'Someone';
  if (u.individualCall) {
    const c = u.individualCall;
    const outgoing = c.direction === 'OUTGOING';
    const video = c.type === 'VIDEO_CALL';
    const state = typeof c.state === 'string' ? c.state : 'ACCEPTED';
    Object.assign(extra, { call: { id: c.callId ?? null, video, direction: outgoing ? 'outgoing' : 'incoming', state, startedAt: isoAt(toMs(c.startedCallTimestamp), ctx.zone) } });
    const text = `${outgoing ? 'Outgoing' : 'Incoming'} ${video ? 'video' : 'voice'} call (${state.toLowerCase().replace(/_/g, ' ')})`;
    return { kind: 'call', text, fromSelf: outgoing };
  }
  if (u.groupCall) {
    const c = u.groupCall;
    const starter = c.startedCallRecipientId !== undefined ? ctx.person(c.startedCallRecipientId, line) : null;
    const state = typeof c.state === 'string' ? c.state : 'GENERIC';
    Object.assign(extra, { call: { id: c.callId ?? null, group: true, state, startedBy: starter?.name ?? null, startedAt: isoAt(toMs(c.startedCallTimestamp), ctx.zone), endedAt: isoAt(toMs(c.endedCallTimestamp), ctx.zone) } });
    return { kind: 'call', text: `Group call${starter ? ` started by ${starter.name ?? starter.key}` : ''} (${state.toLowerCase().replace(/_/g, ' ')})`, fromSelf: starter ? starter.isSelf : null };
  }
  if (u.expirationTimerChange) {
    const seconds = Math.round((toMs(u.expirationTimerChange.expiresInMs) ?? 0) / 1000);
    return timerChange(ctx, chat, seconds, who, line, extra);
  }
  if (u.groupChange) {
    const parts = (u.groupChange.updates ?? []).map((up) => describeGroupUpdate(up, (aci) => ctx.personByAci(aci)));
    let event: SystemEvent = parts.find((p) => p.event === 'group-created')?.event ?? parts[0]?.event ?? 'other';
    for (const p of parts) {
      if (p.newTitle) chat.renames.push(p.newTitle);
      if (p.timerSeconds !== undefined) {
        const t = timerChange(ctx, chat, p.timerSeconds, null, line, extra);
        if (parts.length === 1) event = t.event!;
      }
    }
    extra.groupUpdates = parts.map((p) => p.detail);
    return { kind: 'system', event, text: parts.map((p) => p.text).join(' ') };
  }
  if (u.simpleUpdate) {
    const type = String(u.simpleUpdate.type ?? 'UNKNOWN');
    extra.updateType = type;
    const [event, text] = SIMPLE_UPDATES[type] ?? ['other', `Chat update (${type})`];
    if (type === 'BAD_DECRYPT' || type === 'UNSUPPORTED_PROTOCOL_MESSAGE') {
      ctx.warnings.warn('message-not-received', `Signal could not decrypt or display a message from ${who}; its content is not in the export`, line, `bad-decrypt:${chat.chatKey}`);
    }
    return { kind: 'system', event, text: text.replace('{who}', who) };
  }
  if (u.profileChange) {
    const p = u.profileChange;
    return { kind: 'system', event: 'other', text: `${p.previousName ?? who} changed their profile name to ${p.newName ?? ''}.` };
  }
  const key = Object.keys(u)[0] ?? 'unknown';
  extra.updateType = key;
  return { kind: 'system', event: key === 'sessionSwitchover' || key === 'threadMerge' ? 'number-changed' : 'other', text: `Chat update (${key})` };
}

function timerChange(
  ctx: ItemContext,
  chat: ExportChatState,
  seconds: number,
  who: string | null,
  line: number,
  extra: Record<string, unknown>,
): ItemBody {
  const event = timerEvent(seconds, chat.timerSeconds);
  chat.timerSeconds = seconds;
  extra.timerSeconds = seconds;
  if (seconds) ctx.timerSeen(chat, seconds, line);
  const subject = who ?? 'Someone';
  const text = seconds ? `${subject} set the disappearing message timer to ${describeDuration(seconds)}.` : `${subject} turned off disappearing messages.`;
  return { kind: 'system', event, text };
}

const SIMPLE_UPDATES: Record<string, [SystemEvent, string]> = {
  JOINED_SIGNAL: ['other', '{who} is on Signal.'],
  IDENTITY_UPDATE: ['security-code-changed', 'Your safety number with {who} has changed.'],
  IDENTITY_VERIFIED: ['security-code-changed', 'You marked your safety number with {who} as verified.'],
  IDENTITY_DEFAULT: ['security-code-changed', 'You marked your safety number with {who} as unverified.'],
  CHANGE_NUMBER: ['number-changed', '{who} changed their phone number.'],
  END_SESSION: ['other', 'Secure session reset.'],
  CHAT_SESSION_REFRESH: ['other', 'Chat session refreshed.'],
  BAD_DECRYPT: ['other', 'A message from {who} could not be delivered.'],
  UNSUPPORTED_PROTOCOL_MESSAGE: ['other', 'A message from {who} used a feature this Signal version did not support.'],
  REPORTED_SPAM: ['other', 'Reported as spam.'],
  BLOCKED: ['blocked', 'You blocked {who}.'],
  UNBLOCKED: ['blocked', 'You unblocked {who}.'],
  MESSAGE_REQUEST_ACCEPTED: ['other', 'You accepted the message request.'],
  PAYMENTS_ACTIVATED: ['other', 'Payments activated.'],
  PAYMENT_ACTIVATION_REQUEST: ['other', 'Payment activation requested.'],
  RELEASE_CHANNEL_DONATION_REQUEST: ['other', 'Donation request.'],
};

function textOf(ctx: ItemContext, t: TextT | undefined, extra: Record<string, unknown>): string {
  const body = t?.body ?? '';
  const ranges = (t?.bodyRanges ?? []).filter((r) => r.mentionAci);
  if (!ranges.length) return body;
  const resolved = ranges.map((r) => ({ ...r, person: ctx.personByAci(r.mentionAci) }));
  extra.mentions = resolved.map((r) => ({ name: r.person?.name ?? null, key: r.person?.key ?? uuidFromBase64(r.mentionAci) }));
  return applyMentions(body, resolved.map((r) => ({ start: r.start, length: r.length, name: r.person?.name ?? r.person?.key ?? uuidFromBase64(r.mentionAci) ?? 'unknown' })));
}

function revisionOf(ctx: ItemContext, r: RevisionT): Revision {
  // Earlier versions of an edited message are standard messages; anything else has no text to keep.
  return { text: r.standardMessage ? textOf(ctx, r.standardMessage.text, {}) : '', at: isoAt(toMs(r.dateSent), ctx.zone) };
}

function mapReactions(ctx: ItemContext, list: ReactionT[] | undefined, line: number): Reaction[] {
  if (!list?.length) return [];
  return [...list]
    .sort((a, b) => (toMs(a.sortOrder) ?? 0) - (toMs(b.sortOrder) ?? 0))
    .map((r) => {
      const p = ctx.person(r.authorId, line);
      return { emoji: r.emoji ?? '', author: p.name ?? p.phone ?? p.key, at: isoAt(toMs(r.sentTimestamp), ctx.zone) };
    });
}

/**
 * The export stores a file as `files/<h[0:2]>/<h>.<ext>` with h = hex(SHA-256(plaintextHash ‖ localKey)) and
 * an extension taken from the MIME type by the exporting app. `ref` is the path without extension; the ingest
 * matches the entry whose path minus extension equals it.
 */
export function exportFileRef(pointer: FilePointerT | undefined): string | null {
  const li = pointer?.locatorInfo;
  if (!li?.plaintextHash || !li.localKey) return null;
  const h = sha256Hex(Buffer.from(li.plaintextHash, 'base64'), Buffer.from(li.localKey, 'base64'));
  return `files/${h.slice(0, 2)}/${h}`;
}

function pointerAttachment(pointer: FilePointerT, ms: number, index: number, downloaded: boolean): SignalAttachment {
  const ref = exportFileRef(pointer);
  const att: SignalAttachment = {
    name: pointer.fileName || `signal-${ms}-${index + 1}.${extensionForMime(pointer.contentType)}`,
    mime: pointer.contentType ?? null,
    ref,
  };
  if (!downloaded || !ref) att.omitted = true;
  // locatorInfo.plaintextHash: base64 of the plaintext's SHA-256; size: plaintext bytes (the ingest checks the file).
  const declared = declaredFile(pointer.locatorInfo?.plaintextHash, pointer.locatorInfo?.size);
  if (declared && !att.omitted) att.declared = declared;
  return att;
}

function attachmentOf(a: MessageAttachmentT, ms: number, index: number): SignalAttachment {
  // proto3 JSON omits `false`: an absent wasDownloaded means the file was never on the exporting device.
  return pointerAttachment(a.pointer ?? {}, ms, index, a.wasDownloaded === true);
}
