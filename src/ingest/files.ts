import { addSourceFile } from '../store/ingest.js';
import type { IngestContext } from './context.js';
import { readChunks } from './context.js';
import type { ExportUnit } from './discover.js';

export interface StoredSource {
  sha256: string;
  size: number;
  /** Hash of the main file (equal to sha256 when the source is the main file itself). */
  mainSha256: string;
}

/** Copies the source file's exact bytes into the blob store (streaming) and returns its hash. */
export async function storeSourceBytes(ctx: Pick<IngestContext, 'blobs'>, unit: ExportUnit): Promise<StoredSource> {
  const whole = await ctx.blobs.putFile(unit.sourcePath);
  if (unit.container === 'zip') {
    const main = await ctx.blobs.putStream(readChunks(unit.main));
    return { ...whole, mainSha256: main.sha256 };
  }
  return { ...whole, mainSha256: whole.sha256 };
}

/**
 * Stores every other file of the export (media) in the blob store and records it as part of the source.
 * Returns a lookup by relative path and by base name.
 */
export async function storeExportFiles(ctx: IngestContext, unit: ExportUnit, sourceId: number): Promise<Map<string, { sha256: string; size: number }>> {
  const out = new Map<string, { sha256: string; size: number }>();
  let n = 0;
  for (const [rel, ref] of unit.files) {
    // (A media file is copied on this thread: nothing runs meanwhile that a worker's copy could overlap.)
    const r = unit.container === 'zip' ? await ctx.blobs.putStream(readChunks(ref)) : await ctx.blobs.putFile(ref.display, { offThread: false });
    addSourceFile(ctx.db, sourceId, rel, r.size, r.sha256, 'media');
    out.set(rel, r);
    const base = rel.split('/').pop()!;
    if (!out.has(base)) out.set(base, r);
    if (++n % 500 === 0) ctx.progress(`  ${unit.sourcePath}: ${n} files stored`);
  }
  return out;
}
