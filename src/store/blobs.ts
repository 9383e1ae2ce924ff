import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fsReason, InputError, UserError } from '../errors.js';

/**
 * Content-addressed, read-only store for source bytes: `<dir>/sha256/ab/cd/<hash>`.
 * Writes go to a temporary file first (`<dir>/tmp/`) and are renamed into place, so a blob is either whole or absent;
 * a write that fails removes its temporary file. Blobs are shared by content: the same bytes in two sources are one
 * blob. An ingest run writes through a `BlobRun` (see `startRun`), which removes the blobs that run created when
 * the run fails, so that a refused run leaves the store as it was. Ingest hashes first (`hashFile`) and stores only what
 * it needs (`putFile` with `expect`, `putFileUnlessStored`): bytes the store holds already are not written again.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Where writes put their temporary files (leftovers of a killed run: see blob-leftovers.ts). */
  get tmpDir(): string {
    return path.join(this.dir, 'tmp');
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathFor(sha256));
  }

  /** A view of this store that records what one ingest run writes, so that a failed run can be undone (`BlobRun`). */
  startRun(): BlobRun {
    return new BlobRun(this.dir);
  }

  /** Stores bytes and returns their hash. */
  putBuffer(bytes: Uint8Array): { sha256: string; size: number } {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    if (!this.has(sha256)) this.writeAtomically(sha256, (tmp) => fs.writeFileSync(tmp, bytes));
    return { sha256, size: bytes.byteLength };
  }

  /**
   * Copies a file in while hashing it, and returns its hash and size. A large file is copied by a worker thread
   * (`offThread`, default: from 8 MiB), so that the caller can read the file meanwhile (ingest parses it).
   *
   * With `expect` (the file's hash and size from `hashFile`, which a caller decided on, e.g. a duplicate check): when
   * that blob exists nothing is read or written (its bytes are the ones hashed); otherwise the copy's own hash must be
   * `expect`'s, or the file changed since it was hashed: an InputError naming it, and nothing is stored (a blob is
   * always named by the hash of its bytes, and the caller's records must name the bytes kept).
   */
  async putFile(file: string, opts: { offThread?: boolean; expect?: { sha256: string; size: number } } = {}): Promise<{ sha256: string; size: number }> {
    const want = opts.expect;
    if (want && this.has(want.sha256)) return { sha256: want.sha256, size: want.size };
    return this.viaTmp(async (tmp) => {
      const offThread = opts.offThread ?? fs.statSync(file).size >= OFF_THREAD_BYTES;
      const got = await (offThread ? copyOffThread(file, tmp) : copyStreaming(file, tmp));
      if (want && (got.sha256 !== want.sha256 || got.size !== want.size)) throw changedWhileRead(file, want, got);
      return got;
    });
  }

  /**
   * Hashes a file by reading it, writing nothing (the duplicate check of a source, before anything is stored). A large
   * file is read by a worker thread (as `putFile`), so that the caller can parse it meanwhile.
   */
  async hashFile(file: string, opts: { offThread?: boolean } = {}): Promise<{ sha256: string; size: number }> {
    const offThread = opts.offThread ?? fs.statSync(file).size >= OFF_THREAD_BYTES;
    return offThread ? copyOffThread(file, null) : hashStreaming(file);
  }

  /**
   * Stores a file unless its bytes are in the store already (a later export of a chat repeats most of its media):
   * a file below 8 MiB is read once into memory, hashed, and written from that buffer only when its blob is absent;
   * a larger one is hashed first and copied (`putFile` with `expect`: checked against that hash) only when absent,
   * its second read mostly from the page cache; unless `mayBeStored` says no stored file has its size.
   */
  async putFileUnlessStored(file: string, mayBeStored: (size: number) => boolean = () => true): Promise<{ sha256: string; size: number }> {
    const size = fs.statSync(file).size;
    if (size < OFF_THREAD_BYTES) return this.putBuffer(fs.readFileSync(file));
    // A size that no stored file has (`mayBeStored`, from the caller's records): copied and hashed in one read, as a
    // new file is anyway (should its blob exist after all, the copy is dropped).
    if (!mayBeStored(size)) return this.putFile(file, { offThread: false });
    return this.putFile(file, { offThread: false, expect: await this.hashFile(file, { offThread: false }) });
  }

  /** Streams an async iterable of chunks in while hashing. A failing iterable (a damaged zip entry) stores nothing. */
  async putStream(chunks: AsyncIterable<Buffer>): Promise<{ sha256: string; size: number }> {
    return this.viaTmp(async (tmp) => {
      const hash = crypto.createHash('sha256');
      let size = 0;
      const fd = fs.openSync(tmp, 'wx', 0o444);
      try {
        for await (const c of chunks) {
          hash.update(c);
          size += c.length;
          for (let w = 0; w < c.length; ) w += fs.writeSync(fd, c, w, c.length - w);
        }
      } finally {
        fs.closeSync(fd);
      }
      return { sha256: hash.digest('hex'), size };
    });
  }

  /** Writes bytes to a fresh temporary file with `write`, then moves them in as their blob; a failed write leaves nothing. */
  private async viaTmp(write: (tmp: string) => Promise<{ sha256: string; size: number }>): Promise<{ sha256: string; size: number }> {
    const tmp = this.newTmp();
    let failed = true;
    try {
      const r = await write(tmp);
      this.moveIn(tmp, r.sha256);
      failed = false;
      return r;
    } catch (e) {
      throw this.writeError(e, tmp);
    } finally {
      this.dropTmp(tmp, failed);
    }
  }

  /**
   * A write into the store that the file system refused (a regular file where a folder of the store should be, no
   * permission, a read-only or full disk) is the operator's to fix, not a bug: a UserError naming the store and the
   * reason. Other errors (reading the source, a damaged zip entry) pass unchanged.
   */
  private writeError(e: unknown, tmp?: string): unknown {
    const err = e as NodeJS.ErrnoException & { dest?: string };
    if (e instanceof UserError || !err?.code || !STORE_WRITE_CODES.has(err.code)) return e;
    // Only errors about the store's own paths (or a folder above it): a source that cannot be read is another matter.
    // A write through a file descriptor names no path; a full or read-only disk can only be the temporary file's.
    const where = err.dest ?? err.path ?? (tmp !== undefined && DISK_FULL_CODES.has(err.code) ? tmp : undefined);
    if (where === undefined) return e;
    const rel = path.relative(this.dir, where);
    const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
    const above = rel.split(path.sep).every((s) => s === '..');
    if (!inside && !above) return e;
    return new UserError(`the blob store ${this.dir} (beside the database) cannot be written: ${fsReason(e)}`);
  }

  read(sha256: string): Buffer {
    return fs.readFileSync(this.pathFor(sha256));
  }

  createReadStream(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathFor(sha256));
  }

  /** Called when a put moved new bytes into place (not when the blob was there already). */
  protected blobCreated(_sha256: string): void {}

  /** Called with a temporary file's name before it is created, and `false` once it is gone (moved in or removed). */
  protected tmpInUse(_tmp: string, _inUse: boolean): void {}

  /** A fresh temporary file name in `<dir>/tmp` (the folder is created). */
  private newTmp(): string {
    try {
      fs.mkdirSync(this.tmpDir, { recursive: true });
    } catch (e) {
      throw this.writeError(e);
    }
    const tmp = path.join(this.tmpDir, `${process.pid}-${crypto.randomUUID()}`);
    this.tmpInUse(tmp, true);
    return tmp;
  }

  /**
   * After a put: its temporary file was moved in (or removed, the bytes being there already), or, when the put failed,
   * is removed here. A removal that fails does not hide the put's error: the file stays recorded for a run's `discard`.
   */
  private dropTmp(tmp: string, failed: boolean): void {
    if (failed) {
      try {
        removeReadOnly(tmp);
      } catch {
        return;
      }
    }
    this.tmpInUse(tmp, false);
  }

  /** Moves a finished temporary file into place as the blob `sha256`, unless that blob exists already. */
  private moveIn(tmp: string, sha256: string): void {
    const dest = this.pathFor(sha256);
    if (fs.existsSync(dest)) {
      removeReadOnly(tmp);
      return;
    }
    fs.chmodSync(tmp, 0o444);
    // (twice: a failed run may remove an emptied shard folder between the mkdir and the rename)
    for (let attempt = 0; ; attempt++) {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      try {
        fs.renameSync(tmp, dest);
        break;
      } catch (e) {
        if (attempt > 0 || (e as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(tmp)) throw e;
      }
    }
    this.blobCreated(sha256);
  }

  private writeAtomically(sha256: string, write: (tmp: string) => void): void {
    const tmp = this.newTmp();
    let failed = true;
    try {
      write(tmp);
      this.moveIn(tmp, sha256);
      failed = false;
    } catch (e) {
      throw this.writeError(e, tmp);
    } finally {
      this.dropTmp(tmp, failed);
    }
  }
}

