import type { DB } from '../store/db.js';
import { getMessage } from '../store/messages.js';
import { messageMarking, messagePassages, type CleaningContext, type EffectiveMarking } from './clean.js';

const norm = (s: string): string => s.normalize('NFC').toLowerCase().trim();

/**
 * Whether a conversation's title only exists through withheld content: a group name set by a system event
 * (group-created, subject-changed) that the geschoonde set withholds (a marker, or a withheld passage in it), and
 * named by no kept event. Events outside the export period count too: the title is the same in every period.
 */
export function titleOnlyInWithheld(db: DB, ctx: CleaningContext, markingsOf: (messageId: number) => readonly EffectiveMarking[]): boolean {
  const key = norm(ctx.title);
  if (!key) return false;
  const ids = db
    .prepare(`SELECT id FROM messages WHERE conversation_id = ? AND kind = 'system' AND event IN ('group-created','subject-changed') ORDER BY seq`)
    .pluck()
    .all(ctx.conversationId) as number[];
  let withheld = false;
  for (const id of ids) {
    const m = getMessage(db, id);
    if (!m) continue;
    const subject = typeof m.extra?.subject === 'string' ? m.extra.subject : '';
    if (!norm(m.text).includes(key) && norm(subject) !== key) continue;
    const eff = markingsOf(id);
    if (messageMarking(m, eff, ctx) || messagePassages(m, eff, ctx).length) withheld = true;
    else return false;
  }
  return withheld;
}
