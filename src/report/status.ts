/**
 * Status per department: the five rows of the 2024 report's per-department tables ("CIO Rijk uitvraag Q3 2024"),
 * computed from the data instead of asked. Pure functions over coverage and `loadStatusFacts`.
 */
import type { CustodianFact } from '../store/reports.js';
import type { StatusFact } from '../store/status-facts.js';
import type { CustodianCoverage } from './coverage.js';
import { dateOf } from './intervals.js';
import { unsecuredStretches } from './securing.js';

export type Verdict = 'ja' | 'deels' | 'nee' | 'onbekend';

export const STATUS_ROWS = [
  { key: 'scheiding', label: 'Scheiding privé/partijpolitiek en zakelijk middel voor communicatie stromen' },
  { key: 'frequentie', label: 'Frequentie veiligstellen (maandelijks)' },
  { key: 'uitzonderen', label: 'Uitzonderen van puur privé en partijpolitieke contacten van zakelijke veiligstelling' },
  { key: 'schoning', label: 'Schoning of markering op niet-zakelijke berichten en/of passages achteraf' },
  { key: 'ruwe-dataset', label: 'Ruwe dataset (incl. privé en partijpolitieke berichten) bewaard' },
] as const;
export type StatusKey = (typeof STATUS_ROWS)[number]['key'];

export interface StatusRow {
  key: StatusKey;
  label: string;
  value: Verdict;
  /** Dutch explanation with the numbers behind the verdict. */
  text: string;
  details: Record<string, unknown>;
}

export interface DepartmentStatus {
  department: string;
  custodians: { id: string; name: string; function: string }[];
  rows: StatusRow[];
}

export interface StatusOptions {
  asOf: string;
  maxIntervalDays: number;
  /** Highest share of confirmed privé/partijpolitiek messages on the business device that still counts as separated. */
  privateShareThreshold: number;
}

export interface StatusReport {
  asOf: string;
  maxIntervalDays: number;
  privateShareThreshold: number;
  departments: DepartmentStatus[];
}

export const VERDICT_LABELS: Record<Verdict, string> = { ja: 'Ja', deels: 'Deels', nee: 'Nee', onbekend: 'Onbekend' };

const nl = (n: number, digits = 0): string => n.toLocaleString('nl-NL', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number): string => `${nl(x * 100, 1)}%`;
/** A day count as it is: whole days without decimals, a median between two counts with its half (31,5). */
const nlDays = (n: number): string => n.toLocaleString('nl-NL', { maximumFractionDigits: 1 });

