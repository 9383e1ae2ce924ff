import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCustodian } from '../../src/store/custodians.js';
import { insertSyntheticConversation, insertSyntheticMessages } from '../../src/store/synthetic.js';
import { iterateMessages } from '../../src/store/messages.js';
import { messageIdSpan, messagePagesForTagging, type MessagePage } from '../../src/store/tagging.js';
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
});
