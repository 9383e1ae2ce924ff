import { z } from 'zod';
import { UserError } from '../../errors.js';
import { decide, decideBulk, mark, type DecisionOutcome } from '../../review/service.js';
import { startReviewServer } from '../../review/server.js';
import { formatBytes, verifyEvidence, type EvidenceReport } from '../../review/evidence.js';
import { verifyAudit, type VerifyReport } from '../../review/verify.js';
import { evidenceSummary, markingView, type MarkingView } from '../../review/views.js';
import { getConversation } from '../../store/messages.js';
import { listReviewMarkings, ruleSuggested, type ReviewBucket } from '../../store/review.js';
import { categorySchema, idOption, validateOptions, type Command } from '../command.js';
import { table } from '../format.js';
import { requireCustodian } from './custodian.js';

const REVIEWER_REQUIRED = 'required; expected <name>, who decides (recorded with the decision in the audit log)';
const reviewer = z.string({ message: REVIEWER_REQUIRED }).trim().min(1, REVIEWER_REQUIRED);
const custodianId = z.string({ message: 'required; expected <id> (see: chatarchief custodian list)' });

const server: Command = {
  name: 'review',
  summary: 'start the local review web page for a custodian (prints the URL with its access token)',
  usage: 'review --custodian <id> [--port <n>] [--host 127.0.0.1]',
  help: `Serves the review page on loopback (127.0.0.1) unless --host says otherwise. The printed URL carries a random
access token; requests without it are refused (401) and changes need it in the X-Chatarchief-Token header.
--port 0 (default) picks a free port. Stop with Ctrl-C.`,
  options: { custodian: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  async run(ctx, { values }) {
    const o = validateOptions(this, z.object({
      custodian: custodianId,
      port: z.string().regex(/^\d{1,5}$/, 'expected a port number 0-65535').transform(Number).refine((n) => n <= 65535, 'expected a port number 0-65535').default(0),
      host: z.string().min(1).default('127.0.0.1'),
    }), values);
    const store = ctx.store();
    const c = requireCustodian(store.db, o.custodian);
    const srv = await startReviewServer({ db: store.db, custodianId: c.id, host: o.host, port: o.port }).catch((e: unknown) => {
      throw listenProblem(e, o.host, o.port) ?? e;
    });
    ctx.result({ url: srv.url, host: srv.host, port: srv.port, custodianId: c.id }, () => `Review page for ${c.name} (${c.id}):\n\n  ${srv.url}\n\nOpen the link in a browser on this machine. Stop with Ctrl-C.`);
    if (!srv.loopback) ctx.log(`warning: listening on ${srv.host}, reachable from other machines; anyone with the link can review.`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void srv.close().then(resolve); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};

const STATE_NL: Record<string, string> = { open: 'open', pending: 'awaiting 2nd reviewer', decided: 'decided', lapsed: 'lapsed (rule change)' };

function renderMarkings(ms: MarkingView[]): string {
  if (!ms.length) return 'No markings match.';
  return table(
    ['id', 'level', 'where', 'category', 'status', 'state', 'rule / evidence', 'last decision'],
    ms.map((m) => [
      m.id,
      m.level + (m.span ? ` ${m.span[0]}:${m.span[1]}` : ''),
      m.level === 'contact' ? `contact ${m.targetId}${m.contactName ? ` (${m.contactName})` : ''}` : `${m.conversationTitle ?? ''} (#${m.conversationId})${m.messageSeq !== null ? ` msg ${m.targetId}` : ''}`,
      m.category + (m.category !== m.suggestedCategory ? ` (was ${m.suggestedCategory})` : ''),
      m.status,
      STATE_NL[m.state] + (m.active ? '' : m.state === 'lapsed' ? '' : ', suggestion gone')
        + (m.textChangedSinceDecision ? `, text changed since decision${m.textChangedBySource !== null ? ` (source ${m.textChangedBySource})` : ''}: decide again` : ''),
      evidenceSummary(m, 'en'),
      m.lastDecision ? `${m.lastDecision.action} by ${m.lastDecision.reviewer}${m.lastDecision.reason ? `: ${m.lastDecision.reason}` : ''}` : '',
    ]),
  );
}

const list: Command = {
  name: 'review list',
  summary: 'list a custodian\'s suggestions and decisions (open, awaiting a second reviewer, decided)',
  usage: 'review list --custodian <id> [--status open|decided|pending|lapsed|text-changed] [--rule <id>] [--conversation <id>] [--json]',
  help: `open: undecided; pending: a four-eyes decision awaits a second reviewer; lapsed: undecided and no longer suggested by the rules;
text-changed: decided markings whose message a later export showed with a newer text after the decision (a zakelijk
message marking, which the export then treats as unreviewed, or a passage marking, which keeps the earlier text).
Such a marking has textChangedSinceDecision: true and textChangedBySource (the source of the newer text) in --json;
a new decision on it (review decide <id> --accept confirms it again) clears that.
Without --status every marking is listed; --rule <id> and --conversation <id> keep those of one rule or conversation.`,
  options: { custodian: { type: 'string' }, status: { type: 'string' }, rule: { type: 'string' }, conversation: { type: 'string' } },
  run(ctx, { values }) {
    const o = validateOptions(this, z.object({
      custodian: custodianId,
      status: z.enum(['open', 'decided', 'pending', 'lapsed', 'text-changed'], { message: 'expected open, decided, pending or lapsed (or text-changed: decided on an earlier text)' }).optional(),
      rule: z.string().min(1).optional(),
      conversation: idOption('conversation').optional(),
    }), values);
    const db = ctx.store().db;
    const c = requireCustodian(db, o.custodian);
    // A mistyped conversation or rule must not pass as "nothing to review" (review decide refuses them too).
    if (o.conversation !== undefined && getConversation(db, o.conversation)?.custodianId !== c.id) {
      throw new UserError(`--conversation ${o.conversation}: custodian '${c.id}' has no such conversation (see: chatarchief conversations --custodian ${c.id})`);
    }
    if (o.rule !== undefined && !ruleSuggested(db, c.id, o.rule, o.conversation)) {
      throw new UserError(`--rule ${o.rule}: this rule made no suggestion ${o.conversation !== undefined ? `in conversation ${o.conversation}` : `for custodian '${c.id}'`} (see: chatarchief review list --custodian ${c.id})`);
    }
    const textChanged = o.status === 'text-changed';
    const bucket = textChanged ? undefined : (o.status as ReviewBucket | undefined);
    const ms = listReviewMarkings(db, c.id, { bucket, textChanged, ruleId: o.rule, conversationId: o.conversation }).map(markingView);
    const counts = { open: 0, pending: 0, decided: 0, lapsed: 0, textChanged: 0 };
    for (const m of ms) {
      counts[m.state]++;
      if (m.textChangedSinceDecision) counts.textChanged++;
    }
    const again = counts.textChanged ? ` ${counts.textChanged} decided on an earlier text of their message: decide again (--status text-changed lists them).` : '';
    ctx.result({ custodianId: c.id, counts, markings: ms }, () => `${renderMarkings(ms)}\n\n${ms.length} markings: ${counts.open} open, ${counts.pending} awaiting a second reviewer, ${counts.decided} decided, ${counts.lapsed} lapsed.${again}`);
  },
};

function renderOutcomes(os: DecisionOutcome[], skipped = 0): string {
  const lines = os.map((o) =>
    o.decisionId === null
      ? `marking ${o.markingId}: already ${o.status} (${o.category}); nothing recorded`
      : `marking ${o.markingId}: ${o.action} recorded (decision ${o.decisionId}) → ${o.status} ${o.category}${o.awaitingSecond ? ', awaiting a second reviewer' : ''}`,
  );
  if (skipped) lines.push(`${skipped} markings skipped (already decided, or awaiting a different proposal).`);
  for (const o of os) if (o.deliveredInGeschoond) lines.push(deliveredNote(o.markingId, o.deliveredInGeschoond));
  return lines.join('\n') || 'Nothing to decide.';
}

/** The note that a decision withholds messages an earlier geschoonde set delivered (ids and package names only). */
function deliveredNote(markingId: number, d: NonNullable<DecisionOutcome['deliveredInGeschoond']>): string {
  return (
    `note: marking ${markingId} withholds ${d.messages} message(s) that an earlier geschoonde set delivered${d.package ? ` (last: ${d.package})` : ''}. ` +
    'If that delivery showed them, the archive holds them shown: the next export names them (withheldSinceDelivery); ask the archive to replace or withdraw that delivery.'
  );
}

const decideCmd: Command = {
  name: 'review decide',
  summary: 'confirm, reject, re-categorise or undo suggestions (or all open suggestions of a conversation or rule)',
  usage: 'review decide (<markingId...> [--expect-last-decision <id>|none] | --conversation <id> [--rule <id>]) (--accept | --reject | --category <c> | --undo) --reviewer <name> [--reason <text>]',
  help: `A reason is required when rejecting, changing the category or overriding an earlier decision.
With four-eyes (custodian set <id> --second-reviewer true) a decision counts once a different reviewer has made the
same decision (run the same command under another --reviewer). --undo reverts your own latest decision on a marking.
--conversation decides every open suggestion of that conversation (of one rule with --rule); decided ones are skipped.
--expect-last-decision (optional, one marking id only) is the id of the latest decision you saw on the marking (as
\`review list --json\` shows it in lastDecision.id), or none: when someone decided since, the command is refused (exit 1,
nothing recorded) and says who decided what. Without it the command acts on the state stored when it runs.`,
  options: {
    accept: { type: 'boolean' }, reject: { type: 'boolean' }, undo: { type: 'boolean' }, category: { type: 'string' },
    reviewer: { type: 'string' }, reason: { type: 'string' }, conversation: { type: 'string' }, rule: { type: 'string' },
    'expect-last-decision': { type: 'string' },
  },
  positionals: true,
  run(ctx, { values, positionals }) {
    const o = validateOptions(this, z.object({
      accept: z.boolean().optional(), reject: z.boolean().optional(), undo: z.boolean().optional(),
      category: categorySchema.optional(), reviewer, reason: z.string().optional(),
      conversation: idOption('conversation').optional(), rule: z.string().min(1).optional(),
      'expect-last-decision': z.string().regex(/^([1-9]\d*|none)$/, 'expected a decision id or none').transform((v) => (v === 'none' ? null : Number(v))).optional(),
    }), values);
    const expect = o['expect-last-decision'];
    const chosen = [o.accept && 'accept', o.reject && 'reject', o.category && 'category', o.undo && 'undo'].filter(Boolean);
    if (chosen.length !== 1) throw new UserError(`give exactly one of --accept, --reject, --category <c>, --undo\nusage: chatarchief ${this.usage}`);
    const action = o.accept ? 'confirm' : o.reject ? 'reject' : o.undo ? 'undo' : 'change';
    const db = ctx.store().db;
    if (o.conversation !== undefined) {
      if (positionals.length) throw new UserError('give marking ids or --conversation, not both');
      if (action === 'undo') throw new UserError('--undo works on marking ids, not on a whole conversation');
      if (expect !== undefined) throw new UserError('--expect-last-decision works on one marking id, not on a whole conversation');
      const r = decideBulk(db, { conversationId: o.conversation, ruleId: o.rule, action, category: o.category, reviewer: o.reviewer, reason: o.reason });
      ctx.result(r, () => renderOutcomes(r.decided, r.skipped));
      return;
    }
    if (o.rule !== undefined) throw new UserError('--rule needs --conversation <id>');
    if (!positionals.length) throw new UserError(`give one or more marking ids (see: chatarchief review list --custodian <id>)\nusage: chatarchief ${this.usage}`);
    const ids = positionals.map((p) => {
      if (!/^\d+$/.test(p)) throw new UserError(`'${p}' is not a marking id (expected a number)`);
      return Number(p);
    });
    if (expect !== undefined && new Set(ids).size !== 1) throw new UserError('--expect-last-decision works on one marking id');
    const expected = expect === undefined ? undefined : new Map([[ids[0]!, expect]]);
    const r = decide(db, { markingIds: ids, action, category: o.category, reviewer: o.reviewer, reason: o.reason, expected });
    ctx.result({ decided: r }, () => renderOutcomes(r));
  },
};

const markCmd: Command = {
  name: 'review mark',
  summary: 'add a manual marking to a contact, conversation, message or passage',
  usage: 'review mark (--contact <id> | --conversation <id> | --message <id> [--span <start>:<end> [--text-sha256 <hex>]]) --category <c> --reviewer <name> [--reason <text>]',
  help: `--message takes the message id: \`msg <id>\` in the text of \`messages\` and \`review list\`, \`id\` in \`messages --json\`
(not the message's position in the chat). --contact takes a contact id (\`participants\` in \`conversations --json\`).
--span marks a passage: [start, end) in UTF-16 code units of the stored message text (as \`messages --json\` shows it).
--text-sha256 (optional) is the hex SHA-256 of the UTF-8 text you chose the span in (e.g. \`printf %s "$text" | sha256sum\`):
the marking is refused (exit 1, nothing recorded) when the stored text differs, e.g. because a later export brought a
newer version of an edited message. Without it the span is checked against the text stored when the command runs.
--contact refuses the bewindspersoon's own contact: that marking would cover everything they wrote, everywhere.`,
  options: {
    contact: { type: 'string' }, conversation: { type: 'string' }, message: { type: 'string' }, span: { type: 'string' }, 'text-sha256': { type: 'string' },
    category: { type: 'string' }, reviewer: { type: 'string' }, reason: { type: 'string' },
  },
  run(ctx, { values }) {
    const o = validateOptions(this, z.object({
      contact: idOption('contact').optional(), conversation: idOption('conversation').optional(), message: idOption('message').optional(),
      span: z.string().regex(/^\d+:\d+$/, 'expected <start>:<end>, e.g. 12:48').transform((s) => s.split(':').map(Number) as [number, number]).optional(),
      'text-sha256': z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected the hex SHA-256 (64 characters) of the message text').optional(),
      category: categorySchema, reviewer, reason: z.string().optional(),
    }), values);
    const targets = [o.contact !== undefined, o.conversation !== undefined, o.message !== undefined].filter(Boolean).length;
    if (targets !== 1) throw new UserError(`give exactly one of --contact, --conversation, --message\nusage: chatarchief ${this.usage}`);
    if (o.span && o.message === undefined) throw new UserError('--span needs --message <id>');
    if (o['text-sha256'] !== undefined && !o.span) throw new UserError('--text-sha256 needs --span <start>:<end> (it guards a passage marking)');
    const level = o.contact !== undefined ? 'contact' : o.conversation !== undefined ? 'conversation' : o.span ? 'passage' : 'message';
    const targetId = (o.contact ?? o.conversation ?? o.message)!;
    const r = mark(ctx.store().db, { level, targetId, span: o.span ?? null, textSha256: o['text-sha256'] ?? null, category: o.category, reviewer: o.reviewer, reason: o.reason });
    ctx.result(r, () => `Marked ${level} ${targetId}${o.span ? ` [${o.span[0]}, ${o.span[1]})` : ''} as ${o.category}: marking ${r.markingId}, ${r.awaitingSecond ? 'awaiting a second reviewer' : r.status}.` +
      (r.deliveredInGeschoond ? `\n${deliveredNote(r.markingId, r.deliveredInGeschoond)}` : ''));
  },
};

function renderVerify(r: VerifyReport): string {
  const head = r.chains.map((c) => `  ${c.custodianId}: ${c.entries} entries, head #${c.headSeq} ${c.headHash.slice(0, 16)}…`).join('\n');
  const summary = `${r.entries} audit entries, ${r.decisionsChecked} decisions and ${r.markingsChecked} reviewed markings checked.`;
  if (!r.findings.length) return `Audit log intact. ${summary}\n${head}`;
  return [`AUDIT LOG NOT INTACT: ${r.findings.length} finding(s).`, ...r.findings.map((f) => `  [${f.code}] ${f.message}`), '', summary, head].join('\n');
}

function renderEvidence(e: EvidenceReport, tmpDir: string): string {
  const manifests = e.manifests ? `, ${e.manifests} folder source(s) recorded by their file list` : '';
  const summary = `${e.checked} blob(s), ${formatBytes(e.bytes)}, checked against the ${e.references} row(s) that name them${manifests}.`;
  const tmp = e.tmpFiles
    ? `\n${e.tmpFiles} temporary file(s) in ${tmpDir} not checked: a write in progress or the leftovers of a killed ingest (never blobs; the next ingest removes those not written to for an hour).`
    : '';
  if (!e.findings.length) return `Evidence intact: ${summary}${tmp}`;
  return [`EVIDENCE NOT INTACT: ${e.findings.length} finding(s).`, ...e.findings.map((f) => `  [${f.code}] ${f.message}`), '', summary + tmp].join('\n');
}

const verifyCmd: Command = {
  name: 'audit verify',
  summary: 'check the hash-chained audit log, that decisions and markings agree with it, and the evidence in the blob store (exit 1 on any finding)',
  usage: 'audit verify [--custodian <id>] [--json]',
  help: `Reports edited, deleted, inserted or reordered log entries, decision rows that differ from the log or lack an entry, and markings whose stored state is not what the logged decisions produce.

Then checks the evidence: every blob that a source, a file of a source or an attachment names is read (streamed) and
must be a regular file of the recorded size whose SHA-256 is its name, and read-only as the store makes it. Findings:
blob-missing, blob-not-a-file, blob-unreadable, blob-size-differs (truncated or extended), blob-hash-differs (altered),
blob-writable; each names the rows (source id and file name, attachment id and name) and the blob's path. The store's
folders are then listed: a blob that no row names (an ingest killed hard after moving it in, or one running now) is a
blob-unreferenced finding, and anything else there a blob-stray finding; both are informational (kept: this command
changes nothing, and removes nothing), and still exit 1, so that someone looks. Temporary files in the store's tmp/
folder are counted, not checked. Progress goes to stderr for a large store.

--custodian checks that custodian's audit chain and only the blobs its rows name. A blob no row names belongs to no
custodian and cannot be attributed: it is reported with or without --custodian.

--json adds \`evidence\`: {checked, references, bytes, manifests, tmpFiles, findings: [{code, message, sha256, blobPath,
references: [{kind, fileName, custodianId, sourceId, path, attachmentId, messageId, conversationId, size}]}]} (fields a
row does not have are left out); \`findings\` stays the audit log's, and \`ok\` is false on any finding of either.`,
  options: { custodian: { type: 'string' } },
  run(ctx, { values }) {
    const store = ctx.store();
    const custodianId = values.custodian === undefined ? undefined : requireCustodian(store.db, values.custodian).id;
    const r = verifyAudit(store.db, { custodianId });
    const evidence = verifyEvidence(store, { custodianId, progress: (m) => ctx.progress(m) });
    const ok = r.ok && evidence.findings.length === 0;
    ctx.result({ ...r, ok, evidence }, () => `${renderVerify(r).trimEnd()}\n\n${renderEvidence(evidence, store.blobs.tmpDir)}`);
    return ok ? 0 : 1;
  },
};

/** A start-up mistake of the server (port taken, host not of this machine or unknown) as a UserError naming the option. */
function listenProblem(e: unknown, host: string, port: number): UserError | null {
  switch ((e as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return new UserError(`--port ${port}: already in use by another program; choose another port, or leave --port out to get a free one`);
    case 'EACCES':
      return new UserError(`--port ${port}: not allowed (ports below 1024 need administrator rights); choose a port from 1024 up, or leave --port out`);
    case 'EADDRNOTAVAIL':
      return new UserError(`--host ${host}: not an address of this machine; use 127.0.0.1 (the default) or an address this machine has`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`--host ${host}: unknown host name; use 127.0.0.1 (the default) or an address of this machine`);
    default:
      return null;
  }
}

export const reviewCommands: Command[] = [server, list, decideCmd, markCmd, verifyCmd];
