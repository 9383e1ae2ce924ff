import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { verifyAudit } from '../../src/review/verify.js';
import { openStore, type Store } from '../../src/store/db.js';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore } from '../ingest/store-dir.js';
import { apiClient } from './api-client.js';

/**
 * A passage marking names the text it was chosen in (its SHA-256). A later Signal export that edits the message
 * replaces the stored text (no passage marking stands on it yet); a page that still shows the old text must then be
 * refused (409), never lay its span on the new words.
 */

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const CUSTODIAN = 'staatssecretaris-bzk';
const ADD = ['--id', CUSTODIAN, '--name', 'Karin van der Laan', '--function', 'Staatssecretaris van BZK', '--department', 'BZK', '--from', '2024-07-02'];
// The sample's edited message (current version) and a further edit of the same length: same span, other words.
const EDITED_AT = '"dateSent":"1761289425000"';
const V3 = 'Overleg morgen om 09.00 uur?';
const V4 = 'Overleg morgen om 08.30 uur?';
const V4_MS = 1761290000000;
const TIME: [number, number] = [V3.indexOf('09.00'), V3.indexOf('09.00') + 5];

const sha = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

let dir: string;
let dbPath: string;
let store: Store;
let srv: ReviewServer;

beforeEach(async () => {
  ({ dir, db: dbPath } = await freshStore(ADD));
  const r = await ingest(SAMPLE);
  expect(r.code, r.stderr).toBe(0);
  store = openStore(dbPath);
  srv = await startReviewServer({ db: store.db, custodianId: CUSTODIAN, preview: null });
});
afterEach(async () => {
  await srv.close();
  store.close();
});

const ingest = (p: string) => runCli(['ingest', '--db', dbPath, '--custodian', CUSTODIAN, '--operator', 'RIH', '--json', p]);

/** The sample export with one further edit of the edited message: V3 becomes a revision, V4 the current text. */
function furtherEdit(): string {
  const out = path.join(dir, 'later-export');
  fs.cpSync(SAMPLE, out, { recursive: true });
  const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('{"chatItem"') && l.includes(EDITED_AT));
  expect(at).toBeGreaterThan(0);
  const { revisions, ...current } = JSON.parse(lines[at]!).chatItem;
  lines[at] = JSON.stringify({
    chatItem: { ...current, revisions: [...revisions, current], dateSent: String(V4_MS), outgoing: { ...current.outgoing, dateReceived: String(V4_MS) }, standardMessage: { text: { body: V4 } } },
  });
  fs.writeFileSync(path.join(out, 'main.jsonl'), lines.join('\n'));
  return out;
}

const api = (p: string, body?: unknown) => apiClient(srv)(p, body);

/** The edited message as the page loads it (from the messages view of its conversation). */
async function loadEdited(): Promise<{ id: number; text: string; textSha256: string }> {
  const convs = (await api('/api/conversations')).json.conversations as { id: number }[];
  const all = (await Promise.all(convs.map(async (c) => (await api(`/api/conversations/${c.id}/messages?limit=1000`)).json.messages))).flat();
  const hits = all.filter((m: any) => m.text === V3 || m.text === V4);
  expect(hits).toHaveLength(1);
  return hits[0];
}

const passage = (id: number, textSha256?: string) => ({ level: 'passage', targetId: id, span: TIME, category: 'privé', reviewer: 'Els', ...(textSha256 ? { textSha256 } : {}) });
const manualMarkings = (id: number) => store.db.prepare(`SELECT COUNT(*) FROM markings WHERE origin = 'manual' AND target_id = ?`).pluck().get(id) as number;

describe('passage marking with the fingerprint of the text the page showed', () => {
  it('every message of the messages view carries the SHA-256 of its UTF-8 text', async () => {
    const m = await loadEdited();
    expect(m.text).toBe(V3);
    expect(m.textSha256).toBe(sha(V3));
  });

  it('marks the passage when the text is unchanged', async () => {
    const m = await loadEdited();
    const r = await api('/api/mark', passage(m.id, m.textSha256));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.marking).toMatchObject({ level: 'passage', targetId: m.id, span: TIME, category: 'privé', origin: 'manual' });
    expect(V3.slice(...TIME)).toBe('09.00');
    // Upper-case hex is the same fingerprint.
    const again = await api('/api/mark', { ...passage(m.id, m.textSha256.toUpperCase()), category: 'zakelijk' });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
  });

  it('refuses (409, nothing written) a span chosen in a text that a later export replaced', async () => {
    const shown = await loadEdited();
    const later = await ingest(furtherEdit());
    expect(later.code, later.stderr).toBe(0);
    const stored = store.db.prepare('SELECT text FROM messages WHERE id = ?').pluck().get(shown.id);
    expect(stored).toBe(V4); // same length as V3: the span still fits, but it covers other words
    const audit = store.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get();

    const r = await api('/api/mark', passage(shown.id, shown.textSha256));
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('text-changed');
    expect(r.json.error).toMatch(/text changed/);
    expect(r.json.error).toMatch(/reload the conversation/);
    expect(manualMarkings(shown.id)).toBe(0);
    expect(store.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(audit);

    // After reloading, the page has the new text and its fingerprint, and the marking lands on what it shows.
    const reloaded = await loadEdited();
    expect(reloaded).toMatchObject({ id: shown.id, text: V4, textSha256: sha(V4) });
    const ok = await api('/api/mark', passage(reloaded.id, reloaded.textSha256));
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(V4.slice(...(ok.json.marking.span as [number, number]))).toBe('08.30');
    expect(verifyAudit(store.db).ok).toBe(true);
  });

  it('refuses a passage marking without a fingerprint (400) and a malformed one', async () => {
    const m = await loadEdited();
    const none = await api('/api/mark', passage(m.id));
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/textSha256/);
    const bad = await api('/api/mark', passage(m.id, 'abc'));
    expect(bad.status).toBe(400);
    expect(manualMarkings(m.id)).toBe(0);
    // A whole-message marking needs none.
    const whole = await api('/api/mark', { level: 'message', targetId: m.id, category: 'zakelijk', reviewer: 'Els' });
    expect(whole.status, JSON.stringify(whole.json)).toBe(200);
  });

  it('review mark (CLI): an optional --text-sha256 guards the passage the same way', async () => {
    const m = await loadEdited();
    expect((await ingest(furtherEdit())).code).toBe(0);
    const base = ['review', 'mark', '--db', dbPath, '--message', String(m.id), '--span', `${TIME[0]}:${TIME[1]}`, '--category', 'privé', '--reviewer', 'Els'];
    const stale = await runCli([...base, '--text-sha256', sha(V3)]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/text changed/);
    expect(manualMarkings(m.id)).toBe(0);
    const noSpan = await runCli(['review', 'mark', '--db', dbPath, '--message', String(m.id), '--text-sha256', sha(V4), '--category', 'privé', '--reviewer', 'Els']);
    expect(noSpan.code).toBe(1);
    expect(noSpan.stderr).toMatch(/--text-sha256 needs --span/);
    const current = await runCli([...base, '--text-sha256', sha(V4)]);
    expect(current.code, current.stderr).toBe(0);
    expect(manualMarkings(m.id)).toBe(1);
    // Without it the span is checked against the stored text, as before.
    const plain = await runCli([...base.slice(0, -4), '--category', 'zakelijk', '--reviewer', 'Els']);
    expect(plain.code, plain.stderr).toBe(0);
  });
});
