import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, mark } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { canonicalJson, GENESIS_HASH } from '../../src/store/audit.js';
import { buildFixture, cli, CUSTODIAN, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => {
  f = buildFixture();
  const db = f.store.db;
  const m = f.ids.markings;
  decide(db, { markingIds: [m.partij1], action: 'confirm', reviewer: 'Els Bakker' });
  decide(db, { markingIds: [m.partij2], action: 'change', category: 'zakelijk', reviewer: 'Els Bakker', reason: 'wetsvoorstel besproken' });
  decide(db, { markingIds: [m.xssBusiness], action: 'reject', reviewer: 'Piet Jansen', reason: 'zakelijk bericht' });
  mark(db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Piet Jansen' });
  decide(db, { markingIds: [m.passage], action: 'confirm', reviewer: 'Piet Jansen' });
});
afterEach(() => f.close());

/** A second connection that edits the database as someone with the sqlite3 shell would (triggers dropped first). */
function tamper(sql: string, ...args: unknown[]): void {
  f.close();
  const db = new Database(f.dbPath);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS decisions_no_update; DROP TRIGGER IF EXISTS decisions_no_delete;');
  if (args.length) db.prepare(sql).run(...args);
  else db.exec(sql);
  db.close();
}

const verifyCli = () => cli(['audit', 'verify', '--db', f.dbPath, '--json']);

describe('audit chain', () => {
  it('links every entry to the previous one of the custodian with sha256 over canonical JSON', () => {
    const rows = f.store.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as { seq: number; at: string; actor: string; action: string; payload_json: string; prev_hash: string; hash: string }[];
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    let prev = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      const body = canonicalJson({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, payload: JSON.parse(r.payload_json), prev_hash: r.prev_hash });
      expect(r.hash).toBe(crypto.createHash('sha256').update(body).digest('hex'));
      prev = r.hash;
    }
  });

  it('verifies clean through the CLI (exit 0)', async () => {
    f.close();
    const r = await verifyCli();
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, entries: 5, decisionsChecked: 5, findings: [] });
    const human = await cli(['audit', 'verify', '--db', f.dbPath, '--custodian', CUSTODIAN]);
    expect(human.stdout).toMatch(/Audit log intact/);
  });

  it('the database refuses plain edits of the log and of decisions', () => {
    expect(() => f.store.db.prepare(`UPDATE audit_log SET actor = 'X' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => f.store.db.prepare('DELETE FROM decisions').run()).toThrow(/append-only/);
  });
});

describe('tampering makes audit verify fail (exit 1)', () => {
  const cases: [string, string, unknown[], RegExp][] = [
    ['an edited log entry', `UPDATE audit_log SET actor = 'Iemand Anders' WHERE seq = 2`, [], /entry-edited/],
    ['an edited payload', `UPDATE audit_log SET payload_json = replace(payload_json, 'wetsvoorstel besproken', 'privé') WHERE seq = 2`, [], /entry-edited/],
    ['a deleted entry in the middle', 'DELETE FROM audit_log WHERE seq = 3', [], /entry-missing/],
    ['a deleted last entry', 'DELETE FROM audit_log WHERE seq = 5', [], /decision-without-entry/],
    ['reordered entries', 'UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = -3;', [], /entries-reordered/],
    ['a decision row with another reason', `UPDATE decisions SET reason = 'gewoon zo' WHERE id = 2`, [], /decision-disagrees/],
    ['a decision row with another reviewer', `UPDATE decisions SET reviewer = 'Iemand Anders' WHERE id = 1`, [], /decision-disagrees/],
    ['a deleted decision row', 'DELETE FROM decisions WHERE id = 3', [], /entry-without-decision/],
    ['a marking whose status was set by hand', `UPDATE markings SET status = 'rejected' WHERE rule_id = 'partij.lexicon' AND status = 'confirmed'`, [], /marking-disagrees/],
    ['an undecided suggestion marked as decided', `UPDATE markings SET status = 'confirmed' WHERE rule_id = 'partij.lexicon' AND status = 'suggested'`, [], /marking-disagrees/],
    ['a changed category', `UPDATE markings SET category = 'privé' WHERE rule_id = 'partij.rollen'`, [], /marking-disagrees/],
    ['a decided rule suggestion moved to another conversation', `UPDATE markings SET target_id = target_id + 1 WHERE rule_id = 'partij.lexicon' AND status = 'confirmed'`, [], /marking-disagrees/],
    ['a decided passage suggestion given another span', `UPDATE markings SET span_end = span_end + 3 WHERE level = 'passage' AND origin = 'rule'`, [], /marking-disagrees/],
    ['a decided rule suggestion given another level', `UPDATE markings SET level = 'contact' WHERE rule_id = 'partij.rollen'`, [], /marking-disagrees/],
    ['a decided rule suggestion credited to another rule', `UPDATE markings SET rule_id = 'partij.andere' WHERE rule_id = 'partij.rollen'`, [], /marking-disagrees/],
    ['a decided rule suggestion with another suggested category', `UPDATE markings SET suggested_category = 'zakelijk' WHERE rule_id = 'partij.lexicon' AND status = 'confirmed'`, [], /marking-disagrees/],
    ['a decided marking moved to another custodian', `PRAGMA foreign_keys = OFF; UPDATE markings SET custodian_id = 'minister-ezk' WHERE rule_id = 'partij.rollen'`, [], /marking-disagrees/],
    ['a moved manual marking', `UPDATE markings SET target_id = target_id + 1 WHERE origin = 'manual'`, [], /marking-disagrees/],
    ['a forged manual marking', `INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, created_at, updated_at) VALUES ('minister-bzk', 'message', 1, 'manual', 'zakelijk', 'zakelijk', 'confirmed', 'x', 'x')`, [], /marking-without-entry/],
  ];
  for (const [what, sql, args, code] of cases) {
    it(what, async () => {
      tamper(sql, ...args);
      const r = await verifyCli();
      expect(r.code).toBe(1);
      const report = r.json();
      expect(report.ok).toBe(false);
      expect(report.findings.map((x: { code: string }) => x.code).join(' ')).toMatch(code);
    });
  }

  it('names the entry in the human report', async () => {
    tamper(`UPDATE audit_log SET actor = 'Iemand Anders' WHERE seq = 2`);
    const r = await cli(['audit', 'verify', '--db', f.dbPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/AUDIT LOG NOT INTACT/);
    expect(r.stdout).toMatch(/entry #2 \(decision\.change by Iemand Anders\) was edited/);
  });

  it('still verifies other custodians cleanly with --custodian when only one chain is broken', () => {
    tamper(`UPDATE audit_log SET actor = 'Iemand Anders' WHERE seq = 2`);
    const db = new Database(f.dbPath);
    try {
      expect(verifyAudit(db, { custodianId: CUSTODIAN }).ok).toBe(false);
      expect(verifyAudit(db, { custodianId: 'minister-ezk' }).ok).toBe(true);
    } finally { db.close(); }
  });
});
