import crypto from 'node:crypto';
import type { DB } from './db.js';
import { nowIso } from './db.js';
import { prep } from './audit.js';
import type { ParsedChat, Participant, Platform } from '../../parsers/types.js';

/**
 * Writes ingested sources, contacts, conversations and messages. The caller wraps one whole ingest run in a
 * transaction (BEGIN … COMMIT/ROLLBACK), so a failure leaves the database unchanged.
 */

export interface SourceInfo {
  custodianId: string;
  veiligstellingId: number;
  fileName: string;
  originalPath: string;
  size: number;
  sha256: string;
  operator: string;
  device: string | null;
  format: string;
  platform: Platform;
  dateOrder: string | null;
  dateOrderEvidence: string | null;
  parserVersion: string;
  lowFidelity: boolean;
  exportedAt: string | null;
}

export function findSourceByHash(
  db: DB, custodianId: string, sha256: string,
): { id: number; format: string; dateOrder: string | null; conversationIds: number[] } | null {
  const r = db.prepare('SELECT id, format, date_order FROM sources WHERE custodian_id = ? AND sha256 = ?').get(custodianId, sha256) as
    | { id: number; format: string; date_order: string | null }
    | undefined;
  if (!r) return null;
  const conv = db.prepare('SELECT conversation_id AS c FROM source_conversations WHERE source_id = ? ORDER BY 1').all(r.id) as { c: number }[];
  return { id: r.id, format: r.format, dateOrder: r.date_order, conversationIds: conv.map((x) => x.c) };
}

/**
 * Whether the custodian has a source of exactly `size` bytes, or a source whose chat file has that size: a file of
 * another size cannot be the same bytes, so it cannot be a source ingested before.
 */
export function hasSourceOfSize(db: DB, custodianId: string, size: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 WHERE EXISTS (SELECT 1 FROM sources WHERE custodian_id = ? AND size = ?)
            OR EXISTS (SELECT 1 FROM source_files f JOIN sources s ON s.id = f.source_id WHERE s.custodian_id = ? AND f.role = 'chat' AND f.size = ?)`,
      )
      .get(custodianId, size, custodianId, size) !== undefined
  );
}

/**
 * The sizes of the stored files (any custodian's: blobs are shared) of at least `min` bytes: a file of another size
 * cannot be in the blob store yet. One pass over the file lists, for a whole folder.
 */
export function storedFileSizesFrom(db: DB, min: number): Set<number> {
  return new Set(db.prepare('SELECT DISTINCT size FROM source_files WHERE size >= ?').pluck().all(min) as number[]);
}

export function createVeiligstelling(db: DB, custodianId: string, operator: string, device: string | null): number {
  return Number(
    db.prepare('INSERT INTO veiligstellingen (custodian_id, operator, device, started_at) VALUES (?, ?, ?, ?)').run(custodianId, operator, device, nowIso())
      .lastInsertRowid,
  );
}

export function createSource(db: DB, s: SourceInfo): number {
  return Number(
    db
      .prepare(
        `INSERT INTO sources (custodian_id, veiligstelling_id, file_name, original_path, size, sha256, operator, device, ingested_at, format,
           platform, date_order, date_order_evidence, parser_version, low_fidelity, exported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.custodianId, s.veiligstellingId, s.fileName, s.originalPath, s.size, s.sha256, s.operator, s.device, nowIso(), s.format, s.platform,
        s.dateOrder, s.dateOrderEvidence, s.parserVersion, s.lowFidelity ? 1 : 0, s.exportedAt).lastInsertRowid,
  );
}

export function finishSource(db: DB, sourceId: number, f: { firstAt: string | null; lastAt: string | null; count: number; warnings: unknown[] }): void {
  db.prepare('UPDATE sources SET first_message_at = ?, last_message_at = ?, message_count = ?, warnings_json = ? WHERE id = ?').run(
    f.firstAt, f.lastAt, f.count, JSON.stringify(f.warnings), sourceId,
  );
}

export function addSourceFile(db: DB, sourceId: number, path: string, size: number, sha256: string, role: string): void {
  db.prepare('INSERT OR IGNORE INTO source_files (source_id, path, size, sha256, role) VALUES (?, ?, ?, ?, ?)').run(sourceId, path, size, sha256, role);
}

