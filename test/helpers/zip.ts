import zlib from 'node:zlib';

/**
 * Writes a zip by hand, so tests can make archives that well-behaved zip libraries refuse to write
 * (entries with '..', absolute paths, symlinks, lying sizes, damaged data, duplicate names). Deflate or store; no zip64.
 */
export interface RawEntry {
  name: string;
  data: Buffer | string;
  /** Unix mode bits for the external attributes (e.g. 0o120777 for a symlink). */
  mode?: number;
  deflate?: boolean;
  /** Override the declared uncompressed size (to lie). */
  declaredSize?: number;
  /**
   * Damage: the bytes written (compressed when `deflate`) are these, while the recorded CRC-32 and sizes describe
   * `data`. With the same length as `data` the entry stays readable and only its checksum tells.
   */
  storedData?: Buffer | string;
  /** The DOS modification time as written, `YYYY-MM-DDTHH:mm:ss` (default 1980-01-01 00:00:00). */
  dosTime?: string;
  /** Adds an Info-ZIP extended timestamp field ("UT") with this mtime, in Unix seconds. */
  unixTime?: number;
  /** General purpose bits set beside UTF-8 (0x800): 0x1 marks the entry encrypted, 0x40 strong encryption. */
  flags?: number;
}

function dosFields(wall: string | undefined): { date: number; time: number } {
  if (!wall) return { date: 0x21, time: 0 };
  const [y, mo, d, h, mi, s] = wall.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  return { date: ((y - 1980) << 9) | (mo << 5) | d, time: (h << 11) | (mi << 5) | (s >> 1) };
}

function utField(unixTime: number | undefined): Buffer {
  if (unixTime === undefined) return Buffer.alloc(0);
  const f = Buffer.alloc(9);
  f.writeUInt16LE(0x5455, 0); f.writeUInt16LE(5, 2); f.writeUInt8(1, 4); f.writeInt32LE(unixTime, 5);
  return f;
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function makeZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const written = e.storedData === undefined ? data : Buffer.isBuffer(e.storedData) ? e.storedData : Buffer.from(e.storedData, 'utf8');
    const comp = e.deflate ? zlib.deflateRawSync(written) : written;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(data);
    const size = e.declaredSize ?? data.length;
    const dos = dosFields(e.dosTime);
    const extra = utField(e.unixTime);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x0800 | (e.flags ?? 0), 6); lh.writeUInt16LE(e.deflate ? 8 : 0, 8);
    lh.writeUInt16LE(dos.time, 10); lh.writeUInt16LE(dos.date, 12); lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(comp.length, 18); lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26); lh.writeUInt16LE(extra.length, 28);
    locals.push(lh, name, extra, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(0x031e, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800 | (e.flags ?? 0), 8); ch.writeUInt16LE(e.deflate ? 8 : 0, 10);
    ch.writeUInt16LE(dos.time, 12); ch.writeUInt16LE(dos.date, 14); ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(comp.length, 20); ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28); ch.writeUInt16LE(extra.length, 30); ch.writeUInt16LE(0, 32); ch.writeUInt16LE(0, 34); ch.writeUInt16LE(0, 36);
    ch.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38); ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name, extra);
    offset += 30 + name.length + extra.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
