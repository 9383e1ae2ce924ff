/**
 * A store with one minister's realistic chats, built through the store modules (src/store/synthetic.ts):
 * a business group, a one-to-one chat with a partner (saved with a heart), a family group and a party group.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addCustodian } from '../../src/store/custodians.js';
import { openStore, type Store } from '../../src/store/db.js';
import { insertSyntheticContact, insertSyntheticConversation, insertSyntheticMessages } from '../../src/store/synthetic.js';

export const CUSTODIAN = 'minister-bzk';

export const MIXED =
  'Dank voor de nota over de Omgevingswet, ik teken hem vanmiddag. Zaterdag is mijn oma jarig 🎂 dus dan ben ik er niet. ' +
  'De stukken voor het commissiedebat graag vrijdag in de tas 📄.';

export interface StoreFixture {
  dir: string;
  dbPath: string;
  store: Store;
  contacts: { self: number; anne: number; dg: number; opa: number; partij: number };
  conversations: { mt: number; anne: number; familie: number; partij: number };
  messages: Record<string, number>;
  close(): void;
}

export function buildStore(): StoreFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-rules-'));
  const dbPath = path.join(dir, 'store.db');
  const store = openStore(dbPath);
  const db = store.db;
  addCustodian(db, { id: CUSTODIAN, name: 'J. de Vries', function: 'Minister van BZK', department: 'BZK', termFrom: '2022-01-10', termTo: null, tz: 'Europe/Amsterdam' });
  const c = (name: string, phone: string | null, isCustodian = false) => insertSyntheticContact(db, CUSTODIAN, { name, phone, isCustodian });
  const contacts = {
    self: c('J. de Vries', '+31611111111', true),
    anne: c('Anne ❤️', '+31612345678'),
    dg: c('Pieter Bakker (DG)', '+31701234567'),
    opa: c('Opa Henk', null),
    partij: c('Secretaris afdeling Utrecht', '+31687654321'),
  };
  const conv = (title: string, isGroup: boolean, participantIds: number[]) => insertSyntheticConversation(db, CUSTODIAN, { title, isGroup, participantIds });
  const conversations = {
    mt: conv('MT BZK', true, [contacts.self, contacts.dg]),
    anne: conv('Anne ❤️', false, [contacts.self, contacts.anne]),
    familie: conv('Familie Bakker', true, [contacts.self, contacts.anne, contacts.opa]),
    partij: conv('Afdeling Utrecht', true, [contacts.self, contacts.partij]),
  };
  const messages: Record<string, number> = {};
  const put = (conversationId: number, rows: [string, string | null, number | null, string, string?, string?][]) => {
    const ids = insertSyntheticMessages(db, CUSTODIAN, conversationId, rows.map(([, sender, senderContactId, text, kind, event]) => ({ sender, senderContactId, text, kind, event })));
    rows.forEach(([key], i) => (messages[key] = ids[i]!));
  };
  put(conversations.mt, [
    ['encryption', null, null, 'Berichten en oproepen worden end-to-end versleuteld.', 'system', 'encryption-notice'],
    ['nota', 'Pieter Bakker (DG)', contacts.dg, 'De beslisnota over de Omgevingswet staat klaar voor de ministerraad.'],
    ['mixed', 'J. de Vries', contacts.self, MIXED],
    ['motie', 'Pieter Bakker (DG)', contacts.dg, 'De motie van de VVD over de Omgevingswet komt dinsdag in stemming.'],
    ['ok', 'J. de Vries', contacts.self, 'Prima 👍🏽'],
  ]);
  put(conversations.anne, [
    ['boodschappen', 'Anne ❤️', contacts.anne, 'Neem jij de boodschappen mee? Wat eten we vanavond?'],
    ['ja', 'J. de Vries', contacts.self, 'Ja, om 7 uur thuis.'],
  ]);
  put(conversations.familie, [
    ['jarig', 'Opa Henk', contacts.opa, 'Hoi! Wanneer is het verjaardagsfeest?'],
    ['taart', 'J. de Vries', contacts.self, 'Ik neem taart mee'],
  ]);
  put(conversations.partij, [
    ['alv', 'Secretaris afdeling Utrecht', contacts.partij, 'Kom je naar de algemene ledenvergadering? De kandidatenlijst staat op de agenda.'],
    ['sp', 'J. de Vries', contacts.self, 'Ik denk het wel, sp. Wat vindt de SP ervan?'],
  ]);
  return { dir, dbPath, store, contacts, conversations, messages, close: () => store.close() };
}
