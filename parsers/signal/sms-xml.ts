/**
 * SMS Backup & Restore XML (`<smses><sms/><mms>…</mms></smses>`), streamed with sax. One parser, three
 * producers: the SMS Backup & Restore app (platform 'sms'), `signalbackup-tools --exportxml` and Signal's
 * pre-2018 plaintext export (platform 'signal'). The producer is decided from the prolog (comment, stylesheet,
 * root attributes) and can be forced by the caller.
 *
 * Known traps handled here: emoji written as UTF-16 surrogate-pair character references (`&#55357;&#56832;`,
 * invalid XML that sax leaves as literal text: recombined below), `count` that does not match the elements,
 * and keeping each element's exact source text as evidence (`rawText`).
 */
import sax from 'sax';

// sax refuses any text or attribute longer than its buffer limit, 64 KiB by default: an MMS part holds its photo or
// video as one base64 attribute, so real backups were refused as invalid XML. The limit is a module setting; it is
// raised to the longest string V8 can hold (the file's size is bounded by the ingest's own limits).
const saxLimits = sax as unknown as { MAX_BUFFER_LENGTH: number };
saxLimits.MAX_BUFFER_LENGTH = Math.max(saxLimits.MAX_BUFFER_LENGTH, (1 << 29) - 24);
import { toE164 } from '../phone.js';
import { DEFAULT_SELF_NAME, SignalFormatError, WarningSink, type SignalEvent, type SignalParseOptions } from './common.js';
import { xmlDecoder, type XmlDecoder } from './xml-text.js';
import { describeSmsChat, mmsMessage, smsMessage, type Attrs, type MmsElement, type SmsChatInfo, type SmsContext } from './sms-records.js';

export interface SmsXmlOptions extends SignalParseOptions {
  /** Force the platform instead of deciding it from the file. */
  platform?: 'sms' | 'signal';
}

/** sax's states inside a DOCTYPE declaration (before its closing '>'). */
const SAX_STATE = (sax as unknown as { STATE: Record<string, number> }).STATE;
const IN_DOCTYPE = new Set(['DOCTYPE', 'DOCTYPE_QUOTED', 'DOCTYPE_DTD', 'DOCTYPE_DTD_QUOTED'].map((k) => SAX_STATE[k]));

/**
 * The refusal of a DOCTYPE declaration. Entities declared in it expand when referenced (a "billion laughs"
 * file grows a few bytes into gigabytes; an external entity reads another file), and no producer of this format writes
 * one, so the file is refused rather than read with them ignored.
 */
function doctypeRefusal(entry: string, line: number): SignalFormatError {
  return new SignalFormatError(
    'the file has a DOCTYPE declaration (<!DOCTYPE …>); DOCTYPE and entity declarations are refused for safety (XML entity ' +
      'expansion: a few declared entities can expand to gigabytes, or read other files). SMS Backup & Restore writes none: ' +
      'ingest the backup as the app wrote it',
    { entry, line, expected: 'SMS Backup & Restore XML without a DOCTYPE' },
  );
}

const newlines = (s: string): number => s.split('\n').length - 1;

const REF_PAIR = /&#(x[0-9a-fA-F]+|\d+);&#(x[0-9a-fA-F]+|\d+);/g;
const REF_ONE = /&#(x[0-9a-fA-F]+|\d+);/;

const refValue = (r: string): number => (r[0] === 'x' || r[0] === 'X' ? parseInt(r.slice(1), 16) : parseInt(r, 10));

/** Joins `&#55357;&#56832;` (high + low surrogate references left as text by sax) into the one character. */
export function fixSurrogateRefs(s: string): string {
  if (!s.includes('&#')) return s;
  return s.replace(REF_PAIR, (all, a: string, b: string) => {
    const hi = refValue(a);
    const lo = refValue(b);
    return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff ? String.fromCharCode(hi, lo) : all;
  });
}

interface Producer {
  platform: 'sms' | 'signal';
  producer: 'sms-backup-restore' | 'signalbackup-tools' | 'signal-legacy-plaintext' | 'unknown';
  evidence: string;
}

function decideProducer(comments: string[], stylesheet: boolean, root: Attrs): Producer {
  const comment = comments.join(' ');
  if (/File Created By Signal/i.test(comment)) return { platform: 'signal', producer: 'signal-legacy-plaintext', evidence: 'comment "File Created By Signal"' };
  if (/SMS Backup & Restore/i.test(comment)) return { platform: 'sms', producer: 'sms-backup-restore', evidence: 'comment "SMS Backup & Restore"' };
  if (root.backup_set !== undefined || root.backup_date !== undefined) return { platform: 'sms', producer: 'sms-backup-restore', evidence: 'backup_set/backup_date on <smses>' };
  if (stylesheet) return { platform: 'signal', producer: 'signalbackup-tools', evidence: 'sms.xsl stylesheet without SMS Backup & Restore markers' };
  return { platform: 'sms', producer: 'unknown', evidence: 'no producer markers' };
}

