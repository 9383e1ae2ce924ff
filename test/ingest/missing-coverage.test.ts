/**
 * Which stored messages a later export "covers" (issue #2: a message an earlier export contained and a later one lacks,
 * although the later export covers its time, is reported missing, a possible deletion on the phone). Timestamps run
 * out of order (a message written in flight mode is dated when written, but stands where it arrived), and the export
 * limit cuts an export at a line, not at a time: a message before the later export's first line is not covered,
 * whatever its time, and neither is one after an older export's last line.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Min', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const NAME = 'WhatsApp-chat met Piet.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (rel: string, lines: string[]) => ingestOne(db, writeIn(dir, `${rel}/${NAME}`, lines.join('\n') + '\n'));
const missing = async () =>
  ((await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages as { text: string; missingIn: number[] }[])
    .filter((m) => m.missingIn.length)
    .map((m) => m.text);

const E1 = [
  '10-01-2024 16:00 - Piet: begin',
  '10-01-2024 16:24 - Min: verstuurd in vliegtuigmodus',
  '10-01-2024 16:20 - Piet: a',
  '10-01-2024 16:21 - Min: b',
  '10-01-2024 16:30 - Piet: c',
];

describe('what a later export covers', () => {
  it('a message before its first line is not missing, though its time is later (out of order)', async () => {
    await ingest('e1', E1);
    // The export limit dropped the first two lines.
    expect(await ingest('e2', [...E1.slice(2), '11-01-2024 09:00 - Piet: nieuw'])).toMatchObject({ messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(await missing()).toEqual([]);
  });

  it('earlier messages of its first minute are not missing (Android: minutes only)', async () => {
    await ingest('e1', ['10-01-2024 09:00 - Piet: hoi', '10-01-2024 09:01 - Piet: Goedemorgen', '10-01-2024 09:01 - Min: Ok', '10-01-2024 09:05 - Piet: agenda']);
    expect(await ingest('e2', ['10-01-2024 09:01 - Min: Ok', '10-01-2024 09:05 - Piet: agenda', '10-01-2024 10:00 - Min: later'])).toMatchObject({ messagesMissing: 0 });
  });

  it('a message deleted between its lines is reported, and so is one deleted at the end of the earlier export', async () => {
    await ingest('e1', [...E1, '10-01-2024 16:40 - Min: laatste']);
    const e2 = await ingest('e2', [...E1.slice(2).filter((l) => !l.endsWith(': b')), '11-01-2024 09:00 - Piet: nieuw']);
    expect(e2).toMatchObject({ messagesMissing: 2 });
    expect(await missing()).toEqual(['b', 'laatste']);
  });

  it('an older export ingested after a newer one covers nothing after its last line', async () => {
    // The newer export holds a message dated 16:25 that arrived after "c" (16:30), the older export's last line.
    await ingest('new', [...E1, '10-01-2024 16:25 - Piet: laat afgeleverd', '10-01-2024 16:40 - Min: later']);
    expect(await ingest('old', E1)).toMatchObject({ messagesNew: 0, messagesSeenBefore: 5, messagesMissing: 0 });
    expect(await missing()).toEqual([]);
  });

  it('an export holding none of an earlier export\'s messages in its time reports them all (a chat cleared on the phone)', async () => {
    await ingest('e1', E1);
    expect(await ingest('e2', ['10-01-2024 15:00 - Piet: eerder', '10-01-2024 17:00 - Piet: daarna'])).toMatchObject({ messagesMissing: 5 });
  });
});
