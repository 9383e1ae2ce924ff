import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCustodian } from '../../src/store/custodians.js';
import { insertSyntheticConversation, insertSyntheticMessages } from '../../src/store/synthetic.js';
import { iterateMessages } from '../../src/store/messages.js';
import { messageIdSpan, messagePagesForTagging, type MessagePage } from '../../src/store/tagging.js';
import { compileRuleSet } from '../../src/rules/compile.js';
import { Engine } from '../../src/rules/engine.js';
import { defaultRulesDir, loadRuleSet } from '../../src/rules/load.js';
import { loadWorld, tagMessageRange } from '../../src/rules/tag-range.js';
import { file, ruleSet } from './helpers.js';
import { buildStore, CUSTODIAN, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture;
beforeEach(() => {
  fx = buildStore();
  // A text with U+FFFF (the page separator) forces the row-by-row fallback for its page; one without a contact id.
  insertSyntheticMessages(fx.store.db, CUSTODIAN, fx.conversations.anne, [
    { sender: 'Anne ❤️', senderContactId: fx.contacts.anne, text: 'raar teken \uffff hier, en oma' },
    { sender: '+31 6 99988877', senderContactId: null, text: 'Wie ben ik? 😄' },
  ]);
});
afterEach(() => fx.close());

const flatten = (pages: Iterable<MessagePage>) =>
  [...pages].flatMap((p) =>
    Array.from({ length: p.n }, (_, i) => {
      const x = p.extra.get(i);
      return { id: p.ids[i], conversationId: p.conversationIds[i], senderContactId: p.senderContactIds[i] === -1 ? null : p.senderContactIds[i], sender: x?.sender ?? null, kind: x?.kind ?? 'text', event: x?.event ?? null, text: p.texts[i] };
    }),
  );

describe('reading messages for tagging', () => {
  it('pages (aggregated and row-by-row fallback) return every message exactly as stored', () => {
    const db = fx.store.db;
    const expected = Object.values(fx.conversations)
      .flatMap((c) => [...iterateMessages(db, c)])
      .map((m) => ({ id: m.id, conversationId: m.conversationId, senderContactId: m.senderContactId ?? null, sender: m.senderContactId ? null : m.sender, kind: m.kind, event: m.event, text: m.text }))
      .sort((a, b) => a.id - b.id);
    for (const size of [1, 3, 4, 100]) expect(flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, size))).toEqual(expected);
    // Id ranges split the same list without gaps or overlaps.
    const { min, max, count } = messageIdSpan(db, CUSTODIAN);
    expect(count).toBe(expected.length);
    expect(messageIdSpan(db, CUSTODIAN, 3)).toEqual({ min, max, count: 3 });
    expect(messageIdSpan(db, CUSTODIAN, expected.length + 10).count).toBe(expected.length);
    const mid = Math.floor((min + max) / 2);
    const parts = [...flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: mid }, 4)), ...flatten(messagePagesForTagging(db, CUSTODIAN, { after: mid, upTo: Infinity }, 4))];
    expect(parts).toEqual(expected);
    // With a second custodian in the store, the pages still hold only this custodian's messages.
    addCustodian(db, { id: 'minister-jenv', name: 'X', function: 'Minister van JenV', department: 'JenV', termFrom: '2022-01-10', termTo: null, tz: 'Europe/Amsterdam' });
    const other = insertSyntheticConversation(db, 'minister-jenv', { title: 'Ander', participantIds: [] });
    insertSyntheticMessages(db, 'minister-jenv', other, [{ sender: 'Y', text: 'niet van deze minister' }]);
    for (const size of [1, 5, 100]) expect(flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, size))).toEqual(expected);
    expect(flatten(messagePagesForTagging(db, 'minister-jenv')).map((m) => m.text)).toEqual(['niet van deze minister']);
  });

  it('reads only the fields asked for, and lists the ids of a page that has a gap', () => {
    const db = fx.store.db;
    // A gap in this custodian's ids: another custodian's message comes between two of its messages.
    addCustodian(db, { id: 'minister-jenv', name: 'X', function: 'Minister van JenV', department: 'JenV', termFrom: '2022-01-10', termTo: null, tz: 'Europe/Amsterdam' });
    insertSyntheticMessages(db, 'minister-jenv', insertSyntheticConversation(db, 'minister-jenv', { title: 'Ander', participantIds: [] }), [{ sender: 'Y', text: 'niet van deze minister' }]);
    insertSyntheticMessages(db, CUSTODIAN, fx.conversations.familie, [{ sender: '06 12121212', senderContactId: null, text: 'na het gat' }]);
    const all = flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, 100));
    const ids = all.map((m) => m.id);
    expect(ids[ids.length - 1]! - ids[ids.length - 2]!).toBe(2);
    expect(all[all.length - 1]).toMatchObject({ text: 'na het gat', sender: '06 12121212', senderContactId: null, conversationId: fx.conversations.familie });
    for (const size of [1, 3, 100]) {
      expect(flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, size))).toEqual(all);
      // Without conversation and sender: -1 and null there, the rest (ids, kind, event, text) as stored.
      const lean = flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, size, { conversation: false, sender: false }));
      expect(lean).toEqual(all.map((m) => ({ ...m, conversationId: -1, senderContactId: null, sender: null })));
      const convOnly = flatten(messagePagesForTagging(db, CUSTODIAN, { after: 0, upTo: Infinity }, size, { conversation: true, sender: false }));
      expect(convOnly).toEqual(all.map((m) => ({ ...m, senderContactId: null, sender: null })));
    }
  });

  it('tag reads the conversation and sender only for rule sets whose message rules use them', () => {
    const db = fx.store.db;
    const [oma] = insertSyntheticMessages(db, CUSTODIAN, fx.conversations.familie, [{ sender: '06 12121212', senderContactId: null, text: 'Zondag bij oma?' }]);
    const world = loadWorld(db, CUSTODIAN);
    expect(compileRuleSet(loadRuleSet([defaultRulesDir()]), world).messageFields).toEqual({ conversation: false, sender: false });
    const run = (rules: object[]) => {
      const compiled = compileRuleSet(ruleSet(file(rules)), world);
      const rows = tagMessageRange(db, CUSTODIAN, new Engine(compiled, { defaultCategory: 'zakelijk' }), { after: 0, upTo: Infinity }, { dryRun: false, examplesPerRule: 0 }).rows;
      return { fields: compiled.messageFields, targets: (rule: string) => rows.filter((r) => r.ruleId === rule).map((r) => r.targetId) };
    };
    const conversation = run([{ id: 'familie', category: 'privé', priority: 50, level: 'message', match: { type: 'conversation', titles: ['Familie *'] } }]);
    expect(conversation.fields).toEqual({ conversation: true, sender: false });
    expect(conversation.targets('familie')).toEqual([fx.messages.jarig, fx.messages.taart, oma]);
    // A sender without a contact id is matched on its number; a rule may reach a condition through a reference.
    const sender = run([{ id: 'onbekend-nummer', category: 'privé', priority: 60, level: 'message', match: { type: 'contact', phones: ['+31612121212'] } }]);
    expect(sender.fields).toEqual({ conversation: false, sender: true });
    expect(sender.targets('onbekend-nummer')).toEqual([oma]);
    const referenced = run([
      { id: 'opa', category: 'privé', priority: 60, level: 'contact', match: { type: 'contact', names: ['Opa *'] } },
      { id: 'van-opa', category: 'privé', priority: 60, level: 'message', match: { type: 'not', match: { type: 'any', of: [{ type: 'rule', id: 'opa' }, { type: 'kind', kinds: ['system'] }] } } },
    ]);
    expect(referenced.fields).toEqual({ conversation: false, sender: true });
    expect(referenced.targets('van-opa')).not.toContain(fx.messages.jarig);
    expect(referenced.targets('van-opa')).toContain(oma);
  });
});
