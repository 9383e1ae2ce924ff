import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { defaultDbPath, openStore, type Store } from '../store/db.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal (progress lines may overwrite themselves). */
  isTTY?: boolean;
}

export interface Context {
  io: Io;
  json: boolean;
  dbPath: string;
  /** Opens the store lazily; closed by the runner after the command. */
  store(): Store;
  /** Writes the command's result: JSON on stdout with --json, else the human rendering. */
  result(data: unknown, human?: () => string): void;
  /** Progress and logs: always stderr. */
  log(msg: string): void;
  progress(msg: string): void;
}

export interface Command {
  /** Words that name the command, e.g. 'custodian add'. */
  name: string;
  summary: string;
  /** Usage line after `chatarchief `, e.g. 'custodian add --id <slug> ...'. */
  usage: string;
  /** Longer help text (options explained). */
  help?: string;
  options?: OptionSpec;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  /**
   * The command may create the store when `--db` names none yet (`custodian add`, the first step on a new machine).
   * Every other command refuses a missing store instead of leaving an empty one behind a mistyped path.
   */
  createsStore?: boolean;
  run(ctx: Context, args: { values: Record<string, unknown>; positionals: string[] }): Promise<number | void> | number | void;
}

export const GLOBAL_OPTIONS: OptionSpec = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function parseCommandArgs(cmd: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options: OptionSpec = { ...GLOBAL_OPTIONS, ...(cmd.options ?? {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: cmd.positionals ?? false, strict: true, tokens: true });
  } catch (e) {
    throw new UserError(`${parseProblem(cmd, options, argv, e as Error & { code?: string })}\nusage: chatarchief ${cmd.usage}`);
  }
  // parseArgs lets the last of a repeated option win: '--span 0:4 --span 9:12' would silently mark one passage.
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (seen.has(t.name) && options[t.name]?.type === 'string') {
      throw new UserError(`--${t.name} is given more than once; give it once (one command per value)\nusage: chatarchief ${cmd.usage}`);
    }
    seen.add(t.name);
  }
  // An empty word (`ingest "$EXPORT"` with the variable unset) would resolve to the working folder and take all of it in.
  const positionals: string[] = parsed.positionals;
  const empty = positionals.indexOf('');
  if (empty >= 0) {
    throw new UserError(`argument ${empty + 1} is empty (an unset shell variable?); expected a path or id in its place\nusage: chatarchief ${cmd.usage}`);
  }
  return { values: parsed.values as Record<string, unknown>, positionals };
}

/**
 * node:util's parseArgs words its refusals for programmers ("Option '--custodian <value>' argument missing", "Unknown
 * option '--bogus'. To specify a positional argument starting with a '-', …"). Said again here as the other option
 * errors are: the option first, then what it expects (as the usage line shows it) or which options the command has.
 */
function parseProblem(cmd: Command, options: OptionSpec, argv: string[], e: Error & { code?: string }): string {
  const quoted = /'(-[^'\s]*)/.exec(e.message)?.[1];
  const help = `run 'chatarchief ${cmd.name} --help' for its options`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const given = quoted ?? 'an option';
      const near = given.startsWith('--') ? closestOption(given.slice(2), Object.keys(options)) : undefined;
      if (near) return `unknown option ${given}; did you mean --${near}? (${help})`;
      const dash = cmd.positionals ? `; a path that starts with '-' goes after '--' (${cmd.name} … -- ${given})` : '';
      return `unknown option ${given}; ${help}${dash}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted?.replace(/^-+/, '');
      if (!name) break;
      if (options[name]?.type === 'boolean') return `--${name} takes no value (give --${name} alone)`;
      const expected = name === 'db' ? '<file>, the store' : shownValue(cmd, name);
      const at = argv.indexOf(`--${name}`);
      const next = at >= 0 ? argv[at + 1] : undefined;
      const why = next === undefined ? 'is missing its value' : `is missing its value (the next word, ${next}, is an option)`;
      return `--${name} ${why}; expected ${expected}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const word = /'([^']*)'/.exec(e.message)?.[1] ?? '';
      return `unexpected argument '${word}': ${cmd.name} takes only options; ${help}`;
    }
  }
  return e.message;
}

