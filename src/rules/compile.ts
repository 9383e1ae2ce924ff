import { toE164 } from '../../parsers/phone.js';
import { LexiconIndex, type LexHit, type TermEntry } from './lexicon.js';
import type { LoadedRuleSet, RuleDef } from './load.js';
import type { Condition } from './schema.js';
import { foldText, safeSpan } from './text.js';

/**
 * Compiles a loaded rule set against the store's contacts and conversations ("the world") into evaluators. Lexicon
 * terms of all rules share one index (see lexicon.ts); contact and conversation conditions are resolved to id sets
 * once, so evaluating a message costs a few map lookups per rule.
 */

export interface ContactInfo {
  id: number;
  /** Display names of the contact and its identities. */
  names: string[];
  /** E.164 numbers of the contact and its identities. */
  phones: string[];
}

export interface ConversationInfo {
  id: number;
  /** Current title first, then earlier titles. */
  titles: string[];
  participantIds: number[];
  isGroup: boolean;
}

export interface World {
  contacts: ContactInfo[];
  conversations: ConversationInfo[];
}

export const EMPTY_WORLD: World = { contacts: [], conversations: [] };

export type HitField = 'text' | 'name' | 'title' | 'contact' | 'sender' | 'participant' | 'conversation' | 'kind';

/** Why a condition matched: the term or pattern, the matched text and, in message text, its UTF-16 span. */
export interface Hit {
  field: HitField;
  term: string;
  matched?: string;
  span?: [number, number];
}

/** What a rule is evaluated on: a contact (its name), a conversation (its title) or a message (its text). */
export interface Target {
  level: 'contact' | 'conversation' | 'message';
  id: number;
  text: string;
  /** Lexicon hits in `text`, by lexicon id. */
  lex: (LexHit[] | undefined)[];
  kind?: string;
  event?: string | null;
  sender?: string | null;
  senderContactId?: number | null;
  conversationId?: number | null;
  participantIds?: number[];
  /** Only hits inside [start, end) count (passage rules judge one sentence or paragraph at a time). */
  window?: [number, number];
  /** `not` always passes: finds where a rule could fire before judging each passage on its own. */
  ignoreNot?: boolean;
}

type Evaluator = (t: Target) => Hit[] | null;
interface Compiled {
  ev: Evaluator;
  deps: number[] | null;
}

export interface CompiledRule {
  def: RuleDef;
  eval: Evaluator;
  /** Lexicon ids of which at least one must have a hit for the rule to fire, or null (lets the engine skip rules). */
  lexDeps: number[] | null;
}

export interface CompiledRuleSet {
  lexicon: LexiconIndex;
  rules: CompiledRule[];
  byLevel: Record<'contact' | 'conversation' | 'message', CompiledRule[]>;
  /** Whether any message rule reads a message's conversation or sender (else tag does not read them from the store). */
  messageFields: { conversation: boolean; sender: boolean };
}

type NameMatcher = (folded: string) => boolean;

