/**
 * What conversation identity (see identifyConversation) looks up in the store: the keys of an export's messages with
 * a sender, read from its start or from a given time on.
 */
import { matchKey } from '../store/ingest.js';
import { MessageKeys } from '../store/message-keys.js';
import { parseWhatsAppChunks, type WhatsAppScan } from '../../parsers/whatsapp/index.js';
import type { ParsedMessage } from '../../parsers/types.js';
import { readChunksReusing, type IngestContext } from './context.js';
import type { ExportUnit } from './discover.js';

/** Messages of an export that one probe looks up in the store. */
export const PROBE_MESSAGES = 500;

/** A message with a sender in the probe (see probeExport). */
export interface Probed {
  /** As the export writes it. */
  sender: string;
  /** matchKey(sender). */
  senderKey: string;
  phone: string | null;
  fromSelf: boolean;
}

/** Every message with a sender in the probe, identical repeats included (see probeExport). */
export interface ProbedMessage {
  /** The key MessageWriter stores it under: the base key, with `#<n>` for the n-th identical repeat (n ≥ 1). */
  key: string;
  atMs: number;
  localIso: string;
  /** In the hour repeated when daylight saving time ends (timeAmbiguous): its instant may be an hour off. */
  ambiguous: boolean;
  /**
   * Shown edited or as a deletion tombstone: the message an earlier export held with its earlier text (edited or
   * deleted for everyone since) has another key, at the same slot (see slotOf).
   */
  changed: boolean;
  /** matchKey of its sender. */
  senderKey: string;
  /** Its key had the sender written under another name (see identifyConversation: a 1:1 chat's person renamed). */
  keyAs: (sender: string) => string;
}

/**
 * The slot of a text key: its time as written and sender, without the hash of its body (see MessageKeys.text); null
 * for a format's stable key, which no edit changes.
 */
export function slotOf(key: string): string | null {
  return key.startsWith('t:') ? key.slice(0, key.lastIndexOf('|') + 1) : null;
}

export interface Probe {
  /** Base keys of the probed messages with a sender, in export order, with their sender. */
  keys: Map<string, Probed>;
  messages: ProbedMessage[];
  /** The time the probed messages span (ms and local time as written). */
  fromMs: number;
  toMs: number;
  fromAt: string;
  toAt: string;
  /** The probe read every message from its start to the export's end. */
  complete: boolean;
  /** Authors of system lines (extra.author). */
  systemAuthors: string[];
  /** Senders (matchKey) of an ordinary message: media, or a text without the leading U+200E of a line WhatsApp writes itself. */
  ordinary: Set<string>;
  /**
   * The system events written under a name (an iOS group's own events, under the group's name at export time), with
   * their base key and that name.
   */
  events: { key: string; author: string }[];
}

/** Parses at most PROBE_MESSAGES messages from the export's start (see probeExportFrom). */
export async function probeExport(ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan): Promise<Probe> {
  return (await probeExportFrom(ctx, unit, scan, [Number.NEGATIVE_INFINITY]))[0]!;
}

/**
 * Probes of the export in one reading: for each time in `froms`, at most PROBE_MESSAGES messages from the export's
 * first message at or after that time on (an older export of a stored chat shares nothing at its start; see
 * identifyConversation). Messages before a probe's time are passed over by it. Identical repeats are numbered as
 * MessageWriter numbers them: a repeat has the same local time, so none of its earlier occurrences lies before the
 * probe's time. Reading stops when every probe is full.
 */
export async function probeExportFrom(ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan, froms: number[]): Promise<Probe[]> {
  // The writer's own key function, so the probe cannot drift from it.
  const keyOf = new MessageKeys();
  const probes = froms.map((from) => new ProbeBuilder(from));
  let open = probes.length;
  read: for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: scan.dateOrder, zone: ctx.custodian.tz, scan })) {
    for (const m of batch) {
      let key: string | null | undefined;
      for (const p of probes) {
        if (p.full || m.sentAtMs < p.from) continue;
        if (p.n++ >= PROBE_MESSAGES) {
          p.full = true;
          if (--open === 0) break read;
          continue;
        }
        if (key === undefined) key = m.sender !== null || typeof m.extra?.['author'] === 'string' ? keyOf.base(m) : null;
        p.add(m, key, keyOf);
      }
    }
  }
  return probes.map((p) => p.probe());
}

class ProbeBuilder {
  n = 0;
  full = false;
  private readonly keys = new Map<string, Probed>();
  private readonly messages: ProbedMessage[] = [];
  private readonly occurrences = new Map<string, number>();
  private readonly systemAuthors = new Set<string>();
  private readonly ordinary = new Set<string>();
  private readonly events: { key: string; author: string }[] = [];
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private fromAt = '';
  private toAt = '';

  constructor(readonly from: number) {}

  /** `key`: the message's base key, null for one with neither a sender nor an author. */
  add(m: ParsedMessage, key: string | null, keyOf: MessageKeys): void {
    const author = m.extra?.['author'];
    if (typeof author === 'string') {
      this.systemAuthors.add(author);
      if (m.sender === null && key !== null) this.events.push({ key, author });
    }
    if (m.sender === null || key === null) return;
    // (An identical repeat keeps the first one's place: MessageWriter stores the first under the base key.)
    const senderKey = matchKey(m.sender);
    if (!this.keys.has(key)) this.keys.set(key, { sender: m.sender, senderKey, phone: m.senderPhone, fromSelf: m.fromSelf === true });
    const occ = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, occ + 1);
    const suffix = occ === 0 ? '' : `#${occ}`;
    this.messages.push({
      key: key + suffix, atMs: m.sentAtMs, localIso: m.localIso, ambiguous: m.timeAmbiguous,
      changed: m.edited || m.kind === 'deleted', senderKey, keyAs: (sender) => keyOf.base({ ...m, sender }) + suffix,
    });
    if (m.sentAtMs < this.lo) [this.lo, this.fromAt] = [m.sentAtMs, m.localIso];
    if (m.sentAtMs > this.hi) [this.hi, this.toAt] = [m.sentAtMs, m.localIso];
    // (A media message is a person's, whatever its first character: a group's name sends none.)
    if (m.kind !== 'text' || !writtenByWhatsApp(m)) this.ordinary.add(matchKey(m.sender));
  }

  probe(): Probe {
    return {
      keys: this.keys, messages: this.messages, fromMs: this.lo, toMs: this.hi, fromAt: this.fromAt, toAt: this.toAt,
      complete: !this.full, systemAuthors: [...this.systemAuthors], ordinary: this.ordinary,
      events: this.events,
    };
  }
}

/** The body of a message with a sender starts with U+200E, as in the lines WhatsApp writes itself (iOS, §6.3). */
function writtenByWhatsApp(m: ParsedMessage): boolean {
  const raw = m.rawText;
  const at = m.senderRaw === null ? -1 : raw.indexOf(`${m.senderRaw}: `);
  return at >= 0 && raw.charCodeAt(at + m.senderRaw!.length + 2) === 0x200e;
}
