import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it, beforeEach } from 'vitest';
import { expectJsonRefusal, runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-ienw', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-10'];

// Android, Dutch UI: the first month's export of a business group chat.
const MONTH1 = [
  '02-10-2023 08:01 - Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat, zelfs WhatsApp niet, kan ze lezen of beluisteren. Tik voor meer informatie.',
  '02-10-2023 08:02 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.',
  '02-10-2023 08:05 - Minister Harbers: Dank. Graag om 10:00 een update voor de Kamerbrief.',
  '02-10-2023 08:06 - Karin Smit: Komt eraan.',
  '02-10-2023 08:06 - Karin Smit: Komt eraan.',
  '03-10-2023 09:15 - Pieter Bos: Rijkswaterstaat heeft de dijkbewaking opgeschaald.',
  '03-10-2023 09:20 - Minister Harbers: Helder, ik informeer de premier.',
].join('\n') + '\n';

// The next month: lacks one earlier message (09:15) although it covers that time, and adds two new ones.
const MONTH2 = [
  '02-10-2023 08:01 - Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat, zelfs WhatsApp niet, kan ze lezen of beluisteren. Tik voor meer informatie.',
  '02-10-2023 08:02 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.',
  '02-10-2023 08:05 - Minister Harbers: Dank. Graag om 10:00 een update voor de Kamerbrief.',
  '02-10-2023 08:06 - Karin Smit: Komt eraan.',
  '02-10-2023 08:06 - Karin Smit: Komt eraan.',
  '03-10-2023 09:20 - Minister Harbers: Helder, ik informeer de premier.',
  '04-11-2023 10:00 - Karin Smit: De piek is voorbij, evaluatie volgt.',
  '04-11-2023 10:02 - Minister Harbers: Goed werk iedereen.',
].join('\n') + '\n';

const NAME = 'WhatsApp-chat met Crisisteam Hoogwater.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);

const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'minister-ienw', '--operator', 'RIH operator', '--device', 'iPhone 15 dienst', '--json', ...args]);
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('ingest: chain of custody, dedup and missing detection', () => {
  it('records the source with hash, operator and device, and keeps the exact bytes in the blob store', async () => {
    const file = write(`m1/${NAME}`, MONTH1);
    const r = await ingest(file);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ file, sha256: sha(MONTH1), format: 'whatsapp-android', dateOrder: 'dmy', duplicateSource: false, messagesNew: 7, messagesSeenBefore: 0, messagesMissing: 0 });
    const blob = path.join(dir, 'store.blobs', 'sha256', s.sha256.slice(0, 2), s.sha256.slice(2, 4), s.sha256);
    expect(fs.readFileSync(blob, 'utf8')).toBe(MONTH1);
    const conv = (await runCli(['conversations', '--db', db, '--custodian', 'minister-ienw', '--json'])).json().conversations;
    expect(conv).toHaveLength(1);
    expect(conv[0]).toMatchObject({ title: 'Crisisteam Hoogwater', platform: 'whatsapp', isGroup: true, messageCount: 7 });
  });

  it('re-ingesting the same file changes nothing and says duplicateSource', async () => {
    const file = write(`m1/${NAME}`, MONTH1);
    expect((await ingest(file)).code).toBe(0);
    const before = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).stdout;
    const again = await ingest(file);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().sources[0]).toMatchObject({ duplicateSource: true, messagesNew: 0, id: 1, conversationId: 1 });
    expect((await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).stdout).toBe(before);
  });

  it('a later export adds only new messages and reports the one it lacks as missing, without removing it', async () => {
    expect((await ingest(write(`m1/${NAME}`, MONTH1))).code).toBe(0);
    const r = await ingest(write(`m2/${NAME}`, MONTH2));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ conversationId: 1, messagesNew: 2, messagesSeenBefore: 6, messagesMissing: 1 });
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs).toHaveLength(9);
    const gone = msgs.filter((m: any) => m.missingIn.length > 0);
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ text: 'Rijkswaterstaat heeft de dijkbewaking opgeschaald.', sources: [1], missingIn: [2] });
    // The identical repeat "Komt eraan." stays two messages, both seen in both sources.
    const repeats = msgs.filter((m: any) => m.text === 'Komt eraan.');
    expect(repeats.map((m: any) => m.sources)).toEqual([[1, 2], [1, 2]]);
    // New messages come after the known ones, in file order.
    expect(msgs.slice(-2).map((m: any) => [m.seq, m.text])).toEqual([[7, 'De piek is voorbij, evaluatie volgt.'], [8, 'Goed werk iedereen.']]);
    // The conversation's period spans both exports: its earliest and latest message.
    const byTime = [...msgs].sort((a: any, b: any) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
    const conv = (await runCli(['conversations', '--db', db, '--custodian', 'minister-ienw', '--json'])).json().conversations[0];
    expect([conv.firstAt, conv.lastAt]).toEqual([byTime[0].sentAt, byTime[byTime.length - 1].sentAt]);
    expect(conv.lastAt).not.toBe(msgs[6].sentAt);
  });

  it('gives every message the contract fields', async () => {
    expect((await ingest(write(`m1/${NAME}`, MONTH1))).code).toBe(0);
    const m = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages[1];
    expect(m).toMatchObject({
      conversationId: 1, seq: 1, sentAt: '2023-10-02T08:02:00+02:00', localTime: '02-10-2023 08:02', sender: 'Karin Smit', kind: 'text', event: null,
      text: 'Goedemorgen, de waterstand bij Lobith stijgt.', edited: false, viewOnce: false, timeAmbiguous: false, timeInvalid: false,
      attachments: [], sources: [1], missingIn: [],
    });
    expect(typeof m.id).toBe('number');
  });
});

