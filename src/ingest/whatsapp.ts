import path from 'node:path';
import { InputError } from '../errors.js';
import {
  addContactIdentity, addParticipant, addSourceFile, conversationByTitle, conversationDateOrders, createSource, ensureContact, ensureConversation, finishSource,
  firstRawTextOfSource, joinConversation, markCustodianContact, matchKey,
} from '../store/ingest.js';
import { identifyConversation } from './conversation-identity.js';
import { findSenderRenames } from './sender-renames.js';
import { MessageWriter, type StoredAttachment } from '../store/message-writer.js';
import { toE164 } from '../../parsers/phone.js';
import {
  WHATSAPP_PARSER_VERSION, WhatsAppFormatError, chatTitleFromFileName, parseWhatsAppChunks, scanWhatsAppChunks, type WhatsAppScan,
} from '../../parsers/whatsapp/index.js';
import {
  adoptedEvidence, dateOrderBasis, isFirmBasis, orderName, sameDateFormat, type DateOrderBasis,
} from '../../parsers/whatsapp/date-order.js';
import { detectShape, shapeLabel, type HeaderShape } from '../../parsers/whatsapp/header.js';
import type { DateOrder, ParsedChat, ParsedMessage, ParseWarning } from '../../parsers/types.js';
import type { DB } from '../store/db.js';
import { checkInterrupted, entryWarnings, readChunksReusing, readFileReusing, WarningLog, type IngestContext, type SourceReport } from './context.js';
import { inputErrorIn, type ExportUnit } from './discover.js';
import { attachmentUpdateRecorder, mediaFile, storeExportFiles, type StoredSource } from './files.js';
import { editedSinceWarning } from './edited-since.js';
import { ReadOutCheck } from './read-out.js';
import { AbsentAttachments } from './absent-attachments.js';
import { selfAuthor } from './self-author.js';
import { zipTimeIn } from './zip-time.js';

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
      // (the message starts "not a WhatsApp export: …", or "--date-order mdy is impossible for this file: …")
      throw inputErrorIn(unit.main, e.message, { ...(e.line !== undefined ? { line: e.line } : {}), ...(e.code ? { code: e.code } : {}) });
    }
    throw e;
  }
}

