/**
 * Every query the coverage and findings reports need (the status report's are in status-facts.ts). Returns plain
 * facts; `src/report/` computes on them.
 */
import type { DB } from './db.js';
import type { Custodian } from './custodians.js';
import { MESSAGE_DELETED_SINCE } from './deleted-since.js';
import { ATTACHMENT_MISSING_LATER, readAttachmentMissingLater } from './attachment-missing-later.js';

export type CustodianFact = Pick<Custodian, 'id' | 'name' | 'function' | 'department' | 'termFrom' | 'termTo' | 'tz'>;

export interface SourceFact {
  id: number;
  platform: string;
  fileName: string;
  format: string;
  exportedAt: string | null;
  firstMessageAt: string | null;
  lastMessageAt: string | null;
  messageCount: number;
  lowFidelity: boolean;
}

export interface VeiligstellingFact {
  id: number;
  custodianId: string;
  operator: string;
  device: string | null;
  startedAt: string;
  sources: SourceFact[];
}

interface SourceRow {
  id: number; veiligstelling_id: number; platform: string; file_name: string; format: string; exported_at: string | null;
  first_message_at: string | null; last_message_at: string | null; message_count: number; low_fidelity: number;
}

/**
 * Veiligstellingen with their sources. When the ingest left a source's first/last message time empty, it is taken from
 * the messages that source contained.
 */
export function loadVeiligstellingen(db: DB, opts: { custodianId?: string } = {}): VeiligstellingFact[] {
  const where = opts.custodianId ? 'WHERE v.custodian_id = ?' : '';
  const args = opts.custodianId ? [opts.custodianId] : [];
  const vs = db
    .prepare(`SELECT v.id, v.custodian_id, v.operator, v.device, v.started_at FROM veiligstellingen v ${where} ORDER BY v.started_at, v.id`)
    .all(...args) as { id: number; custodian_id: string; operator: string; device: string | null; started_at: string }[];
  const sources = db
    .prepare(
      `SELECT s.id, s.veiligstelling_id, s.platform, s.file_name, s.format, s.exported_at, s.message_count, s.low_fidelity,
         CASE WHEN s.first_message_at IS NULL AND s.message_count > 0 THEN (SELECT m.sent_at FROM message_sources ms JOIN messages m ON m.id = ms.message_id
           WHERE ms.source_id = s.id ORDER BY m.sent_at_ms ASC LIMIT 1) ELSE s.first_message_at END AS first_message_at,
         CASE WHEN s.last_message_at IS NULL AND s.message_count > 0 THEN (SELECT m.sent_at FROM message_sources ms JOIN messages m ON m.id = ms.message_id
           WHERE ms.source_id = s.id ORDER BY m.sent_at_ms DESC LIMIT 1) ELSE s.last_message_at END AS last_message_at
       FROM sources s JOIN veiligstellingen v ON v.id = s.veiligstelling_id ${where} ORDER BY s.id`,
    )
    .all(...args) as SourceRow[];
  const byV = new Map<number, SourceFact[]>();
  for (const s of sources) {
    const list = byV.get(s.veiligstelling_id) ?? [];
    list.push({
      id: s.id, platform: s.platform, fileName: s.file_name, format: s.format, exportedAt: s.exported_at,
      firstMessageAt: s.first_message_at, lastMessageAt: s.last_message_at, messageCount: s.message_count, lowFidelity: s.low_fidelity === 1,
    });
    byV.set(s.veiligstelling_id, list);
  }
  return vs.map((v) => ({ id: v.id, custodianId: v.custodian_id, operator: v.operator, device: v.device, startedAt: v.started_at, sources: byV.get(v.id) ?? [] }));
}

/** A message a finding points at: where it is, who sent it, when. */
export interface MessageRef {
  custodianId: string;
  conversationId: number;
  conversationTitle: string;
  platform: string;
  messageId: number;
  sentAt: string;
  localTime: string;
  sender: string | null;
  fromSelf: boolean | null;
  viewOnce: boolean;
  firstSourceId: number;
  /** The file name of the source that first held the message. */
  firstSourceFile?: string | null;
}

