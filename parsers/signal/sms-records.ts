/**
 * SMS Backup & Restore XML: one `<sms>` or `<mms>` element (attributes already decoded by sax) → ParsedMessage,
 * plus the chat it belongs to. Used by sms-xml.ts, which does the streaming.
 */
import { createHash } from 'node:crypto';
import { toE164 } from '../phone.js';
import type { ParsedAttachment, ParsedChat, ParsedMessage, Participant } from '../types.js';
import { SignalFormatError, buildMessage, extensionForMime, toMs, type WarningSink } from './common.js';

export type Attrs = Record<string, string>;

export interface SmsContext {
  zone: string;
  entry: string;
  platform: 'sms' | 'signal';
  warnings: WarningSink;
  selfName: string;
  /** E.164 of the custodian given by the caller (never guessed: it shapes chat keys). */
  selfPhone: string | null;
  /** Custodian phone learned from the file (sender of outgoing MMS); only for display. */
  learnedSelfPhone: string | null;
  /** Address → contact name learned from 1:1 messages (`contact_name`). */
  names: Map<string, string>;
}

export interface SmsChatInfo {
  chatKey: string;
  title: string;
  isGroup: boolean;
  addresses: string[];
}

/** `null`, empty and `(Unknown)` mean "no value" in this format. */
export function present(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' || t === 'null' || t === '(Unknown)' ? null : v;
}

/** An address as key: E.164 when it is a phone number, else the text as written (short codes, e-mail). */
export function normAddress(a: string): string {
  return toE164(a) ?? a.trim();
}

function chatOf(ctx: SmsContext, address: string | null, fallback: string[], contactName: string | null): SmsChatInfo {
  let addresses = (address ? address.split('~') : fallback).map(normAddress).filter(Boolean);
  addresses = [...new Set(addresses)].sort();
  if (ctx.selfPhone && addresses.length > 1) addresses = addresses.filter((a) => a !== ctx.selfPhone);
  const isGroup = addresses.length > 1;
  const chatKey = addresses.join('~') || 'unknown';
  return { chatKey, isGroup, addresses, title: contactName ?? (addresses.join(', ') || 'Unknown') };
}

export function describeSmsChat(ctx: SmsContext, c: SmsChatInfo): ParsedChat & { chatKey: string } {
  const self: Participant = { name: ctx.selfName, phone: ctx.selfPhone ?? ctx.learnedSelfPhone, key: ctx.selfPhone ?? 'self' };
  const others: Participant[] = c.addresses
    .filter((a) => a !== (ctx.selfPhone ?? ctx.learnedSelfPhone))
    .map((a) => ({ name: ctx.names.get(a) ?? (c.isGroup ? null : c.title), phone: toE164(a), key: a }));
  return { platform: ctx.platform, chatKey: c.chatKey, title: c.title, titleHistory: [], isGroup: c.isGroup, participants: [...others, self] };
}

interface Src {
  seq: number;
  line: number;
  rawText: string;
}

function dateOf(ctx: SmsContext, a: Attrs, line: number, tag: string): number {
  const ms = toMs(a.date);
  if (ms === null || ms <= 0) {
    throw new SignalFormatError(`<${tag}> without a usable date attribute (${a.date ?? 'absent'})`, { entry: ctx.entry, line, expected: 'date="<ms since epoch>"' });
  }
  return ms;
}

/** `date_sent` is ms in `<sms>` but seconds in `<mms>` (signalbackup-tools writes date_sent/1000); 0 = unknown. */
function dateSentMs(v: string | undefined): number | null {
  const n = toMs(present(v));
  if (!n) return null;
  return n < 100_000_000_000 ? n * 1000 : n;
}

const SMS_STATUS: Record<string, string> = { '3': 'draft', '4': 'outbox', '5': 'failed', '6': 'queued' };
const MMS_STATUS: Record<string, string> = { '3': 'draft', '4': 'outbox', '5': 'failed', '7': 'pending' };

export function smsMessage(ctx: SmsContext, a: Attrs, src: Src): { chat: SmsChatInfo; message: ParsedMessage } {
  const ms = dateOf(ctx, a, src.line, 'sms');
  const address = present(a.address);
  const contactName = present(a.contact_name);
  const chat = chatOf(ctx, address, [], contactName);
  const incoming = a.type === '1';
  const addrKey = address ? normAddress(address) : 'unknown';
  if (contactName && !chat.isGroup) ctx.names.set(addrKey, contactName);
  const body = a.body ?? '';
  const extra: Record<string, unknown> = {};
  const sent = dateSentMs(a.date_sent);
  if (sent && sent !== ms) extra.dateSentMs = sent;
  if (a.type && SMS_STATUS[a.type]) extra.status = SMS_STATUS[a.type];
  const subject = present(a.subject);
  if (subject) extra.subject = subject;
  const message = buildMessage({
    ...src,
    ms,
    zone: ctx.zone,
    sender: incoming ? contactName ?? addrKey : ctx.selfName,
    senderPhone: incoming ? toE164(address) : ctx.selfPhone ?? ctx.learnedSelfPhone,
    senderKey: incoming ? addrKey : ctx.selfPhone ?? 'self',
    fromSelf: incoming ? false : true,
    kind: 'text',
    text: body,
    stableKey: `sms:${addressKey(address)}:${a.date}:${a.type ?? ''}:${createHash('sha256').update(body).digest('hex').slice(0, 16)}`,
    extra,
  });
  return { chat, message };
}

