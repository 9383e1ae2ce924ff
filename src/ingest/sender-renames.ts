/**
 * Senders renamed since a conversation's earlier exports. WhatsApp writes each author by the name the phone shows at
 * export time: the address book's name, else the profile name or the number. A person saved in the address book
 * between two read-outs (`+31 6 12345678` becomes `Jeroen Bos`), or renamed there, writes every message of the later
 * export under the new name, so every key differs: the stored messages would be reported missing and stored again as
 * new, delivered twice. This finds such renames on the evidence of the export against the store.
 */
import { matchKey } from '../store/ingest.js';
import { MessageKeys } from '../store/message-keys.js';
import { conversationKeysHeld, conversationSendersBetween, senderTimesBetween } from '../store/conversation-evidence.js';
import { parseWhatsAppChunks, type WhatsAppScan } from '../../parsers/whatsapp/index.js';
import type { DateOrder, ParseWarning } from '../../parsers/types.js';
import { readChunksReusing, type IngestContext } from './context.js';
import type { ExportUnit } from './discover.js';

/** A sender of the export renamed since: the name the conversation stores its messages under, and that contact. */
export interface SenderRename {
  stored: string;
  contactId: number | null;
  /** Messages of the export found under the stored name. */
  found: number;
}

/**
 * The export's authors renamed since the conversation's stored messages, by the name the export writes them under.
 * A stored sender is gone when it sent messages within the export's time but is no author of it; an author is that
 * sender renamed when messages of the author stand in the store as that sender's, at the same time with the same text,
 * one to one: the author matches no other gone sender and the sender no other author, and at least two match. (One
 * is too little: a new member's "Ok" in the minute of a deleted one would make two people one contact, and a contact's
 * marking would then cover the other's messages. A renamed sender with one message is reported missing instead.)
 * A person who left a group keeps their name in the export,
 * so a gone sender's messages within the export's time are in it under another name or were deleted on the phone.
 */
export async function findSenderRenames(
  ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan, dateOrder: DateOrder, conversationId: number,
): Promise<{ renames: Map<string, SenderRename>; warnings: ParseWarning[] }> {
  const none = { renames: new Map<string, SenderRename>(), warnings: [] };
  if (scan.firstLocalIso === null || scan.lastLocalIso === null) return none;
  const authorKeys = new Set(scan.authors.map(matchKey));
  const stored = conversationSendersBetween(ctx.db, conversationId, scan.firstLocalIso, scan.lastLocalIso);
  const gone = stored.filter((s) => !authorKeys.has(matchKey(s.sender)));
  if (gone.length === 0 || scan.authors.length === 0) return none;

  // The export's messages at a time a gone sender wrote, looked up under that sender's name: keyed as MessageWriter
  // keys them.
  const times = gone.map((g) => senderTimesBetween(ctx.db, conversationId, g.sender, scan.firstLocalIso!, scan.lastLocalIso!));
  const keys = new MessageKeys();
  const asked = new Map<string, { author: string; gone: number }>();
  for await (const batch of parseWhatsAppChunks(readChunksReusing(unit.main), { dateOrder, zone: ctx.custodian.tz, scan })) {
    for (const m of batch) {
      if (m.sender === null || m.stableKey) continue;
      for (let g = 0; g < gone.length; g++) {
        if (times[g]!.has(m.localIso)) asked.set(keys.base({ ...m, sender: gone[g]!.sender }), { author: m.sender, gone: g });
      }
    }
  }
  const held = conversationKeysHeld(ctx.db, conversationId, [...asked.keys()], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).keys();
  /** Matches per author, per gone sender. */
  const pairs = new Map<string, Map<number, number>>();
  for (const k of held) {
    const { author, gone: g } = asked.get(k)!;
    let per = pairs.get(author);
    if (!per) pairs.set(author, (per = new Map()));
    per.set(g, (per.get(g) ?? 0) + 1);
  }
  const authorsOf = new Map<number, string[]>();
  for (const [author, per] of pairs) for (const g of per.keys()) authorsOf.set(g, [...(authorsOf.get(g) ?? []), author]);
  const renames = new Map<string, SenderRename>();
  const warnings: ParseWarning[] = [];
  for (const [author, per] of pairs) {
    if (per.size !== 1) continue;
    const [g, found] = [...per][0]!;
    const s = gone[g]!;
    if (authorsOf.get(g)!.length !== 1 || found < 2) continue;
    renames.set(author, { stored: s.sender, contactId: s.contactId, found });
    warnings.push({
      code: 'sender-renamed',
      message:
        `"${author}" writes ${found} message${found === 1 ? '' : 's'} that the conversation holds from "${s.sender}", at the same time with the ` +
        `same text, and "${s.sender}" writes nothing in this export: taken as one person whose name changed on the phone (saved or renamed in ` +
        `the address book, or a new profile name). Those messages are found under "${s.sender}" and not reported missing; ` +
        `new messages are stored under "${author}", as this export writes them, with the same contact`,
    });
  }
  return { renames, warnings };
}
