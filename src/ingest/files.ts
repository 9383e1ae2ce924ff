import crypto from 'node:crypto';
import path from 'node:path';
import { addSourceFile, sourceFileList, sourceFindingWriter, storedFileSizesFrom } from '../store/ingest.js';
import { OFF_THREAD_BYTES } from '../store/blobs.js';
import type { AttachmentUpdate } from '../store/attachment-fill.js';
import type { DB } from '../store/db.js';
import { ATTACHMENT_DIFFERS, ATTACHMENT_FILLED } from '../store/reports.js';
import type { ParseWarning } from '../../parsers/types.js';
import type { IngestContext } from './context.js';
import { readChunks } from './context.js';
import type { ExportUnit } from './discover.js';

export interface StoredSource {
  sha256: string;
  size: number;
  /** Hash of the main file (equal to sha256 when the source is the main file itself). */
  mainSha256: string;
}

/**
 * Hashes the source file (a zip, a chat .txt, a Signal export's main.jsonl, ...) by reading it, writing nothing: its
 * duplicate check comes first, so that a source ingested before costs one read and no writes (see storeSourceBytes).
 */
export async function hashSourceBytes(ctx: Pick<IngestContext, 'blobs'>, unit: ExportUnit): Promise<{ sha256: string; size: number }> {
  return ctx.blobs.hashFile(unit.sourcePath);
}

/**
 * Copies the source file's exact bytes into the blob store (streaming; not again when its blob is there), checked
 * against its hash from hashSourceBytes, and for a zip the main entry's bytes too. Returns the main file's hash.
 */
export async function storeSourceBytes(ctx: Pick<IngestContext, 'blobs'>, unit: ExportUnit, hashed: { sha256: string; size: number }): Promise<string> {
  await ctx.blobs.putFile(unit.sourcePath, { expect: hashed });
  if (unit.container === 'zip') return (await ctx.blobs.putStream(readChunks(unit.main))).sha256;
  return hashed.sha256;
}

/** A file of the export as stored: its hash and size, and its path in the source (as recorded in source_files). */
export interface ExportFile {
  sha256: string;
  size: number;
  path: string;
}

type Hashed = Map<string, { sha256: string; size: number }>;
/**
 * The export's other files (media) as hashed (hashExportFiles) and as put in the blob store, per unit: once each. Keyed
 * by the unit's file map, which a unit re-pointed at its stored chat file (see run.ts, chatFromBlob) shares.
 */
const hashedFiles = new WeakMap<ExportUnit['files'], Hashed>();
const putFiles = new WeakMap<ExportUnit['files'], Hashed>();

/**
 * Hashes every other file of a folder export (media) by reading it, writing nothing, once per unit, and returns each
 * one's hash and size by relative path: the duplicate check of a folder whose chat file was ingested before needs
 * them (see folderManifest), and a folder that turns out to be that source must cost no writes.
 */
export async function hashExportFiles(ctx: Pick<IngestContext, 'blobs' | 'progress'>, unit: ExportUnit): Promise<Hashed> {
  const done = putFiles.get(unit.files) ?? hashedFiles.get(unit.files);
  if (done) return done;
  if (unit.container === 'zip') throw new Error('hashExportFiles: a zip is identified by its own bytes');
  const out: Hashed = new Map();
  for (const [rel, ref] of unit.files) {
    // (On this thread: nothing runs meanwhile that a worker's read could overlap.)
    out.set(rel, await ctx.blobs.hashFile(ref.display, { offThread: false }));
    if (out.size % 500 === 0) ctx.progress(`  ${unit.sourcePath}: ${out.size} files hashed`);
  }
  hashedFiles.set(unit.files, out);
  return out;
}

/**
 * Puts every other file of the export (media) in the blob store, once per unit, and returns each one's hash and size
 * by relative path. Only bytes not in the store yet are written: a file hashed before (hashExportFiles) is copied only
 * when its blob is absent, and must still have that hash (the folder's manifest names it); another is hashed before
 * it is written (putFileUnlessStored). A zip entry is inflated and stored in one pass (inflating twice costs more).
 */
