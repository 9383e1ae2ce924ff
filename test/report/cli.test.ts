/** `record` and the report commands' option handling: validation messages, exit codes, --json, --out. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectJsonRefusal, runCli, tempDir } from '../helpers/cli.js';

let dir: string;
let db: string;
const run = (args: string[]) => runCli([...args, '--db', db]);

beforeAll(async () => {
  dir = tempDir('chatarchief-report-cli-');
  db = path.join(dir, 'c.db');
  const r = await run(['custodian', 'add', '--id', 'min-vws', '--name', 'Minister VWS', '--function', 'Minister van Volksgezondheid, Welzijn en Sport 2', '--department', 'VWS', '--from', '2024-01-10', '--to', '2024-07-07']);
  expect(r.code, r.stderr).toBe(0);
});

describe('record', () => {
  it('records a channel period with a note and prints it as JSON', async () => {
    const r = await run(['record', '--custodian', 'min-vws', '--channel', 'E-mail', '--from', '2024-01-10', '--to', '2024-07-02', '--note', 'postbus MINVWS', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().record).toMatchObject({ custodianId: 'min-vws', channel: 'email', from: '2024-01-10', to: '2024-07-02', status: 'secured', note: 'postbus MINVWS' });
    const human = await run(['record', '--custodian', 'min-vws', '--channel', 'linkedin', '--from', '2024-01-10', '--to', '2024-07-07', '--status', 'not-applicable', '--note', 'had geen account']);
    expect(human.stdout).toBe('Recorded linkedin for min-vws: 2024-01-10 t/m 2024-07-07 (not-applicable), note: had geen account.\n');
    const cov = (await run(['report', 'coverage', '--as-of', '2024-09-16', '--json'])).json();
    expect(cov.channels).toEqual(['chat', 'email', 'linkedin']);
    expect(cov.custodians[0].channels.find((c: any) => c.channel === 'linkedin').gaps).toEqual([]);
  });

  it('a channel not applicable for part of the term says which part, beside the gap of the rest', async () => {
    const own = path.join(tempDir('chatarchief-report-na-'), 'c.db');
    const run = (args: string[]) => runCli([...args, '--db', own]); // a store of its own: the other tests count custodians
    expect((await run(['custodian', 'add', '--id', 'stas-fin', '--name', 'P. Hendriks', '--function', 'Staatssecretaris van Financiën', '--department', 'Fin', '--from', '2024-01-01', '--to', '2024-06-30'])).code).toBe(0);
    expect((await run(['record', '--custodian', 'stas-fin', '--channel', 'signal', '--from', '2024-04-01', '--to', '2024-06-30', '--status', 'not-applicable'])).code).toBe(0);
    const csv = (await run(['report', 'coverage', '--as-of', '2024-09-16', '--custodian', 'stas-fin', '--format', 'csv'])).stdout;
    expect(csv.split('\n')[1]).toMatch(/^stas-fin,Staatssecretaris van Financiën,2024-01-01,2024-06-30,n\.v\.t\. 2024-04-01 t\/m 2024-06-30,Chat \(Signal\): 2024-01-01 t\/m 2024-03-31 \(91 d\),/);
    // Not applicable for the whole term: no gap, and the cell says just that.
    expect((await run(['record', '--custodian', 'stas-fin', '--channel', 'signal', '--from', '2024-01-01', '--to', '2024-03-31', '--status', 'not-applicable'])).code).toBe(0);
    const whole = (await run(['report', 'coverage', '--as-of', '2024-09-16', '--custodian', 'stas-fin', '--format', 'csv'])).stdout;
    expect(whole.split('\n')[1]).toMatch(/^stas-fin,Staatssecretaris van Financiën,2024-01-01,2024-06-30,n\.v\.t\.,—,/);
  });

  it.each([
    [['--channel', 'email', '--from', '2024-01-10', '--to', '2024-07-02'], "--custodian: required: the custodian id"],
    [['--custodian', 'nobody', '--channel', 'email', '--from', '2024-01-10', '--to', '2024-07-02'], "unknown custodian 'nobody'"],
    [['--custodian', 'min-vws', '--from', '2024-01-10', '--to', '2024-07-02'], '--channel: required: the channel'],
    [['--custodian', 'min-vws', '--channel', 'Face Book!', '--from', '2024-01-10', '--to', '2024-07-02'], '--channel: expected email, social or a name'],
    [['--custodian', 'min-vws', '--channel', 'email', '--from', '10 januari 2024', '--to', '2024-07-02'], '--from: expected a date as YYYY-MM-DD'],
    [['--custodian', 'min-vws', '--channel', 'email', '--from', '2024-02-30', '--to', '2024-07-02'], '--from: expected a real calendar date'],
    [['--custodian', 'min-vws', '--channel', 'email', '--from', '2024-01-10', '--to', '2024-07-02', '--status', 'lost'], '--status: expected one of secured, not-secured, not-applicable'],
  ])('refuses bad input %# with exit 1 and a message naming the option', async (args, message) => {
    const before = (await run(['report', 'coverage', '--json'])).json();
    const r = await run(['record', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect((await run(['report', 'coverage', '--json'])).json()).toEqual(before);
  });
});

describe('report options', () => {
  it('refuses a bad format, a conflicting --json, bad numbers and an unknown custodian', async () => {
    const cases: [string[], string][] = [
      [['report', 'coverage', '--format', 'pdf'], '--format: expected one of table, json, csv, html'],
      [['report', 'coverage', '--format', 'csv', '--json'], '--json conflicts with --format csv'],
      [['report', 'coverage', '--max-interval-days', 'monthly'], '--max-interval-days: expected a whole number of days'],
      [['report', 'coverage', '--as-of', '2024-13-01'], '--as-of: expected a real calendar date'],
      [['report', 'coverage', '--custodian', 'nobody'], "unknown custodian 'nobody'"],
      [['report', 'status', '--max-private-percent', '150'], '--max-private-percent: expected at most 100'],
      // A read-out every 0 days is no norm ('elke 0 dagen uitlezen'); a tolerance of 0 days is (count every gap).
      [['report', 'coverage', '--max-interval-days', '0'], '--max-interval-days: expected at least 1 day'],
      [['report', 'status', '--max-interval-days', '0'], '--max-interval-days: expected at least 1 day'],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect([r.code, r.stderr], args.join(' ')).toEqual([1, expect.stringContaining(message)]);
    }
  });

  it('coverage: a --custodian of another --department is refused, not reported as no custodians at all', async () => {
    const r0 = await run(['custodian', 'add', '--id', 'min-jenv', '--name', 'Minister JenV', '--function', 'Minister van Justitie en Veiligheid', '--department', 'JenV', '--from', '2024-01-10']);
    expect(r0.code, r0.stderr).toBe(0);
    const r = await run(['report', 'coverage', '--custodian', 'min-vws', '--department', 'JenV', '--json']);
    expect(expectJsonRefusal(r, 'report coverage').message).toContain('--custodian min-vws is of department VWS, not JenV');
    const ok = (await run(['report', 'coverage', '--custodian', 'min-vws', '--department', 'VWS', '--json'])).json();
    expect(ok.custodians.map((x: { custodian: { id: string } }) => x.custodian.id)).toEqual(['min-vws']);
  });

  it('--format json equals --json, and --out writes the file whole and says where on stderr', async () => {
    const a = await run(['report', 'coverage', '--as-of', '2024-09-16', '--format', 'json']);
    const b = await run(['report', 'coverage', '--as-of', '2024-09-16', '--json']);
    expect(a.stdout).toBe(b.stdout);
    const out = path.join(dir, 'reports', 'dekking.csv');
    const r = await run(['report', 'coverage', '--as-of', '2024-09-16', '--format', 'csv', '--out', out]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toContain(`wrote ${out}`);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^id,functie,aanstelling van,aanstelling tot,Chat,E-mail,linkedin,hiaten,/);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dekking.csv']);
  });

  it('an --out that cannot be written (a file or a folder in the way) is bad input naming it (exit 1), and nothing is left', async () => {
    const blocked = tempDir('chatarchief-report-out-');
    const file = path.join(blocked, 'notities.txt');
    fs.writeFileSync(file, 'niet overschrijven\n');
    for (const [out, reason] of [
      [path.join(file, 'rapport.html'), 'a file of that name is in the way'],
      [blocked, 'a folder is in the way'],
    ]) {
      const r = await run(['report', 'findings', '--format', 'html', '--out', out!]);
      expect([r.code, r.stdout], out).toEqual([1, '']);
      expect(r.stderr, out).toContain(`cannot write ${out} (--out): ${reason}`);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(fs.readdirSync(blocked)).toEqual(['notities.txt']);
    expect(fs.readFileSync(file, 'utf8')).toBe('niet overschrijven\n');
  });

  it('an --out that names a folder says to name a file in it, with the report\'s own name, not the temporary file', async () => {
    const folder = tempDir('chatarchief-report-folder-');
    const planned = path.join(folder, 'nieuw') + path.sep; // a folder the operator means to make: ends in a separator
    for (const [out, args, suggested] of [
      [folder, ['report', 'status', '--format', 'csv'], path.join(folder, 'status.csv')],
      [planned, ['report', 'coverage'], path.join(planned, 'coverage.txt')],
    ] as const) {
      const r = await run([...args, '--out', out]);
      expect([r.code, r.stdout], out).toEqual([1, '']);
      expect(r.stderr, out).toContain(`cannot write ${out} (--out): a folder is in the way; name a file in it, e.g. --out ${suggested}`);
      expect(r.stderr).not.toMatch(/\.tmp\b|EISDIR/);
    }
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('says overdue for a term running at the as-of date without read-outs, and not before the term starts', async () => {
    const mid = (await run(['report', 'coverage', '--as-of', '2024-03-01', '--json'])).json().custodians[0];
    expect([mid.overdue, mid.unsecuredDays, mid.termStarted]).toEqual([true, 52, true]);
    const early = (await run(['report', 'coverage', '--as-of', '2023-12-01', '--json'])).json().custodians[0];
    expect([early.overdue, early.termStarted, early.channels[0].gaps]).toEqual([false, false, []]);
    // The page still draws a sane timeline, also for an open term that starts after the as-of date: no negative sizes.
    await run(['custodian', 'add', '--id', 'min-nieuw', '--name', 'Nieuwe minister', '--function', 'Minister voor Medische Zorg', '--department', 'VWS', '--from', '2024-08-01']);
    const html = (await run(['report', 'coverage', '--as-of', '2023-12-01', '--format', 'html'])).stdout;
    expect(html).not.toMatch(/(width|height|x)="-|NaN|Infinity/);
    // Its axis runs forward: the day it starts is labelled.
    const article = html.slice(html.indexOf('<article class="bwp" id="bwp-min-nieuw">'));
    expect(article.slice(0, article.indexOf('</svg>'))).toMatch(/class="mo">1 aug 2024</);
  });
});
