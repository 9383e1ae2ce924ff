import fs from 'node:fs';
import os from 'node:os';
import { UserError } from '../errors.js';
import type { DB } from '../store/db.js';
import { RuleSuggestionSync, type SuggestionRow, type SyncCounts } from '../store/markings.js';
import { messageIdSpan, shrinkPageCache } from '../store/tagging.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import { Engine } from './engine.js';
import { Examples, mergeStats, newEngine, plainStats, tagMessageRange, toRow, type RangeResult, type TagExample } from './tag-range.js';
import {
  claimChunk, claimNoMore, newChunkCounter, newWorldGate, openWorldGate, RangeOrder, runWorker, splitRange, WORKER, workerRules,
} from './tag-threads.js';

/**
 * `chatarchief tag`: runs the rule engine over a custodian's contacts, conversations and messages and stores the
 * suggestions (or, with dryRun, only counts them). Only matches are stored; unmatched content keeps the
 * custodian's default category and is reported as a count. Large stores are scanned by several threads, which claim
 * chunks of the message ids one at a time; the result is the same as with one.
 */

export type { TagExample };

export interface RuleReport {
  id: string;
  file: string;
  category: Category;
  level: string;
  priority: number;
  fired: number;
  won: number;
  stored: number;
  redundant: number;
  lost: number;
  beatenBy: Record<string, number>;
}

export interface TagReport {
  custodianId: string;
  dryRun: boolean;
  defaultCategory: Category;
  ruleFiles: { path: string; hash: string; rules: number }[];
  scanned: { contacts: number; conversations: number; messages: number };
  /** Targets with at least one stored suggestion, per level. */
  suggested: { contacts: number; conversations: number; messages: number };
  /** Messages without any stored message or passage suggestion: they keep the default category. */
  defaultMessages: number;
  /** Stored suggestions by category and level. */
  byCategory: Record<Category, { total: number; contact: number; conversation: number; message: number; passage: number }>;
  rules: RuleReport[];
  store: SyncCounts | null;
  examples: TagExample[];
  threads: number;
  ms: number;
}

export interface TagOptions {
  dryRun: boolean;
  examplesPerRule?: number;
  /** Threads for the message pass; default: one per CPU (at most 4) from 200,000 messages on, else 1. */
  threads?: number;
}

const CATEGORIES: Category[] = ['zakelijk', 'privé', 'partijpolitiek'];
const PARALLEL_FROM = 200_000;
const MAX_THREADS = 16;

/**
 * Chunks per thread. Threads claim chunks until none is left, so they finish within about one chunk of each other
 * whatever each also does (a worker first starts and compiles; the main thread also stores every suggestion) and
 * however the machine's speed varies; 1M messages on 2 threads make chunks of ~16k messages (~50 ms each).
 */
const CHUNKS_PER_THREAD = 32;

/** Runs the rules for one custodian. Writes nothing when `dryRun`. */
export async function tagCustodian(db: DB, custodian: { id: string; defaultCategory: string }, set: LoadedRuleSet, opts: TagOptions): Promise<TagReport> {
  const started = performance.now();
  for (const f of set.files) {
    if (f.custodian && f.custodian !== custodian.id) {
      throw new UserError(`${f.path}: this rule file is for custodian '${f.custodian}', not '${custodian.id}'`);
    }
  }
  const defaultCategory = custodian.defaultCategory as Category;
  const perRule = opts.examplesPerRule ?? 3;
  // Count only as far as the thread choice needs, and start the workers first: they load and compile on their own.
  const span = messageIdSpan(db, custodian.id, Math.max(PARALLEL_FROM, MAX_THREADS));
  const threads = threadCount(db, span.count, opts.threads);
  const chunks = splitRange(span, threads === 1 ? 1 : threads * CHUNKS_PER_THREAD);
  const next = newChunkCounter();
  const rangeOpts = { dryRun: opts.dryRun, examplesPerRule: perRule };
  // Suggestion rows arrive per chunk, from any thread in any order; they are counted and stored in chunk order
  // (slot 0 holds the contact and conversation rows), which is the order of a single pass.
  const tally = new Tally();
  let sync: RuleSuggestionSync | null = null;
  const inOrder = new RangeOrder(chunks.length + 1, (rows) => {
    tally.add(rows);
    sync?.add(rows);
  });
  const results: RangeResult[] = new Array<RangeResult>(chunks.length);
  const scanned = (k: number, r: RangeResult) => {
    results[k] = { ...r, rows: [] };
    inOrder.push(k + 1, r.rows);
    inOrder.end(k + 1);
  };
  const worldGate = newWorldGate();
  const workerInput = { dbPath: db.name, custodianId: custodian.id, defaultCategory, rules: workerRules(set), chunks, next, worldGate, ...rangeOpts };
  const workers = Array.from({ length: threads - 1 }, () => runWorker(workerInput, scanned));
  // A worker's failure is thrown by the await below; until then it must not count as unhandled.
  for (const w of workers) w.done.catch(() => undefined);

  // The world (contacts with normalised numbers, conversations) is loaded once, here, while the workers start.
  let loaded: ReturnType<typeof newEngine>;
  try {
    loaded = newEngine(db, custodian.id, set, defaultCategory);
  } catch (e) {
    openWorldGate(worldGate, workers, null);
    throw e;
  }
  openWorldGate(worldGate, workers, loaded.world);
  const { engine, world } = loaded;
  const examples = new Examples(opts.dryRun ? perRule : 0);
  const titles = new Map(world.conversations.map((c) => [c.id, c.titles[0] ?? '']));
  for (const c of world.contacts) {
    for (const s of engine.evalContact({ ...c, displayName: world.contactNames.get(c.id) ?? null })) {
      inOrder.push(0, [toRow(s)]);
      examples.add(s, world.contactNames.get(c.id) ?? '');
    }
  }
  for (const c of world.conversations) {
    for (const s of engine.evalConversation(c)) {
      inOrder.push(0, [toRow(s)]);
      examples.add(s, titles.get(c.id) ?? '');
    }
  }
  inOrder.end(0);
  const contactAndConversation = plainStats(engine);

  // One savepoint (a transaction, or nested in the caller's) around the whole sync: a failure changes nothing.
  // Suggestions are stored while the threads still scan.
  const restoreCache = opts.dryRun ? null : shrinkPageCache(db);
  if (!opts.dryRun) db.exec('SAVEPOINT tag_sync');
  try {
    if (!opts.dryRun) sync = new RuleSuggestionSync(db, custodian.id);
    inOrder.open();
    // The main thread claims chunks too, on its own engine for messages (each chunk's statistics are merged in chunk
    // order). Between chunks it lets the workers' results in and stores them.
    const messageEngine = new Engine(engine.compiled, { defaultCategory });
    for (let k = claimChunk(next, chunks.length); k >= 0; k = claimChunk(next, chunks.length)) {
      scanned(k, tagMessageRange(db, custodian.id, messageEngine, chunks[k]!, rangeOpts));
      if (workers.length) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const w of workers) await w.done;
    const report = buildReport({ custodianId: custodian.id, defaultCategory, set, dryRun: opts.dryRun, threads, world, results, contactAndConversation, tally, examples, perRule });
    const store = sync
      ? sync.finish({
          ruleFiles: report.ruleFiles,
          counts: { scanned: report.scanned, suggested: report.suggested, defaultMessages: report.defaultMessages, byCategory: report.byCategory },
        })
      : null;
    if (!opts.dryRun) db.exec('RELEASE tag_sync');
    return { ...report, store, ms: Math.round(performance.now() - started) };
  } catch (e) {
    claimNoMore(next, chunks.length);
    if (!opts.dryRun) db.exec('ROLLBACK TO tag_sync; RELEASE tag_sync');
    throw e;
  } finally {
    // Rows a still running worker sends after a failure must not reach the store outside the savepoint.
    sync = null;
    restoreCache?.();
  }
}

