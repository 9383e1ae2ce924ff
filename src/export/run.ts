import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { getCustodian } from '../store/custodians.js';
import type { DB, Store } from '../store/db.js';
import { conversationStats, ledgerLookup, listExports, openSuggestions, recordExport, type OpenSuggestions, type SetKind } from '../store/exports.js';
import { deliveredAtLookup, lastDeliveriesOf } from '../store/delivered.js';
import { VERSION } from '../version.js';
import { dateIn } from './conversation.js';
import { withheldSinceDelivery } from './withheld-since.js';
import { buildExportContext, scopeOf } from './context.js';
import { PayloadWriter } from './files.js';
import { Ids } from './ids.js';
import { packageFiles, scanPackageYielding, sourceFromRawPackageYielding, sourceFromStoreYielding, type Leak } from './leaks.js';
import { writeSets, type SetOptions, type SetResult } from './package.js';
import { cannotWrite, cleanLeftovers, ExportInterrupted, makePartialDir, removeWorkDir, Yielder, type Leftovers } from './partial.js';
import { LedgerSink, type SetWriter } from './writer.js';
import { hidesText } from './leak-parts.js';

/**
 * The warning about messages that an earlier geschoonde set delivered showing what they now withhold (ids and package
 * names only: the content is private).
 */
function withheldWarning(db: DB, custodianId: string, count: number, examples: string[], packageWritten = true): string {
  const where = lastDeliveriesOf(db, custodianId, 'geschoond', examples).map((p) => path.basename(p));
  return (
    `geschoond: ${count} message(s) that an earlier geschoonde set delivered with their content are now withheld (marked privé or ` +
    `partijpolitiek since), e.g. ${examples.slice(0, 10).join(', ')}${where.length ? ` (delivered in ${where.join(', ')})` : ''}. That content is still in ` +
    `the earlier delivery: ask the receiving archive to replace or withdraw it. They are not delivered again${packageWritten ? ' (see withheldSinceDelivery in levering.json)' : ''}.`
  );
}

/** The note on delivered objects that changed since their delivery (`export`'s text output of a written package). */
export function changedSinceNote(set: SetKind, count: number, examples: string[]): string {
  return `${set}: ${count} object(s) changed since an earlier delivery and were NOT delivered again, e.g. ${examples.slice(0, 5).join(', ')}`;
}

/**
 * The warning of an export that writes no package about delivered messages that changed since their delivery (the
 * written package's note, in the same words, for scripts that look for them).
 */
function changedWarning(set: SetKind, count: number, examples: string[]): string {
  return `${changedSinceNote(set, count, examples)} (the earlier delivery holds them as they were then; a vervolgexport delivers only what was never delivered).`;
}

/**
 * `chatarchief export`: both deliveries of a custodian and period, written into a temporary folder beside --out and
 * renamed into place in the same database transaction that records the exports and their ledger entries; a failure
 * leaves neither a (partial) package nor a ledger entry.
 */

export interface ExportOptions {
  custodianId: string;
  from?: string;
  to?: string;
  out: string;
  sets: SetKind[];
  allowUnreviewed: boolean;
  /** Export time (SOURCE_DATE_EPOCH makes packages reproducible). */
  now?: Date;
  log?: (msg: string) => void;
  /** Warnings (stderr); default: log. */
  warn?: (msg: string) => void;
  /**
   * Aborted on SIGINT/SIGTERM/SIGHUP (reason: the signal's name): the export stops at its next step, removes its work
   * folder and rejects with ExportInterrupted. Without it the export runs without yielding.
   */
  signal?: AbortSignal;
  /**
   * Called with the work folder (`.<out>.partial-XXXXXX`) right after it is created, so that a signal handler that
   * cannot wait for the export's next step can remove it itself. The folder is gone (or renamed into place) once the
   * export settles.
   */
  onWorkDir?: (dir: string) => void;
}

/** Messages of the export period that fall outside the custodian's term (custodian add --from/--to). */
export interface OutsideTerm {
  /** Messages before termFrom. */
  before: number;
  /** Messages after termTo. */
  after: number;
  termFrom: string;
  termTo: string | null;
}

export interface ExportResult {
  out: string;
  custodianId: string;
  period: { from: string; to: string };
  delivery: number;
  allowUnreviewed: boolean;
  openSuggestions: number;
  packages: (SetResult & { path: string; exportId: number })[];
  /**
   * Messages in the period outside the custodian's term; they are exported all the same (which messages belong in the
   * delivery is the archivist's call: --from/--to), but warned about. Both 0 when the period lies within the term.
   */
  outsideTerm: OutsideTerm;
  /** Work folders of earlier, killed exports to the same --out: removed, or left alone because they may be in use. */
  leftoverPartials: Leftovers;
}

