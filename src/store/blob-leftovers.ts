import fs from 'node:fs';
import path from 'node:path';
import { removeReadOnly, type BlobStore } from './blobs.js';

/**
 * Temporary files that an ingest run killed hard (SIGKILL, power loss) left in the blob store's `tmp/` folder: a run
 * that fails or is interrupted removes its own, but one that is killed cannot. They are never blobs (a blob is renamed
 * into `sha256/` whole), so no record refers to them.
 *
 * `removeStaleTmpFiles` is called at the start of an ingest run, while it holds the store's write lock. Every ingest
 * writes blobs only while it holds that lock, so no other run is writing a temporary file then; as a second safeguard
 * (a store on a network drive whose locks do not hold, a writer that does not take the lock) only files not written to
 * for `STALE_TMP_MS` are removed: a write in progress keeps its file's modification time current.
 *
 * Blobs that a killed run moved into `sha256/` but whose rows it never committed are not touched: they are whole bytes
 * of an export, and removing evidence is never done on a guess (`audit verify` reports them, as `blob-unreferenced`).
 */

/** How long a temporary file must not have been written to before it counts as left behind. */
export const STALE_TMP_MS = 60 * 60 * 1000;

export interface StaleTmpCleanup {
  /** The names of the temporary files removed. */
  removed: string[];
  /** Leftovers that could not be removed (or the folder not read), with the reason. */
  failed: { file: string; error: string }[];
}

/** Removes the leftover temporary files older than `olderThanMs`. Never throws: a cleanup must not fail an ingest. */
export function removeStaleTmpFiles(blobs: BlobStore, opts: { olderThanMs?: number; now?: number } = {}): StaleTmpCleanup {
  const out: StaleTmpCleanup = { removed: [], failed: [] };
  const cutoff = (opts.now ?? Date.now()) - (opts.olderThanMs ?? STALE_TMP_MS);
  let names: string[];
  try {
    names = fs.readdirSync(blobs.tmpDir);
  } catch (e) {
    // (no folder yet, or a file in its place, which the run's first write reports)
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') out.failed.push({ file: blobs.tmpDir, error: (e as Error).message });
    return out;
  }
  for (const name of names) {
    const file = path.join(blobs.tmpDir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || st.mtimeMs > cutoff) continue;
      removeReadOnly(file);
      out.removed.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') out.failed.push({ file, error: (e as Error).message });
    }
  }
  return out;
}
