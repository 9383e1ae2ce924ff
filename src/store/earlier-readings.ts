/**
 * What a conversation's earlier parser versions mean for storing a message again: whether a message may be stored
 * under the key of an earlier reading, and which keys to look under (see MessageWriter.writeOld). Asks the store only
 * when a message could have had another key, once per conversation and version.
 */
import type { DB } from './db.js';
import type { ParsedMessage } from '../../parsers/types.js';
import type { MessageKeys } from './message-keys.js';
import { conversationHoldsRowsOf, EARLIER_VERSIONS } from './version-rows.js';

const CR_EOL = /\r\n?/g;

export class EarlierReadings {
  /** Whether the conversation holds rows of whatsapp-1.0.0; undefined until asked (false when it held no messages). */
  private oldRows: boolean | undefined;
  /** Per parser version: whether the conversation holds rows of an earlier version (see LegacyReading.since). */
  private readonly rowsBefore = new Map<string, boolean>();

  constructor(
    private readonly db: DB,
    private readonly conversationId: number,
    private readonly keys: MessageKeys,
    private readonly hadMessages: boolean,
  ) {
    this.oldRows = hadMessages ? undefined : false;
  }

  /**
   * Whether `m` may be stored under a key of an earlier reading. Only a message with a line break or an older reading
   * of its own can have one, and only in a conversation that holds rows of that version; everywhere else this costs no
   * lookup.
   */
  mayHold(m: ParsedMessage): boolean {
    if (m.stableKey) return false;
    // A reading that changed later (see LegacyReading.since): looked for under the old key where rows of an earlier
    // version may hold it.
    if (m.legacy?.since !== undefined) return this.hadMessages && this.holdsRowsBefore(m.legacy.since);
    // A message that whatsapp-1.0.0 may have stored under another key.
    return this.oldRows !== false && (m.legacy !== undefined || m.text.includes('\n')) && this.holdsOldRows();
  }

  private holdsOldRows(): boolean {
    if (this.oldRows === undefined) this.oldRows = conversationHoldsRowsOf(this.db, this.conversationId, ['whatsapp-1.0.0']);
    return this.oldRows;
  }

  private holdsRowsBefore(since: string): boolean {
    let held = this.rowsBefore.get(since);
    if (held === undefined) this.rowsBefore.set(since, (held = conversationHoldsRowsOf(this.db, this.conversationId, EARLIER_VERSIONS[since] ?? [])));
    return held;
  }

  /**
   * The keys a message may be stored under, each with the text of that reading, in the order tried:
   * 1. the key whatsapp-1.0.0 gave this very line (its legacy reading, else the current one: an LF line reads alike),
   *    first so that in a file of mixed line endings each identical copy finds its own old row rather than the row
   *    of a copy whose old key equals its current one;
   * 2. the current key `base` (a row of a later parser version);
   * 3. the old reading with the other line endings, every line break as '\n', '\r\n' and '\r' (trailing break
   *    included): the same message stored from an export made with other line endings than this one.
   * Deduplicated: at most four, three without a trailing empty line. A file with mixed endings inside one message
   * had readings no uniform variant gives back; those can only be matched by the same mixture (candidate 1).
   */
  candidates(m: ParsedMessage, base: string): { key: string; text: string }[] {
    const old = m.legacy ?? m;
    const out = [{ key: m.legacy ? this.keys.text(m.localIso, old) : base, text: old.text }];
    if (m.legacy) out.push({ key: base, text: m.text });
    const lf = old.text.replace(CR_EOL, '\n');
    if (lf.includes('\n')) {
      for (const text of [lf, lf.replaceAll('\n', '\r\n'), lf.replaceAll('\n', '\r')]) {
        const key = this.keys.text(m.localIso, { ...old, text });
        if (!out.some((c) => c.key === key)) out.push({ key, text });
      }
    }
    return out;
  }
}
