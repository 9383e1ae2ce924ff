/** The command line itself: where global options may stand, and what a wrong first word gets. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globalsFirst } from '../src/cli/main.js';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../src/store/migrations.js';
import { VERSION } from '../src/version.js';
import { generateWhatsAppExport } from '../parsers/whatsapp/generate.js';
import { REPO, runCli, tempDir } from './helpers/cli.js';

const ADD = ['custodian', 'add', '--id', 'minister-jenv', '--name', 'D. Yeşilgöz', '--function', 'Minister van Justitie en Veiligheid', '--department', 'JenV', '--from', '2022-01-10'];

describe('global options before the command (as with git)', () => {
  it('--db and --json before the command act as after it', async () => {
    const db = path.join(tempDir(), 'store.db');
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    const before = await runCli(['--json', `--db=${db}`, 'custodian', 'list']);
    const after = await runCli(['custodian', 'list', '--db', db, '--json']);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    expect(before.json().custodians.map((c: { id: string }) => c.id)).toEqual(['minister-jenv']);
  });

  it('moves only leading global options, and keeps a command option that looks like one in place', () => {
    expect(globalsFirst(['--db', 'a.db', 'messages', '--conversation', '3'])).toEqual(['messages', '--conversation', '3', '--db', 'a.db']);
    expect(globalsFirst(['messages', '--db', 'a.db'])).toEqual(['messages', '--db', 'a.db']);
    expect(globalsFirst(['--json'])).toEqual([]);
    // Never behind a `--`, after which every word is a path.
    expect(globalsFirst(['--db', 'a.db', 'ingest', '--custodian', 'x', '--', '-raar.zip'])).toEqual(['ingest', '--custodian', 'x', '--db', 'a.db', '--', '-raar.zip']);
  });

  it('an option that is not global, or --db without its file, is named in the error (exit 1)', async () => {
    const r = await runCli(['--custodian', 'x', 'conversations']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected a command, got '--custodian'/);
    expect((await runCli(['--db'])).stderr).toMatch(/expected a command, got '--db'/);
  });

  it('global options alone print the overview and exit 1', async () => {
    const r = await runCli(['--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^chatarchief .*\n\nusage: chatarchief <command>/);
  });
});

describe('help <command>', () => {
  it('explains a command, and refuses one that does not exist (exit 1) instead of showing the overview', async () => {
    const ok = await runCli(['help', 'review', 'list']);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/^usage: chatarchief review list --custodian <id>/)]);
    const typo = await runCli(['help', 'exprot']);
    expect([typo.code, typo.stdout, typo.stderr]).toEqual([1, '', expect.stringContaining("unknown command 'exprot'")]);
    const group = await runCli(['help', 'custodian']);
    expect([group.code, group.stderr]).toEqual([1, expect.stringContaining("'custodian' needs a subcommand: custodian add, custodian list, custodian set")]);
    expect((await runCli(['help'])).code).toBe(0);
  });
});

describe('--version', () => {
  it('prints the version, as JSON with --json (before or after it)', async () => {
    expect((await runCli(['--version'])).stdout).toBe(`${VERSION}\n`);
    for (const argv of [['--version', '--json'], ['--json', '--version']]) {
      const r = await runCli(argv);
      expect([r.code, r.json()], argv.join(' ')).toEqual([0, { version: VERSION }]);
    }
  });
});

describe('messages --conversation', () => {
  it('names a value that is not an id, and a missing option, with exit 1', async () => {
    const db = path.join(tempDir(), 'store.db');
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    for (const bad of ['abc', '1.5', '0', '-3']) {
      const r = await runCli(['messages', '--db', db, `--conversation=${bad}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--conversation: expected a conversation id \(a positive number\)/);
    }
    const none = await runCli(['messages', '--db', db]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringMatching(/--conversation <id> is required/)]);
    expect((await runCli(['messages', '--db', db, '--conversation', '7'])).stderr).toMatch(/unknown conversation 7/);
  });
});

describe('a store that does not exist', () => {
  it('is refused by every command but custodian add, which creates it, and no empty file is left behind', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'typo.db');
    for (const argv of [['custodian', 'list'], ['conversations', '--custodian', 'minister-jenv'], ['ingest', dir, '--custodian', 'minister-jenv'], ['report', 'coverage']]) {
      const r = await runCli([...argv, '--db', db]);
      expect([r.code, r.stderr], argv.join(' ')).toEqual([1, expect.stringContaining(`no store at ${db}`)]);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    expect((await runCli(['custodian', 'list', '--db', db])).code).toBe(0);
  });
});

describe('a --db that is not a store', () => {
  it('a folder, or a file that is not SQLite, is bad input (exit 1) and the file is left as it was', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'notes.db');
    fs.writeFileSync(text, 'boodschappen: melk, brood\n');
    const r1 = await runCli(['custodian', 'list', '--db', dir]);
    expect([r1.code, r1.stderr]).toEqual([1, expect.stringContaining(`--db ${dir}: not a file`)]);
    for (const argv of [['custodian', 'list'], ADD]) {
      const r = await runCli([...argv, '--db', text]);
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`--db ${text}: not a usable chatarchief store (file is not a database)`)]);
    }
    expect(fs.readFileSync(text, 'utf8')).toBe('boodschappen: melk, brood\n');
    expect(fs.readdirSync(dir)).toEqual(['notes.db']);
  });
});

describe('a store written by a newer chatarchief', () => {
  it('is bad input (exit 1) naming the file, its schema version and the tool\'s, saying to upgrade; the store is left as it was', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'store.db');
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    const raw = new Database(db);
    raw.pragma('journal_mode = DELETE'); // so that a switch back to WAL would show in the file's bytes
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const before = fs.readFileSync(db);
    for (const argv of [['custodian', 'list'], ['conversations', '--custodian', 'minister-jenv'], ADD]) {
      const r = await runCli([...argv, '--db', db]);
      expect(r.stderr, argv.join(' ')).not.toMatch(/internal error/);
      expect([r.code, r.stderr], argv.join(' ')).toEqual([
        1,
        expect.stringContaining(
          `--db ${db}: the store has schema version ${MIGRATIONS.length + 1}, but this chatarchief (${VERSION}) knows schema versions up to ${MIGRATIONS.length}`,
        ),
      ]);
      expect(r.stderr).toMatch(/Upgrade chatarchief to use this store; nothing was changed\n$/);
    }
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['store.db']);
  });
});

describe('output to a reader that stops early', () => {
  it('`messages --json | head` ends quietly with exit 0, not an EPIPE stack trace (the built CLI)', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'store.db');
    const chat = path.join(dir, 'WhatsApp-chat met Crisisteam Hoogwater.txt');
    fs.writeFileSync(chat, [...generateWhatsAppExport({ messages: 3000, shape: 'android-nl', seed: 7 })].join(''));
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    expect((await runCli(['ingest', chat, '--custodian', 'minister-jenv', '--db', db])).code).toBe(0);
    // Several hundred kB of JSON, of which the reader takes one chunk and closes the pipe.
    const child = spawn(process.execPath, [path.join(REPO, 'dist/src/cli.js'), 'messages', '--conversation', '1', '--json', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('verify on something that is not a package', () => {
  it('an empty folder or a missing path is bad input (exit 1), not an internal error', async () => {
    const empty = tempDir();
    const r = await runCli(['verify', empty]);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`${empty}: neither a BagIt bag (no bagit.txt) nor a folder of bags`)]);
    const missing = path.join(empty, 'levering');
    const m = await runCli(['verify', missing]);
    expect([m.code, m.stderr]).toEqual([1, expect.stringContaining(`${missing}: not a folder`)]);
  });
});

describe('a repeated option', () => {
  it('is refused instead of letting the last one win silently (one passage of two marked)', async () => {
    const r = await runCli(['review', 'mark', '--message', '3', '--span', '0:4', '--span', '9:12', '--category', 'privé', '--reviewer', 'Els']);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('--span is given more than once')]);
    // Options meant to repeat still do (tag --rules a --rules b), and a repeated flag is harmless.
    const t = await runCli(['tag', '--rules', 'a', '--rules', 'b', '--json', '--json', '--db', path.join(tempDir(), 'none.db')]);
    expect(t.stderr).not.toContain('more than once');
  });
});

describe('ingest --read-out', () => {
  it('refuses a moment in the future or in the skipped daylight-saving hour, instead of recording another one', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'store.db');
    expect((await runCli(['--db', db, ...ADD])).code).toBe(0);
    const chat = path.join(dir, 'WhatsApp-chat met Karin.txt');
    fs.writeFileSync(chat, '02-10-2023 08:02 - Karin Smit: Goedemorgen\n');
    for (const [readOut, msg] of [
      ['2099-01-01', "--read-out: '2099-01-01' is in the future"],
      ['2024-03-31T02:30', "--read-out: '2024-03-31T02:30' does not exist in Europe/Amsterdam"],
    ]) {
      const r = await runCli(['ingest', chat, '--custodian', 'minister-jenv', '--read-out', readOut!, '--db', db]);
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(msg!)]);
    }
    expect((await runCli(['ingest', chat, '--custodian', 'minister-jenv', '--read-out', '2024-03-31T03:30', '--db', db])).code).toBe(0);
  });
});

describe('custodian list', () => {
  it('shows every setting that decides what the export withholds, the default category included', async () => {
    const db = path.join(tempDir(), 'store.db');
    expect((await runCli([...ADD, '--db', db])).code).toBe(0);
    expect((await runCli(['custodian', 'set', 'minister-jenv', '--default-category', 'privé', '--db', db])).code).toBe(0);
    const out = (await runCli(['custodian', 'list', '--db', db])).stdout.split('\n');
    expect(out[0]).toMatch(/\bfour-eyes\s+default category$/);
    expect(out[2]).toMatch(/^minister-jenv\b.*\bno\s+privé$/);
  });
});
