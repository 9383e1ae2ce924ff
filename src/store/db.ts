import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations.js';
import { BlobStore } from './blobs.js';
import { fsReason, UserError } from '../errors.js';
import { VERSION } from '../version.js';

export type DB = Database.Database;

export interface Store {
  db: DB;
  path: string;
  blobs: BlobStore;
  close(): void;
}

/** The database the CLI uses: `--db`, else `$CHATARCHIEF_DB`, else `./chatarchief.db`. */
export function defaultDbPath(flag?: string): string {
  return path.resolve(flag ?? process.env.CHATARCHIEF_DB ?? 'chatarchief.db');
}

/** Blob store folder beside the database: `x.db` → `x.blobs`. */
export function blobDirFor(dbPath: string): string {
  const dir = path.dirname(dbPath);
  const base = path.basename(dbPath).replace(/\.(db|sqlite3?)$/i, '');
  return path.join(dir, `${base}.blobs`);
}

/** Opens (creating if needed) and migrates a store. WAL mode and foreign keys are on. */
export function openStore(dbPath: string, opts: { readonly?: boolean } = {}): Store {
  if (opts.readonly && !fs.existsSync(dbPath)) {
    throw new Error(`no database at ${dbPath}`);
  }
  try {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  } catch (e) {
    // A path through a regular file, or a folder that cannot be written: bad input, named, not an internal error.
    throw new UserError(`--db ${dbPath}: cannot create its folder ${path.dirname(dbPath)}: ${fsReason(e)}`);
  }
  const db = new Database(dbPath);
  try {
    configure(db, dbPath, opts);
  } catch (e) {
    db.close(); // not a store (or not one this version can open): let go of the file
    // The disk refused (a folder where the write-ahead log belongs, a read-only or full disk): the operator's to fix.
    const code = String((e as { code?: unknown }).code ?? '');
    if (/^SQLITE_(IOERR|READONLY|FULL|PERM)/.test(code)) {
      throw new UserError(
        `--db ${dbPath}: the database cannot be opened for writing (${(e as Error).message}, ${code}); check that its folder can be written, ` +
          `that the disk is not full, and that nothing but the store's own files stands at ${dbPath}-wal and ${dbPath}-shm`,
      );
    }
    throw e;
  }
  const blobs = new BlobStore(blobDirFor(dbPath));
  return { db, path: dbPath, blobs, close: () => db.close() };
}

function configure(db: DB, dbPath: string, opts: { readonly?: boolean }): void {
  refuseNewerSchema(db); // before anything is set on it: a newer tool's store is left exactly as it is
  // A new store gets 16 KiB pages: a bulk ingest writes ~25% less CPU time than with the default 4 KiB (bench/ingest.ts).
  // The page size is fixed when the first table is created, so an existing store keeps its own.
  if (!opts.readonly && schemaVersion(db) === 0 && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  migrate(db);
}

export function schemaVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the database's version, each in its own transaction. */
export function migrate(db: DB): void {
  const current = refuseNewerSchema(db);
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * The store's schema version; a store written by a newer chatarchief (a version above the migrations this one knows)
 * is refused as the operator's to resolve (upgrade the tool), not an internal error. Returns the version otherwise.
 */
function refuseNewerSchema(db: DB): number {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new UserError(
      `--db ${db.name}: the store has schema version ${current}, but this chatarchief (${VERSION}) knows schema versions up to ` +
        `${MIGRATIONS.length}: it was written by a newer chatarchief. Upgrade chatarchief to use this store; nothing was changed`,
      { file: db.name, code: 'schema-newer' },
    );
  }
  return current;
}

export const nowIso = (): string => new Date().toISOString();

/**
 * Whether an error is SQLite's 'database is locked' (another process held a write lock longer than busy_timeout):
 * the store is in use, not broken, so callers report it as a retryable condition rather than an internal error.
 */
export function isStoreBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

/** Whether an error is SQLite's SQLITE_FULL: the disk (or file system quota) that holds the store has no room left. */
export function isDiskFull(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'SQLITE_FULL';
}

export const STORE_BUSY_MESSAGE =
  'the store is in use by another process (an ingest, tag, export or review that is writing); nothing was changed. Try again when it has finished';