/** A message that carries one or more finding flags. */
export interface FlaggedMessageFact extends MessageRef {
  kind: string;
  event: string | null;
  /** The stored text; the findings report only shows it for system events (never chat content). */
  text: string;
  deletedBy: string | null;
  timeAmbiguous: boolean;
  timeInvalid: boolean;
  /** The wall-clock time as read (ISO without offset) and the zone it was read in. */
  localIso: string;
  zone: string;
  extra: Record<string, unknown> | null;
  /** When the message is dated more than a day after its first source was ingested: that ingest's time (ISO); else null. */
  afterIngest: string | null;
}

export interface MissingMessageFact extends MessageRef {
  /** The later export that lacks the message. */
  sourceId: number;
  sourceFile: string;
}

export interface MissingAttachmentFact extends MessageRef {
  attachmentName: string;
  /** The export the message came from. */
  sourceId: number;
  sourceFile: string;
}

export interface SourceFindingFact {
  custodianId: string;
  sourceId: number;
  sourceFile: string;
  platform: string;
  format: string;
  code: string;
  message: string;
  conversationId: number | null;
  conversationTitle: string | null;
  ingestedAt: string;
  firstMessageAt: string | null;
  lastMessageAt: string | null;
  /** Where the finding was stored: the source_findings table or the source's warnings. */
  origin: 'finding' | 'warning';
  /**
   * A finding about one chat of its source whose conversation is not named: the chat's title as the export names it,
   * and why. `not-stored`: the store holds no conversation of that chat (the export holds no messages of it, nor did
   * any other); `unknown`: a finding recorded before chats were recorded by key, whose title names none of the
   * source's conversations.
   */
  unmatchedChat?: { title: string | null; reason: 'not-stored' | 'unknown' };
  /** The stored message the finding is about (an attachment or deletion finding), when it records one. */
  about?: { messageId: number; sentAt: string; localTime: string; sender: string | null };
  /**
   * An `attachment-missing-later` finding: the attachment, its kept bytes, whether the export marked it omitted, and the
   * earlier source that secured it (this finding's source is the later one that lacks it).
   */
  lacked?: { name: string; sha256: string; omitted: boolean; earlierSourceId: number; earlierSourceFile: string | null };
}

/**
 * The facts behind the findings. The message lists are lazy streams (one SQLite statement each, started on first
 * read): consume them one after the other, as `computeFindings` does, so that a store of a million messages never
 * holds its rows twice.
 */
export interface FindingFacts {
  flagged: Iterable<FlaggedMessageFact>;
  missing: Iterable<MissingMessageFact>;
  missingAttachments: Iterable<MissingAttachmentFact>;
  sourceFindings: SourceFindingFact[];
}

/** Only message columns per row; conversation and source facts come from small maps (fewer values per row is what
 *  makes 200k missing attachments cheap to read). */
const REF_COLUMNS = 'm.id AS message_id, m.conversation_id, m.sent_at, m.local_time, m.sender, m.from_self, m.view_once, m.first_source_id';

interface RefRow {
  message_id: number; conversation_id: number; sent_at: string; local_time: string; sender: string | null; from_self: number | null;
  view_once: number; first_source_id: number;
}

interface FlaggedRow extends RefRow {
  kind: string; event: string | null; text: string; deleted_by: string | null; time_ambiguous: number; time_invalid: number; extra_json: string | null;
  local_iso: string; zone: string; sent_at_ms: number;
}

/**
 * A message dated more than this after the ingest that first stored it cannot be as dated: no phone holds a message sent
 * after it was read out, and a phone abroad shows times up to 14 hours ahead of the custodian's zone, in which they are
 * read. The ingest warns of such messages (ReadOutCheck) and the findings report lists them.
 */
export const AFTER_INGEST_SLACK_MS = 24 * 3600_000;

type ConversationInfo = { custodianId: string; title: string; platform: string };

