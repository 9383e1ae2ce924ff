/**
 * Coverage and status count whole calendar days in the custodian's zone, on a store built with the real commands:
 * small Android-NL WhatsApp exports ingested with `--read-out` (a date alone, or a date and time), periods recorded
 * with `record`, and reports at an as-of date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/report/coverage.js';
import { securingIntervals } from '../../src/report/status.js';
import type { SourceFact, VeiligstellingFact } from '../../src/store/reports.js';
import { runCli, tempDir } from '../helpers/cli.js';

const TZ = 'Europe/Amsterdam';
let dir: string;
let db: string;

const run = (args: string[]) => runCli([...args, '--db', db]);
const cli = async (args: string[]) => {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
};
const addCustodian = (id: string, from: string) =>
  cli(['custodian', 'add', '--id', id, '--name', `Minister ${id}`, '--function', `Minister ${id}`, '--department', 'JenV', '--from', from]);

/** An Android-NL WhatsApp export (`dd-MM-yyyy HH:mm - Name: text`) with the given messages. */
function chat(name: string, lines: [string, string][]): string {
  const file = path.join(dir, name, 'WhatsApp-chat met Jan Smit.txt');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map(([at, text]) => `${DateTime.fromISO(at).toFormat('dd-MM-yyyy HH:mm')} - ${text}`).join('\n') + '\n');
  return file;
}

const coverage = async (id: string, asOf: string) =>
  (await cli(['report', 'coverage', '--custodian', id, '--as-of', asOf, '--json'])).json().custodians[0];
const tableRow = async (id: string, asOf: string) =>
  (await cli(['report', 'coverage', '--custodian', id, '--as-of', asOf])).stdout.split('\n').find((l) => l.startsWith(`${id} `))!;
const gaps = (c: any) => c.channels.find((x: any) => x.channel === 'chat').gaps.map((g: any) => `${g.fromDate} t/m ${g.toDate} (${g.days} d)`);
const secured = (c: any) => c.channels.find((x: any) => x.channel === 'chat').secured.map((p: any) => `${p.fromDate} t/m ${p.toDate}`);

beforeAll(async () => {
  dir = tempDir('chatarchief-report-days-');
  db = path.join(dir, 'days.db');
  const messages: [string, string][] = [['2024-01-15T09:00', 'Jan Smit: Stukken voor de ministerraad.'], ['2024-02-10T10:00', 'Lies Kok: Ontvangen.']];
  // Read out on 12 February, once given as a date alone, once with the time.
  await addCustodian('datum', '2024-01-01');
  await cli(['ingest', chat('datum', messages), '--custodian', 'datum', '--read-out', '2024-02-12']);
  await addCustodian('tijd', '2024-01-01');
  await cli(['ingest', chat('tijd', messages), '--custodian', 'tijd', '--read-out', '2024-02-12T14:05']);
  // Read out on 10 March 2024 (a date alone), before the clocks go forward on 31 March.
  await addCustodian('zomer', '2024-03-01');
  await cli(['ingest', chat('zomer', [['2024-03-01T09:30', 'Jan Smit: Welkom op het ministerie.'], ['2024-03-09T17:00', 'Lies Kok: Tot maandag.']]), '--custodian', 'zomer', '--read-out', '2024-03-10']);
  // Never read out; term from 1 March 2024.
  await addCustodian('nooit', '2024-03-01');
});

describe('a read-out given as a date alone covers that whole day', () => {
  it('shows the read-out day as secured, and the gap from the next day, with the same day count as "dagen sinds"', async () => {
    for (const id of ['datum', 'tijd']) {
      const c = await coverage(id, '2024-07-15');
      expect(secured(c), id).toEqual(['2024-01-15 t/m 2024-02-12']);
      expect(gaps(c), id).toEqual(['2024-01-01 t/m 2024-01-14 (14 d)', '2024-02-13 t/m 2024-07-15 (154 d)']);
      expect([c.veiligstellingen[0].readoutDate, c.lastSecuredDate, c.daysSinceLast, c.unsecuredDays, c.overdue], id).toEqual(['2024-02-12', '2024-02-12', 154, 154, true]);
      const row = await tableRow(id, '2024-07-15');
      expect(row, id).toContain('2024-02-13 t/m 2024-07-15 (154 d)');
      expect(row, id).toMatch(/2024-02-12\s+154\s+ja \(154 d\)/);
    }
    // The export time recorded for a date alone stays the start of that day (the ingest contract does not change).
    expect((await coverage('datum', '2024-07-15')).veiligstellingen[0].readoutAt).toBe('2024-02-12T00:00:00+01:00');
  });

  it('is not overdue 31 days after the read-out day, and is the day after', async () => {
    const ok = await coverage('datum', '2024-03-14');
    expect([ok.daysSinceLast, ok.unsecuredDays, ok.overdue, gaps(ok)]).toEqual([31, 31, false, ['2024-01-01 t/m 2024-01-14 (14 d)', '2024-02-13 t/m 2024-03-14 (31 d)']]);
    const late = await coverage('datum', '2024-03-15');
    expect([late.daysSinceLast, late.unsecuredDays, late.overdue]).toEqual([32, 32, true]);
  });
});

