/**
 * The five rows of the per-department tables, computed from a store that went through the whole pipeline with the
 * real commands: two read-outs, rule tagging, review decisions, and the export of both sets (OCW); and a department
 * that only ingested (SZW). Each step runs with the clock at the day it happened (the status counts what was recorded
 * by the end of the as-of day); the reports run later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const FIX = path.resolve(import.meta.dirname, 'fixtures/status');
const DG = 'WhatsApp-chat met Directeur-generaal.txt';
const MAM = 'WhatsApp-chat met Mam.txt';
let dir: string;
let db: string;

const cli = async (args: string[]) => {
  const r = await runCli([...args, '--db', db]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
};

/** Writes an export folder with the given files (optionally only their first lines), dated at the read-out. */
function readout(name: string, at: string, files: { file: string; lines?: number }[]): string {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  const t = DateTime.fromISO(at, { zone: 'Europe/Amsterdam' }).toJSDate();
  for (const f of files) {
    const text = fs.readFileSync(path.join(FIX, f.file), 'utf8');
    const out = path.join(folder, f.file);
    fs.writeFileSync(out, f.lines ? text.split('\n').slice(0, f.lines).join('\n') + '\n' : text);
    fs.utimesSync(out, t, t);
  }
  return folder;
}

/** Sets the clock (only Date) to a wall-clock time in Amsterdam. */
const clock = (at: string) => vi.setSystemTime(DateTime.fromISO(at, { zone: 'Europe/Amsterdam' }).toJSDate());
const status = async (extra: string[] = []) => {
  clock('2024-05-01T09:00');
  return (await cli(['report', 'status', '--as-of', '2024-04-20', '--json', ...extra])).json();
};
const row = (report: any, department: string, key: string) =>
  report.departments.find((d: any) => d.department === department).rows.find((r: any) => r.key === key);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock('2024-03-01T09:00');
  dir = tempDir('chatarchief-status-');
  db = path.join(dir, 'status.db');
  await cli(['custodian', 'add', '--id', 'min-ocw', '--name', 'Minister OCW', '--function', 'Minister van Onderwijs, Cultuur en Wetenschap', '--department', 'OCW', '--from', '2024-03-05']);
  await cli(['custodian', 'add', '--id', 'min-szw', '--name', 'Minister SZW', '--function', 'Minister van Sociale Zaken en Werkgelegenheid', '--department', 'SZW', '--from', '2024-01-10']);
  // OCW: read out on 12 March (the DG chat up to 7 March, and the private chat) and on 2 April (the whole DG chat).
  clock('2024-03-12T13:00');
  await cli(['ingest', readout('ocw-1', '2024-03-12T12:00', [{ file: DG, lines: 5 }, { file: MAM }]), '--custodian', 'min-ocw', '--operator', 'OCW-operator', '--read-out', '2024-03-12T12:00']);
  clock('2024-04-02T13:00');
  await cli(['ingest', readout('ocw-2', '2024-04-02T12:00', [{ file: DG }]), '--custodian', 'min-ocw', '--operator', 'OCW-operator', '--read-out', '2024-04-02T12:00']);
  await cli(['ingest', readout('szw-1', '2024-04-02T12:00', [{ file: DG }]), '--custodian', 'min-szw', '--operator', 'RIH-operator', '--read-out', '2024-04-02T12:00']);
});

afterAll(() => {
  vi.useRealTimers();
});

