import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { generateWhatsAppExport } from '../../parsers/whatsapp/generate.js';
import { openStore } from '../../src/store/db.js';
import { getMessage, iterateMessages } from '../../src/store/messages.js';
import { runCli, tempDir } from '../helpers/cli.js';

it('iterateMessages pages through a long conversation and gives each message exactly what getMessage gives', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  const file = path.join(dir, 'WhatsApp-chat met Crisisteam Hoogwater.txt');
  fs.writeFileSync(file, [...generateWhatsAppExport({ messages: 4500, shape: 'android-nl', seed: 3 })].join(''));
  expect((await runCli(['custodian', 'add', '--db', db, '--id', 'm', '--name', 'M', '--function', 'Minister', '--department', 'BZK', '--from', '2020-01-01'])).code).toBe(0);
  const r = await runCli(['ingest', '--db', db, '--custodian', 'm', '--json', file]);
  expect(r.code, r.stderr).toBe(0);
  const store = openStore(db);
  try {
    const all = [...iterateMessages(store.db, 1)];
    expect(all).toHaveLength(r.json().sources[0].messagesNew);
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i));
    const withAttachments = all.filter((m) => m.attachments.length > 0);
    expect(withAttachments.length).toBeGreaterThan(10);
    for (const m of [all[0]!, all[1999]!, all[2000]!, all[4001]!, ...withAttachments.slice(-3)]) {
      const one = getMessage(store.db, m.id)!;
      expect({ ...m, senderPhone: undefined }).toEqual({ ...one, senderPhone: undefined });
    }
    // A time window keeps seq order and only messages inside it.
    const from = Date.parse(all[1000]!.sentAt);
    const to = Date.parse(all[3000]!.sentAt);
    const window = [...iterateMessages(store.db, 1, { fromMs: from, toMs: to })];
    expect(window.length).toBe(all.filter((m) => Date.parse(m.sentAt) >= from && Date.parse(m.sentAt) < to).length);
  } finally {
    store.close();
  }
});
