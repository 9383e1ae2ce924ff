import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Yielder } from './partial.js';

/**
 * Writing a bag's payload: every file is hashed while it is written (SHA-256 computed once, reused for the MDTO
 * checksum and the BagIt manifest), and its manifest line is appended at once, so a package of any size is written
 * with flat memory.
 */

/** SIP name rules (MDTO SIP-specificatie): no spaces, none of < > : " / \ | ? * # &, no control characters, ≤ 255. */
const RESERVED = /[\s<>:"/\\|?*#&\u0000-\u001f\u007f]/g;

export function isSipName(s: string): boolean {
  return s.length > 0 && s.length <= 255 && !new RegExp(RESERVED.source).test(s) && s !== '.' && s !== '..';
}

/** Makes a SIP-safe name: reserved characters become `_`, runs collapse, at most `max` characters (extension kept). */
export function sipName(s: string, max = 120): string {
  let n = s.normalize('NFC').replace(RESERVED, '_').replace(/_+/g, '_').replace(/^[._]+/, '');
  if (!n) n = 'bestand';
  if (n.length > max) {
    const ext = path.extname(n).slice(0, 12);
    n = n.slice(0, max - ext.length) + ext;
  }
  return n;
}

/** A safe lower-case extension (letters and digits, ≤ 10) from a file name, or `bin`. */
export function safeExtension(name: string): string {
  const ext = path.extname(name).slice(1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : 'bin';
}

export interface WrittenFile {
  /** Path relative to the bag root, with forward slashes (e.g. `data/Chatberichten_x/…/chat.json`). */
  rel: string;
  size: number;
  sha256: string;
  /** The first bytes, for format identification. */
  head: Buffer;
}

const CHUNK = 1 << 16;

/** A file being written with buffering and hashing; `close()` returns its size and hash. */
export class HashingFile {
  private readonly fd: number;
  private readonly hash = crypto.createHash('sha256');
  private parts: string[] = [];
  private pending = 0;
  private size = 0;
  private head: Buffer | null = null;
  private closed = false;

  constructor(private readonly abs: string, private readonly rel: string, private readonly onClose: (f: WrittenFile) => void) {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    this.fd = fs.openSync(abs, 'wx');
  }

  write(s: string): void {
    this.parts.push(s);
    this.pending += s.length;
    if (this.pending >= CHUNK) this.flush();
  }

  writeBytes(b: Buffer): void {
    this.flush();
    this.emit(b);
  }

  private flush(): void {
    if (!this.parts.length) return;
    const b = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    this.emit(b);
  }

  private emit(b: Buffer): void {
    if (!b.length) return;
    if (!this.head) this.head = Buffer.from(b.subarray(0, 64));
    this.hash.update(b);
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    this.size += b.length;
  }

  close(): WrittenFile {
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
    const f = { rel: this.rel, size: this.size, sha256: this.hash.digest('hex'), head: this.head ?? Buffer.alloc(0) };
    this.onClose(f);
    return f;
  }

  /** Closes the file without recording it (an export that stops); its contents are left to the caller to remove. */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    this.parts = [];
    try {
      fs.closeSync(this.fd);
    } catch {
      // already unusable: nothing to release
    }
  }
}

export interface PayloadCounts {
  /** All payload files (BagIt Payload-Oxum). */
  files: number;
  bytes: number;
  /** Payload files that are not `.mdto.xml` sidecars (pakbon). */
  contentFiles: number;
  contentBytes: number;
  informatieobjecten: number;
  bestanden: number;
}

/** The payload (`data/`) of one bag, with its manifest written as files are closed. */
export class PayloadWriter {
  readonly counts: PayloadCounts = { files: 0, bytes: 0, contentFiles: 0, contentBytes: 0, informatieobjecten: 0, bestanden: 0 };
  private readonly manifestFd: number;
  private manifestOpen = true;
  /** Files opened and not yet closed, so that a stopped export can close them (`abort`). */
  private readonly openFiles = new Set<HashingFile>();

  constructor(readonly bagDir: string) {
    fs.mkdirSync(path.join(bagDir, 'data'), { recursive: true });
    this.manifestFd = fs.openSync(path.join(bagDir, 'manifest-sha256.txt'), 'wx');
  }

  private record = (f: WrittenFile): void => {
    fs.writeSync(this.manifestFd, `${f.sha256}  ${f.rel}\n`);
    this.counts.files++;
    this.counts.bytes += f.size;
    if (f.rel.endsWith('.mdto.xml')) {
      if (f.rel.endsWith('.bestand.mdto.xml')) this.counts.bestanden++;
      else this.counts.informatieobjecten++;
    } else {
      this.counts.contentFiles++;
      this.counts.contentBytes += f.size;
    }
  };

  /** Opens `data/<rel>` for streaming writes. */
  open(rel: string): HashingFile {
    for (const part of rel.split('/')) if (!isSipName(part)) throw new Error(`not a SIP-safe name: ${part}`);
    const f: HashingFile = new HashingFile(path.join(this.bagDir, 'data', ...rel.split('/')), `data/${rel}`, (w) => {
      this.openFiles.delete(f);
      this.record(w);
    });
    this.openFiles.add(f);
    return f;
  }

  writeText(rel: string, text: string): WrittenFile {
    const f = this.open(rel);
    f.write(text);
    return f.close();
  }

  /**
   * Copies a file in (streaming, hashed while written). Between chunks it yields to the event loop when `y` is due, so
   * that a signal stops the copy of a source of gigabytes too; a stop closes (and leaves) the partial copy.
   */
  async copyFile(rel: string, src: string, y: Yielder): Promise<WrittenFile> {
    const f = this.open(rel);
    try {
      const fd = fs.openSync(src, 'r');
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
          const n = fs.readSync(fd, buf, 0, buf.length, null);
          if (n === 0) break;
          f.writeBytes(Buffer.from(buf.subarray(0, n)));
          if (y.due) await y.yield();
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      f.discard();
      this.openFiles.delete(f);
      throw e;
    }
    return f.close();
  }

  close(): void {
    this.manifestOpen = false;
    fs.closeSync(this.manifestFd);
  }

  /** Closes every file still open (an export that stops), without recording them; idempotent. */
  abort(): void {
    for (const f of this.openFiles) f.discard();
    this.openFiles.clear();
    if (!this.manifestOpen) return;
    this.manifestOpen = false;
    try {
      fs.closeSync(this.manifestFd);
    } catch {
      // already unusable: nothing to release
    }
  }
}

/** SHA-256 and size of a file, streamed. */
export function hashFile(file: string): { sha256: string; size: number } {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Reads a text file line by line with flat memory (sync generator). A line longer than `maxLine` characters (binary
 * bytes without a line break: a zero-filled or sparse file) is given in pieces of that length, each but the first
 * starting with the last `overlap` characters of the one before, so that a name across a cut is still whole in one.
 * Without a limit such a line grows until it no longer fits a string. A line is collected from its chunks once, not
 * re-split with each new chunk.
 */
export function* readLines(file: string, maxLine = Number.POSITIVE_INFINITY, overlap = 4096): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const decoder = new TextDecoder('utf-8');
    /** The start of the current line, from earlier chunks. */
    let parts: string[] = [];
    let partsLength = 0;
    /** Gives the pieces of `line` longer than maxLine but its last, which it returns. */
    const cut = function* (line: string): Generator<string, string> {
      while (line.length > maxLine) {
        yield line.slice(0, maxLine);
        line = line.slice(maxLine - overlap);
      }
      return line;
    };
    const take = function* (text: string): Generator<string> {
      let from = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; from = nl + 1, nl = text.indexOf('\n', from)) {
        if (parts.length === 0) yield yield* cut(text.slice(from, nl));
        else {
          parts.push(text.slice(from, nl));
          yield yield* cut(parts.join(''));
          parts = [];
          partsLength = 0;
        }
      }
      if (from < text.length) {
        parts.push(from === 0 ? text : text.slice(from));
        partsLength += text.length - from;
      }
      if (partsLength > maxLine) {
        const rest = yield* cut(parts.join(''));
        parts = [rest];
        partsLength = rest.length;
      }
    };
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      yield* take(decoder.decode(buf.subarray(0, n), { stream: true }));
    }
    yield* take(decoder.decode());
    if (partsLength > 0) yield yield* cut(parts.join(''));
  } finally {
    fs.closeSync(fd);
  }
}
