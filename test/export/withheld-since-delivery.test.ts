/**
 * withheldSinceDelivery: a message that an earlier geschoonde set delivered with its content, and that a marking made
 * since withholds (message, passage, conversation or contact level), is still shown in that delivery. A vervolgexport
 * does not deliver it again, so it must say so loudly: in the export result, in levering.json and the pakbon of the
 * geschoonde set, and as a warning that names the message ids and the earlier package (never the content). A change
 * that shows nothing new (another category for a message that was already a marker, a marking rejected) is only a
 * change (changedSinceDelivery).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from '../ingest/store-dir.js';

const EPOCH = { SOURCE_DATE_EPOCH: '1743508800' }; // 2025-04-01T12:00:00Z
const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-01'];
const CHAT_NAME = 'WhatsApp-chat met Crisisteam Dijkring.txt';

const VERJAARDAG = 'Zaterdag is Lotte jarig, neem jij de taart mee?';
const DIJK = 'De dijk bij Ochten houdt, evacuatie afgeblazen';
// A business participant known only by number: the geschoonde set shows the number as "[Contact <n>]" throughout.
const BEL = 'Bel +31 6 12345678 voor de waterstanden';
const JAN = [
  '14-01-2023 10:01 - Piet de Boer: Zie de kaart van dijkring 43',
  `14-01-2023 10:03 - Piet de Boer: ${VERJAARDAG}`,
  '14-01-2023 10:05 - Marieke Jansen: Dank, ik bekijk hem voor het overleg',
  `14-01-2023 10:20 - Joost Kramer: ${DIJK}`,
  '14-01-2023 10:21 - Marieke Jansen: Akkoord',
  '14-01-2023 10:30 - +31 6 12345678: Ik sluit aan namens het waterschap',
  `14-01-2023 10:32 - Piet de Boer: ${BEL}`,
  '',
].join('\n');
const NEW = '20-01-2023 09:00 - Piet de Boer: Waterstanden dalen, morgen weer overleg\n';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--db', db], EPOCH);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const ingest = (folder: string, text: string) => cli('ingest', '--custodian', 'min', '--operator', 'RIH', writeIn(dir, `${folder}/${CHAT_NAME}`, text));
const exportTo = (name: string) => runCli(['export', '--db', db, '--custodian', 'min', '--out', path.join(dir, name), '--allow-unreviewed', '--json'], EPOCH);
const geschoond = (r: { json(): any }) => r.json().packages.find((p: any) => p.set === 'geschoond');
const bag = (name: string) => {
  const out = path.join(dir, name);
  return path.join(out, fs.readdirSync(out).find((n) => n.endsWith('_geschoond'))!);
};
const idOf = async (text: string) => {
  const ms = (await cli('messages', '--conversation', '1', '--json')).json().messages as { id: number; text: string }[];
  return ms.find((m) => m.text === text)!.id;
};
const contactOf = async (name: string) => {
  const convs = (await cli('conversations', '--custodian', 'min', '--json')).json().conversations as { participants: { contactId: number; name: string }[] }[];
  return convs[0]!.participants.find((p) => p.name === name)!.contactId;
};
const mark = (...target: string[]) => cli('review', 'mark', ...target, '--reviewer', 'Anna de Wit');

/** January delivered with everything shown; `change` marks since; February's export adds one message. */
async function deliverThenChange(change: () => Promise<unknown>) {
  await ingest('jan', JAN);
  const first = await exportTo('levering-1');
  expect(first.code, first.stderr).toBe(0);
  expect(geschoond(first)).toMatchObject({ withheldSinceDelivery: 0, withheldSinceDeliveryExamples: [] });
  await change();
  await ingest('feb', JAN + NEW);
  const second = await exportTo('levering-2');
  expect(second.code, second.stderr).toBe(0);
  return second;
}

