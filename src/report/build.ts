/**
 * Builds the reports from a store: loads the facts (src/store/reports.ts, src/store/status-facts.ts,
 * src/store/channels.ts) and runs the pure computations. These are the functions the CLI and the demo call.
 */
import { DateTime } from 'luxon';
import type { DB } from '../store/db.js';
import { listChannelRecords } from '../store/channels.js';
import { listCustodians } from '../store/custodians.js';
import { loadFindingFacts, loadVeiligstellingen, type CustodianFact, type VeiligstellingFact } from '../store/reports.js';
import { loadStatusFacts, type StatusCutoff } from '../store/status-facts.js';
import { computeCoverage, type CoverageReport } from './coverage.js';
import { computeFindings, countFindings, type Finding } from './findings.js';
import { dayEnd } from './intervals.js';
import { computeStatus, type StatusReport } from './status.js';

export interface ReportOptions {
  /** YYYY-MM-DD; default today in Europe/Amsterdam. */
  asOf?: string;
  /** Target frequency in days (default 31: monthly). */
  maxIntervalDays?: number;
  /** Uncovered stretches shorter than this are not gaps (default 7). */
  toleranceDays?: number;
  /** Share of confirmed privé/partijpolitiek messages that still counts as separated devices (default 0.05). */
  privateShareThreshold?: number;
  custodianId?: string;
  department?: string;
}

export const DEFAULTS = { maxIntervalDays: 31, toleranceDays: 7, privateShareThreshold: 0.05 } as const;

export const todayInAmsterdam = (): string => DateTime.now().setZone('Europe/Amsterdam').toISODate()!;

function custodianFacts(db: DB, opts: ReportOptions): CustodianFact[] {
  // Grouped by department like the report's tables; within one, by function and start of term.
  return listCustodians(db, { department: opts.department })
    .filter((c) => !opts.custodianId || c.id === opts.custodianId)
    .sort((a, b) => a.department.localeCompare(b.department, 'nl') || a.function.localeCompare(b.function, 'nl') || a.termFrom.localeCompare(b.termFrom) || a.id.localeCompare(b.id))
    .map((c) => ({ id: c.id, name: c.name, function: c.function, department: c.department, termFrom: c.termFrom, termTo: c.termTo, tz: c.tz }));
}

function coverageAndFacts(db: DB, opts: ReportOptions): { coverage: CoverageReport; veiligstellingen: VeiligstellingFact[] } {
  const custodians = custodianFacts(db, opts);
  const ids = new Set(custodians.map((c) => c.id));
  const veiligstellingen = loadVeiligstellingen(db, { custodianId: opts.custodianId }).filter((v) => ids.has(v.custodianId));
  const records = listChannelRecords(db, { custodianId: opts.custodianId }).filter((r) => ids.has(r.custodianId));
  const coverage = computeCoverage(custodians, veiligstellingen, records, {
    asOf: opts.asOf ?? todayInAmsterdam(),
    maxIntervalDays: opts.maxIntervalDays ?? DEFAULTS.maxIntervalDays,
    toleranceDays: opts.toleranceDays ?? DEFAULTS.toleranceDays,
  });
  return { coverage, veiligstellingen };
}

export function buildCoverageReport(db: DB, opts: ReportOptions = {}): CoverageReport {
  return coverageAndFacts(db, opts).coverage;
}

export interface FindingsReport {
  custodians: { id: string; name: string; function: string; department: string; tz: string }[];
  counts: ReturnType<typeof countFindings>;
  findings: Finding[];
}

export function buildFindingsReport(db: DB, opts: ReportOptions = {}): FindingsReport {
  const custodians = custodianFacts(db, opts);
  const ids = new Set(custodians.map((c) => c.id));
  const findings = computeFindings(loadFindingFacts(db, { custodianId: opts.custodianId })).filter((f) => ids.has(f.custodianId));
  return {
    custodians: custodians.map((c) => ({ id: c.id, name: c.name, function: c.function, department: c.department, tz: c.tz })),
    counts: countFindings(findings),
    findings,
  };
}

/**
 * The status as of the end of the as-of day in each custodian's zone, like the coverage report: messages of the
 * veiligstellingen the coverage counts on that day, and the markings, decisions, tag runs and exports recorded before
 * its end (see `StatusCutoff`). A day that has not ended yet (the default, today) cuts nothing: the current state.
 */
export function buildStatusReport(db: DB, opts: ReportOptions = {}, coverage?: CoverageReport): StatusReport {
  const cov = coverage ?? buildCoverageReport(db, opts);
  const custodians = cov.custodians.map((c) => c.custodian);
  const now = Date.now();
  const cutoffs = new Map<string, StatusCutoff>();
  for (const c of cov.custodians) {
    const end = dayEnd(cov.asOf, c.custodian.tz);
    if (end <= now) cutoffs.set(c.custodian.id, { before: new Date(end).toISOString(), veiligstellingIds: c.veiligstellingen.map((v) => v.id) });
  }
  return computeStatus(custodians, cov.custodians, loadStatusFacts(db, custodians.map((c) => c.id), cutoffs), {
    asOf: cov.asOf,
    maxIntervalDays: cov.maxIntervalDays,
    privateShareThreshold: opts.privateShareThreshold ?? DEFAULTS.privateShareThreshold,
  });
}

/** Everything the HTML rapport shows: coverage, findings per custodian, status per department. */
export interface FullReport {
  coverage: CoverageReport;
  findings: FindingsReport;
  status: StatusReport;
}

export function buildFullReport(db: DB, opts: ReportOptions = {}): FullReport {
  const { coverage, veiligstellingen } = coverageAndFacts(db, opts);
  return { coverage, findings: findingsAsOf(buildFindingsReport(db, opts), coverage, veiligstellingen), status: buildStatusReport(db, opts, coverage) };
}

/**
 * The findings as they stood on the coverage's as-of date, cut the way the coverage cuts read-outs: only findings
 * from sources of the veiligstellingen it counts on that day. A message's finding belongs to the source that first
 * held it, a "missing in later export" to that later source, a source finding to its source; a finding of a source
 * read out after the as-of date did not exist yet.
 */
function findingsAsOf(r: FindingsReport, coverage: CoverageReport, veiligstellingen: readonly VeiligstellingFact[]): FindingsReport {
  const counted = new Set(coverage.custodians.flatMap((c) => c.veiligstellingen.map((v) => v.id)));
  const sources = new Set(veiligstellingen.filter((v) => counted.has(v.id)).flatMap((v) => v.sources.map((s) => s.id)));
  const findings = r.findings.filter((f) => f.sourceId === null || sources.has(f.sourceId));
  return { ...r, counts: countFindings(findings), findings };
}
