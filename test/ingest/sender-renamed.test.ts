/**
 * A person saved in the phone's address book between two monthly read-outs (`+31 6 12345678` becomes `Jeroen Bos`),
 * or renamed there: WhatsApp writes every message of the later export under the new name. Those messages are the
 * stored ones, found under the earlier name, with the same contact: not reported missing, not stored twice. Before,
 * each was reported missing (a false deletion finding) and stored again as new, to be delivered twice.
 */
import Database from 'better-sqlite3';
import { beforeEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Anke de Wit', '--function', 'f', '--department', 'd', '--from', '2026-01-01'];
const NOTICE = 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.';
const FILE = 'WhatsApp-chat met Crisisteam.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = async (folder: string, lines: string[]) => {
  const file = writeIn(dir, `${folder}/${FILE}`, lines.join('\n') + '\n');
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const warnings = (s: { warnings: { code: string; message: string }[] }, code: string) => s.warnings.filter((w) => w.code === code).map((w) => w.message);
/** Sender and contact of every stored message with a sender, in seq order. */
const senders = () => {
  const store = new Database(db, { readonly: true });
  try {
    return store.prepare('SELECT m.sender, k.display_name AS contact FROM messages m JOIN contacts k ON k.id = m.sender_contact_id ORDER BY m.seq').all();
  } finally {
    store.close();
  }
};

/** Android NL group; `jeroen` and `mila` as the phone shows them when exported. */
const september = (jeroen: string, mila = 'Mila Peters'): string[] => [
  `01-09-2026 08:00 - ${NOTICE}`,
  `01-09-2026 08:01 - \u200eAnke de Wit heeft ${jeroen} toegevoegd`,
  `01-09-2026 08:05 - ${jeroen}: Goedemorgen. De cijfers komen donderdag.`,
  '01-09-2026 08:07 - Anke de Wit: Dank. Graag een nota.',
  `02-09-2026 09:16 - ${mila}: Persmoment in Barneveld, 14:00`,
  `15-09-2026 08:30 - ${jeroen}: Overleg met de provincies morgen om 13:00.`,
  '15-09-2026 08:32 - Anke de Wit: Ik sluit aan.',
  `22-09-2026 11:00 - ${mila}: Woordvoeringslijn staat in de map.`,
  `22-09-2026 11:02 - ${jeroen}: Wachten op dit bericht.`,
];

it('a member saved in the address book since: the stored messages are found under the number, the new stored under the name', async () => {
  const first = await ingest('m1', september('+31 6 12345678'));
  const later = await ingest('m2', [...september('Jeroen Bos'), '05-10-2026 09:00 - Jeroen Bos: Debat is verplaatst naar 14 oktober.']);
  // The event that names him and his 'waiting for this message' notice are found too, under the number.
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 1, messagesSeenBefore: 9, messagesMissing: 0 });
  expect(warnings(later, 'sender-renamed')).toEqual([expect.stringMatching(
    /^"Jeroen Bos" writes 2 messages that the conversation holds from "\+31 6 12345678", at the same time with the same text, and "\+31 6 12345678" writes nothing in this export: taken as one person/,
  )]);
  const stored = await messages(first.conversationId);
  expect(stored.every((m: { missingIn: number[] }) => m.missingIn.length === 0)).toBe(true);
  expect(stored.filter((m: { sender: string | null }) => m.sender?.includes('12345678') || m.sender === 'Jeroen Bos').map((m: { sender: string; sources: number[] }) => [m.sender, m.sources]))
    .toEqual([['+31 6 12345678', [first.id, later.id]], ['+31 6 12345678', [first.id, later.id]], ['Jeroen Bos', [later.id]]]);
  // One person, one contact: a marking of the contact covers the new messages too.
  expect(senders().filter((s: any) => s.sender !== 'Anke de Wit' && s.sender !== 'Mila Peters'))
    .toEqual([{ sender: '+31 6 12345678', contact: '+31 6 12345678' }, { sender: '+31 6 12345678', contact: '+31 6 12345678' }, { sender: 'Jeroen Bos', contact: '+31 6 12345678' }]);

  // The next month finds both: the oldest under the number, October's under the name; re-ingest changes nothing.
  const next = await ingest('m3', [...september('Jeroen Bos'), '05-10-2026 09:00 - Jeroen Bos: Debat is verplaatst naar 14 oktober.', '02-11-2026 09:00 - Jeroen Bos: Nieuwe maand.']);
  expect(next).toMatchObject({ conversationId: first.conversationId, messagesNew: 1, messagesSeenBefore: 10, messagesMissing: 0 });
  const again = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', `${dir}/m3/${FILE}`]);
  expect(again.json().sources[0]).toMatchObject({ duplicateSource: true, messagesNew: 0 });
});

it('the new name is the contact\'s in other chats too, and a number as the new name becomes its number', async () => {
  await ingest('m1', september('+31 6 12345678', 'Mila'));
  await ingest('m2', september('Jeroen Bos', '+31 6 55544433'));
  // A 1:1 chat with him exported the same day: the same contact, not a second one for the same person.
  const file = writeIn(dir, 'm2/WhatsApp-chat met Jeroen Bos.txt', '03-10-2026 10:00 - Jeroen Bos: Bel je me even?\n');
  expect((await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', file])).code).toBe(0);
  const store = new Database(db, { readonly: true });
  try {
    const contactOf = (sender: string) => (store.prepare('SELECT DISTINCT sender_contact_id AS c FROM messages WHERE sender = ?').all(sender) as { c: number }[]).map((r) => r.c);
    expect(contactOf('Jeroen Bos')).toEqual(contactOf('+31 6 12345678'));
    expect(store.prepare('SELECT phone_e164 AS p FROM contacts WHERE display_name = ?').get('Mila')).toEqual({ p: '+31655544433' });
  } finally {
    store.close();
  }
});

it('two members renamed at once are each matched to their own earlier name', async () => {
  const first = await ingest('m1', september('+31 6 12345678', 'Mila'));
  const later = await ingest('m2', september('Jeroen Bos', 'Mila Peters (RVD)'));
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 0, messagesMissing: 0 });
  expect(warnings(later, 'sender-renamed').map((w) => w.slice(0, w.indexOf(' writes')))).toEqual(['"Jeroen Bos"', '"Mila Peters (RVD)"']);
});

