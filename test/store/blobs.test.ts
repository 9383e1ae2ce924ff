/**
 * The blob store keeps every source's exact bytes. A large file is copied by a worker thread while ingest parses it;
 * that copy must be the same as the streaming one: same hash, same size, the same bytes, read-only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/store/blobs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-blobs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A chat-like file of `size` bytes: WhatsApp lines with multi-byte characters, the last one cut off mid-line. */
function chatFile(name: string, size: number): string {
  const line = (i: number) => `[03-01-2023 05:${String(i % 60).padStart(2, '0')}:00] \u202a+31 6 12345678\u202c: bericht ${i} – café ✅\n`;
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const l = line(i);
    parts.push(l);
    n += Buffer.byteLength(l);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(parts.join('')).subarray(0, size));
  return file;
}

describe('BlobStore.putFile', () => {
  // Sizes around the 1 MiB copy buffer of the worker, and an empty file.
  it.each([0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 17])('copies %i bytes the same in a worker thread as streaming', async (size) => {
    const file = chatFile(`chat-${size}.txt`, size);
    const want = { sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'), size };
    const streamed = new BlobStore(path.join(dir, `streamed-${size}`));
    const copied = new BlobStore(path.join(dir, `worker-${size}`));
    expect(await streamed.putFile(file, { offThread: false })).toEqual(want);
    expect(await copied.putFile(file, { offThread: true })).toEqual(want);
    expect(copied.read(want.sha256).equals(fs.readFileSync(file))).toBe(true);
    expect(fs.statSync(copied.pathFor(want.sha256)).mode & 0o777).toBe(0o444);
    // No temporary file is left behind.
    expect(fs.readdirSync(path.join(dir, `worker-${size}`, 'tmp'))).toEqual([]);
  });

  it('a file that cannot be read fails with its name, in the worker as in the stream', async () => {
    const missing = path.join(dir, 'gone.txt');
    const store = new BlobStore(path.join(dir, 'missing'));
    await expect(store.putFile(missing, { offThread: true })).rejects.toThrow(missing);
    await expect(store.putFile(missing, { offThread: false })).rejects.toThrow(missing);
  });
});