describe('vervolgexport: withheldSinceDelivery', () => {
  it('a message marked privé after its delivery: counted and named in the result, levering.json, the pakbon and a warning', async () => {
    let id = 0;
    const r = await deliverThenChange(async () => {
      id = await idOf(VERJAARDAG);
      await mark('--message', String(id), '--category', 'privé');
    });
    expect(geschoond(r)).toMatchObject({ messages: 1, changedSinceDelivery: 1, withheldSinceDelivery: 1, withheldSinceDeliveryExamples: [`message:${id}`] });
    const levering = JSON.parse(fs.readFileSync(path.join(bag('levering-2'), 'levering.json'), 'utf8'));
    expect(levering.withheldSinceDelivery).toEqual({ count: 1, examples: [`message:${id}`] });
    expect(fs.readFileSync(path.join(bag('levering-2'), 'pakbon.xml'), 'utf8')).toContain('1 berichten die een eerdere geschoonde set leverde met inhoud die nu is afgeschermd');
    const warning = r.stderr.split('\n').find((l) => l.includes('are now withheld'));
    expect(warning).toContain(`e.g. message:${id} (delivered in min_2023-01-14_2023-01-14_levering-1_geschoond)`);
    expect(warning).toContain('ask the receiving archive to replace or withdraw it');
    expect(warning).not.toContain('Lotte');
    // The ruwe dataset withholds nothing: no such field, no warning for it.
    const ruw = r.json().packages.find((p: any) => p.set === 'ruw');
    expect(ruw).toMatchObject({ withheldSinceDelivery: 0 });
    expect(r.stderr.split('\n').filter((l) => l.includes('are now withheld'))).toHaveLength(1);
  });

  it('a passage marked after the delivery counts too', async () => {
    let id = 0;
    const r = await deliverThenChange(async () => {
      id = await idOf(VERJAARDAG);
      await mark('--message', String(id), '--span', '0:23', '--category', 'privé');
    });
    expect(geschoond(r)).toMatchObject({ withheldSinceDelivery: 1, withheldSinceDeliveryExamples: [`message:${id}`] });
  });

  it('a passage marked after a delivery that withheld another passage of the message counts too', async () => {
    await ingest('jan', JAN);
    const id = await idOf(VERJAARDAG);
    await mark('--message', String(id), '--span', '0:8', '--category', 'privé'); // "Zaterdag"
    expect((await exportTo('levering-1')).code).toBe(0);
    await mark('--message', String(id), '--span', '12:17', '--category', 'privé'); // "Lotte"
    await ingest('feb', JAN + NEW);
    const r = await exportTo('levering-2');
    expect(r.code, r.stderr).toBe(0);
    expect(geschoond(r)).toMatchObject({ changedSinceDelivery: 1, withheldSinceDelivery: 1, withheldSinceDeliveryExamples: [`message:${id}`] });
  });

  it('a passage withheld when delivered, then the sender marked privé at contact level: counted', async () => {
    await ingest('jan', JAN);
    const id = await idOf(VERJAARDAG);
    await mark('--message', String(id), '--span', '0:8', '--category', 'privé'); // "Zaterdag"
    expect((await exportTo('levering-1')).code).toBe(0);
    await mark('--contact', String(await contactOf('Piet de Boer')), '--category', 'privé');
    await ingest('feb', JAN + NEW);
    const r = await exportTo('levering-2');
    expect(r.code, r.stderr).toBe(0);
    expect(geschoond(r).withheldSinceDeliveryExamples).toContain(`message:${id}`);
  });

  it('a contact marked privé after the delivery: the messages that showed them (as sender or by name)', async () => {
    let ids: number[] = [];
    const r = await deliverThenChange(async () => {
      // (BEL showed a nameless participant's number replaced, as the geschoonde set always does: still recognised)
      ids = [await idOf('Zie de kaart van dijkring 43'), await idOf(VERJAARDAG), await idOf(BEL)];
      await mark('--contact', String(await contactOf('Piet de Boer')), '--category', 'privé');
    });
    expect(geschoond(r)).toMatchObject({ withheldSinceDelivery: 3, withheldSinceDeliveryExamples: ids.map((i) => `message:${i}`) });
  });

  it('a participant known only by number marked privé after the delivery: their message counts; a message quoting their number does not', async () => {
    let own = 0;
    const r = await deliverThenChange(async () => {
      own = await idOf('Ik sluit aan namens het waterschap');
      await mark('--contact', String(await contactOf('+31 6 12345678')), '--category', 'privé');
    });
    // BEL showed the number as "[Contact <n>]" and shows it as "[Privécontact <n>]" now: nothing more is withheld.
    expect(geschoond(r)).toMatchObject({ withheldSinceDelivery: 1, withheldSinceDeliveryExamples: [`message:${own}`] });
  });

  it('a conversation marked partijpolitiek after the delivery: every message it delivered', async () => {
    const r = await deliverThenChange(() => mark('--conversation', '1', '--category', 'partijpolitiek'));
    expect(geschoond(r)).toMatchObject({ withheldSinceDelivery: 7 });
  });

  it('withheld when delivered, then shown (the marking rejected): a change, not a withholding', async () => {
    await ingest('jan', JAN);
    const id = await idOf(VERJAARDAG);
    const m = (await mark('--message', String(id), '--category', 'privé', '--json')).json();
    expect((await exportTo('levering-1')).code).toBe(0);
    await cli('review', 'decide', String(m.markingId), '--reject', '--reviewer', 'Anna de Wit', '--reason', 'toch zakelijk');
    await ingest('feb', JAN + NEW);
    const r = await exportTo('levering-2');
    expect(r.code, r.stderr).toBe(0);
    expect(geschoond(r)).toMatchObject({ changedSinceDelivery: 1, changedExamples: [`message:${id}`], withheldSinceDelivery: 0 });
  });

  it('already withheld when delivered: another category is a change that shows nothing new', async () => {
    await ingest('jan', JAN);
    const id = await idOf(VERJAARDAG);
    const m = (await mark('--message', String(id), '--category', 'privé', '--json')).json();
    expect((await exportTo('levering-1')).code).toBe(0);
    await cli('review', 'decide', String(m.markingId), '--category', 'partijpolitiek', '--reviewer', 'Anna de Wit', '--reason', 'partijoverleg');
    await ingest('feb', JAN + NEW);
    const r = await exportTo('levering-2');
    expect(r.code, r.stderr).toBe(0);
    expect(geschoond(r)).toMatchObject({ changedSinceDelivery: 1, withheldSinceDelivery: 0, withheldSinceDeliveryExamples: [] });
    expect(r.stderr).not.toContain('are now withheld');
  });

  it('withheld when delivered through its sender (a contact marking), then marked itself: nothing was shown', async () => {
    await ingest('jan', JAN);
    await mark('--contact', String(await contactOf('Piet de Boer')), '--category', 'partijpolitiek');
    expect((await exportTo('levering-1')).code).toBe(0);
    const id = await idOf(VERJAARDAG);
    await mark('--message', String(id), '--category', 'privé');
    await ingest('feb', JAN + NEW);
    const r = await exportTo('levering-2');
    expect(r.code, r.stderr).toBe(0);
    expect(geschoond(r)).toMatchObject({ changedSinceDelivery: 1, changedExamples: [`message:${id}`], withheldSinceDelivery: 0 });
  });

  it('nothing new to export: still refused (exit 1), and the warning is given all the same', async () => {
    await ingest('jan', JAN);
    expect((await exportTo('levering-1')).code).toBe(0);
    const id = await idOf(DIJK);
    await mark('--message', String(id), '--category', 'partijpolitiek');
    const r = await exportTo('levering-2');
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'nothing-new', exitCode: 1 });
    expect(r.json().error.message).toContain('nothing new to export');
    const warning = r.stderr.split('\n').find((l) => l.includes('are now withheld'));
    expect(warning).toContain(`e.g. message:${id} (delivered in min_2023-01-14_2023-01-14_levering-1_geschoond)`);
    expect(warning).not.toContain('levering.json');
    expect(fs.existsSync(path.join(dir, 'levering-2'))).toBe(false);
  });
});
