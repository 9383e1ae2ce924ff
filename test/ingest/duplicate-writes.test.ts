/**
 * Hash first, store only what is needed: re-ingesting an export that is a source ingested before (a folder with its
 * media, a Signal export folder, a zip) reads it but writes nothing into the blob store, and a folder that is a new
 * source writes only the bytes the store lacks. A file that changes between its hash and its copy is refused, so that
 * no blob and no record names bytes that were not kept. (Tests run as root, so a read-only folder would not stop a
 * write: a regular file where the blob store's temporary folder belongs does, and makes any write fail the run.)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BlobStore } from '../../src/store/blobs.js';
import { InputError } from '../../src/errors.js';
import { runCli, SHARED, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'];
const CHAT_NAME = 'WhatsApp-chat met Piet.txt';
const SIGNAL_DIR = path.join(SHARED, 'formats/signal-samples/signal-plaintext-export/signal-export-2025-03-11');
/** From this size on the blob store reads a file twice (hash, then copy) instead of once into memory. */
const LARGE = (8 << 20) + 123;

const sha = (b: Buffer | string): string => crypto.createHash('sha256').update(b).digest('hex');
const attached = (name: string, minute: number): string => `14-01-2023 10:${String(minute % 60).padStart(2, '0')} - Piet: \u200e${name} (bestand bijgevoegd)`;

let dir: string;
let db: string;
let blobDir: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
  blobDir = path.join(dir, 'store.blobs');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const ingest = (p: string) => runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH', '--json', p]);
async function ingestOk(p: string): Promise<{ id: number; sha256: string; duplicateSource: boolean; warnings: { code: string; message: string }[] }> {
  const r = await ingest(p);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
}

/** Every file under the blob store with its inode, size and modification time: equal listings mean nothing was (re)written. */
function blobListing(): string[] {
  if (!fs.existsSync(blobDir)) return [];
  return (fs.readdirSync(blobDir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      const st = fs.statSync(abs);
      return `${path.relative(blobDir, abs)} ino=${st.ino} size=${st.size} mtime=${st.mtimeMs}`;
    })
    .sort();
}

/** The blob files by hash. */
const blobHashes = (): string[] => blobListing().filter((l) => l.startsWith('sha256')).map((l) => path.basename(l.split(' ')[0]!)).sort();

/** Makes every write into the blob store fail: each one starts with a temporary file in `<blobs>/tmp`. */
function blockBlobWrites(): void {
  fs.rmSync(path.join(blobDir, 'tmp'), { recursive: true, force: true });
  fs.writeFileSync(path.join(blobDir, 'tmp'), 'no writes expected');
}

