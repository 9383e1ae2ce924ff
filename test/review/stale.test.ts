import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { decide } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { chainHead } from '../../src/store/audit.js';
import { buildFixture, cli, CUSTODIAN, row, type Fixture } from './fixture.js';
import { apiClient } from './api-client.js';

/**
 * Two reviewers have the page open. A decision carries the state the page showed (per marking: the id of its latest
 * decision, or null); when a colleague decided in between, the server refuses the whole request (409 stale), writes
 * nothing and says who decided what. The QA case: Alice confirms a privé suggestion, Bob's page still shows it open and
 * he rejects it; without the check his reject would put the private message into the geschoonde set.
 */

let f: Fixture;
let srv: ReviewServer;

beforeEach(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: CUSTODIAN, preview: null });
});
afterEach(async () => {
  await srv.close();
  f.close();
});

const api = (p: string, body?: unknown) => apiClient(srv)(p, body);

/** A marking as a page loads it (the messages view of the Anna conversation). */
async function load(id: number): Promise<{ id: number; state: string; lastDecision: { id: number } | null }> {
  const msgs = (await api(`/api/conversations/${f.ids.conversations.anna}/messages`)).json.messages as { markings: { id: number }[] }[];
  return msgs.flatMap((m) => m.markings).find((m) => m.id === id) as any;
}

const shown = (m: { id: number; lastDecision: { id: number } | null }) => ({ [m.id]: m.lastDecision?.id ?? null });
/** Everything a refused request must leave untouched. */
const snapshot = () => ({
  decisions: row(f, 'SELECT COUNT(*) AS n FROM decisions'),
  audit: row(f, 'SELECT COUNT(*) AS n, MAX(seq) AS seq FROM audit_log'),
  head: chainHead(f.store.db, CUSTODIAN),
  markings: f.store.db.prepare('SELECT id, status, category, updated_at FROM markings ORDER BY id').all(),
});

