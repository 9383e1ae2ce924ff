/**
 * Messages sent outside the custodian's term are kept (evidence), but each source says how many lie before the term
 * began and after it ended, with their dates, as an `outside-term` warning (text output, --json, and the source's
 * recorded warnings). The term's days are whole days in the custodian's zone.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const custodian = (...term: string[]) => ['--id', 'min', '--name', 'J. Jansen', '--function', 'Minister', '--department', 'BZK', ...term];

// In the custodian's zone (Europe/Amsterdam) 01-01-2023 00:10 lies within a term that starts on 2023-01-01 and
// 01-07-2023 00:05 after one that ends on 2023-06-30, although in UTC both are a day earlier: the zone decides.
const CHAT = [
  '10-05-2021 20:00 - Kees: Heb je de stukken voor dinsdag al gelezen?',
  '10-05-2021 20:05 - J. Jansen: Ja, ik bel je morgen',
  '31-12-2022 23:30 - Kees: Alvast gelukkig nieuwjaar!',
  '01-01-2023 00:10 - Kees: Gefeliciteerd met de beëdiging, minister!',
  '30-06-2023 23:59 - J. Jansen: Laatste dag.',
  '01-07-2023 00:05 - Kees: Hoe was het afscheid?',
].join('\n') + '\n';

interface Warning { code: string; message: string }

async function ingestChat(term: string[], chat = CHAT, ...extra: string[]) {
  const { dir, db } = await freshStore(custodian(...term));
  const file = writeIn(dir, 'WhatsApp-chat met Kees.txt', chat);
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--operator', 'RIH operator', ...extra, file]);
  return { r, db, file };
}

describe('ingest: messages outside the custodian\'s term', () => {
  it('keeps them, and warns per source how many lie before the start and after the end, with their dates', async () => {
    const { r, db } = await ingestChat(['--from', '2023-01-01', '--to', '2023-06-30'], CHAT, '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s.messagesNew).toBe(6);
    const w = (s.warnings as Warning[]).filter((x) => x.code === 'outside-term');
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/^3 messages before the term began on 2023-01-01 \(2021-05-10 to 2022-12-31\) and 1 message after the term ended on 2023-06-30 \(on 2023-07-01\)/);
    expect(r.stderr).toContain(`warning: ${s.file}: ${w[0]!.message}`);
    // Recorded with the source as well.
    const store = new Database(db, { readonly: true });
    try {
      const recorded = JSON.parse((store.prepare('SELECT warnings_json FROM sources WHERE id = ?').get(s.id) as { warnings_json: string }).warnings_json) as Warning[];
      expect(recorded.filter((x) => x.code === 'outside-term')).toEqual(w);
    } finally {
      store.close();
    }
  });

  it('an open term has no end: only the messages before its start are counted', async () => {
    const { r } = await ingestChat(['--from', '2023-01-01'], CHAT, '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = (r.json().sources[0].warnings as Warning[]).filter((x) => x.code === 'outside-term');
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/^3 messages before the term began on 2023-01-01 \(2021-05-10 to 2022-12-31\): outside the term of custodian 'min' \(2023-01-01 to now\)/);
    expect(w[0]!.message).not.toMatch(/after the term/);
  });

  it('no warning when every message lies within the term (its first and last day included)', async () => {
    const { r } = await ingestChat(['--from', '2021-05-10', '--to', '2023-07-01'], CHAT, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((r.json().sources[0].warnings as Warning[]).map((x) => x.code)).not.toContain('outside-term');
  });

  it('shows in the text output', async () => {
    const { r, file } = await ingestChat(['--from', '2023-01-01', '--to', '2023-06-30']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: 3 messages before the term began on 2023-01-01`);
  });
});
