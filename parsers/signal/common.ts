/**
 * Shared pieces of the Signal / SMS parsers: the event shape, the error type, and small helpers that build
 * ParsedMessage records the same way for every format.
 */
import { createHash } from 'node:crypto';
import { instantInZone } from '../time.js';
import type { MessageKind, ParsedAttachment, ParsedChat, ParsedMessage, ParseWarning, SystemEvent } from '../types.js';

export type SignalFormat = 'signal-export' | 'sms-xml' | 'sigtop-json' | 'signal-txt';

/**
 * What every parser yields, in source order.
 *
 * - `source` comes first, exactly once: what was read and how trustworthy it is (provenance).
 * - `chat` comes before the first message of that chat. A later `chat` event with the same `chat.chatKey` replaces
 *   the earlier description (upsert): parsers re-emit a chat at the end of the input when they learned more about
 *   it while streaming (participants, earlier titles, group-ness of a transcript).
 * - `message` carries the chat it belongs to by `chatKey` (always equal to the `chatKey` of an earlier `chat` event).
 */
export type SignalEvent =
  | {
      type: 'source';
      format: SignalFormat;
      platform: 'signal' | 'sms';
      /** True for lossy inputs (text transcripts): times have minute/second resolution, structure is guessed. */
      lowFidelity: boolean;
      /** Producer / version / dialect hints found in the input, for the provenance log. */
      details: Record<string, unknown>;
    }
  | { type: 'chat'; chat: ParsedChat & { chatKey: string }; lowFidelity: boolean }
  | { type: 'message'; chatKey: string; message: ParsedMessage };

export interface SignalParseOptions {
  /** IANA zone of the custodian (e.g. `Europe/Amsterdam`); instants are shown in it, wall-clock text is read in it. */
  zone: string;
  /** Name of the file / zip entry being read; used in error messages and warnings. */
  entry?: string;
  /** Display name of the custodian (the exporting phone's owner) when the source does not give one. */
  selfName?: string;
  /** Phone number of the custodian, any notation; used to recognise self in SMS addresses and transcripts. */
  selfPhone?: string;
  onWarning?: (w: ParseWarning) => void;
}

/** Errors name the entry and line (or item) and say what was expected there. */
export class SignalFormatError extends Error {
  readonly line?: number;
  readonly entry?: string;
  readonly expected?: string;
  /** The message without its place (entry, line): for a caller that names the place itself. */
  readonly detail: string;
  constructor(problem: string, at: { line?: number; entry?: string; expected?: string; cause?: unknown } = {}) {
    const where = [at.entry, at.line !== undefined ? `line ${at.line}` : undefined].filter(Boolean).join(', ');
    const detail = `${problem}${at.expected ? `; expected ${at.expected}` : ''}`;
    super(`${where ? `${where}: ` : ''}${detail}`, { cause: at.cause });
    this.detail = detail;
    this.name = 'SignalFormatError';
    if (at.line !== undefined) this.line = at.line;
    if (at.entry !== undefined) this.entry = at.entry;
    if (at.expected !== undefined) this.expected = at.expected;
  }
}

export const DEFAULT_SELF_NAME = 'Me';
/** senderKey / stableKey author part for the custodian when the source gives no identity for them. */
export const SELF_KEY = 'self';

/** Reports each warning code at most once per parse (plus a count of repeats in the final summary). */
export class WarningSink {
  private readonly seen = new Map<string, number>();
  constructor(private readonly onWarning?: (w: ParseWarning) => void, private readonly entry?: string) {}
  /**
   * `once` = dedupe key; warnings with the same key after the first are counted, not repeated. `chatKey`: the chat the
   * warning concerns (see ParseWarning.chatKey).
   */
  warn(code: string, message: string, line?: number, once: string | null = code, chatKey?: string): void {
    if (once !== null) {
      const n = this.seen.get(once) ?? 0;
      this.seen.set(once, n + 1);
      if (n > 0) return;
    }
    const w: ParseWarning = { code, message: this.entry ? `${this.entry}: ${message}` : message };
    if (line !== undefined) w.line = line;
    if (chatKey !== undefined) w.chatKey = chatKey;
    this.onWarning?.(w);
  }
  count(once: string): number {
    return this.seen.get(once) ?? 0;
  }
}

