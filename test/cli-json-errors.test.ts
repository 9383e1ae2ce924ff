/**
 * Under --json every outcome is machine-readable: a refusal or a failure prints `{"error": {…}}` on stdout (the human
 * message stays on stderr), so a script needs no second parser for stderr. Without --json stdout stays empty.
 * (A full disk and a store in use: test/cli-disk-full.test.ts and test/review/busy.test.ts.)
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectJsonRefusal, REPO, runCli, tempDir } from './helpers/cli.js';
import { makeZip } from './helpers/zip.js';

/** The first lines of the bundled Signal export (backup info, account) lead into the line that breaks off. */
const SIGNAL_MAIN = (await import('node:fs')).readFileSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27/main.jsonl'), 'utf8');

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

  it('bad input in a file inside a zip: file is the zip (a path that exists), entry the file in it, line the line', async () => {
    const fs = await import('node:fs');
    const dir = path.dirname(db);
    const wa = path.join(dir, 'WhatsApp Chat - Kabinet.zip');
    fs.writeFileSync(wa, makeZip([{ name: 'WhatsApp-chat met Kabinet.txt', data: 'Boodschappen voor het weekend\n'.repeat(60), deflate: true }]));
    const e1 = expectJsonRefusal(await runCli(['ingest', wa, '--custodian', 'minister-bzk', '--db', db, '--json']), 'ingest');
    expect(e1).toMatchObject({ file: wa, entry: 'WhatsApp-chat met Kabinet.txt', line: 50 });
    expect(e1.message).toBe(`${wa} (entry WhatsApp-chat met Kabinet.txt, line 50): not a WhatsApp export: no message header in the first 50 non-empty lines`);

    const signal = path.join(dir, 'signal-export-2025-10-27.zip');
    fs.writeFileSync(signal, makeZip([{ name: 'metadata.json', data: '{"version":1}' }, { name: 'main.jsonl', data: `${SIGNAL_MAIN.split('\n').slice(0, 2).join('\n')}\n{"chat": {"id": 3,\n` }]));
    const e2 = expectJsonRefusal(await runCli(['ingest', signal, '--custodian', 'minister-bzk', '--db', db, '--json']), 'ingest');
    expect(e2).toMatchObject({ file: signal, entry: 'main.jsonl', line: 3 });
    expect(e2.message).toMatch(new RegExp(`^${signal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(entry main\\.jsonl, line 3\\): not valid JSON`));

    // A good chat whose last message is after the read-out the operator gave: the line of that message, in its entry.
    const late = path.join(dir, 'WhatsApp Chat - Staf.zip');
    fs.writeFileSync(late, makeZip([{ name: 'WhatsApp-chat met Staf.txt', data: '02-10-2023 08:02 - Karin Smit: Goedemorgen\n03-10-2023 09:15 - Karin Smit: Nota is verstuurd\n', deflate: true }]));
    const e3 = expectJsonRefusal(await runCli(['ingest', late, '--read-out', '2023-10-02', '--custodian', 'minister-bzk', '--db', db, '--json']), 'ingest');
    expect(e3).toMatchObject({ file: late, entry: 'WhatsApp-chat met Staf.txt', line: 2, code: 'read-out-before-last-message' });
    expect(e3.message.startsWith(`${late} (entry WhatsApp-chat met Staf.txt, line 2): the export's last message`)).toBe(true);
    for (const e of [e1, e2, e3]) expect(fs.existsSync(e.file!), e.file).toBe(true);
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