/** A kept attachment that is text (`media_<message id>_<n>.<ext>`, see conversation.ts; not its .mdto.xml sidecar). */
const TEXT_ATTACHMENT = /\/media_\d+_\d+\.(?:vcf|vcard|txt|text|csv|tsv|json|xml|html?|md|ics|vcs|eml|rtf|log)$/;
/** Any kept attachment (not a sidecar). */
const MEDIA_FILE = /\/media_\d+_\d+\.[^./]+$/;

/**
 * Thrown when the geschoonde set as written would hold withheld text or a private contact's name or number (exit 1;
 * nothing is delivered). The message names where, never what: the finding itself is private.
 */
export class LeakError extends UserError {
  constructor(readonly leaks: Leak[]) {
    super(
      [
        'the geschoonde set would contain withheld content or a private contact\'s name or number, so nothing was exported:',
        ...leaks.slice(0, 20).map((l) => `  ${l.file}:${l.line}: ${l.kind === 'text' ? 'withheld text' : `${l.kind} of a private contact`} (${l.origin})`),
        ...(leaks.length > 20 ? [`  … and more`] : []),
        'A media file is named media_<message id>_<n>: mark the message (or contact) that carries it privé or partijpolitiek',
        '(chatarchief review mark) and export again.',
      ].join('\n'),
    );
  }
}

/** Thrown while suggestions in scope are undecided (exit 1); carries what is open. */
export class OpenSuggestionsError extends UserError {
  constructor(readonly open: OpenSuggestions) {
    const edited = open.editedAfterDecision.length;
    const what = edited
      ? `${open.total} marking(s) in scope are unreviewed (${edited} zakelijk decision(s) made on an earlier text of a message edited since)`
      : `${open.total} suggestion(s) in scope are undecided`;
    super(`${what}; decide them (chatarchief review) or export with --allow-unreviewed`);
  }
}

function prepareOut(out: string): string {
  const abs = path.resolve(out);
  try {
    if (fs.existsSync(abs)) {
      if (!fs.statSync(abs).isDirectory()) throw new UserError(`--out ${out}: is a file; choose a new folder`);
      if (fs.readdirSync(abs).length > 0) throw new UserError(`--out ${out}: exists and is not an empty folder; choose a new folder`);
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  } catch (e) {
    throw cannotWrite(out, path.dirname(abs), e);
  }
  return abs;
}

/** Counts the messages of the scope before the custodian's term and after it (dates in the custodian's zone). */
function outsideTerm(db: Store['db'], custodian: { id: string; tz: string; termFrom: string; termTo: string | null }, scope: ReturnType<typeof scopeOf>, conversationIds: number[]): OutsideTerm {
  const term = scopeOf(custodian.id, custodian.tz, custodian.termFrom, custodian.termTo ?? undefined);
  const count = (fromMs: number | undefined, toMs: number | undefined): number => {
    if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) return 0;
    const s = { custodianId: custodian.id, fromMs, toMs };
    return conversationIds.reduce((a, id) => a + conversationStats(db, id, s).count, 0);
  };
  const min = (a: number | undefined, b: number): number => (a === undefined ? b : Math.min(a, b));
  const max = (a: number | undefined, b: number): number => (a === undefined ? b : Math.max(a, b));
  return {
    before: term.fromMs === undefined ? 0 : count(scope.fromMs, min(scope.toMs, term.fromMs)),
    after: term.toMs === undefined ? 0 : count(max(scope.fromMs, term.toMs), scope.toMs),
    termFrom: custodian.termFrom,
    termTo: custodian.termTo,
  };
}