export async function putExportFiles(ctx: Pick<IngestContext, 'db' | 'blobs' | 'progress'>, unit: ExportUnit): Promise<Hashed> {
  const done = putFiles.get(unit.files);
  if (done) return done;
  const hashed = hashedFiles.get(unit.files);
  const out: Hashed = new Map();
  // A large file of a size no stored file has cannot be in the store: it is copied in one read, not hashed first.
  let sizes: Set<number> | null = null;
  const mayBeStored = (size: number): boolean => (sizes ??= storedFileSizesFrom(ctx.db, OFF_THREAD_BYTES)).has(size);
  for (const [rel, ref] of unit.files) {
    // (A media file is copied on this thread: nothing runs meanwhile that a worker's copy could overlap.)
    const known = hashed?.get(rel);
    out.set(
      rel,
      unit.container === 'zip'
        ? await ctx.blobs.putStream(readChunks(ref))
        : known
          ? await ctx.blobs.putFile(ref.display, { offThread: false, expect: known })
          : await ctx.blobs.putFileUnlessStored(ref.display, mayBeStored),
    );
    if (out.size % 500 === 0) ctx.progress(`  ${unit.sourcePath}: ${out.size} files stored`);
  }
  putFiles.set(unit.files, out);
  return out;
}

/**
 * For a unit that is a source ingested before: stores again those of its files whose blob the store lacks (lost, or
 * removed by hand), so that re-ingesting the original still repairs the store, as when every re-ingest copied it all.
 * Nothing else is written; checking costs a stat per file. The source file itself, a folder's media (hashed by the
 * duplicate check) and a zip's entries (by the hashes the earlier source recorded for them) are covered.
 */
export async function restoreLostBlobs(ctx: IngestContext, unit: ExportUnit, hashed: { sha256: string; size: number }, earlierId: number): Promise<void> {
  await ctx.blobs.putFile(unit.sourcePath, { expect: hashed }); // (nothing read or written when the blob is there)
  if (unit.container === 'zip') {
    // The same zip bytes hold the same entries under the same names (each checked against its CRC-32 as it is read):
    // the chat entry, and the media entries the earlier source recorded.
    for (const f of sourceFileList(ctx.db, earlierId)) {
      if (ctx.blobs.has(f.sha256)) continue;
      const ref = f.role === 'chat' ? (f.path === unit.main.rel ? unit.main : undefined) : unit.files.get(f.path);
      if (ref) await ctx.blobs.putStream(readChunks(ref));
    }
    return;
  }
  const media = hashedFiles.get(unit.files);
  if (!media) return;
  for (const [rel, ref] of unit.files) {
    const h = media.get(rel);
    if (h && !ctx.blobs.has(h.sha256)) await ctx.blobs.putFile(ref.display, { offThread: false, expect: h });
  }
}

/**
 * Stores every other file of the export (media) in the blob store and records it as part of the source (its path as
 * the export writes it). Returns a lookup by relative path and by base name, each also in NFC: a chat names 'café.pdf'
 * composed, while a copy made on macOS or a repacked zip may name the file decomposed (see mediaFile).
 */
export async function storeExportFiles(ctx: IngestContext, unit: ExportUnit, sourceId: number): Promise<Map<string, ExportFile>> {
  const out = new Map<string, ExportFile>();
  for (const [rel, r] of await putExportFiles(ctx, unit)) {
    addSourceFile(ctx.db, sourceId, rel, r.size, r.sha256, 'media');
    const f: ExportFile = { sha256: r.sha256, size: r.size, path: rel };
    const base = rel.split('/').pop()!;
    // The name as written wins over another file's NFC form of the same name (both may be in one export).
    out.set(rel, f);
    for (const key of [rel.normalize('NFC'), base, base.normalize('NFC')]) if (!out.has(key)) out.set(key, f);
  }
  return out;
}

/** The export's file an attachment names (`name`: as the chat writes it), by path or base name, compared in NFC. */
export function mediaFile(media: Map<string, ExportFile>, name: string): ExportFile | undefined {
  const nfc = name.normalize('NFC');
  return media.get(name) ?? media.get(nfc) ?? media.get(path.posix.basename(name)) ?? media.get(path.posix.basename(nfc));
}

/**
 * What identifies a folder export: its chat file's bytes and its other files, each by relative path and bytes. The
 * manifest is the text `chatarchief-folder-manifest 1`, `chat <sha256>`, then `<sha256> <path as a JSON string, NFC>`
 * for each other file in path order (UTF-16 code unit order), one a line, each ending in a line feed; the chat file's own name is left out
 * (a renamed copy of the same chat text is the same chat). `sha256` is the SHA-256 of that text (UTF-8), `size` the
 * bytes of all the files together. It can be recomputed from a source's file list (source_files).
 */
