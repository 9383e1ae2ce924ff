import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';

it('one person is one contact across WhatsApp, Signal and SMS: phone numbers are normalised to E.164', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  expect((await runCli(['custodian', 'add', '--db', db, '--id', 'm', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2024-07-02'])).code).toBe(0);
  // iOS writes a non-contact's number as the author, wrapped in LRE/PDF with NBSPs; Signal knows it as 31620001001.
  const chat = '[27-10-2025 09:00:00] \u202a+31\u00a06\u00a020001001\u202c: Goedemorgen, de nota ligt klaar.\r\n[27-10-2025 09:01:00] Karin van der Laan: Dank, ik lees hem vanavond.\r\n';
  const wa = path.join(dir, 'wa');
  fs.mkdirSync(wa);
  fs.writeFileSync(path.join(wa, '_chat.txt'), chat);
  const r = await runCli(['ingest', '--db', db, '--custodian', 'm', '--json', wa, path.join(REPO, 'samples/signal/signal-export-2025-10-27')]);
  expect(r.code, r.stderr).toBe(0);
  const convs = (await runCli(['conversations', '--db', db, '--custodian', 'm', '--json'])).json().conversations;
  const holders = convs.filter((c: any) => c.participants.some((p: any) => p.phone === '+31620001001'));
  expect([...new Set(holders.map((c: any) => c.platform))].sort()).toEqual(['signal', 'whatsapp']);
  const ids = new Set(holders.map((c: any) => c.participants.find((p: any) => p.phone === '+31620001001').contactId));
  expect(ids.size).toBe(1);
});
