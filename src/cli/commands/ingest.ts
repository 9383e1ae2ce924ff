import os from 'node:os';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { ingestPaths } from '../../ingest/run.js';
import { IngestInterrupted, type SourceReport } from '../../ingest/context.js';
import { SIGNAL_EXIT_CODE as EXIT_CODE, STOP_SIGNALS as SIGNALS } from '../signals.js';
import type { ReadOut } from '../../ingest/read-out.js';
import type { ParseWarning } from '../../../parsers/types.js';
import { DEFAULT_ZIP_LIMITS } from '../../ingest/zip.js';
import { getConversation, iterateMessages, listConversations } from '../../store/messages.js';
import { idOption, validateOptions, type Command } from '../command.js';
import { table } from '../format.js';
import { requireCustodian } from './custodian.js';

const positiveInt = z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().positive());

const ingestSchema = z.object({
  custodian: z.string({ message: 'required; expected <id> (see: chatarchief custodian list)' }).min(1),
  operator: z.string().min(1).optional(),
  device: z.string().min(1).optional(),
  'date-order': z.enum(['dmy', 'mdy'], { message: 'expected dmy or mdy' }).optional(),
  format: z.enum(['whatsapp', 'signal-export', 'sms-xml', 'sigtop-json', 'signal-txt'], { message: 'expected whatsapp, signal-export, sms-xml, sigtop-json or signal-txt' }).optional(),
  'max-zip-entries': positiveInt.optional(),
  'max-zip-bytes': positiveInt.optional(),
  'max-zip-ratio': positiveInt.optional(),
  'read-out': z.string().regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$/, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (in the custodian\'s zone)').optional(),
});

