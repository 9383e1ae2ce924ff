import { describe, expect, it } from 'vitest';
import { resolveWallClock } from '../../../parsers/time.js';
import { WallClockResolver, clampWallClock } from '../../../parsers/whatsapp/clock.js';
import { fullYear, to24h } from '../../../parsers/whatsapp/header.js';
import { parse } from './helpers.js';

describe('Europe/Amsterdam DST through the parser', () => {
  it('fall-back 2023-10-29 02:30 is ambiguous: earlier offset +02:00', async () => {
    const p = await parse('29-10-2023 02:30 - A: eerste keer\n29-10-2023 02:59 - A: nog steeds\n29-10-2023 03:00 - A: daarna\n');
    expect(p.messages[0]).toMatchObject({
      localTime: '29-10-2023 02:30', localIso: '2023-10-29T02:30:00', sentAt: '2023-10-29T02:30:00+02:00',
      sentAtMs: Date.UTC(2023, 9, 29, 0, 30), timeAmbiguous: true, timeInvalid: false, zone: 'Europe/Amsterdam',
    });
    expect(p.messages[1]).toMatchObject({ timeAmbiguous: true, sentAt: '2023-10-29T02:59:00+02:00' });
    expect(p.messages[2]).toMatchObject({ timeAmbiguous: false, sentAt: '2023-10-29T03:00:00+01:00', sentAtMs: Date.UTC(2023, 9, 29, 2, 0) });
    expect(p.warnings).toEqual([]);
  });

  it('spring-forward 2024-03-31 02:30 does not exist: timeInvalid, kept, warned', async () => {
    const p = await parse('[31-03-2024 01:59:59] A: voor\r\n[31-03-2024 02:30:00] A: gat\r\n[31-03-2024 03:00:00] A: na\r\n');
    expect(p.messages).toHaveLength(3);
    expect(p.messages[0]).toMatchObject({ sentAt: '2024-03-31T01:59:59+01:00', timeInvalid: false });
    expect(p.messages[1]).toMatchObject({ localIso: '2024-03-31T02:30:00', timeInvalid: true, timeAmbiguous: false, sentAt: '2024-03-31T02:30:00+01:00', sentAtMs: Date.UTC(2024, 2, 31, 1, 30) });
    expect(p.messages[2]).toMatchObject({ sentAt: '2024-03-31T03:00:00+02:00', timeInvalid: false });
    expect(p.warnings).toEqual([expect.objectContaining({ code: 'nonexistent-local-time', line: 2 })]);
  });

  it('an unknown zone is refused before any message is yielded', async () => {
    await expect(parse('01-07-2024 12:00 - A: x\n', { zone: 'Europe/Atlantis' })).rejects.toThrow('unknown time zone: Europe/Atlantis');
  });

  it('another zone changes the instant, not the wall clock', async () => {
    const p = await parse('01-07-2024 12:00 - A: x\n', { zone: 'America/New_York' });
    expect(p.messages[0]).toMatchObject({ localIso: '2024-07-01T12:00:00', sentAt: '2024-07-01T12:00:00-04:00', zone: 'America/New_York' });
    const utc = await parse('01-07-2024 12:00 - A: x\n', { zone: 'UTC' });
    expect(utc.messages[0]!.sentAtMs).toBe(Date.UTC(2024, 6, 1, 12));
  });
});

describe('impossible dates and times are kept (never dropped)', () => {
  it('31-02 and 24:00 are clamped, flagged timeInvalid and warned', async () => {
    const p = await parse('31-02-2023 10:00 - A: x\n30-04-2023 24:00 - A: y\n01-13-2023 10:00 - A: z\n');
    expect(p.messages.map((m) => [m.localTime, m.localIso, m.timeInvalid])).toEqual([
      ['31-02-2023 10:00', '2023-02-28T10:00:00', true],
      ['30-04-2023 24:00', '2023-04-30T23:00:00', true],
      ['01-13-2023 10:00', '2023-12-01T10:00:00', true],
    ]);
    expect(p.warnings.map((w) => [w.code, w.line])).toEqual([['invalid-date', 1], ['invalid-date', 2], ['invalid-date', 3]]);
  });

  it('an hour above 12 on a 12-hour clock is kept as written and warned', async () => {
    const p = await parse('1/13/24, 23:59 PM - A: x\n');
    expect(p.messages[0]).toMatchObject({ localIso: '2024-01-13T23:59:00', timeInvalid: false });
    expect(p.warnings.map((w) => w.code)).toEqual(['invalid-12h-time']);
  });

  it('clampWallClock', () => {
    expect(clampWallClock({ year: 2024, month: 2, day: 31, hour: 25, minute: 61, second: 60 })).toEqual({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59 });
    expect(clampWallClock({ year: 2023, month: 0, day: 0, hour: 0, minute: 0, second: 0 })).toEqual({ year: 2023, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  });
});

describe('12-hour clock and two-digit years', () => {
  it('12 AM is 00, 12 PM is 12, PM adds 12', () => {
    expect([to24h(12, 'a'), to24h(12, 'p'), to24h(1, 'p'), to24h(11, 'a'), to24h(7, 'P'), to24h(16, '')]).toEqual([0, 12, 13, 11, 19, 16]);
  });
  it('two-digit years map to 20xx', () => {
    expect([fullYear(24, 2), fullYear(0, 2), fullYear(2024, 4)]).toEqual([2024, 2000, 2024]);
  });
});

describe('WallClockResolver gives exactly what resolveWallClock gives', () => {
  // Zones with DST at 02:00/03:00, at midnight (Santiago), 30-minute shifts (Lord Howe), no DST (Kolkata),
  // Ramadan suspensions (Casablanca), southern hemisphere (Sydney) and UTC.
  const zones = ['Europe/Amsterdam', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Africa/Casablanca', 'Australia/Sydney', 'UTC'];
  it.each(zones)('%s: every 67 minutes through 2023–2024, in file order and shuffled', (zone) => {
    const times: [number, number, number, number, number, number][] = [];
    const start = Date.UTC(2023, 0, 1);
    const end = Date.UTC(2025, 0, 1);
    for (let t = start; t < end; t += 67 * 60_000 + 17_000) {
      const d = new Date(t);
      times.push([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]);
    }
    // A deterministic shuffle of a slice exercises cache misses and cache jumps.
    const shuffled = times.slice(0, 1500).map((x, i) => [x, (i * 7919) % 1501] as const).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
    const clock = new WallClockResolver(zone);
    let checked = 0;
    for (const [y, mo, d, h, mi, s] of [...times, ...shuffled]) {
      const fast = clock.resolve(y, mo, d, h, mi, s);
      // Checking every value against luxon is slow; check all DST-relevant hours and a sample of the rest.
      if (h <= 3 || h >= 23 || checked % 25 === 0) {
        const ref = resolveWallClock({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, zone);
        expect({ localIso: fast.localIso, sentAt: fast.sentAt, sentAtMs: fast.sentAtMs, timeAmbiguous: fast.timeAmbiguous, timeInvalid: fast.timeInvalid }).toEqual(ref);
      }
      checked++;
    }
  });
});