export async function runExport(store: Store, o: ExportOptions): Promise<ExportResult> {
  const { db } = store;
  const custodian = getCustodian(db, o.custodianId);
  if (!custodian) throw new UserError(`unknown custodian '${o.custodianId}' (see: chatarchief custodian list)`);
  if (o.from && o.to && o.to < o.from) throw new UserError('--to must not be before --from');
  const scope = scopeOf(custodian.id, custodian.tz, o.from, o.to);
  const open = openSuggestions(db, scope);
  if (open.total > 0 && !o.allowUnreviewed) throw new OpenSuggestionsError(open);
  const out = prepareOut(o.out);
  const log = o.log ?? (() => {});
  const warn = o.warn ?? log;
  const y = new Yielder(o.signal);

  const x = buildExportContext(db, custodian, scope, o.allowUnreviewed);
  if (!x.conversations.length) throw new UserError(`nothing to export: custodian '${custodian.id}' has no messages in the period`);
  const stats = x.conversations.map((c) => conversationStats(db, c.id, scope));
  const period = {
    from: o.from ?? dateIn(Math.min(...stats.map((s) => s.firstMs ?? Infinity)), custodian.tz)!,
    to: o.to ?? dateIn(Math.max(...stats.map((s) => s.lastMs ?? -Infinity)), custodian.tz)!,
  };
  const outside = outsideTerm(db, custodian, scope, x.conversations.map((c) => c.id));
  if (outside.before || outside.after) {
    const term = `${custodian.termFrom} – ${custodian.termTo ?? 'now'}`;
    warn(
      `the period ${period.from} – ${period.to} holds ${[
        ...(outside.before ? [`${outside.before} message(s) before`] : []), ...(outside.after ? [`${outside.after} message(s) after`] : []),
      ].join(' and ')} the term of '${custodian.id}' (${term}); they are exported all the same. To leave them out, export with --from/--to within the term.`,
    );
  }
  const periodKey = `${period.from}_${period.to}`;
  const samePeriod = (set: SetKind) => listExports(db, custodian.id, set).filter((e) => e.periodFrom === period.from && e.periodTo === period.to).length;
  const delivery = 1 + Math.max(samePeriod('ruw'), samePeriod('geschoond'));
  const ids = new Ids(custodian.id, periodKey, delivery);
  const exportedAt = (o.now ?? new Date()).toISOString();
  // Vervolgexport: a set that has no message left to deliver is not written at all.
  const sets = o.sets.filter((set) => x.conversations.some((c) => conversationStats(db, c.id, scope, set).count > 0));
  for (const set of o.sets) if (!sets.includes(set)) log(`${set}: every message in ${period.from} – ${period.to} was delivered before; no ${set} package`);
  if (!sets.length) {
    // Nothing is written, but a delivered message may have changed since (a marking made or undone, a later edit), and
    // a marking made since a delivery may have withheld what a geschoonde set showed: say so, as a written package does.
    for (const set of o.sets) {
      const found = await withheldSinceDelivery(
        { db, blobs: store.blobs, x, set, delivered: ledgerLookup(db, custodian.id, set), deliveredAt: deliveredAtLookup(db, custodian.id, set) }, y,
      );
      if (found.changed) warn(changedWarning(set, found.changed, found.changedExamples));
      if (found.count) warn(withheldWarning(db, custodian.id, found.count, found.examples, false));
    }
    const last = listExports(db, custodian.id).at(-1);
    const where = last ? ` (the last delivery: ${last.setKind}, ${last.createdAt.slice(0, 10)}, ${last.outPath})` : '';
    // (code: a monthly script can tell this refusal from a failure)
    throw new UserError(`nothing new to export: every message of '${custodian.id}' in ${period.from} – ${period.to} was delivered before${where}`, { code: 'nothing-new' });
  }

  const leftovers = cleanLeftovers(out);
  for (const d of leftovers.removed) warn(`removed ${d}: the unfinished work folder of an earlier export to this --out that was killed`);
  for (const k of leftovers.kept) warn(`left alone ${k.path}, the work folder of another export to this --out: ${k.reason}`);
  await y.yield(); // a signal that came while the context was built: stop before writing anything
  const tmpRoot = makePartialDir(out, o.out);
  let jobs: { w: SetWriter; o: SetOptions }[] = [];
  let cleaned = false;
  try {
    o.onWorkDir?.(tmpRoot);
    const pkgDir = path.join(tmpRoot, 'pkg');
    const workDir = path.join(tmpRoot, 'work');
    fs.mkdirSync(workDir, { recursive: true });
    const started = Date.now();
    let done = 0;
    const tick = (): void => {
      if (++done % 100_000 === 0) log(`${done.toLocaleString('en-US')} messages written (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    };
    jobs = sets.map((set, i) => {
      const bagName = `${custodian.id}_${periodKey}_levering-${delivery}_${set}`;
      log(`${set}: writing ${bagName}`);
      const w: SetWriter = {
        db, blobs: store.blobs, x, set, pw: new PayloadWriter(path.join(pkgDir, bagName)), ids, exportedAt, period,
        delivered: ledgerLookup(db, custodian.id, set), deliveredAt: deliveredAtLookup(db, custodian.id, set),
        ledger: new LedgerSink(path.join(workDir, `ledger-${set}.tsv`)), tool: `chatarchief ${VERSION}`,
        ...(i === 0 ? { tick } : {}),
      };
      return { w, o: { bagName, openSuggestions: open.total, previousExports: listExports(db, custodian.id, set).map((e) => e.id) } };
    });
    const written = (await writeSets(jobs, y)).map((r, i) => ({ r, w: jobs[i]!.w }));
    for (const { r } of written) if (r.withheldSinceDelivery) warn(withheldWarning(db, custodian.id, r.withheldSinceDelivery, r.withheldSinceDeliveryExamples));
    // Before anything is delivered: the files the cleaner did not write, kept attachments copied byte for byte, are
    // checked like verify checks the set: no private contact's name or number (a forwarded vCard) and no withheld text
    // (a forwarded .txt). Only text-like attachments: in image, audio or video bytes a 4-letter name turns up by chance
    // (about twice per GB per name), which would refuse sound exports; zips and office documents also by their entries,
    // images by their metadata alone (a photo sent as a document keeps its Exif and XMP: Artist, XPAuthor, creator),
    // PDFs by their text (src/export/pdf-text.ts).
    // The rest of the set is cleaner output, which verify's full leak check covers afterwards.
    const geschoond = written.find(({ r }) => r.set === 'geschoond');
    if (geschoond) {
      const bag = path.join(pkgDir, geschoond.r.bagName);
      // (a zip, an office document or a PDF is read part by part: whatever its name, its compressed bytes hide its text)
      const texts = packageFiles(bag).filter((rel) => TEXT_ATTACHMENT.test(rel) || (MEDIA_FILE.test(rel) && hidesText(path.join(bag, rel))));
      if (texts.length) {
        log(`geschoond: checking ${texts.length} kept attachment(s) (text, zip entries, image metadata, PDF text) for private names, numbers and withheld text`);
        const ruw = written.find(({ r }) => r.set === 'ruw');
        const src = ruw ? await sourceFromRawPackageYielding(path.join(pkgDir, ruw.r.bagName), y) : await sourceFromStoreYielding(store, bag, y);
        const pick = new Set(texts);
        const leaks = await scanPackageYielding(bag, src, 21, (rel) => pick.has(rel), y);
        if (leaks.length) throw new LeakError(leaks);
      }
    }
    await y.yield(); // the last moment to stop: from here on the export is recorded and renamed in one go
    let renamed = false;
    let packages;
    try {
      packages = db.transaction(() => {
        const rows = written.map(({ r, w }) => ({
          ...r,
          path: path.join(out, r.bagName),
          exportId: recordExport(db, {
            custodianId: custodian.id, setKind: r.set, periodFrom: period.from, periodTo: period.to, outPath: path.join(out, r.bagName),
            packageSha256: r.packageSha256, allowUnreviewed: o.allowUnreviewed,
          }, () => w.ledger.entries()),
        }));
        // Last step inside the transaction: if the rename fails, nothing is recorded either.
        if (fs.existsSync(out)) fs.rmdirSync(out);
        fs.renameSync(pkgDir, out);
        renamed = true;
        return rows;
      }).immediate();
    } catch (e) {
      // The commit itself failed after the rename: take the package away again, so package and ledger agree.
      if (renamed) fs.rmSync(out, { recursive: true, force: true });
      throw e;
    }
    return {
      out, custodianId: custodian.id, period, delivery, allowUnreviewed: o.allowUnreviewed, openSuggestions: open.total, packages,
      outsideTerm: outside, leftoverPartials: leftovers,
    };
  } catch (e) {
    // Close what the writers still hold open, then remove the folder. A folder that cannot be removed never replaces
    // the error: an interrupt stays the reported error and says so, any other failure warns.
    for (const j of jobs) {
      j.w.pw.abort();
      j.w.ledger.abort();
    }
    if (e instanceof ExportInterrupted) {
      const reason = removeWorkDir(tmpRoot);
      if (reason === null) e.removed.push(tmpRoot);
      else e.notRemoved.push({ path: tmpRoot, reason });
      cleaned = true;
    }
    throw e;
  } finally {
    if (!cleaned) {
      const reason = removeWorkDir(tmpRoot);
      if (reason !== null) warn(`could NOT remove the work folder ${tmpRoot} (${reason}); it may hold private content: remove it by hand`);
    }
  }
}
