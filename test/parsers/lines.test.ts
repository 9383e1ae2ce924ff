import { describe, expect, it, vi } from 'vitest';
import { LineSplitter, lineBatches, RegionOffsets, splitLines, utf8OfBytes } from '../../parsers/lines.js';
import { rng } from '../../parsers/prng.js';
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

  /** Reference: the whole input at once, byte by byte. */
  function reference(bytes: Buffer): [number, string, string, number][] {
    const out: [number, string, string, number][] = [];
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      const c = bytes[i];
      if (i === bytes.length) {
        if (start < bytes.length) out.push([out.length + 1, bytes.subarray(start).toString('utf8'), '', start]);
      } else if (c === 10 || c === 13) {
        const eol = c === 13 && bytes[i + 1] === 10 ? '\r\n' : c === 13 ? '\r' : '\n';
        out.push([out.length + 1, bytes.subarray(start, i).toString('utf8'), eol, start]);
        i += eol.length - 1;
        start = i + 1;
      }
    }
    return out;
  }
  it('gives the same lines, offsets and warnings as a whole-file reading for any chunking of mixed text', async () => {
    const r = rng(11);
    const pieces = ['\ufeff', 'a', 'é', '€', '😀', '\u200e', ' ', '\n', '\r\n', '\r', 'WhatsApp', '12-03-2024 10:00 - A: x'];
    for (let round = 0; round < 200; round++) {
      const parts: Buffer[] = [];
      for (let k = 0; k < 40; k++) parts.push(r() < 0.03 ? Buffer.from([0xe9]) : Buffer.from(pieces[Math.floor(r() * pieces.length)]!));
      const bytes = Buffer.concat(parts);
      const size = 1 + Math.floor(r() * 12);
      const warnings: ParseWarning[] = [];
      const expected = reference(bytes);
      expect(await split(bytes, size, warnings)).toEqual(expected);
      const bad = expected.filter(([, text]) => text.includes('\ufffd')).map(([line]) => line);
      expect(warnings.map((w) => w.line)).toEqual(bad);
    }
  });
  it('the fast paths agree with it: without lone CRs (noLoneCr) and as byte strings (decoded per line)', () => {
    const r = rng(12);
    const pieces = ['\ufeff', 'a', 'é', '€', '😀', '\u200e', '\u202f', ' ', '\n', '\r\n', 'WhatsApp', '[12-03-2024 10:00:00] A: x'];
    for (let round = 0; round < 200; round++) {
      const parts: Buffer[] = [];
      for (let k = 0; k < 40; k++) parts.push(Buffer.from(pieces[Math.floor(r() * pieces.length)]!));
      const bytes = Buffer.concat(parts);
      const size = 1 + Math.floor(r() * 12);
      for (const [noLoneCr, asBytes] of [[true, false], [false, true], [true, true]]) {
        const sp = new LineSplitter(undefined, asBytes);
        sp.noLoneCr = noLoneCr!;
        const got: [number, string, string, number][] = [];
        const fn = (text: string, start: number, end: number, eol: string, lineNo: number, offsets: RegionOffsets): void => {
          const line = text.slice(start, end);
          got.push([lineNo, asBytes ? utf8OfBytes(line) : line, eol, offsets.at(start)]);
        };
        for (let i = 0; i < bytes.length; i += size) sp.visit(bytes.subarray(i, i + size), fn);
        sp.finish(fn);
        expect(got, `noLoneCr ${noLoneCr}, bytes ${asBytes}, chunk ${size}`).toEqual(reference(bytes));
      }
    }
  });
  it('lineBatches yields the lines each chunk completes as one array', async () => {
    const batches: string[][] = [];
    for await (const b of lineBatches([Buffer.from('a\nb\nc'), Buffer.from('d\ne\n'), Buffer.from('f')])) batches.push(b.map((l) => l.text));
    expect(batches).toEqual([['a', 'b'], ['cd', 'e'], ['f']]);
  });
  it('RegionOffsets gives byte offsets of text positions in any order of asking', () => {
    const text = 'aé€😀\nb';
    const o = new RegionOffsets(text, 100, false);
    const expected = [0, 1, 2, 3, 5, 6, 7].map((i) => 100 + Buffer.byteLength(text.slice(0, i)));
    for (const i of [6, 0, 5, 3, 7, 1, 2]) expect(o.at(i)).toBe(expected[[0, 1, 2, 3, 5, 6, 7].indexOf(i)]);
  });
});

