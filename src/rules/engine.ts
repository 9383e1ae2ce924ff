import type { LexHit, TermEntry } from './lexicon.js';
import type { RuleDef } from './load.js';
import type { CompiledRule, CompiledRuleSet, ContactInfo, ConversationInfo, Hit, Target } from './compile.js';
import type { Category, Level } from './schema.js';
import { expandToUnit, trimSpan } from './text.js';

/**
 * The rule engine proper: evaluates the compiled rules on one target, resolves conflicts by priority and returns the
 * suggestions to store. Pure: no I/O.
 *
 * Conflicts: on one target (a contact, a conversation, a message) the firing rule with the highest priority wins;
 * ties go to privé/partijpolitiek over zakelijk (the privacy-safe side), then to the rule loaded first. The losers are
 * kept in the winner's evidence. Inside a message, passage suggestions compete per overlapping span; a passage is
 * dropped (and kept as a loser) when a message-level winner has at least its priority or the same category.
 *
 * A message-level suggestion whose category is the custodian's default and that beat no other rule only restates
 * the default; it is counted (`redundant`) but not stored. Contact and conversation suggestions are always stored.
 */

export interface EvidenceHit {
  term: string;
  field?: string;
  matched?: string;
  span?: [number, number];
}

export interface Evidence {
  rule: string;
  file: string;
  priority: number;
  category: Category;
  description?: string;
  hits: EvidenceHit[];
  /** Passage suggestions: the unit the hit was widened to. */
  unit?: 'sentence' | 'paragraph';
  losers?: { rule: string; category: Category; priority: number; level: Level; hits: EvidenceHit[] }[];
}

export interface Suggestion {
  level: Level;
  targetId: number;
  span: [number, number] | null;
  category: Category;
  ruleId: string;
  ruleFileHash: string;
  evidence: Evidence;
}

export interface RuleStats {
  fired: number;
  won: number;
  stored: number;
  redundant: number;
  lost: number;
  beatenBy: Map<string, number>;
}

export interface MessageInput {
  id: number;
  conversationId: number;
  senderContactId: number | null;
  sender: string | null;
  kind: string;
  event: string | null;
  text: string;
}

interface Candidate {
  rule: CompiledRule;
  hits: Hit[];
  level: Level;
  span: [number, number] | null;
}

const MAX_EVIDENCE_HITS = 20;
const MAX_LOSER_HITS = 5;
const CATEGORY_RANK: Record<Category, number> = { partijpolitiek: 1, privé: 1, zakelijk: 0 };

/** Negative when rule d decides before rule e on the same target: priority, then privacy-safe category, then load order. */
export function compareRules(d: RuleDef, e: RuleDef): number {
  return e.priority - d.priority || CATEGORY_RANK[e.category] - CATEGORY_RANK[d.category] || d.order - e.order;
}

const better = (a: Candidate, b: Candidate): number => compareRules(a.rule.def, b.rule.def);

const evHits = (hits: Hit[], max: number): EvidenceHit[] =>
  hits.slice(0, max).map((h) => ({ term: h.term, field: h.field, ...(h.matched !== undefined ? { matched: h.matched } : {}), ...(h.span ? { span: h.span } : {}) }));

export class Engine {
  readonly stats = new Map<string, RuleStats>();
  /** Called for every rule that fires (used by `rules explain`). */
  trace: ((rule: CompiledRule, target: Target, hits: Hit[]) => void) | null = null;
  private readonly lex: (LexHit[] | undefined)[] = [];
  private readonly touched: number[] = [];
  /** Message rules that need no lexicon hit (regex, kind, contact, ...): the only ones to try when no term was found. */
  private readonly withoutLex: CompiledRule[];
  /** Records a lexicon hit for every lexicon that owns the term (made once, not per scanned text). */
  private readonly onLexHit = (entry: TermEntry, start: number, end: number): void => {
    for (const id of entry.owners) {
      let l = this.lex[id];
      if (!l) {
        l = [];
        this.lex[id] = l;
        this.touched.push(id);
      }
      l.push({ entry, start, end });
    }
  };
  private readonly defaultCategory: Category;
  private readonly msgTarget: Target = {
    level: 'message', id: 0, text: '', lex: this.lex, kind: 'text', event: null, sender: null, senderContactId: null, conversationId: null,
  };

