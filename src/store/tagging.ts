import type { DB } from './db.js';

/**
 * Read queries of the rule engine (`chatarchief tag`, `rules check`): the custodian's contacts, conversations and a
 * lean stream of messages. Writing suggestions is in markings.ts.
 */

export interface TagContactRow {
  id: number;
  displayName: string | null;
  phone: string | null;
  isCustodian: boolean;
  identities: { platform: string; handle: string; displayName: string | null }[];
}

export function listContactsForTagging(db: DB, custodianId: string): TagContactRow[] {
  const rows = db
    .prepare('SELECT id, display_name, phone_e164, is_custodian FROM contacts WHERE custodian_id = ? ORDER BY id')
    .all(custodianId) as { id: number; display_name: string | null; phone_e164: string | null; is_custodian: number }[];
  const ids = db
    .prepare('SELECT contact_id, platform, handle, display_name FROM contact_identities WHERE custodian_id = ? ORDER BY id')
    .all(custodianId) as { contact_id: number; platform: string; handle: string; display_name: string | null }[];
  const byContact = new Map<number, TagContactRow['identities']>();
  for (const i of ids) {
    const l = byContact.get(i.contact_id) ?? [];
    l.push({ platform: i.platform, handle: i.handle, displayName: i.display_name });
    byContact.set(i.contact_id, l);
  }
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    phone: r.phone_e164,
    isCustodian: r.is_custodian === 1,
    identities: byContact.get(r.id) ?? [],
  }));
}

export interface TagConversationRow {
  id: number;
  title: string;
  titleHistory: string[];
  isGroup: boolean;
  participantIds: number[];
}

export function listConversationsForTagging(db: DB, custodianId: string): TagConversationRow[] {
  const rows = db
    .prepare('SELECT id, title, title_history_json, is_group FROM conversations WHERE custodian_id = ? ORDER BY id')
    .all(custodianId) as { id: number; title: string; title_history_json: string; is_group: number }[];
  const parts = db
    .prepare(
      `SELECT p.conversation_id, p.contact_id FROM conversation_participants p
       JOIN conversations c ON c.id = p.conversation_id WHERE c.custodian_id = ? ORDER BY p.conversation_id, p.contact_id`,
    )
    .all(custodianId) as { conversation_id: number; contact_id: number }[];
  const byConv = new Map<number, number[]>();
  for (const p of parts) {
    const l = byConv.get(p.conversation_id) ?? [];
    l.push(p.contact_id);
    byConv.set(p.conversation_id, l);
  }
  return rows.map((r) => {
    const parsed = JSON.parse(r.title_history_json) as unknown;
    const history = Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
    return { id: r.id, title: r.title, titleHistory: history, isGroup: r.is_group === 1, participantIds: byConv.get(r.id) ?? [] };
  });
}

/** Row tuple of `iterateMessagesForTagging`: id, conversation id, sender contact id, sender, kind, event, text. */
export type TagMessageTuple = [number, number, number | null, string | null, string, string | null, string];

/**
 * Streams every message of a custodian as a compact tuple (raw rows: no per-row objects, no joins beyond the
 * custodian filter). The connection is busy while iterating: finish the loop before writing.
 */
export function iterateMessagesForTagging(db: DB, custodianId: string): IterableIterator<TagMessageTuple> {
  return db
    .prepare(
      `SELECT m.id, m.conversation_id, m.sender_contact_id, m.sender, m.kind, m.event, m.text
       FROM messages m WHERE m.conversation_id IN (SELECT id FROM conversations WHERE custodian_id = ?)`,
    )
    .raw(true)
    .iterate(custodianId) as IterableIterator<TagMessageTuple>;
}

export function countMessagesOfCustodian(db: DB, custodianId: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE custodian_id = ?)').get(custodianId) as { n: number }).n;
}
