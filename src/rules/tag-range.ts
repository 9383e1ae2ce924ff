import { toE164 } from '../../parsers/phone.js';
import type { DB } from '../store/db.js';
import type { SuggestionRow } from '../store/markings.js';
import { listContactsForTagging, listConversationsForTagging, messagePagesForTagging, type IdRange } from '../store/tagging.js';
import { compileRuleSet, type World } from './compile.js';
import { Engine, type MessageInput, type Suggestion } from './engine.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import { safeSpan } from './text.js';

/**
 * The message pass of `tag` over one id range (a chunk): used by the main thread and by the worker threads
 * (tag-worker.ts), which claim chunks of the custodian's messages. Results are plain data so they cross threads
 * cheaply.
 */

export interface TagExample {
  ruleId: string;
  level: string;
  targetId: number;
  span: [number, number] | null;
  category: Category;
  excerpt: string;
}

export type PlainStats = Record<string, { fired: number; won: number; stored: number; redundant: number; lost: number; beatenBy: Record<string, number> }>;

export interface RangeResult {
  messages: number;
  suggestedMessages: number;
  rows: SuggestionRow[];
  stats: PlainStats;
  examples: TagExample[];
}

/** Builds the world (contacts and conversations with normalised names and numbers) from the store. */
export function loadWorld(db: DB, custodianId: string): World & { contactNames: Map<number, string | null> } {
  const contacts = listContactsForTagging(db, custodianId);
  const conversations = listConversationsForTagging(db, custodianId);
  return {
    contacts: contacts.map((c) => {
      const names = [c.displayName, ...c.identities.map((i) => i.displayName)].filter((x): x is string => !!x);
      const phones = new Set<string>(c.phone ? [c.phone] : []);
      for (const i of c.identities) {
        const p = toE164(i.handle);
        if (p) phones.add(p);
      }
      return { id: c.id, names: [...new Set(names)], phones: [...phones] };
    }),
    conversations: conversations.map((c) => ({ id: c.id, titles: [c.title, ...c.titleHistory], participantIds: c.participantIds, isGroup: c.isGroup })),
    contactNames: new Map(contacts.map((c) => [c.id, c.displayName])),
  };
}

export function newEngine(db: DB, custodianId: string, set: LoadedRuleSet, defaultCategory: Category): { engine: Engine; world: ReturnType<typeof loadWorld> } {
  const world = loadWorld(db, custodianId);
  return { engine: engineFor(set, world, defaultCategory), world };
}

/** The engine for a world loaded elsewhere (a worker gets its world from the main thread). */
export function engineFor(set: LoadedRuleSet, world: World, defaultCategory: Category): Engine {
  return new Engine(compileRuleSet(set, world), { defaultCategory });
}

export const toRow = (s: Suggestion): SuggestionRow => ({
  level: s.level, targetId: s.targetId, span: s.span, category: s.category, ruleId: s.ruleId, ruleFileHash: s.ruleFileHash, evidenceJson: JSON.stringify(s.evidence),
});

/** Collects at most `perRule` examples per rule. */
export class Examples {
  readonly list: TagExample[] = [];
  private readonly count = new Map<string, number>();
  constructor(private readonly perRule: number) {}

  add(s: { ruleId: string; level: string; targetId: number; span: [number, number] | null; category: Category }, text: string, hitSpan?: [number, number]): void {
    const n = this.count.get(s.ruleId) ?? 0;
    if (n >= this.perRule) return;
    this.count.set(s.ruleId, n + 1);
    this.list.push({ ruleId: s.ruleId, level: s.level, targetId: s.targetId, span: s.span, category: s.category, excerpt: excerpt(text, s.level, s.span ?? hitSpan) });
  }
}

export interface RangeOptions {
  dryRun: boolean;
  examplesPerRule: number;
  /** Messages per page read from the store (default: messagePagesForTagging's). */
  pageSize?: number;
}

/**
 * Runs the message rules over one id range of a custodian's messages. The result's statistics are the range's own:
 * the engine's are reset first (so a thread reuses one engine, and its optimized code, for all its chunks).
 */
export function tagMessageRange(db: DB, custodianId: string, engine: Engine, range: IdRange, opts: RangeOptions): RangeResult {
  engine.resetStats();
  const examples = new Examples(opts.dryRun ? opts.examplesPerRule : 0);
  const rows: SuggestionRow[] = [];
  let messages = 0;
  let suggestedMessages = 0;
  const m: MessageInput = { id: 0, conversationId: 0, senderContactId: null, sender: null, kind: 'text', event: null, text: '' };
  for (const page of messagePagesForTagging(db, custodianId, range, opts.pageSize, engine.compiled.messageFields)) {
    messages += page.n;
    for (let i = 0; i < page.n; i++) {
      const x = page.extra.get(i);
      const sc = page.senderContactIds[i]!;
      m.id = page.ids[i]!;
      m.conversationId = page.conversationIds[i]!;
      m.senderContactId = sc === -1 ? null : sc;
      m.sender = x ? x.sender : null;
      m.kind = x ? x.kind : 'text';
      m.event = x ? x.event : null;
      m.text = page.texts[i]!;
      const out = engine.evalMessage(m);
      if (!out.length) continue;
      suggestedMessages++;
      for (const s of out) {
        rows.push(toRow(s));
        if (opts.dryRun) examples.add(s, m.text, s.evidence.hits[0]?.span);
      }
    }
  }
  return { messages, suggestedMessages, rows, stats: plainStats(engine), examples: examples.list };
}

export function plainStats(engine: Engine): PlainStats {
  const out: PlainStats = {};
  for (const [id, st] of engine.stats) out[id] = { ...st, beatenBy: Object.fromEntries(st.beatenBy) };
  return out;
}

/** Adds `b` into `a`. */
export function mergeStats(a: PlainStats, b: PlainStats): PlainStats {
  for (const [id, s] of Object.entries(b)) {
    const t = a[id];
    if (!t) {
      a[id] = { ...s, beatenBy: { ...s.beatenBy } };
      continue;
    }
    t.fired += s.fired;
    t.won += s.won;
    t.stored += s.stored;
    t.redundant += s.redundant;
    t.lost += s.lost;
    for (const [k, v] of Object.entries(s.beatenBy)) t.beatenBy[k] = (t.beatenBy[k] ?? 0) + v;
  }
  return a;
}

/** A short excerpt around the suggestion (dry-run examples for rule authors; never written anywhere). */
function excerpt(text: string, level: string, at: [number, number] | undefined | null): string {
  const one = (x: string) => x.replace(/\s+/g, ' ').trim();
  if (level === 'contact' || level === 'conversation') return one(text);
  const [s, e] = at ?? [0, Math.min(text.length, 80)];
  const [from, to] = safeSpan(text, Math.max(0, s - 30), Math.min(text.length, Math.max(e, s + 80) + 30, Math.max(0, s - 30) + 160));
  return `${from > 0 ? '…' : ''}${one(text.slice(from, to))}${to < text.length ? '…' : ''}`;
}
