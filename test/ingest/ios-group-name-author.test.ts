/**
 * An iOS group export (2021+) whose zip or file name names the chat but which lacks the encryption notice (the export
 * limit dropped it): the group's name authors the lines WhatsApp writes itself (`Lappers: ‎You're now an admin`), as it
 * authors the notice in an export that has one. It is read as the chat's name: its lines are system events, and it is
 * no participant or contact. A person who is called like the group, and writes as a person, stays one.
 */
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { matchKey } from '../../src/store/ingest.js';
import { contactNames as storeContactNames, freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const LRM = '\u200e';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (file: string) => ingestOne(db, file);
const zipped = (name: string, lines: string[]): string =>
  writeIn(dir, name, makeZip([{ name: '_chat.txt', data: Buffer.from(lines.join('\n') + '\n') }]));
const conversation = async () => (await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations;
const messages = async (id: number) =>
  (await runCli(['messages', '--db', db, '--conversation', String(id), '--json'])).json().messages as {
    sender: string | null; kind: string; event: string | null; text: string;
  }[];
const contactNames = (): string[] => storeContactNames(db);

// The group "Lappers" without the notice: a known event and a WhatsApp text no template knows, by the group's name.
const LAPPERS = [
  '[19/10/2025, 10:00:00] Rudi Anderson: vergadering om 11?',
  '[19/10/2025, 10:00:30] Piet: kan ik niet',
  `[19/10/2025, 10:02:00] Lappers: ${LRM}You're now an admin`,
  `[19/10/2025, 10:03:00] Lappers: ${LRM}Deze groep heeft een nieuwe functie`,
  '[20/10/2025, 08:00:00] Rudi Anderson: agenda volgt',
];

describe('an iOS group export named by its zip, without the notice', () => {
  it("reads the group's name as the author of the chat's system lines, not as a participant", async () => {
    const s = await ingest(zipped('WhatsApp Chat - Lappers.zip', LAPPERS));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 5 });
    const [c] = await conversation();
    expect(c).toMatchObject({ title: 'Lappers', isGroup: true });
    expect(c.participants.map((p: { name: string }) => p.name).sort()).toEqual(['Piet', 'Rudi Anderson']);
    expect(contactNames()).not.toContain('Lappers');
    const ms = await messages(1);
    expect(ms.filter((m) => m.kind === 'system').map((m) => [m.sender, m.event, m.text])).toEqual([
      [null, 'admin', "You're now an admin"],
      [null, 'other', 'Deze groep heeft een nieuwe functie'],
    ]);
  });

  it('a chat file named after the group in a folder is read alike', async () => {
    await ingest(writeIn(dir, 'export/WhatsApp Chat - Lappers.txt', LAPPERS.join('\n') + '\n'));
    expect(contactNames()).not.toContain('Lappers');
    expect((await messages(1)).filter((m) => m.sender === 'Lappers')).toEqual([]);
  });

  it('a later export of the group joins it by title and adds no participant "Lappers"', async () => {
    await ingest(zipped('WhatsApp Chat - Lappers.zip', LAPPERS));
    const later = await ingest(
      zipped('later/WhatsApp Chat - Lappers.zip', [...LAPPERS.slice(2), `[21/10/2025, 09:00:00] Lappers: ${LRM}Piet left`, '[21/10/2025, 09:01:00] Rudi Anderson: jammer']),
    );
    expect(later).toMatchObject({ conversationId: 1, messagesNew: 2, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(contactNames()).not.toContain('Lappers');
  });

  it('a person called like the group who writes as a person stays a participant', async () => {
    // "Lappers" writes an ordinary message (no leading U+200E) besides a marked line: a person, whatever the zip says.
    await ingest(zipped('WhatsApp Chat - Lappers.zip', [...LAPPERS, '[20/10/2025, 09:00:00] Lappers: ik kom ook']));
    expect(contactNames()).toContain('Lappers');
    expect((await messages(1)).find((m) => m.text === 'ik kom ook')?.sender).toBe('Lappers');
  });

  it('a person called like the group who only sends attachments stays a participant', async () => {
    // (with the group's events under the same name: one name, so one author, read as the person)
    const lines = [...LAPPERS, `[20/10/2025, 09:00:00] Lappers: ${LRM}<attached: 00000012-PHOTO-2025-10-20-09-00-00.jpg>`];
    await ingest(zipped('WhatsApp Chat - Lappers.zip', lines));
    expect(contactNames()).toContain('Lappers');
    expect((await messages(1)).find((m) => m.kind === 'media')?.sender).toBe('Lappers');
  });

  it('a store ingested before whatsapp-1.2.0, which read such a line as the name\'s own text, is still matched', async () => {
    await ingest(zipped('WhatsApp Chat - Lappers.zip', LAPPERS));
    // The store as whatsapp-1.1.0 left it: the unknown WhatsApp line a text message of "Lappers", under that key.
    const text = 'Deze groep heeft een nieuwe functie';
    const body = crypto.hash('sha256', `text\u0000\u0000${text}`, 'base64url').slice(0, 22);
    const d = new Database(db);
    try {
      const r = d.prepare("UPDATE messages SET sender = 'Lappers', sender_raw = 'Lappers', kind = 'text', event = NULL, extra_json = NULL, dedup_key = ? WHERE text = ?")
        .run(`t:2025-10-19T10:03:00|${matchKey('Lappers')}|${body}`, text);
      expect(r.changes).toBe(1);
      d.prepare("UPDATE sources SET parser_version = 'whatsapp-1.1.0'").run();
    } finally {
      d.close();
    }
    const later = await ingest(zipped('later/WhatsApp Chat - Lappers.zip', [...LAPPERS.slice(1), '[21/10/2025, 09:01:00] Rudi Anderson: jammer']));
    expect(later).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0 });
    const ms = await messages(1);
    expect(ms.filter((m) => m.text === text)).toHaveLength(1);
  });
});