/** Ingests one WhatsApp export (zip, bare .txt, or folder with media) as one source, given its pass 1. */
export async function ingestWhatsApp(ctx: IngestContext, unit: ExportUnit, stored: StoredSource, scan: WhatsAppScan): Promise<SourceReport> {
  const warnings = new WarningLog();
  const containerName = path.basename(unit.sourcePath);
  // A title the export states: its file or zip name, a group subject, the author of the encryption notice.
  const namedTitle =
    chatTitleFromFileName(path.basename(unit.main.rel)) ??
    (unit.container === 'zip' ? chatTitleFromFileName(containerName) : null) ??
    scan.subjects[scan.subjects.length - 1] ??
    scan.chatNameHint;
  const title = namedTitle ?? (scan.authors.join(', ') || containerName);
  // An iOS group export whose file or zip name, or subject, names the chat: an author of that name who writes only lines
  // as WhatsApp writes them is the group's name authoring its events (2021+), as the notice's author is when the export
  // has the notice. Pass 2 reads its lines as the chat's system lines, and it is no participant.
  const nameAuthor = scan.platform === 'ios' && scan.isGroup && namedTitle !== null
    ? scan.markedOnlyAuthors?.find((a) => matchKey(a) === matchKey(namedTitle))
    : undefined;
  if (nameAuthor !== undefined && (scan.chatNameHint === null || matchKey(scan.chatNameHint) === matchKey(nameAuthor))) {
    scan = { ...scan, chatNameHint: nameAuthor, chatNameByTitle: true, authors: scan.authors.filter((a) => matchKey(a) !== matchKey(nameAuthor)) };
  }
  let chat: ParsedChat = {
    platform: 'whatsapp',
    chatKey: null,
    title,
    titleHistory: scan.subjects.filter((s) => s !== title),
    isGroup: scan.isGroup,
    participants: scan.authors.map((a) => ({ name: a, phone: toE164(a), key: null })),
  };
  // Pass 2 reads the file with this scan: a conversation identified below may name the chat (see identifyConversation).
  let parseScan = scan;
  let conv: { id: number; created: boolean };
  // Only a stated title is matched as a title: one made up from the authors is the same for every chat of the same
  // people, so an export without a title is matched on its evidence alone (see identifyConversation).
  const stated = namedTitle !== null;
  const identified = !stated || conversationByTitle(ctx.db, ctx.custodian.id, chat) === null ? await identifyConversation(ctx, unit, scan, namedTitle) : null;
  for (const w of identified?.warnings ?? []) warnings.add(w);
  const match = identified?.match;
  if (match) {
    if (namedTitle === null && match.chatName !== null) {
      // The chat's name authors lines here, as the notice's author does in an export that has one: pass 2 reads
      // them as the chat's system lines, and a group's name is no participant.
      const name = match.chatName;
      const authors = match.conversation.isGroup ? scan.authors.filter((a) => matchKey(a) !== matchKey(name)) : scan.authors;
      parseScan = { ...scan, chatNameHint: name, authors, isGroup: scan.isGroup || match.conversation.isGroup };
    }
    // Without a title of its own, the export keeps the conversation's; a stated one renames it (earlier one kept).
    const t = namedTitle ?? match.conversation.title;
    chat = {
      ...chat,
      title: t,
      titleHistory: scan.subjects.filter((s) => s !== t),
      isGroup: parseScan.isGroup,
      participants: parseScan.authors.map((a) => ({ name: a, phone: toE164(a), key: null })),
    };
    conv = joinConversation(ctx.db, match.conversation.id, chat, stated);
  } else {
    conv = ensureConversation(ctx.db, ctx.custodian.id, chat, stated);
  }
  // The conversation is known before the source is recorded and parsed: its other sources may settle the date order.
  const order = reconcileDateOrder(ctx.db, conv.id, scan);
  for (const w of order.warnings) warnings.add(w);
  for (const id of order.contradicts) ctx.dateOrders?.contradicted.add(id);
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
    dateOrder: order.dateOrder,
    dateOrderEvidence: order.dateOrderEvidence,
    parserVersion: WHATSAPP_PARSER_VERSION,
    lowFidelity: false,
    // The zip entry's time is when WhatsApp wrote the export; a loose file's modification time is no evidence.
    exportedAt: ctx.readOut?.at ?? (unit.container === 'zip' ? zipTimeIn(unit.main.modified, ctx.custodian.tz) : null),
  });
  if (order.firm) ctx.dateOrders?.firm.add(sourceId);
  const media = await storeExportFiles(ctx, unit, sourceId);
  addSourceFile(ctx.db, sourceId, unit.main.rel, unit.main.size, stored.mainSha256, 'chat');

  const contactIds = new Map<string, number>();
  /** Contacts this source showed to be the custodian (so that each is marked once). */
  const selfIds = new Set<number>();
  const contactFor = (name: string, phone: string | null, fromSelf: boolean): number => {
    let id = contactIds.get(name);
    if (id === undefined) {
      id = ensureContact(ctx.db, ctx.custodian.id, 'whatsapp', { name, phone, key: null }, fromSelf);
      contactIds.set(name, id);
      addParticipant(ctx.db, conv.id, id);
      if (fromSelf) selfIds.add(id);
    } else if (fromSelf && !selfIds.has(id)) {
      // A later line (a message deleted by the phone's owner) shows an author registered before to be the custodian.
      markCustodianContact(ctx.db, id);
      selfIds.add(id);
    }
    return id;
  };
  const self = selfAuthor({
    authors: chat.participants.map((p) => p.name!), isGroup: chat.isGroup, namedTitle, selfNameHint: scan.selfNameHint, custodianName: ctx.custodian.name,
  });
  // Authors renamed since the stored messages are the contact they were (see findSenderRenames).
  const renamed = conv.created ? null : await findSenderRenames(ctx, unit, parseScan, order.dateOrder, conv.id);
  for (const w of renamed?.warnings ?? []) warnings.add(w);
  for (const [name, r] of renamed?.renames ?? []) {
    if (r.contactId === null) continue;
    contactIds.set(name, r.contactId);
    addContactIdentity(ctx.db, ctx.custodian.id, 'whatsapp', r.contactId, { name, phone: toE164(name), key: null });
  }
  for (const p of chat.participants) contactFor(p.name!, p.phone, p.name === self);

  const writer = new MessageWriter(
    ctx.db, conv.id, sourceId, (e) => warnings.add(editedSinceWarning(e, conv.id)), attachmentUpdateRecorder(ctx.db, warnings.add, conv.id, sourceId),
  );
  if (renamed) writer.setSenderAliases(new Map([...renamed.renames].map(([name, r]) => [name, r.stored])));
  const absent = new AbsentAttachments(ctx.db, sourceId);
  writer.onAttachmentAbsent = absent.recorder(conv.id);
  let attachments = 0;
  let attachmentsMissing = 0;
  /** Hashes of the files the chat links as attachments. */
  const linked = new Set<string>();
  const readOut = new ReadOutCheck(ctx.readOut);
  const warnAt = entryWarnings(unit, unit.main, warnings.add);
  let disappearingSaid = false;
  for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: order.dateOrder, zone: ctx.custodian.tz, scan: parseScan, onWarning: warnAt })) {
    checkInterrupted(ctx);
    for (const m of batch) {
      const senderId = m.sender ? contactFor(m.sender, m.senderPhone, m.fromSelf === true) : null;
      const atts: StoredAttachment[] = m.attachments.map((a) => {
        const f = a.omitted ? undefined : mediaFile(media, a.name);
        if (!f) attachmentsMissing++;
        else linked.add(f.sha256);
        return { name: a.name, mime: a.mime ?? null, sha256: f?.sha256 ?? null, size: f?.size ?? null, missing: !f, path: f?.path ?? null, omitted: a.omitted === true };
      });
      attachments += atts.length;
      const { outcome } = writer.write(m, senderId, atts);
      if (!disappearingSaid && outcome === 'new' && m.kind === 'system' && (m.event === 'disappearing-on' || m.event === 'disappearing-timer')) {
        disappearingSaid = true;
        warnAt(disappearingWarning(m));
      }
      readOut.see(m, unit.main);
      if (writer.count % 100_000 === 0) ctx.progress(`  ${unit.main.display}: ${writer.count} messages`);
    }
  }
  const late = readOut.check();
  if (late) warnings.add(late);
  absent.settle(conv.id, writer.maxMs);
  const lacking = absent.warning({ secured: writer.attachmentsSecuredShown, mediaFiles: unit.files.size });
  if (lacking) warnAt(lacking);
  await refuseUnlinkedChats(ctx, unit, media, linked.add(stored.mainSha256));
  const missing = writer.finish();
  finishSource(ctx.db, sourceId, { firstAt: writer.firstAt, lastAt: writer.lastAt, count: writer.count, warnings: warnings.list });
  return {
    id: sourceId,
    file: unit.sourcePath,
    sha256: stored.sha256,
    format: `whatsapp-${scan.platform}`,
    dateOrder: order.dateOrder,
    dateOrderEvidence: order.dateOrderEvidence,
    duplicateSource: false,
    conversationId: conv.id,
    messagesNew: writer.newCount,
    messagesSeenBefore: writer.seenCount,
    messagesMissing: missing,
    attachments,
    attachmentsMissing,
    attachmentsFilled: writer.attachmentsFilled,
    attachmentsDiffer: writer.attachmentsDiffer,
    attachmentsMissingLater: absent.count,
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
      if (!(e instanceof WhatsAppFormatError)) throw e;
      // A text file, not a chat: kept as a file of the export (a chat in another calendar is a chat, though unread).
      if (e.code !== 'calendar') continue;
    }
    unlinked.push(rel);
  }
  const others = (unit.otherExports ?? []).filter((o) => {
    const f = media.get(o.name);
    return f !== undefined && !linked.has(f.sha256);
  });
  if (others.length) {
    const o = others[0]!;
    throw new InputError(
      unit.sourcePath,
      `the zip holds a WhatsApp chat ('${unit.main.rel}') and '${o.name}', which reads as ${o.label}, but the chat does not share it as an attachment. ` +
        'A zip is ingested as one source of one export: ingest each export from its own file, or unpack the zip into a folder, where each becomes a source of its own',
      { entry: o.name },
    );
  }
  if (!unlinked.length) return;
  const list = [unit.main.rel, ...unlinked].map((n) => `'${n}'`).join(', ');
  throw new InputError(
    unit.sourcePath,
    `the zip holds ${unlinked.length + 1} chats (${list}), but a WhatsApp export holds one chat and a zip is ingested as one source. ` +
      'Ingest each chat from its own export, or unpack the zip into a folder, where every chat .txt becomes a source of its own',
  );
}

