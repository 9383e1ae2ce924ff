import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewConversation } from '../../src/export/context.js';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { verifyAudit } from '../../src/review/verify.js';
import { buildFixture, MIXED, PRIVATE_SENTENCE, row, XSS, type Fixture } from './fixture.js';

let f: Fixture;
let srv: ReviewServer;

interface Res { status: number; headers: http.IncomingHttpHeaders; body: string; json(): any }

/** A raw HTTP request, so tests can send any Host, Origin or cookie. */
function request(method: string, path: string, o: { headers?: Record<string, string>; body?: unknown; token?: boolean } = {}): Promise<Res> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { host: `127.0.0.1:${srv.port}`, ...(o.token === false ? {} : { 'x-chatarchief-token': srv.token }), ...(body ? { 'content-type': 'application/json' } : {}), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path, headers, setHost: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data, json: () => JSON.parse(data) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

beforeAll(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk' });
});
afterAll(async () => {
  await srv.close();
  f.close();
});

describe('access', () => {
  it('binds to loopback and prints a URL with a long random token', () => {
    expect((srv.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/?token=${srv.token}`);
    expect(srv.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses the page and the API without the token (401)', async () => {
    expect((await request('GET', '/', { token: false })).status).toBe(401);
    expect((await request('GET', '/?token=wrong', { token: false })).status).toBe(401);
    expect((await request('GET', '/api/conversations', { token: false })).status).toBe(401);
    // One character off (a different one: the token may itself end in 'x').
    const near = srv.token.slice(0, -1) + (srv.token.endsWith('x') ? 'y' : 'x');
    expect((await request('GET', '/api/conversations', { token: false, headers: { 'x-chatarchief-token': near } })).status).toBe(401);
  });

  it('accepts the token in the query string for the page only, never for the API or for changes', async () => {
    const page = await request('GET', `/?token=${srv.token}`, { token: false });
    expect(page.status).toBe(200);
    expect((await request('GET', `/api/conversations?token=${srv.token}`, { token: false })).status).toBe(401);
    const body = { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' };
    expect((await request('POST', `/api/decide?token=${srv.token}`, { token: false, body })).status).toBe(401);
    expect((await request('POST', '/api/decide', { token: false, body, headers: { cookie: `token=${srv.token}` } })).status).toBe(401);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
  });

  it('refuses a wrong Host (DNS rebinding), a foreign Origin and cross-site fetches (403)', async () => {
    expect((await request('GET', '/api/session', { headers: { host: `evil.example:${srv.port}` } })).status).toBe(403);
    expect((await request('GET', `/?token=${srv.token}`, { token: false, headers: { host: `attacker.test:${srv.port}` } })).status).toBe(403);
    const body = { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els' };
    expect((await request('POST', '/api/decide', { body, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await request('POST', '/api/decide', { body, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await request('GET', '/api/session', { headers: { host: `localhost:${srv.port}`, origin: `http://localhost:${srv.port}` } })).status).toBe(200);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
  });

  it('needs JSON for changes (no form posts)', async () => {
    const r = await request('POST', '/api/decide', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(400);
  });

  it('serves the page with a strict CSP, no outside resources and no chat content', async () => {
    const page = await request('GET', `/?token=${srv.token}`, { token: false });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toMatch(/<html lang="nl">/);
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    expect(page.body).not.toContain('Omgevingswet');
    expect(page.body).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('API', () => {
  it('lists conversations with progress and filters data', async () => {
    const r = (await request('GET', '/api/conversations')).json();
    const partij = r.conversations.find((c: { id: number }) => c.id === f.ids.conversations.partij);
    expect(partij).toMatchObject({ title: 'Partijbestuur overleg', messageCount: 3, counts: { open: 3, decided: 0, total: 3 }, rules: ['partij.lexicon', 'partij.rollen'] });
    expect(partij.categories).toEqual({ partijpolitiek: 3 });
    const anna = r.conversations.find((c: { id: number }) => c.id === f.ids.conversations.anna);
    expect(anna.counts.total).toBe(3); // passage, the XSS message suggestion, and Anna's contact marking
  });

  it('pages messages in seq order with their markings and the reason', async () => {
    const r = (await request('GET', `/api/conversations/${f.ids.conversations.anna}/messages?offset=1&limit=2`)).json();
    expect(r.total).toBe(6);
    expect(r.messages.map((m: { index: number }) => m.index)).toEqual([1, 2]);
    const mixed = r.messages[1];
    expect(mixed.text).toBe(MIXED);
    expect(mixed.markings[0]).toMatchObject({ level: 'passage', span: [MIXED.indexOf('Trouwens'), MIXED.length], state: 'open', ruleId: 'prive.familie', reasonText: 'prive.familie "dochter"' });
    const xss = (await request('GET', `/api/conversations/${f.ids.conversations.anna}/messages?offset=3&limit=1`)).json().messages[0];
    expect(xss.text).toBe(XSS);
  });

  it('does not serve another custodian\'s conversation or marking', async () => {
    expect((await request('GET', '/api/conversations/99999/messages')).status).toBe(404);
    expect((await request('GET', '/api/markings/99999')).status).toBe(404);
  });

  it('decides, marks and bulk-decides through the API, with Dutch-mappable error codes', async () => {
    const none = { [f.ids.markings.partij1]: null };
    let r = await request('POST', '/api/decide', { body: { markingIds: [f.ids.markings.partij1], action: 'reject', reviewer: 'Els', lastDecisionIds: none } });
    expect(r.status).toBe(422);
    expect(r.json().code).toBe('reason-required');
    r = await request('POST', '/api/decide', { body: { markingIds: [f.ids.markings.partij1], action: 'confirm', reviewer: 'Els', lastDecisionIds: none } });
    expect(r.status).toBe(200);
    const elsDecision = r.json().decided[0].decisionId;
    expect(r.json().markings[0]).toMatchObject({ id: f.ids.markings.partij1, status: 'confirmed', state: 'decided', lastDecision: { reviewer: 'Els', action: 'confirm' } });
    // A passage marking names the text it was chosen in: the textSha256 the messages view gives.
    const nota = (await request('GET', `/api/conversations/${f.ids.conversations.anna}/messages`)).json().messages.find((m: { id: number }) => m.id === f.ids.messages.annaNota);
    r = await request('POST', '/api/mark', { body: { level: 'passage', targetId: f.ids.messages.annaNota, span: [0, 11], textSha256: nota.textSha256, category: 'zakelijk', reviewer: 'Els' } });
    expect(r.status).toBe(200);
    expect(r.json().marking).toMatchObject({ origin: 'manual', level: 'passage', span: [0, 11], status: 'confirmed' });
    r = await request('POST', '/api/mark', { body: { level: 'passage', targetId: f.ids.messages.annaNota, span: [0, 9999], textSha256: nota.textSha256, category: 'zakelijk', reviewer: 'Els' } });
    expect(r.status).toBe(400);
    // Not the bewindspersoon's own contact (the page offers it no more; the API refuses it too).
    r = await request('POST', '/api/mark', { body: { level: 'contact', targetId: f.ids.contacts.self, category: 'privé', reviewer: 'Els' } });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/is the bewindspersoon \(minister-bzk\) themself/);
    const scope = (await request('GET', `/api/conversations/${f.ids.conversations.partij}/bulk-scope?rule=partij.lexicon`)).json();
    r = await request('POST', '/api/bulk', { body: { conversationId: f.ids.conversations.partij, ruleId: 'partij.lexicon', action: 'confirm', reviewer: 'Piet', lastDecisionIds: scope.lastDecisionIds } });
    expect(r.json()).toMatchObject({ decided: 1, skipped: 1 });
    r = await request('POST', '/api/decide', { body: { markingIds: [f.ids.markings.partij1], action: 'undo', reviewer: 'Piet', lastDecisionIds: { [f.ids.markings.partij1]: elsDecision } } });
    expect(r.status).toBe(409);
    expect(r.json().code).toBe('undo-not-yours');
    expect(verifyAudit(f.store.db).ok).toBe(true);
  });

  it('finds the next open suggestion by position', async () => {
    const r = (await request('GET', `/api/conversations/${f.ids.conversations.anna}/positions?state=open`)).json();
    expect(r.positions.map((p: { index: number }) => p.index)).toEqual([2, 3]);
  });
});

describe('voorbeeld geschoonde set', () => {
  it('renders the page exactly as the exporter\'s own preview of the conversation', async () => {
    const r = await request('POST', '/api/decide', { body: { markingIds: [f.ids.markings.passage], action: 'confirm', reviewer: 'Els', lastDecisionIds: { [f.ids.markings.passage]: null } } });
    expect(r.status, r.body).toBe(200);
    const conv = f.ids.conversations.anna;
    const page = (await request('GET', `/api/conversations/${conv}/preview?offset=0&limit=200`)).json();
    const exported = [...previewConversation(f.store.db, conv, { allowUnreviewed: true })];
    expect(page.slots.map(({ index: _i, ...s }: { index: number }) => s)).toEqual(JSON.parse(JSON.stringify(exported)));
    const mixed = page.slots[2];
    expect(mixed.text).not.toContain(PRIVATE_SENTENCE);
    expect(mixed.text).toMatch(/\[passage afgeschermd: privé · M-\d+\]$/);
    // The undecided privé suggestion on the XSS message counts as marked in the preview.
    expect(page.slots[3]).toMatchObject({ type: 'marker', category: 'privé', undecided: true });
  });

  it('shows a conversation withheld as a whole as one marker', async () => {
    const r = await request('POST', '/api/decide', { body: { markingIds: [f.ids.markings.mamaConversation], action: 'confirm', reviewer: 'Els', lastDecisionIds: { [f.ids.markings.mamaConversation]: null } } });
    expect(r.status, r.body).toBe(200);
    const page = (await request('GET', `/api/conversations/${f.ids.conversations.mama}/preview`)).json();
    expect(page.slots).toEqual([]);
    expect(page.excluded).toMatchObject({ type: 'conversation-marker', category: 'privé', slotCount: 1 });
    expect(JSON.stringify(page)).not.toContain('opa zondag jarig');
  });
});
