/**
 * readLines, with which verify and the export's check read every file of a package: lines whole across the 1 MiB
 * reads, and a line without end (binary bytes without a line break: a zero-filled or sparse media file) in overlapping
 * pieces, so that a planted name is still found. Before, such a file was re-split from its start with every 1 MiB read
 * (quadratic: a 2 GiB zero-filled file still ran after ten minutes) until the line no longer fit a string.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readLines } from '../../src/export/files.js';
import { leakLines } from '../../src/export/image-meta.js';
import { tempDir } from '../helpers/cli.js';

const write = (name: string, data: string | Buffer): string => {
  const f = path.join(tempDir('chatarchief-lines-'), name);
  fs.writeFileSync(f, data);
  return f;
};

it('gives the lines as written, also across reads, with empty lines, CRLF and a last line without a break', () => {
  const long = 'é'.repeat(700_000); // 1.4 MB in UTF-8: spans two reads, a character split between them
  const text = `eerste\r\n\n${long}\nReza Mohamedi\nlaatste`;
  expect([...readLines(write('a.txt', text))]).toEqual(['eerste\r', '', long, 'Reza Mohamedi', 'laatste']);
  expect([...readLines(write('b.txt', 'een\ntwee\n'))]).toEqual(['een', 'twee']);
  expect([...readLines(write('c.txt', ''))]).toEqual([]);
});

it('gives a line longer than the limit in pieces that overlap, so that a name across a cut is whole in one', () => {
  expect([...readLines(write('d.txt', 'abcdefghij\nkl'), 4, 2)]).toEqual(['abcd', 'cdef', 'efgh', 'ghij', 'kl']);
  const name = 'Reza Mohamedi';
  for (let at = 0; at < 30; at++) {
    const line = 'x'.repeat(at) + name + 'y'.repeat(30 - at);
    expect([...readLines(write('e.txt', line), 16, 14)].some((l) => l.includes(name)), `at ${at}`).toBe(true);
  }
});

it('reads a 600 MiB zero-filled file with a name planted in its middle, without a line break, and finds the name', () => {
  const f = path.join(tempDir('chatarchief-lines-'), 'VID-20250304-WA0001.mp4');
  const fd = fs.openSync(f, 'w');
  try {
    fs.writeSync(fd, Buffer.from('Reza Mohamedi'), 0, 13, 300 * 2 ** 20);
    fs.ftruncateSync(fd, 600 * 2 ** 20);
  } finally {
    fs.closeSync(fd);
  }
  let found = 0;
  let pieces = 0;
  for (const l of leakLines(f)) {
    pieces++;
    if (l.includes('Reza Mohamedi')) found++;
  }
  expect(found).toBeGreaterThanOrEqual(1);
  // (in pieces of 64 Mi characters: no string of 600 Mi, above what one can hold)
  expect(pieces).toBe(10);
});
