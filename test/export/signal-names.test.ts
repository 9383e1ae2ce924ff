import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { allText, bagOf, walk } from './helpers.js';

/**
 * A Signal contact is known by several names: the nickname the custodian gave it, the name in the phone's address book
 * (system name) and the name the person gave their profile. The export shows one (the nickname first), but a kept
 * message may name the private contact by any of them: every one is screened, and verify finds every one planted back.
 */

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const MOTHER = {
  recipient: {
    id: '10',
    contact: {
      aci: 'q1w2e3r4t5y6u7i8o9p0aQ==', e164: '31620009876', registered: {}, profileSharing: true,
      nickname: { given: 'Mam' }, systemGivenName: 'Ingrid', systemFamilyName: 'de Vries', profileGivenName: 'Ingrid', profileFamilyName: 'de Vries-Bakker',
    },
  },
};

/** The sample with the custodian's mother (chat 5) added, and a business message of the secretary that names her. */
function exportWithMother(dir: string): string {
  const out = path.join(dir, 'signal-export');
  fs.cpSync(SAMPLE, out, { recursive: true });
  const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n').filter(Boolean);
  const after = (prefix: string, line: string) => lines.splice(lines.findLastIndex((l) => l.startsWith(prefix)) + 1, 0, line);
  after('{"recipient":', JSON.stringify(MOTHER));
  after('{"chat":', JSON.stringify({ chat: { id: '5', recipientId: '10' } }));
  const item = (chatId: string, authorId: string, ms: number, body: string) => JSON.stringify({
    chatItem: { chatId, authorId, dateSent: String(ms), incoming: { dateReceived: String(ms + 1000), read: true, sealedSender: true }, standardMessage: { text: { body } } },
  });
  lines.push(
    item('5', '10', 1761330000000, 'Kom je zondag eten? Papa is jarig, hij wordt 75.'),
    item('1', '4', 1761560000000, 'Ingrid de Vries belde het secretariaat: wilt u na de Ministerraad terugbellen? Ook Ingrid de Vries-Bakker van de profielnaam.'),
  );
  fs.writeFileSync(path.join(out, 'main.jsonl'), lines.join('\n') + '\n');
  return out;
}

const leakFindings = (v: Awaited<ReturnType<typeof runCli>>): string =>
  v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');

describe('a private Signal contact known by a nickname', () => {
  it('has its system and profile names screened too, and verify finds them planted back', async () => {
    const dir = tempDir('chatarchief-signal-names-');
    const db = path.join(dir, 'store.db');
    const cli = (...a: string[]) => runCli([...a, '--db', db]);
    expect((await cli('custodian', 'add', '--id', 'stas', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2024-07-02')).code).toBe(0);
    const ing = await cli('ingest', exportWithMother(dir), '--custodian', 'stas');
    expect(ing.code, ing.stderr).toBe(0);
    const convs = (await cli('conversations', '--custodian', 'stas', '--json')).json().conversations;
    const mother = convs.flatMap((c: any) => c.participants).find((p: any) => p.name === 'Mam').contactId;
    expect((await cli('review', 'mark', '--contact', String(mother), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const out = path.join(dir, 'levering');
    const r = await cli('export', '--custodian', 'stas', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(/Ingrid de Vries|Vries-Bakker/);
    expect(text).toContain('belde het secretariaat: wilt u na de Ministerraad terugbellen?');
    // The custodian and the business contacts keep their names.
    expect(text).toContain('Karin van der Laan');
    expect(text).toContain('Youssef El Amrani');
    expect((await runCli(['verify', out])).code).toBe(0);

    for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(/\[Privécontact \d+\] belde/g, 'Ingrid de Vries belde'));
    }
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      expect(leakFindings(v)).toMatch(/chat\.json:\d+: name of private contact \d+/);
      expect(leakFindings(v)).toMatch(/chat\.html:\d+: name of private contact \d+/);
    }
  });
});
