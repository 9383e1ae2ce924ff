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

export interface IdRange {
  /** Exclusive lower bound of message ids (0: from the start). */
  after: number;
  /** Inclusive upper bound (Infinity: to the end). */
  upTo: number;
}

/**
 * A page of messages in columns (no object per message). `senderContactIds` holds -1 for none; `extra` holds, by
 * index in the page, the sender (when there is no contact id), kind and event of the few messages where those
 * matter (kind other than 'text', an event, or no contact id). Fields a caller does not ask for (`PageFields`) are
 * not read: their ids are -1 and senders null.
 */
export interface MessagePage {
  n: number;
  ids: Float64Array;
  conversationIds: Float64Array;
  senderContactIds: Float64Array;
  texts: string[];
  extra: Map<number, { sender: string | null; kind: string; event: string | null }>;
}

/** Which fields besides id, kind, event and text to read (each costs time on every message). */
export interface PageFields {
  conversation: boolean;
  /** The sender contact id, and the sender of a message without one. */
  sender: boolean;
}

const ALL_FIELDS: PageFields = { conversation: true, sender: true };

const SEP = '\uffff';
/** The page window; the custodian filter is left out when every conversation in the store is the custodian's. */
const scope = (filter: boolean) => `FROM messages m NOT INDEXED
  WHERE m.id > @after AND m.id <= @upTo ${filter ? 'AND m.conversation_id IN (SELECT id FROM conversations WHERE custodian_id = @custodian)' : 'AND @custodian IS NOT NULL'}
  ORDER BY m.id LIMIT @limit`;

/** Parses "12,7,,3" into `out` (empty entries become -1); returns the count. */
function parseIds(s: string, out: Float64Array): number {
  let n = 0;
  let v = 0;
  let empty = true;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 44;
    if (c === 44) {
      out[n++] = empty ? -1 : v;
      v = 0;
      empty = true;
    } else {
      v = v * 10 + (c - 48);
      empty = false;
    }
  }
  return n;
}

/** SQLite page cache while tagging reads or writes in bulk, in KiB (see `shrinkPageCache`). */
const BULK_CACHE_KIB = 2048;

/**
 * Shrinks the connection's page cache to 2 MiB and returns a function that restores it. Tagging reads every message
 * page once and writes the suggestions in one pass, so a big cache does not save reads; it only costs fresh memory
 * (a page fault per 4 KiB) while it fills, which on a small VM costs more than the reads themselves.
 */
export function shrinkPageCache(db: DB): () => void {
  const size = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  return () => db.pragma(`cache_size = ${size}`);
}

/**
 * Yields every message of a custodian (optionally within an id range) in pages. Each page is read as one aggregate
 * row (first and last id, conversation ids and contact ids as comma lists when `fields` asks for them, texts joined
 * by U+FFFF, the rare sender / kind / event values as JSON), which costs far less than a row object per message. A
 * page whose texts contain U+FFFF is read again row by row. The table is scanned in rowid order; the connection is
 * free between pages.
 *
 * Pages are small (512 messages, about 45 KB of text) so that the joined strings stay out of V8's large-object space
 * and SQLite's buffer is reused: large pages cost fresh memory, and page faults, every time. The page cache is
 * shrunk during the scan (see `shrinkPageCache`).
 */
export function* messagePagesForTagging(
  db: DB,
  custodianId: string,
  range: IdRange = { after: 0, upTo: Infinity },
  pageSize = 512,
  fields: PageFields = ALL_FIELDS,
): Generator<MessagePage> {
  const restore = shrinkPageCache(db);
  try {
    yield* pages(db, custodianId, range, pageSize, fields);
  } finally {
    restore();
  }
}

