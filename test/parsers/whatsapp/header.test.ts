import { describe, expect, it } from 'vitest';
import { DateOrderEvidence, adoptedEvidence, dateOrderBasis, isFirmBasis, sameDateFormat } from '../../../parsers/whatsapp/date-order.js';
import { compileHeader, detectShape, newHeaderFields, readHeader, shapeLabel, skipMarks, type HeaderShape } from '../../../parsers/whatsapp/header.js';
import { scanWhatsApp, scanWhatsAppChunks } from '../../../parsers/whatsapp/index.js';
import { LRM, NBSP, NNBSP, lines, parse } from './helpers.js';

/** Reads one header line with the shape detected from that same line. */
function read(line: string) {
  const shape = detectShape(line);
  if (!shape) return null;
  const h = newHeaderFields();
  const start = skipMarks(line);
  if (!readHeader(line, start, compileHeader(shape), shape, h)) return null;
  return { shape, ...h, localTime: line.slice(h.tsStart, h.tsEnd), rest: line.slice(h.end) };
}

describe('header shapes (whatsapp.md §2)', () => {
  const cases: [string, string, Partial<ReturnType<typeof read> & object>][] = [
    ['Android NL', '02-05-2022 16:09 - Carol: De taal is ingesteld', { a: 2, b: 5, c: 2022, hour: 16, minute: 9, second: 0, ampm: '', localTime: '02-05-2022 16:09', rest: 'Carol: De taal is ingesteld' }],
    ['iOS NL', '[02-05-2022 16:12:20] Dave: Ik heb een iPhone', { a: 2, b: 5, c: 2022, hour: 16, minute: 12, second: 20, localTime: '02-05-2022 16:12:20', rest: 'Dave: Ik heb een iPhone' }],
    ['iOS NL old', '13-06-18 21:25:15: a: m', { a: 13, b: 6, c: 18, cDigits: 2, second: 15, localTime: '13-06-18 21:25:15', rest: 'a: m' }],
    ['iOS old, dotted date and time', '13.06.18 21.25.15: a: m', { a: 13, b: 6, c: 18, hour: 21, minute: 25, second: 15, localTime: '13.06.18 21.25.15', rest: 'a: m' }],
    ['iOS NL 2-digit year', '[22-01-20 10:00:00] Bob: x', { c: 20, cDigits: 2, rest: 'Bob: x' }],
    ['Android EN UK', '23/03/2022, 13:31 - Messages and calls', { a: 23, b: 3, c: 2022, localTime: '23/03/2022, 13:31', rest: 'Messages and calls' }],
    ['Android EN US 24h', '5/2/22, 16:08 - Alice: Hoi', { a: 5, b: 2, c: 22, hour: 16, localTime: '5/2/22, 16:08' }],
    ['Android EN US 12h NNBSP', `1/4/23, 7:02${NNBSP}PM - Messages`, { hour: 7, ampm: 'p', localTime: `1/4/23, 7:02${NNBSP}PM`, rest: 'Messages' }],
    ['Android EN US 12h NBSP', `1/4/23, 7:02${NBSP}PM - Messages`, { hour: 7, ampm: 'p', localTime: `1/4/23, 7:02${NBSP}PM`, rest: 'Messages' }],
    ['Android IN 12h lowercase', '08/12/22, 7:16 pm - +91 98765 43210: POLL:', { hour: 7, ampm: 'p', rest: '+91 98765 43210: POLL:' }],
    ['iOS EN US 24h', '[3/27/22, 21:41:35] Dmitry S: Hello World', { a: 3, b: 27, second: 35, rest: 'Dmitry S: Hello World' }],
    ['iOS EN US 12h space', '[7/11/2017, 8:20:41 PM] someone: bla', { hour: 8, ampm: 'p', localTime: '7/11/2017, 8:20:41 PM' }],
    ['iOS EN US 12h NNBSP', `[8/14/24, 9:00:10${NNBSP}PM] Weekend Crew: x`, { ampm: 'p', rest: 'Weekend Crew: x' }],
    ['iOS EN UK', '[19/10/2025, 01:02:19] Lappers: x', { a: 19, b: 10, c: 2025, hour: 1 }],
    ['iOS dotted 2-digit', '[20.06.19, 15:58:47] Loris: x', { a: 20, b: 6, c: 19 }],
    ['iOS dotted 4-digit', '[20.06.2019, 15:58:47] Loris: x', { c: 2019 }],
    ['p.m. with dots', '3/6/18, 1:55 p.m. - a: m', { hour: 1, ampm: 'p', localTime: '3/6/18, 1:55 p.m.', rest: 'a: m' }],
    ['p. m. with NBSP', `3/6/2018 1:55 p.${NBSP}m. - a: m`, { ampm: 'p', localTime: `3/6/2018 1:55 p.${NBSP}m.`, rest: 'a: m' }],
    ['Finnish klo', '13.6.2018 klo 21.25.15 - a: m', { a: 13, b: 6, hour: 21, minute: 25, second: 15, rest: 'a: m' }],
    ['hr/sr spaced', '13. 6. 2018. 21:25:15 a: m', { a: 13, b: 6, c: 2018, second: 15, rest: 'a: m' }],
    ['year first', '[2018/06/13, 21:25:15] a: m', { a: 2018, b: 6, c: 13 }],
    ['a.m. in brackets', '[31/12/2019, 2:14:40 a.m.] a: m', { hour: 2, ampm: 'a', localTime: '31/12/2019, 2:14:40 a.m.' }],
    ['French, no comma', '[3/18/22 14:56:00] a: m', { a: 3, b: 18, hour: 14 }],
    ['LRM before the bracket', `${LRM}[03/02/2024, 09:15:40] Tom: ${LRM}image omitted`, { a: 3, rest: `Tom: ${LRM}image omitted` }],
    ['BOM before the header', '\ufeff05-09-2021 21:14 - Berichten', { a: 5, rest: 'Berichten' }],
    ['RLM before the header', '\u200f05-09-2021 21:14 - x: y', { rest: 'x: y' }],
  ];
  it.each(cases)('%s', (_name, line, expected) => {
    expect(read(line)).toMatchObject(expected);
  });

  it('platform and terminator follow the shape', () => {
    expect(detectShape('02-05-2022 16:09 - x')).toMatchObject({ platform: 'android', terminator: ' - ', comma: false, seconds: false });
    expect(detectShape('[02-05-2022 16:12:20] x')).toMatchObject({ platform: 'ios', terminator: ']', bracket: true, seconds: true });
    expect(detectShape('13-06-18 21:25:15: a: m')).toMatchObject({ platform: 'ios', terminator: ': ' });
  });

  it('labels', () => {
    const label = (line: string, order: 'dmy' | 'mdy' | 'ymd'): string => shapeLabel(detectShape(line) as HeaderShape, order);
    expect(label('02-05-2022 16:09 - x', 'dmy')).toBe('android-nl dd-mm-yyyy hh:mm -');
    expect(label('[02-05-2022 16:12:20] x', 'dmy')).toBe('ios-nl [dd-mm-yyyy hh:mm:ss]');
    expect(label(`1/4/23, 7:02${NNBSP}PM - x`, 'mdy')).toBe('android-en m/d/yy, h:mm am -');
    expect(label('[2018/06/13, 21:25:15] a: m', 'ymd')).toBe('ios-en [yyyy/mm/dd, hh:mm:ss]');
  });
});

