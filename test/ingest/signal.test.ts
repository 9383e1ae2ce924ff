import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const CUSTODIAN = ['--id', 'staatssecretaris-bzk', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris van BZK', '--department', 'BZK', '--from', '2024-07-02'];

let dir: string;
let db: string;
beforeEach(async () => {
  dir = tempDir();
  db = path.join(dir, 'store.db');
  expect((await runCli(['custodian', 'add', '--db', db, ...CUSTODIAN])).code).toBe(0);
});

const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'staatssecretaris-bzk', '--operator', 'RIH', '--json', ...args]);
const conversations = async () => (await runCli(['conversations', '--db', db, '--custodian', 'staatssecretaris-bzk', '--json'])).json().conversations;
const messages = async (id: number) => (await runCli(['messages', '--db', db, '--conversation', String(id), '--json'])).json().messages;

/** Writes a Signal export folder whose main.jsonl is the sample's minus the chat items sent at the given ms. */
function exportWithout(name: string, dropDateSent: string[]): string {
  const out = path.join(dir, name);
  fs.cpSync(SAMPLE, out, { recursive: true });
  const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n');
  const kept = lines.filter((l) => !dropDateSent.some((ms) => l.startsWith('{"chatItem"') && l.includes(`"dateSent":"${ms}"`)));
  expect(kept.length).toBe(lines.length - dropDateSent.length);
  fs.writeFileSync(path.join(out, 'main.jsonl'), kept.join('\n'));
  return out;
}

describe("ingest of Signal's own chat export", () => {
  it('stores every chat as a conversation with the contract fields, attachments resolved by hash, and timer findings', async () => {
    const r = await ingest(SAMPLE);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ format: 'signal-export', duplicateSource: false, conversationIds: [1, 2, 3, 4], messagesNew: 22, messagesMissing: 0 });
    expect(s.warnings.map((w: any) => w.code)).toContain('disappearing-messages-may-be-absent');
    const convs = await conversations();
    expect(convs.map((c: any) => [c.platform, c.title, c.isGroup])).toContainEqual(['signal', 'Crisisoverleg Hoogwater', true]);
    const all = (await Promise.all(convs.map((c: any) => messages(c.id)))).flat();
    // The PDF in files/4a/ is linked through its reference; referenced files the export left out are flagged missing.
    const bytes = fs.readFileSync(path.join(SAMPLE, 'files/4a/4adf2d79092112740309498c28aae1e4edbcad14a9bde7a2d3208e47c37e22df.pdf'));
    const pdf = all.flatMap((m: any) => m.attachments).find((a: any) => a.sha256);
    expect(pdf).toMatchObject({ sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length, missing: false });
    expect(all.flatMap((m: any) => m.attachments).filter((a: any) => a.missing)).toHaveLength(3);
    expect(all.some((m: any) => m.kind === 'system' && m.event === 'disappearing-timer' || m.event === 'disappearing-on')).toBe(true);
    expect(all.some((m: any) => m.edited && m.extra?.revisions?.length >= 1)).toBe(true);
    expect(all.some((m: any) => m.kind === 'deleted')).toBe(true);
    // A quoted reply points at the quoted message, which is in the store.
    const reply = all.find((m: any) => m.replyTo !== null);
    expect(reply).toBeDefined();
    expect(all.find((m: any) => m.id === reply.replyTo)?.conversationId).toBe(reply.conversationId);
    // Reactions stay on the message.
    expect(all.some((m: any) => m.extra?.reactions?.some((r: any) => r.emoji && r.at))).toBe(true);
    for (const m of all) expect(m.sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+0[12]:00$/);
  });

  it('re-ingest of the same export is a no-op', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const before = JSON.stringify(await Promise.all((await conversations()).map((c: any) => messages(c.id))));
    const again = await ingest(SAMPLE);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().sources[0]).toMatchObject({ duplicateSource: true, messagesNew: 0 });
    expect(JSON.stringify(await Promise.all((await conversations()).map((c: any) => messages(c.id))))).toBe(before);
  });

  it('a later monthly export adds only new messages and reports the one it lacks as missing', async () => {
    const first = exportWithout('month1', ['1761289500000', '1761555600000']);
    const second = exportWithout('month2', ['1761286502000']);
    expect((await ingest(first)).code).toBe(0);
    const r = await ingest(second);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 2, messagesMissing: 1 });
    const conv1 = await messages(1);
    const gone = conv1.filter((m: any) => m.missingIn.length);
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ sources: [1], missingIn: [2] });
  });
});

