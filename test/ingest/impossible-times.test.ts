/**
 * A time beyond the dates a computer can hold (more than 8.64e15 ms from 1970) in a Signal, sigtop or SMS export is
 * bad input: refused naming the file and line, exit 1, nothing stored (it crashed the store's NOT NULL check, exit 2).
 * So is a time at that very edge (8.64e15 itself): a date in UTC, but none as wall-clock time in a zone east of UTC.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01'];
const FAR = '99999999999999999';
/** The last millisecond JavaScript can date (UTC); an hour later in Amsterdam is none. */
const EDGE = '8640000000000000';

async function refused(build: (dir: string) => string, where: RegExp): Promise<void> {
  const s = await freshStore(ADD);
  const input = build(s.dir);
  const before = tableSnapshot(s.db);
  const r = await runCli(['ingest', '--db', s.db, '--custodian', 'min', input]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(where);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(tableSnapshot(s.db)).toEqual(before);
}

describe.each([
  ['beyond any date', FAR],
  ['at the edge of the dates', EDGE],
])('a time %s', (_what, far) => {
  it("in a Signal export's chatItem.dateSent", async () => {
    await refused((dir) => {
      const d = path.join(dir, 'signal');
      fs.cpSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27'), d, { recursive: true });
      const main = path.join(d, 'main.jsonl');
      const lines = fs.readFileSync(main, 'utf8').split('\n');
      lines[17] = lines[17]!.replace('"dateSent":"1761285912000"', `"dateSent":"${far}"`);
      fs.writeFileSync(main, lines.join('\n'));
      return d;
    }, /main\.jsonl.*(line 18|:18).*dateSent.*milliseconds since 1970/s);
  });

  it("in an SMS Backup & Restore file's date", async () => {
    await refused((dir) => {
      const xml = fs.readFileSync(path.join(REPO, 'samples/signal/sms/sms-backup-restore-20251027.xml'), 'utf8').replace('date="1761285000000"', `date="${far}"`);
      return writeIn(dir, 'sms.xml', xml);
    }, new RegExp(`sms\\.xml:\\d+: .*without a usable date attribute \\(${far}\\)`, 's'));
  });

  it("in a sigtop message's sent_at", async () => {
    await refused((dir) => {
      const src = path.join(REPO, 'samples/signal/sigtop/Youssef El Amrani (+31620001001).json');
      const json = fs.readFileSync(src, 'utf8').replace(/"sent_at":\d+/, `"sent_at":${far}`);
      return writeIn(dir, 'Youssef El Amrani (+31620001001).json', json);
    }, /Youssef El Amrani.*sent_at.*milliseconds since 1970/s);
  });
});
