/**
 * Refusals that keep the chain of custody sound: a UTF-16 text given as a WhatsApp export, a read-out moment before
 * the export's last message, and a change of the custodian's zone after messages were read in the old one. Each exits
 * 1 naming the file (and line) and what was expected, and leaves the database and the blob store as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { utf16Encoding } from '../../parsers/lines.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-ienw', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-10'];
const SIGNAL_SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const SMS_SAMPLE = path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml');

const CHAT = [
  '02-10-2023 08:01 - Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat, zelfs WhatsApp niet, kan ze lezen of beluisteren. Tik voor meer informatie.',
  '02-10-2023 08:02 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.',
  '02-10-2023 08:05 - Minister Harbers: Dank. Graag om 10:00 een update voor de Kamerbrief.',
  '03-10-2023 09:20 - Minister Harbers: Helder, ik informeer de premier.',
].join('\n') + '\n';
const NAME = 'WhatsApp-chat met Crisisteam Hoogwater.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);
const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'minister-ienw', '--operator', 'RIH operator', '--json', ...args]);

/** The files of the blob store (temporary files included). */
function blobFiles(): string[] {
  const root = path.join(dir, 'store.blobs');
  return fs.existsSync(root) ? (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort() : [];
}

/** Runs `ingest` and expects exit 1 with the message matching, and the store exactly as before. */
async function expectRefused(args: string[], ...messages: (RegExp | string)[]): Promise<string> {
  const before = tableSnapshot(db);
  const blobs = blobFiles();
  const r = await ingest(...args);
  expect(r.code, r.stderr).toBe(1);
  for (const m of messages) expect(r.stderr).toMatch(m);
  expect(tableSnapshot(db)).toEqual(before);
  expect(blobFiles()).toEqual(blobs);
  return r.stderr;
}

const utf16le = (s: string, bom = true): Buffer => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string, bom = true): Buffer => {
  const b = Buffer.from(s, 'utf16le').swap16();
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), b]) : b;
};
/** The export times of the sources in the store. */
function exportedAt(): (string | null)[] {
  const store = new Database(db, { readonly: true });
  try {
    return (store.prepare('SELECT exported_at AS at FROM sources ORDER BY id').all() as { at: string | null }[]).map((r) => r.at);
  } finally {
    store.close();
  }
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ingest refuses a UTF-16 text given as a WhatsApp export', () => {
  it('a bare chat .txt with a UTF-16LE byte order mark: names the file, the encoding and what to do', async () => {
    const file = write(`utf16/${NAME}`, utf16le(CHAT));
    const err = await expectRefused([file], `${file}: the file is UTF-16 encoded (UTF-16LE: byte order mark FF FE); WhatsApp exports are UTF-8`);
    expect(err).toMatch(/ingest the original export as it came from the phone/);
    expect(err).not.toMatch(/no message header/);
  });

  it('a chat .txt in a folder, UTF-16BE without a byte order mark', async () => {
    const file = write(`folder/${NAME}`, utf16be(CHAT, false));
    write('folder/IMG-20231002-WA0001.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    await expectRefused([path.join(dir, 'folder')], new RegExp(`${escape(file)}: the file is UTF-16 encoded \\(UTF-16BE: no byte order mark, but \\d+ of the first \\d+ two-byte units have a NUL first byte\\)`));
  });

  it("a zip's _chat.txt in UTF-16LE without a byte order mark: names the entry in the zip", async () => {
    const zip = write('WhatsApp Chat - Crisisteam.zip', makeZip([{ name: '_chat.txt', data: utf16le(CHAT, false), deflate: true }]));
    await expectRefused([zip], `${zip} (entry _chat.txt): the file is UTF-16 encoded (UTF-16LE`);
  });

  it('a .txt not named like a chat is refused as UTF-16, not as binary data', async () => {
    const file = write('bad/notities.txt', utf16le('Boodschappen:\n- melk\n- brood\n'));
    const err = await expectRefused([file], `${file}: the file is UTF-16 encoded (UTF-16LE: byte order mark FF FE)`);
    expect(err).not.toMatch(/binary data/);
  });

  it('an SMS Backup & Restore XML saved as UTF-16: named as UTF-16 text and what it reads as, not as binary data', async () => {
    const text = fs.readFileSync(SMS_SAMPLE, 'utf8').replace("encoding='UTF-8'", "encoding='UTF-16'");
    const file = write('sms/sms-20251027.xml', utf16le(text));
    const err = await expectRefused(
      [file],
      `${file}: the file is UTF-16 encoded (UTF-16LE: byte order mark FF FE); it reads as SMS Backup & Restore XML`,
      /UTF-16 text is not supported: chatarchief reads exports as their exporters write them, in UTF-8\. Make the export again as UTF-8/,
    );
    expect(err).not.toMatch(/binary data/);
    // Without a byte order mark, big-endian, found in a folder: refused as such, not skipped as "not an export".
    const inFolder = write('smsdir/sms.xml', utf16be(text, false));
    await expectRefused([path.join(dir, 'smsdir')], new RegExp(`${escape(inFolder)}: the file is UTF-16 encoded \\(UTF-16BE: no byte order mark`));
    // In a zip: the entry is named.
    const zip = write('sms.zip', makeZip([{ name: 'sms-20251027.xml', data: utf16le(text), deflate: true }]));
    await expectRefused([zip], `${zip} (entry sms-20251027.xml): the file is UTF-16 encoded (UTF-16LE: byte order mark FF FE); it reads as SMS Backup & Restore XML`);
  });

  it('any other file in UTF-16 (byte order mark FE FF) is UTF-16 text, not binary data', async () => {
    const file = write('json/export.json', utf16be('{"berichten": []}\n'));
    const err = await expectRefused([file], `${file}: the file is UTF-16 encoded (UTF-16BE: byte order mark FE FF). UTF-16 text is not supported`);
    expect(err).not.toMatch(/binary data/);
  });

  it('leaves UTF-8 (with a BOM), a UTF-16 document shared in a zip, and Signal exports alone', async () => {
    const bom = write(`bom/${NAME}`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHAT)]));
    const r1 = await ingest(bom);
    expect(r1.code, r1.stderr).toBe(0);
    // A zip whose other entry named like a chat is a UTF-16 text: a document of the export, not a second chat.
    const zip = write('WhatsApp Chat - Overleg.zip', makeZip([
      { name: '_chat.txt', data: CHAT.replace(/Crisisteam/g, 'Overleg').replace('Helder', 'Duidelijk') },
      { name: 'chat-notities.txt', data: utf16le('Notities bij het overleg\n') },
    ]));
    const r2 = await ingest(zip);
    expect(r2.code, r2.stderr).toBe(0);
    const r3 = await ingest(SIGNAL_SAMPLE);
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.json().sources[0]).toMatchObject({ format: 'signal-export', messagesNew: 22 });
  });

  it('a chat dated in the Buddhist calendar is refused as such (file, line, what to do; code calendar), nothing stored', async () => {
    const file = write('thai/_chat.txt', '[3/18/2565 BE, 14:56:01] Elon Musk: Hello\n[3/27/2565 BE, 21:41:35] Dmitry S: Hello World\n');
    const err = await expectRefused([file], `${file}:1: the dates are written in the Buddhist calendar ("3/18/2565 BE")`, /Export the chat again from the phone with its calendar set to Gregorian/);
    expect(err).not.toMatch(/not a WhatsApp export/);
    const r = await ingest(file);
    expect(r.json().error).toMatchObject({ kind: 'bad-input', code: 'calendar', file, line: 1 });
  });

  it('detects UTF-16 from the first bytes only when it is clear', () => {
    expect(utf16Encoding(utf16le('你好，部长'))?.encoding).toBe('UTF-16LE');
    expect(utf16Encoding(utf16be('02-10-2023 08:02 - Karin', false))?.encoding).toBe('UTF-16BE');
    expect(utf16Encoding(Buffer.from(CHAT))).toBeNull();
    expect(utf16Encoding(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).toBeNull(); // the UTF-32LE mark
    // FF FE followed by lone surrogates is binary data, not text.
    expect(utf16Encoding(Buffer.from([0xff, 0xfe, 0x00, 0xdc, 0x41, 0x00]))).toBeNull();
    // A few NULs in a UTF-8 file are not enough.
    expect(utf16Encoding(Buffer.from(`${CHAT}\u0000x\u0000`))).toBeNull();
  });
});

