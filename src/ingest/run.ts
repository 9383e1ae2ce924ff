import fs from 'node:fs';
import path from 'node:path';
import { InputError, UserError } from '../errors.js';
import { isDiskFull, type DB, type Store } from '../store/db.js';
import type { BlobRun } from '../store/blobs.js';
import { removeStaleTmpFiles } from '../store/blob-leftovers.js';
import type { Custodian } from '../store/custodians.js';
import { referencedBlobHashes } from '../store/blob-refs.js';
import { createVeiligstelling, findSourceByHash, hasSourceOfSize, sourceFileList } from '../store/ingest.js';
import { appendSourceWarning, sourceMessagesOutsideTerm } from '../store/term.js';
import { discoverExports, type ExportUnit, type SkippedEntry } from './discover.js';
import { StoreFiles } from './store-files.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';
import { fileListDiff, folderManifest, hashExportFiles, hashSourceBytes, restoreLostBlobs, storeSourceBytes, type StoredSource } from './files.js';
import type { ParseWarning } from '../../parsers/types.js';
import { ingestWhatsApp, scanWhatsAppUnit } from './whatsapp.js';
import { ingestSignal, isSignalFormat } from './signal.js';
import { checkInterrupted, type IngestContext, type SourceReport } from './context.js';
import type { ReadOut } from './read-out.js';
import { DateTime } from 'luxon';

export interface IngestOptions {
  custodian: Custodian;
  operator: string;
  device: string | null;
  dateOrder?: 'dmy' | 'mdy';
  format?: string;
  /** `--read-out`: recorded as each new source's export time; a source with a later message is refused. */
  readOut?: ReadOut;
  zipLimits?: ZipLimits;
  progress?: (msg: string) => void;
  /** Stops the run at its next step (between files, between batches of messages); it is then rolled back. */
  signal?: AbortSignal;
}

/**
 * Ingests the given paths as one veiligstelling. All-or-nothing: the whole run is one transaction, so a bad file
 * leaves the database exactly as it was, and the blob store too: the blobs the run created (not those that were there
 * before, which earlier sources may share) and its temporary files are removed again (see `rollBack`).
 */
