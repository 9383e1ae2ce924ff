import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, decideBulk, mark, ReviewError } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { updateCustodian } from '../../src/store/custodians.js';
import { listReviewMarkings } from '../../src/store/review.js';
import { buildFixture, cli, CUSTODIAN, row, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => { f = buildFixture({ secondReviewer: true }); });
afterEach(() => f.close());

const state = (id: number) => row<{ status: string; category: string; pending: number | null }>(
  f, 'SELECT k.status, k.category, p.decision_id AS pending FROM markings k LEFT JOIN review_pending p ON p.marking_id = k.id WHERE k.id = ?', id,
);
const code = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as ReviewError).code; }
  return 'no error';
};

describe('reviewer names', () => {
  it('take any Latin-script name with the punctuation people type, and refuse what could pass for another name', async () => {
    const { reviewerNameProblem } = await import('../../src/review/state.js');
    for (const ok of ["J. de Vries-van 't Hoff", 'J. de Vries-van ‘t Hoff', 'Ç. Yılmaz', 'Ĳsbrand', 'Anne-Marie O’Neill', 'Anne\u2011Marie', 'j.jansen@minbzk.nl / BZK', 'Team A & B_2', 'ʼt Hart']) {
      expect(reviewerNameProblem(ok), ok).toBeNull();
    }
    for (const bad of ['Els\u200b', 'E\u200dls', '\u0415ls', 'Αlice', 'Els ١', 'Alice\u034F', 'Al\uFE0Fice', 'Alice\u2800']) expect(reviewerNameProblem(bad), bad).not.toBeNull();
  });

  it('are one person whichever apostrophe, hyphen or quote autocorrect typed (QA: a second confirmation by oneself)', async () => {
    const { sameReviewer } = await import('../../src/review/state.js');
    expect(sameReviewer("J. de Vries-van 't Hoff", 'J. de Vries‐van ’t Hoff')).toBe(true);
    expect(sameReviewer("Anne-Marie O'Neill", 'Anne–Marie O‘Neill')).toBe(true);
    expect(sameReviewer('Jan "JJ" Jansen', 'Jan “JJ” Jansen')).toBe(true);
    expect(sameReviewer("van 't Hoff", 'van ꞌt Hoff')).toBe(true);
    expect(sameReviewer("van 't Hoff", 'van ʻt Hoff')).toBe(true);
    // Punctuation and spacing are ignored altogether (QA: "Anna." second-confirmed "Anna"'s proposal).
    expect(sameReviewer("J. de Vries-van 't Hoff", 'J de Vries van t Hoff')).toBe(true);
    expect(sameReviewer('Anna', 'Anna.')).toBe(true);
    expect(sameReviewer('Anna', 'A-nna')).toBe(true);
    expect(sameReviewer('Anna', 'Anne')).toBe(false);
    expect(sameReviewer('J. de Vries', 'J. de Vriés')).toBe(false);
  });

  it('a proposer cannot second-confirm under their name with a dot added', () => {
    const db = f.store.db;
    const id = f.ids.markings.partij1;
    decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Anna' });
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Anna.' }))).toBe('awaiting-second');
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: 'A. nna' }))).toBe('awaiting-second');
    expect(state(id)).toMatchObject({ status: 'suggested' });
  });
});

