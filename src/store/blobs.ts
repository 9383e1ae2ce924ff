import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Content-addressed, read-only store for source bytes: `<dir>/sha256/ab/cd/<hash>`.
 * Writes go to a temporary file first and are renamed into place, so a blob is either whole or absent.
 * Blobs are never deleted by ingest: an aborted ingest may leave an unreferenced blob, which is harmless.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathFor(sha256));
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
   */
  async putFile(file: string, opts: { offThread?: boolean } = {}): Promise<{ sha256: string; size: number }> {
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    const tmp = path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
    const offThread = opts.offThread ?? fs.statSync(file).size >= OFF_THREAD_BYTES;
    const { sha256, size } = offThread ? await copyOffThread(file, tmp) : await copyStreaming(file, tmp);
    this.moveIn(tmp, sha256);
    return { sha256, size };
  }

  /** Streams an async iterable of chunks in while hashing. */
  async putStream(chunks: AsyncIterable<Buffer>): Promise<{ sha256: string; size: number }> {
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    const tmp = path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const fd = fs.openSync(tmp, 'w', 0o444);
    try {
      for await (const c of chunks) {
        hash.update(c);
        size += c.length;
        fs.writeSync(fd, c);
      }
    } finally {
      fs.closeSync(fd);
    }
    const sha256 = hash.digest('hex');
    this.moveIn(tmp, sha256);
    return { sha256, size };
  }

  read(sha256: string): Buffer {
    return fs.readFileSync(this.pathFor(sha256));
  }

  createReadStream(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathFor(sha256));
  }

  private moveIn(tmp: string, sha256: string): void {
    const dest = this.pathFor(sha256);
    if (fs.existsSync(dest)) {
      fs.rmSync(tmp, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.chmodSync(tmp, 0o444);
    fs.renameSync(tmp, dest);
  }

  private writeAtomically(sha256: string, write: (tmp: string) => void): void {
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    const tmp = path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
    write(tmp);
    this.moveIn(tmp, sha256);
  }
}

/** From this size on, `putFile` copies in a worker thread (starting one costs a few milliseconds). */
const OFF_THREAD_BYTES = 8 << 20;

/** Copies `file` to `tmp` (created read-only), hashing the bytes as they are written. */
function copyStreaming(file: string, tmp: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  return new Promise((resolve, reject) => {
    const rs = fs.createReadStream(file);
    const ws = fs.createWriteStream(tmp, { mode: 0o444 });
    rs.on('data', (c) => { hash.update(c as Buffer); size += (c as Buffer).length; });
    rs.on('error', reject);
    ws.on('error', reject);
    ws.on('finish', () => resolve({ sha256: hash.digest('hex'), size }));
    rs.pipe(ws);
  });
}

/**
 * The same copy in a worker thread, with synchronous reads and writes of 1 MiB. The worker's code is a string (built-in
 * modules only) so that it runs the same from the compiled package and from the TypeScript sources under test.
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
  const output = fs.openSync(tmp, 'wx', 0o444);
  try {
    for (let n; (n = fs.readSync(input, buf, 0, buf.length, null)) > 0; ) {
      hash.update(buf.subarray(0, n));
      for (let w = 0; w < n; ) w += fs.writeSync(output, buf, w, n - w);
      size += n;
    }
  } finally {
    fs.closeSync(output);
  }
} finally {
  fs.closeSync(input);
}
parentPort.postMessage({ sha256: hash.digest('hex'), size });
`;

function copyOffThread(file: string, tmp: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    let result: { sha256: string; size: number } | null = null;
    const w = new Worker(COPY_WORKER, { eval: true, workerData: { file, tmp } });
    w.on('message', (m: { sha256: string; size: number }) => (result = m));
    w.on('error', reject);
    w.on('exit', (code) => (result ? resolve(result) : reject(new Error(`copying ${file} into the blob store failed (worker exit code ${code})`))));
  });
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