export async function ingestPaths(
  store: Store,
  paths: string[],
  opts: IngestOptions,
): Promise<{ veiligstellingId: number | null; sources: SourceReport[]; skipped: SkippedEntry[] }> {
  const progress = opts.progress ?? (() => {});
  const own = new StoreFiles(store.path, store.blobs.dir);
  const { units, skipped } = await discoverExports(paths, opts.zipLimits ?? DEFAULT_ZIP_LIMITS, own).catch((e: unknown) => {
    if (e instanceof UserError && paths.length > 1) e.message += `\n${NOTHING_STORED}, so the other paths given with this one were not read either. ${AGAIN}`;
    else if (e instanceof UserError && e.details.file !== undefined && path.resolve(e.details.file) !== path.resolve(paths[0]!)) {
      // A file found in the folder given: the folder's other exports were not stored either, which naming the one
      // refused does not say.
      e.message += `\n${NOTHING_STORED}, so no other export in ${paths[0]} was read either. ${AGAIN}`;
    }
    throw e;
  });
  if (units.length === 0) {
    const list = skipped.map((s) => `\n  ${s.path}: ${s.reason}`).join('');
    throw new UserError(`no exports found in ${paths.join(', ')}${list ? `; skipped:${list}` : ''}`);
  }
  const db = store.db;
  const reports: SourceReport[] = [];
  const blobs = store.blobs.startRun();
  db.exec('BEGIN IMMEDIATE');
  // Rolling back to this savepoint undoes the run's rows but keeps the write lock, under which its blobs are removed.
  db.exec(`SAVEPOINT ${RUN_SAVEPOINT}`);
  try {
    cleanLeftovers(store, progress);
    let veiligstellingId = 0;
    for (let order = units, attempt = 1; ; attempt++) {
      veiligstellingId = createVeiligstelling(db, opts.custodian.id, opts.operator, opts.device);
      const dateOrders = { firm: new Set<number>(), contradicted: new Set<number>() };
      const ctx: IngestContext = {
        db, blobs, custodian: opts.custodian, operator: opts.operator, device: opts.device, veiligstellingId,
        dateOrder: opts.dateOrder, format: opts.format, readOut: opts.readOut, progress, dateOrders, signal: opts.signal,
      };
      reports.length = 0;
      for (const [i, unit] of order.entries()) {
        checkInterrupted(ctx);
        progress(`[${i + 1}/${order.length}] ${unit.sourcePath}`);
        reports.push(await ingestUnit(ctx, unit));
      }
      // An export of a chat read without hard evidence of its date order, which a later export in the same run
      // contradicts with hard evidence: read in the other order, the exports with hard evidence first, it takes their
      // order (see reconcileDateOrder). Once: the second reading has every firm order before the others.
      const contradicted = reports.some((r) => !r.duplicateSource && dateOrders.contradicted.has(r.id));
      if (!contradicted || attempt > 1) break;
      progress('re-reading the run: an export read without hard evidence of its date order is contradicted by one with it');
      db.exec(`ROLLBACK TO ${RUN_SAVEPOINT}`);
      const firm = new Set(order.filter((_, i) => !reports[i]!.duplicateSource && dateOrders.firm.has(reports[i]!.id)));
      order = [...order.filter((u) => firm.has(u)), ...order.filter((u) => !firm.has(u))];
    }
    // Reported in the order the operator gave the paths.
    reports.sort((a, b) => units.findIndex((u) => u.sourcePath === a.file) - units.findIndex((u) => u.sourcePath === b.file));
    if (reports.every((r) => r.duplicateSource)) {
      // Nothing new: do not record an empty veiligstelling. (A duplicate wrote only blobs the store had lost: they stay.)
      db.exec('ROLLBACK');
      return { veiligstellingId: null, sources: reports, skipped };
    }
    db.exec('COMMIT');
    return { veiligstellingId, sources: reports, skipped };
  } catch (e) {
    rollBack(db, blobs, progress);
    // The run is one transaction: say what that meant for the other exports given with the one refused.
    if (e instanceof UserError && units.length > 1) {
      const others = units.length - 1;
      e.message += `\n${NOTHING_STORED}, so the ${others} other export${others === 1 ? '' : 's'} given with this one ${others === 1 ? 'was' : 'were'} not stored either. ${AGAIN}`;
    }
    // A full disk is not a bug and no export's fault: the operator must free space (exit 1, not an internal error).
    if (isDiskFull(e)) {
      throw new UserError(
        `the store ${store.path} cannot be written: the disk that holds it is full (SQLITE_FULL: ${(e as Error).message}). ` +
          'Nothing of this run was stored: its transaction was rolled back. Free space on that disk and ingest again',
        { file: store.path, code: 'disk-full' },
      );
    }
    throw e;
  } finally {
    for (const u of units) u.zip?.close();
  }
}

const RUN_SAVEPOINT = 'ingest_run';
const NOTHING_STORED = 'Nothing of this run was stored: a run is all or nothing';
const AGAIN = 'Ingest again without this file, or with it put right';

/** Removes the temporary files of runs killed hard (while this run holds the write lock: see blob-leftovers.ts). */
function cleanLeftovers(store: Store, progress: (msg: string) => void): void {
  const r = removeStaleTmpFiles(store.blobs);
  if (r.removed.length) progress(`removed ${r.removed.length} temporary file(s) that an earlier, killed run left in the blob store ${store.blobs.tmpDir}`);
  for (const f of r.failed) progress(`warning: could not clean up ${f.file} in the blob store: ${f.error}`);
}