/**
 * The blob store as one ingest run writes to it, recording the blobs the run created (bytes that were not in the store
 * before: an existing blob may belong to earlier sources, and is never recorded) and its temporary files still in use.
 * When the run fails, `discard` removes exactly those; when it succeeds, everything stays.
 */
export class BlobRun extends BlobStore {
  private readonly createdSet = new Set<string>();
  private readonly tmpFiles = new Set<string>();

  /** The blobs this run created, by hash. */
  get created(): ReadonlySet<string> {
    return this.createdSet;
  }

  protected override blobCreated(sha256: string): void {
    this.createdSet.add(sha256);
  }

  protected override tmpInUse(tmp: string, inUse: boolean): void {
    if (inUse) this.tmpFiles.add(tmp);
    else this.tmpFiles.delete(tmp);
  }

  /**
   * Undoes the run's writes: removes its leftover temporary files and every blob it created that `referenced` says no
   * row of the database refers to (the caller asks after rolling back, holding the write lock, so that a blob another
   * run has meanwhile recorded for its own source is kept). Read-only files are made writable first where the platform
   * needs it. A file that cannot be removed is reported in `failed`, not thrown: the caller is already failing.
   */
  discard(referenced: (sha256: string) => boolean): { removed: string[]; kept: string[]; failed: { file: string; error: string }[] } {
    const out = { removed: [] as string[], kept: [] as string[], failed: [] as { file: string; error: string }[] };
    for (const tmp of [...this.tmpFiles]) {
      try {
        removeReadOnly(tmp);
        this.tmpFiles.delete(tmp);
      } catch (e) {
        out.failed.push({ file: tmp, error: (e as Error).message });
      }
    }
    for (const sha256 of [...this.createdSet]) {
      const file = this.pathFor(sha256);
      try {
        if (referenced(sha256)) {
          out.kept.push(sha256);
        } else {
          removeReadOnly(file);
          out.removed.push(sha256);
          // The shard folders the blob needed, when nothing else is in them now.
          removeEmptyDir(path.dirname(file));
          removeEmptyDir(path.dirname(path.dirname(file)));
        }
        this.createdSet.delete(sha256);
      } catch (e) {
        out.failed.push({ file, error: (e as Error).message });
      }
    }
    return out;
  }
}