describe('ingest --read-out before the export\'s last message', () => {
  const LATE = CHAT + '04-10-2023 00:00 - Karin Smit: Net na middernacht: de dijk houdt.\n';

  it('a date alone covers that whole day in the custodian\'s zone', async () => {
    const ok = write(`ok/${NAME}`, CHAT + '03-10-2023 23:59 - Karin Smit: Laatste stand van vandaag.\n');
    const r = await ingest(ok, '--read-out', '2023-10-03');
    expect(r.code, r.stderr).toBe(0);
    const late = write(`late/${NAME}`, LATE);
    await expectRefused(
      [late, '--read-out', '2023-10-03'],
      `${late}:5: the export's last message, '04-10-2023 00:00' as written (2023-10-04T00:00:00+02:00), was sent after the read-out --read-out 2023-10-03 (the whole day, in Europe/Amsterdam)`,
      /expected a read-out at or after the last message/,
    );
  });

  it('a time covers up to the end of that minute; the latest message counts, not the last line', async () => {
    // The 09:20 message stands before an earlier one: exports are not always in time order.
    const file = write(`t/${NAME}`, CHAT + '03-10-2023 09:10 - Karin Smit: (verzonden in vliegtuigmodus)\n');
    await expectRefused([file, '--read-out', '2023-10-03T09:19'], `${file}:4: the export's last message, '03-10-2023 09:20' as written (2023-10-03T09:20:00+02:00)`);
    const r = await ingest(file, '--read-out', '2023-10-03T09:20');
    expect(r.code, r.stderr).toBe(0);
    expect(exportedAt()).toEqual(['2023-10-03T07:20:00.000Z']);
  });

  it('checks each file of one command: a later file refused leaves nothing of the earlier one', async () => {
    const first = write(`a/${NAME}`, CHAT);
    const second = write('b/WhatsApp-chat met Karin Smit.txt', LATE.replace(/Crisisteam Hoogwater/g, 'Karin'));
    const err = await expectRefused([first, second, '--read-out', '2023-10-03T18:00'], `${second}:5: the export's last message, '04-10-2023 00:00'`);
    expect(err).not.toContain(`${first}:`);
  });

  it('names a time in the skipped daylight-saving hour as flagged timeInvalid', async () => {
    const file = write(`dst/${NAME}`, '26-03-2023 01:50 - Karin Smit: Bijna tijd.\n26-03-2023 02:30 - Karin Smit: Klok gaat vooruit.\n');
    await expectRefused([file, '--read-out', '2023-03-26T01:59'], `${file}:2: the export's last message, '26-03-2023 02:30' as written`, /flagged timeInvalid/);
  });

  it('applies to Signal exports alike, and records the read-out as the export time when it is not before', async () => {
    // The sample's latest message was sent 2025-10-27 10:00 (CET), on line 23 of main.jsonl.
    await expectRefused([SIGNAL_SAMPLE, '--read-out', '2025-10-27T09:59'], new RegExp(`${escape(path.join(SIGNAL_SAMPLE, 'main.jsonl'))}:23: the export's last message, '2025-10-27T10:00:00' as written \\(2025-10-27T10:00:00(\\.000)?\\+01:00\\)`));
    await expectRefused([SIGNAL_SAMPLE, '--read-out', '2025-10-26'], /the whole day, in Europe\/Amsterdam/);
    const r = await ingest(SIGNAL_SAMPLE, '--read-out', '2025-10-27T10:00');
    expect(r.code, r.stderr).toBe(0);
    expect(exportedAt()).toEqual(['2025-10-27T09:00:00.000Z']);
  });
});

