import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectJsonRefusal, runCli } from '../helpers/cli.js';
import { makeZip, type RawEntry } from '../helpers/zip.js';
import { crc32, openZip } from '../../src/ingest/zip.js';
import { InputError } from '../../src/errors.js';
import { freshStore, writeIn, tableSnapshot } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-ienw', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-10'];

const NAME = 'WhatsApp-chat met Crisisteam Hoogwater.txt';
const CHAT = [
  '05-10-2023 11:00 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.',
  '05-10-2023 11:01 - Karin Smit: \u200eIMG-20231005-WA0001.jpg (bestand bijgevoegd)',
  'Kaart dijkring 43',
  '05-10-2023 11:05 - Minister Harbers: Dank. Graag om 10:00 een update voor de Kamerbrief.',
].join('\n') + '\n';
/** The same length as CHAT, one letter different: damage that keeps the entry readable. */
const DAMAGED_CHAT = CHAT.replace('Goedemorgen', 'Goedemorgan');
const PHOTO = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), crypto.randomBytes(3000)]);
const damagedPhoto = (): Buffer => {
  const b = Buffer.from(PHOTO);
  b[1500]! ^= 0x01;
  return b;
};

// Another chat, as a second WhatsApp export would hold it.
const OTHER_CHAT = [
  '06-10-2023 09:00 - Mallory: Kun je dit even doorsturen?',
  '06-10-2023 09:02 - Minister Harbers: Nee.',
].join('\n') + '\n';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);

const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'minister-ienw', '--operator', 'RIH operator', '--json', ...args]);
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const blobPath = (hash: string) => path.join(dir, 'store.blobs', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);

/** Every row of every table: equal snapshots mean an unchanged database. */
const snapshot = (): Record<string, unknown[]> => tableSnapshot(db);

/**
 * Ingests `zip` together with a good export in one run and expects the run refused whole: exit 1, a message naming the
 * zip and matching `pattern`, nothing on stdout, and every table as it was.
 */
async function expectRefused(zip: string, pattern: RegExp): Promise<string> {
  const good = write(`good/WhatsApp-chat met Dijkbewaking.txt`, '02-10-2023 08:02 - Pieter Bos: De dijkbewaking is opgeschaald.\n');
  const before = snapshot();
  const r = await ingest(good, zip);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(zip);
  expect(r.stderr).toMatch(pattern);
  expect(expectJsonRefusal(r, 'ingest').message).toContain(zip);
  expect(snapshot()).toEqual(before);
  expect((before.sources ?? []).length).toBe(0);
  return r.stderr;
}

/** Byte offset of `needle` in `hay`, which must hold it exactly once. */
function onlyOffset(hay: Buffer, needle: Buffer | string): number {
  const i = hay.indexOf(needle);
  expect(i).toBeGreaterThanOrEqual(0);
  expect(hay.indexOf(needle, i + 1)).toBe(-1);
  return i;
}

