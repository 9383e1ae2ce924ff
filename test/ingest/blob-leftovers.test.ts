/**
 * An ingest run killed hard (SIGKILL, power loss) leaves its temporary files in `<db>.blobs/tmp/`: the next run removes
 * those not written to for an hour, and leaves younger ones (a write in progress) and every blob alone, a blob that no
 * row refers to included (whole bytes of an export: evidence is never removed on a guess).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTmpFiles, STALE_TMP_MS } from '../../src/store/blob-leftovers.js';
import { BlobStore } from '../../src/store/blobs.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'];
const MINUTE = 60_000;

/** A temporary file as a write makes it (`<pid>-<uuid>`, read-only), last written `ageMs` ago. */
function leftover(blobs: BlobStore, ageMs: number, bytes = crypto.randomBytes(100)): string {
  fs.mkdirSync(blobs.tmpDir, { recursive: true });
  const file = path.join(blobs.tmpDir, `${4_000_000 + Math.floor(Math.random() * 1000)}-${crypto.randomUUID()}`);
  fs.writeFileSync(file, bytes, { mode: 0o444 });
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
  return path.basename(file);
}

describe('removeStaleTmpFiles', () => {
  it('removes temporary files not written to for an hour, keeps younger ones and blobs', () => {
    const blobs = new BlobStore(path.join(tempDir(), 'x.blobs'));
    const blob = blobs.putBuffer(Buffer.from('een blob die niemand noemt'));
    const old = [leftover(blobs, STALE_TMP_MS + MINUTE), leftover(blobs, 3 * 24 * 60 * MINUTE)];
    const young = leftover(blobs, STALE_TMP_MS - 5 * MINUTE);
    const r = removeStaleTmpFiles(blobs);
    expect(r.removed.sort()).toEqual(old.sort());
    expect(r.failed).toEqual([]);
    expect(fs.readdirSync(blobs.tmpDir)).toEqual([young]);
    expect(blobs.has(blob.sha256)).toBe(true);
  });

  it('a store without a tmp folder (nothing written yet) is no error', () => {
    const blobs = new BlobStore(path.join(tempDir(), 'y.blobs'));
    expect(removeStaleTmpFiles(blobs)).toEqual({ removed: [], failed: [] });
  });
});

describe('ingest after a run that was killed', () => {
  it('removes the killed run\'s old temporary files, keeps a young one and an unreferenced blob, and stores its export', async () => {
    const { dir, db } = await freshStore(CUSTODIAN);
    const blobs = new BlobStore(path.join(dir, 'store.blobs'));
    const orphan = blobs.putBuffer(crypto.randomBytes(300)); // moved in by the killed run, its rows never committed
    const old = leftover(blobs, 2 * STALE_TMP_MS);
    const young = leftover(blobs, 10 * MINUTE);
    const chat = writeIn(dir, 'WhatsApp-chat met Piet.txt', '14-01-2023 10:00 - Piet: Hoi\n14-01-2023 11:00 - Marieke Jansen: Dank\n');
    const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', chat]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0].messagesNew).toBe(2);
    expect(fs.readdirSync(blobs.tmpDir)).toEqual([young]);
    expect(fs.readdirSync(blobs.tmpDir)).not.toContain(old);
    expect(blobs.has(orphan.sha256)).toBe(true);
    expect(r.stderr).toContain('removed 1 temporary file(s) that an earlier, killed run left in the blob store');
  });
});