/**
 * Undoes a failed run: its rows, then the blobs it created and its leftover temporary files. A blob the run created is
 * removed only when, after the rollback, no row refers to its hash: the check and the removal happen while this
 * connection still holds the write lock, and every ingest writes blobs only while it holds that lock, so another
 * process ingesting the same bytes either committed its rows before (they are seen, the blob stays) or starts after
 * (and stores the bytes again). Cleaning up never hides the run's own error: a failure here is reported as progress.
 */
function rollBack(db: DB, blobs: BlobRun, progress: (msg: string) => void): void {
  let locked = false;
  try {
    try {
      if (db.inTransaction) db.exec(`ROLLBACK TO ${RUN_SAVEPOINT}`);
      else db.exec('BEGIN IMMEDIATE'); // SQLite already rolled back (disk full, I/O error): take the lock again for the check
      locked = true;
    } catch (e) {
      progress(`warning: the blob store was not cleaned up after the failed run (${(e as Error).message}); its ${blobs.created.size} new blob(s) stay, unreferenced`);
    }
    if (locked) {
      const referenced = referencedBlobHashes(db, [...blobs.created]);
      const r = blobs.discard((sha256) => referenced.has(sha256));
      for (const f of r.failed) progress(`warning: could not remove ${f.file} from the blob store after the failed run: ${f.error}`);
    }
  } catch (e) {
    progress(`warning: the blob store was not cleaned up after the failed run: ${(e as Error).message}`);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

async function ingestUnit(ctx: IngestContext, unit: ExportUnit): Promise<SourceReport> {
  // Discovery decided the format (a text file that is not Signal goes to the WhatsApp parser, which says whether it is one).
  const format = ctx.format ?? unit.format ?? 'whatsapp';
  // Hash first, store only a new source: a source ingested before (a monthly batch run again) is read, never written.
  // A zip, file or folder chat file of a size that no earlier source (or source's chat file) has cannot be one: it is
  // copied and hashed in one read, as a new source is anyway.
  const oneRead = !hasSourceOfSize(ctx.db, ctx.custodian.id, (await fs.promises.stat(unit.sourcePath)).size);
  const hashing = oneRead ? ctx.blobs.putFile(unit.sourcePath) : hashSourceBytes(ctx, unit);
  // WhatsApp's pass 1 reads a chat file on disk while a worker hashes (then copies) a large source. Its outcome waits
  // (a failure included) until the source is known to be new: a source ingested before is reported as such, whatever
  // it holds. A chat in a zip is read after storing, from its copy in the blob store (see `chatFromBlob`).
  const liveScan = format === 'whatsapp' && unit.container !== 'zip';
  const before = liveScan ? fileState(unit.main.path!) : null;
  const scanning = liveScan ? settle(scanWhatsAppUnit(ctx, unit)) : null;
  const hashed = await hashing;
  checkInterrupted(ctx);
  const same = await earlierSource(ctx, unit, hashed);
  const { dup } = same;
  if (dup) {
    await restoreLostBlobs(ctx, unit, hashed, dup.id);
    return {
      id: dup.id, file: unit.sourcePath, sha256: same.sha256, format: dup.format, dateOrder: dup.dateOrder, duplicateSource: true,
      conversationId: dup.conversationIds[0] ?? null, conversationIds: dup.conversationIds, messagesNew: 0, messagesSeenBefore: 0,
      messagesMissing: 0, attachments: 0, warnings: [],
    };
  }
  // (A folder's media are stored with the source's record, see storeExportFiles: only those not in the store yet.)
  const stored: StoredSource = { sha256: same.sha256, size: same.size, mainSha256: await storeSourceBytes(ctx, unit, hashed) };
  let report: SourceReport;
  // The messages are read from the stored copy: what is stored is exactly what the kept bytes hold, even when the
  // file on disk is written to after it was hashed (a copy still running, say).
  const chat = chatFromBlob(ctx, unit, stored);
  if (format === 'whatsapp') {
    const scan = await (scanning ?? settle(scanWhatsAppUnit(ctx, chat)));
    if (!scan.ok) throw scan.error;
    // Pass 1 read the file on disk while it was hashed: it must have read those bytes.
    if (before) unchangedSinceHashed(unit.main.display, before, fileState(unit.main.path!), stored.mainSha256, hashed.size);
    report = await ingestWhatsApp(ctx, chat, stored, scan.value);
  } else if (isSignalFormat(format)) {
    report = await ingestSignal(ctx, chat, stored, format);
  } else {
    throw new UserError(`unknown format '${format}'`);
  }
  if (same.otherMedia) {
    report.warnings.unshift(same.otherMedia);
    appendSourceWarning(ctx.db, report.id, same.otherMedia);
  }
  warnOutsideTerm(ctx, report);
  return report;
}

type FoundSource = NonNullable<ReturnType<typeof findSourceByHash>>;

/**
 * The source ingested before that this unit is, if any, and the hash and size to record the unit with otherwise (from
 * hashes alone: nothing is stored before the unit is known to be new). A file or zip is that source when its bytes
 * are the same. A folder export (a chat .txt with its media beside it, a Signal export folder) is when its chat
 * file's bytes are the same and its other files too, each by relative path and bytes: a
 * folder whose chat file was ingested before with other media (a photo copied in since, an intact copy of a file that
 * was damaged) is a new source, so that its files are stored and fill in or are checked against the attachments. Its
 * sources.sha256 cannot be the chat file's (one hash is one source: UNIQUE (custodian_id, sha256)); it is the hash
 * of the folder's manifest (see folderManifest), its size the folder's, and the warning `same-chat-file-other-media`
 * says why it was recorded, naming the earlier source and what differs. Its chat file keeps its own hash in its file list.
 */
async function earlierSource(
  ctx: IngestContext, unit: ExportUnit, hashed: { sha256: string; size: number },
): Promise<{ sha256: string; size: number; dup: FoundSource | null; otherMedia: ParseWarning | null }> {
  const dup = findSourceByHash(ctx.db, ctx.custodian.id, hashed.sha256);
  if (!dup || unit.container !== 'dir') return { ...hashed, dup, otherMedia: null };
  // A source whose sha256 is a folder manifest exists only beside the one with its chat file's hash (sources stay).
  // Only then are the media read, and only hashed: a folder that is that source again writes nothing.
  const files = [...(await hashExportFiles(ctx, unit))].map(([path, f]) => ({ path, ...f }));
  const here = folderManifest(hashed.sha256, hashed.size, files);
  const earlierFiles = sourceFileList(ctx.db, dup.id);
  const chatSize = earlierFiles.find((f) => f.role === 'chat' && f.sha256 === hashed.sha256)?.size ?? hashed.size;
  const there = folderManifest(hashed.sha256, chatSize, earlierFiles.filter((f) => f.role !== 'chat'));
  if (there.sha256 === here.sha256) return { ...hashed, dup, otherMedia: null };
  const asFolder = { sha256: here.sha256, size: here.size };
  const again = findSourceByHash(ctx.db, ctx.custodian.id, here.sha256);
  if (again) return { ...asFolder, dup: again, otherMedia: null };
  const d = fileListDiff(here.files, there.files);
  const list = (xs: string[]): string => `${xs.slice(0, 5).map((x) => `'${x}'`).join(', ')}${xs.length > 5 ? ` and ${xs.length - 5} more` : ''}`;
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [
    ...(d.added.length ? [`${n(d.added.length, 'file')} only here (${list(d.added)})`] : []),
    ...(d.changed.length
      ? [`${n(d.changed.length, 'file')} with other bytes (${d.changed.slice(0, 5).map((c) => `'${c.path}': sha256 ${c.here} here, ${c.there} there`).join('; ')}${d.changed.length > 5 ? `; and ${d.changed.length - 5} more` : ''})`]
      : []),
    ...(d.absent.length ? [`${n(d.absent.length, 'file')} only in source ${dup.id} (${list(d.absent)})`] : []),
  ];
  return {
    ...asFolder,
    dup: null,
    otherMedia: {
      code: SAME_CHAT_FILE_OTHER_MEDIA,
      message:
        `the chat file '${unit.main.rel}' (sha256 ${hashed.sha256}) is byte for byte that of source ${dup.id}, but the folder's other ` +
        `files differ: ${parts.join('; ')}. Recorded as a new source so that its files are kept and checked against the ` +
        `attachments; its sha256 ${here.sha256} is that of the folder's file list (manifest), not of one file`,
    },
  };
}

/** The warning of a folder export whose chat file was ingested before with other media (see earlierSource). */
export const SAME_CHAT_FILE_OTHER_MEDIA = 'same-chat-file-other-media';

/**
 * Messages sent before the custodian's term began or after it ended are kept (they are evidence of what the phone
 * held), but the source says how many there are and when, so that the operator can check the export and the term.
 */
function warnOutsideTerm(ctx: IngestContext, report: SourceReport): void {
  const c = ctx.custodian;
  const out = sourceMessagesOutsideTerm(ctx.db, report.id, { from: c.termFrom, to: c.termTo, zone: c.tz });
  if (out.before.count === 0 && out.after.count === 0) return;
  const day = (ms: number | null): string => (ms === null ? '?' : DateTime.fromMillis(ms, { zone: c.tz }).toFormat('yyyy-MM-dd'));
  const span = (p: { firstMs: number | null; lastMs: number | null }): string => (day(p.firstMs) === day(p.lastMs) ? `on ${day(p.firstMs)}` : `${day(p.firstMs)} to ${day(p.lastMs)}`);
  const n = (k: number): string => `${k} message${k === 1 ? '' : 's'}`;
  const parts = [
    ...(out.before.count ? [`${n(out.before.count)} before the term began on ${c.termFrom} (${span(out.before)})`] : []),
    ...(out.after.count ? [`${n(out.after.count)} after the term ended on ${c.termTo} (${span(out.after)})`] : []),
  ];
  const warning = {
    code: 'outside-term',
    message:
      `${parts.join(' and ')}: outside the term of custodian '${c.id}' (${c.termFrom} to ${c.termTo ?? 'now'}). They are kept as ` +
      `evidence; check that the export belongs to this custodian and that the term is right`,
  };
  report.warnings.push(warning);
  appendSourceWarning(ctx.db, report.id, warning);
}

/**
 * The unit with its zip-entry chat read from the blob store: storing the source wrote the entry's exact bytes there
 * (named by their hash), and both passes then read a plain file instead of inflating the entry twice more.
 */
function chatFromBlob(ctx: IngestContext, unit: ExportUnit, stored: StoredSource): ExportUnit {
  const blob = ctx.blobs.pathFor(stored.mainSha256);
  return { ...unit, main: { ...unit.main, path: blob, open: async () => fs.createReadStream(blob) } };
}

/** A file's size and modification time, to tell whether it was written to between two moments. */
function fileState(file: string): { size: number; mtimeMs: number } {
  const st = fs.statSync(file);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/** Refuses a chat file written to while pass 1 read it (its outcome would not be of the bytes kept). */
function unchangedSinceHashed(
  display: string, before: { size: number; mtimeMs: number }, after: { size: number; mtimeMs: number }, sha256: string, hashedSize: number,
): void {
  if (before.size === after.size && before.mtimeMs === after.mtimeMs && after.size === hashedSize) return;
  throw new InputError(
    display,
    `the file changed while being read: it had ${hashedSize} bytes (SHA-256 ${sha256}) when it was hashed and stored, and ` +
      `${after.size} bytes, modified ${new Date(after.mtimeMs).toISOString()}, after it was read. Nothing was stored; ingest it again once nothing writes to it`,
    { code: 'changed-while-read' },
  );
}

/** A promise's outcome as a value, so that it can wait without an unhandled rejection. */
function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}