/** Removes a (read-only) file if it exists: where the platform refuses to unlink a read-only file, it is made writable first. */
export function removeReadOnly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'EPERM' && code !== 'EACCES') throw e;
    fs.chmodSync(file, 0o644);
    fs.unlinkSync(file);
  }
}

function removeEmptyDir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty (other blobs share the shard), or already gone
  }
}

/** File system errors that mean the store's folder cannot be written (see `BlobStore.writeError`). */
const STORE_WRITE_CODES = new Set(['ENOTDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EISDIR']);
/** Of those, the ones a read never gives: on a write without a path they must be the store's. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** From this size on, `putFile` copies in a worker thread (starting one costs a few milliseconds). */
export const OFF_THREAD_BYTES = 8 << 20;

/** The refusal of a file whose bytes are not the ones hashed before (see `BlobStore.putFile`'s `expect`). */
function changedWhileRead(file: string, want: { sha256: string; size: number }, got: { sha256: string; size: number }): InputError {
  return new InputError(
    file,
    `the file changed while being read: it had SHA-256 ${want.sha256} (${want.size} bytes) when it was checked, and ` +
      `SHA-256 ${got.sha256} (${got.size} bytes) when it was stored. Nothing was stored; ingest it again once nothing writes to it`,
    { code: 'changed-while-read' },
  );
}

