import { DateTime } from 'luxon';
import { decisionsFor, type MarkingRecord } from '../store/decisions.js';
import { conversationMarkingStream, conversationStats, markingRecordsFor, type ScopedConversation, type StoredMarking } from '../store/exports.js';
import { iterateMessages, type MessageJson } from '../store/messages.js';
import { FORMAT_VERSION, JsonLinesArrayWriter, type ChatHeader } from './chatjson.js';
import { conversationMarkerSlot, participantsShown, titleShown, type CleaningContext, type MarkingRef } from './clean.js';
import { cleaningContextFor } from './context.js';
import type { HashingFile } from './files.js';
import { ChatHtmlWriter } from './html.js';
import { other } from './ids.js';
import type { Ref } from './mdto.js';
import { OWN_FORMATS } from './pronom.js';
import { archiefvormer, closeWithSidecar, exportEvent, restriction, sha256, writeFileSidecar, writeObjectSidecar, type SetWriter } from './writer.js';
import { StoreDamageError } from './damage.js';
import type { Yielder } from './partial.js';
import { render, type MediaCopy, type Rendered } from './render.js';
import { shownThenWithheldNow } from './withheld-since.js';

/** One conversation, in each set: chat.json, chat.html, review-log.json, media, and their MDTO sidecars. */

export interface ConversationResult {
  ref: Ref & { id: string };
  messages: number;
  markers: number;
  passages: number;
  excluded: boolean;
  media: number;
  withheldAttachments: number;
  alreadyDelivered: number;
  firstMs: number | null;
  lastMs: number | null;
}

const APPLICATIONS: Record<string, string> = { whatsapp: 'WhatsApp', signal: 'Signal', sms: 'SMS' };
export const dateIn = (ms: number | null, zone: string): string | null => (ms === null ? null : DateTime.fromMillis(ms, { zone }).toISODate());

function participants(w: SetWriter, conv: ScopedConversation, ctx: CleaningContext, excluded: boolean): ChatHeader['participants'] {
  if (w.set === 'ruw') {
    return conv.participants.map((p) => ({
      name: p.name ?? p.phone ?? `Contact ${p.contactId}`, custodian: p.isCustodian, contactId: p.contactId, phone: p.phone,
      private: w.x.pseudonyms.has(p.contactId), pseudonym: w.x.pseudonyms.get(p.contactId) ?? null,
    }));
  }
  const shown = participantsShown(ctx);
  if (!excluded) return shown;
  // A withheld conversation shows nobody but the custodian by name.
  return shown.map((s, i) => (s.custodian ? s : { name: w.x.pseudonyms.get(conv.participants[i]!.contactId) ?? 'Deelnemer (afgeschermd)', custodian: false }));
}

class ReviewLog {
  private readonly out: JsonLinesArrayWriter;

  constructor(private readonly w: SetWriter, file: HashingFile, conversationId: number) {
    this.out = new JsonLinesArrayWriter(file, { format: 'chatarchief-review-log', formatVersion: FORMAT_VERSION, set: w.set, conversationId }, 'entries');
  }

  add(records: readonly MarkingRecord[], effective: ReadonlySet<number>): void {
    if (!records.length) return;
    const ds = decisionsFor(this.w.db, records.map((r) => r.id));
    const ruw = this.w.set === 'ruw';
    for (const r of records) {
      this.out.item({
        markingId: r.id, level: r.level, targetId: r.targetId, span: r.span, origin: r.origin,
        suggestedCategory: r.suggestedCategory, category: r.category, status: r.status, active: r.active, effective: effective.has(r.id),
        decisions: (ds.get(r.id) ?? []).map((d) => ({
          id: d.id, action: d.action, category: d.category, reviewer: d.reviewer, decidedAt: d.decidedAt, needsSecond: d.needsSecond, undoes: d.undoes,
          ...(ruw ? { reason: d.reason } : {}),
        })),
        // Evidence (matched terms), reasons and rule ids (a custodian's designation may name a private contact, and any
        // rule id can repeat a withheld word) may quote private content: only the ruwe dataset carries them.
        ...(ruw ? { ruleId: r.ruleId, evidence: r.evidence, ruleFileHash: r.ruleFileHash } : {}),
      });
    }
  }

  close(): HashingFile {
    this.out.close();
    return this.out.file;
  }
}

/** Where one set writes a conversation. */
export interface ConversationTarget {
  w: SetWriter;
  dossierRel: string;
  dossier: Ref;
}

interface OpenConversation {
  t: ConversationTarget;
  rel: string;
  ref: Ref & { id: string };
  chat: JsonLinesArrayWriter;
  html: ChatHtmlWriter;
  log: ReviewLog;
  media: Ref[];
  r: ConversationResult;
  firstAt: string | null;
  lastAt: string | null;
}

