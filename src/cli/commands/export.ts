import fs from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { ExportInterrupted, removeWorkDir } from '../../export/partial.js';
import { changedSinceNote, OpenSuggestionsError, runExport, type ExportResult } from '../../export/run.js';
import { verifyPackages, type VerifyReport } from '../../export/verify.js';
import { isoDate, validateOptions, type Command, type Context } from '../command.js';
import { table } from '../format.js';
import { SIGNAL_EXIT_CODE, STOP_SIGNALS } from '../signals.js';

const exportSchema = z.object({
  custodian: z.string({ message: 'required: the custodian id (see chatarchief custodian list)' }).min(1),
  from: isoDate.optional(),
  to: isoDate.optional(),
  out: z.string({ message: 'required: the folder to create for the packages' }).min(1),
  set: z.enum(['geschoond', 'ruw', 'both'], { message: 'expected geschoond, ruw or both' }).default('both'),
  'allow-unreviewed': z.boolean().default(false),
}).refine((o) => !o.from || !o.to || o.to >= o.from, { message: '--to must not be before --from', path: ['to'] });

/** SOURCE_DATE_EPOCH (seconds) fixes the export time, for reproducible packages. */
function exportTime(env: NodeJS.ProcessEnv): Date | undefined {
  const s = env.SOURCE_DATE_EPOCH;
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UserError(`SOURCE_DATE_EPOCH: expected seconds since 1970, got '${s}'`);
  return new Date(Number(s) * 1000);
}

function renderExport(r: ExportResult): string {
  const lines = [
    `Exported ${r.custodianId}, period ${r.period.from} – ${r.period.to} (delivery ${r.delivery}) to ${r.out}`,
    ...(r.allowUnreviewed ? [`NOTE: --allow-unreviewed: ${r.openSuggestions} undecided suggestion(s) counted as marked; the packages say so.`] : []),
    '',
    table(
      ['set', 'package', 'conversations', 'messages', 'markers', 'passages', 'files', 'bytes', 'new objects', 'left out (delivered before)'],
      r.packages.map((p) => [p.set, p.bagName, p.conversations, p.messages, p.markers, p.passages, p.counts.files, p.counts.bytes, p.newObjects, p.skippedAlreadyDelivered]),
    ),
    '',
    ...r.packages.map((p) => `${p.set}: package SHA-256 (of manifest-sha256.txt) ${p.packageSha256}`),
    ...(r.outsideTerm.before || r.outsideTerm.after
      ? [`NOTE: ${r.outsideTerm.before} message(s) before and ${r.outsideTerm.after} after the custodian's term (${r.outsideTerm.termFrom} – ${r.outsideTerm.termTo ?? 'now'}) are in this export.`]
      : []),
    ...r.packages.filter((p) => p.changedSinceDelivery).map((p) => changedSinceNote(p.set, p.changedSinceDelivery, p.changedExamples)),
    '',
    `Check with: chatarchief verify ${r.out}`,
  ];
  return lines.join('\n');
}

