/**
 * A renamed group's next monthly export (iOS names the whole export after the new name, so no stored title matches)
 * is still the same chat when a message in it was edited or deleted for everyone since the earlier export: that
 * message is there, under another text, not missing. Before, such an export became a second conversation holding the
 * whole history again as new messages.
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