describe('a chat item the exporter wrote twice', () => {
  it('is one message, with a warning; a later export holding it once reports nothing missing', async () => {
    const out = path.join(dir, 'twice');
    fs.cpSync(SAMPLE, out, { recursive: true });
    const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"chatItem"') && l.includes('"dateSent":"1761286502000"'));
    expect(at).toBeGreaterThan(0);
    fs.writeFileSync(path.join(out, 'main.jsonl'), [...lines.slice(0, at + 2), lines[at], ...lines.slice(at + 2)].join('\n'));
    const r = await ingest(out);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ messagesNew: 22, messagesMissing: 0 });
    expect(s.warnings.filter((w: any) => w.code === 'repeated-line')).toEqual([
      expect.objectContaining({ line: at + 3, message: expect.stringMatching(new RegExp(`^line ${at + 3} repeats line ${at + 1} byte for byte .*stored once, as message \\d+$`)) }),
    ]);
    const later = await ingest(SAMPLE);
    expect(later.code, later.stderr).toBe(0);
    expect(later.json().sources[0]).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
  });
});

describe('reactions given after an earlier export', () => {
  it('are added to the stored message by the later export; one the later export lacks is kept', async () => {
    const REACTION = '{"emoji":"✅","authorId":"1","sentTimestamp":"1761285960000","sortOrder":"1"}';
    const main = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8');
    expect(main.split(REACTION)).toHaveLength(2);
    const early = path.join(dir, 'early');
    fs.cpSync(SAMPLE, early, { recursive: true });
    fs.writeFileSync(path.join(early, 'main.jsonl'), main.replace(REACTION, ''));
    expect((await ingest(early)).code).toBe(0);
    const reactionsOf = async () => (await messages(1)).find((m: any) => m.sentAt.startsWith('2025-10-24T08:05:12')).extra?.reactions ?? [];
    expect(await reactionsOf()).toEqual([]);
    const later = await ingest(SAMPLE);
    expect(later.code, later.stderr).toBe(0);
    expect(later.json().sources[0]).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
    expect(await reactionsOf()).toEqual([expect.objectContaining({ emoji: '✅', at: expect.stringMatching(/^2025-10-24T08:06:00/) })]);
    // A third export that no longer shows it (the reaction was taken back): the store keeps what it held.
    const gone = path.join(dir, 'gone');
    fs.cpSync(early, gone, { recursive: true });
    fs.appendFileSync(path.join(gone, 'main.jsonl'), '\n');
    expect((await ingest(gone)).code).toBe(0);
    expect(await reactionsOf()).toHaveLength(1);
  });
});