/** The files recorded as part of a source (source_files), by path. */
export function sourceFileList(db: DB, sourceId: number): { path: string; size: number; sha256: string; role: string }[] {
  return db.prepare('SELECT path, size, sha256, role FROM source_files WHERE source_id = ? ORDER BY path').all(sourceId) as {
    path: string; size: number; sha256: string; role: string;
  }[];
}

/**
 * What a source finding is about beyond its conversation: `chatKey`, the chat of the source, when it is about one (see
 * ParseWarning.chatKey); `messageId`, the stored message (a message deleted since an earlier export, see DeletedSince;
 * an attachment that differs from its export's record or from the stored bytes, or that a later source filled in).
 */
export interface FindingSubject {
  chatKey?: string | null;
  messageId?: number | null;
}

export function addSourceFinding(db: DB, sourceId: number, code: string, message: string, conversationId: number | null, about: FindingSubject = {}): void {
  sourceFindingWriter(db)(sourceId, code, message, conversationId, about);
}

/** addSourceFinding with one prepared statement for many rows (a re-ingest may record 100k attachment updates). */
export function sourceFindingWriter(
  db: DB,
): (sourceId: number, code: string, message: string, conversationId: number | null, about?: FindingSubject) => void {
  // (cached per connection: addSourceFinding, called once per finding, prepares it once)
  const insert = prep(db, 'INSERT INTO source_findings (source_id, code, message, conversation_id, chat_key, message_id) VALUES (?, ?, ?, ?, ?, ?)');
  return (sourceId, code, message, conversationId, about = {}) => {
    insert.run(sourceId, code, message, conversationId, about.chatKey ?? null, about.messageId ?? null);
  };
}