describe('decisions carry the state the page showed', () => {
  it('QA: Bob\'s reject from a stale page is refused (409 stale, nothing written) and names Alice\'s confirm', async () => {
    const id = f.ids.markings.passage; // privé: the sentence about the daughter
    const alicePage = await load(id);
    const bobPage = await load(id);
    expect(bobPage).toMatchObject({ state: 'open', lastDecision: null });

    const a = await api('/api/decide', { markingIds: [id], action: 'confirm', reviewer: 'Alice', lastDecisionIds: shown(alicePage) });
    expect(a.status, JSON.stringify(a.json)).toBe(200);
    const aliceDecision = a.json.decided[0].decisionId as number;
    const before = snapshot();

    const b = await api('/api/decide', { markingIds: [id], action: 'reject', reviewer: 'Bob', reason: 'Onjuiste treffer van de regel', lastDecisionIds: shown(bobPage) });
    expect(b.status).toBe(409);
    expect(b.json.code).toBe('stale');
    expect(b.json.error).toMatch(new RegExp(`marking ${id}: Alice confirmed it \\(privé\\) at .* \\(decision ${aliceDecision}; the page knew no decision\\)`));
    expect(b.json.error).toMatch(/nothing recorded: reload and look again/);
    expect(b.json.conflicts).toEqual([
      { markingId: id, kind: 'changed', expected: null, now: { id: aliceDecision, action: 'confirm', category: 'privé', reviewer: 'Alice', decidedAt: expect.any(String), needsSecond: false } },
    ]);
    expect(snapshot()).toEqual(before);
    expect(row(f, 'SELECT status, category FROM markings WHERE id = ?', id)).toEqual({ status: 'confirmed', category: 'privé' });
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });

    // After reloading, Bob sees Alice's decision; overriding it knowingly (with a reason) is recorded.
    const reloaded = await load(id);
    expect(reloaded).toMatchObject({ state: 'decided', lastDecision: { id: aliceDecision, reviewer: 'Alice' } });
    const again = await api('/api/decide', { markingIds: [id], action: 'reject', reviewer: 'Bob', reason: 'Onjuiste treffer van de regel', lastDecisionIds: shown(reloaded) });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    expect(again.json.markings[0]).toMatchObject({ status: 'rejected', lastDecision: { reviewer: 'Bob', action: 'reject' } });
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('refuses the whole request when one of its markings is stale', async () => {
    const [p1, p3] = [f.ids.markings.partij1, f.ids.markings.partij3];
    expect((await api('/api/decide', { markingIds: [p3], action: 'confirm', reviewer: 'Alice', lastDecisionIds: { [p3]: null } })).status).toBe(200);
    const before = snapshot();
    const r = await api('/api/decide', { markingIds: [p1, p3], action: 'reject', reviewer: 'Bob', reason: 'geen partijzaak', lastDecisionIds: { [p1]: null, [p3]: null } });
    expect(r.status).toBe(409);
    expect(r.json.conflicts.map((c: { markingId: number }) => c.markingId)).toEqual([p3]);
    expect(snapshot()).toEqual(before);
    expect(row(f, 'SELECT status FROM markings WHERE id = ?', p1)).toEqual({ status: 'suggested' });
  });

  it('requires the expected state for every marking in the HTTP API (400, nothing written)', async () => {
    const id = f.ids.markings.partij1;
    const none = await api('/api/decide', { markingIds: [id], action: 'confirm', reviewer: 'Bob' });
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/lastDecisionIds/);
    const missing = await api('/api/decide', { markingIds: [id, f.ids.markings.partij3], action: 'confirm', reviewer: 'Bob', lastDecisionIds: { [id]: null } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(new RegExp(`expected latest decision is missing for marking ${f.ids.markings.partij3}`));
    const extra = await api('/api/decide', { markingIds: [id], action: 'confirm', reviewer: 'Bob', lastDecisionIds: { [id]: null, [f.ids.markings.partij3]: null } });
    expect(extra.status).toBe(400);
    const bad = await api('/api/decide', { markingIds: [id], action: 'confirm', reviewer: 'Bob', lastDecisionIds: { abc: null } });
    expect(bad.status).toBe(400);
    const bulk = await api('/api/bulk', { conversationId: f.ids.conversations.partij, action: 'confirm', reviewer: 'Bob' });
    expect(bulk.status).toBe(400);
    expect(bulk.json.error).toMatch(/lastDecisionIds/);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
  });

  it('undo: refuses to undo a decision other than the one the page showed', async () => {
    const id = f.ids.markings.xssBusiness;
    const a = await api('/api/decide', { markingIds: [id], action: 'confirm', reviewer: 'Alice', lastDecisionIds: { [id]: null } });
    const confirmId = a.json.decided[0].decisionId as number;
    // Alice then rejects it elsewhere (the CLI); the page still shows her confirm and offers to undo it.
    const other = decide(f.store.db, { markingIds: [id], action: 'reject', reviewer: 'Alice', reason: 'zakelijk bericht' });
    const before = snapshot();
    const u = await api('/api/decide', { markingIds: [id], action: 'undo', reviewer: 'Alice', lastDecisionIds: { [id]: confirmId } });
    expect(u.status).toBe(409);
    expect(u.json.code).toBe('stale');
    expect(u.json.error).toMatch(new RegExp(`Alice rejected it \\(privé\\) .*decision ${other[0]!.decisionId}; the page knew decision ${confirmId}`));
    expect(snapshot()).toEqual(before);
    const fresh = await api('/api/decide', { markingIds: [id], action: 'undo', reviewer: 'Alice', lastDecisionIds: { [id]: other[0]!.decisionId } });
    expect(fresh.status, JSON.stringify(fresh.json)).toBe(200);
    expect(fresh.json.markings[0]).toMatchObject({ status: 'confirmed' });
  });
});

describe('bulk carries the scope it showed', () => {
  const conv = () => f.ids.conversations.partij;

  it('the scope lists every suggestion with its latest decision and counts; a bulk on it succeeds', async () => {
    const s = (await api(`/api/conversations/${conv()}/bulk-scope?rule=partij.lexicon`)).json;
    expect(s).toEqual({
      conversationId: conv(), ruleId: 'partij.lexicon',
      counts: { open: 2, pending: 0, decided: 0, lapsed: 0, total: 2 },
      lastDecisionIds: { [f.ids.markings.partij1]: null, [f.ids.markings.partij3]: null },
    });
    const r = await api('/api/bulk', { conversationId: conv(), ruleId: 'partij.lexicon', action: 'confirm', reviewer: 'Bob', lastDecisionIds: s.lastDecisionIds });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ decided: 2, skipped: 0 });
    expect((await api('/api/conversations/99999/bulk-scope')).status).toBe(404);
  });

  it('a scope of 150,000 suggestions fits in a request (review: the 2 MiB limit refused large bulks with 413)', async () => {
    const s = (await api(`/api/conversations/${conv()}/bulk-scope`)).json;
    const big: Record<string, number | null> = { ...s.lastDecisionIds };
    for (let i = 0; i < 150_000; i++) big[String(10_000_000 + i)] = 1_000_000 + i;
    const r = await api('/api/bulk', { conversationId: conv(), action: 'reject', reason: 'geen partijzaak', reviewer: 'Bob', lastDecisionIds: big });
    // Read in full and judged: the listed markings that are not in scope make it stale, nothing is written.
    expect([r.status, r.json.code]).toEqual([409, 'stale']);
    expect(r.json.conflicts.filter((c: { kind: string }) => c.kind === 'gone')).toHaveLength(150_000);
  });

  it('refuses (409 stale, nothing written) when a colleague decided in scope after the dialog showed it', async () => {
    const s = (await api(`/api/conversations/${conv()}/bulk-scope`)).json;
    const a = await api('/api/decide', { markingIds: [f.ids.markings.partij2], action: 'change', category: 'zakelijk', reason: 'fractie-overleg over beleid', reviewer: 'Alice', lastDecisionIds: { [f.ids.markings.partij2]: null } });
    expect(a.status).toBe(200);
    const before = snapshot();
    const r = await api('/api/bulk', { conversationId: conv(), action: 'reject', reason: 'geen partijzaak', reviewer: 'Bob', lastDecisionIds: s.lastDecisionIds });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('stale');
    expect(r.json.error).toMatch(/Alice changed it \(zakelijk\)/);
    expect(r.json.conflicts).toEqual([expect.objectContaining({ markingId: f.ids.markings.partij2, kind: 'changed', expected: null })]);
    expect(snapshot()).toEqual(before);
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('refuses when a suggestion was added to the scope (a new tag run) after the dialog showed it', async () => {
    const s = (await api(`/api/conversations/${conv()}/bulk-scope`)).json;
    const added = Number(f.store.db.prepare(`INSERT INTO markings (custodian_id, level, target_id, origin, suggested_category, category, status, rule_id, evidence_json, active, created_at, updated_at)
      VALUES (?, 'message', ?, 'rule', 'privé', 'privé', 'suggested', 'prive.familie', '{}', 1, 'x', 'x')`).run(CUSTODIAN, f.ids.messages.partij3).lastInsertRowid);
    const r = await api('/api/bulk', { conversationId: conv(), action: 'reject', reason: 'geen partijzaak', reviewer: 'Bob', lastDecisionIds: s.lastDecisionIds });
    expect(r.status).toBe(409);
    expect(r.json.conflicts).toEqual([{ markingId: added, kind: 'new', expected: null, now: null }]);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
  });
});

describe('review decide --expect-last-decision (CLI)', () => {
  it('refuses when someone decided since, and works on the current state', async () => {
    const id = String(f.ids.markings.partij1);
    const db = ['--db', f.dbPath];
    expect((await cli(['review', 'decide', id, '--accept', '--reviewer', 'Alice', ...db])).code).toBe(0);
    const last = (row(f, 'SELECT MAX(id) AS id FROM decisions') as { id: number }).id;
    const stale = await cli(['review', 'decide', id, '--reject', '--reason', 'geen partijzaak', '--reviewer', 'Bob', '--expect-last-decision', 'none', ...db]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/Alice confirmed it \(partijpolitiek\)/);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 1 });
    const many = await cli(['review', 'decide', id, String(f.ids.markings.partij3), '--accept', '--reviewer', 'Bob', '--expect-last-decision', String(last), ...db]);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/--expect-last-decision works on one marking id/);
    const ok = await cli(['review', 'decide', id, '--reject', '--reason', 'geen partijzaak', '--reviewer', 'Bob', '--expect-last-decision', String(last), ...db]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(row(f, 'SELECT status FROM markings WHERE id = ?', f.ids.markings.partij1)).toEqual({ status: 'rejected' });
  });
});
