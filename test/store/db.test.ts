import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openStore, schemaVersion } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { tempDir } from '../helpers/cli.js';

it('a new store gets 16 KiB pages and WAL; an existing store keeps its page size and is migrated', () => {
  const dir = tempDir();
  const fresh = openStore(path.join(dir, 'new.db'));
  expect(fresh.db.pragma('page_size', { simple: true })).toBe(16384);
  expect(fresh.db.pragma('journal_mode', { simple: true })).toBe('wal');
  fresh.close();

  // A store created by an earlier version (default 4 KiB pages, first schema version only).
  const oldPath = path.join(dir, 'old.db');
  const raw = new Database(oldPath);
  raw.exec(MIGRATIONS[0]!);
  raw.pragma('user_version = 1');
  raw.close();
  const old = openStore(oldPath);
  expect(old.db.pragma('page_size', { simple: true })).toBe(4096);
  expect(schemaVersion(old.db)).toBe(MIGRATIONS.length);
  old.close();
});