/** Reads `file` as a stream and returns its hash and size (nothing written). */
function hashStreaming(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  return new Promise((resolve, reject) => {
    const rs = fs.createReadStream(file);
    rs.on('data', (c) => { hash.update(c as Buffer); size += (c as Buffer).length; });
    rs.on('error', reject);
    rs.on('end', () => resolve({ sha256: hash.digest('hex'), size }));
  });
}

/**
 * Copies `file` to `tmp` (created read-only), hashing the bytes as they are written. It settles only once the output is
 * closed, so that a failed copy's temporary file can be removed (and no late open creates it again).
 */
function copyStreaming(file: string, tmp: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  return new Promise((resolve, reject) => {
    const rs = fs.createReadStream(file);
    const ws = fs.createWriteStream(tmp, { mode: 0o444, flags: 'wx' });
    let error: unknown = null;
    const fail = (e: unknown): void => {
      if (error !== null) return;
      error = e;
      rs.destroy();
      ws.destroy();
    };
    rs.on('data', (c) => { hash.update(c as Buffer); size += (c as Buffer).length; });
    rs.on('error', fail);
    ws.on('error', fail);
    ws.on('close', () => (error !== null ? reject(error) : ws.writableFinished ? resolve({ sha256: hash.digest('hex'), size }) : reject(new Error(`copying ${file} into the blob store stopped early`))));
    rs.pipe(ws);
  });
}

/**
 * The same copy in a worker thread, with synchronous reads and writes of 1 MiB (with `tmp` null: only the hash, nothing
 * written). The worker's code is a string (built-in modules only) so that it runs the same from the compiled package
 * and from the TypeScript sources under test.
 */
const COPY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { file, tmp } = workerData;
const hash = crypto.createHash('sha256');
const buf = Buffer.allocUnsafe(1 << 20);
// File descriptors belong to the process, not to this thread: close them whatever fails.
const input = fs.openSync(file, 'r');
let size = 0;
try {
  const output = tmp === null ? null : fs.openSync(tmp, 'wx', 0o444);
  try {
    for (let n; (n = fs.readSync(input, buf, 0, buf.length, null)) > 0; ) {
      hash.update(buf.subarray(0, n));
      if (output !== null) for (let w = 0; w < n; ) w += fs.writeSync(output, buf, w, n - w);
      size += n;
    }
  } finally {
    if (output !== null) fs.closeSync(output);
  }
} finally {
  fs.closeSync(input);
}
parentPort.postMessage({ sha256: hash.digest('hex'), size });
`;

/** Settles when the worker has stopped (its files closed), so that a failed copy's temporary file can be removed. */
function copyOffThread(file: string, tmp: string | null): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    let result: { sha256: string; size: number } | null = null;
    let error: unknown = null;
    const w = new Worker(COPY_WORKER, { eval: true, workerData: { file, tmp } });
    w.on('message', (m: { sha256: string; size: number }) => (result = m));
    w.on('error', (e) => (error ??= e));
    w.on('exit', (code) => (result ? resolve(result) : reject(error ?? new Error(`${tmp === null ? `hashing ${file}` : `copying ${file} into the blob store`} failed (worker exit code ${code})`))));
  });
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
