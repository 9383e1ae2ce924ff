import { describe, expect, it } from 'vitest';
import { computeCoverage, type CoverageOptions } from '../../src/report/coverage.js';
import { subtract, union } from '../../src/report/intervals.js';
import type { ChannelRecord } from '../../src/store/channels.js';
import type { CustodianFact, SourceFact, VeiligstellingFact } from '../../src/store/reports.js';

const TZ = 'Europe/Amsterdam';
const custodian = (id: string, termFrom: string, termTo: string | null): CustodianFact => ({
  id, name: id, function: `Minister ${id}`, department: 'BZK', termFrom, termTo, tz: TZ,
});

let nextId = 1;
const source = (platform: string, first: string | null, last: string | null, exportedAt: string | null = null): SourceFact => ({
  id: nextId++, platform, fileName: `${platform}.txt`, format: platform, exportedAt, firstMessageAt: first, lastMessageAt: last, messageCount: first ? 10 : 0, lowFidelity: false,
});
const v = (custodianId: string, ...sources: SourceFact[]): VeiligstellingFact => ({
  id: nextId++, custodianId, operator: 'RIH', device: 'iPhone', startedAt: '2024-09-01T10:00:00Z', sources,
});
const rec = (custodianId: string, channel: string, from: string, to: string, status: ChannelRecord['status'] = 'secured', note: string | null = null): ChannelRecord => ({
  id: nextId++, custodianId, channel, from, to, status, note, recordedAt: '2024-09-01T10:00:00Z',
});
const OPTS: CoverageOptions = { asOf: '2024-09-16', maxIntervalDays: 31, toleranceDays: 7 };
const ch = (r: ReturnType<typeof computeCoverage>, id: string, channel: string) =>
  r.custodians.find((c) => c.custodian.id === id)!.channels.find((x) => x.channel === channel)!;

describe('interval helpers', () => {
  it('merges overlapping and touching intervals and subtracts them from a window', () => {
    expect(union([{ from: 5, to: 8 }, { from: 1, to: 3 }, { from: 3, to: 4 }, { from: 7, to: 9 }, { from: 2, to: 2 }])).toEqual([
      { from: 1, to: 4 },
      { from: 5, to: 9 },
    ]);
    expect(subtract({ from: 0, to: 10 }, [{ from: 2, to: 4 }, { from: 3, to: 6 }, { from: 9, to: 12 }])).toEqual([
      { from: 0, to: 2 },
      { from: 6, to: 9 },
    ]);
    expect(subtract({ from: 0, to: 10 }, [{ from: -5, to: 20 }])).toEqual([]);
  });
});

