import type { DB } from '../store/db.js';
import { getMessage, type MessageJson } from '../store/messages.js';
import { messageMarking, messagePassages, type CleaningContext, type EffectiveMarking } from './clean.js';
import { groupTextsSetBy, subjectScreen, withheldGroupTexts } from './subjects.js';

const norm = (s: string): string => s.normalize('NFC').toLowerCase().trim();

export interface GroupTexts {
  /** Subjects and descriptions that only withheld events set (src/export/subjects.ts). */
  subjectsWithheld: string[];
  /** The title only exists through withheld content. */
  titleWithheld: boolean;
}

/**
 * What of a conversation's group names the geschoonde set withholds. An event counts as withheld when the geschoonde
 * set withholds it (a marker, or a withheld passage in it). Events outside the export period count too: the title is
 * the same in every period, and a later period's kept event may quote a subject set in an earlier one.
 *
 * - subjectsWithheld: the subjects (and descriptions) set by a withheld event and by no kept event.
 * - titleWithheld: the title is a group name set by a withheld event (group-created, subject-changed, or a Signal
 *   group update) and named by no kept event as the geschoonde set shows it, i.e. after its withheld subjects are
 *   screened: a kept event that merely quotes the title as the old subject does not make it public.
 */
export function groupTextsOf(db: DB, ctx: CleaningContext, markingsOf: (messageId: number) => readonly EffectiveMarking[]): GroupTexts {
  // Only events that may set a text (groupTextsSetBy): a large Signal group has many updates of members only.
  const ids = db
    .prepare(
      `SELECT id FROM messages WHERE conversation_id = ? AND kind = 'system'
       AND (event IN ('group-created','subject-changed','description-changed') OR text LIKE '%changed the group name to "%'
         OR (extra_json LIKE '%"groupUpdates"%' AND (extra_json LIKE '%"newGroupName"%' OR extra_json LIKE '%"newTitle"%'
           OR extra_json LIKE '%"newDescription"%' OR extra_json LIKE '%"description"%'))) ORDER BY seq`,
    )
    .pluck()
    .all(ctx.conversationId) as number[];
  const events: { m: MessageJson; texts: string[]; withheld: boolean }[] = [];
  for (const id of ids) {
    const m = getMessage(db, id);
    if (!m) continue;
    const eff = markingsOf(id);
    events.push({ m, texts: groupTextsSetBy(m), withheld: !!messageMarking(m, eff, ctx) || messagePassages(m, eff, ctx).length > 0 });
  }
  const subjectsWithheld = withheldGroupTexts(events);
  const screen = subjectScreen(subjectsWithheld);
  const title = norm(ctx.title);
  let titleWithheld = false;
  if (title) {
    for (const { m, texts, withheld } of events) {
      // Events that may set a group name (a Signal update of members only sets nothing; a description is no title).
      if (m.event === 'description-changed' || (m.event !== 'group-created' && m.event !== 'subject-changed' && !texts.length)) continue;
      const shown = withheld || !screen ? m.text : screen.redact(m.text);
      if (!norm(shown).includes(title) && !texts.some((t) => norm(t) === title)) continue;
      if (!withheld) { titleWithheld = false; break; }
      titleWithheld = true;
    }
  }
  return { subjectsWithheld, titleWithheld };
}