function* pages(db: DB, custodianId: string, range: IdRange, pageSize: number, fields: PageFields): Generator<MessagePage> {
  const others = db.prepare('SELECT EXISTS (SELECT 1 FROM conversations WHERE custodian_id <> ?) AS x').get(custodianId) as { x: number };
  const where = scope(others.x === 1);
  // Ids are not listed: a page whose ids run without a gap (the usual case) has them from its first and last; any
  // other page reads them with `idList`.
  const agg = db.prepare(
    `SELECT count(*) AS n, min(id) AS first, max(id) AS last,
            ${fields.conversation ? 'group_concat(conversation_id)' : 'NULL'} AS convs,
            ${fields.sender ? "group_concat(IFNULL(sender_contact_id, ''))" : 'NULL'} AS scids, group_concat(text, char(65535)) AS texts,
            json_group_array(json_array(id, sender, kind, event))
              FILTER (WHERE ${fields.sender ? 'sender_contact_id IS NULL OR ' : ''}kind <> 'text' OR event IS NOT NULL) AS extra
     FROM (SELECT m.id, m.conversation_id, m.sender_contact_id, m.sender, m.kind, m.event, m.text ${where})`,
  );
  const idList = db.prepare(`SELECT group_concat(id) AS ids FROM (SELECT m.id ${where})`).pluck();
  const rows = db.prepare(`SELECT m.id, m.conversation_id, m.sender_contact_id, m.sender, m.kind, m.event, m.text ${where}`).raw(true);
  const upTo = Number.isFinite(range.upTo) ? range.upTo : Number.MAX_SAFE_INTEGER;
  let after = range.after;
  for (;;) {
    const args = { after, upTo, custodian: custodianId, limit: pageSize };
    const r = agg.get(args) as { n: number; first: number; last: number; convs: string | null; scids: string | null; texts: string; extra: string };
    if (!r.n) return;
    const page: MessagePage = {
      n: r.n, ids: new Float64Array(r.n), conversationIds: new Float64Array(r.n), senderContactIds: new Float64Array(r.n), texts: r.texts.split(SEP), extra: new Map(),
    };
    if (page.texts.length === r.n) {
      if (r.last - r.first + 1 === r.n) for (let i = 0; i < r.n; i++) page.ids[i] = r.first + i;
      else parseIds(idList.get(args) as string, page.ids);
      if (r.convs === null) page.conversationIds.fill(-1);
      else parseIds(r.convs, page.conversationIds);
      if (r.scids === null) page.senderContactIds.fill(-1);
      else parseIds(r.scids, page.senderContactIds);
      const extra = JSON.parse(r.extra) as [number, string | null, string, string | null][];
      if (extra.length) {
        const index = new Map<number, number>();
        for (let i = 0; i < r.n; i++) index.set(page.ids[i]!, i);
        for (const [id, sender, kind, event] of extra) {
          const i = index.get(id)!;
          page.extra.set(i, { sender: fields.sender && page.senderContactIds[i] === -1 ? sender : null, kind, event });
        }
      }
    } else {
      // A text holds U+FFFF: read this page row by row.
      const list = rows.all(args) as [number, number, number | null, string | null, string, string | null, string][];
      page.texts = [];
      list.forEach(([id, conv, sc, sender, kind, event, text], i) => {
        page.ids[i] = id;
        page.conversationIds[i] = fields.conversation ? conv : -1;
        page.senderContactIds[i] = fields.sender ? (sc ?? -1) : -1;
        page.texts.push(text);
        const noContact = fields.sender && sc === null;
        if (noContact || kind !== 'text' || event !== null) page.extra.set(i, { sender: noContact ? sender : null, kind, event });
      });
    }
    yield page;
    after = r.last;
  }
}

/**
 * The id span of the message table and the custodian's message count (to split tagging over threads). With
 * `countUpTo`, counting stops there (the thread choice only needs to know whether the count reaches a threshold).
 */
export function messageIdSpan(db: DB, custodianId: string, countUpTo = Infinity): { min: number; max: number; count: number } {
  const limit = Number.isFinite(countUpTo) ? Math.max(0, Math.floor(countUpTo)) : -1;
  const r = db
    .prepare(
      `SELECT (SELECT MIN(id) FROM messages) AS min, (SELECT MAX(id) FROM messages) AS max,
              (SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE custodian_id = ?) LIMIT ?)) AS count`,
    )
    .get(custodianId, limit) as { min: number | null; max: number | null; count: number };
  return { min: r.min ?? 0, max: r.max ?? 0, count: r.count };
}
