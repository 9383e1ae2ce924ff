import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, decideBulk, mark, ReviewError } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { listReviewMarkings } from '../../src/store/review.js';
import { buildFixture, CUSTODIAN, MIXED, row, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => { f = buildFixture(); });
afterEach(() => f.close());

const marking = (id: number) => row<{ status: string; category: string; suggested_category: string; origin: string; active: number }>(f, 'SELECT * FROM markings WHERE id = ?', id);
const decisions = (id: number) => f.store.db.prepare('SELECT * FROM decisions WHERE marking_id = ? ORDER BY id').all(id) as { action: string; reviewer: string; reason: string | null; category: string | null; audit_seq: number }[];
const audit = () => f.store.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as { seq: number; actor: string; action: string; payload_json: string }[];
const expectCode = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReviewError);
    expect((e as ReviewError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ReviewError ${code}`);
};

describe('single decisions', () => {
  it('confirming a suggestion records reviewer, time and audit entry and makes it confirmed', () => {
    const id = f.ids.markings.partij1;
    const [o] = decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: '  Els  Bakker ' });
    expect(o).toMatchObject({ markingId: id, action: 'confirm', status: 'confirmed', category: 'partijpolitiek', awaitingSecond: false });
    expect(marking(id)).toMatchObject({ status: 'confirmed', category: 'partijpolitiek' });
    const [d] = decisions(id);
    expect(d).toMatchObject({ action: 'confirm', reviewer: 'Els Bakker', reason: null, category: 'partijpolitiek' });
    const [e] = audit();
    expect(e).toMatchObject({ seq: d!.audit_seq, actor: 'Els Bakker', action: 'decision.confirm' });
    expect(JSON.parse(e!.payload_json)).toMatchObject({ markingId: id, custodianId: CUSTODIAN, result: { status: 'confirmed' }, marking: { ruleId: 'partij.lexicon' } });
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('rejecting needs a reason; the rejected marking keeps what the rule said', () => {
    const id = f.ids.markings.xssBusiness;
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'reject', reviewer: 'Els' }), 'reason-required');
    expect(decisions(id)).toHaveLength(0);
    decide(f.store.db, { markingIds: [id], action: 'reject', reviewer: 'Els', reason: 'Opmaakfout, zakelijk bericht' });
    expect(marking(id)).toMatchObject({ status: 'rejected', category: 'privé', suggested_category: 'privé' });
    expect(decisions(id)[0]).toMatchObject({ action: 'reject', reason: 'Opmaakfout, zakelijk bericht' });
  });

  it('changing the category needs a reason and keeps the suggested category beside the effective one', () => {
    const id = f.ids.markings.partij2;
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'change', category: 'zakelijk', reviewer: 'Els' }), 'reason-required');
    decide(f.store.db, { markingIds: [id], action: 'change', category: 'zakelijk', reviewer: 'Els', reason: 'Fractievoorzitter gebeld over wetsvoorstel: zakelijk' });
    expect(marking(id)).toMatchObject({ status: 'changed', category: 'zakelijk', suggested_category: 'partijpolitiek' });
  });

  it('a change to the suggested category is recorded as a confirmation', () => {
    const [o] = decide(f.store.db, { markingIds: [f.ids.markings.partij3], action: 'change', category: 'partijpolitiek', reviewer: 'Els' });
    expect(o!.action).toBe('confirm');
    expect(marking(f.ids.markings.partij3).status).toBe('confirmed');
  });

  it('overriding an earlier decision needs a reason; repeating the same decision writes nothing', () => {
    const id = f.ids.markings.partij1;
    decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: 'Els' });
    const [again] = decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: 'Piet' });
    expect(again!.decisionId).toBeNull();
    expect(decisions(id)).toHaveLength(1);
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'reject', reviewer: 'Piet' }), 'reason-required');
    decide(f.store.db, { markingIds: [id], action: 'reject', reviewer: 'Piet', reason: 'Bij nader inzien: kandidatenlijst van de Kiesraad, zakelijk' });
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: 'Els' }), 'reason-required');
    decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: 'Els', reason: 'Toch partijpolitiek: partijbureau' });
    expect(marking(id).status).toBe('confirmed');
    expect(decisions(id).map((d) => d.action)).toEqual(['confirm', 'reject', 'confirm']);
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('a request is all or nothing: one bad marking id records nothing', () => {
    expectCode(() => decide(f.store.db, { markingIds: [f.ids.markings.partij1, 999_999], action: 'confirm', reviewer: 'Els' }), 'not-found');
    expect(decisions(f.ids.markings.partij1)).toHaveLength(0);
    expect(audit()).toHaveLength(0);
  });

  it('refuses a marking of another custodian when the caller serves one custodian', () => {
    expectCode(() => decide(f.store.db, { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els', custodianId: 'minister-ezk' }), 'other-custodian');
  });
});

describe('undo', () => {
  it('reverts the own latest decision, is itself logged, and refuses others\' decisions', () => {
    const id = f.ids.markings.partij1;
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'undo', reviewer: 'Els' }), 'nothing-to-undo');
    decide(f.store.db, { markingIds: [id], action: 'change', category: 'privé', reviewer: 'Els', reason: 'familiefeest' });
    expectCode(() => decide(f.store.db, { markingIds: [id], action: 'undo', reviewer: 'Piet' }), 'undo-not-yours');
    const [o] = decide(f.store.db, { markingIds: [id], action: 'undo', reviewer: 'els' });
    expect(o).toMatchObject({ action: 'undo', status: 'suggested', category: 'partijpolitiek' });
    expect(marking(id)).toMatchObject({ status: 'suggested', category: 'partijpolitiek' });
    const ds = decisions(id);
    expect(ds.map((d) => d.action)).toEqual(['change', 'undo']);
    expect(audit().map((a) => a.action)).toEqual(['decision.change', 'decision.undo']);
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });
});

describe('manual markings', () => {
  it('marks a contact, a conversation, a message and a passage, each confirmed and logged', () => {
    const db = f.store.db;
    const c = mark(db, { level: 'contact', targetId: f.ids.contacts.pieter, category: 'partijpolitiek', reviewer: 'Els', reason: 'partijvoorzitter' });
    const v = mark(db, { level: 'conversation', targetId: f.ids.conversations.partij, category: 'partijpolitiek', reviewer: 'Els' });
    const m = mark(db, { level: 'message', targetId: f.ids.messages.annaNota, category: 'zakelijk', reviewer: 'Els' });
    const start = MIXED.indexOf('mijn dochter');
    const p = mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [start, start + 'mijn dochter'.length], category: 'privé', reviewer: 'Els' });
    for (const r of [c, v, m, p]) {
      expect(r.status).toBe('confirmed');
      expect(row(f, 'SELECT origin, status FROM markings WHERE id = ?', r.markingId)).toEqual({ origin: 'manual', status: 'confirmed' });
      expect(decisions(r.markingId)[0]!.action).toBe('mark');
    }
    expect(row(f, 'SELECT level, span_start, span_end, category FROM markings WHERE id = ?', p.markingId)).toEqual({ level: 'passage', span_start: start, span_end: start + 12, category: 'privé' });
    expect(MIXED.slice(start, start + 12)).toBe('mijn dochter');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('validates spans in UTF-16 code units and never splits an emoji', () => {
    const db = f.store.db;
    const text = row<{ text: string }>(f, 'SELECT text FROM messages WHERE id = ?', f.ids.messages.emoji).text;
    const at = text.indexOf('👍');
    expectCode(() => mark(db, { level: 'passage', targetId: f.ids.messages.emoji, span: [at + 1, at + 4], category: 'privé', reviewer: 'Els' }), 'invalid');
    expectCode(() => mark(db, { level: 'passage', targetId: f.ids.messages.emoji, span: [5, 5], category: 'privé', reviewer: 'Els' }), 'invalid');
    expectCode(() => mark(db, { level: 'passage', targetId: f.ids.messages.emoji, span: [0, text.length + 1], category: 'privé', reviewer: 'Els' }), 'invalid');
    expectCode(() => mark(db, { level: 'message', targetId: f.ids.messages.emoji, span: [0, 3], category: 'privé', reviewer: 'Els' }), 'invalid');
    expectCode(() => mark(db, { level: 'message', targetId: 987654, category: 'privé', reviewer: 'Els' }), 'not-found');
    // 👍🏽 is two surrogate pairs (4 code units); the span after it starts at at + 4.
    const ok = mark(db, { level: 'passage', targetId: f.ids.messages.emoji, span: [at, at + 4], category: 'zakelijk', reviewer: 'Els' });
    expect(ok.status).toBe('confirmed');
  });

  it('undoing a manual marking withdraws it (rejected, not deleted)', () => {
    const r = mark(f.store.db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els' });
    decide(f.store.db, { markingIds: [r.markingId], action: 'undo', reviewer: 'Els' });
    expect(marking(r.markingId)).toMatchObject({ status: 'rejected', origin: 'manual' });
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('refuses the same manual marking twice while the first stands; after an undo it may be made again', () => {
    const db = f.store.db;
    const first = mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [0, 4], category: 'privé', reviewer: 'Els' });
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM markings').get() as { n: number }).n;
    const before = count();
    expectCode(() => mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [0, 4], category: 'privé', reviewer: 'Piet' }), 'duplicate');
    expect(count()).toBe(before);
    // Another span or category is another marking.
    mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [0, 5], category: 'privé', reviewer: 'Els' });
    mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [0, 4], category: 'partijpolitiek', reviewer: 'Els' });
    decide(db, { markingIds: [first.markingId], action: 'undo', reviewer: 'Els' });
    expect(mark(db, { level: 'passage', targetId: f.ids.messages.mixed, span: [0, 4], category: 'privé', reviewer: 'Els' }).markingId).toBeGreaterThan(first.markingId);
    expect(verifyAudit(db).ok).toBe(true);
  });
});

describe('bulk actions', () => {
  it('decides all open suggestions of one rule in one conversation and skips decided ones', () => {
    const { partij1, partij2, partij3 } = f.ids.markings;
    decide(f.store.db, { markingIds: [partij3], action: 'reject', reviewer: 'Els', reason: 'congres van de VNG, zakelijk' });
    const r = decideBulk(f.store.db, { conversationId: f.ids.conversations.partij, ruleId: 'partij.lexicon', action: 'confirm', reviewer: 'Piet' });
    expect(r.decided.map((d) => d.markingId)).toEqual([partij1]);
    expect(r.skipped).toBe(1);
    expect(marking(partij2).status).toBe('suggested');
    expect(marking(partij3).status).toBe('rejected');
    const p = JSON.parse(audit().at(-1)!.payload_json);
    expect(p.bulk).toEqual({ scope: 'rule', conversationId: f.ids.conversations.partij, ruleId: 'partij.lexicon' });
  });

  it('decides a whole conversation, reasons required for reject and change', () => {
    expectCode(() => decideBulk(f.store.db, { conversationId: f.ids.conversations.partij, action: 'change', category: 'zakelijk', reviewer: 'Piet' }), 'reason-required');
    expect(decisions(f.ids.markings.partij1)).toHaveLength(0);
    const r = decideBulk(f.store.db, { conversationId: f.ids.conversations.anna, action: 'reject', reviewer: 'Piet', reason: 'Zakelijk gesprek met SG' });
    expect(r.decided.map((d) => d.markingId).sort()).toEqual([f.ids.markings.passage, f.ids.markings.xssBusiness].sort());
    // The contact-level suggestion reaches beyond this conversation and is decided on its own.
    expect(marking(f.ids.markings.annaContact).status).toBe('suggested');
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });
});

describe('rule changes', () => {
  it('a decision whose suggestion disappeared stays and is listed as such; an undecided lapsed one cannot be decided', () => {
    const db = f.store.db;
    decide(db, { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' });
    // The rule engine re-tags: both suggestions are no longer produced.
    db.prepare('UPDATE markings SET active = 0 WHERE id IN (?, ?)').run(f.ids.markings.partij1, f.ids.markings.partij2);
    const list = listReviewMarkings(db, CUSTODIAN, { conversationId: f.ids.conversations.partij });
    const byId = new Map(list.map((m) => [m.id, m]));
    expect(byId.get(f.ids.markings.partij1)).toMatchObject({ bucket: 'decided', active: false, status: 'confirmed' });
    expect(byId.get(f.ids.markings.partij2)).toMatchObject({ bucket: 'lapsed', active: false, status: 'suggested' });
    expectCode(() => decide(db, { markingIds: [f.ids.markings.partij2], action: 'confirm', reviewer: 'Els' }), 'inactive');
    // The standing decision can still be revised.
    decide(db, { markingIds: [f.ids.markings.partij1], action: 'reject', reviewer: 'Els', reason: 'regel is vervallen, inhoud zakelijk' });
    expect(marking(f.ids.markings.partij1).status).toBe('rejected');
    expect(verifyAudit(db).ok).toBe(true);
  });
});