function messageRef(r: RefRow, conversations: Map<number, ConversationInfo>, files: Map<number, string>): MessageRef {
  const c = conversations.get(r.conversation_id)!;
  return {
    custodianId: c.custodianId, conversationId: r.conversation_id, conversationTitle: c.title, platform: c.platform, messageId: r.message_id,
    sentAt: r.sent_at, localTime: r.local_time, sender: r.sender, fromSelf: r.from_self === null ? null : r.from_self === 1, viewOnce: r.view_once === 1,
    firstSourceId: r.first_source_id, firstSourceFile: files.get(r.first_source_id) ?? null,
  };
}

/** The Signal warning code meaning that messages with a disappearing timer were left out of the export. */
export const DISAPPEARING_ABSENT = 'disappearing-messages-may-be-absent';
/** The source finding for a file that differs from the hash or size its export records (Signal). */
export const ATTACHMENT_MISMATCH = 'attachment-mismatch';
/**
 * The source finding for an attachment of a message seen before for which a later source brought other bytes than the
 * store holds (the stored ones are kept).
 */
export const ATTACHMENT_DIFFERS = 'attachment-differs';
/**
 * The source record of an attachment that a later source filled in (which source supplied the bytes): kept in
 * source_findings as the chain of custody, not reported as a finding (nothing is lost).
 */
export const ATTACHMENT_FILLED = 'attachment-filled';

/** Everything the findings report lists: one scan of the messages for the flags, plus the tables of losses. */
export function loadFindingFacts(db: DB, opts: { custodianId?: string } = {}): FindingFacts {
  const only = opts.custodianId ? 'AND m.conversation_id IN (SELECT id FROM conversations WHERE custodian_id = ?)' : '';
  const args = opts.custodianId ? [opts.custodianId] : [];
  const conversations = new Map(
    (db.prepare('SELECT id, custodian_id, title, platform FROM conversations').all() as { id: number; custodian_id: string; title: string; platform: string }[]).map(
      (c) => [c.id, { custodianId: c.custodian_id, title: c.title, platform: c.platform }],
    ),
  );
  const sources = db.prepare('SELECT id, file_name, ingested_at FROM sources').all() as { id: number; file_name: string; ingested_at: string }[];
  const files = new Map(sources.map((x) => [x.id, x.file_name]));
  const ingested = new Map(sources.map((x) => [x.id, { at: x.ingested_at, ms: Date.parse(x.ingested_at) }]));
  // Only a message later than the earliest ingest can be later than its own: the scan selects no more than those.
  const earliest = Math.min(...[...ingested.values()].map((x) => x.ms));
  const afterIngest = Number.isFinite(earliest) ? ` OR m.sent_at_ms > ${Math.floor(earliest + AFTER_INGEST_SLACK_MS)}` : '';
  // Rows come in store order; the findings are sorted once, after they are made.
  const rows = function* <R, T>(sql: string, map: (r: R) => T): Generator<T> {
    for (const r of db.prepare(sql).iterate(...args) as IterableIterator<R>) yield map(r);
  };
  return {
    flagged: rows(
      `SELECT ${REF_COLUMNS}, m.kind, m.event, m.text, m.deleted_by, m.time_ambiguous, m.time_invalid, m.extra_json, m.local_iso, m.zone, m.sent_at_ms
       FROM messages m
       WHERE ((m.kind = 'system' AND m.event IN ('disappearing-on','disappearing-off','disappearing-timer')) OR m.view_once = 1
         OR m.kind = 'deleted' OR m.time_ambiguous = 1 OR m.time_invalid = 1${afterIngest}) ${only}`,
      (r: FlaggedRow) => ({
        ...messageRef(r, conversations, files), kind: r.kind, event: r.event, text: r.text, deletedBy: r.deleted_by, timeAmbiguous: r.time_ambiguous === 1,
        timeInvalid: r.time_invalid === 1, localIso: r.local_iso, zone: r.zone, extra: r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : null,
        afterIngest: afterIngestOf(r, ingested.get(r.first_source_id)),
      }),
    ),
    missing: rows(
      `SELECT ${REF_COLUMNS}, mm.source_id FROM message_missing mm JOIN messages m ON m.id = mm.message_id WHERE 1 = 1 ${only}`,
      (r: RefRow & { source_id: number }) => ({ ...messageRef(r, conversations, files), sourceId: r.source_id, sourceFile: files.get(r.source_id) ?? '' }),
    ),
    missingAttachments: rows(
      `SELECT ${REF_COLUMNS}, a.name AS attachment_name FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.missing = 1 ${only}`,
      (r: RefRow & { attachment_name: string }) => ({
        ...messageRef(r, conversations, files), attachmentName: r.attachment_name, sourceId: r.first_source_id, sourceFile: files.get(r.first_source_id) ?? '',
      }),
    ),
    sourceFindings: loadSourceFindings(db, opts),
  };
}

