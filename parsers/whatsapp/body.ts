/**
 * Classifies the body of one WhatsApp message: media placeholders, attached files, contact cards,
 * locations, polls, calls, deleted notices and the edit suffix. See whatsapp.md §4 and §9.7–9.11.
 * The stored text is never normalised; only WhatsApp's own leading LRM and the edit suffix are removed.
 */
import type { MessageKind, ParsedAttachment, SystemEvent } from '../types.js';
import type { SystemMatch } from './system.js';

export interface BodyContext {
  platform: 'ios' | 'android';
  /** The export holds attached files; an iOS image/video placeholder in such an export is view-once media. */
  withMedia: boolean;
}

export interface BodyInfo {
  kind: MessageKind;
  event: SystemEvent | null;
  text: string;
  edited: boolean;
  viewOnce: boolean;
  deletedBy: 'sender' | 'self' | null | undefined;
  fromSelf: boolean | null;
  attachments: ParsedAttachment[];
  extra: Record<string, unknown> | null;
  /** The first body line started with U+200E (WhatsApp-generated text on iOS). */
  lrm: boolean;
}

const LRM = 0x200e;
const EDIT_RE = /[ \u00a0]?\u200e?<(?:This message was edited|Dit bericht is bewerkt)\.?>$/;
const ANDROID_ATTACH_RE = /^(.+?) \((?:file attached|bestand bijgevoegd)\)$/;
const IOS_ATTACH_RE = /^(?:(.*?) (?:• \u200e?(\d+) (?:pages?|pagina's|pagina) )?)?\u200e?<(?:attached|bijgevoegd): (.+)>$/;
const ANDROID_OMITTED_RE = /^<(Media|Video note|Video message) (?:omitted|weggelaten)>$/i;
const OLD_IOS_OMITTED_RE = /^<\u200e?(image|video|audio|GIF|sticker|document|Contact card|afbeelding|Visitekaartje) (?:omitted|weggelaten)>$/i;
const IOS_OMITTED_RE = /^(image|video|video note|audio|GIF|sticker|Contact card|afbeelding|Visitekaartje) (?:omitted|weggelaten)$/i;
const IOS_DOC_OMITTED_RE = /^(?:(.*?) (?:• \u200e?(\d+) (?:pages?|pagina's|pagina) )?)?\u200e?(?:document) (?:omitted|weggelaten)$/i;
const LOCATION_RE = /^(?:location|locatie): (\S+)$/i;
const LIVE_RE = /^live (?:location shared|locatie gedeeld)$/i;
const VENUE_RE = /^(.+?) \((.+)\): (https:\/\/foursquare\.com\/\S+)$/;
const LATLON_RE = /[?&]q=(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/;
const DEL_SENDER_RE = /^(?:This message was deleted|Dit bericht is verwijderd)\.?$/;
const DEL_SELF_RE = /^(?:You deleted this message|(?:U|Je) hebt dit bericht verwijderd)\.?$/;
const DEL_ADMIN_RE = /^(?:This message was deleted by (?:an admin|admin (.+?))|(You) deleted this message as admin)\.?$/;
const CALL_RE = /^(?:(Missed) (group )?(voice|video) call(?:\. (.+))?|(Voice|Video) call\. (.+))$/i;
const CALL_NL_RE = /^(?:Gemiste?) (groeps)?(spraak|video-?)(?:oproep|gesprek)(?:\. (.+))?$/i;
const WAITING_RE = /^(?:Waiting for this message|Wachten op (?:dit bericht|deze berichten))/;
const OPTION_RE = /^OPTION: (.*?)(?: \((\d+) votes?\))?$/i;
const MENTION_RE = /@\u2068([^\u2069]*)\u2069|@(\+?\d{6,15})\b/g;

const TYPE_NAMES: Record<string, string> = {
  image: 'image', afbeelding: 'image', video: 'video', 'video note': 'video note', audio: 'audio', gif: 'gif',
  sticker: 'sticker', document: 'document', 'contact card': 'contact', visitekaartje: 'contact',
  media: 'media', 'video message': 'video note',
};

/** Media type of an attached file from WhatsApp's naming scheme (`IMG-…`, `…-PHOTO-…`) or its extension. */
export function mediaTypeOf(name: string): string {
  const p = name.slice(0, 4);
  if (p === 'IMG-') return 'image';
  if (p === 'VID-') return 'video';
  if (p === 'PTT-') return 'voice';
  if (p === 'AUD-') return 'audio';
  if (p === 'STK-') return 'sticker';
  if (p === 'DOC-') return 'document';
  const m = /^\d{8}-(PHOTO|VIDEO|AUDIO|STICKER|GIF)-/.exec(name);
  if (m) return m[1] === 'PHOTO' ? 'image' : m[1]!.toLowerCase();
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'vcf') return 'contact';
  if (/^(?:jpe?g|png|heic|webp|gif)$/.test(ext)) return 'image';
  if (/^(?:mp4|mov|3gp|m4v)$/.test(ext)) return 'video';
  if (/^(?:opus|ogg|m4a|mp3|aac|wav|amr)$/.test(ext)) return 'audio';
  return 'document';
}

/** Splits off the first line of a multi-line string: [line, rest or null]. */
function splitFirst(s: string): [string, string | null] {
  const n = s.indexOf('\n');
  const r = s.indexOf('\r');
  const i = n < 0 ? r : r < 0 ? n : Math.min(n, r);
  if (i < 0) return [s, null];
  const eolLen = s.charCodeAt(i) === 13 && s.charCodeAt(i + 1) === 10 ? 2 : 1;
  return [s.slice(0, i), s.slice(i + eolLen)];
}

/** The attachments of a message without any: one shared, frozen empty list instead of a new one per message. */
const NO_ATTACHMENTS: ParsedAttachment[] = Object.freeze([]) as unknown as ParsedAttachment[];

function base(kind: MessageKind, text: string, edited: boolean, lrm: boolean): BodyInfo {
  return { kind, event: null, text, edited, viewOnce: false, deletedBy: undefined, fromSelf: null, attachments: NO_ATTACHMENTS, extra: null, lrm };
}

/**
 * Classifies a message body. `first` is the body part of the header line (after `Name: `),
 * `rest` the continuation lines joined with their own line endings (null for a one-line message).
 */
export function classifyBody(first: string, firstEol: string, rest: string | null, ctx: BodyContext): BodyInfo {
  let f = first;
  let lrm = false;
  if (f.charCodeAt(0) === LRM) {
    lrm = true;
    let i = 1;
    while (f.charCodeAt(i) === LRM) i++;
    f = f.slice(i);
  }
  let edited = false;
  const lastLine = rest ?? f;
  if (lastLine.charCodeAt(lastLine.length - 1) === 0x3e /* > */) {
    const m = EDIT_RE.exec(lastLine);
    if (m) {
      edited = true;
      if (rest === null) f = f.slice(0, m.index);
      else rest = rest.slice(0, m.index);
    }
  }
  const full = rest === null ? f : f + firstEol + rest;
  const last = f.charCodeAt(f.length - 1);
  const c0 = f.charCodeAt(0);

  if (last === 0x29 /* ) */) {
    const m = ANDROID_ATTACH_RE.exec(f);
    if (m) return attached(m[1]!, rest, edited, lrm, ctx, null, null);
  } else if (last === 0x3e /* > */) {
    let m = IOS_ATTACH_RE.exec(f);
    if (m) return attached(m[3]!, rest, edited, lrm, ctx, m[1] || null, m[2] ? Number(m[2]) : null);
    m = ANDROID_OMITTED_RE.exec(f) ?? OLD_IOS_OMITTED_RE.exec(f);
    if (m) return omitted(m[1]!, rest, edited, lrm, ctx, null, null);
  } else if ((last === 0x64 /* d */ && f.endsWith(' omitted')) || (last === 0x6e /* n */ && f.endsWith(' weggelaten'))) {
    let m = IOS_OMITTED_RE.exec(f);
    if (m) return omitted(m[1]!, rest, edited, lrm, ctx, null, null);
    m = IOS_DOC_OMITTED_RE.exec(f);
    if (m) return omitted('document', rest, edited, lrm, ctx, m[1] || null, m[2] ? Number(m[2]) : null);
  }

  if (rest !== null) {
    if (f === 'POLL:') {
      const poll = parsePoll(rest);
      if (poll) {
        const b = base('poll', full, edited, lrm);
        b.extra = { poll };
        return b;
      }
    }
    if (rest.includes('https://foursquare.com/')) {
      const lines = full.split(/\r\n|\n|\r/);
      const url = lines[lines.length - 1]!;
      if (lines.length <= 4 && url.startsWith('https://foursquare.com/')) {
        const b = base('location', full, edited, lrm);
        b.extra = { location: { name: lines[0], address: lines.length > 2 ? lines.slice(1, -1).join(', ') : null, url } };
        return b;
      }
    }
    return finishText(full, edited, lrm);
  }

  // One-line bodies.
  if (c0 === 0x6c /* l */ || c0 === 0x4c /* L */) {
    let m = LOCATION_RE.exec(f);
    if (m) return location(f, { url: m[1] }, edited, lrm);
    if (LIVE_RE.test(f)) return location(f, { live: true }, edited, lrm);
  }
  if (f.includes('https://foursquare.com/')) {
    const m = VENUE_RE.exec(f);
    if (m) return location(f, { name: m[1], address: m[2], url: m[3] }, edited, lrm);
  }
  if (c0 === 0x6e /* n */ && f === 'null') {
    const b = base('media', '', edited, lrm);
    b.viewOnce = true;
    b.attachments = [{ name: 'media', omitted: true }];
    b.extra = { mediaType: 'media' };
    return b;
  }
  const short = f.length <= 64; // every deleted notice and call text is short
  if (short && (c0 === 0x54 || c0 === 0x44 || c0 === 0x59 || c0 === 0x55 || c0 === 0x4a) /* T D Y U J */) {
    if (DEL_SENDER_RE.test(f)) return deleted(f, 'sender', null, lrm);
    if (DEL_SELF_RE.test(f)) return deleted(f, 'self', true, lrm);
    const m = DEL_ADMIN_RE.exec(f);
    if (m) {
      const b = deleted(f, m[2] ? 'self' : null, null, lrm);
      b.extra = { deletedByAdmin: m[1] ?? true };
      return b;
    }
  }
  if (short && (c0 === 0x4d || c0 === 0x47 || c0 === 0x56 || c0 === 0x6d || c0 === 0x67 || c0 === 0x76) /* M G V m g v */) {
    let m = CALL_RE.exec(f);
    if (m) {
      const call: Record<string, unknown> = m[1]
        ? { missed: true, video: m[3]!.toLowerCase() === 'video', group: !!m[2] }
        : { missed: false, video: m[5]!.toLowerCase() === 'video', group: false };
      const detail = m[4] ?? m[6];
      if (detail) call.detail = detail;
      const b = base('call', f, edited, lrm);
      b.extra = { call };
      return b;
    }
    m = CALL_NL_RE.exec(f);
    if (m) {
      const call: Record<string, unknown> = { missed: true, video: m[2]!.toLowerCase() !== 'spraak', group: !!m[1] };
      if (m[3]) call.detail = m[3];
      const b = base('call', f, edited, lrm);
      b.extra = { call };
      return b;
    }
  }
  if (c0 === 0x57 /* W */ && WAITING_RE.test(f)) {
    const b = base('system', f, edited, lrm);
    b.event = 'waiting';
    return b;
  }
  return finishText(full, edited, lrm);
}

function finishText(text: string, edited: boolean, lrm: boolean): BodyInfo {
  const b = base('text', text, edited, lrm);
  if (text.includes('@')) {
    const mentions: string[] = [];
    for (const m of text.matchAll(MENTION_RE)) mentions.push(m[1] ?? m[2]!);
    if (mentions.length) b.extra = { mentions };
  }
  return b;
}

function location(text: string, loc: Record<string, unknown>, edited: boolean, lrm: boolean): BodyInfo {
  const b = base('location', text, edited, lrm);
  if (typeof loc.url === 'string') {
    const m = LATLON_RE.exec(loc.url);
    if (m) {
      loc.lat = Number(m[1]);
      loc.lon = Number(m[2]);
    }
  }
  b.extra = { location: loc };
  return b;
}

function deleted(text: string, by: 'sender' | 'self' | null, fromSelf: boolean | null, lrm: boolean): BodyInfo {
  const b = base('deleted', text, false, lrm);
  b.deletedBy = by;
  b.fromSelf = fromSelf;
  return b;
}

function attached(name: string, rest: string | null, edited: boolean, lrm: boolean, ctx: BodyContext, doc: string | null, pages: number | null): BodyInfo {
  const mediaType = mediaTypeOf(name);
  const extra: Record<string, unknown> = { mediaType };
  let caption = rest;
  if (rest !== null && ctx.platform === 'android') {
    // DOC-…-WA0006. (trailing dot): the original document name is on the next line; a document
    // with its extension repeats its name on the next line.
    const [line, remainder] = splitFirst(rest);
    if (name.endsWith('.') || line === name) {
      doc = line;
      caption = remainder;
    }
  }
  if (doc) extra.documentName = doc;
  if (pages !== null) extra.pages = pages;
  if (mediaType === 'contact') extra.contactName = name.replace(/^\d{8}-/, '').replace(/\.vcf$/i, '');
  const b = base(mediaType === 'contact' ? 'contact' : 'media', caption ?? '', edited, lrm);
  b.attachments = [{ name }];
  b.extra = extra;
  return b;
}

function omitted(token: string, rest: string | null, edited: boolean, lrm: boolean, ctx: BodyContext, doc: string | null, pages: number | null): BodyInfo {
  const type = TYPE_NAMES[token.toLowerCase()] ?? token.toLowerCase();
  const extra: Record<string, unknown> = { mediaType: type };
  if (doc) extra.documentName = doc;
  if (pages !== null) extra.pages = pages;
  const b = base(type === 'contact' ? 'contact' : 'media', rest ?? '', edited, lrm);
  b.attachments = [{ name: doc ?? type, omitted: true }];
  if (ctx.platform === 'ios' && ctx.withMedia && (type === 'image' || type === 'video')) {
    // A with-media iOS export shows view-once photos/videos as placeholders (whatsapp.md §4).
    b.viewOnce = true;
    extra.viewOnceInferred = true;
  }
  b.extra = extra;
  return b;
}

export interface PollInfo {
  question: string;
  options: { text: string; votes: number | null }[];
}

/** Parses the lines after `POLL:`: the question, then `OPTION: text (N votes)` lines, then blank lines. */
export function parsePoll(rest: string): PollInfo | null {
  const lines = rest.split(/\r\n|\n|\r/);
  const question: string[] = [];
  const options: PollInfo['options'] = [];
  for (const line of lines) {
    if (line.startsWith('OPTION:')) {
      const m = OPTION_RE.exec(line);
      if (m) options.push({ text: m[1]!, votes: m[2] !== undefined ? Number(m[2]) : null });
    } else if (options.length === 0) {
      question.push(line);
    } else if (line.trim() !== '') {
      return null; // text after the options: not a poll
    }
  }
  if (options.length === 0) return null;
  return { question: question.join('\n'), options };
}

/** Where a possible "you deleted" notice starts in `text[from…]` (after LRMs, at a Y, U or J), or -1. */
function selfDeleteStart(text: string, from: number): number {
  let i = from;
  while (text.charCodeAt(i) === LRM) i++;
  const c = text.charCodeAt(i);
  return c === 0x59 || c === 0x55 || c === 0x4a ? i : -1;
}

/** Cheap pre-check of `isDeletedBySelf` on a body at `text[from…]`, without slicing it out. */
export function mayBeDeletedBySelf(text: string, from: number): boolean {
  return selfDeleteStart(text, from) >= 0;
}

/** `You deleted this message` / `U hebt dit bericht verwijderd`: the line's author is the exporter. */
export function isDeletedBySelf(body: string): boolean {
  const i = selfDeleteStart(body, 0);
  return i >= 0 && DEL_SELF_RE.test(i ? body.slice(i) : body);
}

/** Body of a system event: WhatsApp's own text with its LRM marks removed. */
export function systemBody(first: string, firstEol: string, rest: string | null, sys: SystemMatch | null): BodyInfo {
  const text = (rest === null ? first : first + firstEol + rest).replace(/\u200e/g, '');
  const b = base('system', text, false, first.charCodeAt(0) === LRM);
  b.event = sys ? sys.event : 'other';
  if (sys) {
    const extra: Record<string, unknown> = {};
    if (sys.actor !== undefined) extra.actor = sys.actor;
    if (sys.target !== undefined) extra.target = sys.target;
    if (sys.subject !== undefined) extra.subject = sys.subject;
    if (sys.oldSubject !== undefined) extra.oldSubject = sys.oldSubject;
    if (sys.timer !== undefined) extra.timer = sys.timer;
    if (sys.blocked !== undefined) extra.blocked = sys.blocked;
    if (Object.keys(extra).length) b.extra = extra;
    if (sys.selfActor) b.fromSelf = true;
  }
  return b;
}