describe('four-eyes rule', () => {
  it('a decision counts only once a different reviewer confirmed it; until then it is awaiting a second reviewer', () => {
    const db = f.store.db;
    const id = f.ids.markings.partij1;
    const [first] = decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Els Bakker' });
    expect(first).toMatchObject({ action: 'confirm', awaitingSecond: true, status: 'suggested' });
    expect(state(id)).toMatchObject({ status: 'suggested', pending: first!.decisionId });
    expect(listReviewMarkings(db, CUSTODIAN, { bucket: 'pending' }).map((m) => m.id)).toEqual([id]);
    // The proposer cannot count twice, whatever the spelling of the name.
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: ' els  bakker' }))).toBe('awaiting-second');
    // Nor under a look-alike of it (QA): full-width letters are the same name; an invisible character or a letter of
    // another script (Cyrillic Е) cannot be part of a reviewer name at all.
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Ｅls Bakker' }))).toBe('awaiting-second');
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Els\u200b Bakker' }))).toBe('invalid');
    expect(code(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: '\u0415ls Bakker' }))).toBe('invalid');
    expect(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Els\u200b Bakker' })).toThrow(/U\+200B, an invisible or control character/);
    expect(() => decide(db, { markingIds: [id], action: 'confirm', reviewer: '\u0415ls Bakker' })).toThrow(/'Е' \(U\+0415\), a letter of another script/);
    const [second] = decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Piet Jansen' });
    expect(second).toMatchObject({ action: 'second-confirm', awaitingSecond: false, status: 'confirmed', category: 'partijpolitiek' });
    expect(state(id)).toEqual({ status: 'confirmed', category: 'partijpolitiek', pending: null });
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('a second reviewer who disagrees makes a new proposal (with a reason) that the first can confirm', () => {
    const db = f.store.db;
    const id = f.ids.markings.partij2;
    decide(db, { markingIds: [id], action: 'confirm', reviewer: 'Els' });
    expect(code(() => decide(db, { markingIds: [id], action: 'change', category: 'zakelijk', reviewer: 'Piet' }))).toBe('reason-required');
    const [p] = decide(db, { markingIds: [id], action: 'change', category: 'zakelijk', reviewer: 'Piet', reason: 'gesprek over wetsvoorstel' });
    expect(p).toMatchObject({ action: 'change', awaitingSecond: true, status: 'suggested' });
    const [c] = decide(db, { markingIds: [id], action: 'change', category: 'zakelijk', reviewer: 'Els' });
    expect(c).toMatchObject({ action: 'second-confirm', status: 'changed', category: 'zakelijk' });
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('a manual marking stays undecided (suggested) until a second reviewer confirms it', () => {
    const db = f.store.db;
    const r = mark(db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els' });
    expect(r).toMatchObject({ status: 'suggested', awaitingSecond: true });
    expect(row(f, 'SELECT origin, status, category FROM markings WHERE id = ?', r.markingId)).toEqual({ origin: 'manual', status: 'suggested', category: 'privé' });
    const [c] = decide(db, { markingIds: [r.markingId], action: 'confirm', reviewer: 'Piet' });
    expect(c).toMatchObject({ action: 'second-confirm', status: 'confirmed', category: 'privé' });
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('undoing a second confirmation returns to awaiting; the proposer can withdraw an uncounted proposal', () => {
    const db = f.store.db;
    const id = f.ids.markings.partij3;
    decide(db, { markingIds: [id], action: 'reject', reviewer: 'Els', reason: 'VNG-congres' });
    decide(db, { markingIds: [id], action: 'reject', reviewer: 'Piet' });
    expect(state(id).status).toBe('rejected');
    decide(db, { markingIds: [id], action: 'undo', reviewer: 'Piet' });
    expect(state(id)).toMatchObject({ status: 'suggested' });
    expect(state(id).pending).not.toBeNull();
    decide(db, { markingIds: [id], action: 'undo', reviewer: 'Els' });
    expect(state(id)).toEqual({ status: 'suggested', category: 'partijpolitiek', pending: null });
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('bulk second-confirms matching proposals of others and leaves own and different proposals alone', () => {
    const db = f.store.db;
    const { partij1, partij2, partij3 } = f.ids.markings;
    decide(db, { markingIds: [partij1], action: 'confirm', reviewer: 'Els' });
    decide(db, { markingIds: [partij2], action: 'reject', reviewer: 'Els', reason: 'zakelijk' });
    decide(db, { markingIds: [partij3], action: 'confirm', reviewer: 'Piet' });
    const r = decideBulk(db, { conversationId: f.ids.conversations.partij, action: 'confirm', reviewer: 'Piet' });
    expect(r.decided.map((d) => [d.markingId, d.action])).toEqual([[partij1, 'second-confirm']]);
    expect(r.skipped).toBe(2);
    expect(state(partij1).status).toBe('confirmed');
    expect(state(partij2).status).toBe('suggested');
  });

  it('decisions made before four-eyes was switched on keep counting', () => {
    const db = f.store.db;
    updateCustodian(db, CUSTODIAN, { secondReviewer: false });
    decide(db, { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' });
    updateCustodian(db, CUSTODIAN, { secondReviewer: true });
    expect(state(f.ids.markings.partij1).status).toBe('confirmed');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('works through the CLI: custodian set --second-reviewer, review decide by two reviewers, review list --status pending', async () => {
    const db = ['--db', f.dbPath];
    const id = String(f.ids.markings.partij1);
    let r = await cli(['review', 'decide', id, '--accept', '--reviewer', 'Els', '--json', ...db]);
    expect(r.code).toBe(0);
    expect(r.json().decided[0]).toMatchObject({ awaitingSecond: true });
    r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--status', 'pending', '--json', ...db]);
    expect(r.json().markings.map((m: { id: number }) => m.id)).toEqual([Number(id)]);
    expect(r.json().markings[0].awaitingSecond).toMatchObject({ reviewer: 'Els', action: 'confirm' });
    r = await cli(['review', 'decide', id, '--accept', '--reviewer', 'Els', ...db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/awaits a second reviewer/);
    r = await cli(['review', 'decide', id, '--accept', '--reviewer', 'Piet', ...db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/second-confirm recorded/);
    expect(state(Number(id)).status).toBe('confirmed');
  });
});

describe('switching four-eyes review', () => {
  const entries = () => f.store.db.prepare(`SELECT actor, action, payload_json FROM audit_log WHERE action = 'custodian.second-reviewer' ORDER BY seq`).all() as { actor: string; action: string; payload_json: string }[];

  it('is logged in the custodian\'s chain; a setting changed behind chatarchief\'s back is a finding (QA: off, decide alone, on)', async () => {
    expect((await cli(['custodian', 'set', CUSTODIAN, '--second-reviewer', 'false', '--db', f.dbPath])).code).toBe(0);
    // Setting it to what it already is logs nothing.
    expect((await cli(['custodian', 'set', CUSTODIAN, '--second-reviewer', 'false', '--db', f.dbPath])).code).toBe(0);
    decide(f.store.db, { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' });
    expect((await cli(['custodian', 'set', CUSTODIAN, '--second-reviewer', 'true', '--db', f.dbPath])).code).toBe(0);
    expect(entries().map((e) => JSON.parse(e.payload_json))).toEqual([
      { custodianId: CUSTODIAN, secondReviewer: false, previous: true },
      { custodianId: CUSTODIAN, secondReviewer: true, previous: false },
    ]);
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
    // A direct edit of the setting is caught.
    f.store.db.prepare('UPDATE custodians SET second_reviewer = 0 WHERE id = ?').run(CUSTODIAN);
    const r = verifyAudit(f.store.db);
    expect(r.ok).toBe(false);
    expect(r.findings).toEqual([expect.objectContaining({ code: 'setting-disagrees', custodianId: CUSTODIAN })]);
    const run = await cli(['audit', 'verify', '--db', f.dbPath]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/four-eyes review off, but the last switch in the log .* turned it on/);
  });

  it('has nothing to compare with in a chain that never logged a switch (a store from before): no finding', () => {
    decide(f.store.db, { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' });
    f.store.db.prepare('UPDATE custodians SET second_reviewer = 0 WHERE id = ?').run(CUSTODIAN);
    expect(entries()).toEqual([]);
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
  });

  it('through the store function records who switched it', () => {
    updateCustodian(f.store.db, CUSTODIAN, { secondReviewer: false }, 'B. Beheerder');
    expect(entries().map((e) => e.actor)).toEqual(['B. Beheerder']);
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });
});
