/**
 * Mistakes on the command line itself (an unknown option, an option without its value, a value for a flag, a word a
 * command does not take) are said in the CLI's own words, as the other option errors are: the option first, then what
 * it expects or where to look. Never node's parser wording ("Option '--x <value>' argument missing").
 */
import { describe, expect, it } from 'vitest';
import { expectJsonRefusal, runCli } from './helpers/cli.js';

const NODE_WORDING = /Option '|Unknown option|argument is ambiguous|Did you forget|does not take positional|To specify/;

/** The message on stderr without its usage line (every usage error ends with one). */
async function refusal(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect(r.code, argv.join(' ')).toBe(1);
  expect(r.stdout).toBe('');
  const [first, ...rest] = r.stderr.trimEnd().split('\n');
  expect(rest.at(-1), 'the usage line').toMatch(/^usage: chatarchief /);
  expect(r.stderr).not.toMatch(NODE_WORDING);
  return first!;
}

describe('command-line mistakes', () => {
  it('an unknown option is named, with the option meant when it is a typo, and where to find the options', async () => {
    expect(await refusal(['ingest', 'x.zip', '--custodain', 'minister-bzk'])).toBe(
      "chatarchief ingest: unknown option --custodain; did you mean --custodian? (run 'chatarchief ingest --help' for its options)",
    );
    expect(await refusal(['report', 'coverage', '--bogus'])).toBe("chatarchief report coverage: unknown option --bogus; run 'chatarchief report coverage --help' for its options");
    // Where paths are taken, a path that starts with a dash is the likelier mistake.
    expect(await refusal(['ingest', '-raar.zip', '--custodian', 'x'])).toMatch(/^chatarchief ingest: unknown option -r; .*a path that starts with '-' goes after '--'/);
  });

  it('an option without its value says what the value is, also when the next word is another option', async () => {
    expect(await refusal(['custodian', 'list', '--department'])).toBe('chatarchief custodian list: --department is missing its value; expected <name>');
    expect(await refusal(['ingest', 'x.zip', '--custodian', '--operator', 'els'])).toBe(
      'chatarchief ingest: --custodian is missing its value (the next word, --operator, is an option); expected <id>',
    );
    expect(await refusal(['tag', '--rules'])).toBe('chatarchief tag: --rules is missing its value; expected <file|dir>');
    expect(await refusal(['custodian', 'list', '--db'])).toBe('chatarchief custodian list: --db is missing its value; expected <file>, the store');
  });

  it('a value given to a flag, and a word a command does not take, are named', async () => {
    expect(await refusal(['export', '--allow-unreviewed=yes'])).toBe('chatarchief export: --allow-unreviewed takes no value (give --allow-unreviewed alone)');
    expect(await refusal(['custodian', 'list', 'BZK'])).toBe(
      "chatarchief custodian list: unexpected argument 'BZK': custodian list takes only options; run 'chatarchief custodian list --help' for its options",
    );
  });

  it('a missing required option is named once, with what it takes', async () => {
    for (const [argv, line] of [
      [['ingest', 'x.zip'], 'chatarchief ingest: --custodian: required; expected <id> (see: chatarchief custodian list)'],
      [['review'], 'chatarchief review: --custodian: required; expected <id> (see: chatarchief custodian list)'],
      [['review', 'list'], 'chatarchief review list: --custodian: required; expected <id> (see: chatarchief custodian list)'],
      [['review', 'decide', '7', '--accept'], 'chatarchief review decide: --reviewer: required; expected <name>, who decides (recorded with the decision in the audit log)'],
    ] as const) {
      expect(await refusal([...argv])).toBe(line);
    }
  });

  it('a message that names its option already is not prefixed with it again', async () => {
    expect(await refusal(['export', '--custodian', 'x', '--out', 'pk', '--from', '2024-05-01', '--to', '2024-01-01'])).toBe('chatarchief export: --to must not be before --from');
  });

  it('under --json the same message is the error object on stdout', async () => {
    const e = expectJsonRefusal(await runCli(['ingest', 'x.zip', '--custodian', '--json']), 'ingest');
    expect(e.message).toMatch(/^--custodian is missing its value \(the next word, --json, is an option\); expected <id>\nusage: chatarchief ingest /);
  });
});
