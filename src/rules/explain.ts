import { toE164 } from '../../parsers/phone.js';
import { compileRuleSet, type Hit } from './compile.js';
import { Engine, type Suggestion } from './engine.js';
import type { LoadedRuleSet } from './load.js';
import type { Category, Level } from './schema.js';

/**
 * `chatarchief rules explain`: runs the rules on one made-up message (and its sender as a contact) and reports
 * every rule that fires, with the terms and spans, and what would be suggested after conflict resolution.
 */

export interface ExplainFired {
  rule: string;
  file: string;
  category: Category;
  priority: number;
  level: Level;
  on: 'contact' | 'message';
  hits: Hit[];
}

export interface ExplainResult {
  text: string;
  sender: string | null;
  senderPhone: string | null;
  fired: ExplainFired[];
  suggestions: Suggestion[];
  /** What the message gets when no message or passage suggestion is stored. */
  defaultCategory: Category;
  outcome: string;
  /** Conversation rules need a stored conversation; they are not evaluated here. */
  notEvaluated: string[];
}

const SENDER_ID = 0;

export function explainMessage(set: LoadedRuleSet, input: { text: string; sender?: string | null; defaultCategory: Category }): ExplainResult {
  const sender = input.sender?.trim() || null;
  const phone = sender ? toE164(sender) : null;
  const world = { contacts: sender ? [{ id: SENDER_ID, names: [sender], phones: phone ? [phone] : [] }] : [], conversations: [] };
  const engine = new Engine(compileRuleSet(set, world), { defaultCategory: input.defaultCategory });
  const fired: ExplainFired[] = [];
  engine.trace = (rule, target, hits) =>
    fired.push({
      rule: rule.def.id, file: rule.def.file.path, category: rule.def.category, priority: rule.def.priority, level: rule.def.level,
      on: target.level === 'contact' ? 'contact' : 'message', hits,
    });
  const suggestions: Suggestion[] = [];
  if (sender) suggestions.push(...engine.evalContact({ id: SENDER_ID, names: [sender], phones: phone ? [phone] : [], displayName: sender }));
  suggestions.push(
    ...engine.evalMessage({ id: 0, conversationId: -1, senderContactId: sender ? SENDER_ID : null, sender, kind: 'text', event: null, text: input.text }),
  );
  const msg = suggestions.filter((s) => s.level === 'message' || s.level === 'passage');
  // A contact suggestion covers every message from the sender (the review and the export apply it), so the outcome
  // names it: a message without a suggestion of its own does not simply keep the default category.
  const contact = suggestions.find((s) => s.level === 'contact');
  const byContact = contact ? `the sender's contact suggestion ${contact.category} (${contact.ruleId}) covers all messages from this sender` : null;
  const outcome = msg.length
    ? msg.map((s) => (s.level === 'passage' ? `passage [${s.span![0]}, ${s.span![1]}) ${s.category} (${s.ruleId})` : `message ${s.category} (${s.ruleId})`)).join('; ') +
      (byContact ? `; ${byContact}` : '')
    : byContact
      ? `no message suggestion stored; ${byContact}`
      : `no suggestion stored: the message keeps the default category ${input.defaultCategory}`;
  return {
    text: input.text,
    sender,
    senderPhone: phone,
    fired,
    suggestions,
    defaultCategory: input.defaultCategory,
    outcome,
    notEvaluated: set.rules.filter((r) => r.level === 'conversation').map((r) => r.id),
  };
}
