/**
 * A folder ingest secures what the operator believes it secures: every entry it does not take in is listed with its
 * reason (stderr and `--json` "skipped"), a symbolic link inside the folder refuses the run, and a sigexport folder is
 * refused with what was recognised, why and what to do instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../helpers/cli.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'J. Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2020-01-01'];
const CHAT = '02-10-2023 08:02 - Karin Smit: Goedemorgen, zie de notitie.\n02-10-2023 08:05 - J. Jansen: Dank.\n';
const OTHER = '03-10-2023 09:15 - Pieter Bos: Het overleg is verplaatst.\n03-10-2023 09:20 - J. Jansen: Helder.\n';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);
const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH operator', ...args]);

describe('ingest <folder>: skipped entries', () => {
  it('lists every entry it does not take in, with the reason, in --json "skipped" and on stderr; media beside a chat are not skipped', async () => {
    write('in/chat/WhatsApp-chat met Karin.txt', CHAT);
    write('in/chat/notulen.pdf', '%PDF-1.4 notulen');
    write('in/chat/notities.txt', 'losse aantekeningen');
    write('in/los/brief.pdf', '%PDF-1.4 brief');
    write('in/los/foto.jpg', 'jpeg');
    write('in/.DS_Store', 'mac');
    write('in/.verborgen/WhatsApp-chat met Piet.txt', OTHER);
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    // The existing fields stay.
    expect(Object.keys(out)).toEqual(['veiligstellingId', 'sources', 'skipped']);
    expect(out.sources).toHaveLength(1);
    expect(out.sources[0]).toMatchObject({ messagesNew: 2 });
    const skipped = out.skipped as { path: string; reason: string }[];
    expect(skipped.map((s) => s.path)).toEqual([
      path.join(dir, 'in', '.DS_Store'),
      path.join(dir, 'in', '.verborgen') + path.sep,
      path.join(dir, 'in', 'los', 'brief.pdf'),
      path.join(dir, 'in', 'los', 'foto.jpg'),
    ]);
    expect(skipped[0]!.reason).toMatch(/hidden file/);
    expect(skipped[1]!.reason).toMatch(/hidden folder/);
    expect(skipped[2]!.reason).toMatch(/not an export.*not stored/);
    for (const s of skipped) expect(r.stderr).toContain(`skipped: ${s.path}: ${s.reason}`);
    // The chat's own documents are its media: stored, not skipped.
    const store = tableSnapshot(db);
    expect((store.source_files as { path: string }[]).map((f) => f.path).sort()).toEqual(['WhatsApp-chat met Karin.txt', 'notities.txt', 'notulen.pdf']);
  });

  it('says so in the text output too, and a folder with nothing to ingest names what it skipped', async () => {
    write('in/WhatsApp-chat met Karin.txt', CHAT);
    write('in/sub/scan.pdf', '%PDF-1.4');
    const r = await ingest(path.join(dir, 'in'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`skipped: ${path.join(dir, 'in', 'sub', 'scan.pdf')}: not an export`);
    expect(r.stdout).toMatch(/1 entry of the folder\(s\) not taken in \(listed on stderr/);
    const none = await ingest(path.join(dir, 'in', 'sub'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no exports found');
    expect(none.stderr).toContain(path.join(dir, 'in', 'sub', 'scan.pdf'));
  });

  it('a folder without skipped entries reports an empty list', async () => {
    write('in/WhatsApp-chat met Karin.txt', CHAT);
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().skipped).toEqual([]);
    expect(r.stderr).not.toContain('skipped');
  });
});

describe('ingest <folder>: symbolic links', () => {
  it('a symbolic link to an export inside the folder refuses the run, naming the link and its target; nothing is stored', async () => {
    write('in/WhatsApp-chat met Karin.txt', CHAT);
    const target = write('elders/WhatsApp-chat met Piet.txt', OTHER);
    const link = path.join(dir, 'in', 'WhatsApp-chat met Piet.txt');
    fs.symlinkSync(target, link);
    const before = tableSnapshot(db);
    const r = await ingest(path.join(dir, 'in'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(link);
    expect(r.stderr).toContain(target);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(r.stderr).toMatch(/copy the file itself into the folder, or name it directly/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(tableSnapshot(db)).toEqual(before);
    // The target named directly is ingested.
    expect((await ingest(target)).code).toBe(0);
  });

  it('a symbolic link among a chat\'s media, in a subfolder, or to a folder is refused as well', async () => {
    const photo = write('elders/IMG-1.jpg', 'jpeg');
    write('a/WhatsApp-chat met Karin.txt', CHAT);
    fs.symlinkSync(photo, path.join(dir, 'a', 'IMG-1.jpg'));
    const media = await ingest(path.join(dir, 'a'));
    expect(media.code).toBe(1);
    expect(media.stderr).toContain(path.join(dir, 'a', 'IMG-1.jpg'));

    write('b/sub/WhatsApp-chat met Karin.txt', CHAT);
    fs.symlinkSync(path.join(dir, 'elders'), path.join(dir, 'b', 'sub', 'meer'));
    const nested = await ingest(path.join(dir, 'b'));
    expect(nested.code).toBe(1);
    expect(nested.stderr).toContain(path.join(dir, 'b', 'sub', 'meer'));
    expect(nested.stderr).toMatch(/symbolic link/);
  });
});

describe('ingest: a sigexport (carderne/signal-export) export', () => {
  const SIGEXPORT = path.join(SHARED, 'formats/signal-samples/signal-export');

  it('is refused with what was recognised, why, and which export to make instead; not the garbled "not a readable export"', async () => {
    fs.cpSync(SIGEXPORT, path.join(dir, 'sigexport'), { recursive: true });
    const before = tableSnapshot(db);
    for (const p of [path.join(dir, 'sigexport'), path.join(dir, 'sigexport', 'Anna de Vries'), path.join(dir, 'sigexport', 'Anna de Vries', 'data.json')]) {
      const r = await ingest(p);
      expect(r.code, p).toBe(1);
      expect(r.stderr).toMatch(/made with sigexport \(carderne\/signal-export\)/);
      expect(r.stderr).toMatch(/no reader for this format/);
      expect(r.stderr).toMatch(/sigtop export-messages -f json/);
      expect(r.stderr).not.toMatch(/not a readable export|Make a readable export|data\.json: data\.json/);
    }
    const folder = await ingest(path.join(dir, 'sigexport', 'Anna de Vries'));
    expect(folder.stderr).toContain(`${path.join(dir, 'sigexport', 'Anna de Vries')}: a Signal Desktop chat export made with sigexport (carderne/signal-export): chat.md, data.json, media/.`);
    expect(tableSnapshot(db)).toEqual(before);
  });

  it('is told apart by data.json\'s content, not by the file names alone', async () => {
    write('notities/chat.md', '# Notities bij het overleg\n');
    write('notities/data.json', '{"versie": 1, "items": []}\n');
    const r = await ingest(path.join(dir, 'notities'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(dir, 'notities', 'data.json'));
    expect(r.stderr).not.toMatch(/sigexport/);
  });
});

describe('ingest <folder>: a zip beside a chat .txt', () => {
  const zipOf = async (entries: { name: string; data: string }[]) => (await import('../helpers/zip.js')).makeZip(entries);
  const KARIN_ZIP = '02-10-2023 08:02 - Karin Smit: \u200estukken.zip (bestand bijgevoegd)\nstukken.zip\n02-10-2023 08:05 - J. Jansen: Dank.\n';

  it('a zip the chat shares is its media, not an export of its own', async () => {
    write('in/WhatsApp-chat met Karin.txt', KARIN_ZIP);
    write('in/stukken.zip', await zipOf([{ name: 'nota.txt', data: 'nota' }]));
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.sources).toHaveLength(1);
    expect(out.sources[0]).toMatchObject({ messagesNew: 2, attachments: 1, attachmentsMissing: 0 });
  });

  it('a forwarded chat export shared in the chat is an attachment, not a conversation of the custodian', async () => {
    const forwarded = 'WhatsApp Chat - Derde.zip';
    write('in/WhatsApp-chat met Karin.txt', `02-10-2023 08:02 - Karin Smit: \u200e${forwarded} (bestand bijgevoegd)\n02-10-2023 08:05 - J. Jansen: Dank.\n`);
    write(`in/${forwarded}`, await zipOf([{ name: '_chat.txt', data: '[01-10-2023 10:00:00] Derde: hallo\n[01-10-2023 10:01:00] Karin Smit: hoi\n' }]));
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(1);
    const convs = (await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations as { title: string }[];
    expect(convs.map((c) => c.title)).toEqual(['Karin']);
    expect(r.json().sources[0]).toMatchObject({ attachments: 1, attachmentsMissing: 0 });
  });

  it('a zip the chat does not name is an export of its own', async () => {
    write('in/WhatsApp-chat met Karin.txt', CHAT);
    write('in/WhatsApp Chat - Pieter.zip', await zipOf([{ name: 'WhatsApp-chat met Pieter Bos.txt', data: OTHER }]));
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(2);
  });

  it('a zip the chat only writes about, or whose name is part of a longer name it shares, is an export of its own', async () => {
    write('in/WhatsApp-chat met Karin.txt', '02-10-2023 08:02 - Karin Smit: heb je export.zip gezien?\n02-10-2023 08:03 - Karin Smit: \u200enotulen-overleg.zip (bestand bijgevoegd)\n');
    write('in/export.zip', await zipOf([{ name: 'WhatsApp-chat met Pieter Bos.txt', data: OTHER }]));
    write('in/overleg.zip', await zipOf([{ name: '_chat.txt', data: '[03-10-2023 09:15:00] Pieter Bos: Overleg\n' }]));
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources).toHaveLength(3);
  });

  it('beside an export zip, an operator\'s notes and a settings file are skipped, not refused; a text that reads like a chat is ingested', async () => {
    write('in/WhatsApp Chat - Pieter.zip', await zipOf([{ name: 'WhatsApp-chat met Pieter Bos.txt', data: OTHER }]));
    write('in/notes.txt', 'Uitgelezen door RIH, telefoon in kluis.\n');
    write('in/instellingen.json', '{"kleur": "blauw"}');
    write('in/piet-januari.txt', CHAT);
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.sources).toHaveLength(2);
    expect((out.skipped as { path: string }[]).map((s) => path.basename(s.path)).sort()).toEqual(['instellingen.json', 'notes.txt']);
  });

  it('a file named like a chat that is not one still refuses the run', async () => {
    write('in/WhatsApp Chat - Pieter.zip', await zipOf([{ name: 'WhatsApp-chat met Pieter Bos.txt', data: OTHER }]));
    write('in/sub/WhatsApp-chat met Karin.txt', 'geen chat\n');
    const r = await ingest(path.join(dir, 'in'), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/WhatsApp-chat met Karin\.txt.*not a WhatsApp export/);
  });
});
