import path from 'node:path';
import { InputError } from '../errors.js';
import { addParticipant, addSourceFile, createSource, ensureContact, ensureConversation, finishSource } from '../store/ingest.js';
import { MessageWriter, type StoredAttachment } from '../store/message-writer.js';
import { toE164 } from '../../parsers/phone.js';
import {
  WHATSAPP_PARSER_VERSION, WhatsAppFormatError, chatTitleFromFileName, parseWhatsAppChunks, scanWhatsAppChunks, type WhatsAppScan,
} from '../../parsers/whatsapp/index.js';
import type { ParsedChat } from '../../parsers/types.js';
import { readChunksReusing, readFileReusing, WarningLog, type IngestContext, type SourceReport } from './context.js';
import type { ExportUnit } from './discover.js';
import { storeExportFiles, type StoredSource } from './files.js';

/**
 * Pass 1 over the export's chat file (see scanWhatsApp). For a chat file on disk, ingest runs it while the source is
 * copied into the blob store, before the source is known to be new.
 */
export async function scanWhatsAppUnit(ctx: Pick<IngestContext, 'dateOrder'>, unit: ExportUnit): Promise<WhatsAppScan> {
  try {
    // Pass 1 reports no warnings: pass 2 reports invalid UTF-8. No fileName: the InputError names the file in full.
    return await scanWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: ctx.dateOrder });
  } catch (e) {
    if (e instanceof WhatsAppFormatError) {
      // (the message starts "not a WhatsApp export: …")
      throw new InputError(unit.main.display, e.message, e.line !== undefined ? { line: e.line } : {});
    }
    throw e;
  }
}

/** Ingests one WhatsApp export (zip, bare .txt, or folder with media) as one source, given its pass 1. */
export async function ingestWhatsApp(ctx: IngestContext, unit: ExportUnit, stored: StoredSource, scan: WhatsAppScan): Promise<SourceReport> {
  const warnings = new WarningLog();
  const containerName = path.basename(unit.sourcePath);
  const title =
    chatTitleFromFileName(path.basename(unit.main.rel)) ??
    (unit.container === 'zip' ? chatTitleFromFileName(containerName) : null) ??
    scan.subjects[scan.subjects.length - 1] ??
    scan.chatNameHint ??
    (scan.authors.join(', ') || containerName);
  const chat: ParsedChat = {
    platform: 'whatsapp',
    chatKey: null,
    title,
    titleHistory: scan.subjects.filter((s) => s !== title),
    isGroup: scan.isGroup,
    participants: scan.authors.map((a) => ({ name: a, phone: toE164(a), key: null })),
  };
  const conv = ensureConversation(ctx.db, ctx.custodian.id, chat);
  const sourceId = createSource(ctx.db, {
    custodianId: ctx.custodian.id,
    veiligstellingId: ctx.veiligstellingId,
    fileName: containerName,
    originalPath: unit.sourcePath,
    size: stored.size,
    sha256: stored.sha256,
    operator: ctx.operator,
    device: ctx.device,
    format: `whatsapp-${scan.platform}`,
    platform: 'whatsapp',
    dateOrder: scan.dateOrder,
    dateOrderEvidence: scan.dateOrderEvidence,
    parserVersion: WHATSAPP_PARSER_VERSION,
    lowFidelity: false,
    // The zip entry's time is when WhatsApp wrote the export; a loose file's modification time is no evidence.
    exportedAt: ctx.readOut ?? (unit.container === 'zip' && unit.main.modified ? unit.main.modified.toISOString() : null),
  });
  const media = await storeExportFiles(ctx, unit, sourceId);
  addSourceFile(ctx.db, sourceId, unit.main.rel, unit.main.size, stored.mainSha256, 'chat');

  const contactIds = new Map<string, number>();
  const contactFor = (name: string, phone: string | null, fromSelf: boolean): number => {
    let id = contactIds.get(name);
    if (id === undefined) {
      id = ensureContact(ctx.db, ctx.custodian.id, 'whatsapp', { name, phone, key: null }, fromSelf);
      contactIds.set(name, id);
      addParticipant(ctx.db, conv.id, id);
    }
    return id;
  };
  for (const p of chat.participants) contactFor(p.name!, p.phone, false);

  const writer = new MessageWriter(ctx.db, conv.id, sourceId);
  let attachments = 0;
  let attachmentsMissing = 0;
  /** Hashes of the files the chat links as attachments. */
  const linked = new Set<string>();
  for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: scan.dateOrder, zone: ctx.custodian.tz, scan, onWarning: warnings.add })) {
    for (const m of batch) {
      const senderId = m.sender ? contactFor(m.sender, m.senderPhone, m.fromSelf === true) : null;
      const atts: StoredAttachment[] = m.attachments.map((a) => {
        const f = a.omitted ? undefined : media.get(a.name) ?? media.get(path.posix.basename(a.name));
        if (!f) attachmentsMissing++;
        else linked.add(f.sha256);
        return { name: a.name, mime: a.mime ?? null, sha256: f?.sha256 ?? null, size: f?.size ?? null, missing: !f };
      });
      attachments += atts.length;
      writer.write(m, senderId, atts);
      if (writer.count % 100_000 === 0) ctx.progress(`  ${unit.main.display}: ${writer.count} messages`);
    }
  }
  await refuseUnlinkedChats(ctx, unit, media, linked.add(stored.mainSha256));
  const missing = writer.finish();
  finishSource(ctx.db, sourceId, { firstAt: writer.firstAt, lastAt: writer.lastAt, count: writer.count, warnings: warnings.list });
  return {
    id: sourceId,
    file: unit.sourcePath,
    sha256: stored.sha256,
    format: `whatsapp-${scan.platform}`,
    dateOrder: scan.dateOrder,
    dateOrderEvidence: scan.dateOrderEvidence,
    duplicateSource: false,
    conversationId: conv.id,
    messagesNew: writer.newCount,
    messagesSeenBefore: writer.seenCount,
    messagesMissing: missing,
    attachments,
    attachmentsMissing,
    warnings: warnings.list,
  };
}

/**
 * A zip with more than one entry named like a chat file: each other one must be a document the chat shares (linked as
 * an attachment), a copy of the chat itself, or no WhatsApp chat at all. A second chat in the zip is refused rather than
 * dropped: the source is the zip (one source per file hash), and a source records one chat's format and date-order
 * inference. `linked`: the hashes of the chat and of the files it links.
 */
async function refuseUnlinkedChats(ctx: IngestContext, unit: ExportUnit, media: Map<string, { sha256: string }>, linked: Set<string>): Promise<void> {
  const unlinked: string[] = [];
  for (const rel of unit.otherChats ?? []) {
    const f = media.get(rel);
    if (!f || linked.has(f.sha256)) continue;
    try {
      // From its copy in the blob store, whose bytes storing checked against the zip's CRC.
      await scanWhatsAppChunks(readFileReusing(ctx.blobs.pathFor(f.sha256)));
    } catch (e) {
      if (e instanceof WhatsAppFormatError) continue; // a text file, not a chat: kept as a file of the export
      throw e;
    }
    unlinked.push(rel);
  }
  if (!unlinked.length) return;
  const list = [unit.main.rel, ...unlinked].map((n) => `'${n}'`).join(', ');
  throw new InputError(
    unit.sourcePath,
    `the zip holds ${unlinked.length + 1} chats (${list}), but a WhatsApp export holds one chat and a zip is ingested as one source. ` +
      'Ingest each chat from its own export, or unpack the zip into a folder, where every chat .txt becomes a source of its own',
  );
}
