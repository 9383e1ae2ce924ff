/**
 * Conversation identity for iOS exports that carry no title of their own: no chat title in the file name (a bare
 * `_chat.txt`, an unpacked folder), no group subject and no encryption notice (the export limit dropped the oldest
 * messages). Such an export maps to the conversation of the same chat on the evidence it holds (an author named like
 * the conversation, with the other authors its participants, and messages it already stores), and only then: two
 * different chats never merge on a name alone or on one message forwarded to both.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { contactNames as storeContactNames, freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const LRM = '\u200e';
const NL_NOTICE = `${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`;
const EN_NOTICE = `${LRM}Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them.`;

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const chatFile = (folder: string, lines: string[]): string => writeIn(dir, `${folder}/_chat.txt`, lines.join('\n') + '\n');
const ingest = async (file: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const conversations = async () => (await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations;
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const names = (c: { participants: { name: string }[] }) => c.participants.map((p) => p.name).sort();
const contactNames = (): string[] => storeContactNames(db);
const codes = (s: { warnings: { code: string }[] }) => s.warnings.map((w) => w.code);

// 1:1 chat with Jan: the first export has the notice (authored by Jan, the chat name); the later one lost it.
const O1 = ['[01-06-2024 10:00:00] Jan: ' + NL_NOTICE, '[01-06-2024 10:00:01] Jan: hoi', '[01-06-2024 10:00:02] Minister: hallo Jan'];
const O2 = ['[01-06-2024 10:00:01] Jan: hoi', '[01-06-2024 10:00:02] Minister: hallo Jan', '[02-06-2024 10:00:02] Jan: nieuw'];

// Group "Lappers" (iOS 2021+: the group name authors the notice and the events that concern the exporter).
const G1 = [
  `[18/10/2025, 01:02:18] Lappers: ${EN_NOTICE}`,
  `[18/10/2025, 01:02:19] Lappers: ${LRM}Rudi Anderson added you`,
  '[18/10/2025, 01:02:20] Rudi Anderson: hallo',
  '[18/10/2025, 09:00:00] Jan: goedemorgen allemaal',
  '[18/10/2025, 09:05:00] Piet: morgen',
  '[19/10/2025, 10:00:00] Rudi Anderson: vergadering om 11?',
  '[19/10/2025, 10:00:30] Piet: kan ik niet',
  '[19/10/2025, 10:01:00] Jan: prima',
];
// The later export: starts within the first one, has lines by the group name (a known event and one WhatsApp text no
// template knows) and a new message.
const G2 = [
  '[19/10/2025, 10:00:00] Rudi Anderson: vergadering om 11?',
  '[19/10/2025, 10:00:30] Piet: kan ik niet',
  '[19/10/2025, 10:01:00] Jan: prima',
  `[19/10/2025, 10:02:00] Lappers: ${LRM}You're now an admin`,
  `[19/10/2025, 10:03:00] Lappers: ${LRM}Deze groep heeft een nieuwe functie`,
  '[20/10/2025, 08:00:00] Rudi Anderson: agenda volgt',
];

describe('an iOS export without title, subject or notice maps to the conversation of the same chat', () => {
  it('1:1: the later bare _chat.txt without the notice joins the conversation the notice named', async () => {
    expect(await ingest(chatFile('o1', O1))).toMatchObject({ conversationId: 1, messagesNew: 3 });
    const s = await ingest(chatFile('o2', O2));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 2, messagesMissing: 0 });
    const w = s.warnings.find((x: { code: string }) => x.code === 'conversation-matched');
    expect(w?.message).toMatch(/conversation 1 "Jan"/);
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ id: 1, title: 'Jan', titleHistory: [], isGroup: false, messageCount: 4 });
    expect(names(convs[0])).toEqual(['Jan', 'Minister']);
  });

  it('group: the later export joins the group; its name authors system events and is no participant or contact', async () => {
    expect(await ingest(chatFile('g1', G1))).toMatchObject({ conversationId: 1, messagesNew: 8 });
    const s = await ingest(chatFile('g2', G2));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 3, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(s.warnings.find((x: { code: string }) => x.code === 'conversation-matched')?.message).toMatch(/conversation 1 "Lappers"/);
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ title: 'Lappers', titleHistory: [], isGroup: true, messageCount: 11 });
    expect(names(convs[0])).toEqual(['Jan', 'Piet', 'Rudi Anderson']);
    expect(contactNames()).not.toContain('Lappers');
    const byText = new Map<string, any>((await messages(1)).map((m: any) => [m.text, m]));
    expect(byText.get("You're now an admin")).toMatchObject({ sender: null, kind: 'system', event: 'admin' });
    expect(byText.get('Deze groep heeft een nieuwe functie')).toMatchObject({ sender: null, kind: 'system', event: 'other' });
  });

  it('a message deleted on the phone: with ten shared messages or more it is a possible deletion, with fewer no evidence', async () => {
    const day = (i: number) => `[19/10/2025, 10:${String(i).padStart(2, '0')}:00] ${i % 2 ? 'Jan' : 'Piet'}: bericht ${i}`;
    await ingest(chatFile('g1', [...G1, ...Array.from({ length: 12 }, (_, i) => day(i + 10))]));
    // A later export lacks Piet's 10:00:30 (deleted on the phone): with 14 shared messages, a possible deletion.
    const many = await ingest(chatFile('many', [G1[5]!, G1[7]!, ...Array.from({ length: 12 }, (_, i) => day(i + 10)), '[20/10/2025, 08:00:00] Rudi Anderson: agenda']));
    expect(many).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 14, messagesMissing: 1 });
    // (the verdict says that one is not there, rather than "every stored message of that time")
    expect(many.warnings.find((w: { code: string }) => w.code === 'conversation-matched')?.message).toMatch(
      /, with all but 1 of the 15 stored messages of that time in this export \(at most one in ten may be missing: deleted on the phone; it is reported missing\)$/,
    );
    expect((await messages(1)).find((m: any) => m.text === 'kan ik niet').missingIn).toEqual([many.id]);
    // An export of the same chat without it that shares only 3 messages: that is no evidence, not taken in.
    const few = await ingest(chatFile('few', [G1[5]!, G1[7]!, day(10)]));
    expect(few).toMatchObject({ conversationId: 2, messagesMissing: 0 });
    expect(few.warnings.find((w: { code: string }) => w.code === 'conversation-not-matched')?.message).toMatch(
      /conversation 1 "Lappers".*1 stored message of that conversation between 2025-10-19T10:00:00 and 2025-10-19T10:10:00 is not in this export/,
    );
  });

  it('a message deleted for everyone since: with ten shared messages or more the later export still joins', async () => {
    const day = (i: number) => `[19/10/2025, 10:${String(i).padStart(2, '0')}:00] ${i % 2 ? 'Jan' : 'Piet'}: bericht ${i}`;
    const lines = Array.from({ length: 14 }, (_, i) => day(i + 10));
    await ingest(chatFile('g1', [...G1, ...lines]));
    // The later export shows Jan's 10:13 as deleted: the stored export lacked that line, and this one lacks the text.
    const later = lines.map((l, i) => (i === 3 ? '[19/10/2025, 10:13:00] Jan: \u200eDit bericht is verwijderd.' : l));
    const s = await ingest(chatFile('later', [...G1.slice(5), ...later, '[20/10/2025, 08:00:00] Rudi Anderson: agenda']));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 2, messagesSeenBefore: 16, messagesMissing: 1 });
    expect(codes(s)).toContain('conversation-matched');
    expect((await messages(1)).find((m: any) => m.text === 'bericht 13').missingIn).toEqual([s.id]);
  });

  it('group: without any line by the group name, several stored messages of several senders are enough', async () => {
    await ingest(chatFile('g1', G1));
    const s = await ingest(chatFile('g3', [...G1.slice(3), '[20/10/2025, 08:00:00] Rudi Anderson: agenda volgt']));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 5, messagesMissing: 0 });
    expect(codes(s)).toContain('conversation-matched');
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ title: 'Lappers', titleHistory: [] });
  });

  it('1:1: no notice first, the notice later: one conversation, titled by the notice', async () => {
    expect(await ingest(chatFile('o2', O2))).toMatchObject({ conversationId: 1, messagesNew: 3 });
    const s = await ingest(chatFile('o1', O1));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 2, messagesMissing: 0 });
    expect(codes(s)).toContain('conversation-matched');
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ title: 'Jan', titleHistory: ['Jan, Minister'], messageCount: 4 });
    expect(names(convs[0])).toEqual(['Jan', 'Minister']);
  });
});

describe('different chats never merge on weak evidence', () => {
  it('two 1:1 chats with different people stay separate, even with a message forwarded to both at once', async () => {
    await ingest(chatFile('jan', [...O1, '[01-06-2024 11:00:00] Minister: Zie de nota in de bijlage.']));
    // The chat with Piet, in which only the minister wrote: the forwarded message has the same second, sender and text.
    const s = await ingest(chatFile('piet', ['[01-06-2024 11:00:00] Minister: Zie de nota in de bijlage.', '[01-06-2024 11:05:00] Minister: Piet, jij ook?']));
    expect(s).toMatchObject({ conversationId: 2, messagesNew: 2, messagesSeenBefore: 0 });
    expect(codes(s)).not.toContain('conversation-matched');
    // And a chat with Piet in which Piet wrote too.
    const t = await ingest(chatFile('piet2', ['[01-06-2024 11:00:00] Minister: Zie de nota in de bijlage.', '[01-06-2024 11:06:00] Piet: dank']));
    expect(t.conversationId).not.toBe(1);
    expect((await conversations()).find((c: any) => c.id === 1).messageCount).toBe(4);
  });

  it('a chat in which Jan writes with someone else does not join the 1:1 chat with Jan, even with a message Jan forwarded to both', async () => {
    await ingest(chatFile('jan', [...O1, '[01-06-2024 11:00:00] Jan: Doorgestuurd: het persbericht.']));
    // A group without notice, subject or group event in which only Jan and Piet write: it reads like a 1:1 chat.
    const s = await ingest(chatFile('groep', ['[01-06-2024 10:59:00] Piet: wie heeft het persbericht?', '[01-06-2024 11:00:00] Jan: Doorgestuurd: het persbericht.']));
    expect(s).toMatchObject({ conversationId: 2, messagesNew: 2, messagesSeenBefore: 0 });
    expect(codes(s)).not.toContain('conversation-matched');
  });

  it('a group and a 1:1 chat with a person named like the group do not merge', async () => {
    // The group "Lappers", in which the minister writes too.
    await ingest(chatFile('g1', [...G1, '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.']));
    // A 1:1 chat with a person who calls himself "Lappers"; the minister forwarded the same message to both chats.
    const s = await ingest(chatFile('p', [
      '[19/10/2025, 10:59:00] Lappers: hoi minister',
      '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.',
      '[19/10/2025, 11:01:00] Lappers: dank je',
    ]));
    expect(s).toMatchObject({ conversationId: 2, messagesNew: 3, messagesSeenBefore: 0 });
    expect(codes(s)).not.toContain('conversation-matched');
    expect(names((await conversations()).find((c: any) => c.id === 2))).toEqual(['Lappers', 'Minister']);
    expect((await messages(2)).filter((m: any) => m.sender === 'Lappers').map((m: any) => m.kind)).toEqual(['text', 'text']);
  });

  it('the reverse: a group export whose name authors events does not join a 1:1 chat with a person of that name', async () => {
    await ingest(chatFile('p', [`[19/10/2025, 09:00:00] Lappers: ${NL_NOTICE}`, '[19/10/2025, 10:00:00] Lappers: hoi', '[19/10/2025, 10:01:00] Jan: prima']));
    const s = await ingest(chatFile('g2', G2));
    expect(s.conversationId).toBe(2);
    expect(codes(s)).not.toContain('conversation-matched');
  });

  it('an author named like a conversation, but no message in common: a new conversation, and a warning that says why', async () => {
    await ingest(chatFile('o1', O1));
    const s = await ingest(chatFile('o3', ['[01-09-2024 10:00:01] Jan: weer een nieuwe maand', '[01-09-2024 10:00:02] Minister: inderdaad']));
    expect(s).toMatchObject({ conversationId: 2, messagesNew: 2, messagesSeenBefore: 0 });
    const w = s.warnings.find((x: { code: string }) => x.code === 'conversation-not-matched');
    expect(w?.message).toMatch(/conversation 1 "Jan"/);
  });
});

describe('shared messages count as evidence only when someone other than the custodian sent them', () => {
  const NOTA = '[01-06-2024 11:00:00] M: Zie de nota in de bijlage.';

  it('two people both shown as "Jan": the minister\'s message forwarded to both chats does not merge them', async () => {
    const a = await ingest(chatFile('a', [
      `[01-06-2024 10:00:00] Jan: ${NL_NOTICE}`,
      '[01-06-2024 10:00:01] Jan: Goedemorgen minister, de nota komt vandaag',
      NOTA,
      '[01-06-2024 11:30:00] Jan: Dank, ik kijk ernaar',
    ]));
    expect(a.conversationId).toBe(1);
    // A private friend, also "Jan", without the notice: the only message in common is the minister's.
    const b = await ingest(chatFile('b', [
      NOTA,
      '[01-06-2024 11:05:00] Jan: Haha, ben je weer aan het werk op zaterdag?',
      '[01-06-2024 20:00:00] Jan: Zin in het verjaardagsfeest van mam morgen?',
    ]));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 3, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(b.warnings.find((w: { code: string }) => w.code === 'conversation-not-matched')?.message).toMatch(/conversation 1 "Jan".*1 stored message of that conversation between .* is not in this export/);
    expect((await messages(1)).every((m: any) => m.missingIn.length === 0)).toBe(true);
    expect((await conversations()).map((c: any) => c.messageCount)).toEqual([4, 3]);
  });

  it('a group without subject or notice in which only the minister and Jan wrote does not join the 1:1 chat with Jan', async () => {
    await ingest(chatFile('a', [`[01-06-2024 10:00:00] Jan: ${NL_NOTICE}`, '[01-06-2024 10:00:01] Jan: de nota komt vandaag', NOTA]));
    const g = await ingest(chatFile('g', [
      "[01-06-2024 09:00:00] Jan: Collega's, de agenda voor maandag volgt",
      NOTA,
      '[01-06-2024 11:02:00] Jan: Helder, ik zet het op de agenda',
    ]));
    expect(g).toMatchObject({ conversationId: 2, messagesNew: 3, messagesSeenBefore: 0 });
    expect(codes(g)).toContain('conversation-not-matched');
    expect(codes(g)).not.toContain('conversation-matched');
  });

  it('a group named like its events does not join on the minister\'s messages alone', async () => {
    await ingest(chatFile('g1', [...G1, '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.', '[19/10/2025, 11:00:01] Minister: En deze ook.']));
    // Another group of the same people that the minister sent the same two messages to; its events are authored by
    // the name "Lappers" too (a second group with the same name).
    const s = await ingest(chatFile('g4', [
      `[19/10/2025, 10:59:00] Lappers: ${LRM}Jan added you`,
      '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.',
      '[19/10/2025, 11:00:01] Minister: En deze ook.',
      '[19/10/2025, 11:05:00] Jan: iets anders',
    ]));
    expect(s.conversationId).toBe(2);
    expect(codes(s)).toContain('conversation-not-matched');
  });
});

describe('an export without a title of its own is never matched on the title made up from its authors', () => {
  it('two different unnamed chats with the same two people stay separate', async () => {
    const g = await ingest(chatFile('g', ['[01-06-2024 09:00:00] Jan: De agenda voor maandag volgt', '[01-06-2024 09:01:00] M: Dank']));
    expect(g.conversationId).toBe(1);
    const b = await ingest(chatFile('b', ['[03-08-2024 20:00:00] Jan: Kom je zaterdag naar de barbecue?', '[03-08-2024 20:01:00] M: Zeker']));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 2, messagesSeenBefore: 0 });
    expect(b.warnings.find((w: { code: string }) => w.code === 'conversation-not-matched')?.message).toMatch(/conversation 1 "Jan, M".*same authors/);
    expect((await conversations()).map((c: any) => c.title)).toEqual(['Jan, M', 'Jan, M']);
  });

  it('two unnamed exports of the same chat still join: shared messages of both people', async () => {
    const u1 = ['[01-06-2024 09:00:00] Jan: een', '[01-06-2024 09:01:00] M: twee', '[01-06-2024 09:02:00] Jan: drie', '[01-06-2024 09:03:00] M: vier'];
    await ingest(chatFile('u1', u1));
    const s = await ingest(chatFile('u2', [...u1.slice(1), '[02-06-2024 09:00:00] Jan: vijf']));
    expect(s).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(codes(s)).toContain('conversation-matched');
    expect(await conversations()).toHaveLength(1);
  });

  it('shared messages in another order than the conversation stored them are no evidence', async () => {
    const at = '[01-06-2024 09:00:00]';
    await ingest(chatFile('u1', [`${at} Jan: een`, `${at} M: twee`, `${at} Jan: drie`, `${at} M: vier`]));
    const s = await ingest(chatFile('u2', [`${at} M: vier`, `${at} Jan: drie`, `${at} M: twee`, `${at} Jan: een`]));
    expect(s.conversationId).toBe(2);
    expect(s.warnings.find((w: { code: string }) => w.code === 'conversation-not-matched')?.message).toMatch(/not in the order/);
  });

  it('a chat in which only Jan wrote is titled "Jan" but not named so: a stated "Jan" without his messages does not join', async () => {
    expect(await ingest(chatFile('u', ['[01-06-2024 10:00:01] Jan: hoi', '[01-06-2024 10:00:05] Jan: ben je er?']))).toMatchObject({ conversationId: 1 });
    // The notice names a chat "Jan", but nothing is shared: no merge on the made-up title.
    const x = await ingest(chatFile('x', [`[01-05-2024 08:00:00] Jan: ${NL_NOTICE}`, '[01-05-2024 08:00:01] Jan: iemand anders']));
    expect(x.conversationId).toBe(2);
    expect(x.warnings.find((w: { code: string }) => w.code === 'conversation-not-matched')?.message).toMatch(/conversation 1 "Jan"/);
  });

  it('a stated name that joins on its evidence names the chat: later exports so titled join by title', async () => {
    const u = ['[01-06-2024 10:00:01] Jan: hoi', '[01-06-2024 10:00:05] Jan: ben je er?'];
    expect(await ingest(chatFile('u', u))).toMatchObject({ conversationId: 1 });
    // The same chat with the notice and Jan's messages: joins, and "Jan" is now the chat's stated name ...
    const n = await ingest(chatFile('n', [`[01-06-2024 10:00:00] Jan: ${NL_NOTICE}`, ...u, '[01-06-2024 10:01:00] M: ja']));
    expect(n).toMatchObject({ conversationId: 1, messagesSeenBefore: 2 });
    expect(codes(n)).toContain('conversation-matched');
    // ... so a later export named "Jan" that starts after the earlier ones ended joins by that title.
    const later = writeIn(dir, 'later/WhatsApp-chat met Jan.txt', '01-09-2024 10:00 - Jan: weer een maand verder\n');
    expect(await ingest(later)).toMatchObject({ conversationId: 1, messagesNew: 1 });
    expect(await conversations()).toHaveLength(1);
  });
});

describe('shared messages prove one chat only when the export holds what the conversation stored in that time', () => {
  const notMatched = (s: { warnings: { code: string; message: string }[] }) =>
    s.warnings.filter((w) => w.code === 'conversation-not-matched').map((w) => w.message).join('\n');
  const untouched = async (conversation: number) => expect((await messages(conversation)).every((m: any) => m.missingIn.length === 0)).toBe(true);
  const ARTIKEL = '[01-06-2024 11:00:00] Jan: Lees dit artikel: https://nos.nl/artikel/123';

  it('a group in which only Jan and the minister wrote does not join the 1:1 chat with Jan on an article Jan sent to both', async () => {
    await ingest(chatFile('a', [
      `[01-06-2024 10:00:00] Jan: ${NL_NOTICE}`,
      '[01-06-2024 10:00:01] Jan: Goedemorgen minister, de nota komt vandaag',
      ARTIKEL,
      '[01-06-2024 11:30:00] M: Dank, ik kijk ernaar',
    ]));
    const b = await ingest(chatFile('b', [
      "[01-06-2024 09:00:00] Jan: Collega's, de agenda voor maandag volgt",
      ARTIKEL,
      '[01-06-2024 11:02:00] M: Helder, zet het op de agenda',
      '[01-06-2024 11:03:00] Jan: Piet, kun jij de zaal regelen?',
    ]));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 4, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Jan".*1 stored message of that conversation between 2024-06-01T09:00:00 and 2024-06-01T11:03:00 is not in this export/);
    await untouched(1);
  });

  it('no name: three forwarded messages from two senders do not join an unnamed group to an unnamed 1:1 chat', async () => {
    const NOTA = ['[01-06-2024 11:10:00] M: Zie de nota in de bijlage.', '[01-06-2024 11:10:01] M: En de bijlage bij de nota.'];
    await ingest(chatFile('a', ['[01-06-2024 10:00:01] Jan: Goedemorgen minister, de nota komt vandaag', ARTIKEL, ...NOTA, '[01-06-2024 11:30:00] M: Dank, ik kijk ernaar']));
    const b = await ingest(chatFile('b', ["[01-06-2024 09:00:00] Jan: Collega's, de agenda voor maandag volgt", ARTIKEL, ...NOTA, '[01-06-2024 11:12:00] Jan: Piet, kun jij de zaal regelen?']));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 5, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Jan, M".*1 stored message of that conversation between .* is not in this export/);
    await untouched(1);
  });

  it('two groups both named "Lappers" do not merge on a message Jan and one the minister sent to both', async () => {
    await ingest(chatFile('a', [
      G1[0]!, G1[1]!, G1[2]!, G1[3]!,
      '[19/10/2025, 10:59:30] Jan: Lees dit: https://nos.nl/1',
      '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.',
      '[19/10/2025, 11:05:00] Piet: ok',
    ]));
    const b = await ingest(chatFile('b', [
      `[19/10/2025, 10:59:00] Lappers: ${LRM}Jan added you`,
      '[19/10/2025, 10:59:30] Jan: Lees dit: https://nos.nl/1',
      '[19/10/2025, 11:00:00] Minister: Zie de nota in de bijlage.',
      '[19/10/2025, 11:05:00] Jan: iets anders, over het hockeyteam',
    ]));
    expect(b).toMatchObject({ conversationId: 2, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Lappers".*1 stored message of that conversation between .* is not in this export/);
    await untouched(1);
  });

  it('a renamed Android export of a private chat with another "Jan" does not join the work chat on one "Ok" in the same minute', async () => {
    await ingest(writeIn(dir, 'a/WhatsApp-chat met Jan.txt', [
      '01-06-2024 09:58 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.',
      '01-06-2024 10:00 - M: Kun je de nota vóór 12 uur sturen?',
      '01-06-2024 10:05 - Jan: Ok',
      '01-06-2024 11:40 - Jan: Nota is verstuurd',
      '01-06-2024 18:00 - M: Dank',
    ].join('\n') + '\n'));
    const b = await ingest(writeIn(dir, 'b/chat-jan-prive.txt', [
      '01-06-2024 10:04 - M: Eten we morgen om 6?',
      '01-06-2024 10:05 - Jan: Ok',
      '01-06-2024 10:06 - M: Top, tot morgen',
      '01-06-2024 19:00 - Jan: Neem jij wijn mee?',
    ].join('\n') + '\n'));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 4, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Jan".*2 stored messages of that conversation between 2024-06-01T10:04:00 and 2024-06-01T19:00:00 are not in this export/);
    await untouched(1);
  });

  it('a later unnamed group export in which a new member wrote joins the group, the new member a participant', async () => {
    const a = [...G1.slice(0, 5), G1[5]!, G1[6]!, G1[7]!, '[19/10/2025, 10:02:00] Minister: ik ben er'];
    expect(await ingest(chatFile('a', a))).toMatchObject({ conversationId: 1 });
    const b = await ingest(chatFile('b', [...a.slice(3), '[20/10/2025, 09:00:00] Kees: hallo allemaal, ik ben nieuw']));
    expect(b).toMatchObject({ conversationId: 1, messagesNew: 1, messagesSeenBefore: 6, messagesMissing: 0 });
    expect(b.warnings.find((w: { code: string }) => w.code === 'conversation-matched')?.message).toMatch(/conversation 1 "Lappers".*Kees is new to it/);
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(names(convs[0])).toContain('Kees');
  });
});

describe('an export joins only when it holds what every stored export of the conversation held in its time', () => {
  const notMatched = (s: { warnings: { code: string; message: string }[] }) =>
    s.warnings.filter((w) => w.code === 'conversation-not-matched').map((w) => w.message).join('\n');
  const untouched = async (conversation: number) => expect((await messages(conversation)).every((m: any) => m.missingIn.length === 0)).toBe(true);
  // Three items Jan and the minister sent to a work chat and to a private group alike.
  const FORWARDS = [
    '[10-06-2024 08:15:00] Jan: https://nos.nl/artikel/123 kabinet',
    '[10-06-2024 08:15:05] Jan: https://nos.nl/artikel/124 begroting',
    '[10-06-2024 08:20:00] M: Interessant stuk https://nrc.nl/x',
  ];
  const work = (first: string, last: string) => [
    `[01-06-2024 09:00:00] ${first}: Agenda voor het overleg staat in de map`,
    '[01-06-2024 09:05:00] M: Dank',
    ...FORWARDS,
    `[20-06-2024 14:00:00] ${last}: Overleg verplaatst naar donderdag`,
    '[20-06-2024 14:03:00] M: Prima',
  ];
  // A private group: quiet in the work chat's time, apart from the forwards.
  const BBQ = [
    '[09-06-2024 20:00:00] Karel: Zaterdag bbq bij mij?',
    '[09-06-2024 20:01:00] M: Ja leuk',
    '[09-06-2024 20:02:00] Jan: Ik neem vlees mee',
    ...FORWARDS,
    '[10-06-2024 21:00:00] Karel: Haha politiek weer',
    '[11-06-2024 19:00:00] Karel: Wie neemt bier mee',
    '[11-06-2024 19:05:00] M: Ik',
  ];
  const WITHIN = /6 messages of this export between 2024-06-09T20:00:00 and 2024-06-11T19:05:00 fall within source 1 \("WhatsApp Chat - (Werkgroep|Jan)\.txt"\)'s export of that conversation but are not in it/;

  it('a group that shares three forwards with a work group quiet in that time stays separate, named or not', async () => {
    expect(await ingest(writeIn(dir, 'w/WhatsApp Chat - Werkgroep.txt', work('Rudi', 'Piet').join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const b = await ingest(chatFile('p', BBQ));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 9, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Werkgroep"/);
    expect(notMatched(b)).toMatch(WITHIN);
    const convs = await conversations();
    expect(convs[0]).toMatchObject({ id: 1, title: 'Werkgroep', titleHistory: [], messageCount: 7 });
    expect(names(convs[0])).not.toContain('Karel');
    await untouched(1);
  });

  it('named after the private group, that export neither joins nor renames the work group', async () => {
    await ingest(writeIn(dir, 'w/WhatsApp Chat - Werkgroep.txt', work('Rudi', 'Piet').join('\n') + '\n'));
    const b = await ingest(writeIn(dir, 'p/WhatsApp Chat - BBQ.txt', BBQ.join('\n') + '\n'));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 9, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(WITHIN);
    const convs = await conversations();
    expect(convs.map((c: { title: string }) => c.title)).toEqual(['Werkgroep', 'BBQ']);
    expect(convs[0]).toMatchObject({ titleHistory: [], messageCount: 7 });
    await untouched(1);
  });

  it('the same group does not join a 1:1 chat with Jan that was quiet in that time', async () => {
    expect(await ingest(writeIn(dir, 'j/WhatsApp Chat - Jan.txt', work('Jan', 'Jan').join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const b = await ingest(chatFile('p', BBQ));
    expect(b).toMatchObject({ conversationId: 2, messagesNew: 9, messagesSeenBefore: 0, messagesMissing: 0 });
    expect(codes(b)).not.toContain('conversation-matched');
    expect(notMatched(b)).toMatch(/conversation 1 "Jan"/);
    expect(notMatched(b)).toMatch(WITHIN);
    expect(names((await conversations())[0])).toEqual(['Jan', 'M']);
    await untouched(1);
  });

  it('identical repeats (Android "<Media weggelaten>" in one minute) count once each: a renamed later export joins', async () => {
    const media = (at: string, n: number) => Array.from({ length: n }, () => `${at} - Jan: <Media weggelaten>`);
    const early = [
      '01-05-2024 09:58 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.',
      "01-05-2024 10:00 - Jan: Foto's van zaterdag",
    ];
    const shared = [
      ...media('01-05-2024 10:01', 4),
      '01-05-2024 10:05 - Piet: Mooi!',
      '01-05-2024 10:06 - M: Prachtig',
      '02-05-2024 09:00 - Piet: Volgende keer het strand?',
      ...media('02-05-2024 09:01', 4),
      '02-05-2024 09:02 - M: Goed idee',
    ];
    const later = ['03-05-2024 12:00 - Piet: Zaterdag 10 uur bij de pier', '03-05-2024 12:05 - M: Ik ben er'];
    expect(await ingest(writeIn(dir, 'a/WhatsApp-chat met Fotoclub.txt', [...early, ...shared].join('\n') + '\n'))).toMatchObject({
      conversationId: 1, messagesNew: 14,
    });
    const b = await ingest(writeIn(dir, 'b/WhatsApp-chat met Fotoclub 2024.txt', [...shared, ...later].join('\n') + '\n'));
    expect(b).toMatchObject({ conversationId: 1, messagesNew: 2, messagesSeenBefore: 12, messagesMissing: 0 });
    expect(b.warnings.find((w: { code: string }) => w.code === 'conversation-matched')?.message).toMatch(/conversation 1 "Fotoclub"/);
    expect(notMatched(b)).not.toMatch(/more than 0/);
    expect(await conversations()).toHaveLength(1);
    await untouched(1);
  });
});

describe('an older unnamed export ingested after a newer one', () => {
  // Hourly messages from 1 January 2024, alternating Jan and Piet; `text` gives each its body.
  const line = (i: number, text = (n: number) => `bericht ${n}`): string => {
    const t = new Date(Date.UTC(2024, 0, 1, 8 + i));
    const p = (n: number) => String(n).padStart(2, '0');
    return `[${p(t.getUTCDate())}-${p(t.getUTCMonth() + 1)}-${t.getUTCFullYear()} ${p(t.getUTCHours())}:00:00] ${i % 2 ? 'Jan' : 'Piet'}: ${text(i)}`;
  };
  const range = (a: number, b: number, text?: (n: number) => string) => Array.from({ length: b - a }, (_, i) => line(a + i, text));
  const matched = (s: { warnings: { code: string; message: string }[] }) => s.warnings.find((w) => w.code === 'conversation-matched')?.message;

  it('shares nothing at its start, and joins the conversation on the evidence where that conversation begins', async () => {
    // The newer export (named) holds 700–1499; the older (unnamed) 0–1199: its first 500 messages all predate the
    // conversation. The same chat: one conversation, the 700 older messages added, the 500 shared ones seen before.
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', range(700, 1500).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const older = await ingest(chatFile('old', range(0, 1200)));
    expect(older).toMatchObject({ conversationId: 1, messagesNew: 700, messagesSeenBefore: 500, messagesMissing: 0 });
    expect(matched(older)).toMatch(/taken into conversation 1 "Overleg" as the same chat: .*500 of the 500 messages with a sender from where a stored export of that conversation begins \(2024-01-30T12:00:00\) on in this export/);
    expect(codes(older)).not.toContain('conversation-not-matched');
    const convs = await conversations();
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ title: 'Overleg', messageCount: 1500 });
    const msgs = await messages(1);
    expect(msgs.filter((m: { missingIn: number[] }) => m.missingIn.length)).toEqual([]);
    // Every message once, each of the shared ones sighted in both sources.
    expect(new Set(msgs.map((m: { text: string }) => m.text)).size).toBe(1500);
    expect(msgs.filter((m: { sources: number[] }) => m.sources.length === 2)).toHaveLength(500);
  });

  it('pairs identical repeats where the conversation begins as the writer numbers them', async () => {
    // The conversation's first message is repeated twice at the same second; the older export holds both repeats.
    const withRepeat = (a: number, b: number) => {
      const ls = range(a, b);
      const at = ls.indexOf(line(700));
      ls.splice(at + 1, 0, line(700), line(700));
      return ls;
    };
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', withRepeat(700, 1500).join('\n') + '\n'))).toMatchObject({ messagesNew: 802 });
    const older = await ingest(chatFile('old', withRepeat(0, 1200)));
    expect(older).toMatchObject({ conversationId: 1, messagesNew: 700, messagesSeenBefore: 502, messagesMissing: 0 });
    expect((await conversations())[0]).toMatchObject({ messageCount: 1502 });
  });

  it('another chat of the same people in that time is reported, not merged', async () => {
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', range(700, 1500).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const other = await ingest(chatFile('old', range(0, 1200, (n) => `ander bericht ${n}`)));
    expect(other).toMatchObject({ conversationId: 2, messagesNew: 1200, messagesSeenBefore: 0 });
    const w = other.warnings.find((x: { code: string }) => x.code === 'conversation-not-matched');
    expect(w?.message).toMatch(/conversation 1 "Overleg" may be the same chat \(its participants are this export's authors and it holds messages within this export's time/);
    expect(w?.message).toMatch(/none of the 500 messages with a sender from where a stored export of that conversation begins \(2024-01-30T12:00:00\) on in this export is stored in it/);
    expect(await messages(1)).toHaveLength(800);
  });

  it('an export that shares the conversation\'s first messages but lacks stored ones there is another chat', async () => {
    // Every tenth message of the older export differs from the stored one (from 700 on): stored messages of that time
    // would at once be missing, which the same chat exported would not show.
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', range(700, 1500).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const other = await ingest(chatFile('old', range(0, 1200, (n) => (n >= 700 && n % 5 === 0 ? `ander ${n}` : `bericht ${n}`))));
    expect(other.conversationId).toBe(2);
    expect(other.warnings.find((x: { code: string }) => x.code === 'conversation-not-matched')?.message).toMatch(/stored messages? of that conversation between .* not in this export/);
    expect((await messages(1)).filter((m: { missingIn: number[] }) => m.missingIn.length)).toEqual([]);
  });

  it('the conversation beginning within the last messages of the first probe: probed again from its start, joined', async () => {
    // (the first probe shares only its last two messages, too few on their own)
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', range(498, 1500).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const older = await ingest(chatFile('old', range(0, 1200)));
    expect(older).toMatchObject({ conversationId: 1, messagesNew: 498, messagesSeenBefore: 702, messagesMissing: 0 });
  });

  it('one message dated out of order in the stored export does not hide where the conversation begins', async () => {
    const late = '[05-01-2024 12:00:00] Jan: vertraagd bericht';
    const withLate = (a: number, b: number) => {
      const ls = range(a, b);
      ls.splice(ls.indexOf(line(800)) + 1, 0, late);
      return ls;
    };
    expect(await ingest(writeIn(dir, 'new/WhatsApp Chat - Overleg.txt', withLate(700, 1500).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const older = await ingest(chatFile('old', withLate(0, 1200)));
    expect(older).toMatchObject({ conversationId: 1, messagesNew: 700, messagesSeenBefore: 501, messagesMissing: 0 });
  });

  it('another chat of the same people that ends on a few messages forwarded at the conversation\'s start is not merged', async () => {
    const t = (d: number, h: number, m: number) => `[${String(d).padStart(2, '0')}-06-2024 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00]`;
    const forwards = [`${t(10, 8, 15)} Jan: https://nos.nl/artikel/123 kabinet`, `${t(10, 8, 16)} Piet: https://nos.nl/artikel/124 begroting`, `${t(10, 8, 20)} M: Interessant stuk https://nrc.nl/x`];
    const work = Array.from({ length: 50 }, (_, i) => `${t(10 + Math.floor(i / 10), 9 + (i % 10), 0)} ${['Jan', 'Piet', 'M'][i % 3]}: werk ${i}`);
    expect(await ingest(writeIn(dir, 'overleg/WhatsApp Chat - Overleg.txt', [...forwards, ...work].join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const chat = range(0, 600, (n) => `borrel praat ${n}`).map((l, i) => l.replace(/\] (Jan|Piet): /, `] ${['Jan', 'Piet', 'M'][i % 3]}: `));
    const other = await ingest(chatFile('borrel', [...chat, ...forwards]));
    expect(other).toMatchObject({ conversationId: 2, messagesNew: 603 });
    expect(other.warnings.find((x: { code: string }) => x.code === 'conversation-not-matched')?.message).toMatch(
      /3 of the 3 messages with a sender from where a stored export of that conversation begins \(2024-06-10T08:15:00\) on in this export .* stored in it within 3 minutes, and an export that shares too little at its start needs at least 10 there, in 5 minutes or more/,
    );
    expect(await messages(1)).toHaveLength(53);
  });

  it('a 1:1 chat ending on a batch of messages forwarded at a group\'s start is not taken into the group', async () => {
    // Ten messages M and Jan forwarded to both chats at once, in two moments: the group begins with them, the older
    // 1:1 export of M and Jan ends with them.
    const fw = [...Array.from({ length: 5 }, (_, i) => `[10-06-2024 09:00:00] M: https://nos.nl/${i}`), ...Array.from({ length: 5 }, (_, i) => `[10-06-2024 09:00:05] Jan: https://nrc.nl/${i}`)];
    const work = Array.from({ length: 40 }, (_, i) => `[1${1 + Math.floor(i / 10)}-06-2024 ${String(9 + (i % 10)).padStart(2, '0')}:00:00] ${['Jan', 'Piet', 'M'][i % 3]}: werk ${i}`);
    expect(await ingest(writeIn(dir, 'g/WhatsApp Chat - Crisis.txt', [...fw, ...work].join('\n') + '\n'))).toMatchObject({ conversationId: 1, messagesNew: 50 });
    const private1 = range(0, 600, (n) => `privé ${n}`).map((l) => l.replace('] Piet: ', '] M: '));
    const one = await ingest(chatFile('jan', [...private1, ...fw]));
    expect(one).toMatchObject({ conversationId: 2, messagesNew: 610 });
    expect(one.warnings.find((x: { code: string }) => x.code === 'conversation-not-matched')?.message).toMatch(
      /10 of the 10 messages with a sender from where a stored export of that conversation begins \(2024-06-10T09:00:00\) on in this export .* within 1 minute, and an export that shares too little at its start needs at least 10 there, in 5 minutes or more/,
    );
    expect(await messages(1)).toHaveLength(50);
  });

  it('a conversation with an earlier and a later export: probed from where the later one begins', async () => {
    // Exports of one chat: January and May–July stored; the unnamed one of February–June comes last.
    expect(await ingest(writeIn(dir, 's1/WhatsApp Chat - Overleg.txt', range(0, 700).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    expect(await ingest(writeIn(dir, 's2/WhatsApp Chat - Overleg.txt', range(2900, 5000).join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const e = await ingest(chatFile('e', range(800, 4300)));
    expect(e).toMatchObject({ conversationId: 1, messagesNew: 2100, messagesSeenBefore: 1400, messagesMissing: 0 });
  });

  it('an export that names its chat is not reported for a group of the same people in its time', async () => {
    const group = ['[01-06-2024 09:00:00] Jan: Agenda volgt', '[01-06-2024 09:05:00] M: Dank', '[01-06-2024 09:10:00] Piet: Ik ook'];
    expect(await ingest(writeIn(dir, 'g/WhatsApp Chat - Overleg.txt', group.join('\n') + '\n'))).toMatchObject({ conversationId: 1 });
    const one = await ingest(writeIn(dir, 'j/WhatsApp Chat - Jan.txt', '[01-06-2024 09:02:00] Jan: Bel je even?\n[01-06-2024 09:03:00] M: Ja\n'));
    expect(one.conversationId).toBe(2);
    expect(one.warnings.filter((w: { code: string }) => w.code.startsWith('conversation-'))).toEqual([]);
  });
});