/** Opens the files of a conversation in one set, or returns null when the set has nothing new of it. */
function open(t: ConversationTarget, conv: ScopedConversation, ctx: CleaningContext, excl: MarkingRef | null): OpenConversation | null {
  const { w } = t;
  const { db, x } = w;
  const stats = conversationStats(db, conv.id, x.scope, w.set);
  if (stats.count === 0) return null;
  const alreadyDelivered = conversationStats(db, conv.id, x.scope).count - stats.count;
  const geschoond = w.set === 'geschoond';
  const rel = `${t.dossierRel}/Gesprek_${String(conv.id).padStart(6, '0')}`;
  const ref = { naam: geschoond ? titleShown(ctx, !!excl) : conv.title, id: w.ids.conversation(w.set, conv.id) };
  const header: ChatHeader = {
    conversationId: conv.id, title: ref.naam, ...(geschoond ? {} : { titleHistory: conv.titleHistory, titleWithheld: !!ctx.titleWithheld, subjectsWithheld: x.withheldSubjects.get(conv.id) ?? [] }),
    platform: conv.platform,
    application: APPLICATIONS[conv.platform] ?? conv.platform, isGroup: conv.isGroup,
    custodian: { id: x.custodian.id, name: x.custodian.name, function: x.custodian.function, department: x.custodian.department },
    participants: participants(w, conv, ctx, !!excl), beginDate: stats.firstAt, endDate: stats.lastAt,
    eventCount: geschoond && excl ? 1 : stats.count, messageCount: stats.count, excluded: !!excl, period: w.period,
    alreadyDelivered, allowUnreviewed: x.allowUnreviewed, exportedAt: w.exportedAt,
  };
  const log = new ReviewLog(w, w.pw.open(`${rel}/review-log.json`), conv.id);
  const top = [...markingRecordsFor(db, 'contact', conv.participants.map((p) => p.contactId)), ...markingRecordsFor(db, 'conversation', [conv.id])];
  log.add(top, new Set([...(x.conversationMarkings.get(conv.id) ?? []), ...[...x.contactMarkings.values()].flat()].map((m) => m.id)));
  return {
    t, rel, ref, log, media: [], firstAt: stats.firstAt, lastAt: stats.lastAt,
    chat: new JsonLinesArrayWriter(w.pw.open(`${rel}/chat.json`), { format: 'chatarchief-chat', formatVersion: FORMAT_VERSION, set: w.set, header }, 'slots'),
    html: new ChatHtmlWriter(w.pw.open(`${rel}/chat.html`), header, w.set),
    r: { ref, messages: 0, markers: 0, passages: 0, excluded: !!excl, media: 0, withheldAttachments: 0, alreadyDelivered, firstMs: null, lastMs: null },
  };
}

function add(o: OpenConversation, msg: MessageJson, rd: Rendered, marks: { all: MarkingRecord[]; effective: StoredMarking[] }): void {
  const { r } = o;
  if (rd.json === null) r.withheldAttachments += msg.attachments.length;
  else {
    const fileOf = (i: number): string | null => rd.copies[i]?.name ?? null;
    o.chat.raw(rd.json);
    if (rd.slot) o.html.slot(rd.slot, fileOf);
    else o.html.raw(msg, fileOf);
    if (rd.slot?.type === 'marker') { r.markers++; r.withheldAttachments += rd.slot.attachments.length; }
    if (rd.slot?.type === 'message') r.passages += rd.slot.passages.length;
  }
  r.messages++;
  const ms = Date.parse(msg.sentAt);
  r.firstMs = r.firstMs === null ? ms : Math.min(r.firstMs, ms);
  r.lastMs = r.lastMs === null ? ms : Math.max(r.lastMs, ms);
  o.log.add(marks.all, new Set(marks.effective.map((m) => m.id)));
}

function close(o: OpenConversation, conv: ScopedConversation, ctx: CleaningContext, excl: MarkingRef | null): ConversationResult {
  const { w } = o.t;
  if (w.set === 'geschoond' && excl) {
    const slot = conversationMarkerSlot(excl, { from: o.firstAt, to: o.lastAt, count: o.r.messages });
    o.chat.item(slot);
    o.html.slot(slot, () => null);
    o.r.markers = 1;
  }
  o.r.media = o.media.length;
  o.chat.close();
  const reps = [closeWithSidecar(w, o.chat.file, o.ref, OWN_FORMATS.json), closeWithSidecar(w, o.html.close(), o.ref, OWN_FORMATS.html), ...o.media];
  const logRef = closeWithSidecar(w, o.log.close(), o.ref, OWN_FORMATS.json);
  writeObjectSidecar(w, o.rel, conversationSpec(w, conv, ctx, o.r, o.t.dossier, reps, logRef));
  return o.r;
}

/**
 * Writes one conversation into every set in a single pass over its messages. A set that has nothing new of the
 * conversation (vervolgexport) writes nothing, but every delivered message is rendered again so that the result can
 * say which delivered objects have changed since (e.g. a message marked privé after it was delivered; a later export
 * that merely contains a delivered message again is no change, see ledger-hash.ts).
 */
