import { Screen, STRICT_MIN_NAME_CHARS } from './screen.js';

/**
 * Group subjects (names) and descriptions that only withheld content sets (pure; no I/O).
 *
 * A subject set by a withheld system event ("Eva heeft het onderwerp gewijzigd naar …", marked privé) is withheld
 * content, but a later kept event quotes it ("Karin heeft het onderwerp gewijzigd van <it> naar …") and a title may be
 * made of it. The cleaner replaces it in kept system events and in the conversation title by SUBJECT_WITHHELD; a
 * subject that a kept event itself sets is shown. `verify` treats such a subject as withheld text.
 *
 * Where the texts come from: WhatsApp records the new subject of group-created and subject-changed events
 * (`extra.subject`); Signal backups and sigtop record the group updates (`extra.groupUpdates`: the new group name, the
 * new description), and every Signal rendering writes `changed the group name to "<name>".`. WhatsApp's own
 * description-changed events carry no text. Matching is by whole words, case-insensitive after NFC, from 2 letters or
 * digits (the strict rule of titles and system events, see screen.ts); a subject without words (only emoji) is not
 * screened.
 */

/** What the geschoonde set shows instead of a withheld subject (inside brackets, like a pseudonym). */
export const SUBJECT_WITHHELD = 'onderwerp afgeschermd';

const SIGNAL_RENAME = /changed the group name to "(.*?)"\.?(?=\s|$)/g;

interface EventLike {
  kind: string;
  text: string;
  extra?: Record<string, unknown> | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The group subjects and descriptions a system event sets (none for any other message). */
export function groupTextsSetBy(m: EventLike): string[] {
  if (m.kind !== 'system') return [];
  const out: string[] = [];
  const subject = str(m.extra?.subject);
  if (subject) out.push(subject);
  const updates = m.extra?.groupUpdates;
  if (Array.isArray(updates)) {
    for (const u of updates as Record<string, unknown>[]) {
      if (!u || typeof u !== 'object') continue;
      // Signal backup: newGroupName, newDescription; sigtop (Signal Desktop): newTitle, description.
      for (const k of ['newGroupName', 'newDescription', 'newTitle', 'description']) {
        const v = str(u[k]);
        if (v) out.push(v);
      }
    }
  }
  for (const r of m.text.matchAll(SIGNAL_RENAME)) if (str(r[1])) out.push(r[1]!);
  return [...new Set(out)];
}

const key = (s: string): string => s.normalize('NFC').toLowerCase().trim();

/** The texts that withheld events set and no kept event sets, in the order first seen, each once. */
export function withheldGroupTexts(events: Iterable<{ texts: readonly string[]; withheld: boolean }>): string[] {
  const kept = new Set<string>();
  const withheld = new Map<string, string>();
  for (const e of events) {
    for (const t of e.texts) {
      if (!e.withheld) kept.add(key(t));
      else if (!withheld.has(key(t))) withheld.set(key(t), t);
    }
  }
  return [...withheld].filter(([k]) => !kept.has(k)).map(([, t]) => t);
}

/** The screen that replaces withheld subjects by `[onderwerp afgeschermd]`, or null when there are none. */
export function subjectScreen(withheld: readonly string[]): Screen | null {
  if (!withheld.length) return null;
  const s = new Screen([{ contactId: 0, pseudonym: SUBJECT_WITHHELD, names: [...withheld], phones: [] }], [], STRICT_MIN_NAME_CHARS);
  return s.empty ? null : s;
}
