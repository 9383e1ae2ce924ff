/**
 * A contact marked privé whom the phone shows under another name by the next read-out (a number saved in the address
 * book since, or a name removed from it): the ingest finds the stored messages under the earlier name and keeps the
 * contact (see test/ingest/sender-renamed.test.ts), so the contact-level marking still withholds the new messages, and
 * the new name or number is screened as the contact's: it appears nowhere in the geschoonde set, in any form.
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

/**
 * Ingests the group with Thomas as `before`, marks his contact privé, ingests the next month with him as `after` and
 * `extra` lines, exports both sets and returns the geschoonde set's text once verify has found nothing in it.
 */
async function exportedAfterRename(before: string, after: string, extra: string[], expectNew: number): Promise<string> {
  const dir = tempDir('chatarchief-renamed-');
  const db = path.join(dir, 'store.db');
  const cli = (...a: string[]) => runCli([...a, '--db', db]);
  const write = (folder: string, text: string) => {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, FILE), text);
    return path.join(dir, folder);
  };
  expect((await cli('custodian', 'add', '--id', 'min', '--name', 'Jan de Vries', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01')).code).toBe(0);
  expect((await cli('ingest', write('m1', month(before)), '--custodian', 'min')).code).toBe(0);
  const conv = (await cli('conversations', '--custodian', 'min', '--json')).json().conversations[0];
  const thomas = conv.participants.find((p: { name: string }) => p.name === before).contactId;
  expect((await cli('review', 'mark', '--contact', String(thomas), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);

  const later = await cli('ingest', write('m2', month(after, extra)), '--custodian', 'min', '--json');
  expect(later.json().sources[0]).toMatchObject({ conversationId: conv.id, messagesNew: expectNew, messagesMissing: 0 });

  const out = path.join(dir, 'levering');
  const ex = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both', '--allow-unreviewed');
  expect(ex.code, ex.stderr).toBe(0);
  const v = await runCli(['verify', bagOf(out, 'geschoond'), '--db', db, '--json']);
  expect(v.json().findings).toEqual([]);
  return allText(bagOf(out, 'geschoond'));
}

it('a private contact saved under a name since stays withheld, and the new name is screened', async () => {
  const shown = await exportedAfterRename('+31 6 12345678', 'Thomas Bakker', [
    '03-03-2025 18:00 - Thomas Bakker: Ik ben er om zeven uur.',
    '04-03-2025 09:00 - Karin van Dijk: Ik heb Thomas Bakker gesproken over de planning.',
  ], 2);
  expect(shown).toContain('de nota over de dijkversterking');
  for (const leak of ['Thomas', 'Bakker', '12345678', 'zeven uur', 'sleutels']) expect(shown, leak).not.toContain(leak);
});

it('a private contact removed from the address book since, now shown by number, has that number screened in every form', async () => {
  const shown = await exportedAfterRename('Thomas Bakker', '+31 6 99887766', ['04-03-2025 09:00 - Karin van Dijk: Bij spoed kun je ook 06-99887766 bellen.'], 1);
  expect(shown).toContain('Bij spoed kun je ook');
  for (const leak of ['99887766', 'Thomas', 'Bakker']) expect(shown, leak).not.toContain(leak);
});
