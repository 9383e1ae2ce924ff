/**
 * `chatarchief <command> --help` explains what the usage line only names: the values an option takes and what it does
 * when left out (its default), so that an operator need not read the code or the README.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

async function help(command: string): Promise<string> {
  const r = await runCli([...command.split(' '), '--help']);
  expect([r.code, r.stderr], command).toEqual([0, '']);
  return r.stdout;
}

describe('--help states values and defaults', () => {
  it('ingest: the formats --format forces and what --date-order does', async () => {
    const h = await help('ingest');
    expect(h).toMatch(/--format \(default: detected per file\) forces one of whatsapp, signal-export, sms-xml, sigtop-json, signal-txt/);
    expect(h).toMatch(/--date-order \(default: inferred per file\) forces day-first \(dmy\) or month-first \(mdy\)/);
  });

  it('export: the default of --set', async () => {
    expect(await help('export')).toMatch(/--set \(default both\)/);
  });

  it('rules explain: what --sender, --rules and --default-category do, and their defaults', async () => {
    const h = await help('rules explain');
    expect(h).toMatch(/--sender \(optional\)/);
    expect(h).toMatch(/--rules \(default: the repository's rules\/ folder/);
    expect(h).toMatch(/--default-category \(default zakelijk\)/);
  });

  it('every report: the default --format and what --out does', async () => {
    for (const c of ['report coverage', 'report findings', 'report status']) {
      const h = await help(c);
      expect(h, c).toMatch(/--format \(default table\)/);
      expect(h, c).toMatch(/--out <file> writes the report to that file/);
    }
  });

  it('the filters of custodian list and review list', async () => {
    expect(await help('custodian list')).toMatch(/--department lists only the custodians of that department/);
    expect(await help('review list')).toMatch(/--rule <id> and --conversation <id> keep those of one rule or conversation/);
  });
});
