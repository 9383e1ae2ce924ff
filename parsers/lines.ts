import { isUtf8 } from 'node:buffer';
import type { ParseWarning, SourceLine } from './types.js';

/**
 * Splits a byte stream into lines on `\r\n`, `\n` or `\r`, decoding each line as UTF-8.
 * Streaming: holds at most one partial line in memory. Invalid UTF-8 is replaced by U+FFFD and reported with the
 * byte offset of the first bad byte through `onWarning` (the line is kept).
 *
 * `lineBatches` yields the lines of each input chunk as one array (one await per chunk, not per line); `splitLines`
 * yields them one by one. Both share `LineSplitter`, the synchronous core, which the WhatsApp parser drives itself.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  onWarning?: (w: ParseWarning) => void,
): AsyncGenerator<SourceLine[]> {
  const splitter = new LineSplitter(onWarning);
  for await (const raw of chunks) {
    const batch = splitter.push(raw);
    if (batch.length) yield batch;
  }
  const last = splitter.end();
  if (last.length) yield last;
}

/** One line at a time (see `lineBatches`). */
export async function* splitLines(
  chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  onWarning?: (w: ParseWarning) => void,
): AsyncGenerator<SourceLine> {
  for await (const batch of lineBatches(chunks, onWarning)) yield* batch;
}

// In Node 20 a streaming TextDecoder decodes several times faster than Buffer#toString (and than a non-streaming
// decode) for text with characters above Latin-1. Regions end at a line break, so no partial sequence is ever
// held back between calls. A BOM is text here: the parsers decide about it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const STREAM = { stream: true };

/**
 * Receives one line: `text.slice(start, end)`, without its line ending. Lines of one decoded region share `text`
 * (no string per line) and `offsets`, so a parser can tell whether two lines are contiguous in one `text`; the
 * line's byte offset in the source is `offsets.at(start)`, computed only when asked for.
 */
export type LineVisitor = (text: string, start: number, end: number, eol: string, lineNo: number, offsets: RegionOffsets) => void;

/**
 * Byte offsets in the source of positions in a decoded region. Computed on demand (a parser needs them only for
 * warnings), walking forward from the last position asked for, so asking in order costs one pass over the region.
 * Exact because the region was valid UTF-8: encoding its text again gives back its bytes.
 */
export class RegionOffsets {
  private char = 0;
  private byte = 0;
  constructor(
    readonly text: string,
    /** Byte offset of `text[0]` in the source. */
    readonly base: number,
    /** Every character is one byte. */
    private readonly ascii: boolean,
  ) {}

  at(index: number): number {
    if (this.ascii) return this.base + index;
    if (index < this.char) {
      this.char = 0;
      this.byte = 0;
    }
    if (index > this.char) {
      this.byte += Buffer.byteLength(this.text.slice(this.char, index), 'utf8');
      this.char = index;
    }
    return this.base + this.byte;
  }
}

/**
 * Large input chunks cut into pieces of at most 64 KiB (views, no copies): reading in large chunks saves system
 * calls, while parsing in small ones keeps the batch of completed messages small (young, cheap to collect).
 */
export function* pieces(chunk: Buffer | Uint8Array, size = 1 << 16): Generator<Buffer> {
  const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (b.length <= size) {
    yield b;
    return;
  }
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, Math.min(b.length, i + size));
}

/**
 * The bytes `s` holds one per character (a byte string, see `LineSplitter`'s `bytes` mode) decoded as UTF-8, invalid
 * sequences replaced by U+FFFD exactly as the text decoder does. Exact for any slice that starts and ends next to an
 * ASCII character or at a line's ends: UTF-8 never uses an ASCII byte inside a multi-byte sequence.
 */
