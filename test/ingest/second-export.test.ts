/**
 * A second export beside a WhatsApp chat (a Signal or SMS backup, another chat saved as notes.txt) is never taken for
 * the chat's media: in a zip it is refused, in a folder it becomes a source of its own; a file the chat shares as an
 * attachment stays media.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeZip } from '../helpers/zip.js';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01'];
const SMS = fs.readFileSync(path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml'));
const CHAT = '12-03-2024 08:01 - Piet de Boer: De nota is klaar.\n12-03-2024 08:05 - Karin van der Laan: Dank, ik lees hem.\n';
const OTHER = '14-03-2024 19:00 - Marieke Jansen: Kom je zondag eten?\n14-03-2024 19:02 - Karin van der Laan: Ja, graag.\n';
const NAME = 'WhatsApp-chat met Piet de Boer.txt';

const ingest = (db: string, p: string) => runCli(['ingest', '--db', db, '--custodian', 'min', '--json', p]);

describe('a zip with a WhatsApp chat', () => {
  it('and an SMS backup it does not share: refused, naming the entry, nothing stored', async () => {
    const s = await freshStore(ADD);
    const zip = writeIn(s.dir, 'export.zip', makeZip([{ name: NAME, data: CHAT }, { name: 'backup.xml', data: SMS }]));
    const before = tableSnapshot(s.db);
    const r = await ingest(s.db, zip);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'backup\.xml', which reads as .*SMS/);
    expect(tableSnapshot(s.db)).toEqual(before);
  });

  it('and a second chat saved as notes.txt: refused', async () => {
    const s = await freshStore(ADD);
    const zip = writeIn(s.dir, 'export.zip', makeZip([{ name: NAME, data: CHAT }, { name: 'notes.txt', data: OTHER }]));
    const r = await ingest(s.db, zip);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'notes.txt'");
  });

  it('and an SMS backup the chat shares as a document: ingested, the backup kept as its attachment', async () => {
    const s = await freshStore(ADD);
    const chat = CHAT + '12-03-2024 08:06 - Piet de Boer: backup.xml (bestand bijgevoegd)\n';
    const zip = writeIn(s.dir, 'export.zip', makeZip([{ name: NAME, data: chat }, { name: 'backup.xml', data: SMS }]));
    const r = await ingest(s.db, zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(1);
    expect(r.json().sources[0].attachments).toBe(1);
  });
});

describe('a folder with a WhatsApp chat', () => {
  it('and an SMS backup beside it: each is a source of its own', async () => {
    const s = await freshStore(ADD);
    writeIn(s.dir, `f/${NAME}`, CHAT);
    writeIn(s.dir, 'f/backup.xml', SMS);
    const r = await ingest(s.db, path.join(s.dir, 'f'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources.map((x: { format: string }) => x.format).sort()).toEqual(['sms-xml', 'whatsapp-android']);
  });

  it('and a second chat saved as notes.txt: each is a source of its own', async () => {
    const s = await freshStore(ADD);
    writeIn(s.dir, `f/${NAME}`, CHAT);
    writeIn(s.dir, 'f/notes.txt', OTHER);
    const r = await ingest(s.db, path.join(s.dir, 'f'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(2);
    expect(r.json().sources.reduce((n: number, x: { messagesNew: number }) => n + x.messagesNew, 0)).toBe(4);
  });
});
