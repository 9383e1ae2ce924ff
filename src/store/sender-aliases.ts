/**
 * Senders the current source writes under another name than the stored messages (see
 * src/ingest/sender-renames.ts): how a message of this source read when the stored ones were written.
 */
import type { ParsedMessage } from '../../parsers/types.js';

export class SenderAliases {
  /** `map`: the name this source writes → the name the stored messages have. */
  constructor(private readonly map: Map<string, string>) {}

  /**
   * `m` as the earlier export wrote it, or null when no renamed person touches it: a renamed sender's message under
   * the stored name; a system event that names a renamed person (WhatsApp writes the name the phone shows now into
   * "X added Y" as into the author) with the stored name; a "waiting for this message" notice keyed by its author.
   */
  earlierReading(m: ParsedMessage): ParsedMessage | null {
    if (m.stableKey) return null;
    if (m.sender !== null) {
      const was = this.map.get(m.sender);
      if (was === undefined) return null;
      return { ...m, sender: was, ...(m.legacy && m.legacy.sender !== null ? { legacy: { ...m.legacy, sender: was } } : {}) };
    }
    if (m.kind !== 'system') return null;
    let text = m.text;
    let extra = m.extra;
    const actor = extra?.['actor'];
    if (typeof actor === 'string' && this.map.has(actor)) extra = { ...extra, actor: this.map.get(actor)! };
    for (const [now, was] of this.map) if (text.includes(now)) text = text.split(now).join(was);
    return text === m.text && extra === m.extra ? null : { ...m, text, ...(extra ? { extra } : {}) };
  }
}
