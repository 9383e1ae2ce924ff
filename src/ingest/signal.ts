import crypto from 'node:crypto';
import path from 'node:path';
import { addParticipant, addSourceFile, addSourceFinding, createSource, ensureContact, ensureConversation, finishSource } from '../store/ingest.js';
import { ATTACHMENT_MISMATCH } from '../store/reports.js';
import { MessageWriter, type StoredAttachment } from '../store/message-writer.js';
import { deletedSinceWarning, editedSinceWarning } from './edited-since.js';
import { zipTimeIn } from './zip-time.js';
import { splitLines } from '../../parsers/lines.js';
import {
  SIGNAL_PARSER_VERSION, SignalFormatError, parseSigtopJson, parseSignalExport, parseSignalText, parseSmsXml, type SignalEvent,
} from '../../parsers/signal/index.js';
import type { ParsedAttachment, ParsedChat, ParseWarning, Platform } from '../../parsers/types.js';
import { checkInterrupted, entryWarnings, readChunks, WarningLog, type IngestContext, type SourceReport } from './context.js';
import { inputErrorIn, type ExportUnit, type FileRef } from './discover.js';
import { attachmentUpdateRecorder, storeExportFiles, type ExportFile, type StoredSource } from './files.js';
import { declaredOf, type DeclaredFile } from '../../parsers/signal/declared.js';
import { AbsentAttachments } from './absent-attachments.js';
import { ReadOutCheck } from './read-out.js';

export const SIGNAL_FORMATS = ['signal-export', 'sms-xml', 'sigtop-json', 'signal-txt'] as const;
export type SignalFormatName = (typeof SIGNAL_FORMATS)[number];

export const isSignalFormat = (f: string): f is SignalFormatName => (SIGNAL_FORMATS as readonly string[]).includes(f);

/** The warning of a Signal chat export without its metadata.json. */
const EXPORT_METADATA_MISSING = 'export-metadata-missing';

/** Warning codes that mean the export may be incomplete; they become source findings for the reports. */
const FINDING_CODES = new Set(['disappearing-messages-may-be-absent', 'view-once-media-stripped', 'lossy-export', 'low-fidelity-transcript']);

interface ChatState {
  conversationId: number;
  writer: MessageWriter;
  contacts: Map<string, number>;
}

/**
 * Ingests one Signal or SMS source (Signal's own export, SMS Backup & Restore XML, sigtop JSON, a text transcript).
 * One source may hold many chats; each becomes (or joins) a conversation with its own dedup and missing detection.
 */
