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
    // In whole days: the read-out day and the first message's day are secured, the gap lies between them.
    expect(chat.gaps.map((g) => [g.fromDate, g.toDate, g.days])).toEqual([['2022-03-02', '2022-06-14', 105]]);
    // Signal was used but only secured once: everything after its read-out is a Signal gap.
    expect(ch(r, 'a', 'signal').gaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-01-31'], ['2022-03-02', '2022-09-01']]);
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
    expect(chat.shortGaps.map((g) => [g.fromDate, g.toDate])).toEqual([['2022-01-10', '2022-01-11'], ['2024-07-03', '2024-07-07']]);
    const strict = computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], vs, [], { ...OPTS, toleranceDays: 0 });
    expect(ch(strict, 'a', 'chat').gaps).toHaveLength(2);
    // Mid-term as-of: nothing after the as-of date is a gap yet, but 45 days without a read-out is overdue.
    const mid = computeCoverage([custodian('a', '2022-01-10', '2024-07-07')], [v('a', source('whatsapp', '2022-01-10T09:00:00+01:00', '2022-03-01T09:00:00+01:00'))], [], {
      ...OPTS, asOf: '2022-04-15',
    });
    const c = mid.custodians[0]!;
    expect(ch(mid, 'a', 'chat').gaps.map((g) => [g.fromDate, g.toDate, g.days])).toEqual([['2022-03-02', '2022-04-15', 45]]);
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

describe('the state on the as-of date, in whole calendar days', () => {
  it('cuts recorded periods at the as-of date and leaves out those that start after it', () => {
    const recs = [
      rec('a', 'chat', '2024-01-01', '2024-12-31'),
      rec('a', 'email', '2025-01-01', '2025-06-30', 'secured', 'postbus MINJENV'),
      rec('a', 'social', '2024-06-01', '2024-07-07', 'not-applicable', 'met verlof'),
    ];
    const r = computeCoverage([custodian('a', '2024-01-01', null)], [], recs, { ...OPTS, asOf: '2024-03-01' });
    const a = r.custodians[0]!;
    // On 1 March 2024 nothing was recorded yet for e-mail or social media: no columns, no notes.
    expect(r.channels).toEqual(['chat']);
    expect(ch(r, 'a', 'chat').secured.map((p) => [p.fromDate, p.toDate, p.days])).toEqual([['2024-01-01', '2024-03-01', 61]]);
    expect([a.lastSecuredDate, a.lastSecuredAt, a.daysSinceLast, a.unsecuredDays, a.overdue, a.notes]).toEqual([
      '2024-03-01', '2024-03-01T23:59:59.999+01:00', 0, 0, false, [],
    ]);
    // Later, a recorded chat period that ended before the as-of date ages like a read-out.
    const later = computeCoverage([custodian('a', '2024-01-01', null)], [], [rec('a', 'chat', '2024-01-01', '2024-03-31')], { ...OPTS, asOf: '2024-05-15' }).custodians[0]!;
    expect([later.lastSecuredDate, later.daysSinceLast, later.unsecuredDays, later.overdue]).toEqual(['2024-03-31', 45, 45, true]);
  });

  it('leaves out a channel that only a later read-out brought', () => {
    const vs = [
      v('a', source('whatsapp', '2024-01-02T09:00:00+01:00', '2024-01-30T09:00:00+01:00')),
      v('a', source('signal', '2024-04-02T09:00:00+02:00', '2024-04-30T09:00:00+02:00')),
    ];
    const r = computeCoverage([custodian('a', '2024-01-01', null)], vs, [], { ...OPTS, asOf: '2024-02-15' });
    expect(r.channels).toEqual(['chat', 'whatsapp']);
  });

  it('counts the days over the spring daylight saving change as calendar days: 32 days is overdue', () => {
    // March 2024 has 31 days, one of them 23 hours long: 1 March t/m 1 April is 32 days without a read-out.
    for (const [from, asOf] of [['2024-03-01', '2024-04-01'], ['2024-01-01', '2024-02-01'], ['2024-10-01', '2024-11-01']] as const) {
      const r = computeCoverage([custodian('a', from, null)], [], [], { ...OPTS, asOf });
      const a = r.custodians[0]!;
      expect([ch(r, 'a', 'chat').gaps.map((g) => [g.fromDate, g.toDate, g.days]), a.unsecuredDays, a.overdue], `${from} – ${asOf}`).toEqual([
        [[from, asOf, 32]], 32, true,
      ]);
      // A day earlier it is 31 days: not overdue yet.
      const before = computeCoverage([custodian('a', from, null)], [], [], { ...OPTS, asOf: prevDay(asOf) }).custodians[0]!;
      expect([before.unsecuredDays, before.overdue]).toEqual([31, false]);
    }
    // A read-out shortly after midnight, then 32 days over the change: the gap, the days since and overdue agree.
    const vs = [v('a', source('whatsapp', '2024-02-01T09:00:00+01:00', '2024-03-10T00:30:00+01:00'))];
    const r = computeCoverage([custodian('a', '2024-02-01', null)], vs, [], { ...OPTS, asOf: '2024-04-11' });
    const a = r.custodians[0]!;
    expect([ch(r, 'a', 'chat').gaps.map((g) => [g.fromDate, g.toDate, g.days]), a.daysSinceLast, a.unsecuredDays, a.overdue]).toEqual([
      [['2024-03-11', '2024-04-11', 32]], 32, 32, true,
    ]);
  });

  it('secures the whole day of a read-out given as a date alone, and of one given with a time', () => {
    // `ingest --read-out 2024-02-12` records the start of that day as the export time; `--read-out 2024-02-12T14:05` that minute.
    for (const exportedAt of ['2024-02-11T23:00:00Z', '2024-02-12T13:05:00Z']) {
      const vs = [{ ...v('a', source('whatsapp', '2024-01-15T09:00:00+01:00', '2024-02-10T10:00:00+01:00', exportedAt)), startedAt: '2024-02-12T15:00:00Z' }];
      const r = computeCoverage([custodian('a', '2024-01-01', null)], vs, [], { ...OPTS, asOf: '2024-07-15' });
      const a = r.custodians[0]!;
      expect(ch(r, 'a', 'chat').secured.map((p) => [p.fromDate, p.toDate]), exportedAt).toEqual([['2024-01-15', '2024-02-12']]);
      expect(ch(r, 'a', 'chat').gaps.map((g) => [g.fromDate, g.toDate, g.days]), exportedAt).toEqual([['2024-01-01', '2024-01-14', 14], ['2024-02-13', '2024-07-15', 154]]);
      expect([a.veiligstellingen[0]!.readoutDate, a.lastSecuredDate, a.daysSinceLast, a.unsecuredDays], exportedAt).toEqual(['2024-02-12', '2024-02-12', 154, 154]);
    }
  });
});

function prevDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
