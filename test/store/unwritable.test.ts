/**
 * A database folder or blob store that the file system will not let us write (a regular file in the way, a folder
 * where the write-ahead log belongs) is the operator's to fix: exit 1 naming the path and the reason, no stack trace,
 * and an ingest that hits it stores nothing. (Tests run as root, so permissions cannot provoke this: a regular file
 * where a folder must be can.)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BlobStore } from '../../src/store/blobs.js';
import { UserError } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { tableSnapshot } from '../ingest/store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'J. Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2020-01-01'];
const CHAT = '02-10-2023 08:02 - Karin Smit: Goedemorgen.\n02-10-2023 08:05 - J. Jansen: Dank.\n';

function expectBadInput(r: { code: number; stderr: string }, ...names: string[]): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  for (const n of names) expect(r.stderr).toContain(n);
}

describe('a store that cannot be written', () => {
  it('--db below a regular file: custodian add exits 1 naming the path and the reason', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'gewoon-bestand');
    fs.writeFileSync(file, 'x');
    for (const db of [path.join(file, 'x.db'), path.join(file, 'sub', 'x.db')]) {
      const r = await runCli(['custodian', 'add', '--db', db, ...CUSTODIAN]);
      expectBadInput(r, db, file);
      expect(r.stderr).toMatch(/file of that name is in the way|is a file, not a folder/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a folder where the write-ahead log belongs: exit 1 naming the database', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'store.db');
    fs.mkdirSync(`${db}-wal`);
    expectBadInput(await runCli(['custodian', 'add', '--db', db, ...CUSTODIAN]), db, `${db}-wal`);
  });

  const hash = crypto.createHash('sha256').update(CHAT).digest('hex');
  it.each([
    ['the blob folder is a regular file', (blobs: string) => fs.writeFileSync(blobs, 'x')],
    [
      'a regular file stands where the shard folder of the chat\'s blob belongs',
      (blobs: string) => {
        fs.mkdirSync(path.join(blobs, 'sha256'), { recursive: true });
        fs.writeFileSync(path.join(blobs, 'sha256', hash.slice(0, 2)), 'x');
      },
    ],
  ])('ingest when %s: exit 1 naming the blob store and the reason; the database is unchanged', async (_name, block) => {
    const dir = tempDir();
    const db = path.join(dir, 'store.db');
    expect((await runCli(['custodian', 'add', '--db', db, ...CUSTODIAN])).code).toBe(0);
    const blobs = path.join(dir, 'store.blobs');
    block(blobs);
    const chat = path.join(dir, 'WhatsApp-chat met Karin.txt');
    fs.writeFileSync(chat, CHAT);
    const before = tableSnapshot(db);
    const r = await runCli(['ingest', '--db', db, '--custodian', 'min', chat]);
    expectBadInput(r, `the blob store ${blobs}`, 'cannot be written');
    expect(r.stderr).toMatch(/a part of the path is a file, not a folder|a file of that name is in the way/);
    expect(tableSnapshot(db)).toEqual(before);
  });
});

describe('a full disk', () => {
  it('while the blob store writes: bad input naming the store, not an internal error, and no temporary file left', async () => {
    const dir = path.join(tempDir(), 'store.blobs');
    const blobs = new BlobStore(dir);
    // A write through a file descriptor that the disk refuses names no path (as on /dev/full: "ENOSPC undefined write").
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw full;
    });
    try {
      const err = await blobs.putStream((async function* () { yield Buffer.from('chat bytes'); })()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(new RegExp(`the blob store ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*cannot be written: no space left on the device \\(ENOSPC`));
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });
});
