/**
 * Attachments across exports: a later export that holds a file an earlier one lacked fills the attachment in (never
 * replacing bytes already held), and a Signal export's file is checked against the hash and size the export records.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn } from './store-dir.js';
import { sha256FromPlaintextHash } from '../../parsers/signal/declared.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'];
const CHAT_NAME = 'WhatsApp-chat met Piet.txt';
const IMG = 'IMG-20230114-WA0004.jpg';
const CHAT = ['14-01-2023 10:01 - Piet: Zie de kaart', `14-01-2023 10:03 - Piet: \u200e${IMG} (bestand bijgevoegd)`, 'Kaart dijkring', ''].join('\n');
const LATER = `${CHAT}15-01-2023 09:00 - Piet: Nog een bericht\n`;
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

const SIGNAL = path.join(SHARED, 'formats/signal-samples');
const SIGNAL_DIR = path.join(SIGNAL, 'signal-plaintext-export/signal-export-2025-03-11');
const SIGNAL_ZIP = path.join(SIGNAL, 'signal-plaintext-export/signal-export-2025-03-11.zip');
const SIGTOP_JSON = path.join(SIGNAL, 'sigtop/json/Anna de Vries (+31612345678).json');
const PNG_REL = 'files/59/59b6aef56d154ec7b85befac01cc74e437578fe4c3f3257d1f7eac5412378ba0.png';
const PNG_SHA = 'd522ec59bb30e7dae660d57c26c24da14d3bd2842c16d1438e3b6430ee4da253';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const ingest = async (...paths: string[]) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH', '--json', ...paths]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const messages = async (conversation = 1) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const findings = async () =>
  (await runCli(['report', 'findings', '--db', db, '--json'])).json().findings as {
    code: string; detail: string; sourceId: number; messageId: number | null; at: string; localTime: string | null; person: string | null;
  }[];
const query = <T>(sql: string, ...args: unknown[]): T[] => {
  const store = new Database(db, { readonly: true });
  try {
    return store.prepare(sql).all(...args) as T[];
  } finally {
    store.close();
  }
};
const withAttachments = (ms: any[]) => ms.filter((m) => m.attachments.length);
const codes = (s: { warnings: { code: string }[] }) => s.warnings.map((w) => w.code);

describe('a later export fills in an attachment an earlier export lacked', () => {
  it('WhatsApp: a bare .txt without its media, then the zip with the image', async () => {
    const first = await ingest(writeIn(dir, `bare/${CHAT_NAME}`, CHAT));
    expect(first).toMatchObject({ attachments: 1, attachmentsMissing: 1 });
    expect((await findings()).filter((f) => f.code === 'attachment-missing')).toHaveLength(1);

    const zip = writeIn(dir, 'piet-met-media.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: CHAT }]));
    const second = await ingest(zip);
    expect(second).toMatchObject({ messagesNew: 0, messagesSeenBefore: 2, attachments: 1, attachmentsMissing: 0, attachmentsFilled: 1 });
    const warning = second.warnings.find((w: { code: string }) => w.code === 'attachment-filled');
    expect(warning.message).toContain(IMG);
    expect(warning.message).toContain(sha(JPEG));
    expect(warning.message).toContain(`source ${second.id}`);

    const [m] = withAttachments(await messages());
    expect(m.attachments).toEqual([{ name: IMG, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }]);
    expect(m.sources).toEqual([first.id, second.id]);
    // Chain of custody: the message's source that supplied the bytes holds them in its file list; the first does not.
    const suppliers = query<{ source_id: number; path: string }>(
      `SELECT sf.source_id, sf.path FROM attachments a JOIN message_sources ms ON ms.message_id = a.message_id
         JOIN source_files sf ON sf.source_id = ms.source_id AND sf.sha256 = a.sha256 WHERE a.message_id = ? ORDER BY sf.source_id`,
      m.id,
    );
    expect(suppliers).toEqual([{ source_id: second.id, path: IMG }]);
    expect(fs.readFileSync(path.join(dir, 'store.blobs', 'sha256', sha(JPEG).slice(0, 2), sha(JPEG).slice(2, 4), sha(JPEG)))).toEqual(JPEG);
    expect((await findings()).filter((f) => f.code === 'attachment-missing')).toEqual([]);
  });

  it('WhatsApp: never replaces bytes already held; other bytes for the attachment are a warning', async () => {
    const first = await ingest(writeIn(dir, 'a.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: CHAT }])));
    expect(first).toMatchObject({ attachmentsMissing: 0, attachmentsFilled: 0 });
    const other = Buffer.concat([JPEG, Buffer.from('recompressed')]);
    const second = await ingest(writeIn(dir, 'b.zip', makeZip([{ name: IMG, data: other }, { name: CHAT_NAME, data: LATER }])));
    expect(second).toMatchObject({ messagesNew: 1, messagesSeenBefore: 2, attachmentsFilled: 0, attachmentsDiffer: 1 });
    expect(codes(second)).toContain('attachment-differs');
    const w = second.warnings.find((x: { code: string }) => x.code === 'attachment-differs');
    expect(w.message).toContain(sha(other));
    expect(w.message).toContain(sha(JPEG));
    // Every conflict is a finding of the source that brought the other bytes.
    const f = (await findings()).filter((x) => x.code === 'attachment-differs');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ sourceId: second.id, detail: w.message });
    const [held] = withAttachments(await messages());
    expect(held.attachments).toEqual([{ name: IMG, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }]);
    // The finding names its message, as every finding about a message does: id, time and sender.
    expect(f[0]).toMatchObject({ messageId: held.id, at: held.sentAt, localTime: held.localTime, person: held.sender });
    // A store of schema v13 recorded no message for it: the migration takes it from the finding's text.
    const raw = new Database(db);
    raw.exec(`UPDATE source_findings SET message_id = NULL WHERE code = 'attachment-differs'`);
    raw.pragma('user_version = 13');
    raw.close();
    expect((await findings()).filter((x) => x.code === 'attachment-differs').map((x) => x.messageId)).toEqual([held.id]);
    // The same bytes again: nothing to fill, nothing to report.
    const third = await ingest(writeIn(dir, 'c.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: `${LATER}16-01-2023 09:00 - Piet: Derde\n` }])));
    expect(third).toMatchObject({ attachmentsFilled: 0, attachmentsDiffer: 0 });
    expect(codes(third).filter((c) => c.startsWith('attachment-'))).toEqual([]);
  });

  it('WhatsApp: the source that supplied the bytes is recorded, also when a later export holds the same file', async () => {
    const first = await ingest(writeIn(dir, `bare/${CHAT_NAME}`, CHAT));
    expect(first).toMatchObject({ attachmentsFilled: 0, attachmentsDiffer: 0 });
    const second = await ingest(writeIn(dir, 'a.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: CHAT }])));
    const third = await ingest(writeIn(dir, 'b.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: LATER }])));
    expect([second.attachmentsFilled, third.attachmentsFilled]).toEqual([1, 0]);
    const [m] = withAttachments(await messages());
    // The file lists and sightings name both zips ...
    const holders = query<{ source_id: number }>(
      `SELECT DISTINCT sf.source_id FROM attachments a JOIN message_sources ms ON ms.message_id = a.message_id
         JOIN source_files sf ON sf.source_id = ms.source_id AND sf.sha256 = a.sha256 WHERE a.message_id = ? ORDER BY sf.source_id`,
      m.id,
    );
    expect(holders.map((h) => h.source_id)).toEqual([second.id, third.id]);
    // ... the source's record names the one that supplied the bytes. It is no finding in the report.
    const filled = query<{ source_id: number; message: string }>(`SELECT source_id, message FROM source_findings WHERE code = 'attachment-filled'`);
    expect(filled).toEqual([{ source_id: second.id, message: second.warnings.find((w: { code: string }) => w.code === 'attachment-filled').message }]);
    expect(filled[0]!.message).toContain(`message ${m.id} `);
    expect((await findings()).filter((f) => f.code.startsWith('attachment-'))).toEqual([]);
  });

  it('WhatsApp: a later export that lacks the file leaves the attachment as it was', async () => {
    await ingest(writeIn(dir, 'a.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: CHAT }])));
    const second = await ingest(writeIn(dir, `bare/${CHAT_NAME}`, LATER));
    expect(second).toMatchObject({ attachmentsMissing: 1, attachmentsFilled: 0 });
    expect(withAttachments(await messages())[0].attachments[0]).toMatchObject({ sha256: sha(JPEG), missing: false });
  });

  it("Signal: sigtop JSON without its attachments folder, then Signal's own export with the file", async () => {
    const json = writeIn(dir, 'sigtop/Anna de Vries (+31612345678).json', fs.readFileSync(SIGTOP_JSON));
    const first = await ingest(json);
    expect(first).toMatchObject({ attachments: 1, attachmentsMissing: 1 });
    const second = await ingest(SIGNAL_ZIP);
    expect(second).toMatchObject({ attachmentsMissing: 0, attachmentsFilled: 1 });
    expect(second.warnings.find((w: { code: string }) => w.code === 'attachment-filled').message).toContain(PNG_REL);
    const [m] = withAttachments(await messages(first.conversationId));
    expect(m.attachments).toEqual([{ name: 'kaart-dijkring-43.png', sha256: PNG_SHA, size: 69, missing: false, mime: 'image/png' }]);
    expect((await findings()).filter((f) => f.code === 'attachment-missing')).toEqual([]);
  });
});

describe("a Signal export's file is checked against the hash and size the export records", () => {
  const copyExport = (): string => {
    const to = path.join(dir, 'signal-export-2025-03-11');
    fs.cpSync(SIGNAL_DIR, to, { recursive: true });
    for (const f of fs.readdirSync(to, { recursive: true, withFileTypes: true })) if (f.isFile()) fs.chmodSync(path.join(f.parentPath, f.name), 0o644);
    return to;
  };

  it('keeps an altered file as delivered, with a warning and a finding that name it, expected and actual', async () => {
    const exp = copyExport();
    const png = path.join(exp, PNG_REL);
    fs.appendFileSync(png, 'TAMPER');
    const altered = fs.readFileSync(png);
    const s = await ingest(exp);
    const w = s.warnings.filter((x: { code: string }) => x.code === 'attachment-mismatch');
    expect(w).toHaveLength(1);
    for (const part of [PNG_REL, 'kaart-dijkring-43.png', PNG_SHA, '69 bytes', sha(altered), '75 bytes']) expect(w[0].message).toContain(part);
    const [m] = withAttachments(await messages(s.conversationIds[0]));
    expect(m.attachments[0]).toMatchObject({ sha256: sha(altered), size: 75, missing: false });
    const f = (await findings()).filter((x) => x.code === 'attachment-mismatch');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ sourceId: s.id, detail: w[0].message, messageId: m.id, at: m.sentAt, localTime: m.localTime, person: m.sender });
  });

  it('checks the size alone when the export records no hash (sigtop JSON of an older Signal Desktop)', async () => {
    const text = fs.readFileSync(SIGTOP_JSON, 'utf8');
    expect(text).toContain(`"plaintextHash":"${PNG_SHA}",`);
    const json = writeIn(dir, 'sigtop/Anna de Vries (+31612345678).json', text.replace(`"plaintextHash":"${PNG_SHA}",`, ''));
    const png = fs.readFileSync(path.join(SIGNAL_DIR, PNG_REL));
    writeIn(dir, 'sigtop/Anna de Vries (+31612345678)/kaart-dijkring-43.png', Buffer.concat([png, Buffer.from('!')]));
    const s = await ingest(json);
    const w = s.warnings.filter((x: { code: string }) => x.code === 'attachment-mismatch');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain('its size differs');
    expect(w[0].message).toContain('expected 69 bytes; the file has 70 bytes');
  });

  it('says nothing about a file that matches (the shared export, zip and folder)', async () => {
    for (const p of [SIGNAL_ZIP, SIGNAL_DIR]) {
      const s = await ingest(p);
      expect(codes(s)).not.toContain('attachment-mismatch');
    }
    expect((await findings()).filter((x) => x.code === 'attachment-mismatch')).toEqual([]);
  });

  it('checks a sigtop attachment against the hex plaintextHash of Signal Desktop', async () => {
    const json = writeIn(dir, 'sigtop/Anna de Vries (+31612345678).json', fs.readFileSync(SIGTOP_JSON));
    const png = fs.readFileSync(path.join(SIGNAL_DIR, PNG_REL));
    writeIn(dir, 'sigtop/Anna de Vries (+31612345678)/kaart-dijkring-43.png', Buffer.concat([png, Buffer.from('!')]));
    const s = await ingest(json);
    expect(s).toMatchObject({ attachmentsMissing: 0 });
    const w = s.warnings.find((x: { code: string }) => x.code === 'attachment-mismatch');
    expect(w.message).toContain(PNG_SHA);
    expect(w.message).toContain('70 bytes');
  });

  it('reads a plaintextHash as base64 (Signal export) or hex (Signal Desktop), and nothing else', () => {
    expect(sha256FromPlaintextHash('1SLsWbsw59rmYNV8JsJNoU070oQsFtFDjjtkMO5NolM=')).toBe(PNG_SHA);
    expect(sha256FromPlaintextHash(PNG_SHA.toUpperCase())).toBe(PNG_SHA);
    expect(sha256FromPlaintextHash('abc')).toBeNull();
    expect(sha256FromPlaintextHash(Buffer.alloc(16).toString('base64'))).toBeNull();
    expect(sha256FromPlaintextHash(42)).toBeNull();
  });
});

describe('an attachment whose file the export names decomposed (NFD)', () => {
  // The chat writes "café" composed; a zip repacked on macOS, or a folder copied there, names the file decomposed.
  const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
  const nfd = (s: string) => s.normalize('NFD');

  it('iOS zip: the file is linked by name, with its hash and size, and kept under the name the zip gives it', async () => {
    const name = '00000001-Notitie café.pdf';
    const chat = `[14-01-2023 10:01:00] Piet: \u200e<bijgevoegd: ${name}>\n[14-01-2023 10:02:00] Marieke Jansen: Dank\n`;
    const s = await ingest(writeIn(dir, 'WhatsApp Chat - Piet.zip', makeZip([{ name: '_chat.txt', data: chat }, { name: nfd(name), data: PDF }])));
    expect(s).toMatchObject({ attachments: 1, attachmentsMissing: 0 });
    expect(withAttachments(await messages())[0].attachments).toMatchObject([{ name, sha256: sha(PDF), size: PDF.length, missing: false }]);
    expect(query<{ path: string }>("SELECT path FROM source_files WHERE role = 'media'").map((r) => r.path)).toEqual([nfd(name)]);
  });

  it('Android folder: the same', async () => {
    const name = 'Notitie café.pdf';
    writeIn(dir, `piet/${nfd(name)}`, PDF);
    writeIn(dir, `piet/${CHAT_NAME}`, `14-01-2023 10:01 - Piet: \u200e${name} (bestand bijgevoegd)\n`);
    const s = await ingest(path.join(dir, 'piet'));
    expect(s).toMatchObject({ attachments: 1, attachmentsMissing: 0 });
    expect(withAttachments(await messages())[0].attachments[0]).toMatchObject({ name, sha256: sha(PDF), missing: false });
  });

  it('two files whose names differ only in composition: each attachment links the file named as it is written', async () => {
    const name = '00000001-Notitie café.pdf';
    const [nfcPdf, nfdPdf] = [Buffer.from('%PDF-1.4 NFC-versie\n'), Buffer.from('%PDF-1.4 NFD-versie\n')];
    const chat = `[14-01-2023 10:01:00] Piet: \u200e<bijgevoegd: ${name}>\n[14-01-2023 10:02:00] Piet: \u200e<bijgevoegd: ${nfd(name)}>\n`;
    await ingest(writeIn(dir, 'WhatsApp Chat - Piet.zip', makeZip([{ name: '_chat.txt', data: chat }, { name, data: nfcPdf }, { name: nfd(name), data: nfdPdf }])));
    expect(withAttachments(await messages()).map((m: any) => m.attachments[0].sha256)).toEqual([sha(nfcPdf), sha(nfdPdf)]);
  });
});