function afterIngestOf(r: FlaggedRow, first: { at: string; ms: number } | undefined): string | null {
  return first !== undefined && r.sent_at_ms > first.ms + AFTER_INGEST_SLACK_MS ? first.at : null;
}

interface SourceFindingRow {
  custodian_id: string; source_id: number; file_name: string; platform: string; format: string; ingested_at: string;
  first_message_at: string | null; last_message_at: string | null;
}

/**
 * Source-level findings: the source_findings table (a possibly incomplete Signal export, a file that does not match its
 * export, other bytes than the stored ones for an attachment, a stored message a later export shows deleted), plus disappearing-message warnings that have no row there.
 * (Its `attachment-filled` rows are records, not findings.)
 */
function loadSourceFindings(db: DB, opts: { custodianId?: string }): SourceFindingFact[] {
  const sWhere = opts.custodianId ? 'AND s.custodian_id = ?' : '';
  const args = opts.custodianId ? [opts.custodianId] : [];
  const base = 's.custodian_id, s.id AS source_id, s.file_name, s.platform, s.format, s.ingested_at, s.first_message_at, s.last_message_at';
  const out: SourceFindingFact[] = [];
  const rows = db
    .prepare(
      // A finding recorded with its chat's key but no conversation (the source held no messages of that chat) names the
      // chat's conversation when the store has one (from another source).
      `SELECT ${base}, f.code, f.message, f.chat_key, COALESCE(f.conversation_id, k.id) AS conversation_id, COALESCE(c.title, k.title) AS title,
         m.id AS about_id, m.sent_at AS about_sent_at, m.local_time AS about_local_time, m.sender AS about_sender
       FROM source_findings f JOIN sources s ON s.id = f.source_id
       LEFT JOIN conversations c ON c.id = f.conversation_id
       LEFT JOIN messages m ON m.id = f.message_id
       LEFT JOIN conversations k ON f.conversation_id IS NULL AND k.custodian_id = s.custodian_id AND k.platform = s.platform AND k.chat_key = f.chat_key
       WHERE f.code IN (?, ?, ?, ?, ?) ${sWhere} ORDER BY s.custodian_id, s.id, f.id`,
    )
    .all(DISAPPEARING_ABSENT, ATTACHMENT_MISMATCH, ATTACHMENT_DIFFERS, MESSAGE_DELETED_SINCE, ATTACHMENT_MISSING_LATER, ...args) as (SourceFindingRow & {
      code: string; message: string; chat_key: string | null; conversation_id: number | null; title: string | null;
      about_id: number | null; about_sent_at: string | null; about_local_time: string | null; about_sender: string | null;
    })[];
  const seen = new Set<number>();
  const fileOf = db.prepare('SELECT file_name FROM sources WHERE id = ?').pluck();
  const fact = (r: SourceFindingRow, more: Pick<SourceFindingFact, 'code' | 'message' | 'conversationId' | 'conversationTitle' | 'origin'>): SourceFindingFact => ({
    custodianId: r.custodian_id, sourceId: r.source_id, sourceFile: r.file_name, platform: r.platform, format: r.format, ingestedAt: r.ingested_at,
    firstMessageAt: r.first_message_at, lastMessageAt: r.last_message_at, ...more,
  });
  /** Findings recorded before chats were recorded by key: resolveChats settles them by title. */
  const byTitle: SourceFindingFact[] = [];
  for (const r of rows) {
    if (r.code === DISAPPEARING_ABSENT) seen.add(r.source_id);
    const f = fact(r, { code: r.code, message: r.message, conversationId: r.conversation_id, conversationTitle: r.title, origin: 'finding' });
    if (r.about_id !== null) f.about = { messageId: r.about_id, sentAt: r.about_sent_at!, localTime: r.about_local_time!, sender: r.about_sender };
    const lacked = r.code === ATTACHMENT_MISSING_LATER ? readAttachmentMissingLater(r.message) : null;
    if (lacked) f.lacked = { ...lacked, earlierSourceFile: (fileOf.get(lacked.earlierSourceId) as string | undefined) ?? null };
    if (r.code === DISAPPEARING_ABSENT && r.conversation_id === null) {
      if (r.chat_key === null) byTitle.push(f);
      else f.unmatchedChat = { title: chatTitleIn(r.message), reason: 'not-stored' };
    }
    out.push(f);
  }
  const warned = db
    .prepare(`SELECT ${base}, s.warnings_json FROM sources s WHERE s.warnings_json LIKE ? ${sWhere} ORDER BY s.custodian_id, s.id`)
    .all(`%${DISAPPEARING_ABSENT}%`, ...args) as (SourceFindingRow & { warnings_json: string })[];
  for (const r of warned) {
    if (seen.has(r.source_id)) continue;
    let warnings: { code?: unknown; message?: unknown }[] = [];
    try {
      warnings = JSON.parse(r.warnings_json) as typeof warnings;
    } catch {
      continue;
    }
    const w = Array.isArray(warnings) ? warnings.find((x) => x && x.code === DISAPPEARING_ABSENT) : undefined;
    if (!w) continue;
    const f = fact(r, { code: DISAPPEARING_ABSENT, message: String(w.message ?? ''), conversationId: null, conversationTitle: null, origin: 'warning' });
    byTitle.push(f);
    out.push(f);
  }
  resolveChats(db, byTitle);
  return out.sort((a, b) => a.custodianId.localeCompare(b.custodianId) || a.sourceId - b.sourceId);
}