export async function writeConversation(targets: ConversationTarget[], conv: ScopedConversation, y: Yielder): Promise<(ConversationResult | null)[]> {
  const { x, db } = targets[0]!.w;
  const ctx = cleaningContextFor(x, conv);
  const excl = x.exclusions.get(conv.id) ?? null;
  const opened = targets.map((t) => open(t, conv, ctx, excl));
  const marksOf = conversationMarkingStream(db, conv.id, x.scope, x.allowUnreviewed);
  for (const msg of iterateMessages(db, conv.id, { fromMs: x.scope.fromMs, toMs: x.scope.toMs })) {
    if (y.due) await y.yield();
    const marks = marksOf(msg.id, msg.seq);
    targets[0]!.w.tick?.();
    for (const [i, t] of targets.entries()) {
      const objectId = `message:${msg.id}`;
      const prev = t.w.delivered(objectId);
      const rd = render(t.w, msg, marks.effective, ctx, excl);
      if (prev !== null) {
        t.w.ledger.skip(objectId, prev, rd.hash, rd.deliveredAs);
        if (t.w.set === 'geschoond' && prev !== rd.hash && shownThenWithheldNow(t.w, msg, ctx, prev, rd, marks.effective, t.w.deliveredAt?.(objectId) ?? null)) {
          t.w.ledger.withheldSince(objectId);
        }
      } else if (opened[i]) {
        const o = opened[i]!;
        t.w.ledger.add(objectId, rd.hash);
        add(o, msg, rd, marks);
        // Media are copied here, not in add(): a large file yields between its chunks (a signal stops the copy).
        // (rd.copies is empty when add() writes no slot.)
        for (const c of rd.copies) if (c) o.media.push(await copyMedia(t.w, o.rel, c, o.ref, y));
      }
    }
  }
  return opened.map((o) => (o ? close(o, conv, ctx, excl) : null));
}

async function copyMedia(w: SetWriter, rel: string, c: MediaCopy, owner: Ref & { id: string }, y: Yielder): Promise<Ref> {
  const f = await w.pw.copyFile(`${rel}/${c.name}`, w.blobs.pathFor(c.sha256), y);
  if (f.sha256 !== c.sha256) throw new StoreDamageError(`${c.name}: the blob's bytes hash to ${f.sha256}, the ingest recorded ${c.sha256}`);
  return writeFileSidecar(w, f, owner, undefined, c.mime);
}

function conversationSpec(w: SetWriter, conv: ScopedConversation, ctx: CleaningContext, r: ConversationResult, dossier: Ref, reps: Ref[], log: Ref) {
  const zone = w.x.custodian.tz;
  const geschoond = w.set === 'geschoond';
  const app = APPLICATIONS[conv.platform] ?? conv.platform;
  const kept = geschoond && !r.excluded;
  const people = conv.participants.filter((p) => !geschoond || (kept && !w.x.pseudonyms.has(p.contactId)) || p.isCustodian);
  const about = [
    `${app}-${conv.isGroup ? 'groepsgesprek' : 'gesprek'}; ${r.messages} berichten in deze levering`,
    ...(r.alreadyDelivered ? [`Vervolgexport: ${r.alreadyDelivered} berichten van dit gesprek in deze periode zijn eerder geleverd en weggelaten.`] : []),
    ...(w.x.allowUnreviewed ? ['Geëxporteerd met onbeoordeelde suggesties (--allow-unreviewed); die zijn als gemarkeerd behandeld.'] : []),
  ];
  const cleaning = r.excluded
    ? `Gesprek als geheel afgeschermd (${r.messages} berichten).`
    : `${r.markers} berichten en ${r.passages} passages afgeschermd; ${r.withheldAttachments} bijlagen achtergehouden.`;
  return {
    id: r.ref.id, naam: r.ref.naam, aggregatieniveau: 'Archiefstuk' as const, omschrijving: about,
    dekkingInTijd: r.firstMs === null ? null : { begin: dateIn(r.firstMs, zone)!, eind: dateIn(r.lastMs, zone)! },
    taal: ['nl'],
    events: [exportEvent(w, geschoond ? `Geschoonde set: ${cleaning}` : `Ruwe dataset; de geschoonde set: ${cleaning}`)],
    isOnderdeelVan: dossier, heeftRepresentatie: reps, aanvullendeMetagegevens: [log],
    gerelateerd: [{ ref: { naam: `${r.ref.naam} (${other(w.set) === 'ruw' ? 'ruwe dataset' : 'geschoonde set'})`, id: w.ids.conversation(other(w.set), conv.id) }, relatie: geschoond ? 'Is geschoonde versie van' : 'Heeft geschoonde versie' }],
    archiefvormer: archiefvormer(w),
    betrokkenen: people.map((p) => ({ rol: p.isCustodian ? 'Bewindspersoon' : 'Correspondent', actor: { naam: geschoond ? (w.x.neutralNames.get(p.contactId) ?? ctx.screen.redact(p.name ?? p.phone ?? `Contact ${p.contactId}`)) : (p.name ?? p.phone ?? `Contact ${p.contactId}`) } })),
    beperkingGebruik: restriction(w.set),
  };
}

