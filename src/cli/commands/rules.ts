import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { checkRuleSet, type CheckReport } from '../../rules/check.js';
import { explainMessage, type ExplainResult } from '../../rules/explain.js';
import { loadRuleSet } from '../../rules/load.js';
import { tagCustodian, type TagReport } from '../../rules/tag.js';
import { listMarkingsForConversation, toMarkingJson } from '../../store/markings.js';
import { getConversation } from '../../store/messages.js';
import { textChangedSinceDecision } from '../../store/text-changed.js';
import type { DB } from '../../store/db.js';
import { categorySchema, idOption, validateOptions, type Command } from '../command.js';
import { table } from '../format.js';
import { requireCustodian } from './custodian.js';

const rulesOption = { rules: { type: 'string', multiple: true } } as const;
const rulesList = z.array(z.string().min(1, 'expected a rule file or folder')).optional();

const num = (n: number) => n.toLocaleString('en-US');

function renderTag(r: TagReport): string {
  const lines = [
    `${r.dryRun ? 'Dry run (nothing written)' : 'Tagged'}: custodian ${r.custodianId}, ${r.rules.length} rules from ${r.ruleFiles.length} files, ${(r.ms / 1000).toFixed(2)} s${r.threads > 1 ? ` on ${r.threads} threads` : ''}.`,
    `Scanned ${num(r.scanned.contacts)} contacts, ${num(r.scanned.conversations)} conversations, ${num(r.scanned.messages)} messages.`,
    '',
    'Suggestions per category:',
    table(
      ['category', 'total', 'contact', 'conversation', 'message', 'passage'],
      Object.entries(r.byCategory).map(([c, v]) => [c, v.total, v.contact, v.conversation, v.message, v.passage]),
    ),
    '',
    `Messages with a suggestion: ${num(r.suggested.messages)}; without: ${num(r.defaultMessages)} (they keep the default category ${r.defaultCategory}; no rows are stored for them).`,
  ];
  if (r.store) {
    const s = r.store;
    lines.push(`Stored: ${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.reactivated} reactivated, ${s.deactivated} deactivated (decided, no longer suggested), ${s.deleted} deleted (undecided, no longer suggested).`);
  }
  const active = r.rules.filter((x) => x.fired > 0 || r.dryRun);
  if (active.length) {
    lines.push('', 'Per rule:', table(
      ['rule', 'category', 'level', 'priority', 'fired', 'stored', 'default', 'lost'],
      active.map((x) => [x.id, x.category, x.level, x.priority, x.fired, x.stored, x.redundant, x.lost]),
    ));
  }
  if (r.examples.length) {
    lines.push('', 'Examples:');
    for (const e of r.examples) lines.push(`  ${e.ruleId} → ${e.category} ${e.level} ${e.targetId}${e.span ? ` [${e.span[0]}, ${e.span[1]})` : ''}: ${e.excerpt}`);
  }
  return lines.join('\n');
}

const tagSchema = z.object({
  custodian: z.string({ message: 'required: the custodian id' }).min(1),
  rules: rulesList,
  'dry-run': z.boolean().optional(),
  threads: z.string().regex(/^[1-9]\d?$/, 'expected a number of threads, 1-99').transform(Number).optional(),
});

const tag: Command = {
  name: 'tag',
  summary: 'run the rule engine: suggest zakelijk / privé / partijpolitiek markings for a custodian',
  usage: 'tag --custodian <id> [--rules <file|dir>]... [--dry-run] [--threads <n>] [--json]',
  help: `Without --rules the default Dutch rule set in the repository's rules/ folder is used; --rules replaces it
(pass --rules rules --rules <custodian file> to combine the default set with a custodian's designations).
Only matches are stored, with the rule id, the rule-file hash and the evidence (terms, spans). Messages that no rule
marks keep the custodian's default category (custodian set <id> --default-category) and are only counted.
Re-running is idempotent; after a rule change, undecided suggestions are updated or removed, decided ones are
never changed (a decided suggestion that no longer fires is kept with active = 0).
--dry-run prints the counts per rule and category with a few examples and writes nothing.
--threads: message scanning threads (default: one per CPU, at most 4, from 200,000 messages on; same result).`,
  options: { custodian: { type: 'string' }, ...rulesOption, 'dry-run': { type: 'boolean' }, threads: { type: 'string' } },
  async run(ctx, { values }) {
    const o = validateOptions(this, tagSchema, values);
    const set = loadRuleSet(o.rules ?? []);
    const db = ctx.store().db;
    const custodian = requireCustodian(db, o.custodian);
    const report = await tagCustodian(db, custodian, set, { dryRun: o['dry-run'] ?? false, ...(o.threads ? { threads: o.threads } : {}) });
    ctx.result(report, () => renderTag(report));
  },
};

