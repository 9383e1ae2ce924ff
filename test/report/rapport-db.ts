/**
 * A store built from rows of the first table of "Rapport n.a.v. uitvraag veiligstelling zakelijke informatie
 * bewindspersonen kabinet Rutte IV" (16 september 2024). Chats are secured the real way: small Android-NL WhatsApp
 * exports, one per read-out, each holding the chat's history up to that moment (file time = moment of read-out),
 * ingested with the real CLI, one ingest run per veiligstelling. E-mail and social media are recorded with `record`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { runCli, tempDir } from '../helpers/cli.js';

const TZ = 'Europe/Amsterdam';

export interface ReportRow {
  id: string;
  name: string;
  function: string;
  department: string;
  from: string;
  to: string;
  /** Local read-out moments (yyyy-MM-dd HH:mm) of the chat; each one is an export and an ingest run. */
  readouts?: string[];
  /** The chat's first message (default: the start of the term, 09:00). */
  chatStart?: string;
  records?: { channel: string; from: string; to: string; status?: string; note?: string }[];
}

/** The 2nd of every month at 16:00 from `first` to `last` (yyyy-MM). */
export function monthly(first: string, last: string, stepMonths = 1): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(`${first}-02T16:00`); d <= DateTime.fromISO(`${last}-02T16:00`); d = d.plus({ months: stepMonths })) {
    out.push(d.toFormat('yyyy-MM-dd HH:mm'));
  }
  return out;
}

const both = (from: string, to: string, extra: Partial<{ status: string; note: string }> = {}) => [
  { channel: 'email', from, to, ...extra },
  { channel: 'social', from, to, ...extra },
];

export const ROWS: ReportRow[] = [
  {
    // "10 januari 2022 t/m 02 juli 2024" for chat, e-mail and social media; read out monthly.
    id: 'mp-az', name: 'Minister-president', function: 'Minister president, minister Algemene Zaken', department: 'AZ',
    from: '2022-01-10', to: '2024-07-07', readouts: monthly('2022-02', '2024-07'), records: both('2022-01-10', '2024-07-02'),
  },
  {
    // Chat "10 januari 2022 tot 1 januari 2024" (footnote 3: 1 januari 2024 tot 2 juli 2024 still to be secured);
    // e-mail and social media t/m 02 juli 2024. Read out less often than monthly, the last time on 31 December 2023 (a
    // read-out day counts as secured, so "tot 1 januari 2024" is a last read-out the day before).
    id: 'min-jenv', name: 'Minister JenV', function: 'Minister van Justitie en Veiligheid', department: 'JenV',
    from: '2022-01-10', to: '2024-07-07', readouts: [...monthly('2022-03', '2023-11', 2), '2023-12-31 23:45'], records: both('2022-01-10', '2024-07-02'),
  },
  {
    // Chat "Technisch probleem; veiligstelling niet mogelijk."; e-mail and social media t/m 6 september 2022.
    id: 'min-lnv-1', name: 'Minister LNV 1', function: 'Minister van Landbouw, Natuur en Voedselkwaliteit 1', department: 'EZK-LNV',
    from: '2022-01-10', to: '2022-09-06',
    records: [
      { channel: 'whatsapp', from: '2022-01-10', to: '2022-09-06', status: 'not-secured', note: 'Technisch probleem; veiligstelling niet mogelijk.' },
      ...both('2022-01-10', '2022-09-06'),
    ],
  },
  {
    // Chat and e-mail "10 januari 2022 t/m 02 juli 2024"; social media "had geen social media account".
    id: 'min-lnv-2', name: 'Minister LNV 2', function: 'Minister van Landbouw, Natuur en Voedselkwaliteit 2', department: 'EZK-LNV',
    from: '2022-09-06', to: '2022-10-03',
    records: [
      { channel: 'chat', from: '2022-01-10', to: '2024-07-02' },
      { channel: 'email', from: '2022-01-10', to: '2024-07-02' },
      { channel: 'social', from: '2022-09-06', to: '2022-10-03', status: 'not-applicable', note: 'had geen social media account' },
    ],
  },
  {
    // All three "zit veilig-gesteld in MINEZK account".
    id: 'min-fin-2', name: 'Minister FIN 2', function: 'Minister van Financiën 2', department: 'FIN', from: '2024-01-08', to: '2024-01-12',
    records: ['chat', 'email', 'social'].map((channel) => ({ channel, from: '2024-01-08', to: '2024-01-12', note: 'zit veilig-gesteld in MINEZK account' })),
  },
  {
    // Chat "10 januari 2022 tot 5 september 2023" (past the end of the term); e-mail and social "tot 1 september 2023".
    id: 'min-bz-1', name: 'Minister BZ 1', function: 'Minister van Buitenlandse Zaken 1', department: 'BZ', from: '2022-01-10', to: '2023-09-01',
    readouts: [...monthly('2023-03', '2023-08'), '2023-09-04 17:30'], records: both('2022-01-10', '2023-08-31'),
  },
  {
    // "10 januari 2022 tot 25 mei 2024" for all three; footnote 4: on leave from 25 May 2024 until the end of the cabinet.
    id: 'stas-ienw', name: 'Staatssecretaris IenW', function: 'Staatssecretaris van Infrastructuur en Waterstaat', department: 'IenW',
    from: '2022-01-10', to: '2024-07-07', readouts: [...monthly('2024-03', '2024-05'), '2024-05-24 18:00'],
    records: [
      ...both('2022-01-10', '2024-05-24'),
      ...['chat', 'email', 'social'].map((channel) => ({
        channel, from: '2024-05-25', to: '2024-07-07', status: 'not-applicable', note: 'Staatssecretaris is op 25 mei 2024 met verlof gegaan tot einde kabinetsperiode.',
      })),
    ],
  },
];