describe('status per department', () => {
  it('before any review: separation unknown, contacts not excluded, nothing cleaned or kept', async () => {
    const r = await status();
    expect(r.departments.map((d: any) => [d.department, d.rows.map((x: any) => x.value)])).toEqual([
      ['OCW', ['onbekend', 'ja', 'nee', 'nee', 'nee']],
      ['SZW', ['onbekend', 'nee', 'nee', 'nee', 'nee']],
    ]);
    expect(row(r, 'OCW', 'uitzonderen').text).toContain('nog geen regels toegepast (chatarchief tag)');
    // Calendar days without a read-out, the first day of the term included and the read-out day not (like the coverage's
    // days without a read-out): OCW 7 (5 t/m 11 March) to the first read-out, then 20 (13 March t/m 1 April); SZW 83
    // (10 January t/m 1 April) to its only read-out.
    expect(row(r, 'OCW', 'frequentie').details).toMatchObject({ veiligstellingen: 2, medianDays: 13.5, longest: { days: 20, from: '2024-03-12', to: '2024-04-02' } });
    expect(row(r, 'OCW', 'frequentie').text).toContain('mediaan 13,5 dagen, langste 20 dagen');
    expect(row(r, 'SZW', 'frequentie').details.longest).toMatchObject({ days: 83, from: '2024-01-10', to: '2024-04-02', open: false });
  });

  it('after tagging, review and export: the share of confirmed privé content, exclusions, cleaning and the ruwe dataset', async () => {
    // The minister designated the private contact in advance (a custodian rule file, independent of the default set).
    clock('2024-04-08T10:00');
    await cli(['tag', '--custodian', 'min-ocw', '--rules', path.join(FIX, 'minister-ocw.json')]);
    const open = (await cli(['review', 'list', '--custodian', 'min-ocw', '--status', 'open', '--json'])).json();
    expect(open.markings.map((m: any) => [m.level, m.category])).toEqual([['contact', 'privé'], ['conversation', 'privé']]);
    // Half-way through the review the confirmed share is only a lower bound: within the norm is not yet a "ja".
    clock('2024-04-08T11:00');
    await cli(['review', 'decide', String(open.markings[0].id), '--accept', '--reviewer', 'R. Jansen']);
    const partial = row(await status(['--max-private-percent', '60']), 'OCW', 'scheiding');
    expect(partial.value).toBe('onbekend');
    expect(partial.text).toMatch(/; nog 1 open suggestie\(s\), dus het aandeel kan nog stijgen\.$/);
    expect(row(await status(), 'OCW', 'scheiding').value).toBe('nee'); // over the stricter norm already: certain
    clock('2024-04-09T10:00');
    await cli(['review', 'decide', String(open.markings[1].id), '--accept', '--reviewer', 'R. Jansen']);
    // The reviewer marks the private sentence in a business chat as a passage.
    const dg = (await cli(['conversations', '--custodian', 'min-ocw', '--json'])).json().conversations.find((c: any) => c.title === 'Directeur-generaal');
    const msg = (await cli(['messages', '--conversation', String(dg.id), '--json'])).json().messages.find((m: any) => m.text.includes('verjaardag'));
    const end = msg.text.indexOf(',');
    clock('2024-04-09T11:00');
    await cli(['review', 'mark', '--message', String(msg.id), '--span', `0:${end}`, '--category', 'privé', '--reviewer', 'R. Jansen', '--reason', 'verjaardag dochter']);
    const before = await status();
    // Decided markings, but no geschoonde set yet: cleaning is partly done.
    expect(row(before, 'OCW', 'schoning').value).toBe('deels');
    clock('2024-04-10T10:00');
    await cli(['export', '--custodian', 'min-ocw', '--out', path.join(dir, 'e-depot'), '--set', 'both']);

    const r = await status();
    const conversations = (await cli(['conversations', '--custodian', 'min-ocw', '--json'])).json().conversations;
    const total = conversations.reduce((n: number, c: any) => n + c.messageCount, 0);
    const mam = conversations.find((c: any) => c.title === 'Mam').messageCount;
    // The whole private chat (contact and conversation excluded) plus the one private sentence in the DG chat.
    const sep = row(r, 'OCW', 'scheiding');
    expect(sep.details).toMatchObject({ messages: total, nonBusinessMessages: mam + 1 });
    expect(sep.value).toBe('nee');
    expect(sep.text).toMatch(/^50,0% van de berichten op het zakelijke middel is bevestigd privé of partijpolitiek \(6 van 12\)/);
    expect(row(r, 'OCW', 'uitzonderen')).toMatchObject({ value: 'ja', details: { contacts: 1, conversations: 1, decided: 2, byRule: 2 } });
    expect(row(r, 'OCW', 'schoning')).toMatchObject({ value: 'ja', details: { decidedMarkings: 1, openSuggestions: 0, custodiansWithGeschoondeSet: ['min-ocw'] } });
    expect(row(r, 'OCW', 'ruwe-dataset')).toMatchObject({ value: 'ja', details: { perCustodian: [{ custodianId: 'min-ocw', exports: 1, complete: true }] } });
    // The department that only ingested stays at "nee".
    expect(row(r, 'SZW', 'ruwe-dataset').value).toBe('nee');
    // A looser norm for the share of private content makes the separation hold.
    expect(row(await status(['--max-private-percent', '60']), 'OCW', 'scheiding').value).toBe('ja');
  });

  it('filters by department, renders table, CSV and HTML, and refuses an unknown department', async () => {
    expect((await status(['--department', 'SZW'])).departments.map((d: any) => d.department)).toEqual(['SZW']);
    const table = (await cli(['report', 'status', '--as-of', '2024-04-20', '--department', 'OCW'])).stdout;
    expect(table).toMatch(/Ruwe dataset \(incl\. privé en partijpolitieke berichten\) bewaard\s+Ja\s+Ruwe dataset geëxporteerd voor 1 van 1/);
    const csv = (await cli(['report', 'status', '--as-of', '2024-04-20', '--format', 'csv'])).stdout.trimEnd().split('\r\n');
    expect(csv).toHaveLength(11);
    const html = (await cli(['report', 'status', '--as-of', '2024-04-20', '--format', 'html'])).stdout;
    expect(html).toContain('<tr data-key="uitzonderen"><td>Uitzonderen van puur privé en partijpolitieke contacten van zakelijke veiligstelling</td><td><span class="badge b-ja">Ja</span>');
    const bad = await runCli(['report', 'status', '--department', 'XYZ', '--db', db]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("unknown department 'XYZ'; known: OCW, SZW")]);
  });

  it('says the ruwe dataset is behind once a later read-out brings messages the export does not hold', async () => {
    const folder = readout('ocw-3', '2024-04-16T09:00', [{ file: DG }]);
    const file = path.join(folder, DG);
    const { mtime } = fs.statSync(file);
    fs.appendFileSync(file, '15-04-2024 17:45 - Directeur-generaal: De reactie op de motie is verstuurd\n');
    fs.utimesSync(file, mtime, mtime);
    clock('2024-04-16T10:00');
    await cli(['ingest', folder, '--custodian', 'min-ocw', '--operator', 'OCW-operator', '--read-out', '2024-04-16T09:00']);
    const raw = row(await status(), 'OCW', 'ruwe-dataset');
    expect(raw.value).toBe('deels');
    expect(raw.text).toBe('Ruwe dataset geëxporteerd voor 1 van 1 bewindspersonen; achter: min-ocw t/m 2024-04-02, laatste bericht 2024-04-15.');
  });
});
