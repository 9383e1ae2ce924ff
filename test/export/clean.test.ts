import { describe, expect, it } from 'vitest';
import { cleanConversation, cleanMessage, conversationExclusion, participantsShown, titleShown, type CleaningContext, type EffectiveMarking } from '../../src/export/clean.js';
import { Screen } from '../../src/export/screen.js';
import type { MessageJson } from '../../src/store/messages.js';

const CUSTODIAN = 1;
const ANNA = 2; // business: Anna de Vries (DG Waterstaat)
const MARIEKE = 3; // private: the minister's sister

function msg(id: number, over: Partial<MessageJson> = {}): MessageJson {
  return {
    id, conversationId: 10, seq: id, sentAt: `2025-03-11T09:${String(10 + id).padStart(2, '0')}:00+01:00`, localTime: `11-03-2025 09:${10 + id}`,
    sender: 'Anna de Vries', senderContactId: ANNA, fromSelf: false, kind: 'text', event: null, text: 'Kun je de kaart van dijkring 43 sturen?',
    edited: false, viewOnce: false, timeAmbiguous: false, timeInvalid: false, attachments: [], sources: [1], missingIn: [],
    ...over,
  };
}

function mark(id: number, level: EffectiveMarking['level'], targetId: number, category: EffectiveMarking['category'], over: Partial<EffectiveMarking> = {}): EffectiveMarking {
  return { id, level, targetId, span: null, category, undecided: false, decisionId: id + 100, decidedAt: '2025-03-12T10:00:00Z', ruleId: 'prive.familie', ...over };
}

const screen = new Screen(
  [{ contactId: MARIEKE, pseudonym: 'Privécontact 3', names: ['Marieke Jansen', 'Zus Marieke'], phones: ['+31612345678'] }],
  ['Anna de Vries', 'J. de Vries'],
);

function ctx(over: Partial<CleaningContext> = {}): CleaningContext {
  return {
    conversationId: 10, title: 'Crisisoverleg Hoogwater', isGroup: true,
    participants: [
      { contactId: CUSTODIAN, name: 'J. de Vries', phone: '+31600000001', isCustodian: true },
      { contactId: ANNA, name: 'Anna de Vries', phone: '+31600000002', isCustodian: false },
      { contactId: MARIEKE, name: 'Marieke Jansen', phone: '+31612345678', isCustodian: false },
    ],
    conversationMarkings: [], contactMarkings: new Map(), defaultCategory: 'zakelijk',
    pseudonyms: new Map([[MARIEKE, 'Privécontact 3']]), screen, ...over,
  };
}

