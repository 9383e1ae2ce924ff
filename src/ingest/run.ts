import { UserError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { Custodian } from '../store/custodians.js';
import { createVeiligstelling, findSourceByHash } from '../store/ingest.js';
import { discoverExports, type ExportUnit } from './discover.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';
import { storeSourceBytes, type StoredSource } from './files.js';
import { ingestWhatsApp, scanWhatsAppUnit } from './whatsapp.js';
import { ingestSignal, isSignalFormat } from './signal.js';
import type { IngestContext, SourceReport } from './context.js';

export interface IngestOptions {
  custodian: Custodian;
  operator: string;
  device: string | null;
  dateOrder?: 'dmy' | 'mdy';
  format?: string;
  readOut?: string;
  zipLimits?: ZipLimits;
  progress?: (msg: string) => void;
}

/**
 * Ingests the given paths as one veiligstelling. All-or-nothing: the whole run is one transaction, so a bad file
 * leaves the database exactly as it was (blobs already copied stay as unreferenced, content-addressed files).
 */
export async function ingestPaths(store: Store, paths: string[], opts: IngestOptions): Promise<{ veiligstellingId: number | null; sources: SourceReport[] }> {
  const progress = opts.progress ?? (() => {});
  const units = await discoverExports(paths, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
  if (units.length === 0) throw new UserError(`no exports found in ${paths.join(', ')}`);
  const db = store.db;
  const reports: SourceReport[] = [];
  db.exec('BEGIN IMMEDIATE');
  try {
    const veiligstellingId = createVeiligstelling(db, opts.custodian.id, opts.operator, opts.device);
    const ctx: IngestContext = {
      db, blobs: store.blobs, custodian: opts.custodian, operator: opts.operator, device: opts.device, veiligstellingId,
      dateOrder: opts.dateOrder, format: opts.format, readOut: opts.readOut, progress,
    };
    for (const [i, unit] of units.entries()) {
      progress(`[${i + 1}/${units.length}] ${unit.sourcePath}`);
      reports.push(await ingestUnit(ctx, unit));
    }
    if (reports.every((r) => r.duplicateSource)) {
      // Nothing new: do not record an empty veiligstelling.
      db.exec('ROLLBACK');
      return { veiligstellingId: null, sources: reports };
    }
    db.exec('COMMIT');
    return { veiligstellingId, sources: reports };
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  } finally {
    for (const u of units) u.zip?.close();
  }
}

async function ingestUnit(ctx: IngestContext, unit: ExportUnit): Promise<SourceReport> {
  // Discovery decided the format (a text file that is not Signal goes to the WhatsApp parser, which says whether it is one).
  const format = ctx.format ?? unit.format ?? 'whatsapp';
  const storing = storeSourceBytes(ctx, unit);
  // WhatsApp's pass 1 reads a chat file on disk while a worker copies and hashes a large source. Its outcome waits (a
  // failure included) until the source is known to be new: a source ingested before is reported as such, whatever
  // it holds. A chat in a zip is read after storing, from its copy in the blob store (see `chatFromBlob`).
  const scanning = format === 'whatsapp' && unit.container !== 'zip' ? settle(scanWhatsAppUnit(ctx, unit)) : null;
  const stored = await storing;
  const dup = findSourceByHash(ctx.db, ctx.custodian.id, stored.sha256);
  if (dup) {
    const prev = ctx.db.prepare('SELECT format, date_order FROM sources WHERE id = ?').get(dup.id) as { format: string; date_order: string | null };
    return {
      id: dup.id, file: unit.sourcePath, sha256: stored.sha256, format: prev.format, dateOrder: prev.date_order, duplicateSource: true,
      conversationId: dup.conversationIds[0] ?? null, conversationIds: dup.conversationIds, messagesNew: 0, messagesSeenBefore: 0,
      messagesMissing: 0, attachments: 0, warnings: [],
    };
  }
  if (format === 'whatsapp') {
    const chat = unit.container === 'zip' ? chatFromBlob(ctx, unit, stored) : unit;
    const scan = await (scanning ?? settle(scanWhatsAppUnit(ctx, chat)));
    if (!scan.ok) throw scan.error;
    return ingestWhatsApp(ctx, chat, stored, scan.value);
  }
  if (isSignalFormat(format)) return ingestSignal(ctx, unit, stored, format);
  throw new UserError(`unknown format '${format}'`);
}

/**
 * The unit with its zip-entry chat read from the blob store: storing the source wrote the entry's exact bytes there
 * (named by their hash), and both passes then read a plain file instead of inflating the entry twice more.
 */
function chatFromBlob(ctx: IngestContext, unit: ExportUnit, stored: StoredSource): ExportUnit {
  return { ...unit, main: { ...unit.main, path: ctx.blobs.pathFor(stored.mainSha256) } };
}

/** A promise's outcome as a value, so that it can wait without an unhandled rejection. */
function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}
