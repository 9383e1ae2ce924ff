/**
 * The status "Frequentie" row and the coverage report use the same secured days: read-outs, periods recorded as
 * secured elsewhere (`record`), and not-applicable periods (leave). Built with the real commands, and checked day by
 * day against the coverage's overdue on the pure functions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/report/coverage.js';
import { securingIntervals } from '../../src/report/status.js';
import type { ChannelRecord } from '../../src/store/channels.js';
import type { VeiligstellingFact } from '../../src/store/reports.js';
import { runOk, tempDir } from '../helpers/cli.js';

let dir: string;
let db: string;
const cli = (args: string[]) => runOk(db, args);
const coverage = async (id: string, asOf: string) =>
  (await cli(['report', 'coverage', '--custodian', id, '--as-of', asOf, '--json'])).json().custodians[0];
const frequency = async (department: string, asOf: string) =>
  (await cli(['report', 'status', '--department', department, '--as-of', asOf, '--json'])).json().departments[0].rows.find((r: any) => r.key === 'frequentie');
const days = (f: any) => f.details.intervals.map((i: any) => [i.from, i.to, i.days, i.open]);

/** An Android-NL WhatsApp export of the chat with the SG. */
function chat(name: string, lines: [string, string][]): string {
  const file = path.join(dir, name, 'WhatsApp-chat met SG Bos.txt');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map(([at, text]) => `${DateTime.fromISO(at).toFormat('dd-MM-yyyy HH:mm')} - SG Bos: ${text}`).join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  dir = tempDir('chatarchief-status-frequency-');
  db = path.join(dir, 'frequency.db');
  // EZK: the minister's WhatsApp was secured by another ministry, recorded by hand per month (1 t/m 28).
  await cli(['custodian', 'add', '--id', 'ezk', '--name', 'Minister EZK', '--function', 'Minister van EZK', '--department', 'EZK', '--from', '2024-01-01']);
  for (const m of ['01', '02', '03', '04', '05']) {
    await cli(['record', '--custodian', 'ezk', '--channel', 'whatsapp', '--from', `2024-${m}-01`, '--to', `2024-${m}-28`, '--note', 'veiliggesteld door EZK']);
  }
  // LNV: read out monthly, then two months of leave (not applicable), read out again after it.
  await cli(['custodian', 'add', '--id', 'lnv', '--name', 'Minister LNV', '--function', 'Minister van LNV', '--department', 'LNV', '--from', '2024-03-01']);
  const march: [string, string][] = [['2024-03-01T09:01', 'Welkom, de eerste nota staat klaar.'], ['2024-03-28T11:00', 'De Kamerbrief over de mestregels.']];
  await cli(['ingest', chat('lnv-1', march), '--custodian', 'lnv', '--read-out', '2024-03-31']);
  const april: [string, string][] = [...march, ['2024-04-29T10:00', 'Het verslag van de Landbouwraad.']];
  await cli(['ingest', chat('lnv-2', april), '--custodian', 'lnv', '--read-out', '2024-04-30']);
  await cli(['record', '--custodian', 'lnv', '--channel', 'chat', '--from', '2024-05-01', '--to', '2024-06-30', '--status', 'not-applicable', '--note', 'verlof']);
  await cli(['ingest', chat('lnv-3', [...april, ['2024-07-19T10:00', 'Welkom terug, de stukken voor de MR.']]), '--custodian', 'lnv', '--read-out', '2024-07-20']);
});

