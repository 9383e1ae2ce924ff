import path from 'node:path';
import { InputError, UserError } from '../errors.js';
import { addParticipant, addSourceFile, addSourceFinding, createSource, ensureContact, ensureConversation, finishSource } from '../store/ingest.js';
import { MessageWriter, type EditedSince, type StoredAttachment } from '../store/message-writer.js';
import { splitLines } from '../../parsers/lines.js';
import {
  SIGNAL_PARSER_VERSION, SignalFormatError, parseSigtopJson, parseSignalExport, parseSignalText, parseSmsXml, type SignalEvent,
} from '../../parsers/signal/index.js';
import type { ParsedAttachment, ParsedChat, Platform } from '../../parsers/types.js';
import { readChunks, WarningLog, type IngestContext, type SourceReport } from './context.js';
import type { ExportUnit, FileRef } from './discover.js';
import { storeExportFiles, type StoredSource } from './files.js';
import { ReadOutCheck } from './read-out.js';

export const SIGNAL_FORMATS = ['signal-export', 'sms-xml', 'sigtop-json', 'signal-txt'] as const;
export type SignalFormatName = (typeof SIGNAL_FORMATS)[number];

export const isSignalFormat = (f: string): f is SignalFormatName => (SIGNAL_FORMATS as readonly string[]).includes(f);

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
  let media = new Map<string, { sha256: string; size: number }>();
  const byStem = new Map<string, { sha256: string; size: number }>();
  let attachments = 0;
  let attachmentsMissing = 0;

  const ensureSource = async (details: Record<string, unknown>): Promise<number> => {
    if (sourceId !== null) return sourceId;
    // The export's own time: Signal's backup header, else the zip entry's time. A loose file's modification time
    // is not evidence (a copy or checkout resets it), so it is not used.
    const exportedMs = typeof details.backupTime === 'string' ? Date.parse(details.backupTime) : NaN;
    sourceId = createSource(ctx.db, {
      custodianId: ctx.custodian.id, veiligstellingId: ctx.veiligstellingId, fileName: path.basename(unit.sourcePath), originalPath: unit.sourcePath,
      size: stored.size, sha256: stored.sha256, operator: ctx.operator, device: ctx.device, format, platform, dateOrder: null, dateOrderEvidence: null,
      parserVersion: `signal-${SIGNAL_PARSER_VERSION}`, lowFidelity,
      exportedAt: ctx.readOut?.at ?? (Number.isFinite(exportedMs) ? new Date(exportedMs).toISOString() : unit.container === 'zip' ? (unit.main.modified?.toISOString() ?? null) : null),
    });
    addSourceFile(ctx.db, sourceId, unit.main.rel, unit.main.size, stored.mainSha256, 'chat');
    media = await storeExportFiles(ctx, unit, sourceId);
    for (const [rel, f] of media) byStem.set(rel.replace(/\.[^./]+$/, ''), f);
    return sourceId;
  };

  const resolve = (a: ParsedAttachment): StoredAttachment => {
    if (a.data) {
      const r = ctx.blobs.putBuffer(a.data);
      return { name: a.name, mime: a.mime ?? null, sha256: r.sha256, size: r.size, missing: false };
    }
    const f = a.omitted || !a.ref ? undefined : media.get(a.ref) ?? byStem.get(a.ref) ?? byStem.get(a.ref.replace(/\.[^./]+$/, '')) ?? looseSigtop(media, a.ref);
    return { name: a.name, mime: a.mime ?? null, sha256: f?.sha256 ?? null, size: f?.size ?? null, missing: !f };
  };

  const onChat = (chat: ParsedChat & { chatKey: string }): void => {
    const conv = ensureConversation(ctx.db, ctx.custodian.id, chat);
    let st = chats.get(chat.chatKey);
    if (!st) {
      st = { conversationId: conv.id, writer: new MessageWriter(ctx.db, conv.id, sourceId!, (e) => warnings.add(editedSinceWarning(e, conv.id))), contacts: new Map() };
      chats.set(chat.chatKey, st);
    }
    for (const p of chat.participants) {
      if (!p.name && !p.phone && !p.key) continue;
      const id = ensureContact(ctx.db, ctx.custodian.id, platform, p, p.key === 'self');
      addParticipant(ctx.db, conv.id, id);
    }
  };

  const mains = [unit.main, ...(unit.extraMains ?? [])];
  const readOut = new ReadOutCheck(ctx.readOut);
  try {
    for (const main of mains) {
      for await (const ev of events(format, main, ctx, warnings.add, unit.files)) {
        if (ev.type === 'source') {
          platform = ev.platform;
          lowFidelity ||= ev.lowFidelity;
          await ensureSource(ev.details);
        } else if (ev.type === 'chat') {
          await ensureSource({});
          onChat(ev.chat);
        } else {
          const st = chats.get(ev.chatKey);
          if (!st) throw new InputError(main.display, `message for chat '${ev.chatKey}' before that chat was described`, { line: ev.message.line });
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
          const atts = m.attachments.map(resolve);
          attachments += atts.length;
          attachmentsMissing += atts.filter((a) => a.missing).length;
          st.writer.write(m, senderId, atts);
          readOut.see(m, main.display);
        }
      }
    }
  } catch (e) {
    if (e instanceof SignalFormatError) {
      // The parser was given the file's display path as its entry, so its message already names file and line.
      if (e.entry && e.message.startsWith(e.entry)) throw new UserError(e.message, { file: unit.main.display, ...(e.line !== undefined ? { line: e.line } : {}) });
      throw new InputError(unit.main.display, e.message, { ...(e.line !== undefined ? { line: e.line } : {}), ...(e.entry ? { entry: e.entry } : {}) });
    }
    throw e;
  }
  if (sourceId === null || chats.size === 0) throw new InputError(unit.main.display, 'the export holds no messages');
  readOut.check();
  let first: string | null = null;
  let last: string | null = null;
  let count = 0;
  let newCount = 0;
  let seen = 0;
  let updated = 0;
  let missing = 0;
  for (const st of chats.values()) {
    missing += st.writer.finish({ lowFidelity });
    st.writer.resolveReplies();
    count += st.writer.count;
    newCount += st.writer.newCount;
    seen += st.writer.seenCount;
    updated += st.writer.updatedCount;
    if (st.writer.firstAt && (!first || Date.parse(st.writer.firstAt) < Date.parse(first))) first = st.writer.firstAt;
    if (st.writer.lastAt && (!last || Date.parse(st.writer.lastAt) > Date.parse(last))) last = st.writer.lastAt;
  }
  for (const w of warnings.list) if (FINDING_CODES.has(w.code)) addSourceFinding(ctx.db, sourceId, w.code, w.message, null);
  finishSource(ctx.db, sourceId, { firstAt: first, lastAt: last, count, warnings: warnings.list });
  const conversationIds = [...new Set([...chats.values()].map((c) => c.conversationId))];
  // messagesUpdated: messages seen before (counted in messagesSeenBefore too) to which this source added versions.
  const report: SourceReport = {
    id: sourceId, file: unit.sourcePath, sha256: stored.sha256, format, dateOrder: null, duplicateSource: false,
    conversationId: conversationIds[0] ?? null, conversationIds, messagesNew: newCount, messagesSeenBefore: seen, messagesUpdated: updated,
    messagesMissing: missing, attachments, attachmentsMissing, lowFidelity, warnings: warnings.list,
  };
  return report;
}

