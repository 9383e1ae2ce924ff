import yauzl from 'yauzl';
import zlib from 'node:zlib';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { InputError } from '../errors.js';
import { zipEntryTime, type ZipTime } from './zip-time.js';

/**
 * Safe zip access. Refuses entries with `..`, absolute paths, backslashes or symlinks, two entries with the same name,
 * and bounds the entry count, the total uncompressed size and the per-entry compression ratio so that a zip bomb cannot
 * fill the disk. Declared sizes are checked against the bytes actually inflated (yauzl's validateEntrySizes), and the
 * CRC-32 of every entry read to its end against the one the zip records (yauzl does not check it).
 */
export interface ZipLimits {
  /** Most entries a zip may hold. */
  maxEntries: number;
  /** Most uncompressed bytes over all entries. */
  maxTotalBytes: number;
  /** Highest uncompressed/compressed ratio for an entry larger than 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 50_000,
  maxTotalBytes: 16 * 1024 ** 3,
  maxRatio: 200,
};

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  isDirectory: boolean;
  /** When the device wrote the entry (see zip-time.ts). */
  modified: ZipTime | null;
}

export interface ZipArchive {
  file: string;
  entries: ZipEntryInfo[];
  open(name: string): Promise<Readable>;
  close(): void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export async function openZip(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) =>
      err || !z ? reject(zipError(file, err)) : resolve(z),
    ),
  );
  const raw = new Map<string, yauzl.Entry>();
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e) => reject(zipError(file, e)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          const name = decodeName(entry);
          const bad = unsafeName(name);
          if (bad) throw new InputError(file, `refused zip entry '${name}': ${bad}`, { entry: name });
          if (entry.isEncrypted()) throw encryptedRefusal(file, name);
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (mode === S_IFLNK) throw new InputError(file, `refused zip entry '${name}': symbolic links are not allowed`, { entry: name });
          if (raw.has(name)) {
            throw new InputError(file, `refused zip entry '${name}': the zip holds more than one entry with this name, so it is ambiguous which bytes are the evidence`, { entry: name });
          }
          if (entries.length + 1 > limits.maxEntries) {
            throw new InputError(file, `zip has more than ${limits.maxEntries} entries (limit --max-zip-entries)`);
          }
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes) {
            throw new InputError(file, `zip would expand to more than ${limits.maxTotalBytes} bytes (limit --max-zip-bytes)`, { entry: name });
          }
          if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
            throw new InputError(
              file,
              `zip entry '${name}' has compression ratio ${(entry.uncompressedSize / Math.max(1, entry.compressedSize)).toFixed(0)}:1, above the limit ${limits.maxRatio}:1 (--max-zip-ratio); refusing a possible zip bomb`,
              { entry: name },
            );
          }
          const isDirectory = name.endsWith('/');
          entries.push({ name, size: entry.uncompressedSize, compressedSize: entry.compressedSize, isDirectory, modified: zipEntryTime(entry) });
          raw.set(name, entry);
          zip.readEntry();
        } catch (e) {
          reject(e);
        }
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  return {
    file,
    entries,
    open(name) {
      const entry = raw.get(name);
      if (!entry) return Promise.reject(new InputError(file, `no entry '${name}' in zip`));
      return new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(zipError(file, err, name));
          resolve(new CrcCheck(stream, entry.crc32, file, name));
        }),
      );
    },
    close() {
      zip.close();
    },
  };
}

/**
 * The entry's bytes, passed through unchanged while their CRC-32 is computed; at the end a mismatch with the CRC the
 * zip records fails the stream (an InputError naming the zip and the entry), so a consumer that reads to the end never
 * takes damaged bytes for the evidence. Errors of the underlying stream (inflate, size) become InputErrors naming the
 * entry too. A consumer that stops early (a format sniffer) destroys the stream: then nothing is checked, and the
 * underlying stream is released.
 */
class CrcCheck extends Transform {
  private crc = 0;

  constructor(private readonly source: Readable, private readonly expected: number, private readonly file: string, private readonly entry: string) {
    super();
    source.on('error', (e: Error) => this.destroy(zipError(file, e, entry)));
    source.pipe(this);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.crc >>> 0 === this.expected >>> 0) return done();
    done(new InputError(this.file, `corrupt zip entry: CRC-32 mismatch (the zip records ${hex8(this.expected)}, the entry's bytes give ${hex8(this.crc)}): the zip is damaged`, { entry: this.entry }));
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    this.source.unpipe(this);
    this.source.destroy();
    done(err);
  }
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** CRC-32 (the zip polynomial) of `bytes`, continuing from `crc` (0 to start): Node's zlib (20.15+; engines ≥ 20.19). */
export const crc32 = (bytes: Uint8Array, crc = 0): number => zlib.crc32(bytes, crc);

function decodeName(entry: yauzl.Entry): string {
  const buf = entry.fileName as unknown as Buffer;
  // General purpose bit 11 = UTF-8. Without it the spec says CP437, but exporters (WhatsApp, macOS) write UTF-8 anyway.
  return Buffer.isBuffer(buf) ? buf.toString('utf8') : String(buf);
}

function unsafeName(name: string): string | null {
  if (name.length === 0) return 'empty file name';
  if (name.includes('\\')) return 'backslash in path';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').some((seg) => seg === '..')) return "path contains '..'";
  if (name.includes('\0')) return 'NUL in file name';
  return null;
}

/** The refusal of an encrypted (password-protected) zip entry; `name` is null when the zip reader did not say which. */
function encryptedRefusal(file: string, name: string | null): InputError {
  return new InputError(
    file,
    `${name === null ? 'an entry of the zip' : `the zip entry '${name}'`} is encrypted (the zip has a password), and chatarchief ` +
      'cannot read encrypted zips. Export the chat again without a password (or ingest the export as the phone made it); nothing was stored',
    { ...(name === null ? {} : { entry: name }), code: 'encrypted-zip' },
  );
}

function zipError(file: string, err: Error | null | undefined, entry?: string): Error {
  if (err instanceof InputError) return err;
  // The zip reader refuses strong (PKWARE) encryption while listing, before the entry's name is known.
  if (/encrypt/i.test(err?.message ?? '')) return encryptedRefusal(file, entry ?? null);
  const msg = err?.message ?? 'unknown error';
  return new InputError(file, `not a readable zip (truncated or corrupt): ${msg}`, entry ? { entry } : {});
}