describe('ingest: time zones', () => {
  it('flags the autumn fall-back hour as ambiguous (earlier offset) and the spring gap as invalid, and keeps both', async () => {
    const text = [
      '29-10-2023 02:30 - Karin Smit: Nachtelijke update: pompen draaien.',
      '31-03-2024 02:30 - Karin Smit: Zomertijd, alles rustig.',
      '31-03-2024 03:30 - Minister Harbers: Dank.',
    ].join('\n');
    const r = await ingest(write(`dst/${NAME}`, text));
    expect(r.code, r.stderr).toBe(0);
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs).toHaveLength(3);
    expect(msgs[0]).toMatchObject({ sentAt: '2023-10-29T02:30:00+02:00', timeAmbiguous: true, timeInvalid: false, localTime: '29-10-2023 02:30' });
    expect(msgs[1]).toMatchObject({ timeInvalid: true, timeAmbiguous: false, localTime: '31-03-2024 02:30' });
    expect(msgs[2]).toMatchObject({ sentAt: '2024-03-31T03:30:00+02:00', timeInvalid: false });
  });
});

describe('ingest: zips and attachments', () => {
  it('links media in an Android zip by name, stores their bytes, and flags omitted media as missing', async () => {
    const photo = Buffer.from('\x89PNG fake image bytes of a dijkring map');
    const chat = [
      '05-10-2023 11:00 - Karin Smit: \u200eIMG-20231005-WA0001.jpg (bestand bijgevoegd)',
      'Kaart dijkring 43',
      '05-10-2023 11:01 - Pieter Bos: <Media weggelaten>',
    ].join('\n');
    const zip = write('zips/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([
      { name: NAME, data: chat, deflate: true },
      { name: 'IMG-20231005-WA0001.jpg', data: photo },
    ]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ sha256: sha(fs.readFileSync(zip)), attachments: 2, messagesNew: 2 });
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs[0].attachments).toEqual([{ name: 'IMG-20231005-WA0001.jpg', sha256: sha(photo), size: photo.length, missing: false, mime: null }]);
    expect(msgs[0].text).toBe('Kaart dijkring 43');
    expect(msgs[1].attachments[0].missing).toBe(true);
    // The listing for people: one line per message, the caption (if any) before the attachment.
    const human = (await runCli(['messages', '--db', db, '--conversation', '1'])).stdout.split('\n');
    expect(human[0]).toMatch(/^0\tmsg 1\t2023-10-05T11:00:00\+02:00\tKarin Smit: \[media\] Kaart dijkring 43 <IMG-20231005-WA0001\.jpg>$/);
    expect(human[1]).toMatch(/^1\tmsg 2\t2023-10-05T11:01:00\+02:00\tPieter Bos: \[media\] <media \(missing\)>$/);
  });

  it('an iOS zip re-packed on a Mac (whatsapp.md §1): _chat.txt is the chat; the __MACOSX/ resource forks are no second chat and no media', async () => {
    const photo = Buffer.from('\xff\xd8\xff fake jpeg bytes of a dijkring map', 'latin1');
    const PHOTO = '00000002-PHOTO-2023-10-05-11-00-30.jpg';
    const chat = [
      '[05-10-2023 11:00:00] Crisisteam: \u200eBerichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.',
      `\u200e[05-10-2023 11:00:30] Karin Smit: \u200e<bijgevoegd: ${PHOTO}>`,
      '[05-10-2023 11:01:00] Pieter Bos: Dank',
    ].join('\r\n') + '\r\n';
    // AppleDouble headers: what a Mac writes beside every file it zips.
    const fork = Buffer.concat([Buffer.from([0x00, 0x05, 0x16, 0x07]), Buffer.alloc(60)]);
    const zip = write('zips/WhatsApp Chat - Crisisteam.zip', makeZip([
      { name: '_chat.txt', data: chat, deflate: true },
      { name: PHOTO, data: photo },
      { name: '__MACOSX/._chat.txt', data: fork },
      { name: `__MACOSX/._${PHOTO}`, data: fork },
    ]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 3, attachments: 1, attachmentsMissing: 0 });
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs[1].attachments).toEqual([{ name: PHOTO, sha256: sha(photo), size: photo.length, missing: false, mime: null }]);
    const store = new Database(db, { readonly: true });
    expect(store.prepare('SELECT path, role FROM source_files ORDER BY path').all()).toEqual([
      { path: PHOTO, role: 'media' }, { path: '_chat.txt', role: 'chat' },
    ]);
    store.close();
  });
});

