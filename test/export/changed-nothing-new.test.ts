/**
 * An export with nothing new to deliver still names the delivered messages that changed since their delivery: a
 * passage marked privé, delivered withheld, then undone, is business content that the delivered geschoonde set lacks.
 * With a new message beside it the export says so (changedSinceDelivery); without one it refused in silence, and the
 * archivist never heard that the earlier delivery no longer matches the decisions.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from '../ingest/store-dir.js';

const EPOCH = { SOURCE_DATE_EPOCH: '1743508800' };
const CUSTODIAN = ['--id', 'min', '--name', 'Marieke van Dijk', '--function', 'Minister van BZK', '--department', 'BZK', '--from', '2022-01-01'];
const TEXT = 'Akkoord met de brief. Mijn vader is jarig, ik bel morgen.';
const CHAT = [
  '14-01-2023 10:01 - Eva Janssen: Conceptbrief over de Woontop staat in de parafeerlijn.',
  `14-01-2023 10:05 - Marieke van Dijk: ${TEXT}`,
  '',
].join('\n');

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});
const cli = (args: string[]) => runCli([...args, '--db', db], EPOCH);
const ok = async (args: string[]) => {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
};
const R = ['--reviewer', 'A. Beoordelaar'];

describe('export with nothing new: changes since delivery are still named', () => {
  it('an undone passage marking after delivery is named on stderr, beside the nothing-new refusal', async () => {
    await ok(['ingest', writeIn(dir, 'jan/WhatsApp-chat met Eva Janssen.txt', CHAT), '--custodian', 'min']);
    const msgs = (await ok(['messages', '--conversation', '1', '--json'])).json().messages as { id: number; text: string }[];
    const id = msgs.find((m) => m.text === TEXT)!.id;
    const start = TEXT.indexOf('Mijn vader');
    const marked = (await ok(['review', 'mark', '--message', String(id), '--span', `${start}:${TEXT.length}`, '--category', 'privé', ...R, '--json'])).json();
    await ok(['export', '--custodian', 'min', '--out', path.join(dir, 'levering-1')]);

    await ok(['review', 'decide', String(marked.markingId), '--undo', ...R]);
    const again = await cli(['export', '--custodian', 'min', '--out', path.join(dir, 'levering-2')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing new to export');
    const lines = again.stderr.split('\n').filter((l) => l.includes('changed since an earlier delivery'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^warning: ruw: 1 object\\(s\\) changed since an earlier delivery .*message:${id}\\b`));
    expect(lines[1]).toMatch(new RegExp(`^warning: geschoond: 1 object\\(s\\) changed since an earlier delivery .*message:${id}\\b`));
    // Under --json the refusal stays the one error object on stdout; the warnings go to stderr.
    const json = await cli(['export', '--custodian', 'min', '--out', path.join(dir, 'levering-3'), '--json']);
    expect(Object.keys(json.json())).toEqual(['error']);
    expect(json.json().error.code).toBe('nothing-new');
    expect(json.stderr).toContain(`message:${id}`);
  });

  it('a delivered message that was only sighted again is no change', async () => {
    const file = writeIn(dir, 'jan/WhatsApp-chat met Eva Janssen.txt', CHAT);
    await ok(['ingest', file, '--custodian', 'min']);
    await ok(['export', '--custodian', 'min', '--out', path.join(dir, 'levering-1')]);
    await ok(['ingest', writeIn(dir, 'feb/WhatsApp-chat met Eva Janssen.txt', CHAT + '\n'), '--custodian', 'min']);
    const again = await cli(['export', '--custodian', 'min', '--out', path.join(dir, 'levering-2')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing new to export');
    expect(again.stderr).not.toContain('changed since an earlier delivery');
  });
});