function renderOpen(e: OpenSuggestionsError): string {
  const o = e.open;
  return [
    `Refused: ${e.message}.`,
    ...(Object.keys(o.byLevel).length ? [`Open by level: ${Object.entries(o.byLevel).map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
    ...(o.byConversation.length ? ['', table(['conversation', 'open'], o.byConversation.map((c) => [c.conversationId, c.open]))] : []),
    ...(o.contacts.length ? ['', table(['contact', 'open'], o.contacts.map((c) => [c.contactId, c.open]))] : []),
    '',
    ...(o.examples.length ? [`First open markings: ${o.examples.map((m) => `M-${m.id} (${m.level} ${m.targetId}, ${m.category}${m.ruleId ? `, ${m.ruleId}` : ''})`).join('; ')}`] : []),
    ...(o.editedAfterDecision.length
      ? [`Edited after a zakelijk decision (the decision was made on an earlier text; undo it and mark the message again): ${o.editedAfterDecision.slice(0, 50).map((e) => `M-${e.markingId} (message ${e.messageId}, conversation ${e.conversationId})`).join('; ')}`]
      : []),
  ].join('\n');
}

const SIGNALS = STOP_SIGNALS;
const EXIT_CODE = SIGNAL_EXIT_CODE;

/** Says that the export was interrupted and what became of its work folder; a folder left behind is said loudly. */
function interrupted(ctx: Context, by: string, removed: string[], notRemoved: { path: string; reason: string }[]): void {
  try {
    ctx.log([
      `chatarchief export: interrupted by ${by}; nothing was exported or recorded`,
      ...removed.map((d) => `; removed the unfinished work folder ${d}`),
      ...notRemoved.map((n) => `; could NOT remove the unfinished work folder ${n.path} (${n.reason}): it holds private content, remove it by hand`),
    ].join(''));
    if (ctx.json) ctx.result({ interrupted: true, signal: by.split(' ')[0], removed, notRemoved });
  } catch {
    // The terminal may be gone (SIGHUP): the exit code still says what happened.
  }
}

const exportCmd: Command = {
  name: 'export',
  summary: 'export the ruwe dataset and the geschoonde set of a custodian as MDTO + BagIt packages',
  usage: 'export --custodian <id> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] --out <dir> [--set geschoond|ruw|both] [--allow-unreviewed] [--json]',
  help: `--set (default both) chooses the sets: the geschoonde set, the ruwe dataset, or both.
Writes one BagIt bag per set into --out (a new or empty folder), atomically: everything is written beside it first
and renamed into place together with the export ledger. Refuses (exit 1, listing what is open) while suggestions in
the period are undecided, unless --allow-unreviewed: then they count as marked and the packages say so. A later export
of the same custodian contains only objects not delivered before (vervolgexport); with none left it exits 1 (--json:
error code nothing-new). It warns about delivered messages that a marking made since withholds: the earlier geschoonde
set still shows them (withheldSinceDelivery in --json and levering.json). Delivered messages that changed since their
delivery (a marking made or undone, a later edit) are not delivered again; the export names them (changedSinceDelivery),
also when it has nothing new to deliver. --from/--to are dates in the
custodian's zone, inclusive; messages of the period outside the custodian's term (custodian add --from/--to) are
exported too, with a warning (outsideTerm in --json). SOURCE_DATE_EPOCH fixes the export time (reproducible packages).
Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal or SSH session went away) stops the export, removes what it wrote
and exits 130/143/129; a second Ctrl-C before the export stopped removes its work folder at once and exits. The work
folder (.<out>.partial-XXXXXX) of an export that was killed outright is removed by the next export to the same --out.`,
  options: { custodian: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, set: { type: 'string' }, 'allow-unreviewed': { type: 'boolean' } },
  async run(ctx, { values }) {
    const o = validateOptions(this, exportSchema, values);
    // All or nothing: a signal aborts the export at its next step, which removes its work folder (src/export/partial.ts).
    const ac = new AbortController();
    let workDir: string | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      // The terminal is gone after SIGHUP: a failing write to it must not turn the clean stop into a crash.
      if (signal === 'SIGHUP' && !process.stderr.listenerCount('error')) process.stderr.on('error', () => {});
      if (!ac.signal.aborted) {
        ac.abort(signal);
        return;
      }
      // Again before the export reached its next step (one that takes long): do not wait for it. The export has not
      // been recorded (that happens without a pause after its last step), so removing its work folder is all there is.
      const reason = workDir ? removeWorkDir(workDir) : null;
      const removed = workDir && reason === null ? [workDir] : [];
      const notRemoved = workDir && reason !== null ? [{ path: workDir, reason }] : [];
      interrupted(ctx, `${signal} again`, removed, notRemoved);
      process.exit(EXIT_CODE[signal] ?? 130);
    };
    for (const s of SIGNALS) process.on(s, stop);
    try {
      const r = await runExport(ctx.store(), {
        custodianId: o.custodian, from: o.from, to: o.to, out: o.out, allowUnreviewed: o['allow-unreviewed'],
        sets: o.set === 'both' ? ['ruw', 'geschoond'] : [o.set], now: exportTime(ctx.io.env), log: (m) => ctx.progress(m),
        warn: (m) => ctx.log(`warning: ${m}`), signal: ac.signal, onWorkDir: (d) => { workDir = d; },
      });
      ctx.result(r, () => renderExport(r));
      return 0;
    } catch (e) {
      if (e instanceof ExportInterrupted) {
        interrupted(ctx, e.signal, e.removed, e.notRemoved);
        return EXIT_CODE[e.signal] ?? 130;
      }
      if (!(e instanceof OpenSuggestionsError)) throw e;
      if (ctx.json) ctx.result({ refused: true, reason: e.message, open: e.open });
      else ctx.log(renderOpen(e));
      return 1;
    } finally {
      workDir = undefined;
      for (const s of SIGNALS) process.off(s, stop);
    }
  },
};

function renderVerify(r: VerifyReport): string {
  // What was not checked is said in the verdict itself: a skipped leak check is not a pass.
  const skipped = r.checks.filter((c) => c.status === 'skipped').map((c) => `${c.name} (${c.detail})`);
  return [
    table(['check', 'package', 'status', 'detail'], r.checks.map((c) => [c.name, c.package, c.status, c.detail])),
    ...(r.findings.length ? ['', 'Findings:', ...r.findings.map((f) => `  [${f.check}] ${f.package}: ${f.message}`)] : []),
    '',
    !r.ok
      ? 'FAILED: see the findings above.'
      : skipped.length
        ? `OK, but not everything was checked: ${skipped.join('; ')}.`
        : 'OK: every check passed.',
  ].join('\n');
}

const verifyCmd: Command = {
  name: 'verify',
  summary: 'check exported packages: bag manifests, MDTO sidecars (XSD), pakbon, 1:1 slots, and no private content in the geschoonde set',
  usage: 'verify <package-dir>... [--xsd <MDTO-XML1.0.1.xsd>] [--db <file>] [--accept-unchecked-leaks] [--json]',
  help: `Give the geschoonde and the ruwe package (or the --out folder of an export, holding both). The leak check takes
the withheld content from the ruwe package of the same delivery, and from the ruwe packages of the custodian's other
deliveries given with it (a vervolgexport must not show what an earlier delivery withheld either); without it, from the
store (--db, or the default database when it exists). xmllint (Debian: libxml2-utils) validates the sidecars; the XSD is --xsd, $CHATARCHIEF_MDTO_XSD,
or shared/schemas/MDTO-XML1.0.1.xsd beside the installation. Exit 1 when a check fails, and when the leak check cannot
run (no ruwe package, no store) unless --accept-unchecked-leaks accepts that explicitly.`,
  options: { xsd: { type: 'string' }, 'accept-unchecked-leaks': { type: 'boolean' } },
  positionals: true,
  run(ctx, { values, positionals }) {
    if (positionals.length < 1) throw new UserError(`expected a package folder (the geschoonde and the ruwe package, or the --out folder of an export)\nusage: chatarchief ${this.usage}`);
    const xsd = values.xsd as string | undefined;
    if (xsd && !fs.existsSync(xsd)) throw new UserError(`--xsd ${xsd}: no such file`);
    const useStore = values.db !== undefined || fs.existsSync(ctx.dbPath);
    let report: VerifyReport;
    try {
      report = verifyPackages(positionals, { store: useStore ? ctx.store() : null, ...(xsd ? { xsd } : {}), acceptUncheckedLeaks: values['accept-unchecked-leaks'] === true });
    } catch (e) {
      if (e instanceof Error && /not a folder|not a BagIt bag/.test(e.message)) throw new UserError(e.message);
      throw e;
    }
    ctx.result(report, () => renderVerify(report));
    return report.ok ? 0 : 1;
  },
};

export const exportCommands: Command[] = [exportCmd, verifyCmd];
