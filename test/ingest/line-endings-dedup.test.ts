/**
 * One message, one key, whatever the export's line endings (issue #2): a chat exported once with LF and later with
 * CRLF is deduplicated, and nothing is reported missing that the later export holds. Stores ingested before
 * whatsapp-1.1.0 hold keys made of the text with its '\r's (and of a 'waiting' notice's author as sender): a later
 * export still finds those messages.
 */
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { cleanMessage, type CleaningContext } from '../../src/export/clean.js';
import { Screen } from '../../src/export/screen.js';
import type { MessageJson } from '../../src/store/messages.js';
import { matchKey } from '../../src/store/ingest.js';
import { runCli } from '../helpers/cli.js';
import { parse } from '../parsers/whatsapp/helpers.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const NAME = 'WhatsApp-chat met Piet.txt';

const POLL = ['01-06-2024 10:06 - Piet: POLL:', 'Wanneer?', 'OPTION: Maandag (1 vote)', 'OPTION: Dinsdag (0 votes)', ''];
const BASE = [
  '01-06-2024 10:00 - Piet: A',
  '01-06-2024 10:04 - Minister: C',
  'multiline',
  '01-06-2024 10:05 - Piet: drie',
  '',
  ...POLL,
  '01-06-2024 10:07 - Piet: X',
  'y',
  '01-06-2024 10:07 - Piet: X',
  'y',
  '01-06-2024 10:08 - Bob: Wachten op dit bericht.',
  '01-06-2024 10:08 - Piet: eerste',
  'tweede <Dit bericht is bewerkt>',
  '01-06-2024 10:09 - Piet: weg straks',
];
/** The next month's export: lacks "weg straks" (deleted on the phone), adds two messages. */
const LATER = [...BASE.filter((l) => !l.includes('weg straks')), '02-06-2024 09:00 - Piet: nieuw', '02-06-2024 09:01 - Minister: ok', 'tot morgen'];

const lf = (lines: string[]): string => lines.join('\n') + '\n';
const crlf = (lines: string[]): string => lines.join('\r\n') + '\r\n';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

