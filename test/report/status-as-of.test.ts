/**
 * `report status --as-of D` gives every row as it stood at the end of D in the custodian's zone: the messages of the
 * read-outs done by then (the coverage report's rule), and only the markings, decisions, tag runs and exports recorded
 * before the end of D. The store is built with the real commands, each run with the clock at the day it happened.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let dir: string;
let db: string;

const cli = async (args: string[]) => {
  const r = await runCli([...args, '--db', db]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
};
/** Sets the clock (only Date) to a wall-clock time in Amsterdam, or to an instant given with its offset. */
const clock = (at: string) => vi.setSystemTime(DateTime.fromISO(at, { zone: 'Europe/Amsterdam' }).toJSDate());

/** Reports run later than everything in the store: on 1 September 2025. */
const status = async (asOf?: string) => {
  clock('2025-09-01T09:00');
  return (await cli(['report', 'status', '--json', ...(asOf ? ['--as-of', asOf] : [])])).json();
};
const rows = (report: any, department: string) =>
  Object.fromEntries(report.departments.find((d: any) => d.department === department).rows.map((r: any) => [r.key, r]));
const values = (report: any) => report.departments.map((d: any) => [d.department, d.rows.map((r: any) => r.value)]);
const openMarking = async (custodian: string) => (await cli(['review', 'list', '--custodian', custodian, '--json'])).json().markings[0].id as number;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  dir = tempDir('chatarchief-status-as-of-');
  db = path.join(dir, 's.db');
  const file = path.join(dir, 'WhatsApp-chat met Jan Bakker.txt');
  fs.writeFileSync(file, '03-06-2025 09:01 - Jan Bakker: Vanavond de verjaardag van mijn dochter.\n03-06-2025 09:02 - Jan Bakker: De Kamerbrief is klaar.\n');
  clock('2025-06-01T09:00');
  // X in Amsterdam, Y in Curaçao (UTC−4): the same instant falls on different days.
  await cli(['custodian', 'add', '--id', 'k', '--name', 'K', '--function', 'minister', '--department', 'X', '--from', '2025-01-01']);
  await cli(['custodian', 'add', '--id', 'c', '--name', 'C', '--function', 'minister', '--department', 'Y', '--from', '2025-01-01', '--tz', 'America/Curacao']);
  // Read out on 30 June, ingested on 1 July.
  clock('2025-07-01T10:00');
  for (const id of ['k', 'c']) await cli(['ingest', file, '--custodian', id, '--read-out', '2025-06-30']);
  clock('2025-07-08T10:00');
  for (const id of ['k', 'c']) await cli(['tag', '--custodian', id]);
  // 16 July 02:00 UTC: 04:00 in Amsterdam, still 15 July (22:00) in Curaçao.
  clock('2025-07-16T02:00:00Z');
  for (const id of ['k', 'c']) await cli(['review', 'decide', String(await openMarking(id)), '--accept', '--reviewer', 'Anna']);
  clock('2025-07-22T10:00');
  for (const id of ['k', 'c']) await cli(['export', '--custodian', id, '--out', path.join(dir, `out-${id}`)]);
  // Afterwards the decision of K is undone: the status as of 22 July still has it.
  clock('2025-08-01T10:00');
  await cli(['review', 'decide', String(await openMarking('k')), '--undo', '--reviewer', 'Anna']);
});

afterAll(() => {
  vi.useRealTimers();
});

