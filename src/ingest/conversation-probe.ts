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
}

/**
 * Parses at most PROBE_MESSAGES messages of the export: from its start, or, with `fromMs`, from its first message at
 * or after that time (an older export of a stored chat shares nothing at its start; see identifyConversation). Messages
 * before `fromMs` are read and passed over. Identical repeats are numbered as MessageWriter numbers them: a repeat has
 * the same local time, so none of its earlier occurrences lies before `fromMs`.
 */
export async function probeExport(ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan, fromMs = Number.NEGATIVE_INFINITY): Promise<Probe> {
  // The writer's own key function, so the probe cannot drift from it.
  const keyOf = new MessageKeys();
  const keys = new Map<string, Probed>();
  const messages: ProbedMessage[] = [];
  const occurrences = new Map<string, number>();
  const systemAuthors = new Set<string>();
  const ordinary = new Set<string>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let fromAt = '';
  let toAt = '';
  let complete = true;
  let n = 0;
  probe: for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: scan.dateOrder, zone: ctx.custodian.tz, scan })) {
    for (const m of batch) {
      if (m.sentAtMs < fromMs) continue;
      if (n++ >= PROBE_MESSAGES) {
        complete = false;
        break probe;
      }
      const author = m.extra?.['author'];
      if (typeof author === 'string') systemAuthors.add(author);
      if (m.sender === null) continue;
      const key = keyOf.base(m);
      // (An identical repeat keeps the first one's place: MessageWriter stores the first under the base key.)
      if (!keys.has(key)) keys.set(key, { sender: m.sender, senderKey: matchKey(m.sender), phone: m.senderPhone, fromSelf: m.fromSelf === true });
      const occ = occurrences.get(key) ?? 0;
      occurrences.set(key, occ + 1);
      messages.push({ key: occ === 0 ? key : `${key}#${occ}`, atMs: m.sentAtMs, localIso: m.localIso });
      if (m.sentAtMs < lo) [lo, fromAt] = [m.sentAtMs, m.localIso];
      if (m.sentAtMs > hi) [hi, toAt] = [m.sentAtMs, m.localIso];
      // (A media message is a person's, whatever its first character: a group's name sends none.)
      if (m.kind !== 'text' || !writtenByWhatsApp(m)) ordinary.add(matchKey(m.sender));
    }
  }
  return { keys, messages, fromMs: lo, toMs: hi, fromAt, toAt, complete, systemAuthors: [...systemAuthors], ordinary };
}

/** The body of a message with a sender starts with U+200E, as in the lines WhatsApp writes itself (iOS, §6.3). */
function writtenByWhatsApp(m: ParsedMessage): boolean {
  const raw = m.rawText;
  const at = m.senderRaw === null ? -1 : raw.indexOf(`${m.senderRaw}: `);
  return at >= 0 && raw.charCodeAt(at + m.senderRaw!.length + 2) === 0x200e;
}
