/**
 * The HTML rapport (`report coverage --format html --as-of D`) shows the findings as they stood on D, cut like the
 * coverage cuts read-outs: a finding of an export read out after D is left out, a "missing in later export" from such a
 * later export too. Built with the real commands: a chat read out on 31 March and again on 31 May 2024.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOk, tempDir } from '../helpers/cli.js';

const ENC = 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.';
let dir: string;
let db: string;

function exportOf(name: string, lines: string[]): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'WhatsApp-chat met Piet de Groot.txt'), [`01-03-2024 09:00 - ${ENC}`, ...lines].join('\n') + '\n');
  return d;
}

/** The rows of the findings table of the HTML rapport on `asOf`: [time, finding]. */
async function findingRows(asOf: string): Promise<string[][]> {
  const html = (await runOk(db, ['report', 'coverage', '--as-of', asOf, '--format', 'html'])).stdout;
  const tables = html.match(/<table class="findings">[\s\S]*?<\/table>/g) ?? [];
  return tables.flatMap((t) => [...t.matchAll(/<tr><td class="nowrap">([^<]*)<\/td><td>([^<]*)</g)].map((m) => [m[1]!, m[2]!]));
}

beforeAll(async () => {
  dir = tempDir('chatarchief-findings-as-of-');
  db = path.join(dir, 'f.db');
  await runOk(db, ['custodian', 'add', '--id', 'm', '--name', 'Minister EZK', '--function', 'Minister van EZK', '--department', 'EZK', '--from', '2024-03-01']);
  const march = [
    '01-03-2024 09:01 - Piet de Groot: Goedemorgen, de stukken voor de MR staan klaar.',
    '02-03-2024 10:00 - Piet de Groot: Dit bericht is verwijderd',
    '03-03-2024 11:00 - Piet de Groot: De Kamerbrief gaat vandaag de deur uit.',
    '04-03-2024 12:00 - Piet de Groot: Het verslag volgt morgen.',
  ];
  await runOk(db, ['ingest', exportOf('m1', march), '--custodian', 'm', '--read-out', '2024-03-31']);
  // The May export lacks the message of 3 March (deleted on the phone since) and has a deletion of 10 May.
  const may = [march[0]!, march[1]!, march[3]!, '10-05-2024 12:00 - Piet de Groot: Dit bericht is verwijderd'];
  await runOk(db, ['ingest', exportOf('m2', may), '--custodian', 'm', '--read-out', '2024-05-31']);
});

describe('findings in the HTML rapport at an as-of date', () => {
  it('leaves out the findings of the export read out after the as-of date', async () => {
    expect(await findingRows('2024-04-01')).toEqual([['2 mrt 2024 10:00', 'Bericht verwijderd door afzender']]);
  });

  it('shows them from the day of that read-out on', async () => {
    expect(await findingRows('2024-05-31')).toEqual([
      ['2 mrt 2024 10:00', 'Bericht verwijderd door afzender'],
      ['3 mrt 2024 11:00', 'Ontbreekt in latere export'],
      ['10 mei 2024 12:00', 'Bericht verwijderd door afzender'],
    ]);
  });

  it('keeps `report findings` (no as-of date) complete', async () => {
    const all = (await runOk(db, ['report', 'findings', '--json'])).json().findings;
    expect(all.map((f: any) => f.code)).toEqual(['deleted-by-sender', 'missing-in-later-export', 'deleted-by-sender']);
  });
});