describe('localTime of Signal inputs that hold only epoch timestamps', () => {
  // Signal's own export, sigtop JSON and SMS XML write times only as ms since epoch. localTime must then be the
  // wall-clock time in the custodian's zone (as localIso), not the bare number: transcripts (chat.html) and
  // reports show it. The epoch value itself stays in the stored raw text, the original file and sent_at_ms.
  const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
  const allMessages = async () => (await Promise.all((await conversations()).map((c: any) => messages(c.id)))).flat();

  it.each([
    ['signal-export', SAMPLE],
    ['sigtop-json', path.join(REPO, 'samples/signal/sigtop/Youssef El Amrani (+31620001001).json')],
    ['sms-xml', path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml')],
    ['sms-xml', path.join(REPO, 'samples/signal/sms/signalbackup-tools-exportxml.xml')],
    ['sms-xml', path.join(REPO, 'samples/signal/sms/SignalPlaintextBackup.xml')],
  ])('%s (%s): readable wall-clock time in the custodian zone', async (format, file) => {
    const r = await ingest(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0].format).toBe(format);
    const all = await allMessages();
    expect(all.length).toBeGreaterThan(0);
    for (const m of all) {
      expect(m.localTime).toMatch(WALL);
      expect(m.localTime).toBe(m.sentAt.slice(0, 19)); // sentAt carries the custodian zone's offset
    }
  });

  it('concrete values, across the DST change, with the epoch value kept in the stored raw text', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const all = await allMessages();
    const summer = all.find((m: any) => m.sentAt === '2025-10-24T08:05:12+02:00');
    const winter = all.find((m: any) => m.sentAt === '2025-10-27T10:00:00+01:00');
    expect(summer).toMatchObject({ localTime: '2025-10-24T08:05:12', timeAmbiguous: false, timeInvalid: false });
    expect(winter).toMatchObject({ localTime: '2025-10-27T10:00:00', timeAmbiguous: false, timeInvalid: false });
    const store = new Database(db, { readonly: true });
    try {
      const row = store.prepare('SELECT sent_at_ms, raw_text FROM messages WHERE id = ?').get(summer.id) as { sent_at_ms: number; raw_text: string };
      expect(row.sent_at_ms).toBe(1761285912000);
      expect(row.raw_text).toContain('"dateSent":"1761285912000"');
    } finally {
      store.close();
    }
  });

  it('a text transcript keeps its time text as written', async () => {
    expect((await ingest(path.join(REPO, 'samples/signal/text/Youssef El Amrani (+31620001001).txt'))).code).toBe(0);
    expect((await allMessages())[0]).toMatchObject({ sentAt: '2025-10-24T08:05:12+02:00', localTime: 'Fri, 24 Oct 2025 08:05:12 +0200' });
  });
});

describe('encrypted and corrupt Signal inputs are refused, exit 1, database unchanged', () => {
  async function expectRefused(target: string, pattern: RegExp) {
    const r = await ingest(SAMPLE, target);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain(path.basename(target));
    expect(r.stderr).toMatch(pattern);
    expect(await conversations()).toEqual([]);
    expect(fs.existsSync(db)).toBe(true);
  }

  it('an Android .backup file', async () => {
    const f = path.join(dir, 'signal-2025-10-27-10-00-00.backup');
    fs.writeFileSync(f, Buffer.concat([Buffer.from([0, 0, 0, 40, 0x0a, 0x20]), Buffer.alloc(200, 7)]));
    await expectRefused(f, /encrypted.*signalbackup-tools/s);
  });
  it('a SignalBackups folder', async () => {
    const d = path.join(dir, 'phone');
    fs.mkdirSync(path.join(d, 'SignalBackups', 'signal-backup-2025-10-27-10-00-00'), { recursive: true });
    fs.writeFileSync(path.join(d, 'SignalBackups', 'signal-backup-2025-10-27-10-00-00', 'main'), Buffer.alloc(64, 3));
    await expectRefused(d, /encrypted.*Export chat history/s);
  });
  it("Signal Desktop's encrypted db.sqlite", async () => {
    const d = path.join(dir, 'Signal', 'sql');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'db.sqlite'), Buffer.alloc(4096, 0x5a));
    await expectRefused(path.join(d, 'db.sqlite'), /SQLCipher.*sigtop/s);
  });
  it('a main.jsonl with a truncated line names the line', async () => {
    const d = exportWithout('broken', []);
    const text = fs.readFileSync(path.join(d, 'main.jsonl'), 'utf8').split('\n');
    text[20] = text[20]!.slice(0, 40);
    fs.writeFileSync(path.join(d, 'main.jsonl'), text.join('\n'));
    const r = await ingest(d);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/main\.jsonl:21: not valid JSON/);
    expect(await conversations()).toEqual([]);
  });
  it('an SMS Backup & Restore XML that breaks off names the file and line', async () => {
    const xml = fs.readFileSync(path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml'), 'utf8');
    const f = path.join(dir, 'sms-broken.xml');
    fs.writeFileSync(f, xml.slice(0, Math.floor(xml.length / 2)) + '<sms address="+31620001001" date=\n');
    const r = await ingest(SAMPLE, f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sms-broken\.xml:\d+: invalid XML/);
    expect(await conversations()).toEqual([]);
  });
  it('a sigtop JSON file of the wrong shape names the file', async () => {
    const f = path.join(dir, 'Anna de Vries (+31612345678).json');
    fs.writeFileSync(f, '[{"conversationId":"x","type":"incoming","sent_at":"gisteren"}]\n');
    const r = await ingest(SAMPLE, f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Anna de Vries (+31612345678).json');
    expect(await conversations()).toEqual([]);
  });
  it('a zip of a Signal export is read like the folder', async () => {
    const entries = [
      { name: 'signal-export/metadata.json', data: fs.readFileSync(path.join(SAMPLE, 'metadata.json')) },
      { name: 'signal-export/main.jsonl', data: fs.readFileSync(path.join(SAMPLE, 'main.jsonl')), deflate: true },
    ];
    const z = path.join(dir, 'signal-export.zip');
    fs.writeFileSync(z, makeZip(entries));
    const r = await ingest(z);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ format: 'signal-export', messagesNew: 22 });
  });
});

