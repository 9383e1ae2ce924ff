/**
 * Which stored conversation an export of an unnamed chat belongs to (see identifyConversation): a later iOS export
 * without file name, group subject or encryption notice is the same chat as an earlier export, on the evidence it holds.
 */
import { conversationKeysHeld, conversationsWithParticipants, custodianSelfContacts, matchKey, type ConversationEvidence } from '../store/ingest.js';
import { MessageWriter } from '../store/message-writer.js';
import { toE164 } from '../../parsers/phone.js';
import { parseWhatsAppChunks, type WhatsAppScan } from '../../parsers/whatsapp/index.js';
import type { ParsedMessage, ParseWarning } from '../../parsers/types.js';
import { readChunksReusing, type IngestContext } from './context.js';
import type { ExportUnit } from './discover.js';

/** Messages at the start of an export that identifyConversation looks up in the store. */
const PROBE_MESSAGES = 500;
/** Stored messages that identify a conversation without a name to go on: at least this many, from two senders or more. */
const OVERLAP_ALONE = 3;

export interface ConversationMatch {
  conversation: ConversationEvidence;
  /** The chat's name as this export writes it among its authors (see `named`), or null. */
  chatName: string | null;
}

/**
 * For an export whose titles match no conversation (issue #2: the same chat exported in a later month maps to the same
 * conversation): finds the conversation of the same chat on the evidence the export holds. Typically an iOS export
 * without file name, group subject or encryption notice (the export limit dropped the oldest messages), titled by its
 * authors; or the reverse, an export with the notice after one without it. A wrong merge of two chats is worse than a
 * duplicate conversation, so a conversation qualifies only when all of these hold, and only when exactly one does:
 * - participants: every author of the export is a participant of it or the custodian, apart from an author named like
 *   the conversation or like the export's own title (the chat's name: the other person of a 1:1 chat, or a group's
 *   name authoring its events);
 * - overlap, always needed: some of the export's first messages with a sender are stored in it (MessageWriter's own
 *   key: local time to the second, sender, body). A name alone is weak: a person may call himself like a group, and a
 *   1:1 chat may have one author only. So is one shared message: one forwarded to several chats at once has the same
 *   second, sender and text in each;
 * - and a name, or an overlap that is sufficient alone: an author named like the conversation (in a 1:1 conversation
 *   its participant, both chats 1:1; in a group no participant, and writing no ordinary message, only lines as
 *   WhatsApp writes them with a leading U+200E), or this export's own title being the other participant of a 1:1
 *   conversation; or without a name at least OVERLAP_ALONE stored messages from two senders or more, which two
 *   different chats do not share.
 * A conversation that has the name and the participants but no stored message in common is reported, not merged: a
 * later export that starts after the earlier one ended stays a conversation of its own.
 */
