import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile, PayloadWriter } from '../../src/export/files.js';
import { ExportInterrupted, OWNER_FILE, Yielder } from '../../src/export/partial.js';
import { addCustodian } from '../../src/store/custodians.js';
import { openStore } from '../../src/store/db.js';
import { insertSyntheticContact, insertSyntheticConversation, insertSyntheticMessages } from '../../src/store/synthetic.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { buildFixture } from './fixture.js';

/** A store with one custodian (term 2024-07-02 – 2025-03-31) and one chat with messages at the given times. */
function storeWith(times: number[]): { dir: string; dbPath: string } {
  const dir = tempDir('chatarchief-interrupt-');
  const dbPath = path.join(dir, 'store.db');
  const store = openStore(dbPath);
  const { db } = store;
  addCustodian(db, { id: 'min', name: 'J. Jansen', function: 'Minister', department: 'BZK', termFrom: '2024-07-02', termTo: '2025-03-31', tz: 'Europe/Amsterdam' });
  const me = insertSyntheticContact(db, 'min', { name: 'J. Jansen', phone: '+31600000001', isCustodian: true });
  const piet = insertSyntheticContact(db, 'min', { name: 'Piet Groot', phone: '+31600000002' });
  const conv = insertSyntheticConversation(db, 'min', { title: 'Groot', participantIds: [me, piet] });
  for (let i = 0; i < times.length; i += 50_000) {
    insertSyntheticMessages(db, 'min', conv, times.slice(i, i + 50_000).map((t, k) => ({ sender: 'Piet Groot', senderContactId: piet, text: `bericht ${i + k} over de begroting`, sentAtMs: t })));
  }
  store.close();
  return { dir, dbPath };
}

const CLI = path.join(REPO, 'dist/src/cli.js');
const partials = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.partial-'));

