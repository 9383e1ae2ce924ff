/**
 * Bytes of an XML file to text, as its declaration says: UTF-8 by default (invalid bytes become U+FFFD, and the first
 * one's byte offset is reported, as for every other format), or a single-byte encoding the declaration names
 * (ISO-8859-1, Windows-1252: older SMS backups). Streaming: a multi-byte character split over two chunks is kept whole.
 */
import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8 } from '../lines.js';

const SINGLE_BYTE = new Map<string, string>([
  ['iso-8859-1', 'windows-1252'], ['latin1', 'windows-1252'], ['iso8859-1', 'windows-1252'], ['l1', 'windows-1252'],
  ['windows-1252', 'windows-1252'], ['cp1252', 'windows-1252'], ['us-ascii', 'windows-1252'], ['ascii', 'windows-1252'],
  ['iso-8859-15', 'iso-8859-15'], ['latin9', 'iso-8859-15'],
]);

/** The encoding the declaration at the start of `head` names, lower case; null when it names none. */
export function declaredEncoding(head: Buffer): string | null {
  const m = /^(?:\ufeff)?<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.subarray(0, 200).toString('latin1'));
  return m ? m[1]!.toLowerCase() : null;
}

export interface XmlDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** Whether bytes[i..] is the start of a valid UTF-8 sequence cut off by the end of the buffer. */
function truncatedSequence(bytes: Buffer, i: number): boolean {
  const b = bytes[i]!;
  const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
  if (need === 0 || bytes.length - i > need) return false;
  for (let k = i + 1; k < bytes.length; k++) if ((bytes[k]! & 0xc0) !== 0x80) return false;
  return true;
}

/**
 * A decoder for the file whose first chunk is `head`. `onInvalid` is told the byte offset of the first invalid UTF-8
 * sequence and, at the end, how many there were (a single-byte encoding has none).
 */
export function xmlDecoder(head: Buffer, onInvalid: (firstOffset: number, count: number) => void): XmlDecoder {
  const declared = declaredEncoding(head);
  const single = declared ? SINGLE_BYTE.get(declared) : undefined;
  if (single) {
    const td = new TextDecoder(single);
    return { write: (c) => td.decode(c, { stream: true }), end: () => td.decode() };
  }
  const td = new TextDecoder('utf-8');
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // byte offset of pending[0] in the file
  let first = -1;
  let count = 0;
  return {
    write(chunk) {
      // The common case, checked natively: a chunk of whole, valid characters.
      if (!pending.length && isUtf8(chunk)) {
        offset += chunk.length;
        return td.decode(chunk, { stream: true });
      }
      const bytes = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let keep = bytes.length;
      for (let i = firstInvalidUtf8(bytes); i < bytes.length; ) {
        if (truncatedSequence(bytes, i)) {
          keep = i;
          break;
        }
        if (first < 0) first = offset + i;
        count++;
        const rest = firstInvalidUtf8(bytes.subarray(i + 1));
        i = i + 1 + rest;
      }
      pending = Buffer.from(bytes.subarray(keep));
      offset += keep;
      return td.decode(bytes.subarray(0, keep), { stream: true });
    },
    end() {
      if (pending.length) {
        if (first < 0) first = offset;
        count++;
      }
      if (count) onInvalid(first, count);
      return td.decode(pending);
    },
  };
}