it('a new member who once writes what a member whose messages are gone wrote is no rename: those are reported missing', async () => {
  // Jeroen's two messages were deleted on the phone; Sara joined and wrote "Goedemorgen." at the minute Jeroen had.
  const first = await ingest('m1', [...september('Jeroen Bos').slice(0, 5), '10-09-2026 10:00 - Jeroen Bos: Goedemorgen.', ...september('Jeroen Bos').slice(5, -1)]);
  const later = await ingest('m2', [
    ...september('Jeroen Bos').filter((l) => !l.includes('Jeroen Bos')), '10-09-2026 10:00 - Sara Jansen: Goedemorgen.',
  ]);
  // His three messages and the event that added him.
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 1, messagesMissing: 4 });
  expect(warnings(later, 'sender-renamed')).toEqual([]);
});

it('one matching message is not enough, even when the gone member wrote only that one: two people stay two contacts', async () => {
  const lines = september('Jeroen Bos').filter((l) => !l.includes('Jeroen Bos'));
  const first = await ingest('m1', [...lines, '25-09-2026 10:00 - Jeroen Bos: Ok']);
  const later = await ingest('m2', [...lines, '25-09-2026 10:00 - Sara Jansen: Ok']);
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 1, messagesMissing: 1 });
  expect(warnings(later, 'sender-renamed')).toEqual([]);
  expect(senders().filter((s: any) => s.sender === 'Sara Jansen')).toEqual([{ sender: 'Sara Jansen', contact: 'Sara Jansen' }]);
});

/** iOS NL 1:1 chat with `person` as the phone shows them (the notice is written under that name, as the chat's). */
const ios1on1 = (person: string, extra: string[] = []): string => [
  `[01-09-2026 08:00:00] ${person}: \u200eBerichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`,
  `[01-09-2026 08:05:10] ${person}: Goedemorgen. De cijfers komen donderdag.`,
  '[01-09-2026 08:07:45] Anke de Wit: Dank. Graag een nota.',
  `[02-09-2026 09:16:30] ${person}: Persmoment in Barneveld, 14:00`,
  `[15-09-2026 08:30:00] ${person}: Overleg morgen om 13:00.`,
  '[15-09-2026 08:32:00] Anke de Wit: Ik sluit aan.',
  ...extra,
].join('\r\n') + '\r\n';
const ingestIos = async (folder: string, text: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', writeIn(dir, `${folder}/_chat.txt`, text)]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};

it('a 1:1 chat whose person was renamed in the address book is the same conversation, titled by the new name', async () => {
  const first = await ingestIos('m1', ios1on1('Jeroen'));
  const later = await ingestIos('m2', ios1on1('Jeroen Bos (LNV)', ['[05-10-2026 09:00:00] Jeroen Bos (LNV): Debat verplaatst.']));
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 1, messagesMissing: 0 });
  expect(warnings(later, 'conversation-matched')).toEqual([expect.stringContaining(
    '"Jeroen Bos (LNV)", an author here, writes 3 messages that that conversation stores from "Jeroen", its other participant, at the same time with the same text',
  )]);
  expect(warnings(later, 'sender-renamed')).toHaveLength(1);
  const list = (await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations;
  expect(list.map((c: { title: string }) => c.title)).toEqual(['Jeroen Bos (LNV)']);
});

it('another person\'s 1:1 chat to which the custodian forwarded her messages stays its own conversation', async () => {
  const first = await ingestIos('m1', ios1on1('Jeroen'));
  const other = ios1on1('Karin van Dijk')
    .replace('Goedemorgen. De cijfers komen donderdag.', 'Hoi, ben je er morgen?')
    .replace('Persmoment in Barneveld, 14:00', 'Tot straks')
    .replace('Overleg morgen om 13:00.', 'Zie je vrijdag.');
  const later = await ingestIos('m2', other);
  expect(later.conversationId).not.toBe(first.conversationId);
  expect(warnings(later, 'sender-renamed')).toEqual([]);
});

it('a renamed member found only late in a long export is still found', async () => {
  // 6,000 messages of others first: the renamed member's messages are looked up at the times they were stored, wherever.
  const busy = Array.from({ length: 6000 }, (_, i) => {
    const t = new Date(Date.UTC(2026, 7, 1) + i * 60_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(t.getUTCDate())}-${p(t.getUTCMonth() + 1)}-2026 ${p(t.getUTCHours())}:${p(t.getUTCMinutes())} - Mila Peters: bericht ${i}`;
  });
  const first = await ingest('m1', [...busy, ...september('+31 6 12345678').slice(1)]);
  const later = await ingest('m2', [...busy, ...september('Jeroen Bos').slice(1)]);
  expect(later).toMatchObject({ conversationId: first.conversationId, messagesNew: 0, messagesMissing: 0 });
  expect(warnings(later, 'sender-renamed')).toHaveLength(1);
});
