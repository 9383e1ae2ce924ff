import type { DB } from '../store/db.js';
import { listCustodians } from '../store/custodians.js';
import { compareRules } from './engine.js';
import { parseTerm } from './lexicon.js';
import { nestedRepetition } from './regex-safety.js';
import type { LoadedRuleSet, RuleDef } from './load.js';
import type { Condition } from './schema.js';
import { tagCustodian, type RuleReport } from './tag.js';

/**
 * `chatarchief rules check`: after validation (load.ts), reports
 *  - statically: lexicon terms that a higher-priority rule of the same scope also lists (the term never decides in
 *    the lower rule), and rules all of whose terms are shadowed that way;
 *  - on the store (dry run over every custodian, or one): rules that never match, and rules that match but never
 *    win (shadowed), with the rules that beat them.
 */

export interface ShadowedTerm {
  rule: string;
  term: string;
  by: string;
}

export interface CheckReport {
  files: { path: string; hash: string; rules: number; description: string }[];
  rules: number;
  terms: number;
  shadowedTerms: ShadowedTerm[];
  /** Rules whose every term is listed by a higher-priority rule of the same scope. */
  shadowedRules: string[];
  /**
   * Regular expressions that repeat a repeating group a bounded number of times (`(\w+\s?){1,40}`): slow on long
   * messages when the parts can overlap, harmless when they cannot (`(\d{1,3}\.){3}`). Unbounded ones are refused.
   */
  riskyPatterns: { rule: string; pattern: string; group: string }[];
  store: null | {
    custodians: string[];
    messages: number;
    neverMatched: string[];
    shadowed: { rule: string; fired: number; beatenBy: Record<string, number> }[];
  };
}

/** Lexicon terms a rule decides on directly: its match is a lexicon, or `any` of lexicons. */
function directTerms(c: Condition): { term: string; cs: boolean }[] | null {
  if (c.type === 'lexicon') return [...(c.terms ?? []).map((term) => ({ term, cs: false })), ...(c.caseSensitiveTerms ?? []).map((term) => ({ term, cs: true }))];
  if (c.type === 'any') {
    const parts = c.of.map(directTerms);
    return parts.every((p) => p !== null) ? parts.flat() as { term: string; cs: boolean }[] : null;
  }
  return null;
}

const scope = (r: RuleDef) => (r.level === 'passage' ? 'message' : r.level);
const beats = (a: RuleDef, b: RuleDef) => compareRules(a, b) < 0;

export function staticShadowing(set: LoadedRuleSet): { shadowedTerms: ShadowedTerm[]; shadowedRules: string[]; terms: number } {
  const owners = new Map<string, RuleDef[]>();
  const termsOf = new Map<string, { key: string; term: string }[]>();
  for (const r of set.rules) {
    const terms = directTerms(r.match);
    if (!terms) continue;
    const list: { key: string; term: string }[] = [];
    for (const t of terms) {
      const p = parseTerm(t.term, t.cs);
      if ('error' in p) continue;
      const key = `${scope(r)}|${t.cs ? 'C' : 'I'}|${p.words.map((w, i) => w + (p.prefix[i] ? '*' : '')).join(' ')}`;
      list.push({ key, term: t.term });
      const l = owners.get(key) ?? [];
      if (!l.includes(r)) l.push(r);
      owners.set(key, l);
    }
    termsOf.set(r.id, list);
  }
  const shadowedTerms: ShadowedTerm[] = [];
  const shadowedRules: string[] = [];
  for (const r of set.rules) {
    const list = termsOf.get(r.id);
    if (!list?.length) continue;
    let shadowed = 0;
    for (const t of list) {
      const winner = owners.get(t.key)!.find((o) => o !== r && beats(o, r));
      if (winner) {
        shadowedTerms.push({ rule: r.id, term: t.term, by: winner.id });
        shadowed++;
      }
    }
    if (shadowed === list.length) shadowedRules.push(r.id);
  }
  return { shadowedTerms, shadowedRules, terms: [...owners.keys()].length };
}

/** The regex conditions of every rule (disabled ones too: a `rule` condition may use them) with a bounded nesting. */
export function riskyPatterns(set: LoadedRuleSet): CheckReport['riskyPatterns'] {
  const out: CheckReport['riskyPatterns'] = [];
  const walk = (rule: string, c: Condition): void => {
    if (c.type === 'regex') {
      const n = nestedRepetition(c.pattern);
      if (n?.bounded) out.push({ rule, pattern: c.pattern, group: n.group });
    } else if (c.type === 'all' || c.type === 'any') c.of.forEach((x) => walk(rule, x));
    else if (c.type === 'not') walk(rule, c.match);
  };
  for (const r of [...set.rules, ...set.disabled]) walk(r.id, r.match);
  return out;
}

export async function checkRuleSet(set: LoadedRuleSet, db: DB | null, custodianId?: string): Promise<CheckReport> {
  const st = staticShadowing(set);
  const report: CheckReport = {
    files: set.files.map((f) => ({ path: f.path, hash: f.hash, rules: f.ruleCount, description: f.description })),
    rules: set.rules.length,
    terms: st.terms,
    shadowedTerms: st.shadowedTerms,
    shadowedRules: st.shadowedRules,
    riskyPatterns: riskyPatterns(set),
    store: null,
  };
  if (!db) return report;
  const custodians = listCustodians(db).filter((c) => !custodianId || c.id === custodianId);
  const total = new Map<string, RuleReport>();
  let messages = 0;
  for (const c of custodians) {
    // A custodian-specific file only runs for its own custodian.
    const mine = (r: { file: { custodian: string | null } }) => !r.file.custodian || r.file.custodian === c.id;
    const own = { files: set.files.filter((f) => !f.custodian || f.custodian === c.id), rules: set.rules.filter(mine), disabled: set.disabled.filter(mine) };
    const rep = await tagCustodian(db, c, own, { dryRun: true, examplesPerRule: 0 });
    messages += rep.scanned.messages;
    for (const r of rep.rules) {
      const t = total.get(r.id);
      if (!t) total.set(r.id, { ...r, beatenBy: { ...r.beatenBy } });
      else {
        t.fired += r.fired;
        t.won += r.won;
        for (const [k, v] of Object.entries(r.beatenBy)) t.beatenBy[k] = (t.beatenBy[k] ?? 0) + v;
      }
    }
  }
  const all = set.rules.map((r) => total.get(r.id) ?? null);
  report.store = {
    custodians: custodians.map((c) => c.id),
    messages,
    neverMatched: set.rules.filter((r, i) => (all[i]?.fired ?? 0) === 0).map((r) => r.id),
    shadowed: all.filter((r): r is RuleReport => !!r && r.fired > 0 && r.won === 0).map((r) => ({ rule: r.id, fired: r.fired, beatenBy: r.beatenBy })),
  };
  return report;
}
