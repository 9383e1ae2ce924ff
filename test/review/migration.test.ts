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
