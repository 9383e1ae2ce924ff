import crypto from 'node:crypto';
import type { MessageJson } from '../store/messages.js';
import { sha256 } from './writer.js';

/**
 * The content hash the export ledger keeps for a message of the ruwe dataset, and how a vervolgexport decides that a
 * delivered message has changed since (`changedSinceDelivery`).
 *
 * A ruw slot is `{type: 'raw-message', message, cleaning}`, and `message.sources` lists every source export that
 * contained the message. A later export of the same chat only sights a delivered message again: its `sources` grows,
 * but the record the archive received (text and versions, attachments and their bytes, kind/event, sender, times,
 * reply link, the cleaning outcome) is the same. So the ledger hash is taken over the slot WITHOUT `sources`; every
 * other field counts, so a real change (a later edit, an attachment filled in, another marking) still does.
 *
 * `missingIn` does count. It is not a sighting but its opposite: a later export that covers the message's time lacks
 * it, a possible deletion on the phone (an information-losing event the archive must hear about). It grows only when
 * that happens, not because a chat was exported again, so it does not make the warning cry wolf; and once it has, the
 * delivered record (`missingIn: []`) no longer tells the whole story.
 *
 * The ledger (export_ledger.content_hash, and `contentHash` in levering.json) therefore holds, for a ruw message, this
 * sighting-independent hash, no longer the SHA-256 of its chat.json line. Ledgers written by earlier versions hold that
 * SHA-256 of the whole line as delivered, `sources` included, and an object left out is never recorded again, so such
 * entries stay. One is recognised by recomputing that hash with the sources the message had at the delivery: source
 * ids grow with every ingest and sightings are never removed, so those are a prefix of its current (ascending)
 * `sources` (see `matchesEarlierSightings`; only tried when the new hash differs, at most one hash per source). No
 * format marker is needed: the two hashes are over different texts, so neither can stand for the other.
 */

/** A ruw chat.json slot as the export writes it (the key order is the written JSON's). */
export interface RawSlot {
  type: 'raw-message';
  message: Omit<MessageJson, 'attachments'> & { attachments: (MessageJson['attachments'][number] & { file: string | null })[] };
  cleaning: unknown;
}

/** The ledger hash of a ruw slot: over the slot as written, without `message.sources` (where it was seen). */
export function rawRecordHash(slot: RawSlot): string {
  return rawLineHash(JSON.stringify(slot));
}

/** The member `"sources":[…]` of the message, with the comma before it (it is never the first member). */
const SOURCES_MEMBER = ',"sources":[';

/**
 * `rawRecordHash` of the slot whose chat.json line is `json`, without serialising the slot a second time: the line
 * without its `,"sources":[…]` member is the slot without `sources`, serialised. The first `,"sources":[` in the line
 * is that member: no member before it has that name (the slot's `type`, the message's fields up to its attachments,
 * whose members are fixed), and inside a JSON string a quote is always escaped, so no string value holds the
 * sequence. The array holds source ids only, so its first `]` ends it.
 */
export function rawLineHash(json: string): string {
  const at = json.indexOf(SOURCES_MEMBER);
  if (at < 0) return sha256(json);
  const end = json.indexOf(']', at + SOURCES_MEMBER.length);
  return crypto.createHash('sha256').update(json.slice(0, at)).update(json.slice(end + 1)).digest('hex');
}

/**
 * Whether `deliveredHash`, a ledger hash written by an earlier version (over the whole slot, `sources` included), is
 * this slot as it was delivered: the same record, with the sources the message had then (a prefix of its sources now).
 * Candidates from the newest back; one that would leave out a source from before the latest `missingIn` is skipped, as
 * its `missingIn` could not have been the current one (a possible deletion since the delivery is a change).
 */
export function matchesEarlierSightings(slot: RawSlot, deliveredHash: string): boolean {
  const sources = slot.message.sources;
  const lastMissing = slot.message.missingIn.reduce((a, b) => Math.max(a, b), -Infinity);
  const lowest = Math.min(sources.length, Math.max(1, sources.filter((s) => s < lastMissing).length));
  for (let k = sources.length; k >= lowest; k--) {
    // Replacing the value keeps the key's place, so the text is the one the earlier version wrote.
    if (sha256(JSON.stringify({ ...slot, message: { ...slot.message, sources: sources.slice(0, k) } })) === deliveredHash) return true;
  }
  return false;
}