describe('status frequency with chats secured elsewhere (record)', () => {
  it('counts the recorded periods as secured, like the coverage, and is not late', async () => {
    const c = await coverage('ezk', '2024-06-10');
    expect([c.lastSecuredDate, c.unsecuredDays, c.overdue]).toEqual(['2024-05-28', 13, false]);
    const f = await frequency('EZK', '2024-06-10');
    // 29 t/m 31 January, 29 February, 29 t/m 31 March, 29 t/m 30 April; the running 13 days are not late yet.
    expect(days(f)).toEqual([
      ['2024-01-01', '2024-01-01', 0, false],
      ['2024-01-28', '2024-02-01', 3, false],
      ['2024-02-28', '2024-03-01', 1, false],
      ['2024-03-28', '2024-04-01', 3, false],
      ['2024-04-28', '2024-05-01', 2, false],
    ]);
    expect(f.value).toBe('ja');
    expect(f.text).toBe('0 veiligstelling(en) en 5 elders veiliggestelde periode(n); mediaan 2 dagen, langste 3 dagen (ezk, 2024-01-28 – 2024-02-01); norm 31 dagen.');
  });

  it('is late from the day the coverage is overdue after the last recorded period, with the same day count', async () => {
    for (const [asOf, late] of [['2024-06-28', false], ['2024-06-29', true]] as const) {
      const c = await coverage('ezk', asOf);
      const open = (await frequency('EZK', asOf)).details.intervals.find((i: any) => i.open);
      expect([c.overdue, open?.days ?? null], asOf).toEqual(late ? [true, 32] : [false, null]);
      expect(c.unsecuredDays, asOf).toBe(late ? 32 : 31);
    }
  });
});

describe('status frequency with not-applicable periods', () => {
  it('leaves out the leave in the running interval, like the coverage, and is not late', async () => {
    const c = await coverage('lnv', '2024-07-15');
    expect([c.lastSecuredDate, c.unsecuredDays, c.overdue]).toEqual(['2024-04-30', 15, false]);
    const f = await frequency('LNV', '2024-07-15');
    expect(days(f)).toEqual([['2024-03-01', '2024-03-31', 30, false], ['2024-03-31', '2024-04-30', 29, false]]);
    expect(f.value).toBe('ja');
  });

  it('leaves out the leave in a closed interval: 1 t/m 19 July after it', async () => {
    const f = await frequency('LNV', '2024-07-25');
    expect(days(f)).toEqual([['2024-03-01', '2024-03-31', 30, false], ['2024-03-31', '2024-04-30', 29, false], ['2024-04-30', '2024-07-20', 19, false]]);
    expect([f.value, f.text]).toEqual(['ja', '3 veiligstelling(en); mediaan 29 dagen, langste 30 dagen (lnv, 2024-03-01 – 2024-03-31); norm 31 dagen.']);
  });
});

describe('status never contradicts coverage', () => {
  it('has an interval over the target exactly when the coverage was overdue on some day, for every as-of date', () => {
    const tz = 'Europe/Amsterdam';
    const custodian = { id: 'a', name: 'A', function: 'Minister A', department: 'BZK', termFrom: '2024-01-10', termTo: '2024-12-20', tz };
    let id = 1;
    const readOut = (date: string): VeiligstellingFact => ({
      id: id++, custodianId: 'a', operator: 'RIH', device: null, startedAt: `${date}T12:00:00Z`,
      sources: [{ id: id++, platform: 'whatsapp', fileName: 'chat.txt', format: 'whatsapp', exportedAt: null, firstMessageAt: '2024-01-10T09:00:00+01:00', lastMessageAt: `${date}T10:00:00+01:00`, messageCount: 2, lowFidelity: false }],
    });
    const record = (channel: string, from: string, to: string, status: ChannelRecord['status']): ChannelRecord => ({ id: id++, custodianId: 'a', channel, from, to, status, note: null, recordedAt: '2024-01-01T00:00:00Z' });
    const vs = ['2024-02-10', '2024-03-12', '2024-05-20', '2024-09-01', '2024-12-22'].map(readOut);
    const records = [record('signal', '2024-06-01', '2024-06-30', 'secured'), record('chat', '2024-07-15', '2024-08-10', 'not-applicable'), record('email', '2024-01-10', '2024-12-20', 'secured')];
    let everOverdue = false;
    for (let d = DateTime.fromISO('2024-01-10'); d <= DateTime.fromISO('2025-01-31'); d = d.plus({ days: 1 })) {
      const opts = { asOf: d.toISODate()!, maxIntervalDays: 31, toleranceDays: 7 };
      const cov = computeCoverage([custodian], vs, records, opts).custodians[0]!;
      everOverdue ||= cov.overdue;
      const intervals = securingIntervals(cov, opts);
      const open = intervals.find((i) => i.open);
      expect([open?.days ?? null, intervals.some((i) => i.days > 31)], opts.asOf).toEqual([cov.overdue ? cov.unsecuredDays : null, everOverdue]);
    }
    expect(everOverdue).toBe(true);
  });
});
