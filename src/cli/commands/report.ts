import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { fsReason, UserError } from '../../errors.js';
import { buildCoverageReport, buildFindingsReport, buildFullReport, buildStatusReport, DEFAULTS, todayInAmsterdam } from '../../report/build.js';
import { findingsReportHtml, fullReportHtml, statusReportHtml } from '../../report/render-html.js';
import { coverageCsv, coverageTable, findingsCsv, findingsJson, findingsTable, statusCsv, statusTable } from '../../report/render-text.js';
import { channelLabel } from '../../report/coverage.js';
import { CHANNEL_STATUSES, recordChannel } from '../../store/channels.js';
import { isoDate, validateOptions, type Command, type Context } from '../command.js';
import { requireCustodian, requireDepartment } from './custodian.js';

const CHANNEL_ALIASES: Record<string, string> = { 'e-mail': 'email', mail: 'email', 'social-media': 'social', 'sociale-media': 'social', socials: 'social' };

const channel = z
  .string({ message: 'required: the channel, e.g. email, social, whatsapp or a name of your own' })
  .transform((s) => s.trim().toLowerCase())
  .transform((s) => CHANNEL_ALIASES[s] ?? s)
  .pipe(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected email, social or a name of lower-case letters, digits and dashes (at most 32)'));

const recordSchema = z
  .object({
    custodian: z.string({ message: 'required: the custodian id' }).min(1, 'required: the custodian id'),
    channel,
    from: isoDate,
    to: isoDate,
    note: z.string().trim().min(1, 'expected a non-empty note').max(500, 'expected a note of at most 500 characters').optional(),
    status: z.enum(CHANNEL_STATUSES, { message: `expected one of ${CHANNEL_STATUSES.join(', ')}` }).default('secured'),
  })
  .refine((o) => o.to >= o.from, { message: '--to must not be before --from', path: ['to'] });

const record: Command = {
  name: 'record',
  summary: 'record a channel secured outside this tool (e-mail, social media, a chat kept elsewhere) for the coverage report',
  usage: 'record --custodian <id> --channel email|social|<name> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--note <text>] [--status secured|not-secured|not-applicable]',
  help: `The period runs from --from through --to (both days included, in the custodian's zone).
--status secured (default) adds coverage, e.g. --channel email --note "veiliggesteld in het account van MINEZK".
--status not-secured records that the period could not be secured (e.g. a failed read-out); it stays a gap and the note explains it.
--status not-applicable records that there was nothing to secure (no account, leave); it is not counted as a gap.
A secured or not-secured period records what happened: it cannot end after today (in the custodian's zone). A
not-applicable period may (leave until the end of the term); a report counts every period only up to its --as-of date.
A record named whatsapp, signal, sms or chat counts for the chat coverage.`,
  options: { custodian: { type: 'string' }, channel: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, note: { type: 'string' }, status: { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, recordSchema, values);
    const db = ctx.store().db;
    const custodian = requireCustodian(db, o.custodian);
    // A secured period is one that has been secured, and a not-secured one a read-out that failed: both happened.
    const today = DateTime.now().setZone(custodian.tz).toISODate()!;
    if (o.status !== 'not-applicable' && o.to > today) {
      throw new UserError(
        `--to: ${o.to} is after today (${today} in ${custodian.tz}); a ${o.status} period records what has happened: ` +
          'give the last day it covers, at the latest today (only a not-applicable period, such as leave, may run on)',
      );
    }
    const r = recordChannel(db, { custodianId: o.custodian, channel: o.channel, from: o.from, to: o.to, status: o.status, note: o.note ?? null });
    ctx.result({ record: r }, () => `Recorded ${channelLabel(r.channel)} for ${r.custodianId}: ${r.from} t/m ${r.to} (${r.status})${r.note ? `, note: ${r.note}` : ''}.`);
  },
};

const FORMATS = ['table', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** A whole number of days from `min` (0 for a tolerance; a read-out interval needs at least 1) up to ten years. */
const dayCount = (min: 0 | 1) =>
  z.string().regex(/^\d+$/, 'expected a whole number of days').transform(Number).pipe(z.number().int().min(min, `expected at least ${min} day`).max(3650, 'expected at most 3650 days'));

const common = {
  format: z.enum(FORMATS, { message: `expected one of ${FORMATS.join(', ')}` }).optional(),
  out: z.string().min(1).optional(),
  'as-of': isoDate.optional(),
  json: z.boolean().optional(),
};

const commonOptions = { format: { type: 'string' }, out: { type: 'string' }, 'as-of': { type: 'string' } } as const;

/** The help lines on the output options every report shares. */
const OUTPUT_HELP = `--format (default table) chooses table, json (the same as --json), csv or html (one self-contained page);
--out <file> writes the report to that file, whole or not at all, instead of to stdout.`;

/** --json is the same as --format json; a conflicting --format is an error. */
function formatOf(o: { format?: Format; json?: boolean }): Format {
  if (o.json && o.format && o.format !== 'json') throw new UserError(`--json conflicts with --format ${o.format}`);
  return o.json ? 'json' : (o.format ?? 'table');
}

/**
 * Writes the output (a string or a stream of chunks) to stdout, or atomically to --out: a temporary file beside it,
 * renamed into place when complete, removed on failure.
 */
function emit(ctx: Context, out: string | undefined, output: string | Iterable<string>, name: string): void {
  const chunks = typeof output === 'string' ? [output.endsWith('\n') ? output : `${output}\n`] : output;
  if (!out) {
    let buf = '';
    for (const c of chunks) {
      buf += c;
      if (buf.length > 1 << 16) {
        ctx.io.stdout(buf);
        buf = '';
      }
    }
    if (buf) ctx.io.stdout(buf);
    return;
  }
  const file = path.resolve(out);
  // A folder (named so, or existing) is no file to write: say so in the operator's terms, not the temporary file's.
  if (/[\\/]$/.test(out) || isFolder(file)) {
    throw new UserError(`cannot write ${out} (--out): a folder is in the way; name a file in it, e.g. --out ${path.join(out, name)}`);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      for (const c of chunks) fs.writeSync(fd, c);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    // Nothing to remove when the folder could not be made (a file in the way: rmSync itself then fails, ENOTDIR).
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The temporary file was never created.
    }
    throw new UserError(`cannot write ${file} (--out): ${fsReason(e)}`);
  }
  ctx.log(`wrote ${file}`);
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The file name an --out folder is told to hold: the report's name with its format's extension. */
const fileName = (report: string, format: string): string => `${report}.${format === 'table' ? 'txt' : format}`;

const coverageSchema = z.object({
  ...common,
  'max-interval-days': dayCount(1).optional(),
  'tolerance-days': dayCount(0).optional(),
  department: z.string().min(1).optional(),
  custodian: z.string().min(1).optional(),
});

const coverage: Command = {
  name: 'report coverage',
  summary: 'which periods of each custodian are secured per channel, the gaps, and who is overdue',
  usage: 'report coverage [--as-of <YYYY-MM-DD>] [--format table|json|csv|html] [--out <file>] [--max-interval-days <n>] [--tolerance-days <n>] [--department <name>] [--custodian <id>]',
  help: `One row per custodian: function, term, per channel (chat, WhatsApp, Signal, SMS and recorded channels) the secured periods,
the gaps inside the term, days since the last veiligstelling, and whether it is overdue.
--as-of (default today) assesses the term up to that day. --max-interval-days (default ${DEFAULTS.maxIntervalDays}: monthly) is the target
frequency. --tolerance-days (default ${DEFAULTS.toleranceDays}) leaves uncovered stretches shorter than that out of the gaps (they stay in the JSON
as shortGaps). --format html writes the whole rapport: this table, a timeline and findings per custodian, and the status per department.
--department or --custodian limits the report to one department or one custodian.
${OUTPUT_HELP}`,
  options: { ...commonOptions, 'max-interval-days': { type: 'string' }, 'tolerance-days': { type: 'string' }, department: { type: 'string' }, custodian: { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, coverageSchema, values);
    const format = formatOf(o);
    const db = ctx.store().db;
    requireDepartment(db, o.department);
    const c = o.custodian ? requireCustodian(db, o.custodian) : undefined;
    // Together they must select someone: 'no custodians yet' would be wrong.
    if (c && o.department !== undefined && c.department !== o.department) {
      throw new UserError(`--custodian ${c.id} is of department ${c.department}, not ${o.department}: give one of the two, or a custodian of ${o.department}`);
    }
    const opts = {
      asOf: o['as-of'] ?? todayInAmsterdam(), maxIntervalDays: o['max-interval-days'], toleranceDays: o['tolerance-days'],
      department: o.department, custodianId: o.custodian,
    };
    if (format === 'html') return emit(ctx, o.out, fullReportHtml(buildFullReport(db, opts)), fileName('coverage', format));
    const r = buildCoverageReport(db, opts);
    emit(ctx, o.out, format === 'json' ? JSON.stringify(r, null, 2) : format === 'csv' ? coverageCsv(r) : coverageTable(r), fileName('coverage', format));
  },
};

const findingsSchema = z.object({ ...common, custodian: z.string().min(1).optional() });

const findings: Command = {
  name: 'report findings',
  summary: 'every forbidden or information-losing event: disappearing messages, view once, deletions, missing messages and media',
  usage: 'report findings [--custodian <id>] [--format table|json|csv|html] [--out <file>]',
  help: `Lists, with conversation, person and time: disappearing messages switched on, timer changed or off; view-once media;
messages deleted by the sender or by the custodian; messages present in an earlier export and missing from a later one;
attachments missing from an export, and attachments an earlier export secured that a later one lacks (the kept bytes
remain the evidence); Signal exports that may lack disappearing messages; ambiguous or invalid time stamps;
messages dated after the ingest that read them in (a phone's clock, calendar or date order set wrong).
Chat content is never shown, only system texts and attachment names. --custodian limits it to one custodian.
${OUTPUT_HELP}`,
  options: { format: commonOptions.format, out: commonOptions.out, custodian: { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, findingsSchema, values);
    const format = formatOf(o);
    const db = ctx.store().db;
    if (o.custodian) requireCustodian(db, o.custodian);
    const r = buildFindingsReport(db, { custodianId: o.custodian });
    if (format === 'html') return emit(ctx, o.out, findingsReportHtml(r), fileName('findings', format));
    emit(ctx, o.out, format === 'json' ? findingsJson(r) : format === 'csv' ? findingsCsv(r) : findingsTable(r), fileName('findings', format));
  },
};

const statusSchema = z.object({
  ...common,
  department: z.string().min(1).optional(),
  'max-interval-days': dayCount(1).optional(),
  'max-private-percent': z.string().regex(/^\d+(\.\d+)?$/, 'expected a percentage such as 5').transform(Number).pipe(z.number().max(100, 'expected at most 100')).optional(),
});

const status: Command = {
  name: 'report status',
  summary: "the five rows of the report's per-department tables, computed from the data",
  usage: 'report status [--department <name>] [--as-of <YYYY-MM-DD>] [--format table|json|csv|html] [--out <file>] [--max-interval-days <n>] [--max-private-percent <p>]',
  help: `Per department: separation of business and private use (share of confirmed privé/partijpolitiek messages; at most
--max-private-percent, default ${DEFAULTS.privateShareThreshold * 100}, counts as separated), frequency of securing (median and longest interval between read-outs, from the start
of the term; target --max-interval-days, default ${DEFAULTS.maxIntervalDays}), exclusion of private and party contacts (contact/conversation markings),
cleaning or marking (decided markings and exported geschoonde sets), and the ruwe dataset kept (exported).
--as-of (default today) gives every row as it stood at the end of that day (in the custodian's zone): the messages of
the read-outs done by then (as the coverage report counts them, by read-out, else by ingest), and only the markings,
review decisions, tag runs and exports recorded before the end of that day. --department limits it to one department.
${OUTPUT_HELP}`,
  options: { ...commonOptions, department: { type: 'string' }, 'max-interval-days': { type: 'string' }, 'max-private-percent': { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, statusSchema, values);
    const format = formatOf(o);
    const db = ctx.store().db;
    requireDepartment(db, o.department);
    const pct = o['max-private-percent'];
    const r = buildStatusReport(db, {
      asOf: o['as-of'] ?? todayInAmsterdam(), department: o.department, maxIntervalDays: o['max-interval-days'],
      privateShareThreshold: pct === undefined ? undefined : pct / 100,
    });
    if (format === 'html') return emit(ctx, o.out, statusReportHtml(r), fileName('status', format));
    emit(ctx, o.out, format === 'json' ? JSON.stringify(r, null, 2) : format === 'csv' ? statusCsv(r) : statusTable(r), fileName('status', format));
  },
};

export const reportCommands: Command[] = [record, coverage, findings, status];