/** Another source of the same conversation, with the date order it was read in. */
interface OtherSource {
  id: number;
  order: 'dmy' | 'mdy';
  evidence: string;
  basis: DateOrderBasis;
}

/**
 * Reconciles the file's date order with the other sources of its conversation (the same chat exported another month,
 * or from another phone). The same message read in two date orders gets two dates and is stored twice, so:
 * - a file without hard evidence of its own (monotonicity, change frequency, the day-first default) adopts the order
 *   that the conversation's firm sources (a value above 12, the Dutch shape, a forced order) in the same header format
 *   agree on; the evidence says so ("no evidence in this file; month-first as source 3 of this chat (…)");
 * - when it cannot adopt (those sources disagree, or read differently only in another header format, where the phone's
 *   region setting may legitimately differ), it keeps its own order with a `date-order-conflict` warning;
 * - a file with firm evidence warns about every earlier source read differently without hard evidence: that source's
 *   dates are probably swapped, and the messages both exports hold are now stored twice.
 */
export function reconcileDateOrder(
  db: DB, conversationId: number, scan: Pick<WhatsAppScan, 'dateOrder' | 'dateOrderEvidence' | 'shape'>,
): { dateOrder: DateOrder; dateOrderEvidence: string; warnings: ParseWarning[]; firm: boolean; contradicts: number[] } {
  const ownBasis = dateOrderBasis(scan.dateOrderEvidence);
  const own = { dateOrder: scan.dateOrder, dateOrderEvidence: scan.dateOrderEvidence, warnings: [] as ParseWarning[], firm: isFirmBasis(ownBasis), contradicts: [] as number[] };
  if (scan.dateOrder === 'ymd') return own;
  const others = conversationDateOrders(db, conversationId).map(
    (r): OtherSource => ({ id: r.id, order: r.dateOrder, evidence: r.evidence ?? '', basis: dateOrderBasis(r.evidence) }),
  );
  if (!others.some((o) => o.order !== scan.dateOrder)) return own;

  const shapes = new Map<number, HeaderShape | null>();
  const shapeOf = (o: OtherSource): HeaderShape | null => {
    if (!shapes.has(o.id)) shapes.set(o.id, sourceShape(db, conversationId, o.id));
    return shapes.get(o.id)!;
  };
  const sameFormat = (o: OtherSource): boolean => {
    const sh = shapeOf(o);
    return sh !== null && sameDateFormat(sh, scan.shape);
  };
  const inFormat = (o: OtherSource): string => {
    if (sameFormat(o)) return ' in the same header format';
    const sh = shapeOf(o);
    return sh ? ` in another header format (${shapeLabel(sh, o.order)})` : '';
  };
  // (A store reports a file it holds as a duplicate and does not read it again: say so, or the advice would be a dead end.)
  const reingest = (what: string, order: DateOrder): string =>
    `re-ingest ${what} with --date-order ${order}, into a store that does not hold it yet (a file already ingested is reported as a duplicate and not read again)`;

  if (ownBasis === 'weak') {
    const firm = others.filter((o) => isFirmBasis(o.basis));
    const same = firm.filter(sameFormat);
    const agreed = new Set(same.map((o) => o.order));
    if (agreed.size === 1) {
      const src = same[0]!;
      if (src.order === scan.dateOrder) return own;
      return { ...own, dateOrder: src.order, dateOrderEvidence: adoptedEvidence({ order: scan.dateOrder, evidence: scan.dateOrderEvidence }, src.order, src.id, src.evidence) };
    }
    for (const o of firm.filter((x) => x.order !== scan.dateOrder)) {
      own.warnings.push({
        code: 'date-order-conflict',
        message:
          `source ${o.id} of this chat reads as ${o.order} (${orderName(o.order)}: ${o.evidence})${inFormat(o)}, but this file has no hard evidence ` +
          `(${scan.dateOrderEvidence}) and was read as ${scan.dateOrder}${agreed.size > 1 ? " (this chat's sources in this file's header format disagree among themselves)" : ''}. ` +
          `If this export uses the same date order, its dates have day and month swapped and the messages both exports hold are stored twice: ` +
          reingest('this export', o.order),
      });
    }
    return own;
  }
  if (isFirmBasis(ownBasis)) {
    for (const o of others.filter((x) => x.order !== scan.dateOrder && (x.basis === 'weak' || x.basis === 'adopted'))) {
      own.contradicts.push(o.id);
      own.warnings.push({
        code: 'date-order-conflict',
        message:
          `source ${o.id} of this chat was read as ${o.order} (${orderName(o.order)}) without hard evidence (${o.evidence})${inFormat(o)}, but this file ` +
          `reads as ${scan.dateOrder} (${orderName(scan.dateOrder)}: ${scan.dateOrderEvidence}). If both exports use the same date order, ` +
          `source ${o.id}'s dates have day and month swapped and the messages both exports hold are now stored twice: ` +
          reingest(`source ${o.id}'s export`, scan.dateOrder),
      });
    }
    // Both proven by the file (not forced by the operator), in one header format: one chat's exports cannot be both; one
    // of them is another chat's.
    const proven = (b: DateOrderBasis) => b === 'value' || b === 'shape';
    for (const o of proven(ownBasis) ? others.filter((x) => x.order !== scan.dateOrder && proven(x.basis) && sameFormat(x)) : []) {
      own.warnings.push({
        code: 'date-order-conflict',
        message:
          `source ${o.id} of this chat reads as ${o.order} (${orderName(o.order)}: ${o.evidence}) in the same header format, and this file ` +
          `as ${scan.dateOrder} (${orderName(scan.dateOrder)}: ${scan.dateOrderEvidence}), both with hard evidence. Both are read as they ` +
          'prove, so messages both hold are stored once: if they are exports of this chat made with other region settings, nothing is ' +
          "wrong. Otherwise one of them is another chat's export given this chat's name: check which export belongs to this chat",
      });
    }
  }
  return own;
}

/**
 * The header shape of a source, read from the raw text of a message that source wrote (its first source). A message
 * the source only sighted keeps the raw text of the source that stored it, which may be another export format (the same
 * chat from an iPhone and from an Android phone): it tells nothing about this source. Null when there is none.
 */
function sourceShape(db: DB, conversationId: number, sourceId: number): HeaderShape | null {
  const raw = firstRawTextOfSource(db, conversationId, sourceId);
  return raw === null ? null : detectShape(raw);
}

/**
 * The operator is told at ingest, as a Signal export's is (`disappearing-messages-may-be-absent`), when this export is
 * the first to show disappearing messages switched on in the chat (once per source, at the first such event): a
 * message sent while they were on disappears from the phone after its timer, so no export holds it. The event itself
 * is a finding of the findings report, as every such event is.
 */
function disappearingWarning(m: ParsedMessage): ParseWarning {
  const timer = typeof m.extra?.['timer'] === 'string' ? `, timer ${m.extra['timer']}` : '';
  return {
    code: 'disappearing-messages-on',
    message: `disappearing messages were switched on in this chat (${m.localTime}${timer}): messages sent while they were on disappear from the phone after their timer, so this export may lack some; the findings report lists every such event`,
    line: m.line,
  };
}