describe('coverage of a veiligstelling', () => {
  it('runs from the first message to the read-out: the later of the export time and the last message', () => {
    const vs = [v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-05-20T18:00:00+02:00', '2022-06-01T10:00:00+02:00'))];
    const r = computeCoverage([custodian('a', '2022-01-10', '2022-06-01')], vs, [], OPTS);
    const wa = ch(r, 'a', 'whatsapp');
    expect(wa.secured.map((p) => [p.fromDate, p.toDate])).toEqual([['2022-01-10', '2022-06-01']]);
    expect(wa.gaps).toEqual([]);
    expect(r.custodians[0]!.veiligstellingen[0]!.readoutDate).toBe('2022-06-01');
  });

  it('secures a quiet chat up to the read-out of the whole veiligstelling, and unions over veiligstellingen', () => {
    const vs = [
      v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-03-01T12:00:00+01:00'), source('signal', '2022-02-01T09:00:00+01:00', '2022-02-02T09:00:00+01:00')),
      // The phone was wiped after the first read-out: the second export only starts in June.
      v('a', source('whatsapp', '2022-06-15T09:00:00+02:00', '2022-09-01T09:00:00+02:00')),
    ];
    const r = computeCoverage([custodian('a', '2022-01-10', '2022-09-01')], vs, [], OPTS);
    expect(ch(r, 'a', 'signal').secured.map((p) => [p.fromDate, p.toDate])).toEqual([['2022-02-01', '2022-03-01']]);
    const chat = ch(r, 'a', 'chat');
    expect(chat.secured.map((p) => [p.fromDate, p.toDate])).toEqual([['2022-01-10', '2022-03-01'], ['2022-06-15', '2022-09-01']]);
    expect(chat.gaps.map((g) => [g.fromDate, g.toDate, g.days])).toEqual([['2022-03-01', '2022-06-15', 106]]);
    // Signal was used but only secured once: everything after its read-out is a Signal gap.
    expect(ch(r, 'a', 'signal').gaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-02-01'], ['2022-03-01', '2022-09-01']]);
  });

  it('leaves out veiligstellingen read out after the as-of date, and export times later than the ingest', () => {
    const early = v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-02-01T09:00:00+01:00'));
    const late = v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-04-01T09:00:00+02:00'));
    const r = computeCoverage([custodian('a', '2022-01-10', null)], [early, late], [], { ...OPTS, asOf: '2022-03-01' });
    expect(r.custodians[0]!.veiligstellingen.map((x) => x.id)).toEqual([early.id]);
    expect(ch(r, 'a', 'chat').secured.map((p) => p.toDate)).toEqual(['2022-02-01']);
    expect(r.custodians[0]!.daysSinceLast).toBe(28);
    // A file time after the ingest (wrong clock) does not stretch the coverage.
    const skewed = { ...early, startedAt: '2022-02-02T10:00:00Z', sources: [{ ...early.sources[0]!, exportedAt: '2023-01-01T00:00:00Z' }] };
    expect(ch(computeCoverage([custodian('a', '2022-01-10', null)], [skewed], [], OPTS), 'a', 'chat').secured.map((p) => p.toDate)).toEqual(['2022-02-01']);
  });

  it('reads sources without messages (no coverage) but keeps their export time as a read-out', () => {
    const vs = [v('a', source('sms', null, null, '2022-02-01T10:00:00+01:00'))];
    const r = computeCoverage([custodian('a', '2022-01-10', null)], vs, [], { ...OPTS, asOf: '2022-02-05' });
    expect(r.channels).toEqual(['chat']);
    expect(ch(r, 'a', 'chat').secured).toEqual([]);
    expect(r.custodians[0]!.veiligstellingen[0]!.readoutDate).toBe('2022-02-01');
  });
});

describe('gaps, tolerance and overdue', () => {
  it('assesses the term only up to the as-of date and keeps stretches under the tolerance apart', () => {
    const vs = [v('a', source('whatsapp', '2022-01-12T09:00:00+01:00', '2024-07-02T16:00:00+02:00'))];
    const r = computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], vs, [], OPTS);
    const chat = ch(r, 'a', 'chat');
    expect(chat.gaps).toEqual([]);
    expect(chat.shortGaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-01-12'], ['2024-07-02', '2024-07-07']]);
    const strict = computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], vs, [], { ...OPTS, toleranceDays: 0 });
    expect(ch(strict, 'a', 'chat').gaps).toHaveLength(2);
    // Mid-term as-of: nothing after the as-of date is a gap yet, but 45 days without a read-out is overdue.
    const mid = computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], [v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-03-01T09:00:00+01:00'))], [], {
      ...OPTS, asOf: '2022-04-15',
    });
    const c = mid.custodians[0]!;
    expect(ch(mid, 'a', 'chat').gaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-03-01', '2022-04-15']]);
    expect([c.daysSinceLast, c.overdue, c.unsecuredDays]).toEqual([45, true, 45]);
    expect(computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], [], [], { ...OPTS, asOf: '2022-01-20' }).custodians[0]!.overdue).toBe(false);
  });

  it('does not count not-applicable periods as gaps or as overdue, and attaches not-secured notes to the gap', () => {
    const recs = [
      rec('a', 'whatsapp', '2022-01-10', '2024-05-24'),
      rec('a', 'chat', '2024-05-25', '2024-07-07', 'not-applicable', 'met verlof tot einde kabinetsperiode'),
      rec('b', 'whatsapp', '2022-01-10', '2022-09-06', 'not-secured', 'Technisch probleem; veiligstelling niet mogelijk.'),
    ];
    const r = computeCoverage([custodian('a', '2022-01-10', '2024-07-07'), custodian('b', '2022-01-10', '2022-09-06')], [], recs, OPTS);
    const a = r.custodians[0]!;
    expect(ch(r, 'a', 'chat').gaps).toEqual([]);
    expect(ch(r, 'a', 'chat').notApplicable.map((p) => [p.fromDate, p.toDate])).toEqual([['2024-05-25', '2024-07-07']]);
    expect(a.overdue).toBe(false);
    expect(a.notes).toEqual(['Chat: met verlof tot einde kabinetsperiode']);
    const b = r.custodians[1]!;
    const gap = ch(r, 'b', 'chat').gaps;
    expect(gap.map((g) => [g.fromDate, g.toDate, g.notes])).toEqual([['2022-01-10', '2022-09-06', ['Technisch probleem; veiligstelling niet mogelijk.']]]);
    expect([b.overdue, b.lastSecuredDate]).toEqual([true, null]);
  });

  it('assesses a platform only for custodians who used it, recorded channels for everyone, chat always', () => {
    const vs = [v('a', source('signal', '2022-01-10T09:00:00+01:00', '2022-12-31T09:00:00+01:00'))];
    const recs = [rec('a', 'email', '2022-01-10', '2022-12-31')];
    const r = computeCoverage([custodian('a', '2022-01-10', '2022-12-31'), custodian('b', '2022-01-10', '2022-12-31')], vs, recs, OPTS);
    expect(r.channels).toEqual(['chat', 'signal', 'email']);
    expect(ch(r, 'b', 'signal')).toMatchObject({ assessed: false, gaps: [] });
    expect(ch(r, 'b', 'chat').gaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-12-31']]);
    expect(ch(r, 'b', 'email').gaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-12-31']]);
    expect(ch(r, 'a', 'email').gaps).toEqual([]);
  });

  it('counts days in the custodian zone across daylight saving time', () => {
    // 2023-03-26 has 23 hours in Amsterdam; a record t/m 2023-03-25 and one from 2023-03-27 leave exactly one day.
    const recs = [rec('a', 'email', '2023-03-01', '2023-03-25'), rec('a', 'email', '2023-03-27', '2023-04-30')];
    const r = computeCoverage([custodian('a', '2023-03-01', '2023-04-30')], [], recs, { ...OPTS, toleranceDays: 0 });
    expect(ch(r, 'a', 'email').gaps.map((g) => [g.fromDate, g.toDate, g.days])).toEqual([['2023-03-26', '2023-03-26', 1]]);
  });
});