  constructor(
    readonly compiled: CompiledRuleSet,
    opts: { defaultCategory: Category },
  ) {
    this.defaultCategory = opts.defaultCategory;
    this.withoutLex = compiled.byLevel.message.filter((r) => r.lexDeps === null);
    for (const r of compiled.rules) this.stats.set(r.def.id, { fired: 0, won: 0, stored: 0, redundant: 0, lost: 0, beatenBy: new Map() });
  }

  /** Sets every rule's statistics back to zero (tag counts each chunk of messages on its own). */
  resetStats(): void {
    for (const st of this.stats.values()) {
      st.fired = st.won = st.stored = st.redundant = st.lost = 0;
      st.beatenBy.clear();
    }
  }

  /** Runs the lexicon index over `text`; returns whether any term was found. */
  private scan(text: string): boolean {
    for (const id of this.touched) this.lex[id] = undefined;
    this.touched.length = 0;
    if (!text) return false;
    this.compiled.lexicon.scan(text, this.onLexHit);
    return this.touched.length > 0;
  }

  private fire(rules: CompiledRule[], target: Target, anyLex: boolean): Candidate[] {
    const out: Candidate[] = [];
    for (const rule of rules) {
      const deps = rule.lexDeps;
      if (deps !== null && (!anyLex || !this.anyHit(deps))) continue;
      const p = rule.def.passage;
      if (p && target.level === 'message' && target.text.length >= p.minLength) {
        // Long message: judge the rule sentence by sentence (or paragraph by paragraph) around its possible hits.
        const possible = rule.eval({ ...target, ignoreNot: true });
        if (possible === null) continue;
        const units = this.passageUnits(target, rule, possible);
        if (units) {
          this.fired(rule, target, units.flatMap((u) => u.hits));
          for (const u of units) out.push({ rule, hits: u.hits, level: 'passage', span: u.span });
          continue;
        }
      }
      const hits = rule.eval(target);
      if (hits === null) continue;
      this.fired(rule, target, hits);
      out.push({ rule, hits, level: target.level === 'message' ? 'message' : rule.def.level, span: null });
    }
    return out;
  }

  private anyHit(ids: number[]): boolean {
    for (const id of ids) if (this.lex[id] !== undefined) return true;
    return false;
  }

  private fired(rule: CompiledRule, target: Target, hits: Hit[]): void {
    this.stats.get(rule.def.id)!.fired++;
    this.trace?.(rule, target, hits);
  }

  evalContact(c: ContactInfo & { displayName: string | null }): Suggestion[] {
    const text = c.displayName ?? '';
    const anyLex = this.scan(text);
    const cands = this.fire(this.compiled.byLevel.contact, { level: 'contact', id: c.id, text, lex: this.lex }, anyLex);
    return this.resolveWhole('contact', c.id, cands);
  }

  evalConversation(c: ConversationInfo): Suggestion[] {
    const text = c.titles[0] ?? '';
    const anyLex = this.scan(text);
    const target: Target = { level: 'conversation', id: c.id, text, lex: this.lex, participantIds: c.participantIds };
    return this.resolveWhole('conversation', c.id, this.fire(this.compiled.byLevel.conversation, target, anyLex));
  }

  evalMessage(m: MessageInput): Suggestion[] {
    const anyLex = this.scan(m.text);
    // One target object is reused for every message (evaluators never keep it).
    const target = this.msgTarget;
    target.id = m.id;
    target.text = m.text;
    target.kind = m.kind;
    target.event = m.event;
    target.sender = m.sender;
    target.senderContactId = m.senderContactId;
    target.conversationId = m.conversationId;
    // Rules that need a lexicon hit cannot fire without one: skip them (same candidates, in the same order).
    const cands = this.fire(anyLex ? this.compiled.byLevel.message : this.withoutLex, target, anyLex);
    if (!cands.length) return [];
    const whole = cands.filter((c) => c.level === 'message');
    const parts = cands.filter((c) => c.level === 'passage');
    whole.sort(better);
    const winner = whole[0];
    const winnerLosers: Candidate[] = whole.slice(1);
    const kept: { best: Candidate; losers: Candidate[] }[] = [];
    for (const cluster of clusters(parts)) {
      cluster.sort(better);
      const best = cluster[0]!;
      if (winner && (winner.rule.def.priority >= best.rule.def.priority || winner.rule.def.category === best.rule.def.category)) {
        winnerLosers.push(...cluster);
        continue;
      }
      const span: [number, number] = [Math.min(...cluster.map((c) => c.span![0])), Math.max(...cluster.map((c) => c.span![1]))];
      const prev = kept[kept.length - 1];
      // Consecutive sentences won by the same rule become one passage.
      if (prev && prev.best.rule === best.rule && /^\s*$/.test(m.text.slice(prev.best.span![1], span[0]))) {
        prev.best = { ...prev.best, span: [prev.best.span![0], span[1]], hits: [...prev.best.hits, ...best.hits] };
        prev.losers.push(...cluster.slice(1));
      } else kept.push({ best: { ...best, span }, losers: cluster.slice(1) });
    }
    const out: Suggestion[] = [];
    if (winner) {
      const s = this.suggest('message', m.id, winner, winnerLosers, false);
      if (s) out.push(s);
    }
    for (const k of kept) {
      const s = this.suggest('passage', m.id, k.best, k.losers, false);
      if (s) out.push(s);
    }
    return out;
  }

