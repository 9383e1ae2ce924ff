/**
 * A small, realistic review fixture: a minister with a business chat (with a mixed message, an emoji message, an XSS
 * attempt and a photo), a private family chat and a party-political group, plus the rule engine's suggestions.
 * Rows are inserted with SQL here (test code) because the fixture needs exact ids and spans; the review code under
 * test reads and writes them only through src/store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addCustodian } from '../../src/store/custodians.js';
import { openStore, type Store } from '../../src/store/db.js';
import { refreshConversationSpan } from '../../src/store/synthetic.js';
import { main } from '../../src/cli/main.js';

export const CUSTODIAN = 'minister-bzk';
export const XSS = '<img src=x onerror=alert(1)>';
export const MIXED = 'Dank, ik teken de nota vanmiddag. Trouwens, mijn dochter heeft morgen haar diploma-uitreiking, dus ik ben er om 15:00 niet.';
export const PRIVATE_SENTENCE = 'Trouwens, mijn dochter heeft morgen haar diploma-uitreiking, dus ik ben er om 15:00 niet.';
export const EMOJI = 'Top 👍🏽 zet de stukken voor het Kamerdebat over de Omgevingswet klaar, en bel de griffie.';

export interface Fixture {
  dir: string;
  dbPath: string;
  store: Store;
  ids: {
    contacts: { self: number; anna: number; mama: number; pieter: number };
    conversations: { anna: number; mama: number; partij: number };
    messages: { annaNota: number; mixed: number; xss: number; photo: number; emoji: number; system: number; mama1: number; partij1: number; partij2: number; partij3: number };
    markings: { passage: number; annaContact: number; mamaConversation: number; mamaContact: number; partij1: number; partij2: number; partij3: number; xssBusiness: number };
  };
  close(): void;
}

export function tempDir(prefix = 'chatarchief-review-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

let clock = Date.parse('2024-03-11T08:00:00Z');

export function buildFixture(opts: { secondReviewer?: boolean } = {}): Fixture {
  const dir = tempDir();
  const dbPath = path.join(dir, 'review.db');
  const store = openStore(dbPath);
  const db = store.db;
  addCustodian(db, {
    id: CUSTODIAN, name: 'J. de Vries', function: 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', department: 'BZK',
    termFrom: '2022-01-10', termTo: null, tz: 'Europe/Amsterdam', secondReviewer: opts.secondReviewer ?? false,
  });
  const vs = db.prepare(`INSERT INTO veiligstellingen (custodian_id, operator, device, started_at) VALUES (?, 'operator', 'dienst-iPhone', '2024-04-01T09:00:00Z')`).run(CUSTODIAN).lastInsertRowid;
  // The bytes the rows name are in the blob store, as an ingest leaves them (`audit verify` checks the evidence too).
  const zip = store.blobs.putBuffer(Buffer.alloc(1234, 'WhatsApp Chat met Anna\n'));
  const photo = store.blobs.putBuffer(Buffer.alloc(48213, 'IMG-20240311-WA0001'));
  const src = Number(db.prepare(`INSERT INTO sources (custodian_id, veiligstelling_id, file_name, original_path, size, sha256, operator, ingested_at, format, platform, parser_version)
    VALUES (?, ?, 'WhatsApp Chat met Anna.zip', '/media/export/WhatsApp Chat met Anna.zip', ?, ?, 'operator', '2024-04-01T09:05:00Z', 'whatsapp-txt', 'whatsapp', 'test')`).run(CUSTODIAN, vs, zip.size, zip.sha256).lastInsertRowid);
  const contact = (name: string | null, phone: string | null, self = 0) =>
    Number(db.prepare('INSERT INTO contacts (custodian_id, display_name, phone_e164, is_custodian) VALUES (?, ?, ?, ?)').run(CUSTODIAN, name, phone, self).lastInsertRowid);
  const contacts = { self: contact('J. de Vries', '+31611111111', 1), anna: contact('Anna de Vries', '+31612345678'), mama: contact('Mama', '+31687654321'), pieter: contact('Pieter Bakker', '+31622223333') };
  const conversation = (key: string, title: string, isGroup: number, members: number[]) => {
    const id = Number(db.prepare(`INSERT INTO conversations (custodian_id, platform, chat_key, title, is_group, created_at) VALUES (?, 'whatsapp', ?, ?, ?, '2024-04-01T09:05:00Z')`).run(CUSTODIAN, key, title, isGroup).lastInsertRowid);
    for (const m of members) db.prepare('INSERT INTO conversation_participants (conversation_id, contact_id) VALUES (?, ?)').run(id, m);
    return id;
  };
  const conversations = {
    anna: conversation('anna', 'Anna de Vries', 0, [contacts.self, contacts.anna]),
    mama: conversation('mama', 'Mama', 0, [contacts.self, contacts.mama]),
    partij: conversation('partij', 'Partijbestuur overleg', 1, [contacts.self, contacts.pieter]),
  };
  const seqs = new Map<number, number>();
  const message = (conv: number, sender: string | null, senderId: number | null, text: string, kind = 'text', event: string | null = null) => {
    const seq = seqs.get(conv) ?? 0;
    seqs.set(conv, seq + 1);
    clock += 7 * 60_000;
    const at = new Date(clock).toISOString().replace('.000Z', '+00:00');
    const id = Number(db.prepare(`INSERT INTO messages (conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, sender, sender_raw, sender_contact_id, from_self, kind, event, text, raw_text, source_line, first_source_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'Europe/Amsterdam', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      conv, seq, `k${conv}-${seq}`, at, clock, at, at.slice(0, 19), sender, sender, senderId, senderId === contacts.self ? 1 : 0, kind, event, text, text, seq + 1, src,
    ).lastInsertRowid);
    db.prepare('INSERT INTO message_sources (message_id, source_id) VALUES (?, ?)').run(id, src);
    return id;
  };
  const messages = {
    system: message(conversations.anna, null, null, 'Berichten en oproepen worden end-to-end versleuteld.', 'system', 'encryption-notice'),
    annaNota: message(conversations.anna, 'Anna de Vries', contacts.anna, 'Goedemorgen minister, de nota over de Omgevingswet ligt klaar voor ondertekening.'),
    mixed: message(conversations.anna, 'J. de Vries', contacts.self, MIXED),
    xss: message(conversations.anna, 'Anna de Vries', contacts.anna, XSS),
    photo: message(conversations.anna, 'Anna de Vries', contacts.anna, 'Kaart van dijkring 43', 'media'),
    emoji: message(conversations.anna, 'J. de Vries', contacts.self, EMOJI),
    mama1: message(conversations.mama, 'Mama', contacts.mama, 'Lieverd, vergeet je niet dat opa zondag jarig is? Neem je de kinderen mee?'),
    partij1: message(conversations.partij, 'Pieter Bakker', contacts.pieter, 'De kandidatenlijst voor de verkiezingen moet vrijdag naar het partijbureau.'),
    partij2: message(conversations.partij, 'J. de Vries', contacts.self, 'Ik bel de fractievoorzitter over de campagne.'),
    partij3: message(conversations.partij, 'Pieter Bakker', contacts.pieter, 'Het congres is op 20 april in Utrecht.'),
  };
  db.prepare(`INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size, missing) VALUES (?, 0, 'IMG-20240311-WA0001.jpg', 'image/jpeg', ?, ?, 0)`).run(messages.photo, photo.sha256, photo.size);
  const marking = (level: string, target: number, category: string, ruleId: string, evidence: Record<string, unknown>, span: [number, number] | null = null) =>
    Number(db.prepare(`INSERT INTO markings (custodian_id, level, target_id, span_start, span_end, origin, suggested_category, category, status, rule_id, rule_file_hash, evidence_json, active, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'rule', ?, ?, 'suggested', ?, 'h', ?, 1, '2024-04-01T10:00:00Z', '2024-04-01T10:00:00Z')`).run(
      CUSTODIAN, level, target, span?.[0] ?? null, span?.[1] ?? null, category, category, ruleId, JSON.stringify(evidence),
    ).lastInsertRowid);
  const start = MIXED.indexOf('Trouwens');
  const markings = {
    passage: marking('passage', messages.mixed, 'privé', 'prive.familie', { term: 'dochter', span: [start, MIXED.length] }, [start, MIXED.length]),
    annaContact: marking('contact', contacts.anna, 'zakelijk', 'contact.zakelijk', { phone: '+31612345678' }),
    mamaConversation: marking('conversation', conversations.mama, 'privé', 'titel.familie', { title: 'Mama' }),
    mamaContact: marking('contact', contacts.mama, 'privé', 'contact.familie', { name: 'Mama' }),
    partij1: marking('message', messages.partij1, 'partijpolitiek', 'partij.lexicon', { term: 'kandidatenlijst' }),
    partij2: marking('message', messages.partij2, 'partijpolitiek', 'partij.rollen', { term: 'fractievoorzitter' }),
    partij3: marking('message', messages.partij3, 'partijpolitiek', 'partij.lexicon', { term: 'congres' }),
    xssBusiness: marking('message', messages.xss, 'privé', 'regex.opmaak', { pattern: '<img' }),
  };
  // (the ingest keeps each conversation's first and last message time; this fixture inserts rows itself)
  for (const id of Object.values(conversations)) refreshConversationSpan(db, id);
  return { dir, dbPath, store, ids: { contacts, conversations, messages, markings }, close: () => store.close() };
}

export interface CliRun { code: number; stdout: string; stderr: string; json<T = any>(): T }

/** Runs the CLI in-process. */
export async function cli(argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, env: {} });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/** Raw row access for assertions and tampering (tests only). */
export function row<T = Record<string, unknown>>(f: Fixture, sql: string, ...args: unknown[]): T {
  return f.store.db.prepare(sql).get(...args) as T;
}