describe('ingest: the CRC-32 of every zip entry whose bytes are used is verified', () => {
  it('a stored chat entry with a damaged byte is refused naming the zip and the entry; the damaged bytes are not kept as evidence', async () => {
    const bytes = makeZip([{ name: NAME, data: CHAT }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO }]);
    const at = onlyOffset(bytes, 'Goedemorgen');
    bytes.write('Goedemorgan', at, 'latin1');
    const zip = write('bad/WhatsApp-chat met Crisisteam Hoogwater.zip', bytes);
    const err = await expectRefused(zip, /CRC-32 mismatch/);
    expect(err).toContain(`${zip} (entry ${NAME}): corrupt zip entry: CRC-32 mismatch`);
    expect(fs.existsSync(blobPath(sha(DAMAGED_CHAT)))).toBe(false);
  });

  it('a deflated chat entry whose inflated bytes do not match its CRC is refused', async () => {
    const zip = write('bad/deflated.zip', makeZip([{ name: NAME, data: CHAT, storedData: DAMAGED_CHAT, deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO }]));
    const err = await expectRefused(zip, /CRC-32 mismatch/);
    expect(err).toContain(`(entry ${NAME})`);
    expect(fs.existsSync(blobPath(sha(DAMAGED_CHAT)))).toBe(false);
  });

  it('an iOS _chat.txt in a folder of the zip is checked too', async () => {
    const zip = write('bad/WhatsApp Chat - Crisisteam.zip', makeZip([{ name: 'WhatsApp Chat - Crisisteam/_chat.txt', data: CHAT, storedData: DAMAGED_CHAT, deflate: true }]));
    await expectRefused(zip, /\(entry WhatsApp Chat - Crisisteam\/_chat\.txt\): corrupt zip entry: CRC-32 mismatch/);
  });

  for (const deflate of [false, true]) {
    it(`a ${deflate ? 'deflated' : 'stored'} media entry with damaged bytes is refused naming the entry`, async () => {
      let bytes: Buffer;
      if (deflate) {
        bytes = makeZip([{ name: NAME, data: CHAT, deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO, storedData: damagedPhoto(), deflate: true }]);
      } else {
        bytes = makeZip([{ name: NAME, data: CHAT, deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO }]);
        bytes[onlyOffset(bytes, PHOTO) + 1500]! ^= 0x01;
      }
      const zip = write(`bad/media-${deflate ? 'deflated' : 'stored'}.zip`, bytes);
      const err = await expectRefused(zip, /CRC-32 mismatch/);
      expect(err).toContain(`${zip} (entry IMG-20231005-WA0001.jpg): corrupt zip entry: CRC-32 mismatch`);
      expect(fs.existsSync(blobPath(sha(damagedPhoto())))).toBe(false);
    });
  }

  it('a media file that no message links is checked too (its bytes are kept as a file of the source)', async () => {
    const zip = write('bad/unlinked.zip', makeZip([{ name: NAME, data: CHAT }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO }, { name: 'VID-20231005-WA0002.mp4', data: 'video', storedData: 'vidao' }]));
    await expectRefused(zip, /\(entry VID-20231005-WA0002\.mp4\): corrupt zip entry: CRC-32 mismatch/);
  });

  it('a damaged file in a Signal export zip is refused', async () => {
    const main = [
      '{"version":"1","backupTimeMs":"1730000000000","mediaRootBackupKey":"x"}',
    ].join('\n');
    const zip = write('bad/signal.zip', makeZip([{ name: 'main.jsonl', data: main, storedData: main.replace('version', 'versiom'), deflate: true }, { name: 'metadata.json', data: '{"version":1}' }]));
    await expectRefused(zip, /\(entry main\.jsonl\): corrupt zip entry: CRC-32 mismatch/);
  });

  it('the same zip undamaged is ingested, with the entries\' exact bytes', async () => {
    const zip = write('good/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([{ name: NAME, data: CHAT, deflate: true }, { name: 'IMG-20231005-WA0001.jpg', data: PHOTO, deflate: true }]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 3, attachments: 1, attachmentsMissing: 0 });
    expect(fs.readFileSync(blobPath(sha(CHAT)), 'utf8')).toBe(CHAT);
    expect(fs.readFileSync(blobPath(sha(PHOTO)))).toEqual(PHOTO);
  });
});

describe('ingest: no chat in a zip is dropped silently', () => {
  it('a zip holding two chats is refused naming both chat entries', async () => {
    const zip = write('bad/twee.zip', makeZip([
      { name: 'WhatsApp-chat met Mallory.txt', data: OTHER_CHAT, deflate: true },
      { name: 'WhatsApp-chat met Eve.txt', data: CHAT, deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
    ]));
    const err = await expectRefused(zip, /the zip holds 2 chats/);
    expect(err).toContain("'WhatsApp-chat met Eve.txt'");
    expect(err).toContain("'WhatsApp-chat met Mallory.txt'");
  });

  it('a zip holding an iOS _chat.txt and a second chat in a folder is refused naming both', async () => {
    const zip = write('bad/WhatsApp Chat - Crisisteam.zip', makeZip([
      { name: '_chat.txt', data: '[05-10-2023 11:00:00] Karin Smit: Goedemorgen\n' },
      { name: 'oud/_chat.txt', data: '[06-10-2023 09:00:00] Mallory: Doorsturen?\n' },
    ]));
    const err = await expectRefused(zip, /the zip holds 2 chats \('_chat\.txt', 'oud\/_chat\.txt'\)/);
    expect(err).toMatch(/unpack the zip into a folder/);
  });

  it('a second chat dated in another calendar is a chat all the same: refused, not kept as a file of the export', async () => {
    const zip = write('bad/WhatsApp Chat - Overleg.zip', makeZip([
      { name: '_chat.txt', data: '[05-10-2023 11:00:00] Karin Smit: Goedemorgen\n' },
      { name: 'thai/_chat.txt', data: '[3/18/2565 BE, 14:56:01] Mallory: Doorsturen?\n' },
    ]));
    await expectRefused(zip, /the zip holds 2 chats \('_chat\.txt', 'thai\/_chat\.txt'\)/);
  });

  it('a chat file that the chat shares as a document is kept as its attachment, not refused', async () => {
    // The shared document has a shorter name than the chat: the chat is the one the zip is named after.
    const shared = 'WhatsApp-chat met Karin.txt';
    const chat = [
      '05-10-2023 11:00 - Karin Smit: Zie bijgevoegd het gesprek met de waterschappen.',
      `05-10-2023 11:01 - Karin Smit: \u200e${shared} (bestand bijgevoegd)`,
      '05-10-2023 11:05 - Minister Harbers: Dank.',
    ].join('\n') + '\n';
    const zip = write('ok/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([{ name: NAME, data: chat, deflate: true }, { name: shared, data: OTHER_CHAT, deflate: true }]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 3, attachments: 1, attachmentsMissing: 0 });
    const conv = (await runCli(['conversations', '--db', db, '--custodian', 'minister-ienw', '--json'])).json().conversations;
    expect(conv.map((c: { title: string }) => c.title)).toEqual(['Crisisteam Hoogwater']);
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs[1].attachments).toMatchObject([{ name: shared, sha256: sha(OTHER_CHAT), missing: false }]);
  });

  it('a second copy of the same chat (identical bytes) loses nothing and is kept as a file of the export', async () => {
    const chat = '[05-10-2023 11:00:00] Karin Smit: Goedemorgen\n[05-10-2023 11:01:00] Minister Harbers: Dank\n';
    const zip = write('ok/WhatsApp Chat - Crisisteam.zip', makeZip([{ name: '_chat.txt', data: chat }, { name: 'kopie/_chat.txt', data: chat, deflate: true }]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 2 });
  });

  for (const zipName of ['WhatsApp-chat met Crisisteam Hoogwater.zip', 'export-telefoon.zip']) {
    it(`a text file named like a chat that is no WhatsApp chat stays a file of the export (${zipName})`, async () => {
      const notes = 'Notities bij de chat\n- waterstand\n- Kamerbrief\n';
      const zip = write(`ok/${zipName}`, makeZip([{ name: NAME, data: CHAT }, { name: 'chat-notities.txt', data: notes }]));
      const r = await ingest(zip);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().sources[0]).toMatchObject({ messagesNew: 3 });
      const store = new Database(db, { readonly: true });
      expect(store.prepare('SELECT path, role, sha256 FROM source_files ORDER BY path').all()).toEqual([
        { path: NAME, role: 'chat', sha256: sha(CHAT) },
        { path: 'chat-notities.txt', role: 'media', sha256: sha(notes) },
      ]);
      store.close();
    });
  }

  for (const dup of [NAME, 'IMG-20231005-WA0001.jpg']) {
    it(`two entries with the same name (${dup}) are refused naming the entry`, async () => {
      const entries: RawEntry[] = [
        { name: NAME, data: CHAT },
        { name: 'IMG-20231005-WA0001.jpg', data: PHOTO },
        dup === NAME ? { name: NAME, data: OTHER_CHAT, deflate: true } : { name: dup, data: damagedPhoto() },
      ];
      const zip = write('bad/dubbel.zip', makeZip(entries));
      const err = await expectRefused(zip, /more than one entry with this name/);
      expect(err).toContain(`${zip} (entry ${dup}): refused zip entry '${dup}': the zip holds more than one entry with this name`);
    });
  }
});

