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

it('migrations v6 and v7 keep every message\'s sources (the first one moves to first_source_id) and each conversation\'s period', async () => {
  const { getMessage } = await import('../../src/store/messages.js');
  const dir = tempDir();
  const file = path.join(dir, 'v5.db');
  const raw = new Database(file);
  for (const m of MIGRATIONS.slice(0, 5)) raw.exec(m);
  raw.pragma('user_version = 5');
  raw.exec(`
    INSERT INTO custodians (id, name, function, department, term_from, tz, created_at) VALUES ('m', 'M', 'Minister', 'BZK', '2024-01-01', 'Europe/Amsterdam', 'x');
    INSERT INTO veiligstellingen (id, custodian_id, operator, started_at) VALUES (1, 'm', 'op', '2024-02-01T00:00:00Z');
    INSERT INTO sources (id, custodian_id, veiligstelling_id, file_name, original_path, size, sha256, operator, ingested_at, format, platform, parser_version)
      VALUES (1, 'm', 1, 'jan.txt', '/x/jan.txt', 1, 'aa', 'op', 'x', 'whatsapp-android', 'whatsapp', 'p'),
             (2, 'm', 1, 'feb.txt', '/x/feb.txt', 1, 'bb', 'op', 'x', 'whatsapp-android', 'whatsapp', 'p');
    INSERT INTO conversations (id, custodian_id, platform, chat_key, title, title_history_json, is_group, created_at) VALUES (1, 'm', 'whatsapp', 'team', 'Team', '[]', 1, 'x');
  `);
  const msg = raw.prepare(`INSERT INTO messages (id, conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, kind, text, raw_text, source_line, first_source_id)
    VALUES (?, 1, ?, ?, '2024-01-05T10:00:00+01:00', 1704445200000, '05-01-2024 10:00', '2024-01-05T10:00:00', 'Europe/Amsterdam', 'text', 'x', 'x', 1, ?)`);
  msg.run(1, 0, 'k1', 1);
  msg.run(2, 1, 'k2', 1);
  msg.run(3, 2, 'k3', 2);
  raw.prepare("UPDATE messages SET sent_at = '2024-01-05T11:00:00+01:00', sent_at_ms = 1704448800000 WHERE id = 2").run();
  const link = raw.prepare('INSERT INTO message_sources (message_id, source_id) VALUES (?, ?)');
  for (const [m, s] of [[1, 1], [1, 2], [2, 1], [3, 2]]) link.run(m, s);
  raw.close();

  const store = openStore(file);
  try {
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    expect([1, 2, 3].map((id) => getMessage(store.db, id)!.sources)).toEqual([[1, 2], [1], [2]]);
    // v7: the conversation's period comes from its messages.
    expect(store.db.prepare('SELECT first_at, last_at FROM conversations WHERE id = 1').raw().get()).toEqual(['2024-01-05T10:00:00+01:00', '2024-01-05T11:00:00+01:00']);
    expect(store.db.prepare('SELECT message_id, source_id FROM message_sightings ORDER BY 1, 2').raw().all()).toEqual([[1, 2]]);
    expect(store.db.prepare('SELECT source_id, conversation_id FROM source_conversations ORDER BY 1').raw().all()).toEqual([[1, 1], [2, 1]]);
    // Code that still inserts into message_sources lands in message_sightings, and never duplicates the first source.
    store.db.prepare('INSERT INTO message_sources (message_id, source_id) VALUES (?, ?)').run(2, 2);
    store.db.prepare('INSERT INTO message_sources (message_id, source_id) VALUES (?, ?)').run(3, 2);
    expect([2, 3].map((id) => getMessage(store.db, id)!.sources)).toEqual([[1, 2], [2]]);
  } finally {
    store.close();
  }
});
