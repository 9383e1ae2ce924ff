/**
 * The coverage report rebuilt from the 2024 report's own first table must give the same secured periods, and exactly
 * the gaps that the report describes: the chats of the minister of Justice and Security from 1 January 2024 (footnote
 * 3) and the whole term of the first LNV minister, whose chat read-out failed for technical reasons.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildRapportDb, type RapportDb } from './rapport-db.js';

let r: RapportDb;
let report: any;
const AS_OF = '2024-09-16'; // the report's date

const row = (id: string) => report.custodians.find((c: any) => c.custodian.id === id);
const channel = (id: string, name: string) => row(id).channels.find((c: any) => c.channel === name);
const periods = (ps: any[]) => ps.map((p) => `${p.fromDate} t/m ${p.toDate}`);

beforeAll(async () => {
  r = await buildRapportDb();
  const out = await runCli(['report', 'coverage', '--as-of', AS_OF, '--json', '--db', r.db]);
  expect(out.code, out.stderr).toBe(0);
  report = out.json();
});

describe('coverage report from the first table of the 2024 report', () => {
  it('has one row per custodian with function and term, and channel columns chat, WhatsApp, e-mail, social media', () => {
    expect(report.channels).toEqual(['chat', 'whatsapp', 'email', 'social']);
    expect(report.custodians.map((c: any) => [c.custodian.id, c.custodian.function, c.custodian.termFrom, c.custodian.termTo])).toContainEqual([
      'min-jenv', 'Minister van Justitie en Veiligheid', '2022-01-10', '2024-07-07',
    ]);
    expect(report.custodians).toHaveLength(7);
  });

  it('gives the secured periods of the table', () => {
    const expected: Record<string, Record<string, string[]>> = {
      // "10 januari 2022 t/m 02 juli 2024" ×3
      'mp-az': { chat: ['2022-01-10 t/m 2024-07-02'], email: ['2022-01-10 t/m 2024-07-02'], social: ['2022-01-10 t/m 2024-07-02'] },
      // chat "10 januari 2022 tot 1 januari 2024": the last read-out on 31 December 2023
      'min-jenv': { chat: ['2022-01-10 t/m 2023-12-31'], email: ['2022-01-10 t/m 2024-07-02'], social: ['2022-01-10 t/m 2024-07-02'] },
      // chat: "Technisch probleem; veiligstelling niet mogelijk."
      'min-lnv-1': { chat: [], email: ['2022-01-10 t/m 2022-09-06'], social: ['2022-01-10 t/m 2022-09-06'] },
      'min-lnv-2': { chat: ['2022-01-10 t/m 2024-07-02'], email: ['2022-01-10 t/m 2024-07-02'], social: [] },
      'min-fin-2': { chat: ['2024-01-08 t/m 2024-01-12'], email: ['2024-01-08 t/m 2024-01-12'], social: ['2024-01-08 t/m 2024-01-12'] },
      // chat "tot 5 september 2023" (read out on 4 September, after the term), e-mail and social "tot 1 september 2023"
      'min-bz-1': { chat: ['2022-01-10 t/m 2023-09-04'], email: ['2022-01-10 t/m 2023-08-31'], social: ['2022-01-10 t/m 2023-08-31'] },
      'stas-ienw': { chat: ['2022-01-10 t/m 2024-05-24'], email: ['2022-01-10 t/m 2024-05-24'], social: ['2022-01-10 t/m 2024-05-24'] },
    };
    for (const [id, byChannel] of Object.entries(expected)) {
      for (const [name, want] of Object.entries(byChannel)) expect(periods(channel(id, name).secured), `${id} ${name}`).toEqual(want);
    }
    // The ingested chats are WhatsApp: the same periods as the chat column.
    expect(periods(channel('mp-az', 'whatsapp').secured)).toEqual(['2022-01-10 t/m 2024-07-02']);
    expect(channel('min-fin-2', 'whatsapp')).toMatchObject({ assessed: false, secured: [] });
  });

  it('finds exactly the gaps the report describes, and no others', () => {
    const gaps = report.custodians.flatMap((c: any) =>
      c.channels.filter((ch: any) => ch.channel !== 'whatsapp').flatMap((ch: any) => ch.gaps.map((g: any) => `${c.custodian.id} ${ch.channel} ${g.fromDate} t/m ${g.toDate}`)),
    );
    expect(gaps).toEqual([
      // "Technisch probleem; veiligstelling niet mogelijk.": the whole term.
      'min-lnv-1 chat 2022-01-10 t/m 2022-09-06',
      // Footnote 3: "over de periode 1 januari 2024 tot 2 juli 2024 moeten nog worden veiliggesteld", to the term's end on 7 July.
      'min-jenv chat 2024-01-01 t/m 2024-07-07',
    ]);
    expect(channel('min-lnv-1', 'chat').gaps[0].notes).toEqual(['Technisch probleem; veiligstelling niet mogelijk.']);
    expect(channel('min-jenv', 'chat').gaps[0].days).toBe(189);
    // The gap starts on the day after the last read-out day: no day is both secured and missing.
    expect(periods(channel('min-jenv', 'chat').secured).at(-1)).toBe('2022-01-10 t/m 2023-12-31');
    // The read-outs on 2 July for terms that end on 7 July: a short stretch, not a gap (the report calls these rows
    // complete). The first message at 09:15 on the first day of the term secures that day.
    expect(periods(channel('mp-az', 'chat').shortGaps)).toEqual(['2024-07-03 t/m 2024-07-07']);
    // Leave and "had geen social media account" are not gaps.
    expect(periods(channel('stas-ienw', 'chat').notApplicable)).toEqual(['2024-05-25 t/m 2024-07-07']);
    expect(periods(channel('min-lnv-2', 'social').notApplicable)).toEqual(['2022-09-06 t/m 2022-10-03']);
  });

  it('counts the veiligstellingen, the days since the last one and who is overdue', () => {
    expect(row('mp-az').veiligstellingen).toHaveLength(r.readouts['mp-az']!);
    expect(row('mp-az').veiligstellingen.at(-1).readoutDate).toBe('2024-07-02');
    expect(row('mp-az').veiligstellingen.at(-1).operator).toBe('RIH-operator');
    const overdue = Object.fromEntries(report.custodians.map((c: any) => [c.custodian.id, c.overdue]));
    expect(overdue).toEqual({
      'mp-az': false, 'min-jenv': true, 'min-lnv-1': true, 'min-lnv-2': false, 'min-fin-2': false, 'min-bz-1': false, 'stas-ienw': false,
    });
    // The gap to the end of the term and the days without a read-out are the same 189 calendar days (1 January t/m 7 July).
    expect([row('min-jenv').lastSecuredDate, row('min-jenv').daysSinceLast, row('min-jenv').unsecuredDays]).toEqual(['2023-12-31', 260, 189]);
    expect(row('min-fin-2').notes).toEqual(['Chat, E-mail, Sociale media: zit veilig-gesteld in MINEZK account']);
    // Rows are grouped by department, like the report's tables.
    expect(report.custodians.map((c: any) => c.custodian.department)).toEqual(['AZ', 'BZ', 'EZK-LNV', 'EZK-LNV', 'FIN', 'IenW', 'JenV']);
  });

  it('prints the same in the table, CSV and with another target frequency', async () => {
    const table = await runCli(['report', 'coverage', '--as-of', AS_OF, '--db', r.db]);
    expect(table.code).toBe(0);
    const jenv = table.stdout.split('\n').find((l) => l.startsWith('min-jenv'))!;
    expect(jenv).toContain('2022-01-10 t/m 2023-12-31');
    expect(jenv).toContain('Chat (WhatsApp): 2024-01-01 t/m 2024-07-07 (189 d)');
    expect(jenv).toMatch(/ja \(189 d\)/);
    // The WhatsApp column says the same as the chat column, so it is folded into "Chat (WhatsApp)".
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+functie\s+aanstelling van\s+aanstelling tot\s+Chat \(WhatsApp\)\s+E-mail\s+Sociale media\s+hiaten/);
    const csv = await runCli(['report', 'coverage', '--as-of', AS_OF, '--format', 'csv', '--db', r.db]);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(lines.find((l) => l.startsWith('min-lnv-1,'))).toContain('niet veiliggesteld');
    // Every 60 days is enough for JenV's two-monthly read-outs until 2024 but not after.
    const lax = (await runCli(['report', 'coverage', '--as-of', '2023-12-01', '--max-interval-days', '70', '--json', '--db', r.db])).json();
    expect(lax.custodians.find((c: any) => c.custodian.id === 'min-jenv').overdue).toBe(false);
  });

  it('finds nothing to report in cumulative monthly exports that lose nothing', async () => {
    const out = await runCli(['report', 'findings', '--json', '--db', r.db]);
    expect(out.json().findings).toEqual([]);
  });

  it('refuses the typo row of the table: "6 december 2024 t/m 12 januari 2024"', async () => {
    const out = await runCli(['record', '--custodian', 'min-fin-2', '--channel', 'email', '--from', '2024-12-06', '--to', '2024-01-12', '--db', r.db]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('--to must not be before --from');
  });

  it('computes the frequency row like the report: AZ monthly, JenV less often than monthly', async () => {
    const out = await runCli(['report', 'status', '--as-of', AS_OF, '--json', '--db', r.db]);
    expect(out.code, out.stderr).toBe(0);
    const dept = (name: string) => out.json().departments.find((d: any) => d.department === name);
    const freq = (name: string) => dept(name).rows.find((x: any) => x.key === 'frequentie');
    expect(freq('AZ').value).toBe('ja');
    expect(freq('AZ').details.longest.days).toBeLessThanOrEqual(31);
    expect(freq('JenV').value).toBe('nee');
    expect(freq('JenV').details.medianDays).toBeGreaterThan(55);
    expect(dept('AZ').rows.map((x: any) => x.label)).toEqual([
      'Scheiding privé/partijpolitiek en zakelijk middel voor communicatie stromen',
      'Frequentie veiligstellen (maandelijks)',
      'Uitzonderen van puur privé en partijpolitieke contacten van zakelijke veiligstelling',
      'Schoning of markering op niet-zakelijke berichten en/of passages achteraf',
      'Ruwe dataset (incl. privé en partijpolitieke berichten) bewaard',
    ]);
  });
});