export function folderManifest(chatSha256: string, chatSize: number, others: Iterable<{ path: string; sha256: string; size: number }>): {
  sha256: string; size: number; files: Map<string, { sha256: string; size: number }>;
} {
  const files = new Map<string, { sha256: string; size: number }>();
  // Paths in NFC (a copy made on macOS may name 'Café.jpg' decomposed), written as JSON strings (a name may hold a
  // line break): the same files always give the same manifest, and two lists never give one.
  for (const f of others) files.set(f.path.normalize('NFC'), { sha256: f.sha256, size: f.size });
  const paths = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let size = chatSize;
  let text = `chatarchief-folder-manifest 1\nchat ${chatSha256}\n`;
  for (const p of paths) {
    const f = files.get(p)!;
    text += `${f.sha256} ${JSON.stringify(p)}\n`;
    size += f.size;
  }
  return { sha256: crypto.createHash('sha256').update(text, 'utf8').digest('hex'), size, files };
}

/** How a folder's other files differ from an earlier source's: paths only here, only there, and with other bytes. */
export function fileListDiff(
  here: Map<string, { sha256: string }>, there: Map<string, { sha256: string }>,
): { added: string[]; absent: string[]; changed: { path: string; here: string; there: string }[] } {
  const added = [...here.keys()].filter((p) => !there.has(p)).sort();
  const absent = [...there.keys()].filter((p) => !here.has(p)).sort();
  const changed = [...here]
    .filter(([p, f]) => there.has(p) && there.get(p)!.sha256 !== f.sha256)
    .map(([p, f]) => ({ path: p, here: f.sha256, there: there.get(p)!.sha256 }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return { added, absent, changed };
}

/**
 * The operator's warning for an attachment of a message seen before that this source filled in (`attachment-filled`)
 * or brought other bytes for (`attachment-differs`). Its message is also the source finding that records the update
 * (see attachmentUpdateRecorder).
 */
export function attachmentUpdateWarning(e: AttachmentUpdate, conversationId: number, sourceId: number): ParseWarning {
  const who = `message ${e.messageId} (conversation ${conversationId}, ${e.sender ?? 'system'}, sent ${e.sentAt})`;
  const named = e.incomingName === e.name ? `'${e.name}'` : `'${e.name}' (named '${e.incomingName}' in this source)`;
  const file = `${e.path ? `'${e.path}' ` : ''}(sha256 ${e.sha256}, ${e.size ?? '?'} bytes)`;
  if (e.kind === 'filled') {
    return {
      code: ATTACHMENT_FILLED,
      message: `${who}: attachment ${named}, missing until now, is filled in from source ${sourceId}'s file ${file}`,
      line: e.line,
    };
  }
  return {
    code: ATTACHMENT_DIFFERS,
    message:
      `${who}: attachment ${named}: source ${sourceId}'s file ${file} differs from the bytes stored from an earlier source ` +
      `(sha256 ${e.storedSha256}, ${e.storedSize ?? '?'} bytes); the stored bytes are kept, this file stays in the source's file list`,
    line: e.line,
  };
}

/**
 * Records every attachment update of a message seen before (see AttachmentUpdate), whatever their number: each one
 * becomes a source finding (source_findings, code as the warning's), and a warning for the operator (the warning log
 * keeps only the first 50 of a code). The `attachment-filled` finding is the chain of custody: it names the source
 * that supplied the bytes, which the file lists and sightings alone do not (a later export holding the same file
 * sights the message too); it is a record, not one of the findings report's losses. An `attachment-differs` finding
 * is reported (the source's bytes are not the ones kept).
 */
export function attachmentUpdateRecorder(
  db: DB, warn: (w: ParseWarning) => void, conversationId: number, sourceId: number,
): (e: AttachmentUpdate) => void {
  // One prepared statement for them all (a re-ingest may fill in 100k: preparing one per update would cost about
  // 20 µs each, a quarter of the whole fill), prepared on the first update.
  let record: ReturnType<typeof sourceFindingWriter> | null = null;
  return (e) => {
    const w = attachmentUpdateWarning(e, conversationId, sourceId);
    warn(w);
    record ??= sourceFindingWriter(db);
    record(sourceId, w.code, w.message, conversationId, { messageId: e.messageId });
  };
}