export function utf8OfBytes(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** Synchronous line splitter: push chunks, get (or visit) the lines they complete. */
export class LineSplitter {
  private carry: Buffer = Buffer.alloc(0);
  /**
   * Chunks that continue the carried partial line without ending it, joined only when the line ends: joining at every
   * chunk would copy a line of n chunks n times (a 40 MB line without a break took minutes).
   */
  private carryMore: Buffer[] = [];
  private carryMoreLength = 0;
  private carryOffset = 0; // byte offset of carry[0] in the source
  private lineNo = 0;

  /**
   * @param bytes visit byte strings: every character is one byte of the source (a Latin-1 view, 8× cheaper to make
   *   than a UTF-8 decoding and a one-byte string); the visitor decodes what it needs with `utf8OfBytes`. Invalid
   *   UTF-8 is then not reported (`onWarning` is not called): it surfaces as U+FFFD where the visitor decodes.
   */
  constructor(
    private readonly onWarning?: (w: ParseWarning) => void,
    private readonly bytes = false,
  ) {}

  /**
   * Set when the source is known to hold no lone '\r' (every '\r' starts a '\r\n'), e.g. from an earlier pass over
   * the same bytes: lines are then found by their '\n' alone, half the searching. Wrong when set on a source with a
   * lone '\r' (old Mac line ends): such a line would not be split.
   */
  noLoneCr = false;

  /** The lines completed by this chunk, in order. */
  push(raw: Buffer | Uint8Array): SourceLine[] {
    const out: SourceLine[] = [];
    this.visit(raw, (text, start, end, eol, lineNo, offsets) => out.push({ lineNo, text: text.slice(start, end), eol, byteOffset: offsets.at(start) }));
    return out;
  }

  /** The last line (without a line break), if any. */
  end(): SourceLine[] {
    const out: SourceLine[] = [];
    this.finish((text, start, end, eol, lineNo, offsets) => out.push({ lineNo, text: text.slice(start, end), eol, byteOffset: offsets.at(start) }));
    return out;
  }

  /** Calls `fn` for every line this chunk completes. */
  visit(raw: Buffer | Uint8Array, fn: LineVisitor): void {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let base = this.carryOffset + this.carry.length + this.carryMoreLength;
    if (chunk.length === 0) return;
    if (this.carry.length) {
      // Complete the carried partial line with the chunk's first line only (a small copy, not the whole chunk).
      // A carried final '\r' not followed by '\n' already ended its line.
      const last = this.carryMore.at(-1) ?? this.carry;
      const k = last[last.length - 1] === 13 ? (chunk[0] === 10 ? 1 : 0) : firstLineEnd(chunk);
      if (k < 0) {
        // (a copy: the caller may reuse the chunk's memory)
        this.carryMore.push(Buffer.from(chunk));
        this.carryMoreLength += chunk.length;
        return;
      }
      this.joinCarry();
      this.region(Buffer.concat([this.carry, chunk.subarray(0, k)]), this.carryOffset, fn);
      base += k;
      chunk = chunk.subarray(k);
      this.carry = Buffer.alloc(0);
      this.carryOffset = base;
    }
    // Complete lines end at the last line break; a final '\r' waits for the next chunk (it may be half of '\r\n').
    let end = Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
    if (end >= 0 && chunk[end] === 13 && end === chunk.length - 1) {
      // (a negative start would make lastIndexOf search from the end again)
      end = end === 0 ? -1 : Math.max(chunk.lastIndexOf(10, end - 1), chunk.lastIndexOf(13, end - 1));
    }
    if (end >= 0) this.region(chunk.subarray(0, end + 1), base, fn);
    this.carry = Buffer.from(chunk.subarray(end + 1));
    this.carryOffset = base + end + 1;
  }

  /** Calls `fn` for the last line (without a line break), if any. */
  finish(fn: LineVisitor): void {
    this.joinCarry();
    const c = this.carry;
    if (c.length) {
      if (this.onWarning && !this.nulSeen) this.noteNul(c, this.carryOffset);
      if (c[c.length - 1] === 13) this.emit(c.subarray(0, c.length - 1), this.carryOffset, '\r', fn);
      else this.emit(c, this.carryOffset, '', fn);
    }
    this.carry = Buffer.alloc(0);
  }

  /** A NUL byte was reported (once per source: a zero-padded copy holds millions). */
  private nulSeen = false;

  /**
   * No text export holds a NUL byte: one is the sign of a damaged copy (a truncated file padded with zeros, a disk
   * error). The text keeps it, as read; the warning says where the first one is.
   */
  private noteNul(bytes: Buffer, base: number): void {
    const nul = bytes.indexOf(0);
    if (nul < 0) return;
    this.nulSeen = true;
    let line = this.lineNo + 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] !== 10)) line++;
    this.onWarning?.({
      code: 'nul-byte',
      message: `NUL byte at byte offset ${base + nul} (line ${line}), which no text export holds: the file may be a damaged or zero-padded copy; the text keeps it as read`,
      line,
      byteOffset: base + nul,
    });
  }

  /** Makes the carried partial line one buffer again (see carryMore). */
  private joinCarry(): void {
    if (this.carryMore.length === 0) return;
    this.carry = Buffer.concat([this.carry, ...this.carryMore]);
    this.carryMore = [];
    this.carryMoreLength = 0;
  }

  /** Splits bytes that end with a complete line break. */
  private region(bytes: Buffer, base: number, fn: LineVisitor): void {
    if (this.onWarning && !this.nulSeen) this.noteNul(bytes, base);
    let text: string;
    if (this.bytes) {
      text = bytes.toString('latin1');
    } else if (!isUtf8(bytes)) {
      this.slowRegion(bytes, base, fn);
      return;
    } else {
      // Fast path: decode the region once and find the line breaks in the string (byte offsets on demand).
      text = decoder.decode(bytes, STREAM);
    }
    const offsets = new RegionOffsets(text, base, text.length === bytes.length);
    let pos = 0;
    if (bytes.indexOf(13) < 0) {
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
        fn(text, pos, nl, '\n', ++this.lineNo, offsets);
        pos = nl + 1;
      }
      return;
    }
    if (this.noLoneCr) {
      // Every '\r' is the first half of a '\r\n' (the caller knows): only the '\n's need finding.
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
        const crlf = text.charCodeAt(nl - 1) === 13 && nl > pos;
        fn(text, pos, crlf ? nl - 1 : nl, crlf ? '\r\n' : '\n', ++this.lineNo, offsets);
        pos = nl + 1;
      }
      return;
    }
    // CRLF (iOS) or mixed: walk the '\n's while every '\r' is the first half of a '\r\n'.
    let cr = text.indexOf('\r');
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
      if (cr >= 0 && cr < nl - 1) break; // a lone '\r' before this line's end
      const crlf = cr === nl - 1;
      fn(text, pos, crlf ? cr : nl, crlf ? '\r\n' : '\n', ++this.lineNo, offsets);
      pos = nl + 1;
      if (crlf) cr = text.indexOf('\r', pos);
    }
    // The rest has a lone '\r' (old Mac line ends): the general splitter.
    const re = /\r\n|\n|\r/g;
    re.lastIndex = pos;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      fn(text, pos, m.index, m[0], ++this.lineNo, offsets);
      pos = m.index + m[0].length;
    }
  }

  /** Byte by byte, for regions with invalid UTF-8: each line decoded alone, so the warning names its line. */
  private slowRegion(buf: Buffer, base: number, fn: LineVisitor): void {
    let start = 0;
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c === 10) {
        this.emit(buf.subarray(start, i), base + start, '\n', fn);
        start = i + 1;
      } else if (c === 13) {
        const crlf = buf[i + 1] === 10;
        this.emit(buf.subarray(start, i), base + start, crlf ? '\r\n' : '\r', fn);
        if (crlf) i++;
        start = i + 1;
      }
    }
  }

  /** One line decoded on its own (its own region). */
  private emit(bytes: Buffer, offset: number, eol: string, fn: LineVisitor): void {
    const lineNo = ++this.lineNo;
    const text = bytes.toString(this.bytes ? 'latin1' : 'utf8');
    if (!this.bytes && !isUtf8(bytes)) {
      const bad = firstInvalidUtf8(bytes);
      this.onWarning?.({
        code: 'invalid-utf8',
        message: `invalid UTF-8 at byte offset ${offset + bad} (line ${lineNo}); replaced by U+FFFD`,
        line: lineNo,
        byteOffset: offset + bad,
      });
    }
    fn(text, 0, text.length, eol, lineNo, new RegionOffsets(text, offset, true)); // (only its start is ever asked for)
  }
}