/** Runs `export` as its own process (the binary) and sends `signal` as soon as its work folder exists. */
async function interrupt(dbPath: string, out: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string; sawPartial: boolean }> {
  const child = spawn(process.execPath, [CLI, 'export', '--custodian', 'min', '--out', out, '--db', dbPath, '--allow-unreviewed'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let sawPartial = false;
  let done = false;
  void exited.then(() => { done = true; });
  while (!done) {
    if (partials(path.dirname(out)).length) {
      sawPartial = true;
      // Let it write into the folder for a moment (it holds private content by then), then stop it.
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { ...(await exited), stderr, sawPartial };
}

describe('an interrupted export leaves nothing behind', () => {
  it('SIGINT and SIGTERM during the export remove its work folder and exit 130 and 143', async () => {
    const start = Date.UTC(2024, 8, 1);
    const { dir, dbPath } = storeWith(Array.from({ length: 120_000 }, (_, i) => start + i * 60_000));
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const out = path.join(dir, `pkg-${signal}`);
      const r = await interrupt(dbPath, out, signal);
      expect(r.sawPartial, r.stderr).toBe(true);
      expect([r.code, r.signal], r.stderr).toEqual([code, null]);
      expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal}; nothing was exported or recorded; removed the unfinished work folder .*\\.pkg-${signal}\\.partial-`));
      expect(r.stderr).not.toContain('internal error');
      expect(partials(dir)).toEqual([]);
      expect(fs.existsSync(out)).toBe(false);
    }
    const db = openStore(dbPath);
    expect(db.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
    db.close();
  }, 120_000);

  it('removes the work folder an earlier, killed export left beside --out, and nothing else', async () => {
    const f = buildFixture();
    const out = path.join(f.dir, 'levering');
    const leftover = (name: string, owner: object | null): string => {
      const d = path.join(f.dir, name);
      fs.mkdirSync(path.join(d, 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(d, 'pkg', 'chat.json'), 'half a ruwe dataset');
      if (owner) fs.writeFileSync(path.join(d, OWNER_FILE), JSON.stringify(owner));
      return d;
    };
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const dead = leftover('.levering.partial-Kz5EUT', { pid: deadPid, host: os.hostname(), startedAt: '2025-01-01T00:00:00Z' });
    // In use by a running export (this process), another host's, and one without an owner record: left alone.
    const live = leftover('.levering.partial-a1B2c3', { pid: process.pid, host: os.hostname(), startedAt: '2025-01-01T00:00:00Z' });
    const remote = leftover('.levering.partial-zzzzzz', { pid: deadPid, host: `not-${os.hostname()}`, startedAt: '2025-01-01T00:00:00Z' });
    const unowned = leftover('.levering.partial-000000', null);
    // Not the exporter's names at all: never touched.
    const unrelated = ['.levering-oud', '.levering.partial-keep', '.levering.partial-abcdef.bak', '.andere.partial-abcdef', '.levering2.partial-abcdef']
      .map((n) => leftover(n, { pid: deadPid, host: os.hostname() }));
    const r = await runCli(['export', '--db', f.dbPath, '--custodian', f.custodian, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(dead)).toBe(false);
    for (const d of [live, remote, unowned, ...unrelated]) expect(fs.existsSync(path.join(d, 'pkg', 'chat.json')), d).toBe(true);
    expect(r.stderr).toContain(`warning: removed ${dead}: the unfinished work folder of an earlier export to this --out that was killed`);
    expect(r.stderr).toContain(`left alone ${live}`);
    expect(r.stderr).toContain(`left alone ${unowned}`);
    const j = r.json();
    expect(j.leftoverPartials.removed).toEqual([dead]);
    expect(j.leftoverPartials.kept.map((k: any) => k.path).sort()).toEqual([live, remote, unowned].sort());
    // And the export's own work folder is gone too.
    expect(fs.readdirSync(f.dir).filter((n) => n.startsWith('.levering.partial-')).sort()).toEqual([live, remote, unowned].map((d) => path.basename(d)).concat('.levering.partial-abcdef.bak', '.levering.partial-keep').sort());
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IMG = 'IMG-20230114-WA0004.jpg';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/**
 * A store with one ingested WhatsApp zip (a chat with a photo) whose source blob or photo blob is replaced by a named
 * pipe: a file as long as the test makes it. The export copies it until the test stops writing, so a copy that does not
 * yield to the event loop never sees a signal, whatever the machine's speed.
 */
async function storeWithEndlessBlob(which: 'source' | 'media'): Promise<{ dir: string; dbPath: string; fifo: string; prefix: string }> {
  const dir = tempDir('chatarchief-interrupt-copy-');
  const dbPath = path.join(dir, 'store.db');
  expect((await runCli(['custodian', 'add', '--db', dbPath, '--id', 'min', '--name', 'J. Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'])).code).toBe(0);
  const chat = ['14-01-2023 10:01 - Piet: Zie de kaart', `14-01-2023 10:03 - Piet: \u200e${IMG} (bestand bijgevoegd)`, 'Kaart dijkring', ''].join('\n');
  const zip = makeZip([{ name: IMG, data: JPEG }, { name: 'WhatsApp-chat met Piet.txt', data: chat }]);
  const zipFile = path.join(dir, 'piet.zip');
  fs.writeFileSync(zipFile, zip);
  const ing = await runCli(['ingest', '--db', dbPath, '--custodian', 'min', '--operator', 'RIH', zipFile]);
  expect(ing.code, ing.stderr).toBe(0);
  const store = openStore(dbPath);
  const fifo = store.blobs.pathFor(crypto.createHash('sha256').update(which === 'source' ? zip : JPEG).digest('hex'));
  store.close();
  expect(fs.existsSync(fifo)).toBe(true);
  fs.rmSync(fifo);
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  return { dir, dbPath, fifo, prefix: which === 'source' ? 'bron_' : 'media_' };
}

/**
 * Exports that store, sends `signals` (100 ms apart) once the copy of the endless blob has begun and blocks on the empty
 * pipe, then writes 64 KiB into the pipe: an export whose copy yields now sees the signal; one that does not reads on
 * and waits for more (the test then fails on the generous bound).
 */
async function interruptCopy(s: { dbPath: string; fifo: string; prefix: string }, out: string, signals: NodeJS.Signals[], nodeArgs: string[] = []) {
  // Read and write: opening it never blocks, and the export's open for reading finds a writer.
  const pipe = fs.openSync(s.fifo, fs.constants.O_RDWR);
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'export', '--custodian', 'min', '--out', out, '--db', s.dbPath, '--allow-unreviewed'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exit: { code: number | null; signal: string | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve(exit = { code, signal: sig })));
  const copying = (): string | undefined => {
    for (const p of partials(path.dirname(out))) {
      try {
        const hit = fs.readdirSync(path.join(path.dirname(out), p), { recursive: true }).map(String).find((f) => path.basename(f).startsWith(s.prefix) && !f.endsWith('.xml'));
        if (hit) return path.join(path.dirname(out), p, hit);
      } catch {
        // removed while read
      }
    }
    return undefined;
  };
  try {
    let copy: string | undefined;
    for (const started = Date.now(); !exit && !copy && Date.now() - started < 60_000; await sleep(10)) copy = copying();
    expect(copy, stderr).toBeDefined();
    await sleep(100);
    for (const sig of signals) {
      child.kill(sig);
      await sleep(100);
    }
    fs.writeSync(pipe, Buffer.alloc(64 * 1024));
    const r = await Promise.race([exited, sleep(15_000).then(() => null)]);
    if (!r) child.kill('SIGKILL');
    expect(r, `the export did not stop while copying ${copy}:\n${stderr}`).not.toBeNull();
    return { ...r!, stderr, copy: copy! };
  } finally {
    fs.closeSync(pipe);
  }
}

describe('a signal stops an export that is copying a large file', () => {
  it('SIGINT while a source file is copied: the copy stops, exit 130, no work folder', async () => {
    const s = await storeWithEndlessBlob('source');
    const out = path.join(s.dir, 'levering');
    const r = await interruptCopy(s, out, ['SIGINT']);
    expect([r.code, r.signal], r.stderr).toEqual([130, null]);
    expect(r.copy).toMatch(/_ruw\/data\/.*\/Bronbestanden\/bron_\d+_piet\.zip$/);
    expect(r.stderr).toMatch(/interrupted by SIGINT; nothing was exported or recorded; removed the unfinished work folder .*\.levering\.partial-/);
    expect(r.stderr).not.toContain('internal error');
    expect(partials(s.dir)).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  it('SIGHUP (the SSH session dropped) while a photo is copied: exit 129, no work folder', async () => {
    const s = await storeWithEndlessBlob('media');
    const out = path.join(s.dir, 'levering');
    const r = await interruptCopy(s, out, ['SIGHUP']);
    expect([r.code, r.signal], r.stderr).toEqual([129, null]);
    expect(path.basename(r.copy)).toMatch(/^media_\d+_0\.jpg$/);
    expect(r.stderr).toMatch(/interrupted by SIGHUP; nothing was exported or recorded; removed the unfinished work folder .*\.levering\.partial-/);
    expect(partials(s.dir)).toEqual([]);
    const db = openStore(s.dbPath);
    expect(db.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
    db.close();
  }, 60_000);

  it('a second Ctrl-C before the export reached its next step removes the work folder itself and exits at once', async () => {
    const s = await storeWithEndlessBlob('source');
    const out = path.join(s.dir, 'levering');
    // Both arrive while the copy is blocked (no step in between): the second handler does not wait for the export.
    const r = await interruptCopy(s, out, ['SIGINT', 'SIGINT']);
    expect([r.code, r.signal], r.stderr).toEqual([130, null]);
    expect(r.stderr).toMatch(/interrupted by SIGINT again; nothing was exported or recorded; removed the unfinished work folder .*\.levering\.partial-/);
    expect(partials(s.dir)).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  it('a work folder that cannot be removed: the interrupt stays the error (exit 130) and says so, with path and reason', async () => {
    const s = await storeWithEndlessBlob('source');
    const out = path.join(s.dir, 'levering');
    // The export's process cannot remove its work folder (as a busy mount or a permission problem would do).
    const busy = `import fs from "node:fs"; const rm = fs.rmSync; fs.rmSync = (p, o) => { if (String(p).includes(".partial-")) { const e = new Error("EBUSY: resource busy or locked, rmdir " + p); e.code = "EBUSY"; throw e; } return rm(p, o); };`;
    const r = await interruptCopy(s, out, ['SIGINT'], ['--import', `data:text/javascript,${encodeURIComponent(busy)}`]);
    expect([r.code, r.signal], r.stderr).toEqual([130, null]);
    const [left] = partials(s.dir);
    expect(left).toBeDefined();
    expect(r.stderr).toContain(`interrupted by SIGINT; nothing was exported or recorded; could NOT remove the unfinished work folder ${path.join(s.dir, left!)} (EBUSY: resource busy or locked, rmdir ${path.join(s.dir, left!)}): it holds private content, remove it by hand`);
    expect(r.stderr).not.toContain('internal error');
    fs.rmSync(path.join(s.dir, left!), { recursive: true, force: true });
  }, 60_000);
});

describe('PayloadWriter.copyFile', () => {
  it('hashes a copy as before, and stops between chunks once aborted, closing what it opened', async () => {
    const dir = tempDir('chatarchief-copy-');
    const src = path.join(dir, 'groot.bin');
    fs.writeFileSync(src, crypto.randomBytes(3 << 20));
    fs.appendFileSync(src, Buffer.alloc(5 << 20)); // 8 MiB: eight chunks
    const pw = new PayloadWriter(path.join(dir, 'bag'));
    const whole = await pw.copyFile('heel.bin', src, new Yielder());
    expect({ sha256: whole.sha256, size: whole.size }).toEqual(hashFile(src));
    expect(whole.head).toEqual(fs.readFileSync(src).subarray(0, 64));
    const ac = new AbortController();
    const y = new Yielder(ac.signal, 0); // due after every chunk
    setImmediate(() => ac.abort('SIGINT')); // runs before the copy's first yield resumes
    const err = await pw.copyFile('half.bin', src, y).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportInterrupted);
    expect(fs.statSync(path.join(dir, 'bag', 'data', 'half.bin')).size).toBe(1 << 20);
    pw.abort();
    pw.abort(); // idempotent
    if (fs.existsSync('/proc/self/fd')) {
      const open = fs.readdirSync('/proc/self/fd').map((fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });
      expect(open.filter((p) => p.startsWith(dir))).toEqual([]);
    }
    // Only the whole copy is in the manifest.
    expect(fs.readFileSync(path.join(dir, 'bag', 'manifest-sha256.txt'), 'utf8')).toBe(`${whole.sha256}  data/heel.bin\n`);
  });
});

describe('export --out that cannot be written', () => {
  it('exits 1 naming --out and the reason, without a stack trace', async () => {
    const f = buildFixture();
    const file = path.join(f.dir, 'gewoon-bestand');
    fs.writeFileSync(file, 'x');
    for (const out of [path.join(file, 'pkg'), path.join(file, 'sub', 'pkg')]) {
      const r = await runCli(['export', '--db', f.dbPath, '--custodian', f.custodian, '--out', out]);
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(`chatarchief export: --out ${out}: cannot write the package beside it in `)]);
      // (mkdir of the file itself says EEXIST, of a folder below it ENOTDIR: the same wording as the store's errors)
      expect(r.stderr).toMatch(/a part of the path is a file, not a folder \(ENOTDIR\)|a file of that name is in the way \(EEXIST\)/);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(f.store.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
  });
});

describe('messages outside the custodian\'s term', () => {
  // Amsterdam is UTC+2 in summer: 2024-07-01 23:30 local is before the term, 2024-07-02 00:30 local within it.
  const local = (iso: string): number => new Date(iso).getTime();
  const times = [
    local('2023-05-01T10:00:00+02:00'), local('2024-07-01T23:30:00+02:00'), // before 2024-07-02
    local('2024-07-02T00:30:00+02:00'), local('2025-03-31T23:30:00+02:00'), // within
    local('2025-04-01T00:30:00+02:00'), // after 2025-03-31
  ];

  it('are exported, but the export warns and counts them in outsideTerm', async () => {
    const { dir, dbPath } = storeWith(times);
    const r = await runCli(['export', '--db', dbPath, '--custodian', 'min', '--out', path.join(dir, 'alles'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: the period 2023-05-01 – 2025-04-01 holds 2 message(s) before and 1 message(s) after the term of 'min' (2024-07-02 – 2025-03-31); they are exported all the same.");
    const j = r.json();
    expect(j.outsideTerm).toEqual({ before: 2, after: 1, termFrom: '2024-07-02', termTo: '2025-03-31' });
    expect(j.packages.find((p: any) => p.set === 'ruw').messages).toBe(5); // which messages are exported is unchanged
    const other = storeWith(times);
    const human = await runCli(['export', '--db', other.dbPath, '--custodian', 'min', '--out', path.join(other.dir, 'mens'), '--from', '2024-01-01']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain("NOTE: 1 message(s) before and 1 after the custodian's term (2024-07-02 – 2025-03-31) are in this export.");
  });

  it('says nothing when the period lies within the term', async () => {
    const { dir, dbPath } = storeWith(times);
    const r = await runCli(['export', '--db', dbPath, '--custodian', 'min', '--out', path.join(dir, 'ambtstermijn'), '--from', '2024-07-02', '--to', '2025-03-31', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('term');
    expect(r.json().outsideTerm).toEqual({ before: 0, after: 0, termFrom: '2024-07-02', termTo: '2025-03-31' });
    expect(r.json().packages.find((p: any) => p.set === 'ruw').messages).toBe(2);
  });
});
