import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { DB } from '../store/db.js';
import { syncRuleSuggestions, type SuggestionRow, type SyncCounts } from '../store/markings.js';
import { messageIdSpan, type IdRange } from '../store/tagging.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import { Engine } from './engine.js';
import { Examples, mergeStats, newEngine, plainStats, tagMessageRange, toRow, type RangeResult, type TagExample } from './tag-range.js';
import type { WorkerInput } from './tag-worker.js';

/**
 * `chatarchief tag`: runs the rule engine over a custodian's contacts, conversations and messages and stores the
 * suggestions (or, with dryRun, only counts them). Only matches are stored; unmatched content keeps the
 * custodian's default category and is reported as a count. Large stores are scanned by several threads, each over
 * its own id range; the result is the same as with one.
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
  custodian: string;
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
const WORKER = fileURLToPath(new URL('./tag-worker.js', import.meta.url));
const PARALLEL_FROM = 200_000;
const MAX_THREADS = 16;

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
  const ranges = splitRange(span, threads);
  const rangeOpts = { dryRun: opts.dryRun, examplesPerRule: perRule };
  const workers = threads === 1 ? [] : ranges.slice(1).map((range) => runWorker({ dbPath: db.name, custodianId: custodian.id, defaultCategory, rules: workerRules(set), range, ...rangeOpts }));
  // A worker's failure is thrown by the await below; until then it must not count as unhandled.
  for (const w of workers) w.catch(() => undefined);
  const { engine, world } = newEngine(db, custodian.id, set, defaultCategory);
  const rows: SuggestionRow[] = [];
  const examples = new Examples(opts.dryRun ? perRule : 0);
  const titles = new Map(world.conversations.map((c) => [c.id, c.titles[0] ?? '']));
  for (const c of world.contacts) {
    for (const s of engine.evalContact({ ...c, displayName: world.contactNames.get(c.id) ?? null })) {
      rows.push(toRow(s));
      examples.add(s, world.contactNames.get(c.id) ?? '');
    }
  }
  for (const c of world.conversations) {
    for (const s of engine.evalConversation(c)) {
      rows.push(toRow(s));
      examples.add(s, titles.get(c.id) ?? '');
    }
  }
  const contactAndConversation = plainStats(engine);

  // The main thread takes the first range itself while the workers take the others; a fresh engine on the same
  // compiled rules keeps the message statistics apart from the contact and conversation ones.
  const msgEngine = new Engine(engine.compiled, { defaultCategory });
  const first = tagMessageRange(db, custodian.id, msgEngine, ranges[0]!, rangeOpts);
  const results: RangeResult[] = [first, ...(await Promise.all(workers))];

  const stats = results.reduce((acc, r) => mergeStats(acc, r.stats), contactAndConversation);
  let messages = 0;
  let suggestedMessages = 0;
  for (const r of results) {
    messages += r.messages;
    suggestedMessages += r.suggestedMessages;
    for (const row of r.rows) rows.push(row);
    for (const e of r.examples) examples.list.push(e);
  }
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { total: 0, contact: 0, conversation: 0, message: 0, passage: 0 }])) as TagReport['byCategory'];
  for (const s of rows) {
    const c = byCategory[s.category as Category];
    c.total++;
    c[s.level]++;
  }
  const byId = new Map(set.rules.map((r) => [r.id, r]));
  const ruleReports: RuleReport[] = Object.entries(stats).map(([id, st]) => {
    const d = byId.get(id)!;
    return { id, file: d.file.path, category: d.category, level: d.level, priority: d.priority, ...st };
  });
  const ruleFiles = set.files.map((f) => ({ path: f.path, hash: f.hash, rules: f.ruleCount }));
  const report: Omit<TagReport, 'store' | 'ms'> = {
    custodian: custodian.id,
    dryRun: opts.dryRun,
    defaultCategory,
    ruleFiles,
    scanned: { contacts: world.contacts.length, conversations: world.conversations.length, messages },
    suggested: { contacts: rows.filter((s) => s.level === 'contact').length, conversations: rows.filter((s) => s.level === 'conversation').length, messages: suggestedMessages },
    defaultMessages: messages - suggestedMessages,
    byCategory,
    rules: ruleReports,
    examples: opts.dryRun ? trimExamples(examples.list, perRule) : [],
    threads,
  };
  const store = opts.dryRun
    ? null
    : syncRuleSuggestions(db, custodian.id, rows, {
        ruleFiles,
        counts: { scanned: report.scanned, suggested: report.suggested, defaultMessages: report.defaultMessages, byCategory },
      });
  return { ...report, store, ms: Math.round(performance.now() - started) };
}

function threadCount(db: DB, messages: number, asked: number | undefined): number {
  const possible = !db.memory && fs.existsSync(WORKER);
  if (asked !== undefined) return possible ? Math.max(1, Math.min(asked, MAX_THREADS, messages || 1)) : 1;
  if (!possible || messages < PARALLEL_FROM) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/** Splits the id span into `n` ranges of equal width (ids are dense enough for an even split). */
function splitRange(span: { min: number; max: number }, n: number): IdRange[] {
  if (n === 1) return [{ after: 0, upTo: Infinity }];
  const width = Math.ceil((span.max - span.min + 1) / n);
  return Array.from({ length: n }, (_, i) => ({
    after: i === 0 ? 0 : span.min - 1 + i * width,
    upTo: i === n - 1 ? Infinity : span.min - 1 + (i + 1) * width,
  }));
}

/** The rule set as plain data for a worker (it compiles it itself; no rule file is read or validated again). */
function workerRules(set: LoadedRuleSet): LoadedRuleSet {
  const files = new Map(set.files.map((f) => [f, { ...f, bytes: Buffer.alloc(0) }]));
  return { files: [...files.values()], rules: set.rules.map((r) => ({ ...r, file: files.get(r.file)! })) };
}

function runWorker(input: WorkerInput): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: input });
    let result: RangeResult | null = null;
    w.once('message', (r: RangeResult) => (result = r));
    w.once('error', reject);
    w.once('exit', (code) => (result ? resolve(result) : reject(new Error(`tag worker exited with code ${code} without a result`))));
  });
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