describe('LineSplitter.noLoneCr', () => {
  const visit = (bytes: Buffer, size: number, noLoneCr: boolean): [number, string, string, number][] => {
    const sp = new LineSplitter();
    sp.noLoneCr = noLoneCr;
    const out: [number, string, string, number][] = [];
    const fn = (text: string, start: number, end: number, eol: string, lineNo: number, offsets: RegionOffsets): void => {
      out.push([lineNo, text.slice(start, end), eol, offsets.at(start)]);
    };
    for (let i = 0; i < bytes.length; i += size) sp.visit(bytes.subarray(i, i + size), fn);
    sp.finish(fn);
    return out;
  };
  it.each([1, 2, 3, 7, 1 << 16])('splits mixed CRLF and LF, empty lines included, as the general splitter does (chunk %i)', (size) => {
    const bytes = Buffer.from('[1] é\r\n\r\nb\n\nc\r\n€\nlast');
    const fast = visit(bytes, size, true);
    expect(fast).toEqual(visit(bytes, size, false));
    expect(fast.map((l) => l[2])).toEqual(['\r\n', '\r\n', '\n', '\n', '\r\n', '\n', '']);
  });
});

describe('LineSplitter: a line longer than many chunks', () => {
  const visitAll = (chunks: () => Iterable<Buffer>) => {
    const sp = new LineSplitter();
    const out: [number, string, string, number][] = [];
    const fn = (text: string, start: number, end: number, eol: string, lineNo: number, offsets: RegionOffsets): void => {
      out.push([lineNo, text.slice(start, end), eol, offsets.at(start)]);
    };
    for (const c of chunks()) sp.visit(c, fn);
    sp.finish(fn);
    return out;
  };
  // A reader that reuses one buffer for every chunk (as readChunksReusing does): the splitter must copy what it keeps.
  function* reusing(bytes: Buffer, size: number): Iterable<Buffer> {
    const buf = Buffer.alloc(size);
    for (let i = 0; i < bytes.length; i += size) {
      const n = bytes.copy(buf, 0, i, i + size);
      yield buf.subarray(0, n);
      buf.fill(0x21);
    }
  }
  const long = 'é'.repeat(5000) + 'x'.repeat(3001);
  const bytes = Buffer.from(`a\n${long}\r\n${long}\rz\n`);

  it.each([7, 64, 1000])('is kept whole, with its offset and line break, from a reused buffer (chunk %i)', (size) => {
    expect(visitAll(() => reusing(bytes, size))).toEqual([
      [1, 'a', '\n', 0],
      [2, long, '\r\n', 2],
      [3, long, '\r', 2 + Buffer.byteLength(long) + 2],
      [4, 'z', '\n', 2 + 2 * Buffer.byteLength(long) + 3],
    ]);
  });

  it('is copied a bounded number of times, not once per chunk (a 40 MB line took minutes)', () => {
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const line = Buffer.alloc(2_000_000, 0x61);
      const out = visitAll(() => reusing(Buffer.concat([Buffer.from('h\n'), line, Buffer.from('\nt\n')]), 1024));
      expect(out.map((l) => l[1].length)).toEqual([1, line.length, 1]);
      const copied = concat.mock.calls.reduce((n, [list]) => n + (list as Buffer[]).reduce((m, b) => m + b.length, 0), 0);
      expect(copied).toBeLessThan(3 * (line.length + 4));
    } finally {
      concat.mockRestore();
    }
  });
});

describe('LineSplitter: NUL bytes', () => {
  const warningsOf = (bytes: Buffer, size: number): ParseWarning[] => {
    const warnings: ParseWarning[] = [];
    const sp = new LineSplitter((w) => warnings.push(w));
    const lines: string[] = [];
    const fn = (text: string, start: number, end: number): void => {
      lines.push(text.slice(start, end));
    };
    for (let i = 0; i < bytes.length; i += size) sp.visit(bytes.subarray(i, i + size), fn);
    sp.finish(fn);
    expect(lines.join('|')).toContain('\0');
    return warnings;
  };
  // A copy truncated at a disk error and padded with zeros to the original size.
  const padded = Buffer.concat([Buffer.from('a\r\nb\rc\n€ tekst'), Buffer.alloc(5000), Buffer.from('\nd\n'), Buffer.alloc(10)]);

  it.each([1, 3, 4096, 1 << 16])('are reported once, with the byte offset and line of the first, and kept in the text (chunk %i)', (size) => {
    expect(warningsOf(padded, size)).toEqual([
      {
        code: 'nul-byte',
        message: 'NUL byte at byte offset 16 (line 4), which no text export holds: the file may be a damaged or zero-padded copy; the text keeps it as read',
        line: 4,
        byteOffset: 16,
      },
    ]);
  });

  it('in a last line without a line break', () => {
    expect(warningsOf(Buffer.from('a\nb\0'), 64).map((w) => [w.line, w.byteOffset])).toEqual([[2, 3]]);
  });
});
