/**
 * An attachment whose bytes an earlier export of a chat secured, and that a later export of the same chat lacks (it
 * still names the file, or marks it omitted, or the whole export was made without media): the ingest warns
 * (`attachment-missing-later`, `attachmentsMissingLater`), the findings report lists each one with both sources, and
 * the stored attachment keeps its bytes. Nothing is said when the earlier export lacked the file too.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'];
const CODE = 'attachment-missing-later';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
const JPEG2 = Buffer.concat([JPEG, Buffer.from('tweede foto')]);

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

type Warning = { code: string; message: string; line?: number; entry?: string };
type Finding = {
  code: string; group: string; label: string; detail: string; sourceId: number; sourceFile: string; messageId: number | null;
  conversationId: number | null; conversation: string | null; at: string | null; localTime: string | null; person: string | null;
};
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const blob = (h: string) => path.join(dir, 'store.blobs', 'sha256', h.slice(0, 2), h.slice(2, 4), h);
const ingest = async (p: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH', '--json', p]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const ingestText = async (p: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH', p]);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const findings = async (code = CODE) => ((await runCli(['report', 'findings', '--db', db, '--json'])).json().findings as Finding[]).filter((f) => f.code === code);
const warningsOf = (s: { warnings: Warning[] }) => s.warnings.filter((w) => w.code === CODE);

describe('Android: a later export names a file an earlier export secured but does not hold it', () => {
  const CHAT_NAME = 'WhatsApp-chat met Piet de Vries.txt';
  const IMG = 'IMG-20240312-WA0004.jpg';
  const DOC = 'Nota waterberging.pdf';
  const MARCH = [
    '12-03-2024 09:58 - Piet de Vries: Goedemorgen, hierbij de kaart en de nota',
    `12-03-2024 10:03 - Piet de Vries: \u200e${IMG} (bestand bijgevoegd)`,
    'Kaart dijkring 43',
    `12-03-2024 10:04 - Piet de Vries: \u200e${DOC} (bestand bijgevoegd)`,
    '12-03-2024 10:20 - Marieke Jansen: Dank, ik kijk ernaar',
    '',
  ].join('\n');
  // April's export of the same chat: the photo's line is still there, its file is not (deleted on the phone); the nota
  // is still there, and a new photo came in.
  const APRIL = `${MARCH}02-04-2024 08:15 - Piet de Vries: \u200eIMG-20240402-WA0001.jpg (bestand bijgevoegd)\n`;

  it('warns, lists a finding with both sources, keeps the bytes, and says nothing again on re-ingest', async () => {
    const march = await ingest(writeIn(dir, 'maart/WhatsApp-chat met Piet de Vries.zip', makeZip([
      { name: CHAT_NAME, data: MARCH }, { name: IMG, data: JPEG }, { name: DOC, data: PDF },
    ])));
    expect(march).toMatchObject({ attachments: 2, attachmentsMissing: 0, attachmentsMissingLater: 0 });
    expect(warningsOf(march)).toEqual([]);

    const aprilZip = writeIn(dir, 'april/WhatsApp-chat met Piet de Vries.zip', makeZip([
      { name: CHAT_NAME, data: APRIL }, { name: DOC, data: PDF }, { name: 'IMG-20240402-WA0001.jpg', data: JPEG2 },
    ]));
    const april = await ingest(aprilZip);
    expect(april).toMatchObject({ messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0, attachments: 3, attachmentsMissing: 1, attachmentsMissingLater: 1 });
    const [w, ...more] = warningsOf(april);
    expect(more).toEqual([]);
    expect(w).toMatchObject({ line: 2, entry: CHAT_NAME });
    expect(w!.message).toMatch(/^1 of 2 attachments that earlier exports of this chat secured is not in this export/);
    for (const part of [`"${IMG}"`, "'12-03-2024 10:03' as written", `secured from source ${march.id}`, 'possibly deleted on the device', 'remain the evidence']) {
      expect(w!.message).toContain(part);
    }
    expect(w!.message).not.toContain('without media');

    const [m] = (await messages(march.conversationId)).filter((x: { attachments: { name: string }[] }) => x.attachments[0]?.name === IMG);
    // The kept bytes stay linked: the attachment is not flagged missing, and its blob is whole.
    expect(m.attachments).toEqual([{ name: IMG, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }]);
    expect(m.sources).toEqual([march.id, april.id]);
    expect(m.missingIn).toEqual([]);
    expect(fs.readFileSync(blob(sha(JPEG)))).toEqual(JPEG);

    const f = await findings();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      group: 'verlies', sourceId: april.id, sourceFile: 'WhatsApp-chat met Piet de Vries.zip', messageId: m.id, conversationId: march.conversationId,
      conversation: 'Piet de Vries', at: m.sentAt, localTime: '12-03-2024 10:03', person: 'Piet de Vries',
    });
    for (const part of [`"${IMG}"`, `(bron ${april.id})`, `(bron ${march.id})`, sha(JPEG), 'bewaard', 'de export noemt de bijlage maar bevat het bestand niet']) {
      expect(f[0]!.detail).toContain(part);
    }
    expect(f[0]!.label).toContain('bewaarde bytes behouden');
    // The attachment was secured: it is no 'missing from the export' finding of its own.
    expect(await findings('attachment-missing')).toEqual([]);

    // The same export again changes nothing, and adds no second finding.
    expect(await ingest(aprilZip)).toMatchObject({ duplicateSource: true, id: april.id, warnings: [] });
    expect(await findings()).toHaveLength(1);
  });

  it("says so in the ingest table's attachments column", async () => {
    await ingest(writeIn(dir, 'maart.zip', makeZip([{ name: CHAT_NAME, data: MARCH }, { name: IMG, data: JPEG }, { name: DOC, data: PDF }])));
    const r = await ingestText(writeIn(dir, 'april.zip', makeZip([{ name: CHAT_NAME, data: APRIL }, { name: DOC, data: PDF }])));
    expect(r.stdout).toContain('3 (2 missing, 1 of them secured by an earlier export)');
    expect(r.stderr).toMatch(/warning: .*april\.zip.*: 1 of 2 attachments that earlier exports of this chat secured is not in this export/);
  });

  it('a later export without media: every secured file is counted, once per export that lacks it', async () => {
    const march = await ingest(writeIn(dir, 'maart.zip', makeZip([{ name: CHAT_NAME, data: MARCH }, { name: IMG, data: JPEG }, { name: DOC, data: PDF }])));
    // "Zonder media": Android writes every attachment as <Media weggelaten>, and the zip holds only the chat.
    const without = APRIL.replace(/\u200e\S+\.(?:jpg|pdf) \(bestand bijgevoegd\)|\u200eNota waterberging\.pdf \(bestand bijgevoegd\)/g, '<Media weggelaten>');
    expect(without).not.toContain('bestand bijgevoegd');
    const april = await ingest(writeIn(dir, 'april.zip', makeZip([{ name: CHAT_NAME, data: without }])));
    expect(april).toMatchObject({ messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0, attachmentsMissing: 3, attachmentsMissingLater: 2 });
    const [w] = warningsOf(april);
    expect(w!.message).toMatch(/^2 of 2 attachments that earlier exports of this chat secured are not in this export/);
    for (const part of ['the export marks every one omitted', `"${IMG}"`, `"${DOC}"`, 'probably made without media']) expect(w!.message).toContain(part);
    const f = await findings();
    expect(f.map((x) => [x.sourceId, x.localTime])).toEqual([[april.id, '12-03-2024 10:03'], [april.id, '12-03-2024 10:04']]);
    expect(f[0]!.detail).toContain('de export meldt de bijlage als weggelaten');
    expect(f[0]!.detail).toContain(`(bron ${march.id})`);
    // May's export is again without media: it lacks them too, as a message lacking from two later exports is missing in both.
    const may = await ingest(writeIn(dir, 'mei.zip', makeZip([{ name: CHAT_NAME, data: `${without}01-05-2024 11:00 - Piet de Vries: Mei\n` }])));
    expect(may).toMatchObject({ attachmentsMissingLater: 2 });
    expect((await findings()).map((x) => x.sourceId)).toEqual([april.id, may.id, april.id, may.id]);
    // Both keep their bytes; the photo April added is missing, as its export left it out.
    expect((await messages(march.conversationId)).filter((x: { attachments: unknown[] }) => x.attachments.length).map((x: { attachments: unknown[] }) => x.attachments)).toEqual([
      [{ name: IMG, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }],
      [{ name: DOC, sha256: sha(PDF), size: PDF.length, missing: false, mime: null }],
      [{ name: 'media', sha256: null, size: null, missing: true, mime: null }],
    ]);
  });

  it('an older export without media, ingested after a newer one with the files, is no later export: nothing is said', async () => {
    const april = await ingest(writeIn(dir, 'april.zip', makeZip([
      { name: CHAT_NAME, data: APRIL }, { name: IMG, data: JPEG }, { name: DOC, data: PDF }, { name: 'IMG-20240402-WA0001.jpg', data: JPEG2 },
    ])));
    const withoutMedia = MARCH.replace(/\u200e\S+\.jpg \(bestand bijgevoegd\)|\u200eNota waterberging\.pdf \(bestand bijgevoegd\)/g, '<Media weggelaten>');
    const march = await ingest(writeIn(dir, 'maart.zip', makeZip([{ name: CHAT_NAME, data: withoutMedia }])));
    expect(march).toMatchObject({ conversationId: april.conversationId, messagesNew: 0, messagesSeenBefore: 4, attachmentsMissing: 2, attachmentsMissingLater: 0 });
    expect(warningsOf(march)).toEqual([]);
    expect(await findings()).toEqual([]);
    // A newer one without media is later, whatever the order of ingest.
    const may = await ingest(writeIn(dir, 'mei.zip', makeZip([{ name: CHAT_NAME, data: `${withoutMedia}01-05-2024 11:00 - Piet de Vries: Mei\n` }])));
    expect(may).toMatchObject({ attachmentsMissingLater: 2 });
    expect((await findings()).map((f) => f.sourceId)).toEqual([may.id, may.id]);
  });

  it('bytes filled in by a later export are secured by that export; an attachment never secured is no finding', async () => {
    // March: the bare .txt without media (nothing secured); April: with the photo (filled in); May: without it again.
    await ingest(writeIn(dir, `maart/${CHAT_NAME}`, MARCH));
    const april = await ingest(writeIn(dir, 'april.zip', makeZip([{ name: CHAT_NAME, data: MARCH }, { name: IMG, data: JPEG }])));
    expect(april).toMatchObject({ attachmentsFilled: 1, attachmentsMissingLater: 0 });
    const may = await ingest(writeIn(dir, 'mei.zip', makeZip([{ name: CHAT_NAME, data: APRIL }, { name: 'IMG-20240402-WA0001.jpg', data: JPEG2 }])));
    // The nota was never secured: missing in every export, no 'missing later' for it.
    expect(may).toMatchObject({ attachmentsMissing: 2, attachmentsMissingLater: 1 });
    const [w] = warningsOf(may);
    expect(w!.message).toMatch(/^1 of 1 attachment that earlier exports of this chat secured is not in this export/);
    expect(w!.message).toContain(`secured from source ${april.id}`);
    expect(w!.message).not.toContain(DOC);
    const f = await findings();
    expect(f).toHaveLength(1);
    expect(f[0]!.detail).toContain(`Veiliggesteld uit april.zip (bron ${april.id})`);
  });
});

describe('iOS: a later export made without media', () => {
  const PHOTO = '00000012-PHOTO-2024-02-14-07-31-12.jpg';
  const LOST = '00000013-PHOTO-2024-02-14-07-31-40.jpg';
  const L = '\u200e';
  const lines = (photo: string, lost: string) => [
    `[14-02-2024 07:30:00] Thomas: ${L}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`,
    '[14-02-2024 07:30:05] Thomas: Goedemorgen! Foto van de dijk',
    `${L}[14-02-2024 07:31:12] Thomas: ${photo}`,
    `${L}[14-02-2024 07:31:40] Thomas: ${lost}`,
    '[14-02-2024 07:35:00] Marieke Jansen: Mooi, dank je',
  ];

  it('the photo the earlier export secured is listed; the one it lacked too is not', async () => {
    // February, with media: the first photo's file is in the zip, the second's is not (already gone from the phone).
    const feb = await ingest(writeIn(dir, 'feb/WhatsApp Chat - Thomas.zip', makeZip([
      { name: '_chat.txt', data: `${lines(`${L}<bijgevoegd: ${PHOTO}>`, `${L}<bijgevoegd: ${LOST}>`).join('\n')}\n` }, { name: PHOTO, data: JPEG },
    ])));
    expect(feb).toMatchObject({ format: 'whatsapp-ios', attachments: 2, attachmentsMissing: 1 });
    // March, without media: iOS writes "afbeelding weggelaten" for both.
    const mar = await ingest(writeIn(dir, 'mrt/WhatsApp Chat - Thomas.zip', makeZip([
      { name: '_chat.txt', data: `${[...lines(`${L}afbeelding weggelaten`, `${L}afbeelding weggelaten`), '[01-03-2024 09:00:00] Thomas: Nieuwe maand'].join('\n')}\n` },
    ])));
    expect(mar).toMatchObject({ format: 'whatsapp-ios', conversationId: feb.conversationId, messagesNew: 1, messagesMissing: 0, attachmentsMissing: 2, attachmentsMissingLater: 1 });
    const [w, ...more] = warningsOf(mar);
    expect(more).toEqual([]);
    expect(w!.message).toMatch(/^1 of 1 attachment that earlier exports of this chat secured is not in this export/);
    for (const part of [`"${PHOTO}"`, "'14-02-2024 07:31:12' as written", 'the export marks every one omitted', 'probably made without media']) expect(w!.message).toContain(part);
    expect(w!.message).not.toContain(LOST);

    const f = await findings();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ sourceId: mar.id, localTime: '14-02-2024 07:31:12', conversation: 'Thomas' });
    for (const part of [`"${PHOTO}"`, `(bron ${mar.id})`, `(bron ${feb.id})`, sha(JPEG)]) expect(f[0]!.detail).toContain(part);
    // The photo February lacked is its own finding, as before, and no more.
    expect((await findings('attachment-missing')).map((x) => x.detail)).toEqual([LOST]);

    const photos = (await messages(feb.conversationId)).filter((m: { attachments: unknown[] }) => m.attachments.length);
    expect(photos.map((m: { attachments: unknown[] }) => m.attachments)).toEqual([
      [{ name: PHOTO, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }],
      [{ name: LOST, sha256: null, size: null, missing: true, mime: null }],
    ]);
  });
});

describe("Signal: a sigtop export without its attachments folder, after Signal's own export with the file", () => {
  const SIGNAL = path.join(SHARED, 'formats/signal-samples');
  const SIGNAL_ZIP = path.join(SIGNAL, 'signal-plaintext-export/signal-export-2025-03-11.zip');
  const SIGTOP_JSON = path.join(SIGNAL, 'sigtop/json/Anna de Vries (+31612345678).json');
  const PNG_SHA = 'd522ec59bb30e7dae660d57c26c24da14d3bd2842c16d1438e3b6430ee4da253';

  it('lists the image the earlier export secured', async () => {
    const full = await ingest(SIGNAL_ZIP);
    const json = await ingest(writeIn(dir, 'sigtop/Anna de Vries (+31612345678).json', fs.readFileSync(SIGTOP_JSON)));
    expect(json).toMatchObject({ attachmentsMissing: 1, attachmentsMissingLater: 1 });
    const [w] = warningsOf(json);
    expect(w!.message).toContain('"kaart-dijkring-43.png"');
    expect(w!.message).toContain(`secured from source ${full.id}`);
    const f = await findings();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ sourceId: json.id });
    expect(f[0]!.detail).toContain(PNG_SHA);
    const [m] = (await messages(json.conversationId)).filter((x: { attachments: unknown[] }) => x.attachments.length);
    expect(m.attachments).toEqual([{ name: 'kaart-dijkring-43.png', sha256: PNG_SHA, size: 69, missing: false, mime: 'image/png' }]);
  });
});