export async function ingestSignal(ctx: IngestContext, unit: ExportUnit, stored: StoredSource, format: SignalFormatName): Promise<SourceReport> {
  const warnings = new WarningLog();
  let sourceId: number | null = null;
  let platform: Platform = format === 'sms-xml' ? 'sms' : 'signal';
  let lowFidelity = format === 'signal-txt';
  const chats = new Map<string, ChatState>();
  let media = new Map<string, ExportFile>();
  const byStem = new Map<string, ExportFile>();
  let attachments = 0;
  let attachmentsMissing = 0;
  /** Made with the source (see ensureSource). */
  let absent: AbsentAttachments | undefined;

  const ensureSource = async (details: Record<string, unknown>): Promise<number> => {
    if (sourceId !== null) return sourceId;
    // The export's own time: Signal's backup header, else the zip entry's time. A loose file's modification time
    // is not evidence (a copy or checkout resets it), so it is not used.
    const exportedMs = typeof details.backupTime === 'string' ? Date.parse(details.backupTime) : NaN;
    sourceId = createSource(ctx.db, {
      custodianId: ctx.custodian.id, veiligstellingId: ctx.veiligstellingId, fileName: path.basename(unit.sourcePath), originalPath: unit.sourcePath,
      size: stored.size, sha256: stored.sha256, operator: ctx.operator, device: ctx.device, format, platform, dateOrder: null, dateOrderEvidence: null,
      parserVersion: `signal-${SIGNAL_PARSER_VERSION}`, lowFidelity,
      exportedAt: ctx.readOut?.at ?? (Number.isFinite(exportedMs) ? new Date(exportedMs).toISOString() : unit.container === 'zip' ? zipTimeIn(unit.main.modified, ctx.custodian.tz) : null),
    });
    absent = new AbsentAttachments(ctx.db, sourceId);
    addSourceFile(ctx.db, sourceId, unit.main.rel, unit.main.size, stored.mainSha256, 'chat');
    media = await storeExportFiles(ctx, unit, sourceId);
    for (const [rel, f] of media) byStem.set(rel.replace(/\.[^./]+$/, ''), f);
    return sourceId;
  };

  /** The attachment as stored, and the file's mismatch with what the export records about it (or null). */
  const resolve = (a: ParsedAttachment): { att: StoredAttachment; mismatch: Mismatch | null } => {
    if (a.data) {
      const r = ctx.blobs.putBuffer(a.data);
      return { att: { name: a.name, mime: a.mime ?? null, sha256: r.sha256, size: r.size, missing: false }, mismatch: null };
    }
    let f = a.omitted || !a.ref ? undefined : media.get(a.ref) ?? byStem.get(a.ref) ?? byStem.get(a.ref.replace(/\.[^./]+$/, '')) ?? looseSigtop(media, a.ref);
    const declared = declaredOf(a);
    let mismatch: Mismatch | null = null;
    if (f && declared) {
      // A file matched by name (sigtop: `name.jpg`, `name-2.jpg` for two attachments of one name) may be the wrong
      // one of a name clash: the one with the recorded hash is the attachment's file.
      if (declared.sha256 !== null && declared.sha256 !== f.sha256 && a.ref) f = looseSigtopAll(media, a.ref).find((x) => x.sha256 === declared.sha256) ?? f;
      if ((declared.sha256 !== null && declared.sha256 !== f.sha256) || (declared.size !== null && declared.size !== f.size)) mismatch = { file: f, declared };
    }
    return {
      att: { name: a.name, mime: a.mime ?? null, sha256: f?.sha256 ?? null, size: f?.size ?? null, missing: !f, path: f?.path ?? null, omitted: a.omitted === true },
      mismatch,
    };
  };

  const onChat = (chat: ParsedChat & { chatKey: string }): void => {
    const conv = ensureConversation(ctx.db, ctx.custodian.id, chat);
    let st = chats.get(chat.chatKey);
    if (!st) {
      const writer = new MessageWriter(
        ctx.db, conv.id, sourceId!, (e) => warnings.add(editedSinceWarning(e, conv.id)), attachmentUpdateRecorder(ctx.db, warnings.add, conv.id, sourceId!),
        (e) => {
          // Every one becomes a finding (the warning list keeps only the first 50 of a code).
          const w = deletedSinceWarning(e, conv.id);
          warnings.add(w);
          addSourceFinding(ctx.db, sourceId!, w.code, w.message, conv.id, { messageId: e.messageId });
        },
      );
      // A best-effort transcript holds no files, so it cannot show one gone (see AttachmentFill.onAbsent).
      if (!lowFidelity) writer.onAttachmentAbsent = absent!.recorder(conv.id);
      writer.onRepeatedLine = (e) =>
        warnings.add({
          code: 'repeated-line',
          message: `line ${e.line} repeats line ${e.firstLine} byte for byte (the same message: author and send time); stored once, as message ${e.messageId}`,
          line: e.line,
        });
      st = { conversationId: conv.id, writer, contacts: new Map() };
      chats.set(chat.chatKey, st);
    }
    for (const p of chat.participants) {
      if (!p.name && !p.phone && !p.key) continue;
      const id = ensureContact(ctx.db, ctx.custodian.id, platform, p, p.key === 'self');
      addParticipant(ctx.db, conv.id, id);
    }
  };

  /**
   * The parser's warnings of FINDING_CODES, every one (the warning log keeps only the first 50 of a code), each with
   * the chat it concerns; the log gets them without the chat key.
   */
  const findings: { code: string; message: string; chatKey: string | null }[] = [];
  const onParserWarning = ({ chatKey, ...w }: ParseWarning): void => {
    if (FINDING_CODES.has(w.code)) findings.push({ code: w.code, message: w.message, chatKey: chatKey ?? null });
    warnings.add(w);
  };

  const mains = [unit.main, ...(unit.extraMains ?? [])];
  /** Other files of the export the parse read (metadata.json), by path, with the hash of the bytes it read. */
  const read = new Map<string, string>();
  let eventCount = 0;
  const readOut = new ReadOutCheck(ctx.readOut);
  try {
    for (const main of mains) {
      for await (const ev of events(format, main, ctx, entryWarnings(unit, main, onParserWarning), unit.files, (rel, sha256) => read.set(rel, sha256))) {
        if ((++eventCount & 1023) === 0) checkInterrupted(ctx);
        if (ev.type === 'source') {
          platform = ev.platform;
          lowFidelity ||= ev.lowFidelity;
          await ensureSource(ev.details);
        } else if (ev.type === 'chat') {
          await ensureSource({});
          onChat(ev.chat);
        } else {
          const st = chats.get(ev.chatKey);
          if (!st) throw inputErrorIn(main, `message for chat '${ev.chatKey}' before that chat was described`, { line: ev.message.line });
          const m = ev.message;
          let senderId: number | null = null;
          if (m.sender || m.senderPhone || m.senderKey) {
            const k = m.senderKey ?? m.senderPhone ?? m.sender!;
            senderId = st.contacts.get(k) ?? null;
            if (senderId === null) {
              senderId = ensureContact(ctx.db, ctx.custodian.id, platform, { name: m.sender, phone: m.senderPhone, key: m.senderKey }, m.fromSelf === true);
              st.contacts.set(k, senderId);
              addParticipant(ctx.db, st.conversationId, senderId);
            }
          }
          const resolved = m.attachments.map(resolve);
          const atts = resolved.map((r) => r.att);
          attachments += atts.length;
          attachmentsMissing += atts.filter((a) => a.missing).length;
          const { id } = st.writer.write(m, senderId, atts);
          for (const r of resolved) {
            if (!r.mismatch) continue;
            const w = mismatchWarning(r.att.name, r.mismatch, { id, conversationId: st.conversationId, sender: m.sender, sentAt: m.sentAt, line: m.line });
            warnings.add(w);
            // Every one becomes a finding (the warning list keeps only the first 50 of a code).
            addSourceFinding(ctx.db, sourceId!, ATTACHMENT_MISMATCH, w.message, st.conversationId, { messageId: id });
          }
          readOut.see(m, main);
        }
      }
    }
  } catch (e) {
    if (e instanceof SignalFormatError) {
      // (The parser names the place by the file's display path; the error names it as file, entry and line instead.)
      throw inputErrorIn(unit.main, e.detail, e.line !== undefined ? { line: e.line } : {});
    }
    throw e;
  }
  if (sourceId === null || chats.size === 0) throw inputErrorIn(unit.main, 'the export holds no messages');
  // The parse read these from the export, the store copied them apart: both must be the same bytes.
  for (const [rel, sha256] of read) {
    const kept = media.get(rel);
    if (kept && kept.sha256 !== sha256) {
      throw inputErrorIn(unit.files.get(rel) ?? { file: rel }, `the file changed while being read: the parse read bytes with SHA-256 ${sha256}, the store kept SHA-256 ${kept.sha256}. Nothing was stored; ingest it again once nothing writes to it`, { code: 'changed-while-read' });
    }
  }
  const late = readOut.check();
  if (late) warnings.add(late);
  let first: string | null = null;
  let last: string | null = null;
  let count = 0;
  let newCount = 0;
  let seen = 0;
  let updated = 0;
  let filled = 0;
  let differ = 0;
  let missing = 0;
  let secured = 0;
  for (const st of chats.values()) {
    missing += st.writer.finish({ lowFidelity });
    st.writer.resolveReplies();
    count += st.writer.count;
    newCount += st.writer.newCount;
    seen += st.writer.seenCount;
    updated += st.writer.updatedCount;
    filled += st.writer.attachmentsFilled;
    differ += st.writer.attachmentsDiffer;
    secured += st.writer.attachmentsSecuredShown;
    absent!.settle(st.conversationId, st.writer.maxMs);
    if (st.writer.firstAt && (!first || Date.parse(st.writer.firstAt) < Date.parse(first))) first = st.writer.firstAt;
    if (st.writer.lastAt && (!last || Date.parse(st.writer.lastAt) > Date.parse(last))) last = st.writer.lastAt;
  }
  // A finding about one chat is recorded on its conversation, when the source holds messages of it; else with the chat
  // key alone (the report looks for the chat's conversation, and says when there is none).
  for (const f of findings) addSourceFinding(ctx.db, sourceId, f.code, f.message, f.chatKey !== null ? chats.get(f.chatKey)?.conversationId ?? null : null, { chatKey: f.chatKey });
  const lacking = absent!.warning({ secured, mediaFiles: unit.files.size });
  if (lacking) warnings.add(lacking);
  finishSource(ctx.db, sourceId, { firstAt: first, lastAt: last, count, warnings: warnings.list });
  const conversationIds = [...new Set([...chats.values()].map((c) => c.conversationId))];
  // messagesUpdated: messages seen before (counted in messagesSeenBefore too) to which this source added versions.
  const report: SourceReport = {
    id: sourceId, file: unit.sourcePath, sha256: stored.sha256, format, dateOrder: null, duplicateSource: false,
    conversationId: conversationIds[0] ?? null, conversationIds, messagesNew: newCount, messagesSeenBefore: seen, messagesUpdated: updated,
    messagesMissing: missing, attachments, attachmentsMissing, attachmentsFilled: filled, attachmentsDiffer: differ,
    attachmentsMissingLater: absent!.count, lowFidelity, warnings: warnings.list,
  };
  return report;
}

