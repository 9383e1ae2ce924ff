/**
 * Which author of a WhatsApp export is the custodian (the phone's owner). A WhatsApp export names every author by
 * the name the phone shows, the owner included, and marks none of them as the owner; the store needs to know
 * (the sender role in the archive packages, and rules such as "every participant other than the custodian is privé").
 * Evidence, strongest first:
 * - a message deleted by the phone's owner ("U hebt dit bericht verwijderd") is written under the owner's name;
 * - the custodian's registered name written as an author;
 * - a 1:1 chat the export names after one of its two authors (file or zip name, or the notice's author on iOS): the
 *   other author is the phone's owner.
 * A group's title never names a person, so a group gives evidence only through the first two.
 */
import { toE164 } from '../../parsers/phone.js';
import { matchKey } from '../store/ingest.js';

export interface SelfEvidence {
  authors: string[];
  isGroup: boolean;
  /** The chat's name as the export states it (null: the export names no chat). */
  namedTitle: string | null;
  /** The author of a message the export shows as deleted by the phone's owner. */
  selfNameHint: string | null;
  custodianName: string;
}

const same = (a: string, b: string): boolean => {
  if (matchKey(a) === matchKey(b)) return true;
  const p = toE164(a);
  return p !== null && p === toE164(b);
};

/** The author that is the custodian, or null when the export does not tell. */
export function selfAuthor(e: SelfEvidence): string | null {
  if (e.selfNameHint !== null && e.authors.some((a) => a === e.selfNameHint)) return e.selfNameHint;
  const named = e.authors.filter((a) => matchKey(a) === matchKey(e.custodianName));
  if (named.length === 1) return named[0]!;
  if (!e.isGroup && e.namedTitle !== null && e.authors.length === 2) {
    const other = e.authors.filter((a) => !same(a, e.namedTitle!));
    if (other.length === 1) return other[0]!;
  }
  return null;
}
