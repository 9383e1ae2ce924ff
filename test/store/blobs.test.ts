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

/** Every file under `root`, relative, sorted ([] when it does not exist). */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe('BlobStore: a failed write leaves no temporary file', () => {
  it('putFile of a file that cannot be read, in the worker as in the stream', async () => {
    const root = path.join(dir, 'failed-putfile');
    const store = new BlobStore(root);
    const missing = path.join(dir, 'vanished.txt');
    await expect(store.putFile(missing, { offThread: true })).rejects.toThrow(missing);
    await expect(store.putFile(missing, { offThread: false })).rejects.toThrow(missing);
    expect(filesUnder(root)).toEqual([]);
  });

  it('putFile of a folder (the read fails after the temporary file was created)', async () => {
    const root = path.join(dir, 'failed-folder');
    const store = new BlobStore(root);
    await expect(store.putFile(dir, { offThread: true })).rejects.toThrow();
    await expect(store.putFile(dir, { offThread: false })).rejects.toThrow();
    expect(filesUnder(root)).toEqual([]);
  });

  it('putStream whose chunks fail part way (a damaged zip entry)', async () => {
    const root = path.join(dir, 'failed-stream');
    const store = new BlobStore(root);
    async function* damaged(): AsyncGenerator<Buffer> {
      yield Buffer.from('the first bytes of an entry');
      throw new Error('corrupt zip entry: CRC-32 mismatch');
    }
    await expect(store.putStream(damaged())).rejects.toThrow('CRC-32 mismatch');
    expect(filesUnder(root)).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});

describe('BlobRun: what one ingest run wrote, and undoing it', () => {
  it('records only the blobs the run created, and discard removes exactly the unreferenced ones with their empty shard folders', async () => {
    const root = path.join(dir, 'run');
    const store = new BlobStore(root);
    const shared = store.putBuffer(Buffer.from('bytes of an earlier source'));
    const foreignTmp = path.join(root, 'tmp', '424242-another-process');
    fs.writeFileSync(foreignTmp, 'partial');
    const before = filesUnder(root);

    const run = store.startRun();
    expect(run.putBuffer(Buffer.from('bytes of an earlier source'))).toEqual(shared);
    const a = run.putBuffer(Buffer.from('new bytes a'));
    const file = chatFile('run-b.txt', 5000);
    const b = await run.putFile(file, { offThread: true });
    const c = await run.putStream((async function* () { yield Buffer.from('new bytes c'); })());
    expect(run.putBuffer(Buffer.from('new bytes a'))).toEqual(a); // twice in one run: still one new blob
    expect([...run.created].sort()).toEqual([a.sha256, b.sha256, c.sha256].sort());
    for (const h of [a.sha256, b.sha256, c.sha256]) expect(fs.statSync(store.pathFor(h)).mode & 0o777).toBe(0o444);

    // `c` is referenced by a row (another run claimed the same bytes meanwhile): it stays.
    const r = run.discard((h) => h === c.sha256);
    expect(r.removed.sort()).toEqual([a.sha256, b.sha256].sort());
    expect(r.kept).toEqual([c.sha256]);
    expect(r.failed).toEqual([]);
    expect(filesUnder(root)).toEqual([...before, path.relative(root, store.pathFor(c.sha256))].sort());
    expect(store.read(shared.sha256).toString()).toBe('bytes of an earlier source');
    for (const h of [a.sha256, b.sha256]) {
      expect(store.has(h)).toBe(false);
      // (the shard folders were made for these blobs alone)
      if (h.slice(0, 2) !== c.sha256.slice(0, 2) && h.slice(0, 2) !== shared.sha256.slice(0, 2)) expect(fs.existsSync(path.join(root, 'sha256', h.slice(0, 2)))).toBe(false);
    }
    // The same bytes can be stored again afterwards.
    expect(store.putBuffer(Buffer.from('new bytes a'))).toEqual(a);
    expect(store.has(a.sha256)).toBe(true);
  });

  it('a run that wrote nothing discards nothing: blobs stored before it stay', async () => {
    const root = path.join(dir, 'plain');
    const store = new BlobStore(root);
    const a = store.putBuffer(Buffer.from('kept'));
    const run = store.startRun();
    expect(run.created.size).toBe(0);
    expect(run.discard(() => false)).toEqual({ removed: [], kept: [], failed: [] });
    expect(store.has(a.sha256)).toBe(true);
  });
});