describe('lines that are not headers (§9.1, §9.4)', () => {
  const android = detectShape('05-09-2021 21:14 - x: y')!;
  const ios = detectShape('[05-09-2021 21:14:00] x: y')!;
  const isHeader = (shape: HeaderShape, line: string): boolean =>
    readHeader(line, skipMarks(line), compileHeader(shape), shape, newHeaderFields());

  it.each([
    '06-09-2021 om 10:00 - vergeet het niet',
    '[5/2, 16:08] Alice: Hoi',
    '12/25/23 was the last time we went there',
    'Tijd: 21:17 - klopt dat?',
    '05-09-2021 21:14 Berichten zonder streepje',
    '05-09-2021, 21:14 - met komma',
    '[05-09-2021 21:14:00] iOS-kop in een Android-bestand',
    '2021-09-05 21:14 - jaar eerst',
    ' 05-09-2021 21:14 - spatie ervoor',
    '',
  ])('Android NL file: %j', (line) => {
    expect(isHeader(android, line)).toBe(false);
  });

  it.each([
    '05-09-2021 21:14 - Android-kop in een iOS-bestand',
    '[05-09-2021 21:14] zonder seconden',
    '[05-09-2021, 21:14:00] met komma',
    'Graag reageren vóór vrijdag: dan weet ik het.',
  ])('iOS NL file: %j', (line) => {
    expect(isHeader(ios, line)).toBe(false);
  });

  it('detection rejects filler between date and time and other non-headers', () => {
    expect(detectShape('06-09-2021 om 10:00 - vergeet het niet')).toBeNull();
    expect(detectShape('[5/2, 16:08] Alice: Hoi')).toBeNull();
    expect(detectShape('12/25/23 10:00 was fun')).toBeNull(); // a bare space after the time only in the hr/sr shape
    expect(detectShape('Notulen 14-02-2024')).toBeNull();
    expect(detectShape('123-06-2021 10:00 - x')).toBeNull();
  });

  it('Buddhist-era and Japanese-era dates (§2, other shapes seen) are not read: such a file is refused as such, never misdated', async () => {
    const buddhist = '[3/18/2565 BE, 14:56:01] Elon Musk: Hello\n[3/27/2565 BE, 21:41:35] Dmitry S: Hello World\n';
    const japanese = '[3/18/R4, 14:56:01] Elon Musk: Hello\n[3/27/R4, 21:41:35] Dmitry S: Hello World\n';
    const japaneseYearFirst = '[R4/3/18, 14:56:01] Elon Musk: Hello\n[R4/3/27, 21:41:35] Dmitry S: Hello World\n';
    for (const [text, calendar, date] of [[buddhist, 'Buddhist', '3/18/2565 BE'], [japanese, 'Japanese', '3/18/R4'], [japaneseYearFirst, 'Japanese', 'R4/3/18']]) {
      expect(detectShape(text!.slice(0, text!.indexOf('\n')))).toBeNull();
      const refusal = await scanWhatsApp(lines(text!), { fileName: '_chat.txt' }).catch((e: unknown) => e);
      expect(refusal).toMatchObject({ name: 'WhatsAppFormatError', code: 'calendar', line: 1 });
      expect((refusal as Error).message).toMatch(new RegExp(`^_chat\\.txt: the dates are written in the ${calendar} calendar \\("${date}"\\); chatarchief reads Gregorian dates only`));
    }
  });

  it('a Buddhist year written without "BE" in a header the parser knows is refused, not read 543 years late', async () => {
    const android = '18/03/2565 14:56 - Elon Musk: Hello\n27/03/2565 21:41 - Dmitry S: Hello World\n';
    expect(detectShape(android.slice(0, android.indexOf('\n')))).not.toBeNull();
    await expect(scanWhatsApp(lines(android))).rejects.toMatchObject({
      name: 'WhatsAppFormatError', code: 'calendar', line: 1, message: expect.stringMatching(/^the dates are written in the Buddhist calendar \("18\/03\/2565"\)/),
    });
    // A Gregorian file of this century is read as ever.
    await expect(scanWhatsApp(lines(android.replaceAll('2565', '2022')))).resolves.toMatchObject({ messageCount: 2, firstLocalIso: '2022-03-18T14:56:00' });
  });

  it('a continuation that is a complete header cannot be told apart (accepted, §9.4)', () => {
    expect(isHeader(android, '06-09-2021 10:00 - vergeet het niet')).toBe(true);
  });
});

