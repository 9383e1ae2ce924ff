import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

  /** Copies a file in while hashing it (streaming), and returns its hash and size. */
  async putFile(file: string): Promise<{ sha256: string; size: number }> {
    fs.mkdirSync(path.join(this.dir, 'tmp'), { recursive: true });
    const tmp = path.join(this.dir, 'tmp', `${process.pid}-${crypto.randomUUID()}`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const rs = fs.createReadStream(file);
      const ws = fs.createWriteStream(tmp, { mode: 0o444 });
      rs.on('data', (c) => { hash.update(c as Buffer); size += (c as Buffer).length; });
      rs.on('error', reject);
      ws.on('error', reject);
      ws.on('finish', () => resolve());
      rs.pipe(ws);
    });
    const sha256 = hash.digest('hex');
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

export function sha256Hex(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
