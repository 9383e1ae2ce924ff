/**
 * The dedup key of a message (see MessageWriter): the format's stable key, or conversation-local time, sender and a
 * hash of kind, event and text. Pure: the writer stores under it, and conversation identity looks an export's first
 * messages up by it, so both must compute it alike.
 */
import crypto from 'node:crypto';
import type { ParsedMessage } from '../../parsers/types.js';
import { matchKey } from './ingest.js';

export class MessageKeys {
  /** Sender match keys by display name (a chat has few senders; matchKey is not free). */
  private readonly senderKeys = new Map<string, string>();

  /**
   * The key a message is stored under, before an occurrence suffix `#<n>` for the n-th identical repeat. A 'waiting'
   * notice has no sender but is keyed by its author (extra.actor): two people's notices in one minute are two
   * messages, each found again as itself (since whatsapp-1.2.0; see LegacyReading.since).
   */
  base(m: ParsedMessage): string {
    if (m.stableKey) return `k:${m.stableKey}`;
    const actor = m.event === 'waiting' && m.sender === null ? m.extra?.['actor'] : undefined;
    return this.text(m.localIso, typeof actor === 'string' ? { kind: m.kind, event: m.event, sender: actor, text: m.text } : m);
  }

  /** The key of a reading of a message without a stable key (its time as written, sender, kind, event, text). */
  text(localIso: string, m: Pick<ParsedMessage, 'kind' | 'event' | 'sender' | 'text'>): string {
    const body = crypto.hash('sha256', `${m.kind}\u0000${m.event ?? ''}\u0000${m.text}`, 'base64url').slice(0, 22);
    return `${this.prefix(localIso, m.sender)}${body}`;
  }

  /** The start of every text key of `sender` at `localIso` (see text): one range of the key index. */
  prefix(localIso: string, sender: string | null): string {
    const s = sender ?? '';
    let sk = this.senderKeys.get(s);
    if (sk === undefined) this.senderKeys.set(s, (sk = matchKey(s)));
    return `t:${localIso}|${sk}|`;
  }
}
