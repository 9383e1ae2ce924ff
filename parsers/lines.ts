import { isUtf8 } from 'node:buffer';
import type { ParseWarning, SourceLine } from './types.js';

/**
 * Splits a byte stream into lines on `\r\n`, `\n` or `\r`, decoding each line as UTF-8.
 * Streaming: holds at most one partial line in memory. Invalid UTF-8 is replaced by U+FFFD and reported with the
 * byte offset of the first bad byte through `onWarning` (the line is kept).
 */
export async function* splitLines(
  chunks: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  onWarning?: (w: ParseWarning) => void,
): AsyncGenerator<SourceLine> {
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0; // byte offset of carry[0] in the source
  let lineNo = 0;
  const emit = (bytes: Buffer, offset: number, eol: string): SourceLine => {
    lineNo++;
    let text: string;
    if (isUtf8(bytes)) {
      text = bytes.toString('utf8');
    } else {
      text = bytes.toString('utf8');
      const bad = firstInvalidUtf8(bytes);
      onWarning?.({
        code: 'invalid-utf8',
        message: `invalid UTF-8 at byte offset ${offset + bad} (line ${lineNo}); replaced by U+FFFD`,
        line: lineNo,
        byteOffset: offset + bad,
      });
    }
    return { lineNo, text, eol, byteOffset: offset };
  };
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const base = carryOffset;
    // Complete lines end at the last line break; a final '\r' waits for the next chunk (it may be half of '\r\n').
    let end = Math.max(buf.lastIndexOf(10), buf.lastIndexOf(13));
    if (end >= 0 && buf[end] === 13 && end === buf.length - 1) {
      // (a negative start would make lastIndexOf search from the end again)
      end = end === 0 ? -1 : Math.max(buf.lastIndexOf(10, end - 1), buf.lastIndexOf(13, end - 1));
    }
    const region = end >= 0 ? buf.subarray(0, end + 1) : null;
    if (region && isUtf8(region)) {
      // Fast path: decode the whole region once and split the string; byte offsets follow from UTF-8 lengths.
      const text = region.toString('utf8');
      let offset = base;
      let pos = 0;
      const re = /\r\n|\n|\r/g;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const line = text.slice(pos, m.index);
        lineNo++;
        yield { lineNo, text: line, eol: m[0], byteOffset: offset };
        offset += Buffer.byteLength(line, 'utf8') + m[0].length;
        pos = m.index + m[0].length;
      }
      carry = Buffer.from(buf.subarray(end + 1));
      carryOffset = base + end + 1;
      continue;
    }
    let start = 0;
    const n = buf.length;
    let i = 0;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === 10) {
        yield emit(buf.subarray(start, i), base + start, '\n');
        start = i + 1;
      } else if (c === 13) {
        if (i + 1 === n) break; // need the next chunk to know whether \n follows
        if (buf[i + 1] === 10) {
          yield emit(buf.subarray(start, i), base + start, '\r\n');
          i++;
        } else {
          yield emit(buf.subarray(start, i), base + start, '\r');
        }
        start = i + 1;
      }
    }
    carry = Buffer.from(buf.subarray(start));
    carryOffset = base + start;
  }
  if (carry.length) {
    if (carry[carry.length - 1] === 13) {
      yield emit(carry.subarray(0, carry.length - 1), carryOffset, '\r');
    } else {
      yield emit(carry, carryOffset, '');
    }
  }
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
