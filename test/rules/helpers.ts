import { compileRuleSet, type World } from '../../src/rules/compile.js';
import { Engine, type MessageInput } from '../../src/rules/engine.js';
import { loadRuleFiles, type LoadedRuleSet } from '../../src/rules/load.js';
import type { Category } from '../../src/rules/schema.js';

/** A rule set from inline JSON objects, named f0.json, f1.json, … */
export function ruleSet(...files: object[]): LoadedRuleSet {
  return loadRuleFiles(files.map((f, i) => ({ path: `f${i}.json`, bytes: JSON.stringify(f) })));
}

export const file = (rules: object[], extra: object = {}) => ({ description: 'test rules', rules, ...extra });

export function engineFor(set: LoadedRuleSet, world?: World, defaultCategory: Category = 'zakelijk'): Engine {
  return new Engine(compileRuleSet(set, world), { defaultCategory });
}

let nextId = 1;
export function msg(text: string, extra: Partial<MessageInput> = {}): MessageInput {
  return { id: nextId++, conversationId: 1, senderContactId: null, sender: 'Jan', kind: 'text', event: null, text, ...extra };
}