async function ingest(rel: string, content: string) {
  const r = await runCli(['ingest', '--db', db, writeIn(dir, rel, content), '--custodian', 'min', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
}

const messages = async (): Promise<MessageJson[]> => (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;

describe('ingest: line endings do not split a message', () => {
  it('an LF export then a CRLF export of the same chat: one message each, only the dropped one missing', async () => {
    expect(await ingest(`h1/${NAME}`, lf(BASE))).toMatchObject({ messagesNew: 9, messagesMissing: 0 });
    expect(await ingest(`h2/${NAME}`, crlf(LATER))).toMatchObject({ messagesNew: 2, messagesSeenBefore: 8, messagesMissing: 1 });
    const msgs = await messages();
    expect(msgs.map((m) => [m.sender, m.text, m.sources, m.missingIn])).toEqual([
      ['Piet', 'A', [1, 2], []],
      ['Minister', 'C\nmultiline', [1, 2], []],
      ['Piet', 'drie', [1, 2], []],
      ['Piet', 'POLL:\nWanneer?\nOPTION: Maandag (1 vote)\nOPTION: Dinsdag (0 votes)', [1, 2], []],
      ['Piet', 'X\ny', [1, 2], []],
      ['Piet', 'X\ny', [1, 2], []],
      [null, 'Wachten op dit bericht.', [1, 2], []],
      ['Piet', 'eerste\ntweede', [1, 2], []],
      ['Piet', 'weg straks', [1], [2]],
      ['Piet', 'nieuw', [2], []],
      ['Minister', 'ok\ntot morgen', [2], []],
    ]);
    // And back: an LF export after the CRLF one adds nothing.
    expect(await ingest(`h3/${NAME}`, lf(LATER))).toMatchObject({ messagesNew: 0, messagesSeenBefore: 10, messagesMissing: 1 });
  });

  it('a waiting notice has no sender, yet a private author\'s notice is withheld in the geschoonde set', async () => {
    await ingest(`h1/${NAME}`, lf(BASE));
    const waiting = (await messages()).find((m) => m.event === 'waiting')!;
    expect(waiting).toMatchObject({ sender: null, senderContactId: null, extra: { author: 'Bob', actor: 'Bob' } });
    const conv = (await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations[0];
    const bob = conv.participants.find((p: { name: string }) => p.name === 'Bob');
    expect(bob).toBeDefined();
    // The export's cleaning, with Bob's contact marked privé (the context as the export builds it, from the store's participants).
    const ctx: CleaningContext = {
      conversationId: conv.id, title: conv.title, isGroup: conv.isGroup,
      participants: conv.participants.map((p: { contactId: number; name: string | null; phone: string | null }) => ({ ...p, isCustodian: false })),
      conversationMarkings: [],
      contactMarkings: new Map([[bob.contactId, [{ id: 9, level: 'contact', targetId: bob.contactId, span: null, category: 'privé', undecided: false, decisionId: 109, decidedAt: '2024-07-01T10:00:00Z', ruleId: null }]]]),
      defaultCategory: 'zakelijk', pseudonyms: new Map([[bob.contactId, 'Privécontact 1']]),
      screen: new Screen([{ contactId: bob.contactId, pseudonym: 'Privécontact 1', names: ['Bob'], phones: [] }], []),
    };
    expect(cleanMessage(waiting, [], ctx)).toMatchObject({ type: 'marker', category: 'privé', level: 'contact', markingId: 9 });
  });
});

/** The key whatsapp-1.0.0 gave a message (MessageWriter.baseKey then): local time, sender, hash of kind, event and text. */
function oldKey(localIso: string, sender: string | null, kind: string, event: string | null, text: string, occ: number): string {
  const body = crypto.hash('sha256', `${kind}\u0000${event ?? ''}\u0000${text}`, 'base64url').slice(0, 22);
  return `t:${localIso}|${matchKey(sender ?? '')}|${body}${occ ? `#${occ}` : ''}`;
}

describe('ingest: stores from before whatsapp-1.1.0', () => {
  /**
   * A store as whatsapp-1.0.0 left it after ingesting the CRLF export: the same rows, but texts with their '\r's
   * and the trailing blank line, the waiting notice with Bob as sender, and the keys made of those. (The old
   * parser is gone, so its rows are written here by hand, as it wrote them; the source says its parser version.)
   */
  async function oldStore(): Promise<void> {
    await ingest(`h1/${NAME}`, crlf(BASE));
    const store = new Database(db);
    try {
      const bob = (store.prepare("SELECT id FROM contacts WHERE display_name = 'Bob'").get() as { id: number }).id;
      const old: Record<string, { text?: string; sender?: string }> = {
        'C\nmultiline': { text: 'C\r\nmultiline' },
        drie: { text: 'drie\r\n' },
        'POLL:\nWanneer?\nOPTION: Maandag (1 vote)\nOPTION: Dinsdag (0 votes)': { text: 'POLL:\r\nWanneer?\r\nOPTION: Maandag (1 vote)\r\nOPTION: Dinsdag (0 votes)\r\n' },
        'X\ny': { text: 'X\r\ny' },
        'Wachten op dit bericht.': { sender: 'Bob' },
        'eerste\ntweede': { text: 'eerste\r\ntweede' },
      };
      const rows = store.prepare('SELECT id, local_iso, sender, kind, event, text FROM messages ORDER BY seq').all() as
        { id: number; local_iso: string; sender: string | null; kind: string; event: string | null; text: string }[];
      const taken = new Set<string>();
      for (const r of rows) {
        const o = old[r.text];
        const text = o?.text ?? r.text;
        const sender = o?.sender ?? r.sender;
        let occ = 0;
        while (taken.has(oldKey(r.local_iso, sender, r.kind, r.event, text, occ))) occ++;
        const key = oldKey(r.local_iso, sender, r.kind, r.event, text, occ);
        taken.add(key);
        store.prepare('UPDATE messages SET text = ?, sender = ?, sender_raw = ?, dedup_key = ? WHERE id = ?').run(text, sender, sender, key, r.id);
        if (o?.sender) store.prepare('UPDATE messages SET sender_contact_id = ?, extra_json = NULL WHERE id = ?').run(bob, r.id);
      }
      store.prepare("UPDATE sources SET parser_version = 'whatsapp-1.0.0'").run();
    } finally {
      store.close();
    }
  }

  it('a later export finds the messages under their old keys: no duplicates, nothing falsely missing', async () => {
    await oldStore();
    expect(await ingest(`h2/${NAME}`, crlf(LATER))).toMatchObject({ messagesNew: 2, messagesSeenBefore: 8, messagesMissing: 1 });
    // And the export after that, which sights the same old rows again.
    expect(await ingest(`h3/${NAME}`, crlf([...LATER, '03-06-2024 08:00 - Piet: later']))).toMatchObject({ messagesNew: 1, messagesSeenBefore: 10, messagesMissing: 1 });
    const msgs = await messages();
    // The stored rows keep the text they were stored with (passage markings count in it).
    expect(msgs.map((m) => [m.sender, m.text, m.sources, m.missingIn])).toEqual([
      ['Piet', 'A', [1, 2, 3], []],
      ['Minister', 'C\r\nmultiline', [1, 2, 3], []],
      ['Piet', 'drie\r\n', [1, 2, 3], []],
      ['Piet', 'POLL:\r\nWanneer?\r\nOPTION: Maandag (1 vote)\r\nOPTION: Dinsdag (0 votes)\r\n', [1, 2, 3], []],
      ['Piet', 'X\r\ny', [1, 2, 3], []],
      ['Piet', 'X\r\ny', [1, 2, 3], []],
      ['Bob', 'Wachten op dit bericht.', [1, 2, 3], []],
      ['Piet', 'eerste\r\ntweede', [1, 2, 3], []],
      ['Piet', 'weg straks', [1], [2, 3]],
      ['Piet', 'nieuw', [2, 3], []],
      ['Minister', 'ok\ntot morgen', [2, 3], []],
      ['Piet', 'later', [3], []],
    ]);
    // The edited message matched under its old key is no further edit: its stored text stays, without revisions.
    expect(msgs.find((m) => m.text.startsWith('eerste'))).toMatchObject({ edited: true, extra: null });
  });

  it('an LF export after the old CRLF store finds the rows too (poll, edit and repeats included)', async () => {
    await oldStore();
    expect(await ingest(`h2/${NAME}`, lf(LATER))).toMatchObject({ messagesNew: 2, messagesSeenBefore: 8, messagesMissing: 1 });
    const msgs = await messages();
    expect(msgs.map((m) => [m.text, m.sources])).toEqual([
      ['A', [1, 2]], ['C\r\nmultiline', [1, 2]], ['drie\r\n', [1, 2]],
      ['POLL:\r\nWanneer?\r\nOPTION: Maandag (1 vote)\r\nOPTION: Dinsdag (0 votes)\r\n', [1, 2]], ['X\r\ny', [1, 2]], ['X\r\ny', [1, 2]],
      ['Wachten op dit bericht.', [1, 2]], ['eerste\r\ntweede', [1, 2]], ['weg straks', [1]], ['nieuw', [2]], ['ok\ntot morgen', [2]],
    ]);
    // Matched under its CRLF key, the edited message compares with its stored text: no further edit.
    expect(msgs.find((m) => m.text.startsWith('eerste'))).toMatchObject({ edited: true, extra: null });
  });

  it('identical repeats pair up one by one across old and new keys', async () => {
    await oldStore();
    // Three repeats now: two match the old rows, the third is new; the next export matches all three.
    const three = [...LATER, '02-06-2024 09:02 - Piet: z'];
    three.splice(three.indexOf('01-06-2024 10:08 - Bob: Wachten op dit bericht.'), 0, '01-06-2024 10:07 - Piet: X', 'y');
    expect(await ingest(`h2/${NAME}`, crlf(three))).toMatchObject({ messagesNew: 4, messagesSeenBefore: 8, messagesMissing: 1 });
    three.push('03-06-2024 08:00 - Piet: later');
    expect(await ingest(`h3/${NAME}`, crlf(three))).toMatchObject({ messagesNew: 1, messagesSeenBefore: 12, messagesMissing: 1 });
    three.push('03-06-2024 08:01 - Piet: nog later');
    expect(await ingest(`h4/${NAME}`, crlf(three))).toMatchObject({ messagesNew: 1, messagesSeenBefore: 13, messagesMissing: 1 });
    const repeats = (await messages()).filter((m) => m.text.startsWith('X'));
    expect(repeats.map((m) => [m.text, m.sources])).toEqual([['X\r\ny', [1, 2, 3, 4]], ['X\r\ny', [1, 2, 3, 4]], ['X\ny', [2, 3, 4]]]);
  });

  /**
   * A store as whatsapp-1.0.0 left it after ingesting `content` (at `rel`): ingested now, then every row given the
   * sender, text and key of the reading the parser reports as whatsapp-1.0.0's (ParsedMessage.legacy, else its reading
   * now, which 1.0.0 shared), with the occurrence numbers those keys had. So the old rows follow from the file's own
   * bytes, mixed line endings included, instead of being listed by hand. (A test-only parser option to read as 1.0.0
   * did would only repeat what `legacy` reports and test/parsers/whatsapp/line-endings.test.ts checks.) No waiting
   * notices here: their contact is not rewritten.
   */
  async function oldStoreOf(rel: string, content: string): Promise<void> {
    await ingest(rel, content);
    const parsed = (await parse(content)).messages;
    const store = new Database(db);
    try {
      const rows = store.prepare('SELECT id, local_iso, text FROM messages ORDER BY seq').all() as { id: number; local_iso: string; text: string }[];
      expect(rows.map((r) => [r.local_iso, r.text])).toEqual(parsed.map((m) => [m.localIso, m.text]));
      const taken = new Set<string>();
      rows.forEach((r, i) => {
        const o = parsed[i]!.legacy ?? parsed[i]!;
        expect(o.event).not.toBe('waiting');
        let occ = 0;
        while (taken.has(oldKey(r.local_iso, o.sender, o.kind, o.event, o.text, occ))) occ++;
        const key = oldKey(r.local_iso, o.sender, o.kind, o.event, o.text, occ);
        taken.add(key);
        store.prepare('UPDATE messages SET kind = ?, event = ?, sender = ?, text = ?, dedup_key = ? WHERE id = ?').run(o.kind, o.event, o.sender, o.text, key, r.id);
      });
      store.prepare("UPDATE sources SET parser_version = 'whatsapp-1.0.0'").run();
    } finally {
      store.close();
    }
  }

  // The reviewer's chat (iOS lines), and a one-line body followed by the export's blank line. The file names the chat,
  // so that which conversation it joins does not hang on the evidence an unnamed _chat.txt needs.
  const EVA_FILE = 'WhatsApp Chat with Eva Jansen.txt';
  const EVA = ['[21-06-2022 14:03:10] Eva Jansen: Hoi!', '[21-06-2022 18:31:12] Eva Jansen: Sorry, ik zat in de trein.', 'Morgen om 9:00 bellen?', '[21-06-2022 18:40:00] M: Prima'];
  const BLANK = ['[21-06-2022 18:41:00] Eva Jansen: Tot morgen', ''];
  const eolFile = (lines: string[], eol: string): string => lines.join(eol) + eol;

  it.each([
    ['CRLF', 'LF', '\r\n', '\n'],
    ['CR', 'LF', '\r', '\n'],
    ['CR', 'CRLF', '\r', '\r\n'],
    ['LF', 'CR', '\n', '\r'],
    ['CRLF', 'CR', '\r\n', '\r'],
  ])('an old store from a %s export, then a %s export: every message seen once, nothing missing', async (_a, _b, before, after) => {
    await oldStoreOf(`old/${EVA_FILE}`, eolFile([...EVA, ...BLANK], before));
    const later = [...EVA, ...BLANK, '[22-06-2022 09:00:00] Eva Jansen: Bel je nu?'];
    expect(await ingest(`new/${EVA_FILE}`, eolFile(later, after))).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0 });
    // And once more, the other way round: the rows keep pairing up.
    expect(await ingest(`next/${EVA_FILE}`, eolFile(later, before))).toMatchObject({ conversationId: 1, messagesNew: 0, messagesSeenBefore: 5, messagesMissing: 0 });
    expect((await messages()).map((m) => [m.text.replace(/\r\n?/g, '\n'), m.sources, m.missingIn])).toEqual([
      ['Hoi!', [1, 2, 3], []],
      ['Sorry, ik zat in de trein.\nMorgen om 9:00 bellen?', [1, 2, 3], []],
      ['Prima', [1, 2, 3], []],
      ['Tot morgen\n', [1, 2, 3], []],
      ['Bel je nu?', [2, 3], []],
    ]);
  });

  it('identical repeats in a file of mixed line endings pair with their own old rows', async () => {
    // The first copy's lines are joined by CRLF, the second's by LF: whatsapp-1.0.0 gave them two keys, and the
    // key of the second is the first copy's current key.
    const lines = ['[21-06-2022 14:03:10] Eva Jansen: Hoi!', '[21-06-2022 15:00:00] Eva Jansen: Akkoord', 'Groet', '[21-06-2022 15:00:00] Eva Jansen: Akkoord', 'Groet', '[21-06-2022 15:05:00] M: Goed'];
    const mixed = (l: string[]): string => l.map((x, i) => x + (i === 1 ? '\r\n' : '\n')).join('');
    await oldStoreOf(`old/${EVA_FILE}`, mixed(lines));
    const later = [...lines, '[22-06-2022 09:00:00] Eva Jansen: Bel je nu?'];
    expect(await ingest(`new/${EVA_FILE}`, mixed(later))).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0 });
    // An LF export and a CRLF one after it find both old rows too.
    expect(await ingest(`lf/${EVA_FILE}`, lf(later))).toMatchObject({ conversationId: 1, messagesNew: 0, messagesSeenBefore: 5, messagesMissing: 0 });
    expect(await ingest(`crlf/${EVA_FILE}`, crlf(later))).toMatchObject({ conversationId: 1, messagesNew: 0, messagesSeenBefore: 5, messagesMissing: 0 });
    expect((await messages()).map((m) => [m.text, m.sources, m.missingIn])).toEqual([
      ['Hoi!', [1, 2, 3, 4], []],
      ['Akkoord\r\nGroet', [1, 2, 3, 4], []],
      ['Akkoord\nGroet', [1, 2, 3, 4], []],
      ['Goed', [1, 2, 3, 4], []],
      ['Bel je nu?', [2, 3, 4], []],
    ]);
  });

  it('a message whatsapp-1.0.0 stored twice (from an LF and a CRLF export) is seen in both rows, neither reported missing', async () => {
    const lines = ['[21-06-2022 14:03:10] Eva Jansen: Hoi!', '[21-06-2022 15:00:00] Eva Jansen: Akkoord', 'Groet', '[21-06-2022 15:05:00] M: Goed'];
    await oldStoreOf(`old/${EVA_FILE}`, lf(lines));
    // The CRLF export's copy as whatsapp-1.0.0 stored it beside the LF one: its text with '\r\n', its own key.
    const store = new Database(db);
    try {
      const r = store.prepare("SELECT id, local_iso, sender, kind, event FROM messages WHERE text = 'Akkoord\nGroet'").get() as {
        id: number; local_iso: string; sender: string; kind: string; event: string | null;
      };
      store
        .prepare(
          `INSERT INTO messages (conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, sender, sender_raw, sender_contact_id,
             kind, event, text, raw_text, source_line, first_source_id)
           SELECT conversation_id, 99, ?, sent_at, sent_at_ms, local_time, local_iso, zone, sender, sender_raw, sender_contact_id, kind, event, ?,
             replace(raw_text, char(10), char(13) || char(10)), source_line, first_source_id FROM messages WHERE id = ?`,
        )
        .run(oldKey(r.local_iso, r.sender, r.kind, r.event, 'Akkoord\r\nGroet', 0), 'Akkoord\r\nGroet', r.id);
    } finally {
      store.close();
    }
    const later = [...lines, '[22-06-2022 09:00:00] Eva Jansen: Bel je nu?'];
    expect(await ingest(`new/${EVA_FILE}`, lf(later))).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect((await messages()).map((m) => [m.text, m.sources, m.missingIn])).toEqual([
      ['Hoi!', [1, 2], []],
      ['Akkoord\nGroet', [1, 2], []],
      ['Goed', [1, 2], []],
      ['Akkoord\r\nGroet', [1, 2], []],
      ['Bel je nu?', [2], []],
    ]);
  });
});
