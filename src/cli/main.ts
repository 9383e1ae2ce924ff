import { UserError } from '../errors.js';
import { isDiskFull, isStoreBusy, STORE_BUSY_MESSAGE } from '../store/db.js';
import { GLOBAL_OPTIONS, makeContext, parseCommandArgs, type Command, type Io } from './command.js';
import { COMMANDS } from './registry.js';
import { VERSION } from '../version.js';

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  // Longest match of leading non-option words against command names.
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n >= 1; n--) {
    const name = words.slice(0, n).join(' ');
    const cmd = COMMANDS.find((c) => c.name === name);
    if (cmd) {
      const idx = argv.indexOf(words[n - 1]!, 0);
      return { cmd, rest: [...argv.slice(0, idx + 1).filter((a) => a.startsWith('-')), ...argv.slice(idx + 1)] };
    }
  }
  return null;
}

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `chatarchief ${VERSION}: secure, mark and export the chats of bewindspersonen`,
    '',
    'usage: chatarchief <command> [options]   (global: --db <file>, --json, --help)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'The database is --db <file>, else $CHATARCHIEF_DB, else ./chatarchief.db.',
    'Exit codes: 0 success, 1 bad input or usage, a store in use by another process or a full disk, 2 internal error.',
    'With --json (or a report\'s --format json) a failure prints {"error": {command, exitCode, kind, message, …}} on stdout.',
  ].join('\n');
}

function commandHelp(cmd: Command): string {
  return [`usage: chatarchief ${cmd.usage}`, '', cmd.summary, ...(cmd.help ? ['', cmd.help.trim()] : [])].join('\n');
}

/**
 * Moves global options written before the command (`chatarchief --db x.db ingest …`, as with git) behind it, where
 * the command's parser reads them. Only `--db <file>`, `--db=<file>` and `--json` are global in this position.
 */
export function globalsFirst(argv: string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || a.startsWith('--db=')) lead.push(a);
    else if (a === '--db' && i + 1 < argv.length) lead.push(a, argv[++i]!);
    else break;
  }
  if (!lead.length) return argv;
  if (i === argv.length) return []; // global options and no command: as if none were given (the overview, exit 1)
  // Behind the command but before a `--`, after which every word is a path (`ingest -- -odd-name.zip`).
  const rest = argv.slice(i);
  const dashes = rest.indexOf('--');
  return dashes < 0 ? [...rest, ...lead] : [...rest.slice(0, dashes), ...lead, ...rest.slice(dashes)];
}

/** Says that `argv` names no command (a group without its subcommand, an option, a typo); exit 1. */
function unknownCommand(argv: string[], io: Io, json = false): number {
  const prefix = argv.filter((a) => !a.startsWith('-')).slice(0, 1)[0] ?? argv[0]!;
  const subs = COMMANDS.filter((c) => c.name.startsWith(prefix + ' '));
  const message =
    subs.length
      ? `chatarchief: '${prefix}' needs a subcommand: ${subs.map((c) => c.name).join(', ')}\n`
      : argv[0]!.startsWith('-')
        ? `chatarchief: expected a command, got '${argv[0]}' (before the command only --db <file> and --json may stand). Run 'chatarchief --help' for the list.\n`
        : `chatarchief: unknown command '${argv[0]}'. Run 'chatarchief --help' for the list.\n`;
  io.stderr(message);
  if (json) io.stdout(jsonError(null, 1, 'bad-input', message.replace(/^chatarchief: /, '').trimEnd(), { code: 'unknown-command' }));
  return 1;
}