describe('days across the spring daylight saving change', () => {
  it('counts 32 calendar days as 32: overdue, in the gap, the overdue column and the status frequency alike', async () => {
    // Read out on 10 March; on 11 April 32 days have passed, one of them (31 March) 23 hours long.
    const c = await coverage('zomer', '2024-04-11');
    expect([gaps(c), c.daysSinceLast, c.unsecuredDays, c.overdue]).toEqual([['2024-03-11 t/m 2024-04-11 (32 d)'], 32, 32, true]);
    expect(await tableRow('zomer', '2024-04-11')).toMatch(/\(32 d\)\s+2024-03-10\s+32\s+ja \(32 d\)/);
    const before = await coverage('zomer', '2024-04-10');
    expect([before.daysSinceLast, before.unsecuredDays, before.overdue]).toEqual([31, 31, false]);
    const status = (await cli(['report', 'status', '--as-of', '2024-04-11', '--json'])).json();
    const intervals = status.departments[0].rows.find((r: any) => r.key === 'frequentie').details.intervals.filter((i: any) => i.custodianId === 'zomer');
    expect(intervals).toEqual([
      { custodianId: 'zomer', from: '2024-03-01', to: '2024-03-10', days: 9, open: false, untilTermEnd: false },
      { custodianId: 'zomer', from: '2024-03-10', to: '2024-04-11', days: 32, open: true, untilTermEnd: false },
    ]);
  });

  it('says overdue for a term of 32 days without a read-out across the change, as it does in January', async () => {
    const c = await coverage('nooit', '2024-04-01');
    expect([gaps(c), c.unsecuredDays, c.overdue]).toEqual([['2024-03-01 t/m 2024-04-01 (32 d)'], 32, true]);
    expect(await tableRow('nooit', '2024-04-01')).toMatch(/\(32 d\)\s+nooit\s+ja \(32 d\)/);
  });

  it('counts the status intervals between read-outs in calendar days (a read-out just after midnight)', () => {
    let id = 1;
    const src = (last: string): SourceFact => ({
      id: id++, platform: 'whatsapp', fileName: 'chat.txt', format: 'whatsapp', exportedAt: null, firstMessageAt: '2024-02-01T09:00:00+01:00', lastMessageAt: last, messageCount: 2, lowFidelity: false,
    });
    const v = (last: string): VeiligstellingFact => ({ id: id++, custodianId: 'a', operator: 'RIH', device: null, startedAt: '2024-06-01T10:00:00Z', sources: [src(last)] });
    const custodian = { id: 'a', name: 'A', function: 'Minister A', department: 'JenV', termFrom: '2024-02-01', termTo: null, tz: TZ };
    const opts = { asOf: '2024-05-14', maxIntervalDays: 31, toleranceDays: 7 };
    const cov = computeCoverage([custodian], [v('2024-03-10T00:30:00+01:00'), v('2024-04-11T23:30:00+02:00')], [], opts).custodians[0]!;
    expect(securingIntervals(cov, opts).map((i) => [i.from, i.to, i.days, i.open])).toEqual([
      // Closed intervals count the days without a read-out, like the running one: 1 February t/m 9 March, 11 March t/m 10 April.
      ['2024-02-01', '2024-03-10', 38, false],
      ['2024-03-10', '2024-04-11', 31, false],
      // The running interval is the coverage's days without a read-out.
      ['2024-04-11', '2024-05-14', 33, true],
    ]);
    expect([cov.daysSinceLast, cov.unsecuredDays]).toEqual([33, 33]);
  });
});

