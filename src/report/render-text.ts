/**
 * Plain-text tables and CSV for the three reports. The CSV has one header row and RFC 4180 quoting; cells that would
 * start a spreadsheet formula are prefixed with an apostrophe.
 */
import { DateTime } from 'luxon';
import { table } from '../cli/format.js';
import { displayColumns, type ChannelCoverage, type CoverageReport, type CustodianCoverage, type Period } from './coverage.js';
import type { FindingsReport } from './build.js';
import { GROUP_LABELS } from './findings.js';
import { VERDICT_LABELS, type StatusReport } from './status.js';

export type Cell = string | number | null | undefined;

const csvCell = (c: Cell): string => {
  let s = c === null || c === undefined ? '' : String(c);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const csvLine = (r: Cell[]): string => r.map(csvCell).join(',') + '\r\n';

export function csv(headers: string[], rows: Cell[][]): string {
  return [headers, ...rows].map(csvLine).join('');
}

/** CSV as a stream of lines (large findings lists are not joined into one string). */
export function* csvLines(headers: string[], rows: Iterable<Cell[]>): Generator<string> {
  yield csvLine(headers);
  for (const r of rows) yield csvLine(r);
}

/**
 * Pretty JSON of an object whose one big array (`key`, last) is written an item per line, as a stream of chunks:
 * the same data as JSON.stringify, without building one string of a hundred megabytes.
 */
export function* jsonLines(head: Record<string, unknown>, key: string, items: readonly unknown[]): Generator<string> {
  const fields = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}`);
  yield `{\n${[...fields, `  ${JSON.stringify(key)}: [`].join(',\n')}`;
  for (let i = 0; i < items.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(items[i])}`;
  yield `${items.length ? '\n  ' : ''}]\n}\n`;
}

export const periodText = (p: Period): string => (p.fromDate === p.toDate ? p.fromDate : `${p.fromDate} t/m ${p.toDate}`);

/** What a channel cell says: the secured periods, or why there are none. */
export function securedText(ch: ChannelCoverage): string {
  if (ch.secured.length) return ch.secured.map(periodText).join(', ');
  if (ch.notSecured.length) return 'niet veiliggesteld';
  // Not applicable for part of the term only (its gaps stand beside it): which part, so that it does not read as the whole.
  if (ch.notApplicable.length) return ch.gaps.length ? `n.v.t. ${ch.notApplicable.map(periodText).join(', ')}` : 'n.v.t.';
  return ch.assessed ? 'niet veiliggesteld' : '—';
}

/** The gaps of the shown columns, e.g. `Chat: 2024-01-01 t/m 2024-07-07 (189 d); E-mail: ...`. */
export function gapsText(c: CustodianCoverage, cols: { index: number; label: string }[]): string {
  return cols
    .filter((col) => c.channels[col.index]!.gaps.length)
    .map((col) => `${col.label}: ${c.channels[col.index]!.gaps.map((g) => `${periodText(g)} (${g.days} d)`).join(', ')}`)
    .join('; ');
}

function coverageRows(r: CoverageReport): { headers: string[]; rows: Cell[][] } {
  const cols = displayColumns(r);
  const headers = ['id', 'functie', 'aanstelling van', 'aanstelling tot', ...cols.map((c) => c.label), 'hiaten', 'laatste', 'dagen sinds', 'achterstallig', 'opmerkingen'];
  const rows = r.custodians.map((c) => [
    c.custodian.id,
    c.custodian.function,
    c.custodian.termFrom,
    c.custodian.termTo ?? '',
    ...cols.map((col) => securedText(c.channels[col.index]!)),
    gapsText(c, cols) || '—',
    c.lastSecuredDate ?? 'nooit',
    c.daysSinceLast ?? '',
    !c.termStarted ? 'n.v.t.' : c.overdue ? `ja (${c.unsecuredDays} d)` : 'nee',
    c.notes.join('; '),
  ]);
  return { headers, rows };
}

export function coverageTable(r: CoverageReport): string {
  if (!r.custodians.length) return 'No custodians yet. Add one with: chatarchief custodian add --id <slug> ...';
  const { headers, rows } = coverageRows(r);
  return [
    table(headers, rows),
    '',
    `Peildatum ${r.asOf}; norm: elke ${r.maxIntervalDays} dagen uitlezen; hiaten korter dan ${r.toleranceDays} dagen niet meegeteld.`,
  ].join('\n');
}

export function coverageCsv(r: CoverageReport): string {
  const { headers, rows } = coverageRows(r);
  return csv(headers, rows);
}

export function findingsCsv(r: FindingsReport): Iterable<string> {
  return csvLines(
    ['custodian', 'tijd', 'lokale tijd', 'groep', 'code', 'bevinding', 'platform', 'gesprek', 'persoon', 'bericht', 'bron', 'detail'],
    (function* () {
      for (const f of r.findings) {
        yield [
          f.custodianId, f.at, f.localTime, GROUP_LABELS[f.group], f.code, f.label, f.platform, f.conversation, f.person, f.messageId, f.sourceFile ?? f.sourceId, f.detail,
        ];
      }
    })(),
  );
}

export function findingsJson(r: FindingsReport): Iterable<string> {
  return jsonLines({ custodians: r.custodians, counts: r.counts }, 'findings', r.findings);
}

/** An instant as local wall-clock time in a zone: `2024-03-01 09:06`. */
export function localText(iso: string | null, zone: string): string {
  if (!iso) return '';
  const d = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm') : iso;
}

export function findingsTable(r: FindingsReport): string {
  if (!r.findings.length) return 'Geen bevindingen.';
  const tz = new Map(r.custodians.map((c) => [c.id, c.tz]));
  const rows = r.findings.map((f) => [f.custodianId, localText(f.at, tz.get(f.custodianId) ?? 'Europe/Amsterdam'), f.label, f.conversation ?? '', f.person ?? '', f.detail]);
  return [
    table(['custodian', 'tijd', 'bevinding', 'gesprek', 'persoon', 'detail'], rows),
    '',
    r.counts.map((c) => `${c.label}: ${c.count}`).join('; '),
  ].join('\n');
}

export function statusTable(r: StatusReport): string {
  if (!r.departments.length) return 'Geen departementen (nog geen bewindspersonen).';
  return r.departments
    .map((d) => [`${d.department} (${d.custodians.map((c) => c.id).join(', ')})`, table(['onderdeel', 'status', 'toelichting'], d.rows.map((row) => [row.label, VERDICT_LABELS[row.value], row.text]))].join('\n'))
    .join('\n\n');
}

export function statusCsv(r: StatusReport): string {
  return csv(
    ['departement', 'onderdeel', 'status', 'toelichting'],
    r.departments.flatMap((d) => d.rows.map((row) => [d.department, row.label, VERDICT_LABELS[row.value], row.text])),
  );
}
