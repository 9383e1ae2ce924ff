/**
 * An ingest run is all-or-nothing, the blob store included: a refused run leaves no blob and no temporary file behind
 * that no row accounts for, and never removes a blob that was there before (content addressing shares it with earlier
 * sources). A successful run keeps every blob it wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectJsonRefusal, REPO, runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn, tableSnapshot } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2020-01-01'];

const CHAT_A = '02-10-2023 08:02 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.\n02-10-2023 08:05 - Minister Harbers: Dank.\n';
const CHAT_B = '03-10-2023 09:15 - Pieter Bos: Rijkswaterstaat heeft de dijkbewaking opgeschaald.\n03-10-2023 09:20 - Minister Harbers: Helder.\n';
const PHOTO = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), crypto.randomBytes(2000)]);
const zipChat = (line: string) => `05-10-2023 11:00 - Karin Smit: \u200eIMG-20231005-WA0001.jpg (bestand bijgevoegd)\n05-10-2023 11:01 - ${line}\n`;
/** An SMS Backup & Restore file whose MMS parts carry their bytes inline (stored with `putBuffer`). */
const SMS_XML = fs.readFileSync(path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml'));

let dir: string;
let db: string;
let blobDir: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
  blobDir = path.join(dir, 'store.blobs');
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);
const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH operator', '--json', ...args]);
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const blobPath = (hash: string) => path.join(blobDir, 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);

/** Every entry under the blob store folder (folders end in '/'; files with their size and mode), sorted. */
function listing(opts: { filesOnly?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!opts.filesOnly) out.push(`${r}/`);
        walk(a, r);
      } else {
        const st = fs.statSync(a);
        out.push(`${r} ${st.size} ${(st.mode & 0o777).toString(8)}`);
      }
    }
  };
  if (fs.existsSync(blobDir)) walk(blobDir, '');
  return out.sort();
}

/** The blob files by hash (the tmp folder left out). */
function blobHashes(): string[] {
  return listing({ filesOnly: true }).filter((l) => l.startsWith('sha256/')).map((l) => l.split(' ')[0]!.split('/').pop()!).sort();
}

/** Every row of every table: equal snapshots mean an unchanged database. */
const snapshot = (): Record<string, unknown[]> => tableSnapshot(db);

/** The hashes the database refers to: sources, files of sources, attachments. */
function referencedHashes(): string[] {
  const store = new Database(db, { readonly: true });
  try {
    const rows = store
      .prepare('SELECT sha256 FROM sources UNION SELECT sha256 FROM source_files UNION SELECT sha256 FROM attachments WHERE sha256 IS NOT NULL')
      .all() as { sha256: string }[];
    return rows.map((r) => r.sha256).sort();
  } finally {
    store.close();
  }
}

/** A plain text file: discovery hands it to the WhatsApp parser, which refuses it, failing the run at that file. */
const notAnExport = (): string => write('bad/notanexport.txt', 'Boodschappen:\n- melk\n- brood\n');

async function expectFailed(...files: string[]): Promise<void> {
  const r = await ingest(...files);
  expect(r.code, r.stderr).toBe(1);
  expectJsonRefusal(r, 'ingest');
}