describe('ingest: a chat in a zip is read from its stored copy', () => {
  it('gives the same messages, line numbers and warnings as the loose file, and keeps the entry as the chat file', async () => {
    // CRLF, a line before the first header and a bad byte: what the two passes read must be the entry's exact bytes.
    const chat = Buffer.concat([Buffer.from('voorwoord\r\n' + MONTH1.replace(/\n/g, '\r\n')), Buffer.from([0xff]), Buffer.from('\r\n')]);
    const loose = await ingest(write(`loose/${NAME}`, chat));
    expect(loose.code, loose.stderr).toBe(0);
    const looseMsgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    const db2 = path.join(dir, 'store2.db');
    expect((await runCli(['custodian', 'add', '--db', db2, ...CUSTODIAN])).code).toBe(0);
    const zip = write('zipped/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([{ name: NAME, data: chat, deflate: true }]));
    const zipped = await runCli(['ingest', '--db', db2, '--custodian', 'minister-ienw', '--operator', 'RIH operator', '--device', 'iPhone 15 dienst', '--json', zip]);
    expect(zipped.code, zipped.stderr).toBe(0);
    const z = zipped.json().sources[0];
    expect(z).toMatchObject({ sha256: sha(fs.readFileSync(zip)), messagesNew: loose.json().sources[0].messagesNew });
    expect(z.warnings.map((w: { code: string; line: number }) => [w.code, w.line])).toEqual(loose.json().sources[0].warnings.map((w: { code: string; line: number }) => [w.code, w.line]));
    expect(z.warnings.length).toBeGreaterThan(0);
    const zipMsgs = (await runCli(['messages', '--db', db2, '--conversation', '1', '--json'])).json().messages;
    expect(zipMsgs).toEqual(looseMsgs);
    expect(zipMsgs.length).toBe(7);
    // The source's chat file is the entry, with its own hash.
    const store = new Database(db2, { readonly: true });
    expect(store.prepare("SELECT path, size, sha256 FROM source_files WHERE role = 'chat'").all()).toEqual([{ path: NAME, size: chat.length, sha256: sha(chat) }]);
    store.close();
  });

  it('a zipped chat that is not a WhatsApp export is refused naming the entry in the zip', async () => {
    const zip = write('bad/notes.zip', makeZip([{ name: '_chat.txt', data: 'Boodschappen:\n- melk\n', deflate: true }]));
    const r = await ingest(zip);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${zip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(entry _chat\\.txt\\): not a WhatsApp export`));
    expect(r.stderr).toMatch(/not a WhatsApp export/);
  });
});

describe('ingest: bad input is refused whole, with the file and reason, exit 1, database unchanged', () => {
  async function expectRefused(file: string, pattern: RegExp) {
    // A good export in the same run must not land either: the run is all-or-nothing.
    const good = write(`good/${NAME}`, MONTH1);
    const before = await runCli(['conversations', '--db', db, '--custodian', 'minister-ienw', '--json']);
    const r = await ingest(good, file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(pattern);
    // (found before reading: the other path was not read; found while reading: the other export was not stored)
    expect(r.stderr).toMatch(/\nNothing of this run was stored: a run is all or nothing, so the (other paths given with this one were not read|1 other export given with this one was not stored) either\. Ingest again without this file/);
    expect(expectJsonRefusal(r, 'ingest').message).toContain(file);
    const after = await runCli(['conversations', '--db', db, '--custodian', 'minister-ienw', '--json']);
    expect(after.stdout).toBe(before.stdout);
    expect(after.json().conversations).toEqual([]);
  }

  it('an empty file', async () => {
    await expectRefused(write('bad/empty.txt', ''), /empty/);
  });
  it('a device or a named pipe: not a regular file (never read, so an endless one does not hang the run)', async () => {
    await expectRefused('/dev/zero', /\/dev\/zero: not a regular file \(a character device\); expected an export file/);
    const fifo = path.join(dir, 'bad', 'pipe.txt');
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
    await expectRefused(fifo, /pipe\.txt: not a regular file \(a named pipe \(FIFO\)\)/);
  });
  it('binary garbage', async () => {
    await expectRefused(write('bad/garbage.txt', crypto.randomBytes(4096)), /not a WhatsApp export|binary/);
  });
  it('binary data: names the byte offset of the first NUL', async () => {
    const bytes = Buffer.concat([Buffer.from('Notities bij het overleg\n'), Buffer.from([0x01, 0x00, 0x02]), crypto.randomBytes(64)]);
    await expectRefused(write('bad/export.xml', bytes), /export\.xml: binary data, not an export: a NUL byte at byte offset 26, which no text export holds/);
  });
  it('a text file that is not a WhatsApp export', async () => {
    await expectRefused(write('bad/notes.txt', 'Boodschappen:\n- melk\n- brood\n'), /notes\.txt: not a WhatsApp export: no message header found\n/);
  });
  it('a zip without a chat file', async () => {
    await expectRefused(write('bad/photos.zip', makeZip([{ name: 'IMG-1.jpg', data: 'x' }])), /no chat file/);
  });
  it('a truncated zip', async () => {
    const whole = makeZip([{ name: NAME, data: MONTH1, deflate: true }]);
    await expectRefused(write('bad/truncated.zip', whole.subarray(0, whole.length - 30)), /truncated or corrupt/);
  });
  it("a zip entry with '..'", async () => {
    await expectRefused(write('bad/slip.zip', makeZip([{ name: NAME, data: MONTH1 }, { name: '../../evil.sh', data: 'rm -rf /' }])), /\.\./);
    expect(fs.existsSync(path.join(dir, '..', 'evil.sh'))).toBe(false);
  });
  it('a zip entry with an absolute path', async () => {
    await expectRefused(write('bad/abs.zip', makeZip([{ name: NAME, data: MONTH1 }, { name: '/etc/passwd', data: 'x' }])), /absolute path/);
  });
  it('a zip entry that is a symlink', async () => {
    await expectRefused(write('bad/link.zip', makeZip([{ name: NAME, data: MONTH1 }, { name: 'IMG-1.jpg', data: '/etc/shadow', mode: 0o120777 }])), /symbolic link/);
  });
  it('a zip bomb (compression ratio above the limit)', async () => {
    const bomb = Buffer.alloc(64 * 1024 * 1024, 0x41);
    await expectRefused(write('bad/bomb.zip', makeZip([{ name: NAME, data: MONTH1 }, { name: 'VID-1.mp4', data: bomb, deflate: true }])), /compression ratio .* zip bomb/);
  });
  it('a zip whose total size exceeds --max-zip-bytes', async () => {
    const zip = write('bad/big.zip', makeZip([{ name: NAME, data: MONTH1 }, { name: 'IMG-1.jpg', data: Buffer.alloc(5000) }]));
    const r = await ingest('--max-zip-bytes', '4000', zip);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/big\.zip.*more than 4000 bytes/);
  });
  it('invalid UTF-8 is kept with a warning that names the byte offset', async () => {
    const bytes = Buffer.concat([Buffer.from('02-10-2023 08:02 - Karin Smit: caf'), Buffer.from([0xe9]), Buffer.from(' gesloten\n')]);
    const r = await ingest(write(`utf/${NAME}`, bytes));
    expect(r.code, r.stderr).toBe(0);
    const w = r.json().sources[0].warnings;
    expect(w.some((x: any) => x.code === 'invalid-utf8' && x.byteOffset === 34)).toBe(true);
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs[0].text).toBe('caf\ufffd gesloten');
  });
  it('invalid UTF-8 in a chat inside a zip: the warning names the zip and the entry, with the byte offset in the entry', async () => {
    const bytes = Buffer.concat([Buffer.from('02-10-2023 08:02 - Karin Smit: caf'), Buffer.from([0xe9]), Buffer.from(' gesloten\n')]);
    const zip = write('utf/WhatsApp-chat met Crisisteam Hoogwater.zip', makeZip([{ name: NAME, data: bytes, deflate: true }]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${zip} (entry ${NAME}): invalid UTF-8 at byte offset 34 (line 1); replaced by U+FFFD\n`);
    expect(r.json().sources[0].warnings.filter((x: any) => x.code === 'invalid-utf8')).toEqual([expect.objectContaining({ entry: NAME, byteOffset: 34, line: 1 })]);
  });
  it('NUL bytes (a copy padded with zeros) are kept in the text, with a warning naming the first', async () => {
    const head = '02-10-2023 08:02 - Karin Smit: De nota is klaar\n02-10-2023 08:03 - Karin Smit: Tot';
    const bytes = Buffer.concat([Buffer.from(head), Buffer.alloc(6000), Buffer.from('\n')]);
    const r = await ingest(write(`nul/${NAME}`, bytes));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0].warnings.filter((x: any) => x.code === 'nul-byte')).toEqual([
      expect.objectContaining({ byteOffset: Buffer.byteLength(head), line: 2 }),
    ]);
    expect(r.stderr).toMatch(/NUL byte at byte offset \d+ \(line 2\).*damaged or zero-padded copy/);
    const msgs = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    expect(msgs.map((m: any) => m.text)).toEqual(['De nota is klaar', `Tot${'\0'.repeat(6000)}`]);
  });
  it('an unknown custodian', async () => {
    const r = await runCli(['ingest', '--db', db, '--custodian', 'nobody', write(`x/${NAME}`, MONTH1)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown custodian 'nobody'/);
  });
});