describe('custodian set --tz after an ingest', () => {
  const set = (...args: string[]) => runCli(['custodian', 'set', 'minister-ienw', '--db', db, ...args]);
  const tz = async () => (await runCli(['custodian', 'list', '--db', db, '--json'])).json().custodians[0].tz;

  it('changes the zone while nothing is ingested', async () => {
    const r = await set('--tz', 'America/Curacao');
    expect(r.code, r.stderr).toBe(0);
    expect(await tz()).toBe('America/Curacao');
  });

  it('is refused once a source exists, saying how many and why; the same zone is no change', async () => {
    expect((await ingest(write(`m/${NAME}`, CHAT))).code).toBe(0);
    const before = tableSnapshot(db);
    const r = await set('--tz', 'America/Curacao', '--to', '2026-01-01');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--tz: cannot change the zone of custodian 'minister-ienw' from Europe/Amsterdam to America/Curacao: 1 source was already ingested (4 messages), and their timestamps were read in Europe/Amsterdam");
    expect(r.stderr).toMatch(/ingest them again into a fresh store/);
    expect(tableSnapshot(db)).toEqual(before);
    const same = await set('--tz', 'Europe/Amsterdam', '--second-reviewer', 'true');
    expect(same.code, same.stderr).toBe(0);
    expect(await tz()).toBe('Europe/Amsterdam');
  });
});