describe('date order inference (§7)', () => {
  const ev = (rows: [number, number, number][]): DateOrderEvidence => {
    const e = new DateOrderEvidence();
    // (add says when a line is the first with a value above 12; its date as written is then kept for a refusal)
    rows.forEach(([a, b, y], i) => e.add(a, b, y, i + 1) && e.proofDate(`${a}/${b}/${y}`));
    return e;
  };
  const uk = detectShape('23/03/2022, 13:31 - x')!;

  it('a value above 12 in the first position → day-first, with the line', () => {
    expect(ev([[3, 4, 2022], [13, 4, 2022]]).decide(uk)).toEqual({ order: 'dmy', evidence: 'value 13 > 12 in first position (line 2)', forced: false });
  });
  it('a value above 12 in the second position → month-first', () => {
    expect(ev([[1, 4, 2024], [1, 13, 2024]]).decide(uk)).toEqual({ order: 'mdy', evidence: 'value 13 > 12 in second position (line 2)', forced: false });
  });
  it('conflicting values: the more frequent side wins and the conflict is reported', () => {
    const d = ev([[13, 1, 2024], [14, 1, 2024], [1, 13, 2024]]).decide(uk);
    expect(d.order).toBe('dmy');
    expect(d.evidence).toBe('value 13 > 12 in first position (line 1); conflicting value 13 > 12 in second position (line 3)');
  });
  it('monotonicity within a year', () => {
    expect(ev([[12, 1, 2022], [1, 2, 2022]]).decide(uk)).toMatchObject({ order: 'dmy', evidence: 'monotonicity' });
    expect(ev([[1, 12, 2022], [2, 1, 2022]]).decide(uk)).toMatchObject({ order: 'mdy', evidence: 'monotonicity' });
    // A decrease across a year boundary is no evidence.
    expect(ev([[12, 5, 2021], [1, 5, 2022]]).decide(uk).evidence).not.toBe('monotonicity');
  });
  it('change frequency', () => {
    expect(ev([[3, 4, 2022], [4, 4, 2022], [5, 4, 2022]]).decide(uk)).toMatchObject({ order: 'dmy', evidence: 'change frequency' });
    expect(ev([[4, 3, 2022], [4, 4, 2022], [4, 5, 2022]]).decide(uk)).toMatchObject({ order: 'mdy', evidence: 'change frequency' });
  });
  it('no evidence → day-first', () => {
    expect(ev([[3, 4, 2022], [3, 4, 2022]]).decide(uk)).toEqual({ order: 'dmy', evidence: 'no evidence; day-first by default', forced: false });
  });
  it('Dutch dd-mm-yyyy shape → day-first without inference', () => {
    const nl = detectShape('02-05-2022 16:09 - x')!;
    expect(ev([[1, 13, 2022]]).decide(nl)).toEqual({ order: 'dmy', evidence: 'Dutch dd-mm-yyyy shape', forced: false });
  });
  it('forced order wins, except over a year-first shape', () => {
    // Over weak evidence: monotonicity and change frequency say month first here.
    expect(ev([[1, 12, 2022], [2, 1, 2022], [3, 1, 2022]]).decide(uk, 'dmy')).toEqual({ order: 'dmy', evidence: 'forced by --date-order', forced: true });
    expect(ev([[3, 4, 2022], [4, 4, 2022]]).decide(uk, 'mdy')).toEqual({ order: 'mdy', evidence: 'forced by --date-order', forced: true });
    const nl = detectShape('02-05-2022 16:09 - x')!;
    expect(ev([]).decide(nl, 'mdy')).toMatchObject({ order: 'mdy', forced: true });
    const ymd = detectShape('[2018/06/13, 21:25:15] a: m')!;
    expect(ev([]).decide(ymd, 'mdy')).toEqual({ order: 'ymd', evidence: 'year-first shape (forced order ignored)', forced: false });
  });

  it('a forced order that a value above 12 proves impossible is marked impossible, with the first line that proves it', () => {
    expect(ev([[13, 4, 2022], [14, 4, 2022]]).decide(uk, 'mdy')).toEqual({
      order: 'mdy', evidence: 'forced by --date-order', forced: true,
      impossible: {
        forced: 'mdy', reads: 'dmy', line: 1, value: 13, date: '13/4/2022',
        message: '--date-order mdy is impossible for this file: line 1 has 13 in the month position ("13/4/2022"); the file reads as dmy (day first). ' +
          'Ingest it with --date-order dmy, or without --date-order',
      },
    });
    expect(ev([[4, 3, 2022], [4, 13, 2022], [4, 14, 2022]]).decide(uk, 'dmy').impossible).toMatchObject({ forced: 'dmy', reads: 'mdy', line: 2, value: 13, date: '4/13/2022' });
    // The Dutch shape reads day first: a day above 12 proves month-first impossible there too.
    const nl = detectShape('02-05-2022 16:09 - x')!;
    expect(ev([[2, 5, 2022], [13, 5, 2022]]).decide(nl, 'mdy').impossible).toMatchObject({ reads: 'dmy', line: 2, value: 13 });
  });

  it('a file with values above 12 in both positions contradicts itself: forcing the order inference chooses is allowed and noted', () => {
    const rows: [number, number, number][] = [[13, 1, 2024], [14, 1, 2024], [1, 13, 2024]];
    expect(ev(rows).decide(uk, 'dmy')).toEqual({ order: 'dmy', evidence: 'forced by --date-order; conflicting value 13 > 12 in second position (line 3)', forced: true });
    expect(ev(rows).decide(uk, 'mdy').impossible).toMatchObject({ reads: 'dmy', line: 1, value: 13 });
  });

  it('dateOrderBasis reads back what a recorded decision rests on', () => {
    expect(dateOrderBasis('value 13 > 12 in first position (line 2)')).toBe('value');
    expect(dateOrderBasis('value 13 > 12 in first position (line 1); conflicting value 13 > 12 in second position (line 3)')).toBe('value');
    expect(dateOrderBasis('Dutch dd-mm-yyyy shape')).toBe('shape');
    expect(dateOrderBasis('forced by --date-order')).toBe('forced');
    expect(dateOrderBasis('forced by --date-order; conflicting value 13 > 12 in second position (line 3)')).toBe('forced');
    for (const w of ['monotonicity', 'change frequency', 'no evidence; day-first by default']) expect(dateOrderBasis(w)).toBe('weak');
    expect(dateOrderBasis('year-first shape')).toBe('year-first');
    expect(dateOrderBasis(null)).toBe('unknown');
    const adopted = adoptedEvidence({ order: 'dmy', evidence: 'no evidence; day-first by default' }, 'mdy', 3, 'value 15 > 12 in second position (line 2)');
    expect(adopted).toBe('no evidence in this file; month-first as source 3 of this chat (value 15 > 12 in second position (line 2))');
    expect(dateOrderBasis(adopted)).toBe('adopted');
    expect(adoptedEvidence({ order: 'mdy', evidence: 'monotonicity' }, 'dmy', 1, 'Dutch dd-mm-yyyy shape')).toBe(
      'only weak evidence in this file (monotonicity: month-first); day-first as source 1 of this chat (Dutch dd-mm-yyyy shape)',
    );
    expect(isFirmBasis('value') && isFirmBasis('shape') && isFirmBasis('forced')).toBe(true);
    expect(isFirmBasis('weak') || isFirmBasis('adopted') || isFirmBasis('unknown')).toBe(false);
  });

  it('sameDateFormat compares how dates are written, not the widths of one line', () => {
    const a = detectShape('3/4/22, 10:00 - A: x')!;
    expect(sameDateFormat(a, detectShape('12/15/22, 9:05 - A: x')!)).toBe(true);
    expect(sameDateFormat(a, detectShape('03/04/2022, 10:00 - A: x')!)).toBe(false); // four-digit year
    expect(sameDateFormat(a, detectShape('3/4/22, 10:00 AM - A: x')!)).toBe(false); // 12-hour clock
    expect(sameDateFormat(a, detectShape('[3/4/22, 10:00:00] A: x')!)).toBe(false); // iOS
  });

  it('scanWhatsApp refuses a forced order the file proves impossible, quoting the date as written', async () => {
    const text = 'Exported chat\n13/04/22, 10:00 - Anna: Hi\n14/04/22, 10:01 - Bob: Hello\n';
    const refusal = {
      name: 'WhatsAppFormatError', line: 2, code: 'date-order-impossible',
      message: '--date-order mdy is impossible for this file: line 2 has 13 in the month position ("13/04/22"); the file reads as dmy (day first). ' +
        'Ingest it with --date-order dmy, or without --date-order',
    };
    await expect(scanWhatsApp(lines(text), { dateOrder: 'mdy' })).rejects.toMatchObject(refusal);
    await expect(scanWhatsAppChunks([Buffer.from(text)], { dateOrder: 'mdy' })).rejects.toMatchObject(refusal);
    await expect(scanWhatsApp(lines(text), { dateOrder: 'mdy', fileName: 'AB.txt' })).rejects.toMatchObject({ message: expect.stringMatching(/^AB\.txt: --date-order mdy is impossible/) });
    // The spaced hr/sr shape and a 12-hour clock: the date is quoted up to its trailing dot, in either position.
    await expect(scanWhatsApp(lines('13. 6. 2018. 21:25:15 Karin: m\n'), { dateOrder: 'mdy' })).rejects.toMatchObject({ message: expect.stringContaining('("13. 6. 2018.")') });
    await expect(scanWhatsApp(lines('4/3/22, 9:00\u202fAM - D: x\n4/13/22, 9:05\u202fAM - D: y\n'), { dateOrder: 'dmy' })).rejects.toMatchObject({
      line: 2, message: expect.stringContaining('line 2 has 13 in the month position ("4/13/22"); the file reads as mdy (month first)'),
    });
    // Not refused: the order the file reads as, and an order that only weak evidence argues against.
    await expect(scanWhatsApp(lines(text), { dateOrder: 'dmy' })).resolves.toMatchObject({ dateOrder: 'dmy', dateOrderForced: true });
  });

  it('scanWhatsApp reports the inferred and the forced order', async () => {
    const text = '1/12/22, 10:00 - A: x\n2/1/22, 10:00 - B: y\n';
    await expect(scanWhatsApp(lines(text))).resolves.toMatchObject({ dateOrder: 'mdy', dateOrderEvidence: 'monotonicity', dateOrderForced: false });
    await expect(scanWhatsApp(lines(text), { dateOrder: 'dmy' })).resolves.toMatchObject({ dateOrder: 'dmy', dateOrderEvidence: 'forced by --date-order', dateOrderForced: true });
    const forced = await parse(text, { dateOrder: 'dmy' });
    expect(forced.messages.map((m) => m.localIso)).toEqual(['2022-12-01T10:00:00', '2022-01-02T10:00:00']);
  });

  it('first/last local ISO are the earliest and latest times under the chosen order', async () => {
    const scan = await scanWhatsApp(lines('14-01-2023 10:00 - e2e\n14-01-2023 09:58 - A: x\n15-01-2023 08:00 - B: y\n'));
    expect([scan.firstLocalIso, scan.lastLocalIso]).toEqual(['2023-01-14T09:58:00', '2023-01-15T08:00:00']);
  });
});