const ingest: Command = {
  name: 'ingest',
  summary: 'secure device exports (WhatsApp .zip/.txt, Signal exports, folders) for a custodian',
  usage:
    'ingest <path...> --custodian <id> [--operator <name>] [--device <label>] [--read-out <YYYY-MM-DD[THH:MM]>] [--date-order dmy|mdy] [--format <f>] [--max-zip-entries N] [--max-zip-bytes N] [--max-zip-ratio N] [--json]',
  help: `A path is a WhatsApp export .zip (iOS _chat.txt or Android "WhatsApp Chat with X.txt" / "WhatsApp-chat met X.txt", with media),
a bare .txt, a Signal export (zip or folder with main.jsonl), SMS Backup & Restore .xml, sigtop .json, or a folder
(every export in it is ingested, subfolders too; files beside a WhatsApp chat .txt are its media). Entries of a folder that
are not taken in (hidden ones such as .DS_Store, and files that are neither an export nor a chat's media) are listed as
skipped, on stderr and in --json "skipped"; a symbolic link inside a folder is refused. One run is one veiligstelling and
is all-or-nothing.
--operator defaults to the login name; --device labels the phone that was read out; --read-out states when it was read
out (in the custodian's zone; a date alone covers that whole day, a time that whole minute). A read-out before the
export's last message is refused. Without it the export's own time is used where the export has one (Signal's backup header,
a zip entry's time); a loose file's modification time is not evidence and is ignored.
--format (default: detected per file) forces one of whatsapp, signal-export, sms-xml, sigtop-json, signal-txt.
--date-order (default: inferred per file) forces day-first (dmy) or month-first (mdy) dates; a file that proves the
forced order impossible is refused, naming the line.
Zip limits (defaults): --max-zip-entries ${DEFAULT_ZIP_LIMITS.maxEntries}, --max-zip-bytes ${DEFAULT_ZIP_LIMITS.maxTotalBytes} (uncompressed total),
--max-zip-ratio ${DEFAULT_ZIP_LIMITS.maxRatio} (per entry over 1 MiB).
Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the run at its next step and rolls it back, the files it copied into the blob
store included (exit 130/143/129); a second one exits at once (the store is unchanged; copied files stay). Temporary
files that a run killed hard (a second signal, SIGKILL, power loss) left in the blob store are removed by a later run once
they are an hour old; whole blobs no row refers to are kept.`,
  options: {
    custodian: { type: 'string' }, operator: { type: 'string' }, device: { type: 'string' }, 'date-order': { type: 'string' },
    format: { type: 'string' }, 'read-out': { type: 'string' }, 'max-zip-entries': { type: 'string' }, 'max-zip-bytes': { type: 'string' }, 'max-zip-ratio': { type: 'string' },
  },
  positionals: true,
  async run(ctx, { values, positionals }) {
    if (positionals.length === 0) throw new UserError(`name at least one export file or folder\nusage: chatarchief ${this.usage}`);
    const o = validateOptions(this, ingestSchema, values);
    const store = ctx.store();
    const custodian = requireCustodian(store.db, o.custodian);
    const started = Date.now();
    // All or nothing: a signal stops the run at its next step, which rolls it back (rows, blobs, temporary files).
    const ac = new AbortController();
    const stop = (signal: NodeJS.Signals): void => {
      if (signal === 'SIGHUP' && !process.stderr.listenerCount('error')) process.stderr.on('error', () => {});
      if (!ac.signal.aborted) {
        ac.abort(signal);
        ctx.progress(`${signal}: stopping the ingest; nothing of this run will be stored`);
        return;
      }
      // Again: stop at once. The transaction was not committed, so the store is unchanged; blobs written so far stay.
      process.exit(EXIT_CODE[signal] ?? 130);
    };
    for (const s of SIGNALS) process.on(s, stop);
    let result: Awaited<ReturnType<typeof ingestPaths>>;
    try {
      result = await ingestPaths(store, positionals, {
        custodian,
        operator: o.operator ?? os.userInfo().username,
        device: o.device ?? null,
        dateOrder: o['date-order'],
        format: o.format,
        readOut: o['read-out'] ? readOutInstant(o['read-out'], custodian.tz) : undefined,
        zipLimits: {
          maxEntries: o['max-zip-entries'] ?? DEFAULT_ZIP_LIMITS.maxEntries,
          maxTotalBytes: o['max-zip-bytes'] ?? DEFAULT_ZIP_LIMITS.maxTotalBytes,
          maxRatio: o['max-zip-ratio'] ?? DEFAULT_ZIP_LIMITS.maxRatio,
        },
        progress: (m) => ctx.progress(m),
        signal: ac.signal,
      });
    } catch (e) {
      if (!(e instanceof IngestInterrupted)) throw e;
      ctx.log(`chatarchief ingest: interrupted by ${e.signal}; nothing of this run was stored (its rows and the files it had copied into the blob store were removed)`);
      if (ctx.json) ctx.result({ interrupted: true, signal: e.signal });
      return EXIT_CODE[e.signal] ?? 130;
    } finally {
      for (const s of SIGNALS) process.off(s, stop);
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    for (const s of result.sources) {
      for (const w of s.warnings) ctx.log(w.message.includes(s.file) ? `warning: ${w.message}` : `warning: ${warningPlace(s.file, w)}: ${w.message}`);
    }
    // Every entry of a folder that was not taken in, so that the operator knows what the veiligstelling lacks.
    for (const k of result.skipped) ctx.log(`skipped: ${k.path}: ${k.reason}`);
    ctx.result({ veiligstellingId: result.veiligstellingId, sources: result.sources, skipped: result.skipped }, () =>
      [
        table(
          ['source', 'file', 'format', 'date order', 'conversation', 'new', 'seen before', 'missing', 'attachments', 'warnings'],
          result.sources.map((s) => [
            s.duplicateSource ? `${s.id} (duplicate)` : s.id, s.file, s.format, s.dateOrder ?? '', s.conversationIds?.join(',') ?? s.conversationId ?? '',
            s.messagesNew, s.messagesSeenBefore, s.messagesMissing, attachmentsCell(s),
            s.warnings.length,
          ]),
        ),
        ...result.sources.filter((s) => s.dateOrderEvidence).map((s) => `source ${s.id}: date order ${s.dateOrder} (${s.dateOrderEvidence})`),
        ...(result.skipped.length ? [`${result.skipped.length} entr${result.skipped.length === 1 ? 'y' : 'ies'} of the folder(s) not taken in (listed on stderr as 'skipped').`] : []),
        result.veiligstellingId === null ? 'Nothing new: every file was ingested before.' : `Veiligstelling ${result.veiligstellingId} recorded in ${secs}s.`,
      ].join('\n'),
    );
  },
};

/**
 * The ingest table's attachments: how many, how many the export lacks, and of those how many an earlier export had
 * secured (their kept bytes are the evidence; see the source's `attachment-missing-later` warning).
 */
function attachmentsCell(s: SourceReport): string | number {
  if (!s.attachmentsMissing) return s.attachments;
  const later = s.attachmentsMissingLater ? `, ${s.attachmentsMissingLater} of them secured by an earlier export` : '';
  return `${s.attachments} (${s.attachmentsMissing} missing${later})`;
}

const conversations: Command = {
  name: 'conversations',
  summary: "list a custodian's conversations",
  usage: 'conversations --custodian <id> [--json]',
  options: { custodian: { type: 'string' } },
  run(ctx, { values }) {
    const db = ctx.store().db;
    const c = requireCustodian(db, values.custodian);
    const list = listConversations(db, c.id);
    ctx.result({ conversations: list }, () =>
      list.length
        ? table(['id', 'platform', 'title', 'group', 'messages', 'first', 'last', 'participants'], list.map((x) => [
            x.id, x.platform, x.title, x.isGroup ? 'yes' : 'no', x.messageCount, x.firstAt ?? '', x.lastAt ?? '', x.participants.length,
          ]))
        : `No conversations for ${c.id} yet. Ingest exports with: chatarchief ingest <path> --custodian ${c.id}`,
    );
  },
};

const messages: Command = {
  name: 'messages',
  summary: 'list the messages of a conversation (in file order)',
  usage: 'messages --conversation <id> [--json]',
  help: `One line per message: its position in file order, \`msg <id>\` (the message id that review mark --message takes and
review list and markings show), the time it was sent, the sender and the text. --json gives both as \`seq\` and \`id\`.`,
  options: { conversation: { type: 'string' } },
  run(ctx, { values }) {
    const { conversation: id } = validateOptions(this, z.object({
      conversation: idOption('conversation').optional(),
    }), values);
    if (id === undefined) throw new UserError('--conversation <id> is required (a number; see: chatarchief conversations --custodian <id>)');
    const db = ctx.store().db;
    if (!getConversation(db, id)) throw new UserError(`unknown conversation ${id} (see: chatarchief conversations --custodian <id>)`);
    if (ctx.json) {
      // Streamed so that a conversation of a million messages does not sit in memory.
      ctx.io.stdout('{"messages":[');
      let first = true;
      for (const m of iterateMessages(db, id)) {
        ctx.io.stdout((first ? '\n' : ',\n') + JSON.stringify(m));
        first = false;
      }
      ctx.io.stdout('\n]}\n');
      return;
    }
    const out: string[] = [];
    for (const m of iterateMessages(db, id)) {
      const flags = [m.edited && 'edited', m.viewOnce && 'view-once', m.timeAmbiguous && 'time-ambiguous', m.timeInvalid && 'time-invalid', m.missingIn.length && `missing in ${m.missingIn.join(',')}`]
        .filter(Boolean).join(', ');
      const body = m.kind === 'system' ? `[${m.event}] ${m.text}` : m.kind === 'text' ? m.text : m.text ? `[${m.kind}] ${m.text}` : `[${m.kind}]`;
      const att = m.attachments.map((a) => ` <${a.name}${a.missing ? ' (missing)' : ''}>`).join('');
      out.push(`${m.seq}\tmsg ${m.id}\t${m.sentAt}\t${m.sender ?? '-'}: ${body}${att}${flags ? `  {${flags}}` : ''}`);
    }
    ctx.result(null, () => out.join('\n'));
  },
};

/**
 * Where a warning is: `file:line`, or for a file inside a zip `x.zip (entry _chat.txt, line 3)` (the line is left out
 * when the message states it already).
 */
function warningPlace(file: string, w: ParseWarning): string {
  if (!w.entry) return `${file}${w.line ? `:${w.line}` : ''}`;
  const line = w.line && !new RegExp(`\\bline ${w.line}\\b`).test(w.message) ? `, line ${w.line}` : '';
  return `${file} (entry ${w.entry}${line})`;
}

/**
 * The read-out moment: a real wall-clock time in the custodian's zone, not in the future. Its instant (the start of the
 * day or minute given) is recorded as the export time; what it covers (that whole day, or that whole minute) bounds the
 * export's messages.
 */
export function readOutInstant(text: string, zone: string, now = Date.now()): ReadOut {
  const local = text.replace(' ', 'T');
  const dt = DateTime.fromISO(local, { zone });
  if (!dt.isValid) throw new UserError(`--read-out: '${text}' is not a real date or time`);
  // luxon moves a time in the spring-forward gap an hour on; a read-out record must say what was written or refuse.
  const given = local.length > 10 ? local.slice(0, 16) : `${local}T00:00`;
  if (dt.toFormat("yyyy-MM-dd'T'HH:mm") !== given) throw new UserError(`--read-out: '${text}' does not exist in ${zone} (the hour skipped for daylight saving)`);
  if (dt.toMillis() > now + 60_000) throw new UserError(`--read-out: '${text}' is in the future; give the moment the phone was read out`);
  const until = local.length > 10 ? dt.startOf('minute').plus({ minutes: 1 }) : dt.startOf('day').plus({ days: 1 }).startOf('day');
  return { text, zone, at: dt.toUTC().toISO()!, untilMs: until.toMillis() };
}

export const ingestCommands: Command[] = [ingest, conversations, messages];
