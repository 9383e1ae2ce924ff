/**
 * A contact marked privé whom the phone shows under another name by the next read-out (a number saved in the address
 * book since): the ingest finds the stored messages under the number and keeps the contact (see
 * test/ingest/sender-renamed.test.ts), so the contact-level marking still withholds the new messages, and the new name
 * is screened as the contact's: it appears nowhere in the geschoonde set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { allText, bagOf } from './helpers.js';

const FILE = 'WhatsApp-chat met Crisisteam.txt';
const month = (thomas: string, extra: string[] = []) => [
  '01-03-2025 08:00 - Karin van Dijk: Goedemorgen, de nota over de dijkversterking ligt klaar.',
  `01-03-2025 08:02 - ${thomas}: Schat, vergeet je de sleutels niet?`,
  '01-03-2025 08:05 - Jan de Vries: Dank Karin, ik lees hem vanmiddag.',
  `02-03-2025 19:30 - ${thomas}: Eten staat klaar.`,
  ...extra,
].join('\n') + '\n';

it('a private contact saved under a name since stays withheld, and the new name is screened', async () => {
  const dir = tempDir('chatarchief-renamed-');
  const db = path.join(dir, 'store.db');
  const cli = (...a: string[]) => runCli([...a, '--db', db]);
  const write = (folder: string, text: string) => {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, FILE), text);
    return path.join(dir, folder);
  };
  expect((await cli('custodian', 'add', '--id', 'min', '--name', 'Jan de Vries', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01')).code).toBe(0);
  expect((await cli('ingest', write('m1', month('+31 6 12345678')), '--custodian', 'min')).code).toBe(0);
  const conv = (await cli('conversations', '--custodian', 'min', '--json')).json().conversations[0];
  const thomas = conv.participants.find((p: { name: string }) => p.name === '+31 6 12345678').contactId;
  expect((await cli('review', 'mark', '--contact', String(thomas), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);

  const later = await cli('ingest', write('m2', month('Thomas Bakker', [
    '03-03-2025 18:00 - Thomas Bakker: Ik ben er om zeven uur.',
    '04-03-2025 09:00 - Karin van Dijk: Ik heb Thomas Bakker gesproken over de planning.',
  ])), '--custodian', 'min', '--json');
  expect(later.json().sources[0]).toMatchObject({ conversationId: conv.id, messagesNew: 2, messagesMissing: 0 });

  const out = path.join(dir, 'levering');
  const ex = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both', '--allow-unreviewed');
  expect(ex.code, ex.stderr).toBe(0);
  const shown = allText(bagOf(out, 'geschoond'));
  expect(shown).toContain('de nota over de dijkversterking');
  for (const leak of ['Thomas', 'Bakker', '12345678', 'zeven uur', 'sleutels']) expect(shown, leak).not.toContain(leak);
  const v = await runCli(['verify', bagOf(out, 'geschoond'), '--db', db, '--json']);
  expect(v.json().findings).toEqual([]);
});