describe('the status frequency counts a closed interval like the coverage counts days without a read-out', () => {
  const frequency = async (department: string, asOf: string) =>
    (await cli(['report', 'status', '--department', department, '--as-of', asOf, '--json'])).json().departments[0].rows.find((r: any) => r.key === 'frequentie');
  const addIn = (id: string, department: string, from: string) =>
    cli(['custodian', 'add', '--id', id, '--name', `Minister ${id}`, '--function', `Minister ${id}`, '--department', department, '--from', from]);
  const bos: [string, string][] = [['2024-01-02T10:00', 'SG Bos: Welkom op het ministerie.'], ['2024-01-30T10:00', 'SG Bos: De nota over de begroting staat klaar.']];
  /** Term from 1 January 2024, read out on 31 January and again on `second` (the chat gained a message the day before). */
  const twoReadOuts = async (id: string, department: string, second: string) => {
    await addIn(id, department, '2024-01-01');
    await cli(['ingest', chat(`${id}-1`, bos), '--custodian', id, '--read-out', '2024-01-31']);
    const dayBefore = DateTime.fromISO(second).minus({ days: 1 }).toISODate()!;
    await cli(['ingest', chat(`${id}-2`, [...bos, [`${dayBefore}T10:00`, 'SG Bos: Nota 2 over de Voorjaarsnota.']]), '--custodian', id, '--read-out', second]);
  };

  it('is not late for 31 days between two read-outs, as the coverage is not overdue on the day before the second', async () => {
    await twoReadOuts('fin', 'FIN', '2024-03-03');
    const c = await coverage('fin', '2024-03-02');
    expect([c.unsecuredDays, c.overdue]).toEqual([31, false]);
    const f = await frequency('FIN', '2024-03-05');
    // 1 t/m 30 January (30 days), 1 February t/m 2 March (31 days): a median between two counts is shown with its half.
    expect(f.details.intervals.map((i: any) => [i.from, i.to, i.days, i.open])).toEqual([['2024-01-01', '2024-01-31', 30, false], ['2024-01-31', '2024-03-03', 31, false]]);
    expect([f.value, f.details.medianDays]).toEqual(['ja', 30.5]);
    expect(f.text).toBe('2 veiligstelling(en); mediaan 30,5 dagen, langste 31 dagen (fin, 2024-01-31 – 2024-03-03); norm 31 dagen.');
  });

  it('is not late for a first read-out 31 days into the term, as the coverage is not overdue on the day before', async () => {
    await addIn('vws', 'VWS', '2024-01-10');
    await cli(['ingest', chat('vws', [['2024-01-10T09:00', 'Jan Smit: Welkom op het ministerie.'], ['2024-02-09T16:00', 'Lies Kok: Stukken voor de ministerraad.']]), '--custodian', 'vws', '--read-out', '2024-02-10']);
    const c = await coverage('vws', '2024-02-09');
    expect([c.unsecuredDays, c.overdue]).toEqual([31, false]);
    const f = await frequency('VWS', '2024-02-20');
    expect([f.value, f.details.longest.days]).toEqual(['ja', 31]);
  });

  it('is late for 32 days between read-outs, as the coverage is overdue on the day before the second', async () => {
    await twoReadOuts('az', 'AZ', '2024-03-04');
    const c = await coverage('az', '2024-03-03');
    expect([c.unsecuredDays, c.overdue]).toEqual([32, true]);
    const f = await frequency('AZ', '2024-03-05');
    expect([f.value, f.details.longest.days]).toEqual(['deels', 32]);
  });
});

describe('record and the as-of date', () => {
  it('counts a recorded period only up to the as-of date', async () => {
    await addCustodian('rec', '2024-01-01');
    await cli(['record', '--custodian', 'rec', '--channel', 'chat', '--from', '2024-01-01', '--to', '2024-12-31']);
    await cli(['record', '--custodian', 'rec', '--channel', 'email', '--from', '2025-01-01', '--to', '2025-06-30', '--note', 'postbus MINJENV']);
    const r = (await cli(['report', 'coverage', '--custodian', 'rec', '--as-of', '2024-03-01', '--json'])).json();
    const c = r.custodians[0];
    expect(r.channels).toEqual(['chat']);
    expect(secured(c)).toEqual(['2024-01-01 t/m 2024-03-01']);
    expect([c.lastSecuredDate, c.daysSinceLast, c.unsecuredDays, c.overdue, c.notes]).toEqual(['2024-03-01', 0, 0, false, []]);
    const row = await tableRow('rec', '2024-03-01');
    expect(row).toMatch(/2024-01-01 t\/m 2024-03-01\s+—\s+2024-03-01\s+0\s+nee/);
    expect(row).not.toContain('2024-12-31');
  });

  it('refuses a secured or not-secured period that ends after today, naming --to; a not-applicable one may run on', async () => {
    await addCustodian('toekomst', '2024-01-01');
    const today = DateTime.now().setZone(TZ);
    const tomorrow = today.plus({ days: 1 }).toISODate()!;
    for (const [status, to] of [['secured', tomorrow], ['secured', '2027-12-31'], ['not-secured', tomorrow]] as const) {
      const before = (await cli(['report', 'coverage', '--json'])).json();
      const r = await run(['record', '--custodian', 'toekomst', '--channel', 'email', '--from', '2024-01-01', '--to', to, '--status', status]);
      expect([r.code, r.stderr], `${status} ${to}`).toEqual([1, expect.stringContaining(`--to: ${to} is after today`)]);
      expect((await cli(['report', 'coverage', '--json'])).json()).toEqual(before);
    }
    const now = await run(['record', '--custodian', 'toekomst', '--channel', 'email', '--from', '2024-01-01', '--to', today.toISODate()!, '--json']);
    expect(now.code, now.stderr).toBe(0);
    const leave = await run(['record', '--custodian', 'toekomst', '--channel', 'chat', '--from', today.toISODate()!, '--to', today.plus({ years: 1 }).toISODate()!, '--status', 'not-applicable', '--note', 'met verlof']);
    expect(leave.code, leave.stderr).toBe(0);
  });
});
