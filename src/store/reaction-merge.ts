import type { DB } from './db.js';
import type { ParsedMessage, Reaction } from '../../parsers/types.js';

/**
 * Reactions that a later source shows on a stored message (a colleague's ✅ given after the earlier read-out) are
 * added to the message's `extra.reactions`; one the later source no longer shows stays (the store never drops what an
 * earlier source held). A reaction is its author, emoji and time. Only asked for sighted messages with reactions.
 */
export class ReactionMerge {
  private readonly read;
  private readonly write;
  added = 0;

  constructor(db: DB) {
    this.read = db.prepare('SELECT extra_json FROM messages WHERE id = ?').pluck();
    this.write = db.prepare('UPDATE messages SET extra_json = ? WHERE id = ?');
  }

  merge(id: number, m: ParsedMessage): void {
    const json = this.read.get(id) as string | null;
    const extra = json ? (JSON.parse(json) as Record<string, unknown>) : {};
    const stored = Array.isArray(extra.reactions) ? (extra.reactions as Reaction[]) : [];
    const key = (r: Reaction): string => `${r.author ?? ''}\u0000${r.emoji}\u0000${r.at ?? ''}`;
    const known = new Set(stored.map(key));
    const fresh = (m.reactions ?? []).filter((r) => !known.has(key(r)));
    if (!fresh.length) return;
    extra.reactions = [...stored, ...fresh];
    this.write.run(JSON.stringify(extra), id);
    this.added += fresh.length;
  }
}