describe('ingest: an encrypted zip', () => {
  it('is refused naming the encrypted entry, in plain words (no zip library option names)', async () => {
    const zip = write('enc/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([{ name: NAME, data: CHAT, deflate: true, flags: 0x1 }]));
    const err = await expectRefused(zip, /\(entry WhatsApp-chat met Crisisteam Hoogwater\.txt\): the zip entry 'WhatsApp-chat met Crisisteam Hoogwater\.txt' is encrypted \(the zip has a password\), and chatarchief cannot read encrypted zips\. Export the chat again without a password/);
    expect(err).not.toMatch(/options\.|decodeFileData|truncated or corrupt/);
  });

  it('with strong encryption too, which the zip reader refuses before naming the entry', async () => {
    const zip = write('enc/strong.zip', makeZip([{ name: NAME, data: CHAT, flags: 0x41 }]));
    const err = await expectRefused(zip, /strong\.zip: an entry of the zip is encrypted \(the zip has a password\), and chatarchief cannot read encrypted zips/);
    expect(err).not.toMatch(/not supported|truncated or corrupt/);
  });
});

describe('zip entry checksums', () => {
  it('CRC-32 gives the standard check value, also when continued over chunks', () => {
    expect(crc32(Buffer.alloc(0))).toBe(0);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = crypto.randomBytes(100_000);
    let n = 0;
    for (let i = 0; i < data.length; i += 7777) n = crc32(data.subarray(i, i + 7777), n);
    expect(n).toBe(crc32(data));
  });

  it('reading an entry to its end fails on a CRC mismatch; reading only its head and stopping does not', async () => {
    const file = write('z.zip', makeZip([{ name: 'a.bin', data: PHOTO, storedData: damagedPhoto(), deflate: true }, { name: 'b.bin', data: PHOTO }]));
    const zip = await openZip(file);
    try {
      const head = await zip.open('a.bin');
      for await (const c of head) {
        expect((c as Buffer).length).toBeGreaterThan(0);
        break;
      }
      const whole = await zip.open('a.bin');
      const read = async () => { for await (const _ of whole) { /* to the end */ } };
      const e = await read().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).details.entry).toBe('a.bin');
      expect((e as InputError).message).toMatch(/CRC-32 mismatch/);
      const chunks: Buffer[] = [];
      for await (const c of await zip.open('b.bin')) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(PHOTO);
    } finally {
      zip.close();
    }
  });
});