export interface MessageInput {
  seq: number;
  line: number;
  rawText: string;
  /** Instant in ms since epoch (UTC). */
  ms: number;
  /**
   * The time text as written in the source (transcripts). Leave it out for formats that hold only epoch
   * timestamps (Signal's export, sigtop JSON, SMS XML): localTime then becomes the wall-clock time in `zone`, the
   * same text as localIso (`2025-10-24T08:05:12`), so transcripts and reports show a readable time instead of
   * `1761285912000`. The epoch value stays as evidence in rawText (the source record) and sentAtMs.
   */
  localTime?: string;
  zone: string;
  sender: string | null;
  senderRaw?: string | null;
  senderPhone: string | null;
  senderKey: string | null;
  fromSelf: boolean | null;
  kind: MessageKind;
  event?: SystemEvent | null;
  text: string;
  edited?: boolean;
  viewOnce?: boolean;
  deletedBy?: 'sender' | 'self' | null;
  attachments?: ParsedAttachment[];
  stableKey: string | null;
  replyToKey?: string | null;
  reactions?: ParsedMessage['reactions'];
  revisions?: ParsedMessage['revisions'];
  extra?: Record<string, unknown>;
  /** Overrides for wall-clock formats (resolveWallClock results). */
  wall?: { localIso: string; sentAt: string; timeAmbiguous: boolean; timeInvalid: boolean };
}

const offsetCache = new Map<string, { suffix: string; minutes: number }>();

/**
 * instantInZone (parsers/time.ts) with the zone offset cached per UTC hour: luxon's offset lookup dominates
 * parsing time for million-item exports. An hour whose start and end have different offsets (a transition)
 * is never cached, so results are identical to instantInZone (tested).
 */
export function fastInstant(ms: number, zone: string): { sentAt: string; localIso: string } {
  if (!Number.isInteger(ms) || ms < 0 || ms > 4_102_444_800_000) return instantInZone(ms, zone);
  const hour = Math.floor(ms / 3_600_000);
  const key = `${zone}|${hour}`;
  let off = offsetCache.get(key);
  if (!off) {
    const a = instantInZone(hour * 3_600_000, zone).sentAt;
    const b = instantInZone(hour * 3_600_000 + 3_599_000, zone).sentAt;
    const suffix = a.slice(19);
    if (suffix !== b.slice(19)) return instantInZone(ms, zone);
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(suffix);
    off = { suffix, minutes: m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0 };
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(key, off);
  }
  const d = new Date(ms + off.minutes * 60_000);
  const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
  const localIso = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const milli = d.getUTCMilliseconds();
  return { localIso, sentAt: `${localIso}${milli ? `.${String(milli).padStart(3, '0')}` : ''}${off.suffix}` };
}

/** Builds a ParsedMessage with every contract field filled (optional ones only when they carry something). */
export function buildMessage(m: MessageInput): ParsedMessage {
  const t = m.wall ?? { ...fastInstant(m.ms, m.zone), timeAmbiguous: false, timeInvalid: false };
  const msg: ParsedMessage = {
    seq: m.seq,
    line: m.line,
    rawText: m.rawText,
    localTime: m.localTime ?? t.localIso,
    localIso: t.localIso,
    sentAt: t.sentAt,
    sentAtMs: m.ms,
    zone: m.zone,
    timeAmbiguous: t.timeAmbiguous,
    timeInvalid: t.timeInvalid,
    sender: m.sender,
    senderRaw: m.senderRaw === undefined ? m.sender : m.senderRaw,
    senderPhone: m.senderPhone,
    senderKey: m.senderKey,
    fromSelf: m.fromSelf,
    kind: m.kind,
    event: m.event ?? null,
    text: m.text,
    edited: m.edited ?? false,
    viewOnce: m.viewOnce ?? false,
    attachments: m.attachments ?? [],
    stableKey: m.stableKey,
  };
  if (m.kind === 'deleted') msg.deletedBy = m.deletedBy ?? null;
  if (m.replyToKey) msg.replyToKey = m.replyToKey;
  if (m.reactions && m.reactions.length) msg.reactions = m.reactions;
  if (m.revisions && m.revisions.length) msg.revisions = m.revisions;
  if (m.extra && Object.keys(m.extra).length) msg.extra = m.extra;
  return msg;
}

/** ISO instant with the zone's offset, for reactions and revisions. */
export function isoAt(ms: number | null | undefined, zone: string): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return null;
  return fastInstant(ms, zone).sentAt;
}