/** The operator's warning for a message that was edited after an earlier source was made (code `message-edited-since`). */
function editedSinceWarning(e: EditedSince, conversationId: number): { code: string; message: string; line: number } {
  const who = `message ${e.messageId} (conversation ${conversationId}, ${e.sender ?? 'system'}, sent ${e.sentAt})`;
  const versions = `${e.added} version${e.added === 1 ? '' : 's'}`;
  let message = `${who} was edited since an earlier source: ${versions} added, every earlier version kept`;
  if (e.keptForMarkings.length) {
    message += `; its stored text is NOT replaced by the newest version because passage marking${e.keptForMarkings.length === 1 ? '' : 's'} ` +
      `${e.keptForMarkings.map((id) => `M-${id}`).join(', ')} refer${e.keptForMarkings.length === 1 ? 's' : ''} to offsets in it ` +
      '(the newer text is kept in extra.newerVersions); review this message again';
  } else if (e.textChanged) {
    message += '; its text is now the newest version';
  }
  if (e.otherMarkings.length) {
    const one = e.otherMarkings.length === 1;
    message += `; marking${one ? '' : 's'} ${e.otherMarkings.map((id) => `M-${id}`).join(', ')} ${one ? 'was' : 'were'} made on the earlier text`;
  }
  return { code: 'message-edited-since', message, line: e.line };
}

function events(
  format: SignalFormatName, main: FileRef, ctx: IngestContext, onWarning: (w: { code: string; message: string }) => void, files: Map<string, FileRef>,
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
          try {
            metadata = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch (e) {
            throw new InputError(metaRef.display, `metadata.json is not valid JSON (${(e as Error).message})`);
          }
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
function looseSigtop(media: Map<string, { sha256: string; size: number }>, ref: string): { sha256: string; size: number } | undefined {
  const dir = ref.includes('/') ? ref.slice(0, ref.lastIndexOf('/') + 1) : '';
  const stem = ref.slice(dir.length).replace(/\.[^.]+$/, '');
  for (const [rel, f] of media) if (rel.startsWith(dir) && rel.slice(dir.length).replace(/(-\d+)?\.[^.]+$/, '') === stem) return f;
  return undefined;
}
