import { toE164 } from '../../parsers/phone.js';
import { UserError } from '../errors.js';
import type { DB } from '../store/db.js';
import { syncRuleSuggestions, type SyncCounts } from '../store/markings.js';
import { iterateMessagesForTagging, listContactsForTagging, listConversationsForTagging } from '../store/tagging.js';
import { compileRuleSet, type World } from './compile.js';
import { Engine, type Suggestion } from './engine.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import { safeSpan } from './text.js';

/**
 * `chatarchief tag`: runs the rule engine over a custodian's contacts, conversations and messages and stores the
 * suggestions (or, with dryRun, only counts them). Only matches are stored; unmatched content keeps the
 * custodian's default category and is reported as a count.
 */

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

export interface TagExample {
  ruleId: string;
  level: string;
  targetId: number;
  span: [number, number] | null;
  category: Category;
  excerpt: string;
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
  ms: number;
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

const CATEGORIES: Category[] = ['zakelijk', 'privé', 'partijpolitiek'];

/** Runs the rules for one custodian. Writes nothing when `dryRun`. */
export function tagCustodian(
  db: DB,
  custodian: { id: string; defaultCategory: string },
  set: LoadedRuleSet,
  opts: { dryRun: boolean; examplesPerRule?: number; onProgress?: (n: number) => void },
): TagReport {
  const started = performance.now();
  for (const f of set.files) {
    if (f.custodian && f.custodian !== custodian.id) {
      throw new UserError(`${f.path}: this rule file is for custodian '${f.custodian}', not '${custodian.id}'`);
    }
  }
  const defaultCategory = custodian.defaultCategory as Category;
  const world = loadWorld(db, custodian.id);
  const engine = new Engine(compileRuleSet(set, world), { defaultCategory });
  const all: Suggestion[] = [];
  for (const c of world.contacts) all.push(...engine.evalContact({ ...c, displayName: world.contactNames.get(c.id) ?? null }));
  for (const c of world.conversations) all.push(...engine.evalConversation(c));

  const perRule = opts.examplesPerRule ?? 3;
  const examples: TagExample[] = [];
  const exampleCount = new Map<string, number>();
  const addExample = (s: Suggestion, text: string) => {
    const n = exampleCount.get(s.ruleId) ?? 0;
    if (n >= perRule) return;
    exampleCount.set(s.ruleId, n + 1);
    examples.push({ ruleId: s.ruleId, level: s.level, targetId: s.targetId, span: s.span, category: s.category, excerpt: excerpt(text, s) });
  };
  const titles = new Map(world.conversations.map((c) => [c.id, c.titles[0] ?? '']));
  for (const s of all) addExample(s, (s.level === 'contact' ? world.contactNames.get(s.targetId) : titles.get(s.targetId)) ?? '');

  let messages = 0;
  let suggestedMessages = 0;
  for (const [id, conversationId, senderContactId, sender, kind, event, text] of iterateMessagesForTagging(db, custodian.id)) {
    messages++;
    if (opts.onProgress && messages % 100_000 === 0) opts.onProgress(messages);
    const out = engine.evalMessage({ id, conversationId, senderContactId, sender, kind, event, text });
    if (!out.length) continue;
    suggestedMessages++;
    for (const s of out) {
      all.push(s);
      if (opts.dryRun) addExample(s, text);
    }
  }

  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { total: 0, contact: 0, conversation: 0, message: 0, passage: 0 }])) as TagReport['byCategory'];
  for (const s of all) {
    byCategory[s.category].total++;
    byCategory[s.category][s.level]++;
  }
  const fileOf = new Map(set.rules.map((r) => [r.id, r]));
  const rules: RuleReport[] = [...engine.stats].map(([id, st]) => {
    const d = fileOf.get(id)!;
    return {
      id, file: d.file.path, category: d.category, level: d.level, priority: d.priority,
      fired: st.fired, won: st.won, stored: st.stored, redundant: st.redundant, lost: st.lost, beatenBy: Object.fromEntries(st.beatenBy),
    };
  });
  const ruleFiles = set.files.map((f) => ({ path: f.path, hash: f.hash, rules: f.ruleCount }));
  const report: Omit<TagReport, 'store' | 'ms'> = {
    custodian: custodian.id,
    dryRun: opts.dryRun,
    defaultCategory,
    ruleFiles,
    scanned: { contacts: world.contacts.length, conversations: world.conversations.length, messages },
    suggested: {
      contacts: all.filter((s) => s.level === 'contact').length,
      conversations: all.filter((s) => s.level === 'conversation').length,
      messages: suggestedMessages,
    },
    defaultMessages: messages - suggestedMessages,
    byCategory,
    rules,
    examples: opts.dryRun ? examples : [],
  };
  let store: SyncCounts | null = null;
  if (!opts.dryRun) {
    store = syncRuleSuggestions(
      db,
      custodian.id,
      all.map((s) => ({ level: s.level, targetId: s.targetId, span: s.span, category: s.category, ruleId: s.ruleId, ruleFileHash: s.ruleFileHash, evidenceJson: JSON.stringify(s.evidence) })),
      { ruleFiles, counts: { scanned: report.scanned, suggested: report.suggested, defaultMessages: report.defaultMessages, byCategory } },
    );
  }
  return { ...report, store, ms: Math.round(performance.now() - started) };
}

/** A short excerpt around the suggestion (dry-run examples for rule authors; never written anywhere). */
function excerpt(text: string, s: Suggestion): string {
  const one = (x: string) => x.replace(/\s+/g, ' ').trim();
  if (s.level === 'contact' || s.level === 'conversation') return one(text);
  const at = s.span ?? s.evidence.hits[0]?.span ?? [0, Math.min(text.length, 80)];
  const [from, to] = safeSpan(text, Math.max(0, at[0] - 30), Math.min(text.length, Math.max(at[1], at[0] + 80) + 30, Math.max(0, at[0] - 30) + 160));
  return `${from > 0 ? '…' : ''}${one(text.slice(from, to))}${to < text.length ? '…' : ''}`;
}