export async function identifyConversation(
  ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan, namedTitle: string | null,
): Promise<{ match: ConversationMatch | null; warnings: ParseWarning[] }> {
  const none = { match: null, warnings: [] };
  const convs = conversationsWithParticipants(ctx.db, ctx.custodian.id, 'whatsapp');
  if (convs.length === 0) return none;
  const self = custodianSelfContacts(ctx.db, ctx.custodian.id);
  const selfKeys = new Set([ctx.custodian.name, scan.selfNameHint, ...self.map((c) => c.name)].filter((n): n is string => !!n).map(matchKey));
  const selfPhones = new Set(self.map((c) => c.phone).filter(Boolean));
  const ownKey = namedTitle === null ? null : matchKey(namedTitle);
  const titleKeys = (c: ConversationEvidence): Set<string> => new Set(c.titles.map(matchKey));
  const isParticipant = (c: ConversationEvidence, name: string): boolean => {
    const key = matchKey(name);
    const phone = toE164(name);
    return c.participants.some((p) => (p.name !== null && matchKey(p.name) === key) || (phone !== null && p.phone === phone));
  };
  const compatible = convs.filter((c) => {
    const titles = titleKeys(c);
    return scan.authors.every((a) => {
      const key = matchKey(a);
      const phone = toE164(a);
      return titles.has(key) || key === ownKey || isParticipant(c, a) || selfKeys.has(key) || (phone !== null && selfPhones.has(phone));
    });
  });
  if (compatible.length === 0) return none;

  const probe = await probeStart(ctx, unit, scan);
  const names = [...new Set([...scan.authors, ...probe.systemAuthors])];
  /** The name that ties the export to `c`, or undefined; a chat name for pass 2, or null for the export's own title. */
  const named = (c: ConversationEvidence): string | null | undefined => {
    const titles = titleKeys(c);
    for (const n of names) {
      if (!titles.has(matchKey(n))) continue;
      if (c.isGroup ? !isParticipant(c, n) && !probe.ordinary.has(matchKey(n)) : isParticipant(c, n) && !scan.isGroup) return n;
    }
    if (namedTitle !== null && !c.isGroup && !scan.isGroup && isParticipant(c, namedTitle)) return null;
    return undefined;
  };
  const qualified: { c: ConversationEvidence; chatName: string | null; how: string }[] = [];
  const nearMiss: ConversationEvidence[] = [];
  for (const c of compatible) {
    const name = named(c);
    const held = probe.keys.size ? conversationKeysHeld(ctx.db, c.id, [...probe.keys.keys()], probe.fromMs, probe.toMs) : new Set<string>();
    const senders = new Set([...held].map((k) => probe.keys.get(k)));
    const others = scan.authors.filter((a) => a !== name && a !== namedTitle);
    const theOthers = others.length ? `the ${name !== undefined ? 'other ' : ''}authors (${others.join(', ')}) are its participants` : 'there is no other author';
    const shared = `${held.size} of the ${probe.keys.size} messages with a sender at the start of this export (from ${senders.size} sender${senders.size === 1 ? '' : 's'}) are stored in it`;
    if (held.size === 0) {
      if (name !== undefined) nearMiss.push(c);
    } else if (name !== undefined) {
      const why =
        name === null
          ? `"${namedTitle}", this chat's name, is a participant of that 1:1 conversation`
          : c.isGroup
            ? `"${name}" authors lines here that WhatsApp writes itself, and is that group conversation's title, not a participant (a group's name authoring its events: read as such)`
            : `"${name}", an author here, is that 1:1 conversation's title and participant`;
      qualified.push({ c, chatName: name, how: `${why}, ${theOthers}, and ${shared}` });
    } else if (held.size >= OVERLAP_ALONE && senders.size >= 2) {
      qualified.push({ c, chatName: null, how: `${theOthers}, and ${shared}` });
    }
  }
  const label = (c: ConversationEvidence): string => `conversation ${c.id} "${c.title}"`;
  const what = namedTitle === null ? 'this export names no chat (no title in its file name, no group subject, no encryption notice)' : `no conversation is titled "${namedTitle}"`;
  if (qualified.length === 1) {
    const q = qualified[0]!;
    return {
      match: { conversation: q.c, chatName: q.chatName },
      warnings: [{ code: 'conversation-matched', message: `${what}; taken into ${label(q.c)} as the same chat: ${q.how}` }],
    };
  }
  if (qualified.length > 1) {
    return {
      match: null,
      warnings: [{
        code: 'conversation-not-matched',
        message: `${what}, and ${qualified.map((q) => label(q.c)).join(', ')} each may be this chat: stored as a new conversation rather than guessed`,
      }],
    };
  }
  return {
    match: null,
    warnings: nearMiss.map((c) => ({
      code: 'conversation-not-matched',
      message:
        `${what}; ${label(c)} may be the same chat (an author or the chat's name and the participants agree), but none of the ` +
        `${probe.keys.size} messages with a sender at the start of this export is stored in it: stored as a new conversation`,
    })),
  };
}

/**
 * Parses the start of the export (at most PROBE_MESSAGES messages) for identifyConversation: the keys of the messages
 * with a sender, with their sender; the time they span; the authors of system lines; and the senders of an ordinary
 * message (media, or a text without the leading U+200E of a line WhatsApp writes itself).
 */
async function probeStart(
  ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan,
): Promise<{ keys: Map<string, string>; fromMs: number; toMs: number; systemAuthors: string[]; ordinary: Set<string> }> {
  // The writer's own key function (nothing is written through this instance), so the probe cannot drift from it.
  const keyOf = new MessageWriter(ctx.db, 0, 0);
  const keys = new Map<string, string>();
  const systemAuthors = new Set<string>();
  const ordinary = new Set<string>();
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  let n = 0;
  probe: for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder: scan.dateOrder, zone: ctx.custodian.tz, scan })) {
    for (const m of batch) {
      if (n++ >= PROBE_MESSAGES) break probe;
      const author = m.extra?.['author'];
      if (typeof author === 'string') systemAuthors.add(author);
      if (m.sender === null) continue;
      keys.set(keyOf.baseKey(m), matchKey(m.sender));
      fromMs = Math.min(fromMs, m.sentAtMs);
      toMs = Math.max(toMs, m.sentAtMs);
      // (A media message is a person's, whatever its first character: a group's name sends none.)
      if (m.kind !== 'text' || !writtenByWhatsApp(m)) ordinary.add(matchKey(m.sender));
    }
  }
  return { keys, fromMs, toMs, systemAuthors: [...systemAuthors], ordinary };
}

/** The body of a message with a sender starts with U+200E, as in the lines WhatsApp writes itself (iOS, §6.3). */
function writtenByWhatsApp(m: ParsedMessage): boolean {
  const raw = m.rawText;
  const at = m.senderRaw === null ? -1 : raw.indexOf(`${m.senderRaw}: `);
  return at >= 0 && raw.charCodeAt(at + m.senderRaw!.length + 2) === 0x200e;
}
