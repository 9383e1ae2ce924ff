import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { addCustodian } from '../../src/store/custodians.js';
import { syncRuleSuggestions } from '../../src/store/markings.js';
import { insertSyntheticContact, insertSyntheticConversation, insertSyntheticMessages } from '../../src/store/synthetic.js';
import { decide, mark } from '../../src/review/service.js';
import { tempDir } from '../helpers/cli.js';

/**
 * A realistic store for export tests: a minister with a business crisis group (in which her sister Marieke also sits
 * and sends something private), a 1:1 chat with the sister (private contact), a 1:1 with a party official
 * (partijpolitiek conversation), and a business 1:1 with a private passage. The planted private content below must
 * never reach the geschoonde set.
 */
export const PLANTED = {
  sentence: 'Mijn zus Marieke ligt sinds dinsdag in het Maasstad ziekenhuis met een gebroken heup',
  passage: 'Ik ben vrijdag niet bereikbaar want dan is de uitvaart van oom Kees in Zwolle',
  sisterName: 'Marieke van Oranjewoud',
  sisterPhone: '+31612345678',
  sisterPhoneWritten: '06-12 34 56 78',
  party: 'De kandidatenlijst voor het partijcongres moet vóór zaterdag rond zijn, bel de partijvoorzitter',
  groupPrivate: 'Zondag verjaardag van mama in Apeldoorn, neem jij de taart mee?',
};

export interface Fixture {
  dir: string;
  dbPath: string;
  store: Store;
  custodian: string;
  contacts: { minister: number; anna: number; sister: number; party: number; kees: number };
  conversations: { crisis: number; sister: number; party: number; dg: number };
  messages: { crisisPrivate: number; dgPassage: number; crisisBusiness: number[] };
  /** Markings left undecided (rule suggestions) by `withOpenSuggestion`. */
  open: number[];
}

const T0 = Date.UTC(2025, 2, 10, 8, 0); // 10 March 2025, 09:00 Amsterdam

export function buildFixture(opts: { openSuggestion?: boolean } = {}): Fixture {
  const dir = tempDir('chatarchief-export-');
  const dbPath = path.join(dir, 'store.db');
  const store = openStore(dbPath);
  const { db } = store;
  const custodian = 'minister-bzk';
  addCustodian(db, { id: custodian, name: 'J. de Vries', function: 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', department: 'BZK', termFrom: '2024-07-02', termTo: null, tz: 'Europe/Amsterdam' });
  const minister = insertSyntheticContact(db, custodian, { name: 'J. de Vries', phone: '+31600000001', isCustodian: true });
  const anna = insertSyntheticContact(db, custodian, { name: 'Anna Bakker', phone: '+31600000002' });
  const sister = insertSyntheticContact(db, custodian, { name: PLANTED.sisterName, phone: PLANTED.sisterPhone });
  const party = insertSyntheticContact(db, custodian, { name: 'Partijbureau', phone: '+31600000004' });
  const kees = insertSyntheticContact(db, custodian, { name: 'Kees Dijkstra (DG)', phone: '+31600000005' });
  const at = (min: number) => T0 + min * 60_000;

  const crisis = insertSyntheticConversation(db, custodian, { title: 'Crisisoverleg Hoogwater', isGroup: true, participantIds: [minister, anna, sister] });
  const crisisIds = insertSyntheticMessages(db, custodian, crisis, [
    { sender: 'Anna Bakker', senderContactId: anna, text: 'De waterstand bij Lobith stijgt, om 10:00 overleg met Rijkswaterstaat.', sentAtMs: at(0) },
    { sender: 'J. de Vries', senderContactId: minister, text: 'Akkoord. Graag de kaart van dijkring 43 vooraf.', sentAtMs: at(2) },
    { sender: null, kind: 'system', event: 'member-added', text: `Anna Bakker heeft ${PLANTED.sisterName} toegevoegd`, sentAtMs: at(3) },
    { sender: PLANTED.sisterName, senderContactId: sister, text: PLANTED.groupPrivate, sentAtMs: at(4) },
    { sender: 'Anna Bakker', senderContactId: anna, text: `Voor de volledigheid: de evacuatiecoördinator is bereikbaar, niet via ${PLANTED.sisterPhoneWritten}.`, sentAtMs: at(6) },
  ]);
  const sisterConv = insertSyntheticConversation(db, custodian, { title: PLANTED.sisterName, participantIds: [minister, sister] });
  insertSyntheticMessages(db, custodian, sisterConv, [
    { sender: PLANTED.sisterName, senderContactId: sister, text: PLANTED.sentence, sentAtMs: at(30) },
    { sender: 'J. de Vries', senderContactId: minister, text: 'Wat naar! Ik kom vanavond langs na het debat.', sentAtMs: at(31) },
  ]);
  const partyConv = insertSyntheticConversation(db, custodian, { title: 'Partijbureau', participantIds: [minister, party] });
  insertSyntheticMessages(db, custodian, partyConv, [
    { sender: 'Partijbureau', senderContactId: party, text: PLANTED.party, sentAtMs: at(60) },
  ]);
  const dg = insertSyntheticConversation(db, custodian, { title: 'Kees Dijkstra (DG)', participantIds: [minister, kees] });
  const dgText = `Nota over de Omgevingswet staat klaar. ${PLANTED.passage}. Maandag bespreken we de reactie aan de Kamer.`;
  const [dgPassage] = insertSyntheticMessages(db, custodian, dg, [
    { sender: 'Kees Dijkstra (DG)', senderContactId: kees, text: dgText, sentAtMs: at(90) },
    { sender: 'J. de Vries', senderContactId: minister, text: 'Dank, ik lees hem vanavond.', sentAtMs: at(95) },
  ]);

  const reviewer = 'R. Reviewer';
  mark(db, { level: 'contact', targetId: sister, category: 'privé', reviewer, reason: 'zus van de minister' });
  mark(db, { level: 'conversation', targetId: partyConv, category: 'partijpolitiek', reviewer, reason: 'partijbureau' });
  const start = dgText.indexOf(PLANTED.passage);
  mark(db, { level: 'passage', targetId: dgPassage!, span: [start, start + PLANTED.passage.length], category: 'privé', reviewer, reason: 'uitvaart familie' });
  // A rule suggestion on a business message that the reviewer rejected: it must not hide anything.
  syncRuleSuggestions(db, custodian, [
    { level: 'message', targetId: crisisIds[1]!, span: null, category: 'privé', ruleId: 'prive.test', ruleFileHash: 'h', evidenceJson: '{"term":"vooraf"}' },
    ...(opts.openSuggestion ? [{ level: 'message' as const, targetId: crisisIds[0]!, span: null, category: 'privé', ruleId: 'prive.open', ruleFileHash: 'h', evidenceJson: '{"term":"Lobith"}' }] : []),
  ], { ruleFiles: [], counts: {} });
  const suggested = db.prepare("SELECT id, rule_id FROM markings WHERE origin = 'rule' ORDER BY id").all() as { id: number; rule_id: string }[];
  decide(db, { markingIds: [suggested.find((s) => s.rule_id === 'prive.test')!.id], action: 'reject', reviewer, reason: 'zakelijk overleg' });
  return {
    dir, dbPath, store, custodian,
    contacts: { minister, anna, sister, party, kees },
    conversations: { crisis, sister: sisterConv, party: partyConv, dg },
    messages: { crisisPrivate: crisisIds[3]!, dgPassage: dgPassage!, crisisBusiness: [crisisIds[0]!, crisisIds[1]!, crisisIds[4]!] },
    open: suggested.filter((s) => s.rule_id === 'prive.open').map((s) => s.id),
  };
}