/**
 * Adds a conversation of `n` messages (one transaction) with a privé suggestion on every `every`-th message, for the
 * large-conversation tests. Returns the conversation id and the ids of the suggested messages' markings.
 */
export function addLargeConversation(f: Fixture, n: number, every = 1000): { conversationId: number; markingIds: number[] } {
  const db = f.store.db;
  return db.transaction(() => {
    const conv = Number(db.prepare(`INSERT INTO conversations (custodian_id, platform, chat_key, title, is_group, created_at) VALUES (?, 'whatsapp', 'groot', 'Crisisoverleg Hoogwater', 1, '2024-04-01T09:05:00Z')`).run(CUSTODIAN).lastInsertRowid);
    db.prepare('INSERT INTO conversation_participants (conversation_id, contact_id) VALUES (?, ?), (?, ?)').run(conv, f.ids.contacts.self, conv, f.ids.contacts.anna);
    const src = (db.prepare('SELECT id FROM sources LIMIT 1').get() as { id: number }).id;
    const ins = db.prepare(`INSERT INTO messages (conversation_id, seq, dedup_key, sent_at, sent_at_ms, local_time, local_iso, zone, sender, sender_raw, sender_contact_id, from_self, kind, text, raw_text, source_line, first_source_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'Europe/Amsterdam', ?, ?, ?, ?, 'text', ?, ?, ?, ?)`);
    const mk = db.prepare(`INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, rule_id, evidence_json, created_at, updated_at)
      VALUES (?, 'message', ?, 'rule', 'privé', 'privé', 'suggested', 'prive.gezondheid', '{"term":"huisarts"}', 'x', 'x')`);
    const markingIds: number[] = [];
    const t0 = Date.parse('2023-01-02T07:00:00Z');
    for (let i = 0; i < n; i++) {
      const ms = t0 + i * 45_000;
      const at = new Date(ms).toISOString().replace('.000Z', '+00:00');
      const self = i % 3 === 0;
      const text = i % every === every - 1
        ? `Bericht ${i + 1}: ik moet straks naar de huisarts, neem jij het overleg over?`
        : `Bericht ${i + 1}: waterstand bij Lobith ${(1000 + (i % 500)) / 100} m, dijkbewaking ${i % 7 === 0 ? 'opgeschaald' : 'normaal'}.${i % 11 === 0 ? '\nVolgende update over een uur.' : ''}`;
      const id = Number(ins.run(conv, i, `g${i}`, at, ms, at, at.slice(0, 19), self ? 'J. de Vries' : 'Anna de Vries', self ? 'J. de Vries' : 'Anna de Vries', self ? f.ids.contacts.self : f.ids.contacts.anna, self ? 1 : 0, text, text, i + 1, src).lastInsertRowid);
      if (i % every === every - 1) markingIds.push(Number(mk.run(CUSTODIAN, id).lastInsertRowid));
    }
    refreshConversationSpan(db, conv);
    return { conversationId: conv, markingIds };
  })();
}
