import type { DB } from './db.js';

/**
 * The rows that name a blob of the blob store (see blobs.ts): a source's own bytes (`sources.sha256`), a file of a
 * source (`source_files.sha256`: a zip entry, a chat file, a folder's media) and an attachment stored with bytes
 * (`attachments.sha256`). `audit verify`'s evidence check reads them here, and a failed ingest asks here which blobs it
 * wrote are named by no row before it removes them (referencedBlobHashes): both from this one list, so that a blob
 * column added later cannot be checked by one and missed by the other (a missed column would let a failed ingest
 * remove evidence that a stored row names). A source recorded by its folder's manifest (see folderManifest in
 * src/ingest/files.ts) names no blob with its own hash: its files do.
 */
export const BLOB_COLUMNS = [
  { table: 'sources', column: 'sha256' },
  { table: 'source_files', column: 'sha256' },
  { table: 'attachments', column: 'sha256' },
] as const;

export type BlobReferenceKind = 'source' | 'source-file' | 'attachment';

export interface BlobReference {
  kind: BlobReferenceKind;
  sha256: string;
  /** The size the row records (an attachment may record none). */
  size: number | null;
  custodianId: string;
  /** The source (a source, or the source a file belongs to); null for an attachment. */
  sourceId: number | null;
  /** The source's file name, or the attachment's name as the chat gives it. */
  fileName: string;
  /** A source file's path in its source. */
  path: string | null;
  attachmentId: number | null;
  messageId: number | null;
  conversationId: number | null;
}

interface Row {
  kind: BlobReferenceKind; sha256: string; size: number | null; custodianId: string; sourceId: number | null; fileName: string;
  path: string | null; attachmentId: number | null; messageId: number | null; conversationId: number | null;
}

type BlobColumn = `${(typeof BLOB_COLUMNS)[number]['table']}.${(typeof BLOB_COLUMNS)[number]['column']}`;

/** One SELECT per blob column (the type asks for every one of BLOB_COLUMNS); `@c` is a custodian id or null for all. */
const REFERENCE_SELECTS: Record<BlobColumn, string> = {
  'sources.sha256': `
  SELECT 'source' AS kind, s.sha256, s.size, s.custodian_id AS custodianId, s.id AS sourceId, s.file_name AS fileName,
         NULL AS path, NULL AS attachmentId, NULL AS messageId, NULL AS conversationId
    FROM sources s WHERE @c IS NULL OR s.custodian_id = @c`,
  'source_files.sha256': `
  SELECT 'source-file', f.sha256, f.size, s.custodian_id, s.id, s.file_name, f.path, NULL, NULL, NULL
    FROM source_files f JOIN sources s ON s.id = f.source_id WHERE @c IS NULL OR s.custodian_id = @c`,
  'attachments.sha256': `
  SELECT 'attachment', a.sha256, a.size, c.custodian_id, NULL, a.name, NULL, a.id, a.message_id, m.conversation_id
    FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id
   WHERE a.sha256 IS NOT NULL AND (@c IS NULL OR c.custodian_id = @c)`,
};

/** Every reference, optionally only one custodian's: one pass over each table. */
const REFERENCES = BLOB_COLUMNS.map(({ table, column }) => REFERENCE_SELECTS[`${table}.${column}`]).join('\n  UNION ALL');

/**
 * The references in blob order (by hash, then kind and id), streamed: all those of one blob come together, so a caller
 * checks each blob once however many rows name it. The statement stays open while the caller iterates: use the
 * connection for nothing else meanwhile.
 */
export function* iterateBlobReferences(db: DB, custodianId?: string): Generator<BlobReference> {
  const rows = db
    .prepare(`SELECT * FROM (${REFERENCES}) ORDER BY sha256, CASE kind WHEN 'source' THEN 0 WHEN 'source-file' THEN 1 ELSE 2 END, sourceId, path, attachmentId`)
    .iterate({ c: custodianId ?? null }) as IterableIterator<Row>;
  yield* rows;
}

/** How many blobs the references name, and their bytes (the largest recorded size of each): for progress. */
export function blobReferenceTotals(db: DB, custodianId?: string): { blobs: number; bytes: number } {
  const r = db
    .prepare(`SELECT COUNT(*) AS blobs, COALESCE(SUM(size), 0) AS bytes FROM (SELECT sha256, MAX(size) AS size FROM (${REFERENCES}) GROUP BY sha256)`)
    .get({ c: custodianId ?? null }) as { blobs: number; bytes: number };
  return r;
}

/**
 * The hashes among `hashes` that a row names (every column of BLOB_COLUMNS). One pass over each table (the columns have
 * no index), however many hashes are asked about.
 */
export function referencedBlobHashes(db: DB, hashes: string[]): Set<string> {
  if (hashes.length === 0) return new Set();
  const named = BLOB_COLUMNS.map(({ table, column }) => `c.value IN (SELECT ${column} FROM ${table} WHERE ${column} IS NOT NULL)`).join(' OR ');
  const rows = db.prepare(`SELECT c.value AS sha256 FROM json_each(?) c WHERE ${named}`).all(JSON.stringify(hashes)) as { sha256: string }[];
  return new Set(rows.map((r) => r.sha256));
}
