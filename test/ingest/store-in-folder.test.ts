/**
 * An operator who keeps the store in the folder of the exports (`cd exports && chatarchief ingest .` with the default
 * ./chatarchief.db) must not have the store taken for an export or a chat's media: that copied the whole store (every
 * custodian's messages) into its own blob store as "media" of one chat, and made each later ingest of the same folder a
 * new source, since the store's bytes had changed in between.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { tableSnapshot } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-ienw', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-10'];
const CHAT_SAMPLE = path.join(REPO, 'samples/whatsapp/android-nl-1on1-directeur');
const SIGNAL_SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');

/** A copy of `sample` with a new store (the default name) inside it; commands run in that folder, as an operator would. */
async function storeInside(sample: string): Promise<{ dir: string; run: (...args: string[]) => ReturnType<typeof runCli> }> {
  const dir = path.join(tempDir(), 'exports');
  fs.cpSync(sample, dir, { recursive: true });
  const db = path.join(dir, 'chatarchief.db');
  const run = (...args: string[]) => runCli([...args, '--db', db]);
  const r = await run('custodian', 'add', ...CUSTODIAN);
  expect(r.code, r.stderr).toBe(0);
  return { dir, run };
}

function sourceFiles(dir: string): string[] {
  const db = new Database(path.join(dir, 'chatarchief.db'), { readonly: true });
  try {
    return (db.prepare('SELECT path FROM source_files ORDER BY source_id, path').all() as { path: string }[]).map((r) => r.path);
  } finally {
    db.close();
  }
}

describe('the store kept in the folder of the exports', () => {
  it('a WhatsApp chat folder: the store is skipped (said so), not stored as media; ingesting the folder again is a duplicate', async () => {
    const { dir, run } = await storeInside(CHAT_SAMPLE);
    const first = await run('ingest', dir, '--custodian', 'minister-ienw', '--json');
    expect(first.code, first.stderr).toBe(0);
    const report = first.json();
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatchObject({ duplicateSource: false });
    expect(sourceFiles(dir)).toEqual(['WhatsApp-chat met Directeur Bakker.txt']);
    expect(report.skipped).toContainEqual({ path: path.join(dir, 'chatarchief.db'), reason: expect.stringMatching(/^the database of the store this ingest writes to \(--db\)/) });
    const again = await run('ingest', dir, '--custodian', 'minister-ienw', '--json');
    expect(again.code, again.stderr).toBe(0);
    // (the blob folder exists from the first ingest on)
    expect(again.json().skipped).toContainEqual({ path: path.join(dir, 'chatarchief.blobs') + path.sep, reason: expect.stringMatching(/^the blob folder of the store this ingest writes to/) });
    expect(again.json().sources.map((s: { duplicateSource: boolean }) => s.duplicateSource)).toEqual([true]);
    expect(again.stderr).not.toMatch(/same-chat-file-other-media|folder's other files differ/);
  });

  it("a Signal export folder: the store is no file of the export (main.jsonl named, or the folder)", async () => {
    const { dir, run } = await storeInside(SIGNAL_SAMPLE);
    const first = await run('ingest', path.join(dir, 'main.jsonl'), '--custodian', 'minister-ienw', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(sourceFiles(dir).filter((p) => p.startsWith('chatarchief.'))).toEqual([]);
    for (const given of [path.join(dir, 'main.jsonl'), dir]) {
      const again = await run('ingest', given, '--custodian', 'minister-ienw', '--json');
      expect(again.code, again.stderr).toBe(0);
      expect(again.json().sources.map((s: { duplicateSource: boolean }) => s.duplicateSource), given).toEqual([true]);
    }
  });

  it('naming the store itself (or its blob folder) as the export is refused, nothing stored', async () => {
    const { dir, run } = await storeInside(CHAT_SAMPLE);
    const db = path.join(dir, 'chatarchief.db');
    const before = tableSnapshot(db);
    for (const given of [db, path.join(dir, 'chatarchief.blobs')]) {
      fs.mkdirSync(path.join(dir, 'chatarchief.blobs'), { recursive: true });
      const r = await run('ingest', given, '--custodian', 'minister-ienw', '--json');
      expect(r.code, r.stderr).toBe(1);
      expect(r.json().error).toMatchObject({ kind: 'bad-input', code: 'store-file', file: given });
      expect(r.stderr).toContain(`${given}: the `);
    }
    expect(tableSnapshot(db)).toEqual(before);
  });
});