/** Length of the first line of `chunk` including its break (`\r\n` kept whole), or -1 when it is not complete yet. */
function firstLineEnd(chunk: Buffer): number {
  const lf = chunk.indexOf(10);
  const cr = chunk.indexOf(13);
  if (cr < 0 || (lf >= 0 && lf < cr)) return lf < 0 ? -1 : lf + 1;
  if (cr === chunk.length - 1) return -1; // may be half of '\r\n'
  return chunk[cr + 1] === 10 ? cr + 2 : cr + 1;
}

/** Index of the first byte that starts an invalid UTF-8 sequence (or bytes.length when valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= n + 0 && i + need > n - 1 + 1) return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

/** How many bytes at the start of a text `utf16Encoding` looks at. */
export const UTF16_SAMPLE_BYTES = 512;

/**
 * Whether the first bytes of a text are UTF-16 rather than UTF-8: a UTF-16 byte order mark (FF FE, FE FF; not the
 * UTF-32 LE mark FF FE 00 00), or, without one, many NUL bytes at alternating positions (the high bytes of Latin
 * characters: `0A 00` is a line break in UTF-16LE). Looks at the first `UTF16_SAMPLE_BYTES` bytes only. UTF-8 text
 * has no NUL bytes, so one position in three being NUL, and hardly any in the other, is no accident. Either way the
 * sample must also be well-formed UTF-16 (no lone surrogates), so random binary data that happens to start with FF FE
 * is not taken for text. Returns the encoding with its evidence, or null.
 */