/** ja when every item holds, nee when none does, deels otherwise; onbekend for no items. */
function allSome(flags: boolean[]): Verdict {
  if (!flags.length) return 'onbekend';
  if (flags.every(Boolean)) return 'ja';
  return flags.some(Boolean) ? 'deels' : 'nee';
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface SecuringInterval {
  custodianId: string;
  from: string;
  to: string;
  days: number;
  /** True for the interval after the last read-out (counted only once it exceeds the target). */
  open: boolean;
  /** For an open interval: it ran to the end of the term (not to the as-of date). */
  untilTermEnd: boolean;
}

/**
 * Intervals between veiligstellingen of one custodian, starting at the start of the term (a custodian secured only at
 * departure has one interval as long as the term). A chat is secured by a read-out, and by a period recorded as secured
 * elsewhere (`chatarchief record`, e.g. in another ministry's account); not-applicable chat periods (leave, no account)
 * are not counted. These are the coverage report's own secured days and not-applicable periods.
 *
 * Counted with the coverage report's definition of days without a read-out (`unsecuredStretches`), in calendar days
 * of the custodian's zone: the days after one secured day up to the day before the next (a read-out day is secured, in
 * the closed intervals as in the running one); from the start of the term, its first day counts (the term starts
 * unsecured). So an interval of n days means that on its last unsecured day the coverage said n days without a
 * read-out: it is late exactly when the coverage said overdue. The running interval since the last secured day is the
 * coverage's `unsecuredDays`; it counts only once it is longer than the target, because a shorter one is not yet late.
 */
export function securingIntervals(cov: CustodianCoverage, opts: Pick<StatusOptions, 'asOf' | 'maxIntervalDays'>): SecuringInterval[] {
  const c = cov.custodian;
  const end = c.termTo !== null && c.termTo < opts.asOf ? c.termTo : opts.asOf;
  const termEnded = c.termTo !== null && c.termTo <= opts.asOf;
  const notApplicable = cov.channels.find((x) => x.channel === 'chat')?.notApplicable ?? [];
  return unsecuredStretches(c.termFrom, end, cov.chatSecurings, notApplicable)
    .filter((s) => !s.open || s.days > opts.maxIntervalDays)
    .map((s) => ({ custodianId: c.id, ...s, untilTermEnd: s.open && termEnded }));
}

function separationRow(facts: StatusFact[], opts: StatusOptions): Pick<StatusRow, 'value' | 'text' | 'details'> {
  const reviewed = facts.filter((f) => f.decidedMarkings > 0 && f.messages > 0);
  const total = reviewed.reduce((n, f) => n + f.messages, 0);
  const nb = reviewed.reduce((n, f) => n + f.nonBusinessMessages, 0);
  const per = reviewed.map((f) => ({
    custodianId: f.custodianId, share: f.nonBusinessMessages / f.messages, messages: f.messages, nonBusiness: f.nonBusinessMessages, openSuggestions: f.openSuggestions,
  }));
  const details = { messages: total, nonBusinessMessages: nb, share: total ? nb / total : null, perCustodian: per, threshold: opts.privateShareThreshold };
  if (!reviewed.length) return { value: 'onbekend', text: 'Nog geen beoordeelde markeringen: het aandeel privé/partijpolitiek is niet bekend.', details };
  // The confirmed share only grows while suggestions are open: over the norm is certain, within it is not yet.
  const over = per.filter((p) => p.share > opts.privateShareThreshold);
  const provisional = per.filter((p) => p.share <= opts.privateShareThreshold && p.openSuggestions > 0);
  const value: Verdict = provisional.length && !over.length ? 'onbekend' : allSome(per.filter((p) => !provisional.includes(p)).map((p) => p.share <= opts.privateShareThreshold));
  const open = provisional.reduce((n, p) => n + p.openSuggestions, 0);
  const worst = [...per].sort((a, b) => b.share - a.share)[0]!;
  const text =
    `${pct(nb / total)} van de berichten op het zakelijke middel is bevestigd privé of partijpolitiek (${nl(nb)} van ${nl(total)}); ` +
    `norm ten hoogste ${pct(opts.privateShareThreshold)}` +
    (per.length > 1 ? `; hoogste: ${worst.custodianId} ${pct(worst.share)}` : '') +
    (reviewed.length < facts.length ? `; ${facts.length - reviewed.length} bewindspersoon/-personen nog niet beoordeeld` : '') +
    (open ? `; nog ${nl(open)} open suggestie(s), dus het aandeel kan nog stijgen` : '') + '.';
  return { value, text, details };
}

function frequencyRow(cov: CustodianCoverage[], opts: StatusOptions): Pick<StatusRow, 'value' | 'text' | 'details'> {
  const intervals = cov.flatMap((c) => securingIntervals(c, opts));
  const count = cov.reduce((n, c) => n + c.veiligstellingen.length, 0);
  const recorded = cov.reduce((n, c) => n + c.chatSecurings.filter((s) => s.by === 'record').length, 0);
  const securings = `${nl(count)} veiligstelling(en)` + (recorded ? ` en ${nl(recorded)} elders veiliggestelde periode(n)` : '');
  const med = median(intervals.map((i) => i.days));
  const longest = [...intervals].sort((a, b) => b.days - a.days)[0] ?? null;
  const details = { veiligstellingen: count, recordedPeriods: recorded, intervals, medianDays: med, longest };
  if (med === null || !longest) {
    const text = cov.some((c) => c.termStarted)
      ? `${securings}; nog geen tussenpoos om te beoordelen (aanstelling korter dan de norm van ${opts.maxIntervalDays} dagen).`
      : 'De aanstelling is op de peildatum nog niet begonnen.';
    return { value: 'onbekend', text, details };
  }
  const value: Verdict = longest.days <= opts.maxIntervalDays ? 'ja' : med <= opts.maxIntervalDays ? 'deels' : 'nee';
  const text =
    `${securings}; mediaan ${nlDays(med)} dagen, langste ${nl(longest.days)} dagen ` +
    `(${longest.custodianId}, ${longest.from} – ${longest.to}${longest.untilTermEnd ? ', zonder uitlezing tot einde aanstelling' : longest.open ? ', nog lopend' : ''}); ` +
    `norm ${opts.maxIntervalDays} dagen.`;
  return { value, text, details };
}

function exclusionRow(facts: StatusFact[]): Pick<StatusRow, 'value' | 'text' | 'details'> {
  const withData = facts.filter((f) => f.messages > 0);
  const sum = (k: keyof StatusFact['exclusions']) => withData.reduce((n, f) => n + f.exclusions[k], 0);
  const details = { contacts: sum('contacts'), conversations: sum('conversations'), decided: sum('decided'), byRule: sum('byRule'), custodians: withData.length };
  if (!withData.length) return { value: 'onbekend', text: 'Nog geen berichten veiliggesteld.', details };
  const value = allSome(withData.map((f) => f.exclusions.contacts + f.exclusions.conversations > 0));
  const users = withData.filter((f) => f.exclusions.contacts + f.exclusions.conversations > 0).length;
  const untagged = withData.filter((f) => f.tagRuns === 0).length;
  const text =
    `${nl(details.contacts)} contact(en) en ${nl(details.conversations)} gesprek(ken) als privé/partijpolitiek uitgezonderd ` +
    `(${nl(details.decided)} beoordeeld, ${nl(details.byRule)} via regels); bij ${users} van ${withData.length} bewindspersonen` +
    (untagged ? `; bij ${untagged} nog geen regels toegepast (chatarchief tag)` : '') + '.';
  return { value, text, details };
}

function cleaningRow(facts: StatusFact[]): Pick<StatusRow, 'value' | 'text' | 'details'> {
  const withData = facts.filter((f) => f.messages > 0);
  const marked = withData.reduce((n, f) => n + f.decidedMessageMarkings, 0);
  const exported = withData.filter((f) => f.exports.geschoond.count > 0);
  const open = withData.reduce((n, f) => n + f.openSuggestions, 0);
  const last = exported.map((f) => f.exports.geschoond.lastCreatedAt!).sort().pop() ?? null;
  const details = { decidedMarkings: marked, openSuggestions: open, custodiansWithGeschoondeSet: exported.map((f) => f.custodianId), lastExport: last };
  if (!withData.length) return { value: 'onbekend', text: 'Nog geen berichten veiliggesteld.', details };
  const value: Verdict = exported.length === withData.length ? 'ja' : exported.length || marked ? 'deels' : 'nee';
  const text =
    `${nl(marked)} bericht(en)/passage(s) beoordeeld als privé/partijpolitiek gemarkeerd, ${nl(open)} suggestie(s) open; ` +
    `geschoonde set geëxporteerd voor ${exported.length} van ${withData.length} bewindspersonen` + (last ? ` (laatste ${last.slice(0, 10)})` : '') + '.';
  return { value, text, details };
}

/** Kept means exported as a ruwe dataset up to the custodian's latest secured message. */
function rawRow(facts: StatusFact[], cov: Map<string, CustodianCoverage>): Pick<StatusRow, 'value' | 'text' | 'details'> {
  const withData = facts.filter((f) => f.messages > 0);
  const per = withData.map((f) => {
    const tz = cov.get(f.custodianId)?.custodian.tz ?? 'Europe/Amsterdam';
    const lastMessage = f.lastMessageMs === null ? null : dateOf(f.lastMessageMs, tz);
    const to = f.exports.ruw.lastPeriodTo;
    const complete = f.exports.ruw.count > 0 && (to === null || lastMessage === null || to >= lastMessage);
    return { custodianId: f.custodianId, exports: f.exports.ruw.count, periodTo: to, lastMessage, complete };
  });
  const details = { perCustodian: per };
  if (!withData.length) return { value: 'onbekend', text: 'Nog geen berichten veiliggesteld.', details };
  const complete = per.filter((p) => p.complete).length;
  const any = per.filter((p) => p.exports > 0).length;
  const value: Verdict = complete === per.length ? 'ja' : any ? 'deels' : 'nee';
  const behind = per.filter((p) => p.exports > 0 && !p.complete).map((p) => `${p.custodianId} t/m ${p.periodTo}, laatste bericht ${p.lastMessage}`);
  const text = `Ruwe dataset geëxporteerd voor ${any} van ${per.length} bewindspersonen` + (behind.length ? `; achter: ${behind.join('; ')}` : '') + '.';
  return { value, text, details };
}

export function computeStatus(
  custodians: readonly CustodianFact[],
  coverage: readonly CustodianCoverage[],
  facts: readonly StatusFact[],
  opts: StatusOptions,
): StatusReport {
  const covById = new Map(coverage.map((c) => [c.custodian.id, c]));
  const factById = new Map(facts.map((f) => [f.custodianId, f]));
  const departments = [...new Set(custodians.map((c) => c.department))].sort((a, b) => a.localeCompare(b, 'nl'));
  return {
    asOf: opts.asOf,
    maxIntervalDays: opts.maxIntervalDays,
    privateShareThreshold: opts.privateShareThreshold,
    departments: departments.map((department) => {
      const members = custodians.filter((c) => c.department === department);
      const ids = members.map((c) => c.id);
      const f = ids.map((id) => factById.get(id)).filter((x): x is StatusFact => x !== undefined);
      const cv = ids.map((id) => covById.get(id)).filter((x): x is CustodianCoverage => x !== undefined);
      const computed: Record<StatusKey, Pick<StatusRow, 'value' | 'text' | 'details'>> = {
        scheiding: separationRow(f, opts),
        frequentie: frequencyRow(cv, opts),
        uitzonderen: exclusionRow(f),
        schoning: cleaningRow(f),
        'ruwe-dataset': rawRow(f, covById),
      };
      return { department, custodians: members.map((c) => ({ id: c.id, name: c.name, function: c.function })), rows: STATUS_ROWS.map((r) => ({ key: r.key, label: r.label, ...computed[r.key] })) };
    }),
  };
}