function renderCheck(r: CheckReport): string {
  const lines = [`OK: ${r.files.length} files, ${r.rules} rules, ${num(r.terms)} distinct terms are valid.`];
  for (const f of r.files) lines.push(`  ${f.path} (${f.rules} rules): ${f.description}`);
  if (r.shadowedTerms.length) {
    lines.push('', `Terms that a higher-priority rule also lists (they never decide in the lower rule): ${r.shadowedTerms.length}`);
    for (const t of r.shadowedTerms.slice(0, 50)) lines.push(`  ${t.rule}: '${t.term}' (decided by ${t.by})`);
    if (r.shadowedTerms.length > 50) lines.push(`  … and ${r.shadowedTerms.length - 50} more (--json lists all)`);
  }
  if (r.shadowedRules.length) lines.push('', `Rules whose every term is shadowed: ${r.shadowedRules.join(', ')}`);
  if (r.riskyPatterns.length) {
    lines.push('', `Warning: patterns that repeat a repeating group (slow on long messages when its parts can match the same text, as in '(\\w+\\s?){1,40}'; harmless when they cannot, as in '(\\d{1,3}\\.){3}'): ${r.riskyPatterns.length}`);
    for (const p of r.riskyPatterns) lines.push(`  ${p.rule}: '${p.group}' in /${p.pattern}/`);
  }
  if (!r.store) lines.push('', 'No store found: the checks on stored messages were skipped (give --db <file>).');
  else {
    lines.push('', `On the store (${r.store.custodians.join(', ') || 'no custodians'}; ${num(r.store.messages)} messages):`);
    lines.push(r.store.neverMatched.length ? `  never match: ${r.store.neverMatched.join(', ')}` : '  every rule matches at least once');
    lines.push(
      r.store.shadowed.length
        ? r.store.shadowed.map((s) => `  shadowed: ${s.rule} fired ${s.fired}× and always lost to ${Object.keys(s.beatenBy).join(', ')}`).join('\n')
        : '  no rule is shadowed by others',
    );
  }
  return lines.join('\n');
}

const check: Command = {
  name: 'rules check',
  summary: 'validate rule files and report rules that never match on the store or are shadowed by others',
  usage: 'rules check <file|dir>... [--custodian <id>] [--json]',
  help: `Validation errors name the file, the JSON path and what was expected (exit 1). When the store exists
(--db, $CHATARCHIEF_DB or ./chatarchief.db) the rules are also run over its messages without writing anything.`,
  options: { custodian: { type: 'string' } },
  positionals: true,
  async run(ctx, { values, positionals }) {
    if (!positionals.length) throw new UserError(`expected at least one rule file or folder\nusage: chatarchief ${this.usage}`);
    const set = loadRuleSet(positionals);
    // Opened as every command opens it (closed by the runner): a folder or a file that is not a store is bad input.
    const db = fs.existsSync(ctx.dbPath) ? ctx.store().db : null;
    if (values.custodian !== undefined && db) requireCustodian(db, values.custodian);
    const report = await checkRuleSet(set, db, values.custodian as string | undefined);
    ctx.result(report, () => renderCheck(report));
  },
};

function renderExplain(r: ExplainResult): string {
  const lines = [`Text (${r.text.length} UTF-16 units)${r.sender ? `, sender ${r.sender}${r.senderPhone ? ` (${r.senderPhone})` : ''}` : ''}:`];
  if (!r.fired.length) lines.push('  no rule fires.');
  for (const f of r.fired) {
    lines.push(`  ${f.rule} fires on the ${f.on} → ${f.category} (priority ${f.priority}, level ${f.level}, ${f.file})`);
    for (const h of f.hits.slice(0, 10)) {
      lines.push(`      ${h.field}: '${h.term}'${h.matched !== undefined ? ` matched '${h.matched}'` : ''}${h.span ? ` at [${h.span[0]}, ${h.span[1]})` : ''}`);
    }
  }
  lines.push('', 'Suggestions after conflict resolution:');
  if (!r.suggestions.length) lines.push('  none');
  for (const s of r.suggestions) {
    const span = s.span ? ` [${s.span[0]}, ${s.span[1]}) "${r.text.slice(s.span[0], s.span[1])}"` : '';
    const losers = s.evidence.losers?.map((l) => `${l.rule} (${l.category}, ${l.priority})`).join(', ');
    lines.push(`  ${s.level}${span} → ${s.category} by ${s.ruleId}${losers ? `; beat ${losers}` : ''}`);
  }
  lines.push('', `Outcome: ${r.outcome}`);
  if (r.notEvaluated.length) lines.push(`Not evaluated (need a stored conversation): ${r.notEvaluated.join(', ')}`);
  return lines.join('\n');
}