/** The option whose name is at most two edits from `given` (a typo such as --custodain), if exactly one is. */
function closestOption(given: string, names: string[]): string | undefined {
  const near = names.filter((n) => n !== 'help' && editDistance(given, n) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

/** Levenshtein distance (with adjacent swaps counted as one edit), for short option names. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Validates parsed options with a zod schema; the error names each bad option and what was expected.
 */
export function validateOptions<T extends z.ZodType>(cmd: Command, schema: T, values: unknown): z.infer<T> {
  // A schema's own message wins; where a schema has none, zod's words ('Invalid input: expected string, received
  // undefined') are replaced by what the usage line shows the option takes.
  const r = schema.safeParse(values, { error: (iss) => optionMessage(cmd, iss) });
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const opt = i.path.length ? `--${String(i.path[0])}` : 'options';
    // A message that names the option itself ('--to must not be before --from') is not prefixed with it again.
    return i.message.startsWith(`${opt} `) ? i.message : `${opt}: ${i.message}`;
  });
  throw new UserError(`${lines.join('\n')}\nusage: chatarchief ${cmd.usage}`);
}

/** What an option takes, as its usage line shows it (`--from <YYYY-MM-DD>` → `<YYYY-MM-DD>`), else 'a value'. */
function shownValue(cmd: Command, opt: string): string {
  // Option names are lower-case letters, digits and dashes: nothing to escape.
  const m = new RegExp(`--${opt}[ =]([^\\s\\[\\]()]+)`).exec(cmd.usage);
  return m?.[1] ?? 'a value';
}

/** The message for an option problem that the schema gives no words of its own, or undefined (zod's own then). */
function optionMessage(cmd: Command, iss: z.core.$ZodRawIssue): string | undefined {
  const opt = iss.path?.[0];
  if (typeof opt !== 'string') return undefined;
  if (iss.code === 'invalid_type' && iss.input === undefined) return `required; expected ${shownValue(cmd, opt)}`;
  if (iss.code === 'too_small' && iss.origin === 'string') return `is empty; expected ${shownValue(cmd, opt)}`;
  if (iss.code === 'too_small' && iss.origin === 'number') return `expected a whole number ${iss.inclusive ? 'of at least' : 'above'} ${String(iss.minimum)}`;
  return undefined;
}

/** A store id given as an option (`--conversation 12`): digits only, read as a number. */
export const idOption = (what: string) => z.string().regex(/^[1-9]\d*$/, `expected a ${what} id (a positive number)`).transform(Number);

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'expected a real calendar date');

export const CATEGORIES = ['zakelijk', 'privé', 'partijpolitiek'] as const;
export type Category = (typeof CATEGORIES)[number];
/** Accepts `prive` for `privé` so reviewers can type it on any keyboard. */
export const categorySchema = z
  .string()
  .transform((s) => (s.toLowerCase() === 'prive' ? 'privé' : s.toLowerCase()))
  .pipe(z.enum(CATEGORIES, { message: 'expected zakelijk, privé or partijpolitiek' }));

/** The store at `dbPath` for a command; a path that is missing (unless `create`), a folder or not SQLite is bad input. */
function openStoreAt(dbPath: string, create: boolean): Store {
  if (!fs.existsSync(dbPath)) {
    if (!create) {
      throw new UserError(
        `no store at ${dbPath}: pass --db <file> (or set CHATARCHIEF_DB) to name an existing one, or start a new one with ` +
          `'chatarchief custodian add'`,
      );
    }
  } else if (!fs.statSync(dbPath).isFile()) {
    throw new UserError(`--db ${dbPath}: not a file; expected a chatarchief store (SQLite)`);
  }
  try {
    return openStore(dbPath);
  } catch (e) {
    // A file that is not SQLite, or one SQLite cannot open: bad input, not an internal error.
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_CORRUPT') {
      throw new UserError(`--db ${dbPath}: not a usable chatarchief store (${(e as Error).message})`);
    }
    throw e;
  }
}

export function makeContext(io: Io, global: { db?: string; json?: boolean }, opts: { createStore?: boolean } = {}): Context & { close(): void } {
  let store: Store | undefined;
  // An empty --db would name the working folder; an empty $CHATARCHIEF_DB counts as unset, as the shell's convention is.
  if (global.db === '') throw new UserError('--db: is empty; expected <file>, the store (e.g. chatarchief.db)');
  const dbPath = defaultDbPath(global.db ?? (io.env.CHATARCHIEF_DB || undefined));
  const json = Boolean(global.json);
  return {
    io,
    json,
    dbPath,
    store() {
      store ??= openStoreAt(dbPath, opts.createStore ?? false);
      return store;
    },
    result(data, human) {
      if (json || !human) io.stdout(JSON.stringify(data, null, json ? 2 : 2) + '\n');
      else {
        const text = human();
        io.stdout(text.endsWith('\n') || text === '' ? text : text + '\n');
      }
    },
    log(msg) {
      io.stderr(msg.endsWith('\n') ? msg : msg + '\n');
    },
    progress(msg) {
      io.stderr(msg + '\n');
    },
    close() {
      store?.close();
      store = undefined;
    },
  };
}