/** Counts of the stored (or, in a dry run, storable) suggestions by category and level. */
class Tally {
  readonly byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { total: 0, contact: 0, conversation: 0, message: 0, passage: 0 }])) as TagReport['byCategory'];

  add(rows: SuggestionRow[]): void {
    for (const s of rows) {
      const c = this.byCategory[s.category as Category];
      c.total++;
      c[s.level]++;
    }
  }

  level(level: 'contact' | 'conversation'): number {
    return CATEGORIES.reduce((n, c) => n + this.byCategory[c][level], 0);
  }
}

function buildReport(x: {
  custodianId: string;
  defaultCategory: Category;
  set: LoadedRuleSet;
  dryRun: boolean;
  threads: number;
  world: ReturnType<typeof newEngine>['world'];
  results: RangeResult[];
  contactAndConversation: ReturnType<typeof plainStats>;
  tally: Tally;
  examples: Examples;
  perRule: number;
}): Omit<TagReport, 'store' | 'ms'> {
  const stats = x.results.reduce((acc, r) => mergeStats(acc, r.stats), x.contactAndConversation);
  let messages = 0;
  let suggestedMessages = 0;
  for (const r of x.results) {
    messages += r.messages;
    suggestedMessages += r.suggestedMessages;
    for (const e of r.examples) x.examples.list.push(e);
  }
  const byId = new Map(x.set.rules.map((r) => [r.id, r]));
  const ruleReports: RuleReport[] = Object.entries(stats).map(([id, st]) => {
    const d = byId.get(id)!;
    return { id, file: d.file.path, category: d.category, level: d.level, priority: d.priority, ...st };
  });
  return {
    custodianId: x.custodianId,
    dryRun: x.dryRun,
    defaultCategory: x.defaultCategory,
    ruleFiles: x.set.files.map((f) => ({ path: f.path, hash: f.hash, rules: f.ruleCount })),
    scanned: { contacts: x.world.contacts.length, conversations: x.world.conversations.length, messages },
    suggested: { contacts: x.tally.level('contact'), conversations: x.tally.level('conversation'), messages: suggestedMessages },
    defaultMessages: messages - suggestedMessages,
    byCategory: x.tally.byCategory,
    rules: ruleReports,
    examples: x.dryRun ? trimExamples(x.examples.list, x.perRule) : [],
    threads: x.threads,
  };
}

function threadCount(db: DB, messages: number, asked: number | undefined): number {
  const possible = !db.memory && fs.existsSync(WORKER);
  if (asked !== undefined) return possible ? Math.max(1, Math.min(asked, MAX_THREADS, messages || 1)) : 1;
  if (!possible || messages < PARALLEL_FROM) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/** Keeps `perRule` examples per rule (each thread collected its own). */
function trimExamples(list: TagExample[], perRule: number): TagExample[] {
  const n = new Map<string, number>();
  return list.filter((e) => {
    const k = (n.get(e.ruleId) ?? 0) + 1;
    n.set(e.ruleId, k);
    return k <= perRule;
  });
}