function nameMatcher(pattern: string): NameMatcher {
  const f = foldText(pattern);
  if (!f.includes('*')) return (x) => x === f;
  const re = new RegExp(`^${f.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (x) => re.test(x);
}

/** Matches a person by any of `names` (folded, `*` wildcard) or `phones` (E.164); returns the matching pattern. */
function personMatcher(spec: { phones?: string[]; names?: string[] }): (names: string[], phones: string[]) => string | null {
  const phones = new Set(spec.phones ?? []);
  const names = (spec.names ?? []).map((n) => ({ n, m: nameMatcher(n) }));
  return (ns, ps) => {
    for (const p of ps) if (phones.has(p)) return p;
    for (const raw of ns) {
      const f = foldText(raw);
      for (const x of names) if (x.m(f)) return x.n;
    }
    return null;
  };
}

export function compileRuleSet(set: LoadedRuleSet, world: World = EMPTY_WORLD): CompiledRuleSet {
  const lexicon = new LexiconIndex();
  // A `rule` condition may name a disabled rule: it reuses that rule's condition, which makes no suggestion of its own.
  const byId = new Map([...set.rules, ...set.disabled].map((r) => [r.id, r]));
  const cache = new Map<string, Compiled>();

  const compileCond = (c: Condition): Compiled => {
    switch (c.type) {
      case 'lexicon': {
        const id = lexicon.addLexicon([
          ...(c.terms ?? []).map((term) => ({ term, caseSensitive: false })),
          ...(c.caseSensitiveTerms ?? []).map((term) => ({ term, caseSensitive: true })),
        ]);
        return { ev: (t) => lexHits(t, t.lex[id]), deps: [id] };
      }
      case 'regex': {
        const re = new RegExp(c.pattern, `${c.flags ?? ''}g`);
        return { ev: (t) => regexHits(t, re), deps: null };
      }
      case 'kind': {
        const kinds = c.kinds ? new Set(c.kinds) : null;
        const events = c.events ? new Set(c.events) : null;
        return {
          ev: (t) => {
            if (t.level !== 'message' || t.kind === undefined) return null;
            if (kinds && !kinds.has(t.kind)) return null;
            if (events && !(t.event && events.has(t.event))) return null;
            return [{ field: 'kind', term: t.event ? `${t.kind}/${t.event}` : t.kind }];
          },
          deps: null,
        };
      }
      case 'contact':
        return { ev: contactEvaluator(c, world), deps: null };
      case 'conversation':
        return { ev: conversationEvaluator(c, world), deps: null };
      case 'all': {
        const parts = c.of.map(compileCond);
        return {
          ev: (t) => {
            const out: Hit[] = [];
            for (const p of parts) {
              const h = p.ev(t);
              if (h === null) return null;
              out.push(...h);
            }
            return out;
          },
          // One required lexicon child is enough to skip the rule: take the narrowest.
          deps: parts.reduce<number[] | null>((best, p) => (p.deps && (!best || p.deps.length < best.length) ? p.deps : best), null),
        };
      }
      case 'any': {
        const parts = c.of.map(compileCond);
        return {
          ev: (t) => {
            let out: Hit[] | null = null;
            for (const p of parts) {
              const h = p.ev(t);
              if (h !== null) (out ??= []).push(...h);
            }
            return out;
          },
          deps: parts.every((p) => p.deps) ? [...new Set(parts.flatMap((p) => p.deps!))] : null,
        };
      }
      case 'not': {
        const inner = compileCond(c.match);
        return { ev: (t) => (t.ignoreNot || inner.ev(t) === null ? [] : null), deps: null };
      }
      case 'rule': {
        let hit = cache.get(c.id);
        if (!hit) {
          hit = compileCond(byId.get(c.id)!.match);
          cache.set(c.id, hit);
        }
        return hit;
      }
    }
  };

  const rules: CompiledRule[] = set.rules.map((def) => {
    let c = cache.get(def.id);
    if (!c) {
      c = compileCond(def.match);
      cache.set(def.id, c);
    }
    return { def, eval: c.ev, lexDeps: c.deps };
  });
  const at = (...levels: string[]) => rules.filter((r) => levels.includes(r.def.level));
  const message = at('message', 'passage');
  return { lexicon, rules, byLevel: { contact: at('contact'), conversation: at('conversation'), message }, messageFields: fieldsRead(message.map((r) => r.def), byId) };
}

/** Which message fields the conditions of `defs` read, through `rule` references too. */
function fieldsRead(defs: RuleDef[], byId: Map<string, RuleDef>): CompiledRuleSet['messageFields'] {
  const out = { conversation: false, sender: false };
  const seen = new Set<string>();
  const walk = (c: Condition): void => {
    if (c.type === 'contact') out.sender = true;
    else if (c.type === 'conversation') out.conversation = true;
    else if (c.type === 'all' || c.type === 'any') c.of.forEach(walk);
    else if (c.type === 'not') walk(c.match);
    else if (c.type === 'rule' && !seen.has(c.id)) {
      seen.add(c.id);
      walk(byId.get(c.id)!.match);
    }
  };
  for (const d of defs) walk(d.match);
  return out;
}

const textField = (t: Target): HitField => (t.level === 'message' ? 'text' : t.level === 'contact' ? 'name' : 'title');

const inWindow = (t: Target, s: number, e: number) => !t.window || (s >= t.window[0] && e <= t.window[1]);

function lexHits(t: Target, all: LexHit[] | undefined): Hit[] | null {
  if (!all) return null;
  const hits = t.window ? all.filter((h) => inWindow(t, h.start, h.end)) : all;
  if (!hits.length) return null;
  const field = textField(t);
  return hits.map((h) => ({
    field,
    term: h.entry.term,
    matched: t.text.slice(h.start, h.end),
    ...(field === 'text' ? { span: [h.start, h.end] as [number, number] } : {}),
  }));
}

const MAX_REGEX_HITS = 20;

function regexHits(t: Target, re: RegExp): Hit[] | null {
  if (!t.text) return null;
  re.lastIndex = 0;
  const field = textField(t);
  let out: Hit[] | null = null;
  for (let m = re.exec(t.text); m && (out?.length ?? 0) < MAX_REGEX_HITS; m = re.exec(t.text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const [s, e] = safeSpan(t.text, m.index, m.index + m[0].length);
    if (!inWindow(t, s, e)) continue;
    (out ??= []).push({ field, term: `/${re.source}/`, matched: t.text.slice(s, e), ...(field === 'text' ? { span: [s, e] as [number, number] } : {}) });
  }
  return out;
}

/** Contact condition: the contact itself, a participant of the conversation, or the sender of the message. */
function contactEvaluator(c: { phones?: string[]; names?: string[] }, world: World): Evaluator {
  const match = personMatcher(c);
  const byContact = new Map<number, string>();
  for (const k of world.contacts) {
    const m = match(k.names, k.phones);
    if (m !== null) byContact.set(k.id, m);
  }
  const bySender = new Map<string, string | null>();
  return (t) => {
    if (t.level === 'contact') {
      const m = byContact.get(t.id);
      return m === undefined ? null : [{ field: 'contact', term: m }];
    }
    if (t.level === 'conversation') {
      for (const id of t.participantIds ?? []) {
        const m = byContact.get(id);
        if (m !== undefined) return [{ field: 'participant', term: m }];
      }
      return null;
    }
    if (t.senderContactId !== null && t.senderContactId !== undefined) {
      const m = byContact.get(t.senderContactId);
      return m === undefined ? null : [{ field: 'sender', term: m }];
    }
    if (!t.sender) return null;
    let m = bySender.get(t.sender);
    if (m === undefined) {
      const phone = toE164(t.sender);
      m = match([t.sender], phone ? [phone] : []);
      bySender.set(t.sender, m);
    }
    return m === null ? null : [{ field: 'sender', term: m }];
  };
}

/** Conversation condition: title pattern (any earlier title counts), participants, group or one-to-one. */
function conversationEvaluator(
  c: { titles?: string[]; participants?: { phones?: string[]; names?: string[] }; group?: boolean },
  world: World,
): Evaluator {
  const titles = (c.titles ?? []).map((p) => ({ p, m: nameMatcher(p) }));
  const participant = c.participants ? personMatcher(c.participants) : null;
  const contacts = new Map(world.contacts.map((k) => [k.id, k]));
  const byConversation = new Map<number, string>();
  for (const conv of world.conversations) {
    if (c.group !== undefined && conv.isGroup !== c.group) continue;
    let why: string | null = c.group !== undefined ? (c.group ? 'group' : 'one-to-one') : null;
    if (titles.length) {
      const folded = conv.titles.map(foldText);
      const t = titles.find((x) => folded.some((f) => x.m(f)));
      if (!t) continue;
      why = t.p;
    }
    if (participant) {
      let hit: string | null = null;
      for (const id of conv.participantIds) {
        const k = contacts.get(id);
        if (k && (hit = participant(k.names, k.phones)) !== null) break;
      }
      if (hit === null) continue;
      why = why ? `${why} + ${hit}` : hit;
    }
    byConversation.set(conv.id, why ?? '');
  }
  return (t) => {
    const id = t.level === 'conversation' ? t.id : t.level === 'message' ? t.conversationId : null;
    if (id === null || id === undefined) return null;
    const m = byConversation.get(id);
    return m === undefined ? null : [{ field: 'conversation', term: m }];
  };
}

export type { TermEntry };