/** The chat a disappearing-message warning names (`chat "<title>" used …`, in every Signal parser), or null. */
function chatTitleIn(message: string): string | null {
  return /(?:^|: )chat "(.*)" (?:used disappearing|changed its disappearing)/.exec(message)?.[1] ?? null;
}

/**
 * A disappearing-message finding recorded before chats were recorded by key (schema v12) names its chat only in its
 * text. It is the conversation of that source that has (or had) that title; when none or several do, it stays
 * unnamed and says so. (The source's only conversation is no answer: a chat of the export without messages has none.)
 */
function resolveChats(db: DB, facts: SourceFindingFact[]): void {
  const ofSource = db.prepare(
    'SELECT c.id, c.title, c.title_history_json FROM source_conversations sc JOIN conversations c ON c.id = sc.conversation_id WHERE sc.source_id = ? ORDER BY c.id',
  );
  const cache = new Map<number, { id: number; title: string; titles: string[] }[]>();
  for (const f of facts) {
    let convs = cache.get(f.sourceId);
    if (!convs) {
      const rows = ofSource.all(f.sourceId) as { id: number; title: string; title_history_json: string }[];
      convs = rows.map((c) => ({ id: c.id, title: c.title, titles: [c.title, ...titleHistory(c.title_history_json)] }));
      cache.set(f.sourceId, convs);
    }
    const title = chatTitleIn(f.message);
    const named = title === null ? [] : convs.filter((c) => c.titles.includes(title));
    if (named.length === 1) {
      f.conversationId = named[0]!.id;
      f.conversationTitle = named[0]!.title;
    } else if (title !== null) {
      f.unmatchedChat = { title, reason: 'unknown' };
    }
  }
}

function titleHistory(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