/** 16 raw bytes (base64) → canonical lowercase UUID text; null when it is not a UUID. */
export function uuidFromBase64(b64: string | null | undefined): string | null {
  if (!b64) return null;
  const buf = Buffer.from(b64, 'base64');
  if (buf.length !== 16) return null;
  const h = buf.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function sha256Hex(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Timer change → system event: turned off, turned on (from off), or changed while on. */
/**
 * The media type a message with a voice message gets in its `extra.mediaType`: the value WhatsApp's parser records
 * for a voice note (`PTT-…`), so that one query finds voice messages on every platform.
 */
export const VOICE_MEDIA_TYPE = 'voice';

/**
 * A Signal attachment recorded as a voice message. Signal's export writes MessageAttachment.flag as the enum's name
 * (`VOICE_MESSAGE`; an unknown value would come as its number, and VOICE_MESSAGE is 1); Signal Desktop's message JSON
 * (sigtop) has the AttachmentPointer `flags` bit mask, where VOICE_MESSAGE is bit 1.
 */
export function isVoiceFlag(flag: string | number | null | undefined, kind: 'export-enum' | 'desktop-bits'): boolean {
  if (flag === undefined || flag === null) return false;
  if (kind === 'export-enum') return flag === 'VOICE_MESSAGE' || flag === 1;
  return typeof flag === 'number' && (flag & 1) === 1;
}

export function timerEvent(seconds: number, previousSeconds: number): SystemEvent {
  if (!seconds) return 'disappearing-off';
  return previousSeconds ? 'disappearing-timer' : 'disappearing-on';
}

/** `604800` → `1 week`; used in rendered system texts. */
export function describeDuration(seconds: number): string {
  const units: [number, string][] = [
    [604800, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/** Replaces U+FFFC mention placeholders (UTF-16 ranges) by `@Name`, last range first so offsets stay valid. */
export function applyMentions(
  body: string,
  ranges: { start?: number | undefined; length?: number | undefined; name: string | null }[],
): string {
  const sorted = ranges.filter((r) => r.name !== null).sort((a, b) => (b.start ?? 0) - (a.start ?? 0));
  let out = body;
  for (const r of sorted) {
    const start = r.start ?? 0;
    const length = r.length ?? 1;
    if (start < 0 || start + length > out.length) continue;
    out = `${out.slice(0, start)}@${r.name}${out.slice(start + length)}`;
  }
  return out;
}

const MIME_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/aac': 'aac',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/amr': 'amr',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/x-vcard': 'vcf',
  'text/vcard': 'vcf',
  'text/x-signal-plain': 'txt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/msword': 'doc',
  'application/zip': 'zip',
};

export function extensionForMime(mime: string | null | undefined): string {
  if (!mime) return 'bin';
  const base = mime.split(';')[0]!.trim().toLowerCase();
  return MIME_EXT[base] ?? (/^[a-z]+\/([a-z0-9]+)$/.exec(base)?.[1] ?? 'bin');
}

/**
 * Signal (Android) shares a location as text whose last line is a Google Maps link with the coordinates
 * (`https://maps.google.com/maps?q=52.08%2C4.31`) [inferred from Signal-Android SignalPlace]. Returns the
 * coordinates when the body is such a location text.
 */
export function parseLocationText(body: string): { lat: number; lon: number; label: string } | null {
  const m = /(?:^|\n)https:\/\/maps\.google\.com\/maps\?q=(-?\d{1,2}(?:\.\d+)?)(?:,|%2C)(-?\d{1,3}(?:\.\d+)?)\s*$/i.exec(body);
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon, label: body.slice(0, m.index).trim() };
}

/**
 * The furthest time from 1970 (either side) that is a date in every zone. JavaScript dates reach 8.64e15 ms; a day
 * less, so that the wall-clock time in the custodian's zone (up to 14 hours off UTC) is a date too (at 8.64e15 itself
 * it is none, and the message could not be stored). Beyond it a value is no time at all.
 */
export const MAX_DATE_MS = 8.64e15 - 86_400_000;
/** What a time beyond MAX_DATE_MS is told it should have been (error messages). */
export const MAX_DATE_EXPECTED = 'expected milliseconds since 1970 within the years -271821 to 275760';

/** `1741680845000` (string or number) → number; null for absent, not a plain integer, or beyond any date. */
export function toMs(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : /^-?\d+$/.test(v) ? Number(v) : NaN;
  // Beyond MAX_DATE_MS no date exists: such a value is no time (the caller reports it as unusable).
  return Number.isFinite(n) && Math.abs(n) <= MAX_DATE_MS ? n : null;
}