/** The temporary files the blob store creates (on this thread) while `fn` runs, by path. */
async function tmpFilesCreatedBy<T>(fn: () => Promise<T>): Promise<{ result: T; tmpFiles: string[] }> {
  const tmpDir = path.join(blobDir, 'tmp') + path.sep;
  const seen = new Set<string>();
  const note = (p: unknown): void => {
    if (typeof p === 'string' && p.startsWith(tmpDir)) seen.add(p);
  };
  // (Spies that call through; the files in this test are copied on this thread, so none escapes them.)
  const spies = [vi.spyOn(fs, 'openSync'), vi.spyOn(fs, 'writeFileSync'), vi.spyOn(fs, 'createWriteStream')];
  try {
    const result = await fn();
    for (const s of spies) for (const call of s.mock.calls) note(call[0]);
    return { result, tmpFiles: [...seen].sort() };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** A WhatsApp folder export: the chat .txt and its media (name → bytes). */
function whatsAppFolder(name: string, media: [string, Buffer][]): string {
  const folder = path.join(dir, name);
  const lines = media.map(([n], i) => attached(n, i));
  writeIn(folder, CHAT_NAME, `${lines.join('\n')}\n14-01-2023 11:00 - Marieke Jansen: Dank\n`);
  for (const [n, bytes] of media) writeIn(folder, n, bytes);
  return folder;
}

/**
 * The folder manifest as documented (files.ts, the export's LEESMIJ): `chatarchief-folder-manifest 1`, `chat <sha256>`,
 * then `<sha256> <path as a JSON string, NFC>` per other file in UTF-16 code unit order, each line ending in a line feed.
 */
function expectedManifestSha256(chat: Buffer, others: [string, Buffer][]): string {
  const lines = others.map(([p, b]) => [p.normalize('NFC'), sha(b)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return sha(`chatarchief-folder-manifest 1\nchat ${sha(chat)}\n${lines.map(([p, h]) => `${h} ${JSON.stringify(p)}\n`).join('')}`);
}

describe('re-ingesting a source ingested before writes nothing into the blob store', () => {
  it('a WhatsApp folder with 500+ media files and a large one: duplicateSource, no write, progress every 500 files', async () => {
    const media: [string, Buffer][] = Array.from({ length: 501 }, (_, i) => [`IMG-20230114-WA${String(i).padStart(4, '0')}.jpg`, crypto.randomBytes(64 + i)]);
    media.push(['VID-20230114-WA0001.mp4', crypto.randomBytes(LARGE)]);
    const folder = whatsAppFolder('exp', media);
    const first = await ingestOk(folder);
    expect(first.duplicateSource).toBe(false);
    const before = blobListing();
    blockBlobWrites();

    const r = await ingest(folder);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ duplicateSource: true, id: first.id, sha256: first.sha256 });
    expect(r.json().veiligstellingId).toBeNull();
    expect(r.stderr).toMatch(/: 500 files \w+/);
    expect(blobListing().filter((l) => !l.startsWith('tmp'))).toEqual(before.filter((l) => !l.startsWith('tmp')));
  });

  it('a Signal export folder', async () => {
    const folder = path.join(dir, 'signal-export-2025-03-11');
    fs.cpSync(SIGNAL_DIR, folder, { recursive: true });
    const first = await ingestOk(folder);
    const before = blobListing();
    blockBlobWrites();
    expect(await ingestOk(folder)).toMatchObject({ duplicateSource: true, id: first.id, sha256: first.sha256 });
    expect(blobListing().filter((l) => !l.startsWith('tmp'))).toEqual(before.filter((l) => !l.startsWith('tmp')));
  });

  it('a WhatsApp zip (the zip itself is not copied again either)', async () => {
    const img = crypto.randomBytes(5000);
    const zip = writeIn(dir, 'WhatsApp-chat met Piet.zip', makeZip([
      { name: CHAT_NAME, data: `${attached('IMG-20230114-WA0001.jpg', 1)}\n`, deflate: true },
      { name: 'IMG-20230114-WA0001.jpg', data: img },
    ]));
    const first = await ingestOk(zip);
    expect(blobHashes()).toContain(sha(fs.readFileSync(zip)));
    const before = blobListing();
    blockBlobWrites();
    expect(await ingestOk(zip)).toMatchObject({ duplicateSource: true, id: first.id, sha256: sha(fs.readFileSync(zip)) });
    expect(blobListing().filter((l) => !l.startsWith('tmp'))).toEqual(before.filter((l) => !l.startsWith('tmp')));
  });

  it('a folder recorded by its manifest (same chat file, other media) read again', async () => {
    const folder = whatsAppFolder('exp', [['IMG-20230114-WA0001.jpg', crypto.randomBytes(3000)]]);
    await ingestOk(folder);
    writeIn(folder, 'IMG-20230114-WA0002.jpg', crypto.randomBytes(3000));
    const second = await ingestOk(folder);
    expect(second.duplicateSource).toBe(false);
    const before = blobListing();
    blockBlobWrites();
    expect(await ingestOk(folder)).toMatchObject({ duplicateSource: true, id: second.id, sha256: second.sha256 });
    expect(blobListing().filter((l) => !l.startsWith('tmp'))).toEqual(before.filter((l) => !l.startsWith('tmp')));
  });
});

describe('a duplicate still repairs the blob store', () => {
  it('a lost blob of a folder source is written again from the folder, and only that one', async () => {
    const media: [string, Buffer][] = [1, 2, 3].map((i) => [`IMG-20230114-WA000${i}.jpg`, crypto.randomBytes(3000)]);
    const folder = whatsAppFolder('exp', media);
    const first = await ingestOk(folder);
    const lost = path.join(blobDir, 'sha256', sha(media[1]![1]).slice(0, 2), sha(media[1]![1]).slice(2, 4), sha(media[1]![1]));
    fs.rmSync(lost);
    const before = blobListing();
    const { result, tmpFiles } = await tmpFilesCreatedBy(() => ingestOk(folder));
    expect(result).toMatchObject({ duplicateSource: true, id: first.id });
    expect(tmpFiles).toHaveLength(1);
    expect(fs.readFileSync(lost).equals(media[1]![1])).toBe(true);
    expect(blobListing().filter((l) => !l.startsWith('tmp') && !l.includes(sha(media[1]![1])))).toEqual(before.filter((l) => !l.startsWith('tmp')));
  });

  it('a lost media blob of a zip source is written again from the zip, and only that one', async () => {
    const img = crypto.randomBytes(5000);
    const zip = writeIn(dir, 'WhatsApp-chat met Piet.zip', makeZip([
      { name: CHAT_NAME, data: `${attached('IMG-20230114-WA0001.jpg', 1)}\n`, deflate: true },
      { name: 'IMG-20230114-WA0001.jpg', data: img },
    ]));
    const first = await ingestOk(zip);
    const lost = path.join(blobDir, 'sha256', sha(img).slice(0, 2), sha(img).slice(2, 4), sha(img));
    fs.rmSync(lost);
    const before = blobListing().filter((l) => !l.startsWith('tmp'));
    const { result, tmpFiles } = await tmpFilesCreatedBy(() => ingestOk(zip));
    expect(result).toMatchObject({ duplicateSource: true, id: first.id });
    expect(tmpFiles).toHaveLength(1);
    expect(fs.readFileSync(lost).equals(img)).toBe(true);
    expect(blobListing().filter((l) => !l.startsWith('tmp') && !l.includes(sha(img)))).toEqual(before);
  });
});

describe('a folder with the chat file of an earlier source and an extra media file', () => {
  it('is a new source with the documented manifest sha256, and only the extra file is written', async () => {
    const chatLines = ['IMG-20230114-WA0001.jpg', 'Caf\u00e9.jpg', 'b "quoted".pdf', 'PTT-20230114-WA0003.opus', 'Zee.jpg'];
    const media: [string, Buffer][] = chatLines.map((n) => [n, crypto.randomBytes(2000)]);
    media.push(['VID-20230114-WA0009.mp4', crypto.randomBytes(LARGE)]);
    const folder = whatsAppFolder('exp', media);
    const chat = fs.readFileSync(path.join(folder, CHAT_NAME));
    const first = await ingestOk(folder);
    expect(first.sha256).toBe(sha(chat));

    const extra: [string, Buffer] = ['IMG-20230116-WA0010.jpg', crypto.randomBytes(4000)];
    writeIn(folder, extra[0], extra[1]);
    const before = blobListing();
    const { result: second, tmpFiles } = await tmpFilesCreatedBy(() => ingestOk(folder));
    expect(second.duplicateSource).toBe(false);
    expect(second.id).not.toBe(first.id);
    const manifest = expectedManifestSha256(chat, [...media, extra]);
    expect(second.sha256).toBe(manifest);
    expect(second.warnings.find((w) => w.code === 'same-chat-file-other-media')?.message).toContain(manifest);
    const store = new Database(db, { readonly: true });
    try {
      const size = chat.length + [...media, extra].reduce((n, [, b]) => n + b.length, 0);
      expect(store.prepare('SELECT sha256, size FROM sources WHERE id = ?').get(second.id)).toEqual({ sha256: manifest, size });
    } finally {
      store.close();
    }
    // One temporary file, for the one file the store lacked; the blobs there before are untouched.
    expect(tmpFiles).toHaveLength(1);
    const after = blobListing().filter((l) => !l.startsWith('tmp'));
    expect(after.filter((l) => !l.includes(sha(extra[1])))).toEqual(before.filter((l) => !l.startsWith('tmp')));
    expect(blobHashes()).toContain(sha(extra[1]));
  });

  it('a later export (another chat file) writes only the media the store lacks', async () => {
    const media: [string, Buffer][] = [['IMG-20230114-WA0001.jpg', crypto.randomBytes(2000)], ['VID-20230114-WA0002.mp4', crypto.randomBytes(LARGE)]];
    await ingestOk(whatsAppFolder('jan', media));
    const later: [string, Buffer][] = [...media, ['IMG-20230201-WA0003.jpg', crypto.randomBytes(2000)]];
    const { result, tmpFiles } = await tmpFilesCreatedBy(() => ingestOk(whatsAppFolder('feb', later)));
    expect(result.duplicateSource).toBe(false);
    // The new chat file and the new photo; the two files stored before are not copied again.
    expect(tmpFiles).toHaveLength(2);
    expect(blobHashes()).toEqual(expect.arrayContaining([sha(later[2]![1]), sha(fs.readFileSync(path.join(dir, 'feb', CHAT_NAME)))]));
  });
});

describe('a file that changes between its hash and its copy', () => {
  /** Lets `BlobStore.hashFile` hash `file` as it is, then appends to it, as a writer still busy with the folder would. */
  function changeAfterHashing(file: string): void {
    const hashFile = BlobStore.prototype.hashFile;
    vi.spyOn(BlobStore.prototype, 'hashFile').mockImplementation(async function (this: BlobStore, f, opts) {
      const r = await hashFile.call(this, f, opts);
      if (f === file) fs.appendFileSync(file, 'more bytes\n');
      return r;
    });
  }

  it('a media file of a folder: the run is refused naming the file, and nothing is stored', async () => {
    const folder = whatsAppFolder('exp', [['IMG-20230114-WA0001.jpg', crypto.randomBytes(3000)]]);
    await ingestOk(folder);
    const extra = writeIn(folder, 'IMG-20230114-WA0002.jpg', crypto.randomBytes(3000));
    const rows = tableSnapshot(db);
    const blobs = blobListing().filter((l) => !l.startsWith('tmp'));
    changeAfterHashing(extra);
    const r = await ingest(folder);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(extra);
    expect(r.stderr).toMatch(/changed while being read/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(tableSnapshot(db)).toEqual(rows);
    expect(blobListing().filter((l) => !l.startsWith('tmp'))).toEqual(blobs);
    expect(fs.readdirSync(path.join(blobDir, 'tmp'))).toEqual([]);
  });

  it('the chat file of a new source as large as an earlier one (so hashed first): refused the same way', async () => {
    await ingestOk(writeIn(path.join(dir, 'earlier'), CHAT_NAME, '14-01-2023 10:01 - Piet: Zie de brief\n'));
    const chat = writeIn(dir, CHAT_NAME, '14-01-2023 10:01 - Piet: Zie de kaart\n');
    const rows = tableSnapshot(db);
    const before = blobHashes();
    changeAfterHashing(chat);
    const r = await ingest(chat);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(chat);
    expect(r.stderr).toMatch(/changed while being read/);
    expect(tableSnapshot(db)).toEqual(rows);
    expect(blobHashes()).toEqual(before);
  });

  it('a new folder: its chat file and a large video of sizes the store has never seen are each read once', async () => {
    const hashFile = vi.spyOn(BlobStore.prototype, 'hashFile');
    const folder = whatsAppFolder('nieuw', [['VID-20230114-WA0001.mp4', crypto.randomBytes(LARGE)]]);
    const first = await ingestOk(folder);
    expect(first.duplicateSource).toBe(false);
    expect(hashFile).not.toHaveBeenCalled();
    // A later export of the chat (another chat file) with the same video: its size is known, so it is hashed first and
    // found in the store, and not written again.
    const later = path.join(dir, 'later');
    fs.cpSync(folder, later, { recursive: true });
    fs.appendFileSync(path.join(later, CHAT_NAME), '14-01-2023 11:05 - Piet: Ontvangen\n');
    const blobs = blobListing().filter((l) => !l.startsWith('tmp'));
    expect((await ingestOk(later)).duplicateSource).toBe(false);
    expect(hashFile.mock.calls.map((c) => path.basename(c[0]))).toEqual(['VID-20230114-WA0001.mp4']);
    const added = blobListing().filter((l) => !l.startsWith('tmp') && !blobs.includes(l));
    expect(added).toHaveLength(1); // the new chat file only
  });

  it('a file or zip of a size no earlier source has cannot be a duplicate: it is copied and hashed in one read', async () => {
    const hashFile = vi.spyOn(BlobStore.prototype, 'hashFile');
    const chat = writeIn(dir, CHAT_NAME, '14-01-2023 10:01 - Piet: Zie de kaart\n');
    const first = await ingestOk(chat);
    expect(first.duplicateSource).toBe(false);
    expect(hashFile).not.toHaveBeenCalled();
    // The same file again: a source of its size exists, so it is hashed first and found to be that source.
    const again = await ingestOk(chat);
    expect(again.duplicateSource).toBe(true);
    expect(hashFile.mock.calls.map((c) => c[0])).toEqual([chat]);
  });

  it.each([false, true])('BlobStore.putFile with the hash it must have (worker thread: %s)', async (offThread) => {
    const root = tempDir();
    const store = new BlobStore(path.join(root, 'blobs'));
    const file = writeIn(root, 'photo.jpg', crypto.randomBytes(4000));
    const hashed = await store.hashFile(file, { offThread });
    expect(hashed).toEqual({ sha256: sha(fs.readFileSync(file)), size: 4000 });
    expect(fs.existsSync(store.dir)).toBe(false); // hashing writes nothing
    fs.appendFileSync(file, 'x');
    const err = await store.putFile(file, { offThread, expect: hashed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/changed while being read/);
    expect(store.has(hashed.sha256)).toBe(false);
    expect(store.has(sha(fs.readFileSync(file)))).toBe(false);
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
    // Unchanged, it is stored; stored already, it is neither read nor written again.
    const now = await store.hashFile(file, { offThread });
    expect(await store.putFile(file, { offThread, expect: now })).toEqual(now);
    expect(store.read(now.sha256).equals(fs.readFileSync(file))).toBe(true);
    fs.rmSync(path.join(store.dir, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(store.dir, 'tmp'), 'no writes expected');
    expect(await store.putFile(file, { offThread, expect: now })).toEqual(now);
  });
});
