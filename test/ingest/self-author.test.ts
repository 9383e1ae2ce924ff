import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';
import { walk } from '../export/helpers.js';

const ADD = ['--id', 'min', '--name', 'Hugo de Bruin', '--function', 'Minister', '--department', 'BZK', '--from', '2024-01-01'];

/** The display names of the contacts flagged as the custodian. */
function custodianContacts(db: string): string[] {
  const store = new Database(db, { readonly: true });
  try {
    return (store.prepare('SELECT display_name AS n FROM contacts WHERE is_custodian = 1 ORDER BY 1').all() as { n: string }[]).map((r) => r.n);
  } finally {
    store.close();
  }
}

const oneToOne = [
  '12-03-2024 08:01 - Marieke Jansen: Kom je zondag eten?',
  '12-03-2024 08:05 - Hugo: Ja, ik neem de kinderen mee.',
  '12-03-2024 08:06 - Marieke Jansen: Gezellig!',
].join('\n') + '\n';

const group = [
  '14-03-2024 19:00 - Marieke Jansen: Wie neemt er taart mee?',
  '14-03-2024 19:02 - Hugo: Ik kom, maar ik ben nog moe van de ruzie met Sophie over de verhuizing.',
  '14-03-2024 19:03 - Henk Jansen: Ik neem taart mee.',
].join('\n') + '\n';

describe('the custodian among the authors of a WhatsApp export', () => {
  it('a 1:1 chat named after one of its two authors shows the other to be the phone owner', async () => {
    const s = await freshStore(ADD);
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Marieke Jansen.txt', oneToOne));
    expect(custodianContacts(s.db)).toEqual(['Hugo']);
  });

  it('a message the owner deleted marks its author, also when that author wrote earlier lines', async () => {
    const s = await freshStore(ADD);
    const lines = group + '14-03-2024 19:10 - Hugo: U hebt dit bericht verwijderd\n';
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Zondag bij Henk.txt', lines));
    expect(custodianContacts(s.db)).toEqual(['Hugo']);
  });

  it("an author written with the custodian's registered name is the custodian", async () => {
    const s = await freshStore(ADD);
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Zondag bij Henk.txt', group.replaceAll('Hugo:', 'Hugo de Bruin:')));
    expect(custodianContacts(s.db)).toEqual(['Hugo de Bruin']);
  });

  it('a group without such evidence marks nobody, and neither does a chat named after someone who did not write', async () => {
    const s = await freshStore(ADD);
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Zondag bij Henk.txt', group));
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Piet Smit.txt', oneToOne.replace('08:06', '08:07')));
    expect(custodianContacts(s.db)).toEqual([]);
  });

  it('a family group whose other members are all privé leaves the geschoonde set as one marker, with none of its text', async () => {
    const s = await freshStore(ADD);
    await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Marieke Jansen.txt', oneToOne));
    const g = await ingestOne(s.db, writeIn(s.dir, 'WhatsApp-chat met Zondag bij Henk.txt', group));
    const convs = (await runCli(['conversations', '--db', s.db, '--custodian', 'min', '--json'])).json().conversations;
    const others = convs.find((c: { id: number }) => c.id === g.conversationId).participants.filter((p: { name: string }) => p.name !== 'Hugo');
    expect(others.map((p: { name: string }) => p.name).sort()).toEqual(['Henk Jansen', 'Marieke Jansen']);
    for (const p of others) {
      const r = await runCli(['review', 'mark', '--db', s.db, '--contact', String(p.contactId), '--category', 'privé', '--reviewer', 'Els Bakker']);
      expect(r.code, r.stderr).toBe(0);
    }
    const out = path.join(s.dir, 'out');
    const r = await runCli(['export', '--db', s.db, '--custodian', 'min', '--out', out, '--set', 'geschoond', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = walk(out);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = fs.readFileSync(path.join(out, f), 'utf8');
      expect(text, f).not.toContain('ruzie met Sophie');
      expect(text, f).not.toContain('Zondag bij Henk');
    }
  });
});
