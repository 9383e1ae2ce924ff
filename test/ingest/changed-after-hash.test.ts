/**
 * A file written to after it was hashed (a copy still running, a sync client) must not bring messages into the store
 * that the kept bytes do not hold: the messages are read from the stored copy, and a chat file that pass 1 read while
 * it changed is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { BlobStore } from '../../src/store/blobs.js';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01'];

/** Appends `line` to `target` right after the blob store has taken (hashed and copied) it. */
function appendAfterStored(target: string, line: string): void {
  const put = BlobStore.prototype.putFile;
  vi.spyOn(BlobStore.prototype, 'putFile').mockImplementation(async function (this: BlobStore, file, opts) {
    const r = await put.call(this, file, opts);
    if (path.resolve(file) === path.resolve(target)) fs.appendFileSync(target, line);
    return r;
  });
}

function texts(db: string): string[] {
  const store = new Database(db, { readonly: true });
  try {
    return (store.prepare('SELECT text FROM messages ORDER BY id').all() as { text: string }[]).map((r) => r.text);
  } finally {
    store.close();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a file that changes after it was hashed', () => {
  it('a WhatsApp chat file is refused, and nothing is stored', async () => {
    const s = await freshStore(ADD);
    const chat = '12-03-2024 08:01 - Piet de Boer: De nota is klaar.\n12-03-2024 08:05 - Karin van der Laan: Dank, ik lees hem.\n';
    const file = writeIn(s.dir, 'WhatsApp-chat met Piet de Boer.txt', chat);
    appendAfterStored(file, '12-03-2024 09:00 - Piet de Boer: ingevoegd na het hashen\n');
    const r = await runCli(['ingest', '--db', s.db, '--custodian', 'min', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: the file changed while being read`);
    expect(texts(s.db)).toEqual([]);
  });

  it('a Signal export folder: only the messages of the kept main.jsonl are stored', async () => {
    const s = await freshStore(ADD);
    const dir = path.join(s.dir, 'signal');
    fs.cpSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27'), dir, { recursive: true });
    const main = path.join(dir, 'main.jsonl');
    const extra = { chatItem: { chatId: '1', authorId: '4', dateSent: '1761290000000', incoming: { dateReceived: '1761290000500', read: true }, standardMessage: { text: { body: 'INGEVOEGD NA HASHEN' } } } };
    appendAfterStored(main, JSON.stringify(extra) + '\n');
    const r = await runCli(['ingest', '--db', s.db, '--custodian', 'min', dir]);
    expect(r.code, r.stderr).toBe(0);
    const stored = texts(s.db);
    expect(stored.length).toBeGreaterThan(5);
    expect(stored).not.toContain('INGEVOEGD NA HASHEN');
  });

  it("a Signal export's metadata.json changed between the parse and its copy is refused", async () => {
    const s = await freshStore(ADD);
    const dir = path.join(s.dir, 'signal');
    fs.cpSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27'), dir, { recursive: true });
    const meta = path.join(dir, 'metadata.json');
    const put = BlobStore.prototype.putFileUnlessStored;
    vi.spyOn(BlobStore.prototype, 'putFileUnlessStored').mockImplementation(async function (this: BlobStore, file, mayBeStored) {
      if (path.resolve(file) === meta) fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace('{', '{"edited": true, '));
      return put.call(this, file, mayBeStored);
    });
    const r = await runCli(['ingest', '--db', s.db, '--custodian', 'min', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${meta}: the file changed while being read`);
    expect(texts(s.db)).toEqual([]);
  });
});
