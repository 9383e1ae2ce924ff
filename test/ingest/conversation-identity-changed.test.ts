/**
 * A renamed group's next monthly export (iOS names the whole export after the new name, so no stored title matches)
 * is still the same chat when a message in it was edited or deleted for everyone since the earlier export: that
 * message is there, under another text, not missing. Before, such an export became a second conversation holding the
 * whole history again as new messages.
 *
 * And a small renamed group with one message deleted on the phone in between: fewer than ten messages are shared, but
 * the group's own events (the encryption notice, members added) stand under the old name in the store and under the
 * new one in the export, at the same second with the same text. They tie the two: the export is the same conversation
 * and the deleted message is reported missing. Before, it became a second conversation: the deletion finding was lost,
 * decided messages were suggested and delivered again, and later months went to the copy.
 */
import { beforeEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Anke de Wit', '--function', 'f', '--department', 'd', '--from', '2026-01-01'];
const LRM = '\u200e';
const NOTICE = `${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`;

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = async (folder: string, lines: string[]) => {
  const file = writeIn(dir, `${folder}/_chat.txt`, lines.join('\r\n') + '\r\n');
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const codes = (s: { warnings: { code: string }[] }) => s.warnings.map((w) => w.code);
const warning = (s: { warnings: { code: string; message: string }[] }, code: string) => s.warnings.find((w) => w.code === code)?.message;
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;

const before = (name: string): string[] => [
  `[01-09-2026 08:00:00] ${name}: ${NOTICE}`,
  `[01-09-2026 08:00:02] ${name}: ${LRM}Jeroen Bos heeft u toegevoegd`,
  '[01-09-2026 08:05:10] Jeroen Bos: Goedemorgen. De stikstofcijfers komen donderdag.',
  '[01-09-2026 08:07:45] Anke de Wit: Dank Jeroen. Graag een nota.',
  '[02-09-2026 09:16:30] Mila Peters: Persmoment in Barneveld, 14:00',
  '[22-09-2026 11:00:00] Mila Peters: Woordvoeringslijn staat in de map.',
];
const LATER = [
  `[06-10-2026 10:00:00] Stikstof & Natuur: ${LRM}Jeroen Bos heeft het onderwerp gewijzigd naar “Stikstof & Natuur”`,
  '[06-10-2026 10:05:00] Jeroen Bos: Debat is verplaatst naar 14 oktober.',
];

it('an export after a rename in which a message was edited since is the same conversation, with the edit', async () => {
  const first = await ingest('m1', [...before('Stikstofoverleg'), '[29-09-2026 17:50:00] Anke de Wit: Kamerbrief gaat morgen naar de MR.']);
  const later = await ingest('m2', [
    ...before('Stikstof & Natuur'), '[29-09-2026 17:50:00] Anke de Wit: Kamerbrief gaat donderdag naar de MR. <Dit bericht is bewerkt>', ...LATER,
  ]);
  expect(later.conversationId).toBe(first.conversationId);
  expect(codes(later)).toEqual(expect.arrayContaining(['conversation-matched', 'message-edited-since']));
  expect(later.messagesNew).toBe(2);
});

it('an export after a rename in which a message was deleted for everyone since is the same conversation', async () => {
  const first = await ingest('m1', [...before('Stikstofoverleg'), '[10-09-2026 16:20:00] Jeroen Bos: Let op: nog niet openbaar.']);
  const later = await ingest('m2', [...before('Stikstof & Natuur'), `[10-09-2026 16:20:00] Jeroen Bos: ${LRM}Dit bericht is verwijderd.`, ...LATER]);
  expect(later.conversationId).toBe(first.conversationId);
  expect(codes(later)).toContain('conversation-matched');
});

it('an export that lacks a stored message with no edited or deleted reading of it in its place is still not merged', async () => {
  const first = await ingest('m1', [...before('Stikstofoverleg'), '[10-09-2026 16:20:00] Jeroen Bos: Let op: nog niet openbaar.']);
  const later = await ingest('m2', [...before('Stikstof & Natuur'), `[10-09-2026 16:21:00] Jeroen Bos: ${LRM}Dit bericht is verwijderd.`, ...LATER]);
  expect(later.conversationId).not.toBe(first.conversationId);
  expect(codes(later)).toContain('conversation-not-matched');
});

/** The group's own events, written under `name` (its name when exported), then six messages of three people. */
const events = (name: string): string[] => [
  `[01-09-2026 08:00:00] ${name}: ${NOTICE}`,
  `[01-09-2026 08:00:02] ${name}: ${LRM}Jeroen Bos heeft u toegevoegd`,
];
const SEPTEMBER = [
  '[01-09-2026 08:05:10] Jeroen Bos: Goedemorgen. De cijfers komen donderdag.',
  '[01-09-2026 08:07:45] Anke de Wit: Dank Jeroen. Graag een nota.',
  '[02-09-2026 09:16:30] Mila Peters: Persmoment in Barneveld, 14:00',
  '[10-09-2026 16:20:00] Jeroen Bos: Let op: de cijfers zijn nog niet openbaar.',
  '[15-09-2026 08:30:00] Jeroen Bos: Overleg met de provincies morgen om 13:00.',
  '[15-09-2026 08:32:00] Anke de Wit: Ik sluit aan.',
];
const DELETED = '[10-09-2026 16:20:00]';
const RENAME = `[06-10-2026 10:00:00] Overleg Natuur: ${LRM}Jeroen Bos heeft het onderwerp gewijzigd naar “Overleg Natuur”`;
const OCTOBER = ['[05-10-2026 09:00:00] Jeroen Bos: Debat is verplaatst naar 14 oktober.', RENAME, '[06-10-2026 10:05:00] Mila Peters: Prima.'];

it('a renamed small group with one message deleted on the phone is the same conversation, and the deletion is reported', async () => {
  const first = await ingest('m1', [...events('Stikstofoverleg'), ...SEPTEMBER]);
  const later = await ingest('m2', [...events('Overleg Natuur'), ...SEPTEMBER.filter((l) => !l.startsWith(DELETED)), ...OCTOBER]);
  expect(later.conversationId).toBe(first.conversationId);
  expect(warning(later, 'conversation-matched')).toMatch(/the group was renamed since: 2 of its own events stand in that conversation under its earlier name and here under "Overleg Natuur"/);
  expect(warning(later, 'conversation-matched')).toMatch(/with all but 1 of the 6 stored messages of that time in this export/);
  // The two October messages and the rename are new; the events and five messages were stored before.
  expect(later).toMatchObject({ messagesNew: 3, messagesMissing: 1 });
  const stored = await messages(first.conversationId);
  expect(stored.filter((m: { missingIn: number[] }) => m.missingIn.length > 0).map((m: { text: string; missingIn: number[] }) => [m.text, m.missingIn]))
    .toEqual([['Let op: de cijfers zijn nog niet openbaar.', [later.id]]]);
  expect((await runCli(['conversations', '--db', db, '--custodian', 'min', '--json'])).json().conversations).toHaveLength(1);
  // The next month's export is titled by the new name and goes to the same conversation.
  const next = await ingest('m3', [...events('Overleg Natuur'), ...SEPTEMBER.filter((l) => !l.startsWith(DELETED)), ...OCTOBER, '[02-11-2026 09:00:00] Jeroen Bos: Nieuwe maand.']);
  expect(next).toMatchObject({ conversationId: first.conversationId, messagesNew: 1 });
});

it('two messages deleted from six is more than a rename excuses: a new conversation, saying why', async () => {
  const first = await ingest('m1', [...events('Stikstofoverleg'), ...SEPTEMBER]);
  const later = await ingest('m2', [
    ...events('Overleg Natuur'), ...SEPTEMBER.filter((l) => !l.startsWith(DELETED) && !l.startsWith('[02-09-2026')), ...OCTOBER,
  ]);
  expect(later.conversationId).not.toBe(first.conversationId);
  expect(warning(later, 'conversation-not-matched')).toMatch(/yet 2 stored messages of that conversation between .* are not in this export/);
});

it('without the rename in the export, the group events alone do not excuse a missing message', async () => {
  const first = await ingest('m1', [...events('Stikstofoverleg'), ...SEPTEMBER]);
  const later = await ingest('m2', [
    ...events('Overleg Natuur'), ...SEPTEMBER.filter((l) => !l.startsWith(DELETED)), ...OCTOBER.filter((l) => l !== RENAME),
  ]);
  expect(later.conversationId).not.toBe(first.conversationId);
  expect(warning(later, 'conversation-not-matched')).toMatch(/yet 1 stored message of that conversation .* is not in this export/);
});

it('another group added at the same second, renamed, sharing two forwarded messages, stays its own conversation', async () => {
  // Both groups were made at once (a community): the same events at the same second. Two people forwarded a message to
  // both; the stored group's other messages are not in the export.
  const first = await ingest('m1', [...events('Stikstofoverleg'), ...SEPTEMBER]);
  const later = await ingest('m2', [
    ...events('Overleg Natuur'),
    SEPTEMBER[0]!, SEPTEMBER[2]!,
    '[03-09-2026 10:00:00] Sara Jansen: Wie gaat er naar de excursie?',
    '[03-09-2026 10:05:00] Jeroen Bos: Ik.',
    ...OCTOBER,
  ]);
  expect(later.conversationId).not.toBe(first.conversationId);
  expect(warning(later, 'conversation-not-matched')).toMatch(/conversation \d+ "Stikstofoverleg" may be the same chat/);
});
