/**
 * A folder export (a chat .txt with its media beside it, a Signal export folder) is the source ingested before only
 * when its chat file and its other files are the same: with the same chat file and other media it is a new source,
 * whose files fill in or are checked against the attachments, with a `same-chat-file-other-media` warning.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-01'];
const CHAT_NAME = 'WhatsApp-chat met Piet.txt';
const IMG = 'IMG-20230114-WA0004.jpg';
const CHAT = ['14-01-2023 10:01 - Piet: Zie de kaart', `14-01-2023 10:03 - Piet: \u200e${IMG} (bestand bijgevoegd)`, 'Kaart dijkring', ''].join('\n');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const SIGNAL_DIR = path.join(SHARED, 'formats/signal-samples/signal-plaintext-export/signal-export-2025-03-11');
const PNG_REL = 'files/59/59b6aef56d154ec7b85befac01cc74e437578fe4c3f3257d1f7eac5412378ba0.png';
const PNG_SHA = 'd522ec59bb30e7dae660d57c26c24da14d3bd2842c16d1438e3b6430ee4da253';
const OTHER_MEDIA = 'same-chat-file-other-media';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

type Warning = { code: string; message: string };
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const ingest = async (p: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH', '--json', p]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const findings = async () => (await runCli(['report', 'findings', '--db', db, '--json'])).json().findings as { code: string; sourceId: number }[];
const query = <T>(sql: string, ...args: unknown[]): T[] => {
  const store = new Database(db, { readonly: true });
  try {
    return store.prepare(sql).all(...args) as T[];
  } finally {
    store.close();
  }
};
const warningsOf = (s: { warnings: Warning[] }, code: string) => s.warnings.filter((w) => w.code === code);
const blob = (h: string) => path.join(dir, 'store.blobs', 'sha256', h.slice(0, 2), h.slice(2, 4), h);
const copyDir = (from: string, name: string): string => {
  const to = path.join(dir, name);
  fs.cpSync(from, to, { recursive: true });
  for (const f of fs.readdirSync(to, { recursive: true, withFileTypes: true })) if (f.isFile()) fs.chmodSync(path.join(f.parentPath, f.name), 0o644);
  return to;
};

describe('a folder export with the chat file of an earlier source but other media', () => {
  it('WhatsApp: the photo copied in since fills the missing attachment; the same folder again is a duplicate', async () => {
    const chatFile = writeIn(dir, `exp/${CHAT_NAME}`, CHAT);
    const folder = path.dirname(chatFile);
    const first = await ingest(folder);
    expect(first).toMatchObject({ duplicateSource: false, attachments: 1, attachmentsMissing: 1, sha256: sha(CHAT) });
    expect(await ingest(folder)).toMatchObject({ duplicateSource: true, id: first.id });

    writeIn(dir, `exp/${IMG}`, JPEG);
    const second = await ingest(folder);
    expect(second).toMatchObject({ duplicateSource: false, messagesNew: 0, messagesSeenBefore: 2, attachmentsMissing: 0, attachmentsFilled: 1 });
    expect(second.id).not.toBe(first.id);
    const [w] = warningsOf(second, OTHER_MEDIA);
    for (const part of [`source ${first.id}`, CHAT_NAME, sha(CHAT), IMG, second.sha256]) expect(w!.message).toContain(part);
    expect(second.sha256).not.toBe(sha(CHAT));
    const stored = query<{ warnings_json: string }>('SELECT warnings_json FROM sources WHERE id = ?', second.id);
    expect((JSON.parse(stored[0]!.warnings_json) as Warning[]).filter((x) => x.code === OTHER_MEDIA)).toEqual([w]);
    // The chat file keeps its own hash in the new source's file list, beside the photo.
    expect(query('SELECT path, sha256, role FROM source_files WHERE source_id = ? ORDER BY path', second.id)).toEqual([
      { path: IMG, sha256: sha(JPEG), role: 'media' },
      { path: CHAT_NAME, sha256: sha(CHAT), role: 'chat' },
    ]);
    const m = (await messages(first.conversationId)).find((x: { attachments: unknown[] }) => x.attachments.length);
    expect(m.attachments).toEqual([{ name: IMG, sha256: sha(JPEG), size: JPEG.length, missing: false, mime: null }]);
    expect((await findings()).filter((f) => f.code === 'attachment-missing')).toEqual([]);

    // The folder with the photo is now the second source; a copy of the bare chat file is still the first.
    expect(await ingest(folder)).toMatchObject({ duplicateSource: true, id: second.id, sha256: second.sha256 });
    fs.rmSync(path.join(folder, IMG));
    expect(await ingest(folder)).toMatchObject({ duplicateSource: true, id: first.id });
    expect(query('SELECT count(*) AS n FROM sources')).toEqual([{ n: 2 }]);
  });

  it('Signal: the intact folder after a damaged copy is a new source; the stored bytes stay, the intact file is kept', async () => {
    const bad = copyDir(SIGNAL_DIR, 'bad/signal-export-2025-03-11');
    const good = copyDir(SIGNAL_DIR, 'good/signal-export-2025-03-11');
    fs.appendFileSync(path.join(bad, PNG_REL), 'TAMPER');
    const altered = sha(fs.readFileSync(path.join(bad, PNG_REL)));
    const first = await ingest(bad);
    expect(warningsOf(first, 'attachment-mismatch')).toHaveLength(1);

    const second = await ingest(good);
    expect(second).toMatchObject({ duplicateSource: false, messagesNew: 0, attachmentsDiffer: 1, attachmentsFilled: 0 });
    expect(second.messagesSeenBefore).toBeGreaterThan(0);
    expect(warningsOf(second, 'attachment-mismatch')).toEqual([]);
    const [w] = warningsOf(second, OTHER_MEDIA);
    for (const part of [`source ${first.id}`, PNG_REL, PNG_SHA, altered]) expect(w!.message).toContain(part);
    expect(warningsOf(second, 'attachment-differs')[0]!.message).toContain(PNG_SHA);
    expect((await findings()).filter((f) => f.code === 'attachment-differs')).toMatchObject([{ sourceId: second.id }]);
    // Attachment bytes are never replaced: the first source's stay, its mismatch finding too ...
    const m = (await messages(first.conversationIds[0])).find((x: { attachments: unknown[] }) => x.attachments.length);
    expect(m.attachments[0]).toMatchObject({ sha256: altered, size: 75 });
    expect((await findings()).filter((f) => f.code === 'attachment-mismatch')).toMatchObject([{ sourceId: first.id }]);
    // ... and the intact file is kept, in the blob store and in the new source's file list.
    expect(query('SELECT sha256 FROM source_files WHERE source_id = ? AND path = ?', second.id, PNG_REL)).toEqual([{ sha256: PNG_SHA }]);
    expect(sha(fs.readFileSync(blob(PNG_SHA)))).toBe(PNG_SHA);

    expect(await ingest(good)).toMatchObject({ duplicateSource: true, id: second.id });
    expect(await ingest(bad)).toMatchObject({ duplicateSource: true, id: first.id });
  });

  it('the same folder ingested twice is a duplicate', async () => {
    const exp = copyDir(SIGNAL_DIR, 'signal-export-2025-03-11');
    const first = await ingest(exp);
    expect(await ingest(exp)).toMatchObject({ duplicateSource: true, id: first.id, sha256: first.sha256, warnings: [] });
    expect(query('SELECT count(*) AS n FROM sources')).toEqual([{ n: 1 }]);
  });
});

describe('what does not make a folder another source', () => {
  it('a .DS_Store in a Signal export folder, or a file name in decomposed Unicode, is the same folder', async () => {
    const copy = path.join(dir, 'signal');
    fs.cpSync(SIGNAL_DIR, copy, { recursive: true });
    const first = await ingest(copy);
    fs.writeFileSync(path.join(copy, '.DS_Store'), 'Finder');
    expect(await ingest(copy)).toMatchObject({ id: first.id, duplicateSource: true });

    const wa = path.join(dir, 'wa');
    writeIn(wa, CHAT_NAME, CHAT);
    writeIn(wa, 'Cafe\u0301.jpg', JPEG); // NFD, as a copy made on macOS may name it
    const a = await ingest(wa);
    fs.renameSync(path.join(wa, 'Cafe\u0301.jpg'), path.join(wa, 'Caf\u00e9.jpg')); // NFC
    expect(await ingest(wa)).toMatchObject({ id: a.id, duplicateSource: true });
  });

  it('the manifest encodes each path as JSON: a name with a line break cannot pass for two files', async () => {
    const { folderManifest } = await import('../../src/ingest/files.js');
    const [hA, hB] = ['a'.repeat(64), 'b'.repeat(64)];
    const two = folderManifest('c'.repeat(64), 1, [{ path: 'a', sha256: hA, size: 1 }, { path: 'b', sha256: hB, size: 1 }]);
    const one = folderManifest('c'.repeat(64), 1, [{ path: `a\n${hB}  b`, sha256: hA, size: 2 }]);
    expect(one.sha256).not.toBe(two.sha256);
  });
});