interface Mismatch {
  file: ExportFile;
  declared: DeclaredFile;
}

/**
 * The warning for a file that differs from the SHA-256 or size the export records for it (code `attachment-mismatch`):
 * altered, truncated or replaced after the export was made. The bytes are kept as delivered.
 */
function mismatchWarning(
  name: string, x: Mismatch, msg: { id: number; conversationId: number; sender: string | null; sentAt: string; line: number },
): { code: string; message: string; line: number } {
  const { file, declared } = x;
  const expected = [declared.sha256 !== null ? `SHA-256 ${declared.sha256}` : null, declared.size !== null ? `${declared.size} bytes` : null].filter(Boolean).join(', ');
  const actual = [declared.sha256 !== null ? `SHA-256 ${file.sha256}` : null, declared.size !== null ? `${file.size} bytes` : null].filter(Boolean).join(', ');
  const what = [declared.sha256 !== null && declared.sha256 !== file.sha256 ? 'hash' : null, declared.size !== null && declared.size !== file.size ? 'size' : null]
    .filter(Boolean).join(' and ');
  return {
    code: ATTACHMENT_MISMATCH,
    message:
      `message ${msg.id} (conversation ${msg.conversationId}, ${msg.sender ?? 'system'}, sent ${msg.sentAt}): attachment '${name}', file '${file.path}': ` +
      `its ${what} differ${what.includes(' and ') ? '' : 's'} from what the export records (expected ${expected}; the file has ${actual}). ` +
      'The file may have been altered or damaged after the export was made; its bytes are kept as delivered',
    line: msg.line,
  };
}

