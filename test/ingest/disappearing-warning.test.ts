/**
 * A WhatsApp export that first shows disappearing messages switched on warns the operator at ingest, as a Signal
 * export does: messages sent while they were on are gone from the phone, so the export may lack them. Once per source,
 * at the first such event, and only for an event this source brings new (the next month's export of the same chat does
 * not repeat it).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn } from './store-dir.js';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(['--id', 'min-ienw', '--name', 'M. Jansen', '--function', 'Minister van IenW', '--department', 'IenW', '--from', '2023-01-01']));
});

const NAME = 'WhatsApp-chat met Pieter Bos.txt';
const OCTOBER = [
  '02-10-2023 08:02 - Pieter Bos: De dijkbewaking is opgeschaald.',
  '02-10-2023 08:05 - Pieter Bos heeft berichten met vervaldatum ingeschakeld. Alle nieuwe berichten verdwijnen 7 dagen nadat ze zijn verzonden uit deze chat.',
  '02-10-2023 08:06 - M. Jansen: Begrepen',
  '03-10-2023 09:00 - Pieter Bos heeft de timer voor berichten met vervaldatum bijgewerkt. Nieuwe berichten verdwijnen 24 uur nadat ze zijn verzonden uit deze chat.',
  '',
].join('\n');
const NOVEMBER = `${OCTOBER}06-11-2023 10:00 - M. Jansen: Stand van zaken graag\n`;

type Warning = { code: string; message: string; line?: number; entry?: string };
async function ingest(file: string): Promise<{ warnings: Warning[]; stderr: string }> {
  const r = await runCli(['ingest', file, '--custodian', 'min-ienw', '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return { warnings: r.json().sources[0].warnings, stderr: r.stderr };
}
const disappearing = (ws: Warning[]) => ws.filter((w) => w.code === 'disappearing-messages-on');

describe('ingest: disappearing messages switched on', () => {
  it('warns once, at the first event, naming its time and timer; the next export of the chat does not repeat it', async () => {
    const first = await ingest(writeIn(dir, `oktober/${NAME}`, OCTOBER));
    expect(disappearing(first.warnings)).toEqual([
      {
        code: 'disappearing-messages-on', line: 2,
        message: 'disappearing messages were switched on in this chat (02-10-2023 08:05, timer 7 dagen): messages sent while they were on disappear from the phone after their timer, so this export may lack some; the findings report lists every such event',
      },
    ]);
    expect(first.stderr).toContain(`${NAME}:2: disappearing messages were switched on in this chat (02-10-2023 08:05, timer 7 dagen)`);
    const second = await ingest(writeIn(dir, `november/${NAME}`, NOVEMBER));
    expect(disappearing(second.warnings)).toEqual([]);
  });

  it('names the chat entry of a zip', async () => {
    const zip = writeIn(dir, 'export.zip', makeZip([{ name: NAME, data: OCTOBER }]));
    expect(disappearing((await ingest(zip)).warnings)).toMatchObject([{ line: 2, entry: NAME }]);
  });

  it('says nothing for a chat without them, or one where they are only switched off', async () => {
    const off = OCTOBER.split('\n').filter((l) => !l.includes('vervaldatum')).join('\n') + '04-10-2023 09:00 - Pieter Bos heeft berichten met vervaldatum uitgeschakeld.\n';
    const w = (await ingest(writeIn(dir, `uit/${NAME}`, off))).warnings;
    expect(disappearing(w)).toEqual([]);
    const events = (await runCli(['messages', '--conversation', '1', '--db', db, '--json'])).json().messages.map((m: { event: string | null }) => m.event);
    expect(events).toEqual([null, null, 'disappearing-off']);
  });
});
