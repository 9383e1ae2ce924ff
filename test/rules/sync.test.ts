/**
 * syncRuleSuggestions row by row: which change of a suggestion counts as updated, unchanged, reactivated,
 * deactivated or deleted, and what each does to the stored row (the sync reads existing rows without their evidence
 * and compares the evidence in SQL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/review/service.js';
import { syncRuleSuggestions, type SuggestionRow } from '../../src/store/markings.js';
import { buildStore, CUSTODIAN, type StoreFixture } from './store-fixture.js';

let f: StoreFixture | null = null;
afterEach(() => {
  f?.close();
  f = null;
});

const row = (targetId: number, over: Partial<SuggestionRow> = {}): SuggestionRow => ({
  level: 'message', targetId, span: null, category: 'privé', ruleId: 'prive.test', ruleFileHash: 'h1', evidenceJson: '{"hits":[{"term":"oma"}]}', ...over,
});

describe('syncing rule suggestions', () => {
  it('tells unchanged, evidence-only, category, hash and span changes apart and keeps ids of updated rows', () => {
    f = buildStore();
    const db = f.store.db;
    const [a, b, c, d] = [f.messages.nota!, f.messages.mixed!, f.messages.motie!, f.messages.ok!];
    const sync = (rows: SuggestionRow[]) => syncRuleSuggestions(db, CUSTODIAN, rows, { ruleFiles: [], counts: {} });
    const get = (target: number) =>
      db.prepare("SELECT id, category, suggested_category, rule_file_hash, evidence_json, active, span_start FROM markings WHERE target_id = ? AND origin = 'rule'").all(target) as {
        id: number; category: string; suggested_category: string; rule_file_hash: string; evidence_json: string; active: number; span_start: number | null;
      }[];
    const first = [row(a), row(b), row(c), row(d, { level: 'passage', span: [0, 5] })];
    expect(sync(first)).toEqual({ inserted: 4, updated: 0, unchanged: 0, reactivated: 0, deactivated: 0, deleted: 0 });
    const ids = [a, b, c, d].map((t) => get(t)[0]!.id);

    // a: same; b: only the evidence differs (e.g. the rule file was read from another path); c: another category;
    // d: the passage moved (a new key: the old one is deleted, the new one inserted).
    const second = [row(a), row(b, { evidenceJson: '{"hits":[{"term":"oma","file":"elders"}]}' }), row(c, { category: 'partijpolitiek' }), row(d, { level: 'passage', span: [6, 9] })];
    expect(sync(second)).toEqual({ inserted: 1, updated: 2, unchanged: 1, reactivated: 0, deactivated: 0, deleted: 1 });
    expect(get(a)[0]!.id).toBe(ids[0]);
    expect(get(b)[0]).toMatchObject({ id: ids[1], evidence_json: '{"hits":[{"term":"oma","file":"elders"}]}', category: 'privé' });
    expect(get(c)[0]).toMatchObject({ id: ids[2], category: 'partijpolitiek', suggested_category: 'partijpolitiek' });
    expect(get(d)).toHaveLength(1);
    expect(get(d)[0]).toMatchObject({ span_start: 6 });
    expect(get(d)[0]!.id).not.toBe(ids[3]);

    // A new rule-file hash alone is an update; the same rows again change nothing, also not updated_at.
    expect(sync(second.map((r) => ({ ...r, ruleFileHash: 'h2' })))).toMatchObject({ updated: 4, unchanged: 0 });
    const stamps = db.prepare("SELECT id, updated_at FROM markings WHERE origin = 'rule' ORDER BY id").all();
    expect(sync(second.map((r) => ({ ...r, ruleFileHash: 'h2' })))).toEqual({ inserted: 0, updated: 0, unchanged: 4, reactivated: 0, deactivated: 0, deleted: 0 });
    expect(db.prepare("SELECT id, updated_at FROM markings WHERE origin = 'rule' ORDER BY id").all()).toEqual(stamps);
  });

  it('never changes a decided suggestion: only its active flag follows the rules', () => {
    f = buildStore();
    const db = f.store.db;
    const a = f.messages.nota!;
    const sync = (rows: SuggestionRow[]) => syncRuleSuggestions(db, CUSTODIAN, rows, { ruleFiles: [], counts: {} });
    sync([row(a)]);
    const id = (db.prepare('SELECT id FROM markings WHERE target_id = ?').get(a) as { id: number }).id;
    decide(db, { markingIds: [id], action: 'confirm', reviewer: 'R. Reviewer' });
    const before = db.prepare('SELECT category, evidence_json, rule_file_hash FROM markings WHERE id = ?').get(id);
    // Other evidence and hash, same category: a decided row keeps its own.
    expect(sync([row(a, { ruleFileHash: 'h9', evidenceJson: '{}' })])).toMatchObject({ unchanged: 1, updated: 0 });
    expect(db.prepare('SELECT category, evidence_json, rule_file_hash FROM markings WHERE id = ?').get(id)).toEqual(before);
    expect(sync([])).toMatchObject({ deactivated: 1, deleted: 0 });
    expect(sync([])).toMatchObject({ deactivated: 0, deleted: 0 });
    expect(sync([row(a), row(a)])).toEqual({ inserted: 0, updated: 0, unchanged: 0, reactivated: 1, deactivated: 0, deleted: 0 });
    expect(db.prepare('SELECT active FROM markings WHERE id = ?').get(id)).toEqual({ active: 1 });
  });

  it('after a category change of the rule, lapses a decided suggestion and opens a new one; back again, the reverse', () => {
    f = buildStore();
    const db = f.store.db;
    const a = f.messages.nota!;
    const sync = (rows: SuggestionRow[]) => syncRuleSuggestions(db, CUSTODIAN, rows, { ruleFiles: [], counts: {} });
    const rows = () => db.prepare("SELECT id, category, suggested_category, status, active FROM markings WHERE target_id = ? AND origin = 'rule' ORDER BY id").all(a);
    sync([row(a)]);
    const id = (db.prepare('SELECT id FROM markings WHERE target_id = ?').get(a) as { id: number }).id;
    decide(db, { markingIds: [id], action: 'confirm', reviewer: 'R. Reviewer' });
    // The rule now says partijpolitiek: the decision stays (inactive, its own category), a new open suggestion appears.
    expect(sync([row(a, { category: 'partijpolitiek' })])).toEqual({ inserted: 1, updated: 0, unchanged: 0, reactivated: 0, deactivated: 1, deleted: 0 });
    const [, fresh] = rows() as { id: number }[];
    expect(rows()).toEqual([
      { id, category: 'privé', suggested_category: 'privé', status: 'confirmed', active: 0 },
      { id: fresh!.id, category: 'partijpolitiek', suggested_category: 'partijpolitiek', status: 'suggested', active: 1 },
    ]);
    // The same again changes nothing; another category for the undecided one updates it in place.
    expect(sync([row(a, { category: 'partijpolitiek' })])).toMatchObject({ inserted: 0, unchanged: 1, deactivated: 0 });
    expect(sync([row(a, { category: 'zakelijk' })])).toMatchObject({ inserted: 0, updated: 1, deactivated: 0 });
    expect(rows()).toEqual([
      { id, category: 'privé', suggested_category: 'privé', status: 'confirmed', active: 0 },
      { id: fresh!.id, category: 'zakelijk', suggested_category: 'zakelijk', status: 'suggested', active: 1 },
    ]);
    // Back to privé: the decided marking is active again, the undecided other-category one is gone.
    expect(sync([row(a)])).toEqual({ inserted: 0, updated: 0, unchanged: 0, reactivated: 1, deactivated: 0, deleted: 1 });
    expect(rows()).toEqual([{ id, category: 'privé', suggested_category: 'privé', status: 'confirmed', active: 1 }]);
  });

  it('stores a suggestion that comes twice in one run once, with or without existing rows, and still rejects an invalid row', () => {
    f = buildStore();
    const db = f.store.db;
    const [a, b] = [f.messages.nota!, f.messages.mixed!];
    const sync = (rows: SuggestionRow[]) => syncRuleSuggestions(db, CUSTODIAN, rows, { ruleFiles: [], counts: {} });
    const rows = () => db.prepare("SELECT level, target_id, span_start, evidence_json FROM markings WHERE origin = 'rule' ORDER BY id").all();
    // No existing rows: the second 'a' (other evidence) is not stored; a passage of the same message is another key.
    expect(sync([row(a), row(a, { evidenceJson: '{"second":true}' }), row(a, { level: 'passage', span: [0, 4] })])).toMatchObject({ inserted: 2, unchanged: 0 });
    expect(rows()).toEqual([
      { level: 'message', target_id: a, span_start: null, evidence_json: row(a).evidenceJson },
      { level: 'passage', target_id: a, span_start: 0, evidence_json: row(a).evidenceJson },
    ]);
    // With existing rows: a new key twice is inserted once; the existing keys are unchanged.
    expect(sync([row(a), row(a, { level: 'passage', span: [0, 4] }), row(b), row(b)])).toEqual({ inserted: 1, updated: 0, unchanged: 2, reactivated: 0, deactivated: 0, deleted: 0 });
    expect(rows()).toHaveLength(3);
    // A manual marking on the same target and span is no conflict for a rule suggestion.
    db.prepare(
      `INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, created_at, updated_at)
       VALUES (?, 'message', ?, 'manual', 'privé', 'privé', 'confirmed', 'now', 'now')`,
    ).run(CUSTODIAN, f!.messages.ok!);
    expect(sync([row(a), row(a, { level: 'passage', span: [0, 4] }), row(b), row(f.messages.ok!)])).toMatchObject({ inserted: 1, unchanged: 3 });
    // Only a repeated key is skipped: a row that breaks another constraint still fails the whole sync.
    const before = rows();
    expect(() => sync([row(f!.messages.motie!), row(b, { category: 'geheim' })])).toThrow(/CHECK constraint/);
    expect(rows()).toEqual(before);
  });

  it('stores many new suggestions in the order they came, a repeated one once, whether it repeats within a batch or after it', () => {
    f = buildStore();
    const db = f.store.db;
    const m = f.messages.mixed!;
    const sync = (rows: SuggestionRow[]) => syncRuleSuggestions(db, CUSTODIAN, rows, { ruleFiles: [], counts: {} });
    const passage = (i: number) => row(m, { level: 'passage', span: [i, i + 1], evidenceJson: `{"n":${i}}` });
    // 150 passages (two full batches of 64 and a rest), one repeated inside the first batch and one in the rest.
    const rows = Array.from({ length: 150 }, (_, i) => passage(i));
    const input = [...rows.slice(0, 10), passage(3), ...rows.slice(10, 140), passage(130), ...rows.slice(140)];
    expect(sync([row(f.messages.nota!), ...input])).toMatchObject({ inserted: 151 });
    const stored = db.prepare("SELECT target_id, span_start, evidence_json FROM markings WHERE origin = 'rule' ORDER BY id").all();
    expect(stored).toEqual([
      { target_id: f.messages.nota!, span_start: null, evidence_json: row(0).evidenceJson },
      ...rows.map((r) => ({ target_id: m, span_start: r.span![0], evidence_json: r.evidenceJson })),
    ]);
    // A deleted suggestion's id is not reused by a new one (new rows are stored before the deletions).
    const last = (db.prepare("SELECT max(id) AS id FROM markings WHERE origin = 'rule'").get() as { id: number }).id;
    expect(sync([...rows.slice(0, 149), passage(500)])).toMatchObject({ inserted: 1, deleted: 2, unchanged: 149 });
    expect((db.prepare('SELECT id FROM markings WHERE span_start = 500').get() as { id: number }).id).toBe(last + 1);
  });

  it('leaves the connection page cache as it was', () => {
    f = buildStore();
    const db = f.store.db;
    db.pragma('cache_size = -12345');
    syncRuleSuggestions(db, CUSTODIAN, [row(f.messages.nota!)], { ruleFiles: [], counts: {} });
    expect(db.pragma('cache_size', { simple: true })).toBe(-12345);
  });
});

describe('tag writes all suggestions or none', () => {
  it('rolls back every row of a run that fails halfway through storing, and records no run', async () => {
    const { tagCustodian } = await import('../../src/rules/tag.js');
    const { defaultRulesDir, loadRuleSet } = await import('../../src/rules/load.js');
    f = buildStore();
    const db = f.store.db;
    const set = loadRuleSet([defaultRulesDir()]);
    const custodian = { id: CUSTODIAN, defaultCategory: 'zakelijk' };
    const first = await tagCustodian(db, custodian, set, { dryRun: false });
    expect(first.store!.inserted).toBeGreaterThan(3);
    const before = db.prepare('SELECT * FROM markings ORDER BY id').all();
    const runs = db.prepare('SELECT count(*) AS n FROM tag_runs').get();
    // Make the second run fail after it has already changed rows: its first update passes, a later one fails.
    db.prepare("UPDATE markings SET evidence_json = '{}' WHERE origin = 'rule'").run();
    const changed = db.prepare('SELECT * FROM markings ORDER BY id').all();
    db.exec(`CREATE TEMP TRIGGER fail_update BEFORE UPDATE OF evidence_json ON markings
             WHEN (SELECT count(*) FROM markings WHERE evidence_json <> '{}') >= 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(tagCustodian(db, custodian, set, { dryRun: false })).rejects.toThrow(/disk full/);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT * FROM markings ORDER BY id').all()).toEqual(changed);
    expect(db.prepare('SELECT count(*) AS n FROM tag_runs').get()).toEqual(runs);
    // The connection still works and the next run restores the suggestions.
    db.exec('DROP TRIGGER fail_update');
    expect((await tagCustodian(db, custodian, set, { dryRun: false })).store).toMatchObject({ updated: before.length, inserted: 0 });
    const strip = (rows: unknown[]) => (rows as Record<string, unknown>[]).map(({ updated_at, ...m }) => m);
    expect(strip(db.prepare('SELECT * FROM markings ORDER BY id').all())).toEqual(strip(before));
  });
});
