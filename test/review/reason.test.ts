import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { apiClient } from './api-client.js';
import { buildFixture, cli, row, type Fixture } from './fixture.js';

/**
 * The reason given in the web API (the page's "toelichting") and the CLI's --reason are one field: the same decision
 * column, the same audit payload key, the same evidence of a manual marking, with the same trimming and limit.
 */

let f: Fixture;
let srv: ReviewServer;
let api: ReturnType<typeof apiClient>;
beforeEach(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk', preview: null });
  api = apiClient(srv);
});
afterEach(async () => {
  await srv.close();
  f.close();
});

/** What the store keeps of a marking's latest decision and its audit entry. */
function stored(markingId: number) {
  const d = row<{ action: string; category: string | null; reviewer: string; reason: string | null; audit_seq: number }>(f,
    'SELECT action, category, reviewer, reason, audit_seq FROM decisions WHERE marking_id = ? ORDER BY id DESC LIMIT 1', markingId);
  const p = JSON.parse(row<{ p: string }>(f, 'SELECT payload_json AS p FROM audit_log WHERE seq = ?', d.audit_seq).p);
  const m = row<{ evidence_json: string }>(f, 'SELECT evidence_json FROM markings WHERE id = ?', markingId);
  return { action: d.action, category: d.category, reviewer: d.reviewer, reason: d.reason, auditReason: p.reason, evidence: JSON.parse(m.evidence_json) };
}
const db = () => ['--db', f.dbPath];
const WHY = 'Verjaardag van opa: privé';

describe('reason: web API and CLI store it alike', () => {
  it('marking a passage', async () => {
    const r = await api('/api/mark', { level: 'passage', targetId: f.ids.messages.mama1, span: [0, 8], textSha256: (await api(`/api/conversations/${f.ids.conversations.mama}/messages`)).json.messages[0].textSha256, category: 'privé', reviewer: 'Els Bakker', reason: `  ${WHY}\n` });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const c = await cli(['review', 'mark', '--message', String(f.ids.messages.mama1), '--span', '8:20', '--category', 'privé', '--reviewer', 'Els Bakker', '--reason', `  ${WHY}\n`, ...db()]);
    expect(c.code, c.stderr).toBe(0);
    const viaCli = row<{ id: number }>(f, `SELECT id FROM markings WHERE origin = 'manual' AND span_start = 8`).id;
    expect(stored(r.json.markingId)).toEqual({ action: 'mark', category: 'privé', reviewer: 'Els Bakker', reason: WHY, auditReason: WHY, evidence: { manual: true, markedBy: 'Els Bakker', reason: WHY } });
    expect(stored(viaCli)).toEqual(stored(r.json.markingId));
  });

  it('confirming a suggestion (a reason is optional there), and an empty reason is none', async () => {
    const m = f.ids.markings;
    const r = await api('/api/decide', { markingIds: [m.partij1], action: 'confirm', reviewer: 'Els Bakker', reason: WHY, lastDecisionIds: { [m.partij1]: null } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect((await cli(['review', 'decide', String(m.partij3), '--accept', '--reviewer', 'Els Bakker', '--reason', WHY, ...db()])).code).toBe(0);
    expect(stored(m.partij1)).toMatchObject({ action: 'confirm', reason: WHY, auditReason: WHY });
    expect({ ...stored(m.partij3), evidence: null }).toEqual({ ...stored(m.partij1), evidence: null });

    const e = await api('/api/decide', { markingIds: [m.partij2], action: 'confirm', reviewer: 'Els Bakker', reason: '   ', lastDecisionIds: { [m.partij2]: null } });
    expect(e.status).toBe(200);
    expect(stored(m.partij2)).toMatchObject({ action: 'confirm', reason: null, auditReason: null });
  });

  it('refuses a reason over 2,000 characters, as the CLI does, and records nothing', async () => {
    const long = 'x'.repeat(2001);
    const r = await api('/api/mark', { level: 'message', targetId: f.ids.messages.mama1, category: 'privé', reviewer: 'Els Bakker', reason: long });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('invalid');
    const c = await cli(['review', 'mark', '--message', String(f.ids.messages.mama1), '--category', 'privé', '--reviewer', 'Els Bakker', '--reason', long, ...db()]);
    expect(c.code).toBe(1);
    expect(row<{ n: number }>(f, `SELECT count(*) AS n FROM markings WHERE origin = 'manual'`).n).toBe(0);
  });
});