describe('a header with an empty author (damaged or hand-edited export)', () => {
  // WhatsApp never writes `[…] : text`; found by fuzzing, where it became a contact without a name and the ingest failed
  // with an internal error. It is read as an authorless line (event 'other'), its text kept, and no author is invented.
  it.each([
    ['iOS', `[6/3/24, 9:05:00 AM] Pieter Smit: Programma volgt\n${LRM}[6/3/24, 9:06:00 AM] : 00000008-Burgemeester Veere.vcf>\n[6/3/24, 9:07:00 AM] ${LRM}: ok\n`],
    ['Android', '03-10-2023 09:14 - Pieter Smit: Programma volgt\n03-10-2023 09:15 - : verkeerd geplakt\n03-10-2023 09:16 - \u200e:\n'],
  ])('%s', async (_, text) => {
    const { scan, messages } = await parse(text, { dateOrder: text.startsWith('[') ? 'mdy' : 'dmy' });
    expect(scan.authors).toEqual(['Pieter Smit']);
    expect(messages.map((m) => [m.sender, m.kind, m.event])).toEqual([['Pieter Smit', 'text', null], [null, 'system', 'other'], [null, 'system', 'other']]);
    expect(messages[1]!.text).toContain(text.startsWith('[') ? '00000008-Burgemeester Veere.vcf>' : 'verkeerd geplakt');
  });
});
