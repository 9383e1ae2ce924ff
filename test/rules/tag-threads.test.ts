/**
 * The pieces of tag's threading that the CLI test (tag.test.ts, on the built worker) cannot reach: id ranges, the
 * order in which rows from several ranges are stored, and the batches a range sends while it scans.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/rules/compile.js';
import { Engine } from '../../src/rules/engine.js';
import { defaultRulesDir, loadRuleSet } from '../../src/rules/load.js';
import { loadWorld, tagMessageRange } from '../../src/rules/tag-range.js';
import { RangeOrder, splitRange } from '../../src/rules/tag-threads.js';
import type { SuggestionRow } from '../../src/store/markings.js';
import { buildStore, CUSTODIAN, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture | null = null;
afterEach(() => {
  fx?.close();
  fx = null;
});

const row = (targetId: number): SuggestionRow => ({ level: 'message', targetId, span: null, category: 'privé', ruleId: 'r', ruleFileHash: 'h', evidenceJson: '{}' });

describe('tag threads', () => {
  it('splits the id span into ranges without gaps or overlaps, the first one `firstShare` times as wide', () => {
    expect(splitRange({ min: 1, max: 100 }, 1)).toEqual([{ after: 0, upTo: Infinity }]);
    expect(splitRange({ min: 1, max: 100 }, 2)).toEqual([{ after: 0, upTo: 50 }, { after: 50, upTo: Infinity }]);
    expect(splitRange({ min: 101, max: 400 }, 3, 0.5)).toEqual([{ after: 0, upTo: 160 }, { after: 160, upTo: 280 }, { after: 280, upTo: Infinity }]);
    for (const [n, share] of [[2, 1.1], [3, 0.85], [4, 1], [5, 0.3]] as const) {
      const r = splitRange({ min: 7, max: 1003 }, n, share);
      expect(r).toHaveLength(n);
      r.slice(1).forEach((x, i) => expect(x.after).toBe(r[i]!.upTo));
      expect(r[n - 1]!.upTo).toBe(Infinity);
    }
    // Fewer ids than ranges: some ranges are empty, none overlap.
    const tiny = splitRange({ min: 5, max: 6 }, 4);
    tiny.slice(1).forEach((x, i) => expect(x.after).toBeGreaterThanOrEqual(tiny[i]!.after));
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

  it('a range that sends its rows in batches while it scans yields exactly the rows of one piece', () => {
    fx = buildStore();
    const db = fx.store.db;
    const set = loadRuleSet([defaultRulesDir()]);
    const compiled = compileRuleSet(set, loadWorld(db, CUSTODIAN));
    const whole = tagMessageRange(db, CUSTODIAN, new Engine(compiled, { defaultCategory: 'zakelijk' }), { after: 0, upTo: Infinity }, { dryRun: false, examplesPerRule: 3 });
    expect(whole.rows.length).toBeGreaterThan(3);
    const batches: SuggestionRow[][] = [];
    const parts = tagMessageRange(db, CUSTODIAN, new Engine(compiled, { defaultCategory: 'zakelijk' }), { after: 0, upTo: Infinity }, {
      dryRun: false, examplesPerRule: 3, onRows: (rows) => batches.push(rows), flushRows: 1, pageSize: 2,
    });
    expect(batches.length).toBeGreaterThan(1);
    expect([...batches.flat(), ...parts.rows]).toEqual(whole.rows);
    expect({ ...parts, rows: [] }).toEqual({ ...whole, rows: [] });
  });
});