const LOSSES: Record<string, string> = {
  'signalbackup-tools':
    'signalbackup-tools XML leaves out reactions, quotes, edit history, calls, group and timer changes, status messages and attachment file names; view-once and disappearing content may be missing',
  'signal-legacy-plaintext': "Signal's old plaintext export holds SMS text only: no media, no Signal (push) messages",
};

export async function* parseSmsXml(
  bytes: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  opts: SmsXmlOptions,
): AsyncGenerator<SignalEvent> {
  const entry = opts.entry ?? 'sms.xml';
  const warnings = new WarningSink(opts.onWarning, entry);
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  let decoder: XmlDecoder | null = null;
  const queue: SignalEvent[] = [];
  const chats = new Map<string, { info: SmsChatInfo; emitted: string }>();
  const comments: string[] = [];
  let stylesheet = false;
  let fatal: SignalFormatError | null = null;
  let ctx: SmsContext | null = null;
  let declaredCount: number | null = null;
  let elements = 0;
  let seq = 0;
  // Source text from absolute char index `bufStart`, kept while an element may still need its raw text.
  let buf = '';
  let bufStart = 0;
  let elStart = -1; // absolute index of the '<' of the open <sms>/<mms>, or -1
  let elLine = 0;
  let mms: MmsElement | null = null;
  let smsAttrs: Attrs | null = null;
  let sawRoot = false;

  const attrsOf = (node: sax.Tag | sax.QualifiedTag): Attrs => {
    const out: Attrs = {};
    for (const [k, v] of Object.entries(node.attributes)) {
      const fixed = fixSurrogateRefs(typeof v === 'string' ? v : v.value);
      // sax decodes every valid reference; one still present was not a valid XML character.
      if (REF_ONE.test(fixed)) warnings.warn('invalid-character-reference', 'a character reference that is not a valid XML character was kept as written', parser.line + 1);
      out[k] = fixed;
    }
    return out;
  };
  const raw = (): string => buf.slice(elStart - bufStart, parser.position - bufStart);
  const emit = (r: { chat: SmsChatInfo; message: import('../types.js').ParsedMessage }): void => {
    if (!chats.has(r.chat.chatKey)) {
      const chat = describeSmsChat(ctx!, r.chat);
      chats.set(r.chat.chatKey, { info: r.chat, emitted: JSON.stringify(chat) });
      queue.push({ type: 'chat', chat, lowFidelity: false });
    }
    queue.push({ type: 'message', chatKey: r.chat.chatKey, message: r.message });
  };

  parser.onerror = (err: Error) => {
    // Numeric/named references that are not XML characters (surrogate halves above all): keep going, the
    // literal text stays in the value and is repaired by fixSurrogateRefs.
    if (/^Invalid character entity/.test(err.message)) {
      (parser as { error: Error | null }).error = null;
      return;
    }
    if (!fatal) {
      fatal = new SignalFormatError(`invalid XML: ${err.message.split('\n')[0]} (column ${parser.column + 1})`, {
        entry,
        line: parser.line + 1,
        expected: 'well-formed SMS Backup & Restore XML (<smses> with <sms>/<mms> elements)',
      });
    }
    (parser as { error: Error | null }).error = null;
  };
  parser.ondoctype = (text: string) => {
    fatal ??= doctypeRefusal(entry, parser.line + 1 - newlines(text));
  };
  parser.oncomment = (c: string) => {
    if (!sawRoot) comments.push(c);
  };
  parser.onprocessinginstruction = (pi: { name: string; body: string }) => {
    if (pi.name === 'xml-stylesheet') stylesheet = true;
  };
  parser.onopentag = (node: sax.Tag | sax.QualifiedTag) => {
    const name = node.name;
    if (!sawRoot) {
      sawRoot = true;
      if (name !== 'smses') {
        fatal ??= new SignalFormatError(`root element is <${name}>`, { entry, line: parser.line + 1, expected: '<smses> (SMS Backup & Restore XML)' });
        return;
      }
      const root = attrsOf(node);
      const p = decideProducer(comments, stylesheet, root);
      const platform = opts.platform ?? p.platform;
      if (p.producer === 'unknown' && !opts.platform) warnings.warn('platform-guessed', 'no producer markers in the XML; read as SMS (pass platform to override)');
      if (LOSSES[p.producer]) warnings.warn('lossy-export', LOSSES[p.producer]!);
      declaredCount = root.count !== undefined && /^\d+$/.test(root.count) ? Number(root.count) : null;
      ctx = { zone: opts.zone, entry, platform, warnings, selfName: opts.selfName ?? DEFAULT_SELF_NAME, selfPhone: toE164(opts.selfPhone), learnedSelfPhone: null, names: new Map() };
      queue.push({
        type: 'source',
        format: 'sms-xml',
        platform,
        lowFidelity: false,
        details: { producer: p.producer, evidence: p.evidence, platformForced: opts.platform !== undefined, declaredCount, comment: comments.join(' ').trim() || null },
      });
      return;
    }
    if (!ctx) return;
    if (name === 'sms' || name === 'mms') {
      elStart = parser.startTagPosition - 1;
      const openTag = buf.slice(elStart - bufStart, parser.position - bufStart);
      elLine = parser.line + 1 - (openTag.match(/\n/g)?.length ?? 0);
      if (name === 'mms') mms = { attrs: attrsOf(node), parts: [], addrs: [] };
      else mms = null;
      if (name === 'sms') smsAttrs = attrsOf(node);
    } else if (name === 'part' && mms) {
      mms.parts.push(attrsOf(node));
    } else if (name === 'addr' && mms) {
      mms.addrs.push(attrsOf(node));
    }
  };
  parser.onclosetag = (name: string) => {
    if (!ctx || fatal) return;
    try {
      if (name === 'sms' && smsAttrs) {
        elements++;
        emit(smsMessage(ctx, smsAttrs, { seq: seq++, line: elLine, rawText: raw() }));
        smsAttrs = null;
        elStart = -1;
      } else if (name === 'mms' && mms) {
        elements++;
        emit(mmsMessage(ctx, mms, { seq: seq++, line: elLine, rawText: raw() }));
        mms = null;
        elStart = -1;
      }
    } catch (e) {
      fatal = e instanceof SignalFormatError ? e : new SignalFormatError(String(e), { entry, line: elLine });
    }
  };

  const feed = function* (text: string): Generator<SignalEvent> {
    if (!text) return;
    buf += text;
    parser.write(text);
    // A DOCTYPE not closed by the end of this chunk is refused now: sax would hold all of it in memory until its '>'.
    const state = parser as unknown as { state: number; doctype: unknown };
    if (!fatal && IN_DOCTYPE.has(state.state)) {
      fatal = doctypeRefusal(entry, parser.line + 1 - newlines(String(state.doctype)));
    }
    if (fatal) throw fatal;
    yield* queue.splice(0);
    // Keep only what an element still being read may need: from its '<' (or from the last '<' seen).
    const keepFrom = elStart >= 0 ? elStart : Math.max(bufStart, parser.startTagPosition - 1);
    if (keepFrom > bufStart) {
      buf = buf.slice(keepFrom - bufStart);
      bufStart = keepFrom;
    }
  };

  let first = true;
  const invalid = (offset: number, count: number): void =>
    warnings.warn('invalid-utf8', `invalid UTF-8 at byte offset ${offset}${count > 1 ? ` and ${count - 1} more place(s)` : ''}; replaced by U+FFFD (the file declares no other encoding)`);
  // The declaration is read from the first 256 bytes however the stream is chunked.
  let head: Buffer[] = [];
  let headBytes = 0;
  const decode = (b: Buffer): string => {
    decoder ??= xmlDecoder(b, invalid);
    let text = decoder.write(b);
    if (first && text) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  };
  for await (const chunk of bytes) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (!decoder) {
      head.push(b);
      headBytes += b.length;
      if (headBytes < 256) continue;
      const all = Buffer.concat(head);
      head = [];
      yield* feed(decode(all));
      continue;
    }
    yield* feed(decode(b));
  }
  if (head.length) yield* feed(decode(Buffer.concat(head)));
  // (assigned in `decode`, which TypeScript does not follow)
  const d = decoder as XmlDecoder | null;
  if (d) yield* feed(d.end());
  parser.close();
  if (fatal) throw fatal;
  if (!sawRoot) throw new SignalFormatError('no XML root element found', { entry, line: parser.line + 1, expected: '<smses> (SMS Backup & Restore XML)' });
  yield* queue.splice(0);
  if (declaredCount !== null && declaredCount !== elements) {
    warnings.warn('count-mismatch', `<smses count="${declaredCount}"> but ${elements} <sms>/<mms> elements were found; the count attribute is not trusted`);
  }
  for (const { info, emitted } of chats.values()) {
    const chat = describeSmsChat(ctx!, info);
    if (JSON.stringify(chat) !== emitted) yield { type: 'chat', chat, lowFidelity: false };
  }
}