describe('cleanMessage', () => {
  it("hides a system event by a private contact (the group name she typed), by her contact marking, WhatsApp and Signal", () => {
    const c = ctx({ contactMarkings: new Map([[MARIEKE, [mark(9, 'contact', MARIEKE, 'privé')]]]) });
    const system = (text: string, actor: unknown): MessageJson =>
      msg(5, { kind: 'system', event: 'subject-changed', sender: null, senderContactId: null, text, extra: { actor, subject: 'Zeilweekend Texel' } });
    for (const m of [
      system('Marieke Jansen heeft het onderwerp gewijzigd naar "Zeilweekend Texel"', 'Marieke Jansen'),
      system('\u202a+31 6 12345678\u202c heeft het onderwerp gewijzigd naar "Zeilweekend Texel"', '\u202a+31 6 12345678\u202c'),
      system('Zus Marieke changed the group name to "Zeilweekend Texel"', { name: 'Zus Marieke', phone: '+31612345678', key: 'aci-1' }),
      system('Marieke changed the group name to "Zeilweekend Texel"', { name: 'Marieke', phone: '+31612345678', key: 'aci-1' }),
    ]) {
      const s = cleanMessage(m, [], c);
      expect(s).toMatchObject({ type: 'marker', category: 'privé', markingId: 9, level: 'contact', kind: 'system', sender: null });
      expect(JSON.stringify(s)).not.toMatch(/Zeilweekend|Marieke|12345678/);
    }
    // A business participant's or the custodian's events stay; a private contact named inside one is screened.
    const kept = cleanMessage(system('Anna de Vries heeft Marieke Jansen toegevoegd', 'Anna de Vries'), [], c);
    expect(kept).toMatchObject({ type: 'message', text: 'Anna de Vries heeft [Privécontact 3] toegevoegd' });
    expect(cleanMessage(system('U hebt het onderwerp gewijzigd naar "Dijkring 43"', 'U'), [], c)).toMatchObject({ type: 'message' });
    // A private participant with a name too short to screen, or written with WhatsApp's "~ " for a number not in the
    // phone's contacts, is found among the conversation's participants.
    const JAN = 4;
    const withJan = ctx({
      participants: [...ctx().participants, { contactId: JAN, name: 'Jan', phone: '+31687654321', isCustodian: false }],
      contactMarkings: new Map([[JAN, [mark(11, 'contact', JAN, 'privé')]]]),
    });
    for (const actor of ['Jan', '~ Jan', '\u202a06-87654321\u202c', { name: 'J.', phone: '+31687654321' }]) {
      expect(cleanMessage(system('Jan heeft het onderwerp gewijzigd naar "Zeilweekend Texel"', actor), [], withJan)).toMatchObject({ type: 'marker', markingId: 11, level: 'contact' });
    }
    // Only the whole actor counts: a longer name that merely contains hers is someone else.
    expect(cleanMessage(system('Marieke Jansen-Bos heeft het onderwerp gewijzigd', 'Marieke Jansen-Bos'), [], c).type).toBe('message');
  });

  it('keeps a business message verbatim, attachments included', () => {
    const m = msg(1, { attachments: [{ name: 'kaart-dijkring-43.png', sha256: 'a'.repeat(64), size: 1200, missing: false, mime: 'image/png' }] });
    const s = cleanMessage(m, [], ctx());
    expect(s).toMatchObject({ type: 'message', id: 1, seq: 1, sender: 'Anna de Vries', text: m.text, passages: [] });
    expect(s.attachments).toEqual([{ ordinal: 0, name: 'kaart-dijkring-43.png', mime: 'image/png', sha256: 'a'.repeat(64), size: 1200, missing: false }]);
  });

  it('turns a privé message into a marker that keeps id, seq, time, kind and sender but no content or attachment', () => {
    const m = msg(2, { text: 'Zaterdag verjaardag van mama, neem jij de taart mee?', attachments: [{ name: 'taart-recept.jpg', sha256: 'b'.repeat(64), size: 99, missing: false }] });
    const s = cleanMessage(m, [mark(7, 'message', 2, 'privé')], ctx());
    expect(s).toMatchObject({ type: 'marker', id: 2, seq: 2, sentAt: m.sentAt, kind: 'text', sender: 'Anna de Vries', category: 'privé', markingId: 7, decisionId: 107, level: 'message' });
    if (s.type !== 'marker') throw new Error('expected a marker');
    expect(s.label).toBe('[bericht afgeschermd: privé · M-7 · B-107]');
    expect(s.attachments).toEqual([{ withheld: true, category: 'privé' }]);
    const json = JSON.stringify(s);
    expect(json).not.toMatch(/verjaardag|taart|recept|bbbb/);
  });

  it('shows a private sender by pseudonym and hides all messages of a contact marked privé', () => {
    const m = msg(3, { sender: 'Marieke Jansen', senderContactId: MARIEKE, text: 'Ik bel je vanavond' });
    const c = ctx({ contactMarkings: new Map([[MARIEKE, [mark(8, 'contact', MARIEKE, 'privé')]]]) });
    const s = cleanMessage(m, [], c);
    expect(s).toMatchObject({ type: 'marker', sender: 'Privécontact 3', level: 'contact', markingId: 8 });
    expect(JSON.stringify(s)).not.toMatch(/Marieke|vanavond/);
  });

  it('replaces only the marked passage, with UTF-16 offsets that survive emoji', () => {
    const text = '👍 Akkoord met de nota. Mijn vader ligt in het ziekenhuis. Morgen om 9 uur overleg.';
    const start = text.indexOf('Mijn vader');
    const end = text.indexOf(' Morgen');
    const s = cleanMessage(msg(4, { text }), [mark(9, 'passage', 4, 'privé', { span: [start, end] })], ctx());
    expect(s.type).toBe('message');
    if (s.type !== 'message') return;
    expect(s.text).toBe('👍 Akkoord met de nota. [passage afgeschermd: privé · M-9] Morgen om 9 uur overleg.');
    expect(s.text.slice(s.passages[0]!.start, s.passages[0]!.end)).toBe('[passage afgeschermd: privé · M-9]');
  });

  it('merges overlapping passages and ignores zakelijk ones', () => {
    const text = 'Eerst werk. Dan de partijvergadering en het congres. Einde.';
    const a = text.indexOf('partijvergadering');
    const b = text.indexOf('congres');
    const s = cleanMessage(msg(5, { text }), [
      mark(11, 'passage', 5, 'partijpolitiek', { span: [a, b + 3] }),
      mark(12, 'passage', 5, 'partijpolitiek', { span: [b, b + 'congres'.length] }),
      mark(13, 'passage', 5, 'zakelijk', { span: [0, 5] }),
    ], ctx());
    expect(s.type === 'message' && s.text).toBe('Eerst werk. Dan de [passage afgeschermd: partijpolitiek · M-11 · M-12]. Einde.');
  });

  it('screens private names and numbers in kept content (system events, text, attachment names)', () => {
    const ev = cleanMessage(msg(6, { kind: 'system', event: 'member-added', sender: null, senderContactId: null, text: 'Anna de Vries heeft Marieke Jansen toegevoegd' }), [], ctx());
    expect(ev.type === 'message' && ev.text).toBe('Anna de Vries heeft [Privécontact 3] toegevoegd');
    for (const written of ['+31612345678', '+31 6 12345678', '06-12345678', '06 1234 5678', '0031 6 1234 5678', '(06) 12 34 56 78', '0612345678']) {
      const s = cleanMessage(msg(7, { text: `Bel ${written} even.` }), [], ctx());
      expect(s.type === 'message' && s.text, written).toBe('Bel [Privécontact 3] even.');
    }
    const other = cleanMessage(msg(8, { text: 'Nummer 0612345679 en ref 70612345678 blijven staan.' }), [], ctx());
    expect(other.type === 'message' && other.text).toBe('Nummer 0612345679 en ref 70612345678 blijven staan.');
  });

  it('screens numbers written with dashes, minus signs, thin or zero-width characters between the digit groups', () => {
    // As phones, keyboards and copy-paste write them: en dash, spaced en dash, em dash, minus sign, non-breaking
    // hyphen, thin space, narrow no-break space, zero-width space, WhatsApp's direction marks.
    for (const written of ['06\u201312345678', '06 \u2013 12345678', '06\u201412345678', '06 \u2212 12345678', '06\u201112345678',
      '06\u200912 34 56 78', '+31\u202f6\u202f12345678', '06\u200b12345678', '\u202a+31 6 1234\u20115678\u202c', '06\u2060-\u206012345678']) {
      const s = cleanMessage(msg(7, { text: `Het nummer van de oppas is ${written}, bel haar.` }), [], ctx());
      expect(s.type === 'message' && s.text, JSON.stringify(written)).toMatch(/^Het nummer van de oppas is \u202a?\[Privécontact 3\]\u202c?, bel haar\.$/);
      expect(screen.find(`bel ${written}`).map((h) => h.kind), JSON.stringify(written)).toEqual(['phone']);
    }
    // The trunk 0 after the country code, and a number glued to a word.
    for (const written of ['+31 (0)6 12345678', '0031 (0)6 12345678', 'mob0612345678', 'tel:+31612345678']) {
      expect(screen.find(`Variant: ${written}`).map((h) => h.kind), written).toEqual(['phone']);
      expect(screen.redact(`Variant: ${written}`), written).not.toMatch(/\d{4}/);
    }
    // Dates, periods and amounts with the same separators stay, as do other numbers.
    const other = 'Periode 2024\u20132025, 12\u201303\u20132025, \u20ac\u2009612\u2009345, 06\u201312345679 en 06\u2212123456780.';
    expect(cleanMessage(msg(8, { text: other }), [], ctx())).toMatchObject({ type: 'message', text: other });
  });

  it('never lets a zakelijk marking un-hide a privé one', () => {
    const s = cleanMessage(msg(9), [mark(14, 'message', 9, 'zakelijk'), mark(15, 'message', 9, 'privé')], ctx());
    expect(s).toMatchObject({ type: 'marker', markingId: 15 });
  });

  it('labels an undecided suggestion counted under --allow-unreviewed', () => {
    const s = cleanMessage(msg(10), [mark(16, 'message', 10, 'partijpolitiek', { undecided: true, decisionId: null, decidedAt: null })], ctx());
    expect(s).toMatchObject({ type: 'marker', undecided: true, decisionId: null, label: '[bericht afgeschermd: partijpolitiek · M-16 · onbeoordeeld]' });
  });

  it('applies a non-zakelijk custodian default only to messages no marking covers', () => {
    const c = ctx({ defaultCategory: 'privé' });
    expect(cleanMessage(msg(11), [], c)).toMatchObject({ type: 'marker', level: 'default', markingId: null, label: '[bericht afgeschermd: privé · standaardcategorie]' });
    expect(cleanMessage(msg(12), [mark(17, 'message', 12, 'zakelijk')], c)).toMatchObject({ type: 'message' });
    expect(cleanMessage(msg(13), [], { ...c, conversationMarkings: [mark(18, 'conversation', 10, 'zakelijk')] })).toMatchObject({ type: 'message' });
  });
  it('under a privé default, a passage marking covers only its span: the rest of the message keeps the default', () => {
    const c = ctx({ defaultCategory: 'privé' });
    const text = 'Lieve Jan, ik wil eigenlijk niet verhuizen naar Zwolle zonder de kinderen. De motie van D66 over de dijken komt dinsdag. Bel je me na je overleg?';
    const a = text.indexOf('De motie');
    const b = text.indexOf(' Bel je');
    // A zakelijk passage (an accepted suggestion of the default rules): only that span is kept.
    const s = cleanMessage(msg(20, { text }), [mark(21, 'passage', 20, 'zakelijk', { span: [a, b] })], c);
    expect(s.type === 'message' && s.text).toBe(
      '[passage afgeschermd: privé · standaardcategorie] De motie van D66 over de dijken komt dinsdag. [passage afgeschermd: privé · standaardcategorie]');
    expect(JSON.stringify(s)).not.toMatch(/Zwolle|kinderen|overleg/);
    // A privé passage inside it is withheld too (rule 3), merged with the default around it.
    const d66 = text.indexOf('D66');
    const t = cleanMessage(msg(20, { text }), [mark(21, 'passage', 20, 'zakelijk', { span: [a, b] }), mark(22, 'passage', 20, 'privé', { span: [d66, d66 + 3] })], c);
    expect(t.type === 'message' && t.text).toBe(
      '[passage afgeschermd: privé · standaardcategorie] De motie van [passage afgeschermd: privé · M-22] over de dijken komt dinsdag. [passage afgeschermd: privé · standaardcategorie]');
    // Only a privé passage: the rest is privé by default, so the whole message is a marker.
    const u = cleanMessage(msg(23, { text: 'Ik kom, maar ik ben nog moe van de ruzie met Marieke over de verhuizing naar Zwolle' }), [mark(24, 'passage', 23, 'privé', { span: [45, 52] })], c);
    expect(u).toMatchObject({ type: 'marker', level: 'default', label: '[bericht afgeschermd: privé · standaardcategorie]' });
    // A zakelijk passage in a message with an attachment: the attachment is not in the span, so the message is a marker.
    const att = [{ name: 'IMG-20250306-WA0001.jpg', sha256: 'b'.repeat(64), size: 900, missing: false, mime: 'image/jpeg' }];
    expect(cleanMessage(msg(25, { text, attachments: att }), [mark(26, 'passage', 25, 'zakelijk', { span: [a, b] })], c)).toMatchObject({ type: 'marker', level: 'default' });
    // A zakelijk default is unchanged: a privé passage replaces its span, the rest stays.
    const z = cleanMessage(msg(23, { text: 'Ik kom, maar ik ben nog moe van de ruzie met Marieke over de verhuizing naar Zwolle' }), [mark(24, 'passage', 23, 'privé', { span: [45, 52] })], ctx());
    expect(z.type === 'message' && z.text).toBe('Ik kom, maar ik ben nog moe van de ruzie met [passage afgeschermd: privé · M-24] over de verhuizing naar Zwolle');
  });
});

