/**
 * A full disk is the operator's to resolve, not an internal error: every command says what could not be written and
 * exits 1 (the ingest has its own, more precise message: test/ingest). Forced here by making the store call or the
 * file write fail as SQLite and Node do on a full disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFixture as buildExportFixture } from './export/fixture.js';
import { buildFixture, cli, row, type Fixture } from './review/fixture.js';

const fail = vi.hoisted(() => ({ store: false, file: '' }));

vi.mock('../src/store/decisions.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../src/store/decisions.js')>();
  return {
    ...orig,
    insertDecision: (...a: Parameters<typeof orig.insertDecision>) => {
      if (fail.store) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return orig.insertDecision(...a);
    },
  };
});
vi.mock('../src/export/writer.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../src/export/writer.js')>();
  return {
    ...orig,
    writeObjectSidecar: (...a: Parameters<typeof orig.writeObjectSidecar>) => {
      if (fail.file) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', path: fail.file });
      return orig.writeObjectSidecar(...a);
    },
  };
});

let f: Fixture;
beforeEach(() => {
  f = buildFixture();
});
afterEach(() => {
  fail.store = false;
  fail.file = '';
  f.close();
});

describe('a full disk', () => {
  it('while a decision is written: exit 1 naming the store, no stack trace, nothing decided', async () => {
    fail.store = true;
    const id = String(f.ids.markings.partij1);
    const r = await cli(['review', 'decide', id, '--accept', '--reviewer', 'Els Bakker', '--db', f.dbPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `chatarchief review decide: the store ${f.dbPath} cannot be written: the disk that holds it is full (SQLITE_FULL). Free space on that disk and run the command again\n`,
    );
    expect(row<{ status: string }>(f, 'SELECT status FROM markings WHERE id = ?', Number(id)).status).toBe('suggested');
  });

  it('under --json: the error object says disk-full, exit 1', async () => {
    fail.store = true;
    const r = await cli(['review', 'decide', String(f.ids.markings.partij1), '--accept', '--reviewer', 'Els Bakker', '--db', f.dbPath, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        command: 'review decide', exitCode: 1, kind: 'disk-full',
        message: `the store ${f.dbPath} cannot be written: the disk that holds it is full (SQLITE_FULL). Free space on that disk and run the command again`,
      },
    });
  });

  it('while an export writes its package: exit 1 naming the file, and no package or work folder left', async () => {
    const x = buildExportFixture();
    const out = path.join(x.dir, 'out');
    fail.file = path.join(out, 'somewhere', 'file.xml');
    const r = await cli(['export', '--custodian', x.custodian, '--out', out, '--set', 'both', '--db', x.dbPath]);
    x.store.close();
    expect(r.stderr).toContain(`${fail.file} cannot be written: the disk that holds it is full (ENOSPC). Free space on that disk and run the command again`);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(1);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });
});
