/**
 * The versions of an edited message: as a stored message holds them (text, extra.revisions, extra.newerVersions), as
 * a parsed message shows them, and their merge when a later source shows a message seen before (see MessageWriter).
 * Pure functions; the export's chat.html shows the stored versions too.
 */
import type { ParsedMessage, Revision } from '../../parsers/types.js';

/**
 * The versions a stored message holds, oldest first: extra.revisions, the text, extra.newerVersions (versions that
 * passage markings kept out of the text). The text's time is extra.editedAt; an unedited message's only version is
 * from its send time; an edited one without a recorded edit time has a version of unknown time.
 */
export function storedVersions(text: string, edited: boolean, sentAt: string, extra: Record<string, unknown>): { versions: Revision[]; textIndex: number } {
  const list = (v: unknown): Revision[] =>
    Array.isArray(v) ? v.filter((r): r is Revision => !!r && typeof (r as Revision).text === 'string').map((r) => ({ text: r.text, at: typeof r.at === 'string' ? r.at : null })) : [];
  const before = list(extra.revisions);
  const after = list(extra.newerVersions);
  const at = typeof extra.editedAt === 'string' ? extra.editedAt : !edited && !before.length && !after.length ? sentAt : null;
  return { versions: [...before, { text, at }, ...after], textIndex: before.length };
}

/** The versions a parsed message shows, oldest first; the last is its text. */
export function incomingVersions(m: ParsedMessage): Revision[] {
  const editedAt = m.extra?.editedAt;
  const edited = m.edited || !!m.revisions?.length;
  return [...(m.revisions ?? []), { text: m.text, at: edited ? (typeof editedAt === 'string' ? editedAt : null) : m.sentAt }];
}

const atMs = (v: Revision): number | null => {
  if (v.at === null) return null;
  const ms = Date.parse(v.at);
  return Number.isFinite(ms) ? ms : null;
};

/** One version: the same text at the same time (a version of unknown time matches on its text). */
const sameVersion = (a: Revision, b: Revision): boolean => {
  if (a.text !== b.text) return false;
  const x = atMs(a);
  const y = atMs(b);
  return x === null || y === null || x === y;
};

/**
 * Merges two version histories of one message, each oldest first, into one: every stored version (the same objects,
 * in their order) plus the incoming versions it lacks. Versions both hold anchor the merge; between anchors (and
 * after the last) the unmatched ones interleave by time, and where a time is unknown or equal the stored version
 * comes first. So a later export's further edit lands after the stored versions and becomes the newest.
 */
export function mergeVersions(stored: readonly Revision[], incoming: readonly Revision[]): Revision[] {
  const out: Revision[] = [];
  let next = 0;
  let pending: Revision[] = [];
  const flush = (upTo: number): void => {
    const mine = stored.slice(next, upTo);
    next = upTo;
    let i = 0;
    let j = 0;
    while (i < mine.length || j < pending.length) {
      const a = mine[i];
      const b = pending[j];
      const bFirst = b !== undefined && (a === undefined || (atMs(a) !== null && atMs(b) !== null && atMs(b)! < atMs(a)!));
      if (bFirst) out.push(pending[j++]!);
      else out.push(mine[i++]!);
    }
    pending = [];
  };
  for (const v of incoming) {
    let match = -1;
    for (let k = next; k < stored.length; k++) {
      if (sameVersion(stored[k]!, v)) {
        match = k;
        break;
      }
    }
    if (match === -1) {
      pending.push({ text: v.text, at: v.at });
      continue;
    }
    flush(match);
    out.push(stored[match]!);
    next = match + 1;
  }
  flush(stored.length);
  return out;
}