describe('cleanConversation', () => {
  const messages = [msg(1), msg(2, { sentAt: '2025-03-11T08:00:00+00:00' }), msg(3)].map((m) => ({ message: m, markings: [] }));

  it('yields one slot per message for a business conversation', () => {
    expect([...cleanConversation(messages, ctx())].map((s) => s.type)).toEqual(['message', 'message', 'message']);
  });

  it('collapses a conversation marked privé into one marker with period and count', () => {
    const c = ctx({ conversationMarkings: [mark(20, 'conversation', 10, 'privé')] });
    const slots = [...cleanConversation(messages, c)];
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({ type: 'conversation-marker', slotCount: 3, from: '2025-03-11T08:00:00+00:00', to: msg(3).sentAt, markingId: 20, level: 'conversation' });
    expect(titleShown(c, true)).toBe('Afgeschermd gesprek');
  });

  it('excludes a conversation whose every other participant is a private contact', () => {
    const oneToOne = ctx({
      isGroup: false, title: 'Marieke Jansen',
      participants: [ctx().participants[0]!, ctx().participants[2]!],
      contactMarkings: new Map([[MARIEKE, [mark(21, 'contact', MARIEKE, 'privé')]]]),
    });
    expect(conversationExclusion(oneToOne)).toMatchObject({ level: 'contact', markingId: 21 });
    expect(conversationExclusion(ctx({ contactMarkings: oneToOne.contactMarkings }))).toBeNull();
    expect(participantsShown(oneToOne).map((p) => p.name)).toEqual(['J. de Vries', 'Privécontact 3']);
  });
});

describe('1:1 chats where the custodian is not recognised', () => {
  it('excludes a 1:1 chat with a private counterpart even when the custodian\'s own identity is not flagged', () => {
    const c = ctx({
      isGroup: false, title: 'Thomas',
      participants: [{ contactId: 20, name: 'Karin van Dijk', phone: null, isCustodian: false }, { contactId: MARIEKE, name: 'Marieke Jansen', phone: null, isCustodian: false }],
      contactMarkings: new Map([[MARIEKE, [mark(30, 'contact', MARIEKE, 'privé')]]]),
    });
    expect(conversationExclusion(c)).toMatchObject({ level: 'contact', markingId: 30 });
  });
});
