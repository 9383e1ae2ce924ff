/**
 * The pieces of tag's threading that the CLI test (tag.test.ts, on the built worker) cannot reach: id chunks, how
 * threads claim them, the order in which rows from several chunks are stored, and that chunks merged in order give
 * the result of one pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/rules/compile.js';
import { Engine } from '../../src/rules/engine.js';
import { defaultRulesDir, loadRuleSet } from '../../src/rules/load.js';
import { loadWorld, mergeStats, tagMessageRange } from '../../src/rules/tag-range.js';
import { claimChunk, claimNoMore, newChunkCounter, RangeOrder, splitRange } from '../../src/rules/tag-threads.js';
import type { SuggestionRow } from '../../src/store/markings.js';
import { buildStore, CUSTODIAN, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture | null = null;
afterEach(() => {
  fx?.close();
  fx = null;
});

const row = (targetId: number): SuggestionRow => ({ level: 'message', targetId, span: null, category: 'privé', ruleId: 'r', ruleFileHash: 'h', evidenceJson: '{}' });

describe('tag threads', () => {
  it('splits the id span into ranges of equal width without gaps or overlaps', () => {
    expect(splitRange({ min: 1, max: 100 }, 1)).toEqual([{ after: 0, upTo: Infinity }]);
    expect(splitRange({ min: 1, max: 100 }, 2)).toEqual([{ after: 0, upTo: 50 }, { after: 50, upTo: Infinity }]);
    expect(splitRange({ min: 101, max: 400 }, 3)).toEqual([{ after: 0, upTo: 200 }, { after: 200, upTo: 300 }, { after: 300, upTo: Infinity }]);
    for (const n of [2, 3, 4, 5, 64]) {
      const r = splitRange({ min: 7, max: 1003 }, n);
      expect(r).toHaveLength(n);
      r.slice(1).forEach((x, i) => expect(x.after).toBe(r[i]!.upTo));
      expect(r[n - 1]!.upTo).toBe(Infinity);
    }
    // Fewer ids than ranges: some ranges are empty, none overlap.
    const tiny = splitRange({ min: 5, max: 6 }, 4);
    tiny.slice(1).forEach((x, i) => expect(x.after).toBeGreaterThanOrEqual(tiny[i]!.after));
  });

  it('hands out every chunk exactly once, then -1; after claimNoMore nothing more', () => {
    const next = newChunkCounter();
    const got = [claimChunk(next, 3), claimChunk(next, 3), claimChunk(next, 3), claimChunk(next, 3), claimChunk(next, 3)];
    expect(got).toEqual([0, 1, 2, -1, -1]);
    const other = newChunkCounter();
    expect(claimChunk(other, 10)).toBe(0);
    claimNoMore(other, 10);
    expect(claimChunk(other, 10)).toBe(-1);
  });

  it('hands rows on in range order, whatever order they arrive in, and nothing before it is opened', () => {
    const seen: number[] = [];
    const order = new RangeOrder(3, (rows) => seen.push(...rows.map((r) => r.targetId)));
    order.push(2, [row(20)]);
    order.push(1, [row(10)]);
    order.push(0, [row(1), row(2)]);
    order.end(0);
    expect(seen).toEqual([]);
    order.open();
    expect(seen).toEqual([1, 2, 10]);
    order.push(2, [row(21)]);
    order.push(1, [row(11)]);
    expect(seen).toEqual([1, 2, 10, 11]);
    order.end(1);
    expect(seen).toEqual([1, 2, 10, 11, 20, 21]);
    order.push(2, []);
    order.end(2);
    expect(() => order.push(1, [row(12)])).toThrow(/after its end/);
    expect(seen).toEqual([1, 2, 10, 11, 20, 21]);
  });

  it('chunks scanned one by one and merged in chunk order give exactly the single-pass rows, counts, statistics and examples', () => {
    fx = buildStore();
    const db = fx.store.db;
    const set = loadRuleSet([defaultRulesDir()]);
    const compiled = compileRuleSet(set, loadWorld(db, CUSTODIAN));
    const engine = () => new Engine(compiled, { defaultCategory: 'zakelijk' });
    const opts = { dryRun: true, examplesPerRule: 1, pageSize: 2 };
    const whole = tagMessageRange(db, CUSTODIAN, engine(), { after: 0, upTo: Infinity }, opts);
    expect(whole.rows.length).toBeGreaterThan(3);
    const span = db.prepare('SELECT MIN(id) AS min, MAX(id) AS max FROM messages').get() as { min: number; max: number };
    // More chunks than messages: some are empty. Scanned in a scrambled order, as threads would, on one engine (each
    // result has only its own chunk's statistics).
    const chunks = splitRange(span, 16);
    const shared = engine();
    const parts = chunks.map((c, k) => ({ k, c })).sort((a, b) => ((a.k * 7) % 16) - ((b.k * 7) % 16)).map(({ k, c }) => ({ k, r: tagMessageRange(db, CUSTODIAN, shared, c, opts) }));
    const inOrder = parts.sort((a, b) => a.k - b.k).map((p) => p.r);
    expect(inOrder.flatMap((r) => r.rows)).toEqual(whole.rows);
    expect(inOrder.reduce((n, r) => n + r.messages, 0)).toBe(whole.messages);
    expect(inOrder.reduce((n, r) => n + r.suggestedMessages, 0)).toBe(whole.suggestedMessages);
    // Statistics (including the key order of beatenBy, which the JSON report shows) as in one pass.
    expect(JSON.stringify(inOrder.reduce((acc, r) => mergeStats(acc, r.stats), {}))).toBe(JSON.stringify(whole.stats));
    // Each chunk keeps its first example per rule; the first per rule over all chunks in order are one pass's.
    const firstPerRule = inOrder.flatMap((r) => r.examples).filter((e, i, all) => all.findIndex((x) => x.ruleId === e.ruleId) === i);
    expect(firstPerRule).toEqual(whole.examples);
  });

  it('a worker waits at the world gate: given the world it scans like one pass; told the run failed, it scans nothing', async () => {
    fx = buildStore();
    const db = fx.store.db;
    const set = loadRuleSet([defaultRulesDir()]);
    const world = loadWorld(db, CUSTODIAN);
    const opts = { dryRun: true, examplesPerRule: 1 };
    const whole = tagMessageRange(db, CUSTODIAN, new Engine(compileRuleSet(set, world), { defaultCategory: 'zakelijk' }), { after: 0, upTo: Infinity }, opts);
    expect(whole.rows.length).toBeGreaterThan(3);
    // The worker is the built one (a worker thread runs a .js file).
    const built = '../../dist/src/rules/tag-threads.js'; // (a path in a variable: the build has JavaScript only, no types)
    const threads = (await import(built)) as typeof import('../../src/rules/tag-threads.js');
    const run = (open: boolean) => {
      const worldGate = threads.newWorldGate();
      const chunks = splitRange(db.prepare('SELECT MIN(id) AS min, MAX(id) AS max FROM messages').get() as { min: number; max: number }, 4);
      const got: { k: number; rows: SuggestionRow[] }[] = [];
      const input = { dbPath: fx!.dbPath, custodianId: CUSTODIAN, defaultCategory: 'zakelijk' as const, rules: threads.workerRules(set), chunks, next: threads.newChunkCounter(), worldGate, ...opts };
      const w = threads.runWorker(input, (k, r) => got.push({ k, rows: r.rows }));
      threads.openWorldGate(worldGate, [w], open ? world : null);
      return w.done.then(() => got.sort((a, b) => a.k - b.k).flatMap((g) => g.rows));
    };
    expect(await run(false)).toEqual([]);
    expect(await run(true)).toEqual(whole.rows);
  });
});
