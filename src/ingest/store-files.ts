/**
 * The files of the store an ingest writes to: its database with SQLite's companions and its blob folder. An operator
 * who keeps the store in the folder of the exports (the default `./chatarchief.db`, then `chatarchief ingest .`) must
 * not have the store taken for an export or for a chat's media: that would copy the whole store, every custodian's
 * messages, into its own blob store as evidence of one export, and make every later ingest of that folder a new source.
 * Paths are compared after resolving symbolic links in their folders, so another spelling of the same folder matches.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The files SQLite keeps beside a database (WAL mode, or a rollback journal). */
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

export class StoreFiles {
  private readonly database: Set<string>;
  private readonly blobs: string;
  private readonly realDirs = new Map<string, string>();

  constructor(dbPath: string, blobDir: string) {
    const db = this.real(path.resolve(dbPath));
    this.database = new Set(COMPANIONS.map((s) => db + s));
    this.blobs = this.real(path.resolve(blobDir));
  }

  /** What the file or folder `abs` is of the store: its database (or a companion), its blob folder (or inside it), or null. */
  whatIs(abs: string): 'database' | 'blobs' | null {
    const r = this.real(path.resolve(abs));
    if (this.database.has(r)) return 'database';
    return r === this.blobs || r.startsWith(this.blobs + path.sep) ? 'blobs' : null;
  }

  /** Why discovery leaves `abs` alone, for the skipped list and refusals; null when it is no file of the store. */
  reason(abs: string): string | null {
    const what = this.whatIs(abs);
    if (what === 'database') return 'the database of the store this ingest writes to (--db): not an export, not stored';
    if (what === 'blobs') return 'the blob folder of the store this ingest writes to (--db): not searched';
    return null;
  }

  /** `abs` with the symbolic links in its folder resolved (the name itself is kept: it may not exist yet). */
  private real(abs: string): string {
    const dir = path.dirname(abs);
    let r = this.realDirs.get(dir);
    if (r === undefined) {
      try {
        r = fs.realpathSync(dir);
      } catch {
        r = dir;
      }
      this.realDirs.set(dir, r);
    }
    return path.join(r, path.basename(abs));
  }
}
