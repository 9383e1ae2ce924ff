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
function unknownCommand(argv: string[], io: Io): number {
  const prefix = argv.filter((a) => !a.startsWith('-')).slice(0, 1)[0] ?? argv[0]!;
  const subs = COMMANDS.filter((c) => c.name.startsWith(prefix + ' '));
  io.stderr(
    subs.length
      ? `chatarchief: '${prefix}' needs a subcommand: ${subs.map((c) => c.name).join(', ')}\n`
      : argv[0]!.startsWith('-')
        ? `chatarchief: expected a command, got '${argv[0]}' (before the command only --db <file> and --json may stand). Run 'chatarchief --help' for the list.\n`
        : `chatarchief: unknown command '${argv[0]}'. Run 'chatarchief --help' for the list.\n`,
  );
  return 1;
}

/** Runs the CLI and returns the exit code. Never calls process.exit, so tests can run it in-process. */
export async function main(rawArgv: string[], io: Io): Promise<number> {
  const argv = globalsFirst(rawArgv);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const words = argv[0] === 'help' ? argv.slice(1).filter((a) => !a.startsWith('-')) : [];
    const topic = words.length ? findCommand(words) : null;
    // `help <typo>` is refused like the typo itself, rather than answered with the overview and exit 0.
    if (words.length && !topic) return unknownCommand(words, io);
    io.stdout((topic ? commandHelp(topic.cmd) : helpText()) + '\n');
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version') {
    io.stdout(argv.includes('--json') ? `${JSON.stringify({ version: VERSION }, null, 2)}\n` : `${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) return unknownCommand(argv, io);
  const { cmd, rest } = found;
  let ctx: ReturnType<typeof makeContext> | undefined;
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      io.stdout(commandHelp(cmd) + '\n');
      return 0;
    }
    ctx = makeContext(io, { db: args.values.db as string | undefined, json: args.values.json as boolean | undefined }, { createStore: cmd.createsStore });
    const code = await cmd.run(ctx, args);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr(`chatarchief ${cmd.name}: ${e.message}\n`);
      return 1;
    }
    if (isStoreBusy(e)) {
      io.stderr(`chatarchief ${cmd.name}: ${STORE_BUSY_MESSAGE}\n`);
      return 1;
    }
    const full = diskFullMessage(e, ctx?.dbPath);
    if (full) {
      io.stderr(`chatarchief ${cmd.name}: ${full}\n`);
      return 1;
    }
    const err = e as Error;
    io.stderr(`chatarchief ${cmd.name}: internal error: ${err?.stack ?? String(e)}\n`);
    return 2;
  } finally {
    ctx?.close();
  }
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
