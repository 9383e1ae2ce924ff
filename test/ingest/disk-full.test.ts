/**
 * A disk that fills up while an ingest writes (SQLite reports SQLITE_FULL): the operator's to fix, not a bug. The run
 * is refused as bad input (a UserError, exit 1) naming the store and saying that the disk is full, and it is rolled
 * back whole: the database and the blob store are as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ingestPaths } from '../../src/ingest/run.js';
import { getCustodian } from '../../src/store/custodians.js';
import { openStore } from '../../src/store/db.js';
import { generateWhatsAppExport } from '../../parsers/whatsapp/generate.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2020-01-01'];

/** Every file under `dir` (recursively), sorted. */
const files = (dir: string): string[] => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort() : []);

it('SQLITE_FULL during an ingest: a UserError naming the store and the full disk; nothing of the run is stored', async () => {
  const { dir, db } = await freshStore(CUSTODIAN);
  const chat = writeIn(dir, 'in/WhatsApp-chat met Crisisteam Hoogwater.txt', [...generateWhatsAppExport({ messages: 2000, shape: 'android-nl', seed: 3 })].join(''));
  const before = tableSnapshot(db);
  const blobsBefore = files(path.join(dir, 'store.blobs'));
  const store = openStore(db);
  let error: unknown;
  try {
    // As if the disk had room for a few more pages only: SQLite then fails the write with SQLITE_FULL.
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 4}`);
    const custodian = getCustodian(store.db, 'min')!;
    error = await ingestPaths(store, [chat], { custodian, operator: 'RIH operator', device: null }).then(() => null, (e: unknown) => e);
  } finally {
    store.close();
  }
  expect(error).toBeInstanceOf(UserError);
  const message = (error as Error).message;
  expect(message).toContain(`the store ${db} cannot be written: the disk that holds it is full (SQLITE_FULL`);
  expect(message).toMatch(/Nothing of this run was stored: its transaction was rolled back\. Free space on that disk and ingest again$/);
  expect(message).not.toMatch(/without this file/); // the export is not at fault
  expect(tableSnapshot(db)).toEqual(before);
  expect(files(path.join(dir, 'store.blobs'))).toEqual(blobsBefore);
});
