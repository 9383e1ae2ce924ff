/**
 * A 1:1 chat whose other person the phone shows under another name than when the conversation's exports were made (a
 * number saved in the address book since, a contact renamed): WhatsApp writes the whole later export, its file name
 * and every message of that person, under the new name, so neither the title nor that person's messages match. See
 * identifyConversation, which looks that person's messages up under the name the conversation stores them under.
 */
import { matchKey } from '../store/ingest.js';
import { conversationKeysHeld, type ConversationEvidence } from '../store/conversation-evidence.js';
import type { DB } from '../store/db.js';
import type { Probe } from './conversation-probe.js';

/** The least of the person's messages found under the stored name that shows the rename. */
const FOUND_AT_LEAST = 2;

export interface RenamedPerson {
  /** The probe with the person's messages keyed under the stored name. */
  probe: Probe;
  /** The name as this export writes it, and as the conversation stores it. */
  from: string;
  to: string;
  /** The person's messages of the probe that the conversation stores under `to`. */
  found: number;
}

/**
 * When `c` is a 1:1 conversation, the export a 1:1 chat, `strangers` (the export's authors `c` does not know, the custodian left out) is one
 * person, and `c`'s one participant other than the custodian writes nothing in the export: the probe with that
 * author's messages keyed as that participant's, when `c` stores at least FOUND_AT_LEAST of them so; else null.
 */
export function renamedPerson(
  db: DB, c: ConversationEvidence, probe: Probe, exportIsGroup: boolean, authors: string[], strangers: string[], isSelf: (name: string) => boolean,
): RenamedPerson | null {
  if (c.isGroup || exportIsGroup || strangers.length !== 1 || probe.messages.length === 0) return null;
  const others = c.participants.filter((p) => p.name !== null && !isSelf(p.name));
  if (others.length !== 1) return null;
  const to = others[0]!.name!;
  const from = strangers[0]!;
  if (authors.some((a) => matchKey(a) === matchKey(to))) return null;
  const fromKey = matchKey(from);
  const rekeyed = new Map<string, string>();
  const messages = probe.messages.map((m) => {
    if (m.senderKey !== fromKey) return m;
    const key = m.keyAs(to);
    rekeyed.set(m.key, key);
    return { ...m, key };
  });
  const found = conversationKeysHeld(db, c.id, [...rekeyed.values()], probe.fromMs, probe.toMs).size;
  if (found < FOUND_AT_LEAST) return null;
  const keys = new Map([...probe.keys].map(([k, v]) => [rekeyed.get(k) ?? k, v]));
  return { probe: { ...probe, keys, messages }, from, to, found };
}