export function utf16Encoding(head: Uint8Array): { encoding: 'UTF-16LE' | 'UTF-16BE'; evidence: string } | null {
  const n = Math.min(head.length, UTF16_SAMPLE_BYTES) & ~1;
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe && !(head.length >= 4 && head[2] === 0 && head[3] === 0)) {
    return wellFormedUtf16(head, n, true) ? { encoding: 'UTF-16LE', evidence: 'byte order mark FF FE' } : null;
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return wellFormedUtf16(head, n, false) ? { encoding: 'UTF-16BE', evidence: 'byte order mark FE FF' } : null;
  }
  const pairs = n / 2;
  if (pairs < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const clearly = (zeros: number, other: number): boolean => zeros * 3 >= pairs && other * 20 <= zeros;
  const share = (zeros: number, which: string): string => `no byte order mark, but ${zeros} of the first ${pairs} two-byte units have a NUL ${which} byte`;
  if (clearly(odd, even) && wellFormedUtf16(head, n, true)) return { encoding: 'UTF-16LE', evidence: share(odd, 'second') };
  if (clearly(even, odd) && wellFormedUtf16(head, n, false)) return { encoding: 'UTF-16BE', evidence: share(even, 'first') };
  return null;
}

/** The first `n` bytes (even) hold no lone surrogate; a high surrogate cut off by the end of the sample is fine. */
function wellFormedUtf16(b: Uint8Array, n: number, le: boolean): boolean {
  const unit = (i: number): number => (le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!);
  for (let i = 0; i < n; i += 2) {
    const u = unit(i);
    if (u >= 0xdc00 && u <= 0xdfff) return false;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 2 >= n) return true;
      const next = unit(i + 2);
      if (next < 0xdc00 || next > 0xdfff) return false;
      i += 2;
    }
  }
  return true;
}