const fmt = (d: DateTime) => d.toFormat('dd-MM-yyyy HH:mm');

/**
 * An Android-NL WhatsApp export of the chat with the chef de cabinet, from `start` up to (and including) `until`.
 * Every read-out moment carries a message, and a later export holds
 * every earlier message: the history on the phone only grows.
 */
export function chatExport(row: ReportRow, start: DateTime, until: DateTime, readouts: DateTime[]): string {
  const items: [DateTime, string][] = [];
  let n = 0;
  for (let d = start.plus({ minutes: 15 }); d <= until; d = d.plus({ days: 3 })) {
    n++;
    items.push([d, n % 2 ? `Chef de cabinet: Stand van zaken dossier ${n}` : `${row.name}: Dank, akkoord met punt ${n}`]);
  }
  for (const r of readouts) {
    if (r <= until) items.push([r, 'Chef de cabinet: Telefoon gaat nu naar de uitlezing']);
  }
  items.sort((a, b) => a[0].toMillis() - b[0].toMillis());
  const head = `${fmt(start)} - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.`;
  return [head, ...items.map(([d, text]) => `${fmt(d)} - ${text}`)].join('\n') + '\n';
}

export interface RapportDb {
  dir: string;
  db: string;
  /** Ingest runs per custodian. */
  readouts: Record<string, number>;
}

export async function buildRapportDb(): Promise<RapportDb> {
  const dir = tempDir('chatarchief-rapport-');
  const db = path.join(dir, 'rapport.db');
  const cli = async (args: string[]) => {
    const r = await runCli([...args, '--db', db]);
    if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r;
  };
  const readouts: Record<string, number> = {};
  for (const row of ROWS) {
    await cli(['custodian', 'add', '--id', row.id, '--name', row.name, '--function', row.function, '--department', row.department, '--from', row.from, '--to', row.to]);
    const start = DateTime.fromISO(`${row.chatStart ?? row.from}T09:00`, { zone: TZ });
    const moments = (row.readouts ?? []).map((at) => DateTime.fromFormat(at, 'yyyy-MM-dd HH:mm', { zone: TZ }));
    for (const [i, until] of moments.entries()) {
      const folder = path.join(dir, 'exports', row.id, String(i + 1).padStart(2, '0'));
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, 'WhatsApp-chat met Chef de cabinet.txt');
      fs.writeFileSync(file, chatExport(row, start, until, moments));
      // The export file was made at the read-out.
      fs.utimesSync(file, until.toJSDate(), until.toJSDate());
      await cli(['ingest', file, '--custodian', row.id, '--operator', 'RIH-operator', '--device', `iPhone ${row.id}`, '--read-out', until.toFormat("yyyy-MM-dd'T'HH:mm")]);
    }
    readouts[row.id] = row.readouts?.length ?? 0;
    for (const r of row.records ?? []) {
      await cli(['record', '--custodian', row.id, '--channel', r.channel, '--from', r.from, '--to', r.to, ...(r.status ? ['--status', r.status] : []), ...(r.note ? ['--note', r.note] : [])]);
    }
  }
  return { dir, db, readouts };
}