  /**
   * The sentences or paragraphs around a passage rule's hits in which the rule's condition holds on its own
   * (so `all(party, motion, not(party office))` is judged per sentence), or null when the suggestion should cover
   * the whole message: short message, no located hit, no unit that satisfies the condition alone, or units that
   * cover the whole text.
   */
  private passageUnits(target: Target, rule: CompiledRule, possible: Hit[]): { span: [number, number]; hits: Hit[] }[] | null {
    const text = target.text;
    const unit = rule.def.passage!.unit;
    const seen = new Set<string>();
    const out: { span: [number, number]; hits: Hit[] }[] = [];
    for (const h of possible) {
      if (!h.span) continue;
      const span = expandToUnit(text, h.span[0], h.span[1], unit);
      const key = `${span[0]}:${span[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const hits = rule.eval({ ...target, window: span });
      if (hits && hits.some((x) => x.span)) out.push({ span, hits });
    }
    if (!out.length) return null;
    out.sort((a, b) => a.span[0] - b.span[0]);
    // Units that together cover all of the text (only whitespace between them) make a message-level suggestion.
    const [ws, we] = trimSpan(text, 0, text.length);
    let at = ws;
    for (const u of out) {
      if (u.span[0] > at && text.slice(at, u.span[0]).trim() !== '') return out;
      at = Math.max(at, u.span[1]);
    }
    return at >= we ? null : out;
  }

  private resolveWhole(level: 'contact' | 'conversation', id: number, cands: Candidate[]): Suggestion[] {
    if (!cands.length) return [];
    cands.sort(better);
    const s = this.suggest(level, id, { ...cands[0]!, level }, cands.slice(1), true);
    return s ? [s] : [];
  }

  private suggest(level: Level, targetId: number, w: Candidate, losers: Candidate[], alwaysStore: boolean): Suggestion | null {
    const def = w.rule.def;
    const st = this.stats.get(def.id)!;
    st.won++;
    for (const l of losers) {
      const ls = this.stats.get(l.rule.def.id)!;
      ls.lost++;
      ls.beatenBy.set(def.id, (ls.beatenBy.get(def.id) ?? 0) + 1);
    }
    if (!alwaysStore && def.category === this.defaultCategory && losers.length === 0) {
      st.redundant++;
      return null;
    }
    st.stored++;
    const evidence: Evidence = {
      rule: def.id,
      file: def.file.path,
      priority: def.priority,
      category: def.category,
      ...(def.description ? { description: def.description } : {}),
      hits: evHits(w.hits, MAX_EVIDENCE_HITS),
      ...(level === 'passage' ? { unit: def.passage!.unit } : {}),
      ...(losers.length
        ? { losers: losers.map((l) => ({ rule: l.rule.def.id, category: l.rule.def.category, priority: l.rule.def.priority, level: l.level, hits: evHits(l.hits, MAX_LOSER_HITS) })) }
        : {}),
    };
    return { level, targetId, span: level === 'passage' ? w.span : null, category: def.category, ruleId: def.id, ruleFileHash: def.file.hash, evidence };
  }
}

/** Groups passage candidates whose spans overlap. */
function clusters(parts: Candidate[]): Candidate[][] {
  const sorted = [...parts].sort((a, b) => a.span![0] - b.span![0]);
  const out: Candidate[][] = [];
  let end = -1;
  for (const p of sorted) {
    if (out.length && p.span![0] < end) {
      out[out.length - 1]!.push(p);
      end = Math.max(end, p.span![1]);
    } else {
      out.push([p]);
      end = p.span![1];
    }
  }
  return out;
}
