import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { toE164 } from '../../parsers/phone.js';
import { jsonErrorPosition } from './json.js';
import { parseTerm } from './lexicon.js';
import { nestedRepetition } from './regex-safety.js';
import { foldText } from './text.js';
import {
  DESIGNATION_PRIORITY, ruleFileSchema,
  type Category, type Condition, type DesignationInput, type Level, type PassageOptions, type RuleFileInput,
} from './schema.js';

/** A rule after loading: defaults applied, phone numbers normalised, references checked. */
export interface RuleDef {
  id: string;
  description: string | null;
  category: Category;
  priority: number;
  level: Level;
  passage: PassageOptions | null;
  match: Condition;
  file: LoadedFile;
  /** JSON path of the rule inside its file, e.g. `rules[3]`. */
  where: string;
  /** Load order over all files (ties in priority go to the earlier rule). */
  order: number;
  origin: 'rule' | 'designation';
}

export interface LoadedFile {
  /** Path as given or found (relative paths stay relative, for readable messages). */
  path: string;
  /** SHA-256 (hex) of the file's bytes: stored with every suggestion the file's rules make. */
  hash: string;
  description: string;
  custodian: string | null;
  ruleCount: number;
  /** The file's bytes as loaded (worker threads rebuild the identical rule set from them). */
  bytes: Buffer;
}

export interface LoadedRuleSet {
  files: LoadedFile[];
  rules: RuleDef[];
  /**
   * Rules switched off (`"enabled": false`): validated like the others and usable by a `rule` condition (another rule
   * reusing the lexicon), but they make no suggestions themselves.
   */
  disabled: RuleDef[];
}

type JsonPath = readonly (string | number | symbol)[];

/** `['rules', 3, 'match', 'terms', 2]` → `rules[3].match.terms[2]`. */
export function jsonPath(p: JsonPath): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(top level)';
}

/** A rule file is wrong: one line per problem, each naming the file, the JSON path and what was expected. */
export class RuleFileError extends UserError {
  constructor(readonly problems: { file: string; path: string; message: string }[]) {
    super(problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n'), { file: problems[0]?.file, entry: problems[0]?.path });
    this.name = 'RuleFileError';
  }
}

/** The folder that holds package.json (walking up from this module: works from src/ and from dist/src/). */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** The default Dutch rule set shipped in the repository's `rules/` folder. */
export function defaultRulesDir(): string {
  return path.join(packageRoot(), 'rules');
}

/** Lists the `.json` files of a file-or-folder argument (folders recursively, sorted by path). */
export function ruleFilePaths(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UserError(`${p}: no such rule file or folder`);
  }
  if (st.isFile()) return [p];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(full);
    }
  };
  walk(p);
  if (!out.length) throw new UserError(`${p}: folder holds no .json rule files`);
  return out;
}

/** Loads rule files and folders (the default set when `paths` is empty) and validates them all together. */
export function loadRuleSet(paths: readonly string[]): LoadedRuleSet {
  if (paths.length) return loadRuleFiles(paths.flatMap(ruleFilePaths).map((f) => ({ path: f, bytes: fs.readFileSync(f) })));
  // The default set is named relative to the repository (rules/x.json), wherever the tool runs from.
  const root = packageRoot();
  return loadRuleFiles(ruleFilePaths(defaultRulesDir()).map((f) => ({ path: path.relative(root, f), bytes: fs.readFileSync(f) })));
}

