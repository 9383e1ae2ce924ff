/**
 * Under --json every outcome is machine-readable: a refusal or a failure prints `{"error": {…}}` on stdout (the human
 * message stays on stderr), so a script needs no second parser for stderr. Without --json stdout stays empty.
 * (A full disk and a store in use: test/cli-disk-full.test.ts and test/review/busy.test.ts.)
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectJsonRefusal, runCli, tempDir } from './helpers/cli.js';

const boom = vi.hoisted(() => ({ on: false }));
vi.mock('../src/store/custodians.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../src/store/custodians.js')>();
  return {
    ...orig,
    listCustodians: (...a: Parameters<typeof orig.listCustodians>) => {
      if (boom.on) throw new TypeError("Cannot read properties of undefined (reading 'termFrom')");
      return orig.listCustodians(...a);
    },
  };
});

let db: string;
beforeEach(async () => {
  db = path.join(tempDir(), 'store.db');
  const r = await runCli(['custodian', 'add', '--db', db, '--id', 'minister-bzk', '--name', 'H. de Vries', '--function', 'Minister', '--department', 'BZK', '--from', '2024-07-02']);
  expect(r.code, r.stderr).toBe(0);
});
afterEach(() => {
  boom.on = false;
});

describe('--json on failure', () => {
  it('a usage error: the error object names the command and carries the message stderr shows', async () => {
    const r = await runCli(['messages', '--db', db, '--json']);
    expect(expectJsonRefusal(r, 'messages').message).toBe('--conversation <id> is required (a number; see: chatarchief conversations --custodian <id>)');
  });

  it('bad input in a file: the file, and the line when known, as fields', async () => {
    const file = path.join(path.dirname(db), 'WhatsApp-chat met Kabinet.txt');
    (await import('node:fs')).writeFileSync(file, 'Boodschappen:\n- melk\n');
    const r = await runCli(['ingest', file, '--custodian', 'minister-bzk', '--db', db, '--json']);
    const e = expectJsonRefusal(r, 'ingest');
    expect(e.file).toBe(file);
    expect(e.message).toMatch(/^.*WhatsApp-chat met Kabinet\.txt.*not a WhatsApp export/);
  });

  it('an unknown command, --json before or after it: command null, code unknown-command', async () => {
    for (const argv of [['--json', 'custodain', 'list'], ['custodain', 'list', '--json'], ['help', 'custodain', '--json']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(1);
      expect(r.json()).toEqual({
        error: { command: null, exitCode: 1, kind: 'bad-input', code: 'unknown-command', message: "unknown command 'custodain'. Run 'chatarchief --help' for the list." },
      });
      expect(r.stderr).toBe("chatarchief: unknown command 'custodain'. Run 'chatarchief --help' for the list.\n");
    }
  });

  it('without --json stdout stays empty; a --json after `--` is a path, not the option', async () => {
    const r = await runCli(['messages', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const p = await runCli(['ingest', '--custodian', 'minister-bzk', '--db', db, '--', '--json']);
    expect(p.code).toBe(1);
    expect(p.stdout).toBe('');
    expect(p.stderr).toContain('--json');
  });

  it('an internal error: exit 2, kind internal, the message without the stack (the stack stays on stderr)', async () => {
    boom.on = true;
    const r = await runCli(['custodian', 'list', '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(r.json()).toEqual({
      error: { command: 'custodian list', exitCode: 2, kind: 'internal', message: "internal error: Cannot read properties of undefined (reading 'termFrom')" },
    });
    expect(r.stderr).toMatch(/^chatarchief custodian list: internal error: TypeError: Cannot read properties of undefined \(reading 'termFrom'\)\n\s+at /);
  });
});

describe('a report asked for as --format json', () => {
  it('fails as JSON too', async () => {
    const r = await runCli(['report', 'findings', '--custodian', 'nobody', '--format', 'json', '--db', db]);
    expect(expectJsonRefusal(r, 'report findings').message).toMatch(/^unknown custodian 'nobody'/);
    const t = await runCli(['report', 'findings', '--custodian', 'nobody', '--db', db]);
    expect(t.code).toBe(1);
    expect(t.stdout).toBe('');
  });
});
