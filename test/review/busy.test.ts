/**
 * A store locked by another process (a write transaction held longer than busy_timeout) is a condition to retry,
 * not an internal error: exit 1 with a plain message on the CLI, a 503 with code 'busy' (a Dutch text on the page)
 * from the review server.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReviewServer } from '../../src/review/server.js';
import { apiClient } from './api-client.js';
import { buildFixture, cli, row, type Fixture } from './fixture.js';

let f: Fixture;
let other: Database.Database;
beforeEach(() => {
  f = buildFixture();
  // Another process (an ingest, say) holds the write lock.
  other = new Database(f.dbPath);
  other.exec('BEGIN IMMEDIATE');
});
afterEach(() => {
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  f.close();
});

describe('a store locked by another process', () => {
  it('CLI: exit 1 with a message to try again, no stack trace; after the lock is gone the same command works', { timeout: 30_000 }, async () => {
    const id = String(f.ids.markings.partij1);
    const r = await cli(['review', 'decide', id, '--accept', '--reviewer', 'Els Bakker', '--db', f.dbPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('chatarchief review decide: the store is in use by another process (an ingest, tag, export or review that is writing); nothing was changed. Try again when it has finished\n');
    expect(row<{ status: string }>(f, 'SELECT status FROM markings WHERE id = ?', Number(id)).status).toBe('suggested');
    other.exec('ROLLBACK');
    expect((await cli(['review', 'decide', id, '--accept', '--reviewer', 'Els Bakker', '--db', f.dbPath])).code).toBe(0);
  });

  it('CLI under --json: the error object says store-busy, exit 1', { timeout: 30_000 }, async () => {
    const r = await cli(['review', 'decide', String(f.ids.markings.partij1), '--accept', '--reviewer', 'Els Bakker', '--db', f.dbPath, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        command: 'review decide', exitCode: 1, kind: 'store-busy',
        message: 'the store is in use by another process (an ingest, tag, export or review that is writing); nothing was changed. Try again when it has finished',
      },
    });
  });

  it('web: 503 with code busy, not a 500 internal error', async () => {
    f.store.db.pragma('busy_timeout = 300');
    const srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk' });
    try {
      const api = apiClient(srv);
      const r = await api('/api/decide', { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els Bakker', lastDecisionIds: { [f.ids.markings.partij1]: null } });
      expect(r.status).toBe(503);
      expect(r.json.code).toBe('busy');
      expect(r.json.error).not.toMatch(/internal error|SqliteError/);
    } finally {
      await srv.close();
    }
  });
});
