/**
 * Without --read-out, the ingest itself bounds the messages an export can hold: no phone holds a message sent after it
 * was read out. A message dated later points at a phone clock or calendar set wrong (a Buddhist year written with two
 * digits, `18/03/65`, reads as 2065) or a date order read wrong. The export is evidence as it is: it is kept as written,
 * with a warning that names the count, the latest message and its line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'IenW', '--from', '2020-01-01'];
const hoursFromNow = (h: number): string => DateTime.now().setZone('Europe/Amsterdam').plus({ hours: h }).toFormat('dd-MM-yyyy HH:mm');

async function ingest(build: (dir: string) => string, ...extra: string[]) {
  const s = await freshStore(ADD);
  const r = await runCli(['ingest', '--db', s.db, '--custodian', 'min', '--json', build(s.dir), ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return { source: r.json().sources[0], stderr: r.stderr, db: s.db };
}

const after = (w: { code: string; message: string; line: number }[]) => w.filter((x) => x.code === 'message-after-ingest');

describe('messages dated after the ingest', () => {
  it('a WhatsApp export with a Buddhist year in two digits: kept as written, with a warning naming count, latest and line', async () => {
    const { source, stderr, db } = await ingest((dir) =>
      writeIn(dir, 'WhatsApp-chat met Somchai.txt', [
        '18/03/2022 09:00 - Karin van der Laan: Goedemorgen',
        '18/03/65 14:56 - Somchai: Hello',
        '27/03/65 21:41 - Somchai: Hello World',
        '19/03/65 08:00 - Karin van der Laan: Tot morgen',
      ].join('\n') + '\n'),
    );
    expect(source.messagesNew).toBe(4);
    const w = after(source.warnings)[0]!;
    expect(w).toMatchObject({ line: 3 });
    expect(w.message).toMatch(/^3 messages are dated after this ingest \(more than a day after it\); the latest is '27\/03\/65 21:41' as written \(2065-03-27T21:41:00\+01:00\)\./);
    expect(w.message).toMatch(/a Buddhist year written with two digits reads 543 years late/);
    expect(stderr).toContain('3 messages are dated after this ingest');
    // The findings report keeps saying so, per message, after the ingest's output is gone.
    const report = (await runCli(['report', 'findings', '--db', db, '--json'])).json();
    const found = report.findings.filter((f: { code: string }) => f.code === 'date-after-ingest');
    expect(found.map((f: { localTime: string; group: string }) => [f.localTime, f.group])).toEqual([['18/03/65 14:56', 'tijd'], ['19/03/65 08:00', 'tijd'], ['27/03/65 21:41', 'tijd']]);
    expect(found[0].detail).toMatch(/^"18\/03\/65 14:56" ligt na het inlezen op \d{4}-\d{2}-\d{2}; bewaard zoals geschreven$/);
    expect(found[0].label).toBe('Gedateerd na het inlezen (klok, kalender of datumvolgorde van de telefoon?)');
  });

  it('a message a few hours ahead (a phone in a zone east of the custodian) is no such case; one two days ahead is', async () => {
    const chat = (h: number) => (dir: string) => writeIn(dir, `h${h}/WhatsApp-chat met Jan.txt`, `01-02-2024 10:00 - Jan: Hoi\n${hoursFromNow(h)} - Jan: Nu\n`);
    expect(after((await ingest(chat(10))).source.warnings)).toEqual([]);
    expect(after((await ingest(chat(48))).source.warnings)).toMatchObject([{ line: 2, message: expect.stringMatching(/^1 message is dated after this ingest/) }]);
  });

  it('a Signal export whose phone clock ran ahead: the same warning, with the line in main.jsonl', async () => {
    const { source } = await ingest((dir) => {
      const d = path.join(dir, 'signal');
      fs.cpSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27'), d, { recursive: true });
      const main = path.join(d, 'main.jsonl');
      const lines = fs.readFileSync(main, 'utf8').split('\n');
      lines[17] = lines[17]!.replace('"dateSent":"1761285912000"', '"dateSent":"3000000000000"');
      fs.writeFileSync(main, lines.join('\n'));
      return d;
    });
    expect(after(source.warnings)).toMatchObject([{ line: 18, message: expect.stringMatching(/^1 message is dated after this ingest .*\(2065-01-24T/) }]);
  });

  it('none for an export of the past', async () => {
    const { source } = await ingest((dir) => path.join(REPO, 'samples/whatsapp/android-nl-group-crisisteam'));
    expect(after(source.warnings)).toEqual([]);
  });
});