describe('warnings about a file inside a zip', () => {
  it('invalid UTF-8 in a sigtop JSON inside a zip names the zip and the entry, with the byte offset in the entry', async () => {
    const name = 'Youssef El Amrani (+31620001001).json';
    const json = fs.readFileSync(path.join(REPO, 'samples/signal/sigtop', name));
    const at = json.indexOf('"body":"') + '"body":"'.length;
    const line = json.subarray(0, at).toString('latin1').split('\n').length;
    const bytes = Buffer.concat([json.subarray(0, at), Buffer.from([0xff]), json.subarray(at)]);
    const zip = path.join(dir, 'sigtop.zip');
    fs.writeFileSync(zip, makeZip([{ name, data: bytes, deflate: true }]));
    const r = await ingest(zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${zip} (entry ${name}): invalid UTF-8 at byte offset ${at} (line ${line}); replaced by U+FFFD\n`);
    expect(r.json().sources[0].warnings.filter((w: any) => w.code === 'invalid-utf8')).toEqual([expect.objectContaining({ entry: name, byteOffset: at, line })]);
  });
});

describe("a Signal chat export without its metadata.json", () => {
  it('is ingested with a warning that the export\'s own metadata is missing (chain of custody); the whole export gets none', async () => {
    const bare = path.join(dir, 'zonder-metadata');
    fs.cpSync(SAMPLE, bare, { recursive: true });
    fs.rmSync(path.join(bare, 'metadata.json'));
    const r = await ingest(bare);
    expect(r.code, r.stderr).toBe(0);
    const w = r.json().sources[0].warnings.filter((x: any) => x.code === 'export-metadata-missing');
    expect(w).toHaveLength(1);
    expect(r.stderr).toContain(
      `warning: ${path.join(bare, 'main.jsonl')}: no metadata.json beside main.jsonl: the export's own metadata (its format version and backup id, ` +
        "which Signal writes with every chat export) is missing, so the chain of custody lacks the exporter's own account of this export",
    );
    const whole = await ingest(SAMPLE);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.json().sources[0].warnings.map((x: any) => x.code)).not.toContain('export-metadata-missing');
  });
});