function events(
  format: SignalFormatName, main: FileRef, ctx: IngestContext, onWarning: (w: { code: string; message: string }) => void, files: Map<string, FileRef>,
  onRead: (rel: string, sha256: string) => void,
): AsyncGenerator<SignalEvent> {
  const base = { zone: ctx.custodian.tz, entry: main.display, selfName: ctx.custodian.name, onWarning };
  const lines = () => splitLines(readChunks(main), onWarning);
  switch (format) {
    case 'signal-export':
      return (async function* () {
        const dir = main.rel.includes('/') ? main.rel.slice(0, main.rel.lastIndexOf('/') + 1) : '';
        const metaRef = files.get(`${dir}metadata.json`);
        let metadata: unknown;
        if (metaRef) {
          const chunks: Buffer[] = [];
          for await (const c of readChunks(metaRef)) chunks.push(c);
          onRead(metaRef.rel, crypto.createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
          try {
            metadata = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch (e) {
            throw inputErrorIn(metaRef, `metadata.json is not valid JSON (${(e as Error).message})`);
          }
        } else {
          onWarning({
            code: EXPORT_METADATA_MISSING,
            message:
              `no metadata.json beside ${main.rel}: the export's own metadata (its format version and backup id, which Signal writes ` +
              "with every chat export) is missing, so the chain of custody lacks the exporter's own account of this export. Ingest " +
              'the export as Signal wrote it (the whole folder or zip) if it is still at hand',
          });
        }
        yield* parseSignalExport(lines(), { ...base, metadata });
      })();
    case 'sms-xml':
      return parseSmsXml(readChunks(main), base);
    case 'sigtop-json':
      return parseSigtopJson(lines(), { ...base, fileName: path.posix.basename(main.rel) });
    case 'signal-txt':
      return parseSignalText(lines(), { ...base, fileName: path.posix.basename(main.rel) });
  }
}

/** sigtop appends `-2`, `-3` on name clashes: match a ref loosely on its folder and base name. */
function looseSigtop(media: Map<string, ExportFile>, ref: string): ExportFile | undefined {
  return looseSigtopAll(media, ref, true)[0];
}

/** Every file that matches a ref loosely (see looseSigtop), in the export's order. */
function looseSigtopAll(media: Map<string, ExportFile>, ref: string, firstOnly = false): ExportFile[] {
  const dir = ref.includes('/') ? ref.slice(0, ref.lastIndexOf('/') + 1) : '';
  const stem = ref.slice(dir.length).replace(/\.[^.]+$/, '');
  const out: ExportFile[] = [];
  for (const [rel, f] of media) {
    // (A file named in NFD is in the lookup under both forms: once here.)
    if (rel.startsWith(dir) && rel.slice(dir.length).replace(/(-\d+)?\.[^.]+$/, '') === stem && !out.includes(f)) {
      out.push(f);
      if (firstOnly) break;
    }
  }
  return out;
}
