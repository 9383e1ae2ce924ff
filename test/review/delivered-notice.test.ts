/**
 * A decision that withholds messages an earlier geschoonde set delivered tells the reviewer at once (the archive may
 * hold them shown; the next export names those it did, see test/export/withheld-since-delivery.test.ts): the outcome
 * of `review mark` and `review decide` carries deliveredInGeschoond (how many, and the last package), the text output
 * adds a note, and the page's bulk API says how many decisions it concerns. Ids and package names only.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { postBulk } from '../../src/review/api.js';
import { openStore } from '../../src/store/db.js';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from '../ingest/store-dir.js';

const EPOCH = { SOURCE_DATE_EPOCH: '1743508800' };
const CHAT = 'WhatsApp-chat met Crisisteam Dijkring.txt';
const JAN = [
  '14-01-2023 10:01 - Piet de Boer: Zie de kaart van dijkring 43',
  '14-01-2023 10:03 - Piet de Boer: Zaterdag is Lotte jarig, neem jij de taart mee?',
  '14-01-2023 10:05 - Marieke Jansen: Dank, ik bekijk hem voor het overleg',
  '',
].join('\n');
const LATER = '20-01-2023 09:00 - Piet de Boer: Waterstanden dalen\n';
const PACKAGE = 'min_2023-01-14_2023-01-14_levering-1_geschoond';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister', '--department', 'IenW', '--from', '2022-01-01']));
  await cli('ingest', '--custodian', 'min', '--operator', 'RIH', writeIn(dir, `jan/${CHAT}`, JAN));
  await cli('tag', '--custodian', 'min');
  await cli('export', '--custodian', 'min', '--out', path.join(dir, 'levering-1'), '--allow-unreviewed');
  // A message secured after the delivery: never delivered.
  await cli('ingest', '--custodian', 'min', '--operator', 'RIH', writeIn(dir, `feb/${CHAT}`, JAN + LATER));
});

async function cli(...args: string[]) {
  const r = await runCli([...args, '--db', db], EPOCH);
  expect(r.code, r.stderr).toBe(0);
  return r;
}
const reviewer = ['--reviewer', 'Anna de Wit'];

describe('deliveredInGeschoond on a decision', () => {
  it('marking a delivered message privé: the outcome and the text output say so; the package is named', async () => {
    const r = (await cli('review', 'mark', '--message', '1', '--category', 'privé', ...reviewer, '--json')).json();
    expect(r.deliveredInGeschoond).toEqual({ messages: 1, package: PACKAGE });
    const t = await cli('review', 'mark', '--message', '1', '--span', '0:3', '--category', 'privé', ...reviewer);
    expect(t.stdout).toContain(`note: marking ${r.markingId + 1} withholds 1 message(s) that an earlier geschoonde set delivered (last: ${PACKAGE})`);
  });

  it('a conversation marking counts every delivered message of it; the message secured since is not counted', async () => {
    const r = (await cli('review', 'mark', '--conversation', '1', '--category', 'partijpolitiek', ...reviewer, '--json')).json();
    expect(r.deliveredInGeschoond).toEqual({ messages: 3, package: PACKAGE });
  });

  it('no note when the message was never delivered, or when the decision shows it (zakelijk)', async () => {
    expect((await cli('review', 'mark', '--message', '4', '--category', 'privé', ...reviewer, '--json')).json().deliveredInGeschoond).toBeUndefined();
    const z = await cli('review', 'mark', '--message', '2', '--category', 'zakelijk', ...reviewer);
    expect(z.stdout).not.toContain('note:');
  });

  it('review decide: accepting a privé suggestion on a delivered message notes it; rejecting does not', async () => {
    const list = (await cli('review', 'list', '--custodian', 'min', '--json')).json().markings as { id: number }[];
    expect(list).toHaveLength(1);
    const d = await cli('review', 'decide', String(list[0]!.id), '--accept', ...reviewer);
    expect(d.stdout).toContain(`note: marking ${list[0]!.id} withholds 1 message(s) that an earlier geschoonde set delivered (last: ${PACKAGE})`);
    const u = await cli('review', 'decide', String(list[0]!.id), '--undo', ...reviewer);
    expect(u.stdout).not.toContain('note:');
    const rej = await cli('review', 'decide', String(list[0]!.id), '--reject', ...reviewer, '--reason', 'zakelijk');
    expect(rej.stdout).not.toContain('note:');
  });

  it("the page's bulk request says how many of its decisions withhold delivered messages", () => {
    const store = openStore(db);
    try {
      const r = postBulk({ db: store.db, custodianId: 'min', preview: null } as never, { conversationId: 1, action: 'confirm', reviewer: 'Anna de Wit', lastDecisionIds: { 1: null } });
      expect(r).toMatchObject({ decided: 1, deliveredInGeschoond: { decisions: 1, package: PACKAGE } });
    } finally {
      store.close();
    }
  });
});