describe('ingest: a failed run leaves the blob store as it was', () => {
  it('a run of several files refused at its last file leaves no file in a new store\'s blob folder', async () => {
    const good = write('in/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    const sms = write('in/sms-20251027.xml', SMS_XML);
    const dbBefore = snapshot();
    await expectFailed(good, sms, notAnExport());
    expect(snapshot()).toEqual(dbBefore);
    expect(listing({ filesOnly: true })).toEqual([]);
    expect(fs.existsSync(blobPath(sha(CHAT_A)))).toBe(false);
  });

  const failures: [string, () => string][] = [
    ['a text file that is not an export', notAnExport],
    ['a zip whose media entry fails its CRC-32 check (read while storing it)', () => {
      const bytes = makeZip([{ name: 'WhatsApp-chat met Dijkbewaking.txt', data: zipChat('Pieter Bos: kaart'), deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO }]);
      bytes[bytes.indexOf(PHOTO) + 1000]! ^= 0x01;
      return write('bad/WhatsApp-chat met Dijkbewaking.zip', bytes);
    }],
    ['a zip whose chat entry is damaged', () =>
      write('bad/damaged.zip', makeZip([{ name: 'WhatsApp-chat met Dijkbewaking.txt', data: CHAT_B, storedData: CHAT_B.replace('Helder', 'Hekder'), deflate: true }]))],
  ];

  it.each(failures)('after earlier ingests, a run refused at %s leaves every file and folder of the blob store as it was', async (_what, bad) => {
    // The store already holds a source with media, and another process's temporary file.
    const earlier = write('earlier/WhatsApp-chat met Hoogwater.zip', makeZip([
      { name: 'WhatsApp-chat met Hoogwater.txt', data: zipChat('Minister Harbers: Dank.'), deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
    ]));
    const r = await ingest(earlier);
    expect(r.code, r.stderr).toBe(0);
    const foreignTmp = path.join(blobDir, 'tmp', '999999-another-process');
    fs.writeFileSync(foreignTmp, 'partial copy of another run');
    const before = listing();
    const dbBefore = snapshot();

    const good = write('in/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    const sms = write('in/sms-20251027.xml', SMS_XML);
    await expectFailed(good, sms, bad());
    expect(snapshot()).toEqual(dbBefore);
    expect(listing()).toEqual(before);
    expect(fs.readdirSync(path.join(blobDir, 'tmp'))).toEqual([path.basename(foreignTmp)]);
  });

  it('a blob shared with an earlier source survives a failed run that holds the same bytes; the run\'s new blobs go', async () => {
    const first = write('m1/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    const earlier = write('earlier/WhatsApp-chat met Hoogwater.zip', makeZip([
      { name: 'WhatsApp-chat met Hoogwater.txt', data: zipChat('Minister Harbers: Dank.'), deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
    ]));
    const r = await ingest(first, earlier);
    expect(r.code, r.stderr).toBe(0);
    const before = listing();
    const dbBefore = snapshot();
    expect(blobHashes()).toEqual(expect.arrayContaining([sha(CHAT_A), sha(PHOTO)]));

    // The same chat file again (under another name) and another export with the same photo, then a bad file.
    const again = write('copy/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    const otherChat = zipChat('Pieter Bos: zelfde kaart, andere chat.');
    const other = write('later/WhatsApp-chat met Dijkbewaking.zip', makeZip([
      { name: 'WhatsApp-chat met Dijkbewaking.txt', data: otherChat, deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
    ]));
    await expectFailed(again, other, notAnExport());
    expect(snapshot()).toEqual(dbBefore);
    expect(listing()).toEqual(before);
    expect(fs.readFileSync(blobPath(sha(CHAT_A)), 'utf8')).toBe(CHAT_A);
    expect(fs.readFileSync(blobPath(sha(PHOTO))).equals(PHOTO)).toBe(true);
    expect(fs.existsSync(blobPath(sha(otherChat)))).toBe(false);
    expect(fs.existsSync(blobPath(sha(fs.readFileSync(other))))).toBe(false);
  });

  it('a blob the failed run wrote again stays when the database refers to it (an earlier source whose blob was lost)', async () => {
    const first = write('m1/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    expect((await ingest(first)).code).toBe(0);
    const lost = blobPath(sha(CHAT_A));
    fs.chmodSync(lost, 0o644);
    fs.unlinkSync(lost);
    const dbBefore = snapshot();
    const good = write('in/WhatsApp-chat met Dijkbewaking.txt', CHAT_B);
    await expectFailed(first, good, notAnExport());
    expect(snapshot()).toEqual(dbBefore);
    // Stored again by this run, but a source refers to it: kept. The run's own new blob is removed.
    expect(fs.readFileSync(lost, 'utf8')).toBe(CHAT_A);
    expect(fs.existsSync(blobPath(sha(CHAT_B)))).toBe(false);
    expect(blobHashes()).toEqual(referencedHashes());
  });
});

describe('ingest: a successful run keeps every blob it wrote', () => {
  it('stores the sources, the files of a zip and inline attachments, all referenced, and leaves no temporary file', async () => {
    const good = write('in/WhatsApp-chat met Crisisteam.txt', CHAT_A);
    const sms = write('in/sms-20251027.xml', SMS_XML);
    const zip = write('in/WhatsApp-chat met Hoogwater.zip', makeZip([
      { name: 'WhatsApp-chat met Hoogwater.txt', data: zipChat('Minister Harbers: Dank.'), deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
    ]));
    const r = await ingest(good, sms, zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(3);
    const stored = blobHashes();
    expect(stored).toEqual(expect.arrayContaining([sha(CHAT_A), sha(SMS_XML), sha(fs.readFileSync(zip)), sha(PHOTO), sha(zipChat('Minister Harbers: Dank.'))]));
    // Every blob is accounted for by a row, and every row's bytes are there (the MMS parts included).
    expect(referencedHashes().length).toBeGreaterThan(5);
    expect(stored).toEqual(referencedHashes());
    for (const h of stored) expect(sha(fs.readFileSync(blobPath(h)))).toBe(h);
    expect(fs.readdirSync(path.join(blobDir, 'tmp'))).toEqual([]);
    // A later failed run does not touch them.
    const before = listing();
    await expectFailed(write('in2/WhatsApp-chat met Dijkbewaking.txt', CHAT_B), notAnExport());
    expect(listing()).toEqual(before);
  });
});
