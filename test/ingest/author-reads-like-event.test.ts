/**
 * A contact saved with quotes in the name (`Robert "Bob" Jansen`) writes a message that reads like a group event
 * (`They removed the barrier`). Parser versions before whatsapp-1.3.0 read the whole line as a system sentence with
 * the actor `Robert "Bob" Jansen: They` and no sender; now it is the contact's message. A store ingested then is still
 * matched by a later export: nothing is duplicated and nothing is reported missing.
 */
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { matchKey } from '../../src/store/ingest.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const CHAT = [
  '05-09-2024 19:00 - Robert "Bob" Jansen: Hoi allemaal',
  '05-09-2024 19:01 - Robert "Bob" Jansen: They removed the barrier',
  '05-09-2024 19:02 - Karin: Dank',
];
const write = (rel: string, lines: string[]): string => writeIn(dir, rel, lines.join('\n') + '\n');
const messages = async () =>
  (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages as { sender: string | null; kind: string; event: string | null; text: string }[];

describe('a message whose author reads like a system sentence', () => {
  it('is the author\'s message', async () => {
    await ingestOne(db, write('a/WhatsApp-chat met Groep.txt', CHAT));
    expect((await messages()).map((m) => [m.sender, m.kind, m.event, m.text])).toEqual([
      ['Robert "Bob" Jansen', 'text', null, 'Hoi allemaal'],
      ['Robert "Bob" Jansen', 'text', null, 'They removed the barrier'],
      ['Karin', 'text', null, 'Dank'],
    ]);
  });

  it('a store ingested before whatsapp-1.3.0, which read it as a system event without a sender, is still matched', async () => {
    await ingestOne(db, write('a/WhatsApp-chat met Groep.txt', CHAT));
    // The store as whatsapp-1.2.0 left it: the line a 'member-removed' event without a sender, under that key.
    const text = 'Robert "Bob" Jansen: They removed the barrier';
    const body = crypto.hash('sha256', `system\u0000member-removed\u0000${text}`, 'base64url').slice(0, 22);
    const d = new Database(db);
    try {
      const r = d.prepare(`UPDATE messages SET sender = NULL, sender_raw = NULL, sender_contact_id = NULL, kind = 'system', event = 'member-removed',
          text = ?, extra_json = ?, dedup_key = ? WHERE text = 'They removed the barrier'`)
        .run(text, JSON.stringify({ actor: 'Robert "Bob" Jansen: They', target: 'the barrier' }), `t:2024-09-05T19:01:00|${matchKey('')}|${body}`);
      expect(r.changes).toBe(1);
      d.prepare("UPDATE sources SET parser_version = 'whatsapp-1.2.0'").run();
    } finally {
      d.close();
    }
    const later = await ingestOne(db, write('b/WhatsApp-chat met Groep.txt', [...CHAT, '06-09-2024 08:00 - Karin: Goedemorgen']));
    expect(later).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect((await messages()).filter((m) => m.text.includes('They removed the barrier'))).toHaveLength(1);
  });
});