/** Validates rule files given as bytes; every problem of every file is reported at once. */
export function loadRuleFiles(sources: readonly { path: string; bytes: Buffer | string }[]): LoadedRuleSet {
  const problems: RuleFileError['problems'] = [];
  const files: LoadedFile[] = [];
  const rules: RuleDef[] = [];
  const disabled: RuleDef[] = [];
  const all: RuleDef[] = [];
  for (const src of sources) {
    const bytes = typeof src.bytes === 'string' ? Buffer.from(src.bytes, 'utf8') : src.bytes;
    const parsed = parseJson(src.path, bytes.toString('utf8'));
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const r = ruleFileSchema.safeParse(parsed.value);
    if (!r.success) {
      for (const i of r.error.issues) problems.push({ file: src.path, path: jsonPath(i.path), message: i.message });
      continue;
    }
    const file: LoadedFile = {
      path: src.path,
      hash: crypto.createHash('sha256').update(bytes).digest('hex'),
      description: r.data.description,
      custodian: r.data.custodian ?? null,
      ruleCount: 0,
      bytes,
    };
    const before = rules.length;
    fileRules(file, r.data, { rules, disabled, all }, problems);
    file.ruleCount = rules.length - before;
    files.push(file);
  }
  rules.forEach((r, i) => {
    r.order = i;
  });
  checkRules(all, problems);
  if (problems.length) throw new RuleFileError(problems);
  return { files, rules, disabled };
}

function parseJson(file: string, text: string): { value: unknown } | { problem: RuleFileError['problems'][number] } {
  try {
    return { value: JSON.parse(text.replace(/^\ufeff/, '')) };
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, ' ');
    const pos = jsonErrorPosition(text.replace(/^\ufeff/, ''));
    const where = pos ? `line ${pos.line} column ${pos.column}` : '(not JSON)';
    return { problem: { file, path: where, message: `expected valid JSON: ${msg}` } };
  }
}

/** Adds a file's rules to `out.rules` (enabled) or `out.disabled`, and every one to `out.all` in load order. */
function fileRules(file: LoadedFile, data: RuleFileInput, out: { rules: RuleDef[]; disabled: RuleDef[]; all: RuleDef[] }, problems: RuleFileError['problems']): void {
  const d = data.defaults ?? {};
  (data.rules ?? []).forEach((r, i) => {
    const where = `rules[${i}]`;
    const missing = (['category', 'priority', 'level'] as const).filter((k) => r[k] === undefined && d[k] === undefined);
    for (const k of missing) problems.push({ file: file.path, path: `${where}.${k}`, message: `expected ${k} (in the rule or in defaults.${k})` });
    if (missing.length) return;
    const level = (r.level ?? d.level)!;
    const def: RuleDef = {
      id: r.id,
      description: r.description ?? null,
      category: (r.category ?? d.category)!,
      priority: (r.priority ?? d.priority)!,
      level,
      passage: r.passage ?? d.passage ?? (level === 'passage' ? { unit: 'sentence', minLength: 0 } : null),
      match: normaliseCondition(r.match, file.path, `${where}.match`, problems),
      file,
      where,
      order: 0,
      origin: 'rule',
    };
    (r.enabled ? out.rules : out.disabled).push(def);
    out.all.push(def);
  });
  (data.designations ?? []).forEach((des, i) => {
    const def = designationRule(des, file, `designations[${i}]`, problems);
    if (def) {
      out.rules.push(def);
      out.all.push(def);
    }
  });
}

const slug = (s: string) => foldText(s).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'x';

function designationRule(des: DesignationInput, file: LoadedFile, where: string, problems: RuleFileError['problems']): RuleDef | null {
  let match: Condition;
  let id: string;
  let level: Level;
  if (des.phone !== undefined) {
    const e164 = toE164(des.phone);
    if (!e164) {
      problems.push({ file: file.path, path: `${where}.phone`, message: `expected a phone number (E.164 after normalisation, e.g. +31612345678), got '${des.phone}'` });
      return null;
    }
    match = { type: 'contact', phones: [e164] };
    id = `designation.phone.${e164.slice(1)}`;
    level = 'contact';
  } else if (des.name !== undefined) {
    match = { type: 'contact', names: [des.name] };
    id = `designation.name.${slug(des.name)}`;
    level = 'contact';
  } else {
    match = { type: 'conversation', titles: [des.conversationTitle!] };
    id = `designation.title.${slug(des.conversationTitle!)}`;
    level = 'conversation';
  }
  return {
    id: des.id ?? id,
    description: des.note ?? null,
    category: des.category,
    priority: des.priority ?? DESIGNATION_PRIORITY,
    level: des.level ?? level,
    passage: null,
    match,
    file,
    where,
    order: 0,
    origin: 'designation',
  };
}

