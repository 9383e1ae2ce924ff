/** Bad options on the command line: each is refused with exit 1, naming the option and what was expected. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.js';

const ADD = ['custodian', 'add', '--id', 'minister-jenv', '--name', 'D. Yeşilgöz', '--function', 'Minister van Justitie en Veiligheid', '--department', 'JenV', '--from', '2022-01-10'];

async function newStore(): Promise<string> {
  const db = path.join(tempDir(), 'store.db');
  expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
  return db;
}

describe('custodian set --to', () => {
  it('refuses an end of term before its start, as custodian add does, and changes nothing', async () => {
    const db = await newStore();
    const r = await runCli(['custodian', 'set', 'minister-jenv', '--to', '2021-12-31', '--second-reviewer', 'true', '--db', db]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain("--to: 2021-12-31 is before the start of the term of custodian 'minister-jenv' (2022-01-10); expected a date on or after 2022-01-10");
    const c = (await runCli(['custodian', 'list', '--db', db, '--json'])).json().custodians[0];
    expect([c.termTo, c.secondReviewer]).toEqual([null, false]);
    expect((await runCli(['custodian', 'set', 'minister-jenv', '--to', '2022-01-10', '--db', db])).code).toBe(0);
  });

  it('without anything to change is refused, naming the options, instead of a silent success', async () => {
    const db = await newStore();
    const r = await runCli(['custodian', 'set', 'minister-jenv', '--db', db]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain('nothing to change: give at least one of --second-reviewer, --default-category, --to, --tz');
  });
});

describe('an option that is missing or empty', () => {
  it('is named with what the usage line shows it takes, never in zod\'s words', async () => {
    const db = await newStore();
    for (const [argv, msg] of [
      [['custodian', 'add', '--id', 'x', '--name', 'a', '--function', 'b', '--department', 'c'], '--from: required; expected <YYYY-MM-DD>'],
      [['record', '--custodian', 'minister-jenv', '--channel', 'email', '--from', '2024-01-01'], '--to: required; expected <YYYY-MM-DD>'],
      [['ingest', 'x.zip', '--custodian', 'minister-jenv', '--operator', ''], '--operator: is empty; expected <name>'],
      [['ingest', 'x.zip', '--custodian', 'minister-jenv', '--max-zip-entries', '0'], '--max-zip-entries: expected a whole number above 0'],
      [['report', 'coverage', '--department', ''], '--department: is empty; expected <name>'],
      [['review', 'list', '--custodian', 'minister-jenv', '--rule', ''], '--rule: is empty; expected <id>'],
    ] as const) {
      const r = await runCli([...argv, '--db', db]);
      expect([r.code, r.stdout], argv.join(' ')).toEqual([1, '']);
      expect(r.stderr, argv.join(' ')).toContain(msg);
      expect(r.stderr, argv.join(' ')).not.toMatch(/Invalid input|Too small/);
    }
  });
});

describe('a conversation id', () => {
  it('is read alike by every command that takes one: a positive number', async () => {
    const db = await newStore();
    for (const cmd of [['messages'], ['markings'], ['review', 'list', '--custodian', 'minister-jenv']]) {
      for (const bad of ['0', 'abc', '1.5']) {
        const r = await runCli([...cmd, '--conversation', bad, '--db', db]);
        expect([r.code, r.stderr], `${cmd.join(' ')} ${bad}`).toEqual([1, expect.stringContaining('--conversation: expected a conversation id (a positive number)')]);
      }
    }
    const none = await runCli(['markings', '--db', db]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('--conversation: required; expected <id>')]);
  });
});

describe('an empty --db or $CHATARCHIEF_DB', () => {
  it('--db "" is refused naming the option, not read as the working folder; an empty $CHATARCHIEF_DB counts as unset', async () => {
    for (const argv of [['custodian', 'list', '--db', ''], ['custodian', 'list', '--db='], ['--db', '', 'custodian', 'list']]) {
      const r = await runCli(argv);
      expect([r.code, r.stderr], argv.join(' ')).toEqual([1, expect.stringContaining('--db: is empty; expected <file>')]);
    }
    const cwd = process.cwd();
    const dir = tempDir();
    process.chdir(dir);
    try {
      const r = await runCli(['custodian', 'list'], { CHATARCHIEF_DB: '' });
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`no store at ${path.join(fs.realpathSync(dir), 'chatarchief.db')}`)]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('custodian list --department', () => {
  it('refuses a department no custodian has, as the reports do, instead of saying there are no custodians yet', async () => {
    const db = await newStore();
    const r = await runCli(['custodian', 'list', '--department', 'JenW', '--db', db]);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', expect.stringContaining("unknown department 'JenW'; known: JenV")]);
    const ok = await runCli(['custodian', 'list', '--department', 'JenV', '--db', db, '--json']);
    expect(ok.json().custodians.map((c: { id: string }) => c.id)).toEqual(['minister-jenv']);
  });
});

describe('a command that a message points to', () => {
  it('names the options that command requires (conversations and review list need --custodian)', async () => {
    const db = await newStore();
    for (const argv of [['messages'], ['messages', '--conversation', '7'], ['markings', '--conversation', '7'], ['review', 'decide', '--accept', '--reviewer', 'Els']]) {
      const r = await runCli([...argv, '--db', db]);
      const hint = /see: chatarchief ([^)]*)\)/.exec(r.stderr)?.[1];
      expect([r.code, hint], argv.join(' ')).toEqual([1, expect.stringMatching(/^(conversations|review list) --custodian <id>$/)]);
    }
  });
});

describe('an empty argument', () => {
  it('is refused (exit 1) instead of read as the working folder: ingest "" took in everything below it', async () => {
    const db = await newStore();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'WhatsApp-chat met Karin.txt'), '02-10-2023 08:02 - Karin Smit: Goedemorgen\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const argv of [['ingest', '', '--custodian', 'minister-jenv'], ['verify', ''], ['rules', 'check', '']]) {
        const r = await runCli([...argv, '--db', db]);
        expect([r.code, r.stdout, r.stderr], argv.join(' ')).toEqual([1, '', expect.stringContaining('argument 1 is empty')]);
      }
    } finally {
      process.chdir(cwd);
    }
    expect((await runCli(['conversations', '--custodian', 'minister-jenv', '--db', db, '--json'])).json().conversations).toEqual([]);
  });
});