export interface MmsElement {
  attrs: Attrs;
  parts: Attrs[];
  addrs: Attrs[];
}

const VCARD = /^text\/(x-)?vcard$/i;

export function mmsMessage(ctx: SmsContext, el: MmsElement, src: Src): { chat: SmsChatInfo; message: ParsedMessage } {
  const a = el.attrs;
  const ms = dateOf(ctx, a, src.line, 'mms');
  const incoming = a.msg_box === '1';
  const from = el.addrs.find((x) => x.type === '137');
  const fromAddr = from?.address ? normAddress(from.address) : null;
  if (!incoming && fromAddr && toE164(fromAddr) && !ctx.learnedSelfPhone) ctx.learnedSelfPhone = fromAddr;
  const selfish = ctx.selfPhone ?? ctx.learnedSelfPhone;
  const fallback = el.addrs.map((x) => x.address ?? '').filter((x) => x && normAddress(x) !== selfish);
  const contactName = present(a.contact_name);
  const chat = chatOf(ctx, present(a.address), fallback, contactName);
  if (ctx.platform === 'sms' && contactName && chat.isGroup) {
    // The SMS app writes "Name A, Name B" in the order of the `~`-joined address attribute.
    const names = contactName.split(', ');
    const order = (present(a.address) ?? '').split('~').map(normAddress);
    if (names.length === order.length) order.forEach((addr, i) => ctx.names.set(addr, names[i]!));
  } else if (contactName && !chat.isGroup && chat.addresses[0]) {
    ctx.names.set(chat.addresses[0], contactName);
  }
  const hash = createHash('sha256');
  const texts: string[] = [];
  const attachments: ParsedAttachment[] = [];
  el.parts.forEach((p, i) => {
    const ct = (present(p.ct) ?? 'application/octet-stream').toLowerCase();
    if (ct === 'application/smil' || p.seq === '-1') return;
    if (ct === 'text/plain') {
      const t = p.text !== undefined && p.text !== 'null' ? p.text : p.data ? Buffer.from(p.data, 'base64').toString('utf8') : '';
      texts.push(t);
      hash.update(t);
      return;
    }
    const att: ParsedAttachment = {
      name: present(p.name) ?? present(p.cl) ?? present(p.fn) ?? `mms-${a.date}-${i + 1}.${extensionForMime(ct)}`,
      mime: ct,
    };
    if (p.data) {
      if (!/^[A-Za-z0-9+/=\s]*$/.test(p.data)) {
        ctx.warnings.warn('invalid-base64', `a <part> (${ct}) holds data that is not valid base64; the attachment is marked as left out`, src.line);
        att.omitted = true;
      } else {
        att.data = Buffer.from(p.data, 'base64');
        hash.update(p.data);
      }
    } else {
      att.omitted = true;
    }
    attachments.push(att);
  });
  if (!present(firstMediaName(el.parts)) && ctx.platform === 'signal' && attachments.length) {
    ctx.warnings.warn('attachment-names-lost', 'attachment file names are not in this XML (name="null"); names were derived from the message time and MIME type', src.line);
  }
  const text = texts.join('\n');
  const extra: Record<string, unknown> = {};
  const sent = dateSentMs(a.date_sent);
  if (sent && Math.abs(sent - ms) >= 1000) extra.dateSentMs = sent;
  if (a.msg_box && MMS_STATUS[a.msg_box]) extra.status = MMS_STATUS[a.msg_box];
  const subject = present(a.sub);
  if (subject) extra.subject = subject;
  if (!text && !attachments.length) {
    extra.empty = true;
    ctx.warnings.warn('empty-message', 'an <mms> without text or attachments was kept as an empty message (it may be a message deleted for everyone or a status row)', src.line);
  }
  const kind = !attachments.length ? 'text' : attachments.every((x) => VCARD.test(x.mime ?? '')) ? 'contact' : 'media';
  const senderAddr = incoming ? fromAddr ?? (chat.isGroup ? null : chat.addresses[0] ?? null) : null;
  const message = buildMessage({
    ...src,
    ms,
    zone: ctx.zone,
    sender: incoming ? (senderAddr ? ctx.names.get(senderAddr) ?? (!chat.isGroup ? contactName : null) ?? senderAddr : null) : ctx.selfName,
    senderPhone: incoming ? toE164(senderAddr) : ctx.selfPhone ?? ctx.learnedSelfPhone,
    senderKey: incoming ? senderAddr : ctx.selfPhone ?? 'self',
    fromSelf: !incoming,
    kind,
    text,
    attachments,
    stableKey: `mms:${addressKey(present(a.address))}:${a.date}:${a.msg_box ?? ''}:${hash.digest('hex').slice(0, 16)}`,
    extra,
  });
  return { chat, message };
}

/** The message's own address attribute as a key: normalised, sorted, `~`-joined (independent of options). */
function addressKey(address: string | null): string {
  if (!address) return 'unknown';
  return [...new Set(address.split('~').map(normAddress))].sort().join('~');
}

function firstMediaName(parts: Attrs[]): string | undefined {
  const media = parts.filter((p) => p.ct && !/^(text\/plain|application\/smil)$/i.test(p.ct));
  return media.map((p) => present(p.name) ?? present(p.cl) ?? undefined).find(Boolean);
}
