import { describe, expect, it } from 'vitest';
import { splitLines } from '../../parsers/lines.js';
import type { ParseWarning } from '../../parsers/types.js';

async function split(bytes: Buffer, chunkSize: number, warnings: ParseWarning[] = []) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: [number, string, string, number][] = [];
  for await (const l of splitLines(chunks, (w) => warnings.push(w))) out.push([l.lineNo, l.text, l.eol, l.byteOffset]);
  return out;
}

describe('splitLines', () => {
  const sizes = [1, 2, 3, 5, 64 * 1024];
  it.each(sizes)('splits LF, CRLF and CR, with byte offsets of multi-byte text, whatever the chunking (chunk %i)', async (size) => {
    const text = 'a\nbé\r\n€c\rd';
    expect(await split(Buffer.from(text), size)).toEqual([
      [1, 'a', '\n', 0],
      [2, 'bé', '\r\n', 2],
      [3, '€c', '\r', 7],
      [4, 'd', '', 12],
    ]);
  });
  it.each(sizes)('keeps a CR at a chunk edge together with its LF, and empty lines (chunk %i)', async (size) => {
    expect(await split(Buffer.from('x\r\n\r\n\ry\r'), size)).toEqual([
      [1, 'x', '\r\n', 0],
      [2, '', '\r\n', 3],
      [3, '', '\r', 5],
      [4, 'y', '\r', 6],
    ]);
  });
  it.each(sizes)('keeps a line with invalid UTF-8 (U+FFFD) and reports the offset of the bad byte (chunk %i)', async (size) => {
    const bytes = Buffer.concat([Buffer.from('ok\ncaf'), Buffer.from([0xe9]), Buffer.from(' x\nvolgende\n')]);
    const warnings: ParseWarning[] = [];
    expect(await split(bytes, size, warnings)).toEqual([
      [1, 'ok', '\n', 0],
      [2, 'caf\ufffd x', '\n', 3],
      [3, 'volgende', '\n', 10],
    ]);
    expect(warnings.map((w) => [w.code, w.byteOffset, w.line])).toEqual([['invalid-utf8', 6, 2]]);
  });
});
