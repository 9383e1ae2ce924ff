import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { tableSnapshot } from './store-dir.js';

const sms = (date: number, type: 1 | 2, body: string) =>
  `  <sms protocol="0" address="06-20001001" date="${date}" type="${type}" subject="null" body="${body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="${Math.floor(date / 1000)}" sub_id="1" readable_date="" contact_name="Youssef El Amrani" />`;
const xml = (items: string[]) =>
  `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore v10.21.004-->\n<smses count="${items.length}" backup_set="x" backup_date="1761563433000" type="full">\n${items.join('\n')}\n</smses>\n`;

const T = 1761285000000;
const A = sms(T, 1, 'Minister, de Kamerbrief is verzonden.');
const B = sms(T + 60_000, 2, 'Dank, goed werk.');
const C = sms(T + 120_000, 1, 'De griffie bevestigt ontvangst.');
const D = sms(T + 180_000, 2, 'Top &#55357;&#56832;');

it('SMS Backup & Restore: a later backup adds only new messages, reports the one it lacks, and re-ingest is a no-op', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  expect((await runCli(['custodian', 'add', '--db', db, '--id', 'm', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2024-07-02'])).code).toBe(0);
  const first = path.join(dir, 'sms-20251024.xml');
  const second = path.join(dir, 'sms-20251027.xml');
  fs.writeFileSync(first, xml([A, B]));
  fs.writeFileSync(second, xml([A, C, D]));
  const ingest = (f: string) => runCli(['ingest', '--db', db, '--custodian', 'm', '--json', f]);
  const r1 = await ingest(first);
  expect(r1.code, r1.stderr).toBe(0);
  expect(r1.json().sources[0]).toMatchObject({ format: 'sms-xml', messagesNew: 2 });
  const r2 = await ingest(second);
  expect(r2.code, r2.stderr).toBe(0);
  expect(r2.json().sources[0]).toMatchObject({ messagesNew: 2, messagesSeenBefore: 1, messagesMissing: 1 });
  const again = await ingest(second);
  expect(again.json().sources[0]).toMatchObject({ duplicateSource: true, messagesNew: 0 });
  const conv = (await runCli(['conversations', '--db', db, '--custodian', 'm', '--json'])).json().conversations;
  expect(conv).toHaveLength(1);
  expect(conv[0]).toMatchObject({ platform: 'sms' });
  expect(conv[0].participants.map((p: any) => p.phone)).toContain('+31620001001');
  const msgs = (await runCli(['messages', '--db', db, '--conversation', String(conv[0].id), '--json'])).json().messages;
  expect(msgs.map((m: any) => [m.text, m.sources, m.missingIn])).toEqual([
    ['Minister, de Kamerbrief is verzonden.', [1, 2], []],
    ['Dank, goed werk.', [1], [2]],
    ['De griffie bevestigt ontvangst.', [2], []],
    ['Top 😀', [2], []],
  ]);
});

it('SMS XML with a DOCTYPE is refused for safety (entity expansion), naming the file and line; the store is unchanged', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  expect((await runCli(['custodian', 'add', '--db', db, '--id', 'm', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2024-07-02'])).code).toBe(0);
  const file = path.join(dir, 'sms-20251024.xml');
  const entities = '<!DOCTYPE smses [\n  <!ENTITY lol "lol">\n  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n';
  fs.writeFileSync(file, xml([A, B.replace('Dank, goed werk.', '&lol2;')]).replace('\n', `\n${entities}`));
  const before = tableSnapshot(db);
  const r = await runCli(['ingest', '--db', db, '--custodian', 'm', file]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(
    `${file}:2: the file has a DOCTYPE declaration (<!DOCTYPE …>); DOCTYPE and entity declarations are refused for safety (XML entity expansion`,
  );
  expect(r.stderr).not.toMatch(/not a recognised export|internal error/);
  expect(tableSnapshot(db)).toEqual(before);
});