/** Runs the CLI and returns the exit code. Never calls process.exit, so tests can run it in-process. */
export async function main(rawArgv: string[], io: Io): Promise<number> {
  const argv = globalsFirst(rawArgv);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const words = argv[0] === 'help' ? argv.slice(1).filter((a) => !a.startsWith('-')) : [];
    const topic = words.length ? findCommand(words) : null;
    // `help <typo>` is refused like the typo itself, rather than answered with the overview and exit 0.
    if (words.length && !topic) return unknownCommand(words, io, wantsJson(argv));
    io.stdout((topic ? commandHelp(topic.cmd) : helpText()) + '\n');
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version') {
    io.stdout(argv.includes('--json') ? `${JSON.stringify({ version: VERSION }, null, 2)}\n` : `${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  const json = wantsJson(argv);
  if (!found) return unknownCommand(argv, io, json);
  const { cmd, rest } = found;
  // Under --json, a failure is a JSON object on stdout too (unless the command printed its own result first).
  let stdoutUsed = false;
  const out: Io = json ? { ...io, stdout: (s) => { stdoutUsed = true; io.stdout(s); } } : io;
  const fail = (code: 1 | 2, kind: ErrorKind, message: string, details: UserError['details'] = {}, shown = message): number => {
    io.stderr(`chatarchief ${cmd.name}: ${shown}\n`);
    if (json && !stdoutUsed) io.stdout(jsonError(cmd.name, code, kind, message, details));
    return code;
  };
  let ctx: ReturnType<typeof makeContext> | undefined;
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      io.stdout(commandHelp(cmd) + '\n');
      return 0;
    }
    ctx = makeContext(out, { db: args.values.db as string | undefined, json: args.values.json as boolean | undefined }, { createStore: cmd.createsStore });
    const code = await cmd.run(ctx, args);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof UserError) return fail(1, 'bad-input', e.message, e.details);
    if (isStoreBusy(e)) return fail(1, 'store-busy', STORE_BUSY_MESSAGE);
    const full = diskFullMessage(e, ctx?.dbPath);
    if (full) return fail(1, 'disk-full', full);
    const err = e as Error;
    return fail(2, 'internal', `internal error: ${err?.message ?? String(e)}`, {}, `internal error: ${err?.stack ?? String(e)}`);
  } finally {
    ctx?.close();
  }
}

/** Why a command failed, as `--json` names it: bad input or usage (exit 1), a store in use, a full disk, a bug (exit 2). */
type ErrorKind = 'bad-input' | 'store-busy' | 'disk-full' | 'internal';

/** `--json`, or a report's `--format json`, stands among the words before a `--` (after which every word is a path). */
function wantsJson(argv: string[]): boolean {
  const dashes = argv.indexOf('--');
  const words = dashes < 0 ? argv : argv.slice(0, dashes);
  return words.some((w, i) => w === '--json' || w === '--format=json' || (w === '--format' && words[i + 1] === 'json'));
}

/**
 * A failure under --json: `{"error": {command, exitCode, kind, message, file?, line?, entry?, code?}}` on stdout, so that
 * a script reads every outcome from one place. The human message goes to stderr as without --json.
 */
function jsonError(command: string | null, exitCode: number, kind: ErrorKind, message: string, details: UserError['details']): string {
  const { file, line, entry, code } = details;
  return `${JSON.stringify({ error: { command, exitCode, kind, message, file, line, entry, code } }, null, 2)}\n`;
}

/**
 * A full disk (SQLite's SQLITE_FULL on the store, ENOSPC on a file) is no bug: the operator must free space. Every
 * command writes the store in transactions and an export into a work folder it removes on failure, so it is reported
 * as bad input (exit 1), naming what could not be written. Null for any other error.
 */
function diskFullMessage(e: unknown, dbPath: string | undefined): string | null {
  const err = e as NodeJS.ErrnoException | null;
  if (isDiskFull(e)) return `the store ${dbPath ?? ''} cannot be written: the disk that holds it is full (SQLITE_FULL). Free space on that disk and run the command again`;
  if (err?.code === 'ENOSPC') return `${err.path ?? 'a file'} cannot be written: the disk that holds it is full (ENOSPC). Free space on that disk and run the command again`;
  return null;
}

export { GLOBAL_OPTIONS };
