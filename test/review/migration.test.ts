import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openStore, schemaVersion } from '../../src/store/db.js';

it('the review migration makes decisions and the audit log append-only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-mig-'));
  const s = openStore(path.join(dir, 'x.db'));
  expect(schemaVersion(s.db)).toBeGreaterThanOrEqual(5);
  s.db.prepare(`INSERT INTO audit_log (seq, at, actor, action, payload_json, prev_hash, hash, custodian_id) VALUES (1, 'x', 'a', 'b', '{}', 'p', 'h', 'c')`).run();
  expect(() => s.db.prepare(`UPDATE audit_log SET actor = 'z'`).run()).toThrow(/append-only/);
  expect(() => s.db.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
  s.close();
});

it('v10 migrates a v9 store: its suggestions stay, and a key may then hold one rule suggestion per category', async () => {
  const Database = (await import('better-sqlite3')).default;
  const { MIGRATIONS } = await import('../../src/store/migrations.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-mig-'));
  const file = path.join(dir, 'v9.db');
  const raw = new Database(file);
  for (const m of MIGRATIONS.slice(0, 9)) raw.exec(m);
  raw.pragma('user_version = 9');
  raw.exec(`INSERT INTO custodians (id, name, function, department, term_from, tz, created_at) VALUES ('m', 'M', 'Minister', 'BZK', '2024-01-01', 'Europe/Amsterdam', 'x')`);
  const ins = raw.prepare(`INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, rule_id, created_at, updated_at)
    VALUES ('m', 'message', 7, 'rule', ?, ?, ?, 'partijpolitiek.verkiezingen-en-campagne', 'x', 'x')`);
  ins.run('partijpolitiek', 'partijpolitiek', 'confirmed');
  // Before v10 the same key with another category is refused.
  expect(() => ins.run('privé', 'privé', 'suggested')).toThrow(/UNIQUE/);
  raw.close();
  const s = openStore(file);
  try {
    expect(schemaVersion(s.db)).toBe(MIGRATIONS.length);
    expect(s.db.prepare('SELECT count(*) AS n FROM markings').get()).toEqual({ n: 1 });
    const again = s.db.prepare(`INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, rule_id, created_at, updated_at)
      VALUES ('m', 'message', 7, 'rule', ?, ?, 'suggested', 'partijpolitiek.verkiezingen-en-campagne', 'x', 'x')`);
    again.run('privé', 'privé');
    // Still one row per key and category.
    expect(() => again.run('privé', 'privé')).toThrow(/UNIQUE/);
  } finally {
    s.close();
  }
});