/** Normalises a display name or title for matching: marks removed, spaces folded, lower case. */
export function matchKey(s: string): string {
  return s
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * Finds or creates the contact for a platform handle. One person is one contact across platforms: a handle with a
 * phone number joins the contact that has that number; otherwise an exact display-name match joins.
 */
export function ensureContact(db: DB, custodianId: string, platform: Platform, p: Participant, fromSelf = false): number {
  const handle = handleOf(p);
  if (!handle) throw new Error('participant without name, phone or key');
  const existing = db
    .prepare('SELECT contact_id FROM contact_identities WHERE custodian_id = ? AND platform = ? AND handle = ?')
    .get(custodianId, platform, handle) as { contact_id: number } | undefined;
  let contactId = existing?.contact_id;
  if (contactId === undefined && p.phone) {
    contactId = (db.prepare('SELECT id FROM contacts WHERE custodian_id = ? AND phone_e164 = ? ORDER BY id LIMIT 1').get(custodianId, p.phone) as
      | { id: number }
      | undefined)?.id;
  }
  if (contactId === undefined && p.name) {
    const key = matchKey(p.name);
    const rows = db.prepare('SELECT id, display_name FROM contacts WHERE custodian_id = ? AND display_name IS NOT NULL').all(custodianId) as {
      id: number; display_name: string;
    }[];
    contactId = rows.find((r) => matchKey(r.display_name) === key)?.id;
  }
  if (contactId === undefined) {
    contactId = Number(
      db.prepare('INSERT INTO contacts (custodian_id, display_name, phone_e164, is_custodian) VALUES (?, ?, ?, ?)').run(
        custodianId, p.name, p.phone, fromSelf ? 1 : 0,
      ).lastInsertRowid,
    );
  } else {
    db.prepare(
      `UPDATE contacts SET display_name = COALESCE(display_name, ?), phone_e164 = COALESCE(phone_e164, ?), is_custodian = MAX(is_custodian, ?) WHERE id = ?`,
    ).run(p.name, p.phone, fromSelf ? 1 : 0, contactId);
  }
  const identity = identityInsert(db);
  if (!existing) identity.run(contactId, custodianId, platform, handle, p.name);
  // Each other name the platform shows the identity by (Signal: address-book and profile name beside a nickname) is
  // an identity of its own, `alias:<handle>:<name>`, so that every name the contact is known by is screened (when it
  // is private) and matched by contact rules. A later export adds the names it shows anew.
  for (const n of p.otherNames ?? []) {
    if (matchKey(n) && matchKey(n) !== matchKey(p.name ?? '')) identity.run(contactId, custodianId, platform, `alias:${handle}:${matchKey(n)}`, n);
  }
  return contactId;
}

/**
 * Records `p` as an identity of contact `contactId`: a sender the phone shows under a new name (see
 * src/ingest/sender-renames.ts), so that the name finds the contact in other chats, contact rules match it and, when the
 * contact is private, it is screened; a number as the name also becomes the contact's number when it has none. An
 * identity another contact holds already stays with it.
 */
export function addContactIdentity(db: DB, custodianId: string, platform: Platform, contactId: number, p: Participant): void {
  const handle = handleOf(p);
  if (!handle) return;
  identityInsert(db).run(contactId, custodianId, platform, handle, p.name);
  if (p.phone) db.prepare('UPDATE contacts SET phone_e164 = COALESCE(phone_e164, ?) WHERE id = ?').run(p.phone, contactId);
}

/** A participant's handle on its platform: its number, the platform's key, else its name; null without any. */
const handleOf = (p: Participant): string | null => p.phone ?? p.key ?? (p.name ? `name:${matchKey(p.name)}` : null);

/** Adds an identity to a contact unless the custodian's platform has that handle already. */
const identityInsert = (db: DB) =>
  db.prepare('INSERT OR IGNORE INTO contact_identities (contact_id, custodian_id, platform, handle, display_name) VALUES (?, ?, ?, ?, ?)');

/** Marks a contact as the custodian (a line showed it to be the phone's owner); never unmarks one. */
export function markCustodianContact(db: DB, contactId: number): void {
  db.prepare('UPDATE contacts SET is_custodian = 1 WHERE id = ?').run(contactId);
}

/**
 * Finds the conversation for a chat, or creates it. With a platform chat key (Signal) the key decides. Without one
 * (WhatsApp), a conversation of the same platform matches when one of the chat's titles (current or earlier, following
 * renames) equals one of its stated titles (a 1:1 chat is titled by the other person), and only when `titleStated`: a
 * title made up from an export's authors ("Jan, M") names no chat, so two different chats with the same people would
 * share it. A conversation created with a made-up title records so in its key (see madeUpTitleKey).
 */
export function ensureConversation(db: DB, custodianId: string, chat: ParsedChat, titleStated = true): { id: number; created: boolean } {
  const titles = [...chat.titleHistory, chat.title].map(matchKey).filter(Boolean);
  if (chat.chatKey) {
    const r = db.prepare('SELECT id FROM conversations WHERE custodian_id = ? AND platform = ? AND chat_key = ?').get(custodianId, chat.platform, chat.chatKey) as
      | { id: number }
      | undefined;
    if (r) {
      updateTitle(db, r.id, chat);
      return { id: r.id, created: false };
    }
  } else if (titleStated) {
    const id = conversationByTitle(db, custodianId, chat);
    if (id !== null) return joinConversation(db, id, chat, true);
  }
  const last = titles[titles.length - 1] ?? 'chat';
  const key = uniqueChatKey(db, custodianId, chat.platform, chat.chatKey ?? (titleStated ? `title:${last}` : `${MADE_UP}${last}`));
  const id = Number(
    db.prepare('INSERT INTO conversations (custodian_id, platform, chat_key, title, title_history_json, is_group, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      custodianId, chat.platform, key, chat.title, JSON.stringify(dedupe(chat.titleHistory.filter((t) => t !== chat.title))), chat.isGroup ? 1 : 0, nowIso(),
    ).lastInsertRowid,
  );
  return { id, created: true };
}

/** Key prefix of a conversation created with a title made up from the export's authors (WhatsApp without a chat key). */
const MADE_UP = 'authors:';

/** `key`, or with a random suffix when an unrelated chat of the same title has it already. */
function uniqueChatKey(db: DB, custodianId: string, platform: Platform, key: string): string {
  while (db.prepare('SELECT 1 FROM conversations WHERE custodian_id = ? AND platform = ? AND chat_key = ?').get(custodianId, platform, key)) {
    key = `${key}#${crypto.randomBytes(3).toString('hex')}`;
  }
  return key;
}

/**
 * The match key of the title a conversation was created with when that title was made up from the export's authors
 * (its chat key `authors:<title>`, perhaps with uniqueness suffixes), else null. Only creation makes a title up:
 * a matched export keeps the conversation's title or brings a stated one.
 */
function madeUpTitleKey(chatKey: string): string | null {
  return chatKey.startsWith(MADE_UP) ? chatKey.slice(MADE_UP.length).replace(/(#[0-9a-f]{6})+$/, '') : null;
}

/**
 * The conversation without platform chat key that ensureConversation would match by title (see there), or null. The
 * caller passes a chat whose titles are stated; of the conversation only the stated titles count.
 */
export function conversationByTitle(db: DB, custodianId: string, chat: Pick<ParsedChat, 'platform' | 'title' | 'titleHistory'>): number | null {
  const titles = [...chat.titleHistory, chat.title].map(matchKey).filter(Boolean);
  const rows = db.prepare('SELECT id, chat_key, title, title_history_json FROM conversations WHERE custodian_id = ? AND platform = ?').all(custodianId, chat.platform) as {
    id: number; chat_key: string; title: string; title_history_json: string;
  }[];
  for (const r of rows) {
    const madeUp = madeUpTitleKey(r.chat_key);
    const known = [...(JSON.parse(r.title_history_json) as string[]), r.title].map(matchKey).filter((t) => t !== madeUp);
    if (titles.some((t) => known.includes(t))) return r.id;
  }
  return null;
}

/**
 * Takes a chat into a conversation found by its title or identified on other evidence (see
 * src/ingest/conversation-identity.ts): the title is updated as ensureConversation updates a matched one. A stated
 * title equal to the made-up one the conversation was created with ("Jan", a chat in which only Jan wrote) makes that
 * title a stated one: the key is rewritten, so later exports titled so match by title.
 */
export function joinConversation(db: DB, id: number, chat: ParsedChat, titleStated: boolean): { id: number; created: boolean } {
  updateTitle(db, id, chat);
  if (titleStated) {
    const r = db.prepare('SELECT custodian_id AS c, platform AS p, chat_key AS k FROM conversations WHERE id = ?').get(id) as { c: string; p: Platform; k: string };
    const madeUp = madeUpTitleKey(r.k);
    if (madeUp !== null && [...chat.titleHistory, chat.title].some((t) => matchKey(t) === madeUp)) {
      db.prepare('UPDATE conversations SET chat_key = ? WHERE id = ?').run(uniqueChatKey(db, r.c, r.p, `title:${madeUp}`), id);
    }
  }
  return { id, created: false };
}

function updateTitle(db: DB, id: number, chat: ParsedChat): void {
  const r = db.prepare('SELECT title, title_history_json FROM conversations WHERE id = ?').get(id) as { title: string; title_history_json: string };
  const history = dedupe([...(JSON.parse(r.title_history_json) as string[]), r.title, ...chat.titleHistory].filter((t) => t !== chat.title));
  // A group stays a group even when a later export happens to show only two authors.
  db.prepare('UPDATE conversations SET title = ?, title_history_json = ?, is_group = MAX(is_group, ?) WHERE id = ?').run(
    chat.title, JSON.stringify(history), chat.isGroup ? 1 : 0, id,
  );
}

const dedupe = (xs: string[]): string[] => [...new Set(xs)];

export function addParticipant(db: DB, conversationId: number, contactId: number): void {
  db.prepare('INSERT OR IGNORE INTO conversation_participants (conversation_id, contact_id) VALUES (?, ?)').run(conversationId, contactId);
}

/** The day-first or month-first WhatsApp sources of a conversation, with the evidence each order was read on. */
export function conversationDateOrders(db: DB, conversationId: number): { id: number; dateOrder: 'dmy' | 'mdy'; evidence: string | null }[] {
  return db
    .prepare(
      `SELECT s.id, s.date_order AS dateOrder, s.date_order_evidence AS evidence FROM source_conversations sc JOIN sources s ON s.id = sc.source_id
       WHERE sc.conversation_id = ? AND s.platform = 'whatsapp' AND s.date_order IN ('dmy', 'mdy') ORDER BY s.id`,
    )
    .all(conversationId) as { id: number; dateOrder: 'dmy' | 'mdy'; evidence: string | null }[];
}

/** The raw text of the first message of a conversation that a source stored itself (its first source), or null. */
export function firstRawTextOfSource(db: DB, conversationId: number, sourceId: number): string | null {
  const r = db.prepare('SELECT raw_text AS t FROM messages WHERE conversation_id = ? AND first_source_id = ? ORDER BY seq LIMIT 1').get(conversationId, sourceId) as
    | { t: string }
    | undefined;
  return r?.t ?? null;
}

