import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeZip } from '../helpers/zip.js';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Karin Smit', '--function', 'Minister', '--department', 'BZK', '--from', '2024-01-01'];
const CHAT = '31-03-2024 21:58 - Piet de Boer: De nota is klaar.\n31-03-2024 22:00 - Karin Smit: Dank, ik lees hem morgen.\n';
const NAME = 'WhatsApp-chat met Piet de Boer.txt';

/** Ingests with the machine's zone set to `tz` (the zone of the server that runs the tool, not the phone's). */
async function ingestIn(tz: string, db: string, file: string): Promise<number> {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(tz === 'UTC' ? 0 : tz === 'America/New_York' ? 300 : -60);
    return (await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', file])).code;
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

function exportedAt(db: string): string | null {
  const store = new Database(db, { readonly: true });
  try {
    return (store.prepare('SELECT exported_at AS at FROM sources').get() as { at: string | null }).at;
  } finally {
    store.close();
  }
}

describe("a zip entry's time is the phone's wall clock, read in the custodian's zone", () => {
  for (const tz of ['UTC', 'America/New_York', 'Europe/Amsterdam']) {
    it(`on a machine in ${tz}`, async () => {
      const s = await freshStore(ADD);
      const zip = writeIn(s.dir, 'WhatsApp-chat met Piet de Boer.zip', makeZip([{ name: NAME, data: CHAT, dosTime: '2024-03-31T23:30:00' }]));
      expect(await ingestIn(tz, s.db, zip)).toBe(0);
      // 23:30 in Amsterdam (summer time since that morning) is 21:30 UTC: still 31 March there.
      expect(exportedAt(s.db)).toBe('2024-03-31T21:30:00.000Z');
    });
  }

  it('an extended timestamp field holds the exact instant and wins', async () => {
    const s = await freshStore(ADD);
    const unix = Date.UTC(2024, 2, 31, 21, 45, 0) / 1000;
    const zip = writeIn(s.dir, 'x.zip', makeZip([{ name: NAME, data: CHAT, dosTime: '2024-03-31T20:00:00', unixTime: unix }]));
    expect(await ingestIn('UTC', s.db, zip)).toBe(0);
    expect(exportedAt(s.db)).toBe('2024-03-31T21:45:00.000Z');
  });

  it('a time in the repeated autumn hour takes the earlier instant', async () => {
    const s = await freshStore(ADD);
    const chat = '27-10-2024 01:00 - Piet de Boer: Nog wakker?\n';
    const zip = writeIn(s.dir, 'x.zip', makeZip([{ name: NAME, data: chat, dosTime: '2024-10-27T02:30:00' }]));
    expect(await ingestIn('UTC', s.db, zip)).toBe(0);
    expect(exportedAt(s.db)).toBe('2024-10-27T00:30:00.000Z');
  });
});