const explainSchema = z.object({
  text: z.string({ message: 'required: the message text' }),
  sender: z.string().optional(),
  rules: rulesList,
  'default-category': categorySchema.optional(),
});

const explain: Command = {
  name: 'rules explain',
  summary: 'show which rules fire on a message and why (for rule authors)',
  usage: 'rules explain --text "<message>" [--sender <name or number>] [--rules <file|dir>]... [--default-category <c>] [--json]',
  help: `Runs the rules on one made-up message; nothing is read from or written to the store.
--sender (optional) is who sent it, as a name or phone number: the contact rules are run on it too.
--rules (default: the repository's rules/ folder, as tag uses it) replaces the rule set; give it more than once to combine.
--default-category (default zakelijk) is the custodian's default category that the outcome falls back to.`,
  options: { text: { type: 'string' }, sender: { type: 'string' }, ...rulesOption, 'default-category': { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, explainSchema, values);
    const set = loadRuleSet(o.rules ?? []);
    const r = explainMessage(set, { text: o.text, sender: o.sender ?? null, defaultCategory: o['default-category'] ?? 'zakelijk' });
    ctx.result(r, () => renderExplain(r));
  },
};

/**
 * The footer naming decided markings whose message text changed after their decision. (Text only: the JSON items of
 * `markings` are exactly the contract's fields; review list --json carries the flag.)
 */
function textChangedNote(db: DB, records: Parameters<typeof textChangedSinceDecision>[1][]): string {
  const flagged = records.flatMap((m) => {
    const t = textChangedSinceDecision(db, m);
    return t === null ? [] : [{ id: m.id, source: t.sourceId }];
  });
  if (!flagged.length) return '';
  const names = flagged.map((m) => `${m.id}${m.source !== null ? ` (newer text from source ${m.source})` : ''}`);
  return `\n\nDecided on an earlier text of their message, decide again: marking ${names.join(', ')}.`;
}

const markingsSchema = z.object({ conversation: idOption('conversation') });

const markings: Command = {
  name: 'markings',
  summary: 'list the suggestions and decisions that concern one conversation, with evidence',
  usage: 'markings --conversation <id> [--json]',
  help: `Lists contact-level markings of the conversation's participants, conversation-level markings, and message and
passage markings of its messages. JSON: {"markings": [{id, level, targetId, span, category, status, ruleId, evidence}]}
(exactly these fields: a contract); span is null or [start, end), UTF-16 offsets into the message's stored text. The
table ends by naming decided markings whose message a later export showed with a newer text after the decision;
review list --status text-changed lists them with textChangedSinceDecision and textChangedBySource.`,
  options: { conversation: { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, markingsSchema, values);
    const db = ctx.store().db;
    const conv = getConversation(db, o.conversation);
    if (!conv) throw new UserError(`unknown conversation ${o.conversation} (see: chatarchief conversations --custodian <id>)`);
    const records = listMarkingsForConversation(db, o.conversation);
    const list = records.map(toMarkingJson);
    ctx.result({ markings: list }, () =>
      list.length
        ? table(
            ['id', 'level', 'target', 'span', 'category', 'status', 'rule', 'evidence'],
            list.map((m) => {
              const ev = m.evidence as { hits?: { term: string; matched?: string }[] };
              return [m.id, m.level, m.targetId, m.span ? `${m.span[0]}-${m.span[1]}` : '', m.category, m.status, m.ruleId ?? '(manual)', ev.hits?.map((h) => h.term).slice(0, 3).join(', ') ?? ''];
            }),
          ) + textChangedNote(db, records)
        : `No markings for conversation ${o.conversation} (${conv.title}).`,
    );
  },
};

export const rulesCommands: Command[] = [tag, check, explain, markings];