/** Normalises phone numbers to E.164 and checks terms and regular expressions; reports problems by JSON path. */
function normaliseCondition(c: Condition, file: string, where: string, problems: RuleFileError['problems']): Condition {
  const phones = (list: string[] | undefined, at: string) =>
    list?.map((p, i) => {
      const e = toE164(p);
      if (!e) problems.push({ file, path: `${at}[${i}]`, message: `expected a phone number (E.164 after normalisation, e.g. +31612345678), got '${p}'` });
      return e ?? p;
    });
  switch (c.type) {
    case 'lexicon':
      for (const [key, cs] of [['terms', false], ['caseSensitiveTerms', true]] as const) {
        c[key]?.forEach((t, i) => {
          const r = parseTerm(t, cs);
          if ('error' in r) problems.push({ file, path: `${where}.${key}[${i}]`, message: `${r.error}, got '${t}'` });
        });
      }
      return c;
    case 'regex':
      try {
        new RegExp(c.pattern, c.flags ?? '');
        const nested = nestedRepetition(c.pattern);
        // (A bounded repetition is only warned about by `rules check`: `(\d{1,3}\.){3}` is common and harmless.)
        if (nested !== null && !nested.bounded) {
          problems.push({
            file, path: `${where}.pattern`,
            message: `expected a regular expression without a repeated group that itself holds a repetition: '${nested.group}' can take ` +
              'exponential time on some messages and hang tagging; repeat the inner part only once (e.g. \'(a+)+\' → \'a+\', ' +
              '\'(\\w+\\s*)+\' → \'[\\w\\s]+\') or use a lexicon condition',
          });
        }
      } catch (e) {
        problems.push({ file, path: `${where}.pattern`, message: `expected a valid JavaScript regular expression: ${(e as Error).message}` });
      }
      return c;
    case 'contact':
      return { ...c, phones: phones(c.phones, `${where}.phones`) };
    case 'conversation':
      return c.participants ? { ...c, participants: { ...c.participants, phones: phones(c.participants.phones, `${where}.participants.phones`) } } : c;
    case 'all':
    case 'any':
      return { ...c, of: c.of.map((x, i) => normaliseCondition(x, file, `${where}.of[${i}]`, problems)) };
    case 'not':
      return { ...c, match: normaliseCondition(c.match, file, `${where}.match`, problems) };
    default:
      return c;
  }
}

/**
 * Ids unique over all files; references resolve without cycles; each condition fits the rule's level. Disabled rules
 * are checked too and may be referenced.
 */
function checkRules(rules: RuleDef[], problems: RuleFileError['problems']): void {
  const byId = new Map<string, RuleDef>();
  rules.forEach((r) => {
    const prev = byId.get(r.id);
    if (prev) problems.push({ file: r.file.path, path: `${r.where}.id`, message: `expected a unique rule id; '${r.id}' is also defined in ${prev.file.path} at ${prev.where}` });
    else byId.set(r.id, r);
  });
  for (const r of rules) {
    const walk = (c: Condition, where: string, stack: string[]): void => {
      const bad = (msg: string) => problems.push({ file: r.file.path, path: where, message: msg });
      switch (c.type) {
        case 'kind':
          if (r.level === 'contact' || r.level === 'conversation') bad(`expected a message or passage level rule for a kind condition (rule level is ${r.level})`);
          return;
        case 'conversation':
          if (r.level === 'contact') bad('expected a conversation, message or passage level rule for a conversation condition (rule level is contact)');
          return;
        case 'all':
        case 'any':
          c.of.forEach((x, i) => walk(x, `${where}.of[${i}]`, stack));
          return;
        case 'not':
          walk(c.match, `${where}.match`, stack);
          return;
        case 'rule': {
          const target = byId.get(c.id);
          if (!target) bad(`expected the id of a rule in the loaded rule set, got '${c.id}'`);
          else if (stack.includes(c.id)) bad(`expected no circular references: ${[...stack, c.id].join(' → ')}`);
          else walk(target.match, where, [...stack, c.id]);
          return;
        }
        default:
          return;
      }
    };
    walk(r.match, `${r.where}.match`, [r.id]);
  }
}