describe('report status --as-of', () => {
  it('before the term and before anything was secured: no messages, markings or exports', async () => {
    const r = await status('2024-12-01');
    expect(values(r)).toEqual([
      ['X', ['onbekend', 'onbekend', 'onbekend', 'onbekend', 'onbekend']],
      ['Y', ['onbekend', 'onbekend', 'onbekend', 'onbekend', 'onbekend']],
    ]);
    const x = rows(r, 'X');
    expect(x.scheiding.text).toBe('Nog geen beoordeelde markeringen: het aandeel privé/partijpolitiek is niet bekend.');
    expect(x.frequentie.text).toBe('De aanstelling is op de peildatum nog niet begonnen.');
    for (const k of ['uitzonderen', 'schoning', 'ruwe-dataset']) expect(x[k].text, k).toBe('Nog geen berichten veiliggesteld.');
  });

  it('in the term before the read-out: only the frequency row is known', async () => {
    const x = rows(await status('2025-06-29'), 'X');
    expect(Object.values(x).map((r: any) => r.value)).toEqual(['onbekend', 'nee', 'onbekend', 'onbekend', 'onbekend']);
  });

  it('on the day of the ingest, before tagging, review and export', async () => {
    const r = await status('2025-07-01');
    expect(values(r)).toEqual([
      ['X', ['onbekend', 'nee', 'nee', 'nee', 'nee']],
      ['Y', ['onbekend', 'nee', 'nee', 'nee', 'nee']],
    ]);
    const x = rows(r, 'X');
    expect(x.uitzonderen.text).toContain('nog geen regels toegepast (chatarchief tag)');
    expect(x.schoning.text).toBe('0 bericht(en)/passage(s) beoordeeld als privé/partijpolitiek gemarkeerd, 0 suggestie(s) open; geschoonde set geëxporteerd voor 0 van 1 bewindspersonen.');
    expect(x['ruwe-dataset'].text).toBe('Ruwe dataset geëxporteerd voor 0 van 1 bewindspersonen.');
  });

  it('after tagging: the suggestion is open, nothing decided', async () => {
    const x = rows(await status('2025-07-08'), 'X');
    expect(x.uitzonderen.text).not.toContain('nog geen regels toegepast');
    expect(x.schoning).toMatchObject({ value: 'nee', details: { decidedMarkings: 0, openSuggestions: 1 } });
    expect(x.scheiding.value).toBe('onbekend');
  });

  it('counts a decision on the day it was made in the custodian zone, and no export made later', async () => {
    const r = await status('2025-07-15');
    // 02:00 UTC on 16 July is 15 July in Curaçao: Y has the decision, X (Amsterdam) not yet.
    expect(rows(r, 'X').scheiding.value).toBe('onbekend');
    const y = rows(r, 'Y');
    expect(y.scheiding).toMatchObject({ value: 'nee', text: expect.stringMatching(/^50,0% van de berichten .* \(1 van 2\)/) });
    expect(y.schoning).toMatchObject({ value: 'deels', details: { decidedMarkings: 1, openSuggestions: 0, lastExport: null } });
    expect(y['ruwe-dataset'].value).toBe('nee');
    const x16 = rows(await status('2025-07-16'), 'X');
    expect([x16.scheiding.value, x16.schoning.value, x16['ruwe-dataset'].value]).toEqual(['nee', 'deels', 'nee']);
  });

  it('counts the exports from their day on, and a decision undone later as it stood', async () => {
    const r = await status('2025-07-22');
    expect(values(r).map(([d, v]: any) => [d, v.filter((_: string, i: number) => i !== 1)])).toEqual([
      ['X', ['nee', 'nee', 'ja', 'ja']],
      ['Y', ['nee', 'nee', 'ja', 'ja']],
    ]);
    expect(rows(r, 'X').schoning.text).toContain('(laatste 2025-07-22)');
    expect(rows(r, 'X').scheiding.details).toMatchObject({ messages: 2, nonBusinessMessages: 1 });
  });

  it('without --as-of (today) shows the current state, as does an as-of day that has ended since', async () => {
    const now = await status();
    expect(now.asOf).toBe('2025-09-01');
    const x = rows(now, 'X');
    // The undo reopened the suggestion of X.
    expect(x.scheiding.value).toBe('onbekend');
    expect(x.schoning).toMatchObject({ value: 'ja', details: { decidedMarkings: 0, openSuggestions: 1, lastExport: expect.stringMatching(/^2025-07-22T/) } });
    expect(x['ruwe-dataset'].value).toBe('ja');
    expect(rows(now, 'Y').scheiding.value).toBe('nee');
    const yesterday = await status('2025-08-31');
    const strip = (rep: any) => rep.departments.map((d: any) => d.rows.filter((row: any) => row.key !== 'frequentie'));
    expect(strip(yesterday)).toEqual(strip(now));
  });
});
