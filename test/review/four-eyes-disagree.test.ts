import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, mark } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { openStore } from '../../src/store/db.js';
import { openSuggestions } from '../../src/store/exports.js';
import { scopeOf } from '../../src/export/context.js';
import { buildFixture, cli, CUSTODIAN, row, type Fixture } from './fixture.js';

/**
 * Four-eyes review of a manual marking on which two reviewers disagree: Els marks a message privé (awaiting a second
 * reviewer), Piet rejects it (a new proposal, awaiting a second reviewer in turn). Nobody decided: the message must
 * stay undecided, so that export refuses it, as it does for a rule suggestion in the same disagreement. It was stored
 * as rejected, and the export delivered the message as zakelijk on one reviewer's word.
 */
let f: Fixture;
beforeEach(() => { f = buildFixture({ secondReviewer: true }); });
afterEach(() => f.close());

const state = (id: number) => row<{ status: string; category: string; pending: number | null }>(
  f, 'SELECT k.status, k.category, p.decision_id AS pending FROM markings k LEFT JOIN review_pending p ON p.marking_id = k.id WHERE k.id = ?', id,
);
const open = () => openSuggestions(f.store.db, scopeOf(CUSTODIAN, 'Europe/Amsterdam')).total;

describe('four-eyes: a manual marking that a second reviewer rejects', () => {
  it('stays undecided (export refuses) until a second reviewer settles the rejection', () => {
    const db = f.store.db;
    const before = open();
    const m = mark(db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els' });
    expect(open()).toBe(before + 1);
    const [p] = decide(db, { markingIds: [m.markingId], action: 'reject', reviewer: 'Piet', reason: 'gaat over de Kamerbrief' });
    expect(p).toMatchObject({ action: 'reject', awaitingSecond: true });
    expect(state(m.markingId)).toMatchObject({ status: 'suggested', category: 'privé', pending: p!.decisionId });
    expect(open()).toBe(before + 1);
    expect(verifyAudit(db).ok).toBe(true);

    // Els, who proposed the marking, can second Piet's rejection: then it is decided, and no longer open.
    const [c] = decide(db, { markingIds: [m.markingId], action: 'reject', reviewer: 'Els' });
    expect(c).toMatchObject({ action: 'second-confirm', status: 'rejected' });
    expect(state(m.markingId)).toMatchObject({ status: 'rejected', pending: null });
    expect(open()).toBe(before);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('through the CLI: export names the marking among the undecided while the rejection awaits a second reviewer', async () => {
    const db = f.store.db;
    const m = mark(db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els' });
    decide(db, { markingIds: [m.markingId], action: 'reject', reviewer: 'Piet', reason: 'gaat over de Kamerbrief' });
    const list = await cli(['review', 'list', '--db', f.dbPath, '--custodian', CUSTODIAN, '--status', 'pending', '--json']);
    expect(list.json().markings.map((x: { id: number }) => x.id)).toContain(m.markingId);
    const refused = await cli(['export', '--db', f.dbPath, '--custodian', CUSTODIAN, '--out', `${f.dir}/levering`]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`M-${m.markingId} \\(message ${f.ids.messages.mama1}, privé\\)`));
  });

  it('a store written before keeps agreeing with its audit log: the migration stores such a marking as undecided', () => {
    const db = f.store.db;
    const m = mark(db, { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els' });
    decide(db, { markingIds: [m.markingId], action: 'reject', reviewer: 'Piet', reason: 'gaat over de Kamerbrief' });
    // As the previous version stored it.
    db.prepare("UPDATE markings SET status = 'rejected' WHERE id = ?").run(m.markingId);
    const version = db.pragma('user_version', { simple: true }) as number;
    db.pragma(`user_version = ${version - 1}`);
    f.close();
    const again = openStore(f.dbPath);
    try {
      expect(again.db.prepare('SELECT status, category FROM markings WHERE id = ?').get(m.markingId)).toEqual({ status: 'suggested', category: 'privé' });
      expect(verifyAudit(again.db).ok).toBe(true);
    } finally {
      again.close();
    }
    f = buildFixture({ secondReviewer: true }); // (afterEach closes it)
  });
});
