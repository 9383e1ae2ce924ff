/**
 * One list names every column that points into the blob store (BLOB_COLUMNS). A failed ingest asks it which of the
 * blobs it wrote a row still names before removing the others, and `audit verify` checks the blobs it names: a blob
 * column that one of them missed would let a failed ingest delete evidence, or leave evidence unchecked. These tests
 * hold the list to the schema and both users to the list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { BLOB_COLUMNS, iterateBlobReferences, referencedBlobHashes } from '../../src/store/blob-refs.js';
import { addCustodian } from '../../src/store/custodians.js';
import { ingestPaths } from '../../src/ingest/run.js';
import { REPO, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';

/**
 * Columns that hold a hash but name no blob: the rule file a suggestion came from, the audit chain, an export
 * package and a delivered slot. A new hash-like column must be put here (with its reason) or in BLOB_COLUMNS.
 */
const NOT_BLOBS = new Set(['markings.rule_file_hash', 'audit_log.prev_hash', 'audit_log.hash', 'exports.package_sha256', 'export_ledger.content_hash']);

it('every column of the schema that holds a hash is either a blob column or named as none', () => {
  const store = openStore(path.join(tempDir(), 'schema.db'));
  try {
    const hashLike = store.db
      .prepare(
        `SELECT m.name || '.' || p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p
          WHERE m.type = 'table' AND (p.name LIKE '%sha%' OR p.name LIKE '%hash%' OR p.name LIKE '%blob%' OR p.name LIKE '%digest%')
          ORDER BY 1`,
      )
      .pluck()
      .all() as string[];
    const blobs = BLOB_COLUMNS.map((c) => `${c.table}.${c.column}`);
    expect(hashLike.filter((c) => !NOT_BLOBS.has(c))).toEqual([...blobs].sort());
    // (and the exclusions are real columns: a renamed one must not leave a stale name here)
    for (const c of NOT_BLOBS) expect(hashLike).toContain(c);
  } finally {
    store.close();
  }
});

it('a blob named by a source, by a source file and by an attachment counts as referenced, each through its own column', async () => {
  const dir = tempDir();
  const store = openStore(path.join(dir, 'store.db'));
  try {
    const custodian = addCustodian(store.db, {
      id: 'min', name: 'M. Harbers', function: 'Minister van Infrastructuur en Waterstaat', department: 'IenW', termFrom: '2020-01-01', termTo: null, tz: 'Europe/Amsterdam',
    });
    const chat = '05-10-2023 11:00 - Karin Smit: \u200eIMG-20231005-WA0001.jpg (bestand bijgevoegd)\n05-10-2023 11:01 - Minister Harbers: Dank, ontvangen.\n';
    const photo = Buffer.from('\x89PNG\r\n\x1a\n dijkvak 12, kruin', 'latin1');
    const zip = path.join(dir, 'WhatsApp Chat - Crisisteam.zip');
    fs.writeFileSync(zip, makeZip([{ name: 'WhatsApp-chat met Crisisteam.txt', data: chat, deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: photo }]));
    const txt = path.join(REPO, 'samples/whatsapp/android-nl-group-crisisteam/WhatsApp-chat met Crisisteam Hoogwater.txt');
    await ingestPaths(store, [zip, txt], { custodian, operator: 'RIH operator', device: null });

    const byKind = new Map<string, Set<string>>();
    for (const r of iterateBlobReferences(store.db)) (byKind.get(r.kind) ?? byKind.set(r.kind, new Set()).get(r.kind)!).add(r.sha256);
    expect([...byKind.keys()].sort()).toEqual(['attachment', 'source', 'source-file']);

    const unknown = 'f'.repeat(64);
    for (const [kind, hashes] of byKind) {
      for (const h of hashes) expect(referencedBlobHashes(store.db, [h, unknown]), kind).toEqual(new Set([h]));
    }
    expect(referencedBlobHashes(store.db, [unknown])).toEqual(new Set());
  } finally {
    store.close();
  }
});
