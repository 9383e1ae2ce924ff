import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads the blob store (see blobs.ts) for `audit verify`'s evidence check, changing nothing: a blob is opened for
 * reading only (never through a symbolic link), its bytes are hashed as they stream past, and the store's folders are
 * listed to find what lies there that no row names. Nothing here writes, renames, removes or changes a mode.
 */

/** What the file at a blob's place is. */
export type BlobState =
  | { state: 'missing' }
  | { state: 'not-a-file'; what: string }
  | { state: 'unreadable'; error: string }
  | { state: 'read'; size: number; sha256: string; mode: number; writable: boolean };

/** Read-only; a symbolic link is refused (ELOOP), a named pipe does not block the open. */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/** The buffer size of a read (a blob is read in pieces of this size, never whole). */
export const READ_CHUNK = 1 << 20;

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/** What kind of thing stands where a regular file should (for findings). */
export function entryKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  return st.isFile() ? 'a file' : 'not a regular file';
}

/**
 * Reads the blob at `file` in pieces of `buf`'s size and returns its size, SHA-256 and mode, or why it could not be read.
 * `onBytes` is told of every piece read (progress). Synchronous: a store holds many small blobs, and a read through the
 * thread pool costs several times the hashing of such a file (13,000 photos: 10 s instead of 2 s).
 */
export function inspectBlob(file: string, buf: Buffer, onBytes?: (n: number) => void): BlobState {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    // (ENOTDIR: a file stands where one of its shard folders should)
    if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return { state: 'missing' };
    return { state: 'unreadable', error: (e as Error).message };
  }
  if (!st.isFile()) return { state: 'not-a-file', what: entryKind(st) };
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS);
  } catch (e) {
    // Replaced between the look and the open.
    if (errCode(e) === 'ENOENT') return { state: 'missing' };
    if (errCode(e) === 'ELOOP') return { state: 'not-a-file', what: 'a symbolic link' };
    return { state: 'unreadable', error: (e as Error).message };
  }
  try {
    const opened = fs.fstatSync(fd); // what was opened, whatever lstat saw
    if (!opened.isFile()) return { state: 'not-a-file', what: entryKind(opened) };
    const hash = crypto.createHash('sha256');
    let size = 0;
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      hash.update(buf.subarray(0, n));
      size += n;
      onBytes?.(n);
    }
    const mode = opened.mode & 0o7777;
    return { state: 'read', size, sha256: hash.digest('hex'), mode, writable: (mode & 0o222) !== 0 };
  } catch (e) {
    return { state: 'unreadable', error: (e as Error).message };
  } finally {
    fs.closeSync(fd);
  }
}

/** An entry of the store's `sha256/` folder tree: a blob at its place (whatever it is), or something that is not one. */
export type StoreEntry =
  | { kind: 'blob'; sha256: string; file: string; isFile: boolean }
  | { kind: 'stray'; file: string; why: string };

const HEX2 = /^[0-9a-f]{2}$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Lists the blob store `dir` (`<dir>/sha256/ab/cd/<hash>`): every entry at a blob's place, and every entry that is no
 * blob (another name, a blob in another shard, a file where a shard folder belongs, anything beside `sha256/` and
 * `tmp/`). One shard folder is read at a time. A store that was never written to (no folder) has nothing.
 */
export function* walkBlobStore(dir: string): Generator<StoreEntry> {
  const top = listDir(dir);
  if (top === null) return;
  if ('error' in top) {
    yield { kind: 'stray', file: dir, why: `the blob store's folder cannot be read: ${top.error}` };
    return;
  }
  for (const e of top) {
    if ((e.name === 'sha256' || e.name === 'tmp') && e.isDirectory()) continue;
    yield { kind: 'stray', file: path.join(dir, e.name), why: `${describeDirent(e)} that the blob store does not make (only sha256/ and tmp/ belong there)` };
  }
  if (!top.some((e) => e.name === 'sha256' && e.isDirectory())) return;
  const root = path.join(dir, 'sha256');
  for (const a of shardFolders(root)) {
    if (a.kind === 'stray') {
      yield a;
      continue;
    }
    for (const b of shardFolders(a.file)) {
      if (b.kind === 'stray') {
        yield b;
        continue;
      }
      const prefix = `${path.basename(a.file)}${path.basename(b.file)}`;
      const entries = listDir(b.file) ?? [];
      if ('error' in entries) {
        yield { kind: 'stray', file: b.file, why: `a shard folder that cannot be read: ${entries.error}` };
        continue;
      }
      for (const e of entries) {
        const file = path.join(b.file, e.name);
        if (HASH.test(e.name) && e.name.startsWith(prefix)) yield { kind: 'blob', sha256: e.name, file, isFile: e.isFile() };
        else if (HASH.test(e.name)) yield { kind: 'stray', file, why: `a blob in the wrong shard folder (its place is sha256/${e.name.slice(0, 2)}/${e.name.slice(2, 4)}/)` };
        else yield { kind: 'stray', file, why: `${describeDirent(e)} whose name is not a SHA-256 in lower-case hex` };
      }
    }
  }
}

/** The two-hex-digit shard folders in `dir`, and the entries there that are not. */
function* shardFolders(dir: string): Generator<{ kind: 'shard'; file: string } | { kind: 'stray'; file: string; why: string }> {
  const entries = listDir(dir) ?? [];
  if ('error' in entries) {
    yield { kind: 'stray', file: dir, why: `a folder of the blob store that cannot be read: ${entries.error}` };
    return;
  }
  for (const e of entries) {
    const file = path.join(dir, e.name);
    if (HEX2.test(e.name) && e.isDirectory()) yield { kind: 'shard', file };
    else yield { kind: 'stray', file, why: `${describeDirent(e)} where only shard folders (two hex digits) belong` };
  }
}

/** A folder's entries in name order; null when it does not exist. */
function listDir(dir: string): fs.Dirent[] | { error: string } | null {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  } catch (e) {
    if (errCode(e) === 'ENOENT') return null;
    return { error: (e as Error).message };
  }
}

function describeDirent(e: fs.Dirent): string {
  if (e.isDirectory()) return 'a folder';
  if (e.isSymbolicLink()) return 'a symbolic link';
  return e.isFile() ? 'a file' : 'an entry';
}

/** The temporary files in the store's `tmp/` folder (a write in progress, or a killed run's leftovers): count and bytes. */
export function tmpFiles(tmpDir: string): { count: number; bytes: number } {
  const out = { count: 0, bytes: 0 };
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir);
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      const st = fs.lstatSync(path.join(tmpDir, name));
      out.count++;
      out.bytes += st.isFile() ? st.size : 0;
    } catch {
      // gone meanwhile (a write finished)
    }
  }
  return out;
}
