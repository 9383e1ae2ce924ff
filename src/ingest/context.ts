import fs from 'node:fs';
import type { DB } from '../store/db.js';
import type { BlobStore } from '../store/blobs.js';
import type { Custodian } from '../store/custodians.js';
import type { ParseWarning } from '../../parsers/types.js';
import type { ExportUnit, FileRef } from './discover.js';
import type { ReadOut } from './read-out.js';

export interface IngestContext {
  db: DB;
  blobs: BlobStore;
  custodian: Custodian;
  operator: string;
  device: string | null;
  veiligstellingId: number;
  dateOrder?: 'dmy' | 'mdy';
  /** Forced format (`--format`). */
  format?: string;
  /**
   * The read-out moment stated by the operator (`--read-out`); its instant is recorded as the export time, and a source
   * with a message after it is refused (see `ReadOutCheck`).
   */
  readOut?: ReadOut;
  progress(msg: string): void;
  /**
   * Date-order evidence within the run (see ingestPaths): the sources whose date order rests on hard evidence, and the
   * sources read without it that such a source contradicts (see reconcileDateOrder).
   */
  dateOrders?: { firm: Set<number>; contradicted: Set<number> };
  /** Aborted by Ctrl-C, SIGTERM or SIGHUP (reason: the signal's name): the run stops at its next step (see checkInterrupted). */
  signal?: AbortSignal;
}

/** A run stopped by a signal; it was rolled back like a refused one, blobs and temporary files included. */
export class IngestInterrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** Throws IngestInterrupted once the run's signal has fired: called between files and between batches of messages. */
export function checkInterrupted(ctx: Pick<IngestContext, 'signal'>): void {
  if (ctx.signal?.aborted) throw new IngestInterrupted(String(ctx.signal.reason ?? 'a signal'));
}

/** The per-source result printed by `ingest --json` (contract). */
export interface SourceReport {
  id: number;
  file: string;
  sha256: string;
  format: string;
  dateOrder: string | null;
  dateOrderEvidence?: string | null;
  duplicateSource: boolean;
  conversationId: number | null;
  conversationIds?: number[];
  messagesNew: number;
  messagesSeenBefore: number;
  /** Of those seen before: messages this source added versions to (a later edit; Signal). */
  messagesUpdated?: number;
  messagesMissing: number;
  attachments: number;
  attachmentsMissing?: number;
  /**
   * Attachments of messages seen before that were stored without bytes and that this source's files filled in; each is
   * recorded as an `attachment-filled` source finding (which source supplied the bytes).
   */
  attachmentsFilled?: number;
  /**
   * Attachments of messages seen before for which this source's files hold other bytes than the store (which keeps
   * its own); each is an `attachment-differs` finding.
   */
  attachmentsDiffer?: number;
  /**
   * Attachments of messages seen before whose bytes an earlier source secured and that this source lacks (omitted, or
   * named without the file); the stored bytes are kept, and each is an `attachment-missing-later` finding. Counted in
   * attachmentsMissing too.
   */
  attachmentsMissingLater?: number;
  lowFidelity?: boolean;
  warnings: ParseWarning[];
}

/** Reads a file reference fully as a stream of Buffers. */
export async function* readChunks(ref: FileRef): AsyncGenerator<Buffer> {
  const s = await ref.open();
  for await (const c of s) yield c as Buffer;
}

/**
 * Like `readChunks`, but a plain file is read through one reused 1 MiB buffer: each chunk is valid only until the
 * next one is requested, so only a consumer that copies what it keeps may use this (the line splitter does).
 * Saves a fresh buffer and a stream event per 64 KiB: about a seventh of the WhatsApp parse time.
 */
export async function* readChunksReusing(ref: FileRef): AsyncGenerator<Buffer> {
  if (ref.path === undefined) {
    yield* readChunks(ref);
    return;
  }
  yield* readFileReusing(ref.path);
}

/**
 * Synchronous reads: the parse is CPU-bound and the file is usually in the page cache, so a thread-pool round trip per
 * chunk only adds waiting (on a busy machine the wall time grew ~40% over the CPU time).
 */
export async function* readFileReusing(file: string, size = 1 << 20): AsyncGenerator<Buffer> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(size);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The warnings of reading `ref`, a main file of `unit`: for a file inside a zip, each names the entry, since its line
 * and byte offset are the entry's, not the zip's (the source is the zip).
 */
export function entryWarnings(unit: ExportUnit, ref: FileRef, add: (w: ParseWarning) => void): (w: ParseWarning) => void {
  return unit.container === 'zip' ? (w) => add({ ...w, entry: ref.rel }) : add;
}

/** Keeps the first warnings of each code whole and counts the rest, so a bad file cannot flood the output. */
export class WarningLog {
  readonly list: ParseWarning[] = [];
  private readonly perCode = new Map<string, number>();
  constructor(private readonly maxPerCode = 50) {}
  add = (w: ParseWarning): void => {
    const n = (this.perCode.get(w.code) ?? 0) + 1;
    this.perCode.set(w.code, n);
    if (n <= this.maxPerCode) this.list.push(w);
    else if (n === this.maxPerCode + 1) this.list.push({ code: w.code, message: `more '${w.code}' warnings follow; only the first ${this.maxPerCode} are listed` });
  };
}
