/**
 * A Signal export describes every chat, also one without a single message in it: Signal's export leaves out every
 * message that had a disappearing timer, so a chat that had the timer on all along comes as its chat frame (with the
 * timer) and nothing else. The finding that such a chat used disappearing messages belongs to that chat: to its
 * conversation when the store has one (from an earlier export), else it says that the chat has none. It never lands on
 * another conversation of the export (before, the export's only conversation took it).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore } from '../ingest/store-dir.js';

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const CUSTODIAN = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'BZK', '--from', '2024-07-02'];
/** ACIs of the sample (base64): Petra, Youssef, and the custodian (her ACI is in the sample's group member list). */
const PETRA = 'xdesfzlgQaGa3hlAUb3U7Q==';
const YOUSSEF = 'rCGoChTgSACNIMiSNfj2ZQ==';
const SELF = 'o9bpIHX8TVuoFzw0yxEQww==';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const ingest = async (p: string) => (await cli('ingest', '--custodian', 'min', '--json', p)).json().sources[0];
const absent = async (sourceId: number) =>
  (await cli('report', 'findings', '--custodian', 'min', '--format', 'json')).json().findings
    .filter((f: any) => f.code === 'disappearing-may-be-absent' && f.sourceId === sourceId)
    .sort((a: any, b: any) => a.detail.localeCompare(b.detail)); // by timer: the group's week first, then Joris's 8 hours
const conversationId = async (title: string) =>
  (await cli('conversations', '--custodian', 'min', '--json')).json().conversations.find((c: any) => c.title === title).id;

/**
 * A later export of the sample's phone, made when only the 1:1 with Youssef had messages left: the chat with Joris
 * (timer 8 hours) has none, and a group made since, "Vertrouwelijk beraad", had a one-week timer from its creation,
 * so the export holds its chat frame alone.
 */
function laterExport(): string {
  const out = path.join(dir, 'later');
  fs.cpSync(SAMPLE, out, { recursive: true });
  const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  header.backupTimeMs = '1762167600000';
  const group = {
    recipient: {
      id: '10',
      group: {
        masterKey: Buffer.alloc(32, 7).toString('base64'), whitelisted: true,
        snapshot: {
          title: { title: 'Vertrouwelijk beraad' }, disappearingMessagesTimer: { disappearingMessagesDuration: 604800 }, version: 2,
          members: [{ userId: PETRA, role: 'ADMINISTRATOR' }, { userId: SELF, role: 'DEFAULT' }, { userId: YOUSSEF, role: 'DEFAULT' }],
        },
      },
    },
  };
  const frames = lines.slice(1).filter((l) => !l.startsWith('{"chatItem"') || l.startsWith('{"chatItem":{"chatId":"1",'));
  const firstChat = frames.findIndex((l) => l.startsWith('{"chat"'));
  frames.splice(firstChat, 0, JSON.stringify(group));
  const lastChat = frames.findLastIndex((l) => l.startsWith('{"chat"'));
  frames.splice(lastChat + 1, 0, JSON.stringify({ chat: { id: '5', recipientId: '10', expireTimerVersion: 1 } }));
  fs.writeFileSync(path.join(out, 'main.jsonl'), [JSON.stringify(header), ...frames].join('\n') + '\n');
  return out;
}

const JORIS_DETAIL = 'verdwijnende berichten gebruikt (timer 8 uur); de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig';
const GROUP_DETAIL =
  'verdwijnende berichten gebruikt (timer 7 dagen); de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig; ' +
  'chat "Vertrouwelijk beraad" heeft geen gesprek in het archief: de export bevat geen berichten ervan';

describe('a disappearing-message finding about a chat without messages in the export', () => {
  it('names no other conversation: it says that the chat has none in the store', async () => {
    const s = await ingest(laterExport());
    expect(s).toMatchObject({ conversationIds: [1] });
    expect(s.warnings.filter((w: any) => w.code === 'disappearing-messages-may-be-absent').map((w: any) => w.message)).toEqual([
      expect.stringContaining('chat "Joris" used disappearing messages (timer 8 hours)'),
      expect.stringContaining('chat "Vertrouwelijk beraad" used disappearing messages (timer 1 week)'),
    ]);
    // The chat key is the ingest's to use, not part of the warning it prints.
    for (const w of s.warnings) expect(w).not.toHaveProperty('chatKey');
    expect((await absent(s.id)).map((f: any) => [f.conversationId, f.conversation, f.detail])).toEqual([
      [null, null, GROUP_DETAIL],
      [null, null, `${JORIS_DETAIL}; chat "Joris" heeft geen gesprek in het archief: de export bevat geen berichten ervan`],
    ]);
  });

  it("names the chat's conversation when an earlier export brought it", async () => {
    const first = await ingest(SAMPLE);
    const joris = await conversationId('Joris');
    expect((await absent(first.id)).map((f: any) => f.conversation)).toEqual(['Crisisoverleg Hoogwater', 'Joris']);
    const s = await ingest(laterExport());
    expect(s.conversationIds).toEqual([await conversationId('Youssef El Amrani (BZK)')]);
    expect((await absent(s.id)).map((f: any) => [f.conversationId, f.conversation, f.detail])).toEqual([
      [null, null, GROUP_DETAIL],
      [joris, 'Joris', JORIS_DETAIL],
    ]);
  });

  it('recorded by an ingest before chat keys (schema v11): matched by title among the source\'s conversations, else says so', async () => {
    const first = await ingest(SAMPLE);
    const s = await ingest(laterExport());
    // What such an ingest stored: no chat key, no conversation.
    const raw = new Database(db);
    raw.prepare("UPDATE source_findings SET chat_key = NULL, conversation_id = NULL WHERE code = 'disappearing-messages-may-be-absent'").run();
    raw.close();
    // The sample's own findings: their chats are the source's conversations, by title.
    expect((await absent(first.id)).map((f: any) => f.conversation)).toEqual(['Crisisoverleg Hoogwater', 'Joris']);
    // The later export's chats are none of its conversations: neither finding takes its only conversation.
    expect((await absent(s.id)).map((f: any) => [f.conversationId, f.detail])).toEqual([
      [null, GROUP_DETAIL.replace('heeft geen gesprek in het archief: de export bevat geen berichten ervan', 'heeft geen berichten in deze export, het gesprek is niet vastgesteld')],
      [null, `${JORIS_DETAIL}; chat "Joris" heeft geen berichten in deze export, het gesprek is niet vastgesteld`],
    ]);
  });
});
