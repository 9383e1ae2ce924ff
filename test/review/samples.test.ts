/**
 * The review on the bundled samples: ingested and tagged through the real CLI, reviewed through the CLI and the API,
 * re-tagged, and the audit verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewConversation } from '../../src/export/context.js';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { openStore, type Store } from '../../src/store/db.js';
import path from 'node:path';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { cli, tempDir } from './fixture.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SAMPLES = ['android-nl-1on1-directeur', 'android-nl-group-crisisteam', 'ios-nl-1on1-thuis', 'ios-nl-group-fractie', 'android-en-gb-group-campagne']
  .map((d) => path.join(REPO, 'samples/whatsapp', d));

interface Seeded { db: string; custodian: string }

let s: Seeded;
const db = () => ['--db', s.db];

interface ListItem { id: number; level: string; targetId: number; span: [number, number] | null; category: string; status: string; ruleId: string; state: string; conversationId: number | null; active: boolean; evidence: Record<string, unknown> }
const list = async (...extra: string[]): Promise<{ counts: Record<string, number>; markings: ListItem[] }> => {
  const r = await cli(['review', 'list', '--custodian', s.custodian, '--json', ...extra, ...db()]);
  expect(r.code, r.stderr).toBe(0);
  return r.json();
};

beforeAll(async () => {
  s = { db: path.join(tempDir(), 'samples.db'), custodian: 'minister-bzk' };
  const add = await cli(['custodian', 'add', '--id', s.custodian, '--name', 'J. de Vries', '--function', 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', '--department', 'BZK', '--from', '2022-01-10', ...db()]);
  expect(add.code, add.stderr).toBe(0);
  const ing = await cli(['ingest', '--custodian', s.custodian, '--operator', 'test-operator', '--device', 'dienst-iPhone', ...SAMPLES, ...db()]);
  expect(ing.code, ing.stderr).toBe(0);
  const t = await cli(['tag', '--custodian', s.custodian, ...db()]);
  expect(t.code, t.stderr).toBe(0);
}, 120_000);

describe('review on the samples', () => {
  it('lists the rule engine\'s suggestions as open, with the marking contract fields', async () => {
    const r = await list('--status', 'open');
    expect(r.markings.length).toBeGreaterThan(0);
    expect(r.counts.open).toBe(r.markings.length);
    for (const m of r.markings) {
      expect(m).toMatchObject({ status: 'suggested', state: 'open', active: true });
      expect(['contact', 'conversation', 'message', 'passage']).toContain(m.level);
      expect(['zakelijk', 'privé', 'partijpolitiek']).toContain(m.category);
      expect(typeof m.ruleId).toBe('string');
    }
    const human = await cli(['review', 'list', '--custodian', s.custodian, ...db()]);
    expect(human.stdout).toMatch(/\d+ markings: \d+ open/);
  });

  it('decides through the CLI, marks a passage, survives a re-tag, and the audit verifies', async () => {
    const open = (await list('--status', 'open')).markings;
    const first = open[0]!;
    const second = open[1]!;
    let r = await cli(['review', 'decide', String(first.id), '--accept', '--reviewer', 'Els Bakker', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    r = await cli(['review', 'decide', String(second.id), '--reject', '--reviewer', 'Els Bakker', ...db()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a reason is required when rejecting/);
    r = await cli(['review', 'decide', String(second.id), '--reject', '--reviewer', 'Els Bakker', '--reason', 'Onjuiste treffer', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    const msg = (await cli(['markings', '--conversation', String(first.conversationId ?? second.conversationId), '--json', ...db()]));
    expect(msg.code, msg.stderr).toBe(0);
    // A manual passage on a real message: the first 5 code units of a message with text.
    const store: Store = openStore(s.db);
    let messageId: number;
    try {
      messageId = (store.db.prepare(`SELECT id FROM messages WHERE kind = 'text' AND length(text) > 20 ORDER BY id LIMIT 1`).get() as { id: number }).id;
    } finally { store.close(); }
    r = await cli(['review', 'mark', '--message', String(messageId), '--span', '0:5', '--category', 'prive', '--reviewer', 'Els Bakker', '--json', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ status: 'confirmed', awaitingSecond: false });
    r = await cli(['review', 'mark', '--message', String(messageId), '--span', '0:99999', '--category', 'privé', '--reviewer', 'Els Bakker', ...db()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/span 0:99999 is not inside message/);
    r = await cli(['review', 'mark', '--contact', '1', '--conversation', '1', '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.code).toBe(1);
    // Re-tagging keeps the decisions.
    const t = await cli(['tag', '--custodian', s.custodian, ...db()]);
    expect(t.code, t.stderr).toBe(0);
    const decided = new Map((await list('--status', 'decided')).markings.map((m) => [m.id, m]));
    expect(decided.get(first.id)).toMatchObject({ status: 'confirmed' });
    expect(decided.get(second.id)).toMatchObject({ status: 'rejected' });
    const v = await cli(['audit', 'verify', '--custodian', s.custodian, '--json', ...db()]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.json()).toMatchObject({ ok: true, entries: 3, decisionsChecked: 3 });
  });

  it('serves every sample conversation and previews it exactly as the exporter', async () => {
    const store = openStore(s.db);
    let srv: ReviewServer | undefined;
    try {
      srv = await startReviewServer({ db: store.db, custodianId: s.custodian });
      const get = async (p: string) => {
        const r = await fetch(`http://127.0.0.1:${srv!.port}${p}`, { headers: { 'x-chatarchief-token': srv!.token } });
        expect(r.status, p).toBe(200);
        return r.json() as Promise<any>;
      };
      const { conversations } = await get('/api/conversations');
      expect(conversations.length).toBeGreaterThan(1);
      for (const c of conversations) {
        const page = await get(`/api/conversations/${c.id}/messages?offset=0&limit=1000`);
        expect(page.messages.length).toBe(Math.min(1000, c.messageCount));
        const preview = await get(`/api/conversations/${c.id}/preview?offset=0&limit=1000`);
        const exported = JSON.parse(JSON.stringify([...previewConversation(store.db, c.id, { allowUnreviewed: true })]));
        if (preview.excluded) expect([preview.excluded]).toEqual(exported);
        else expect(preview.slots.map(({ index: _i, ...x }: { index: number }) => x)).toEqual(exported.slice(0, 1000));
      }
    } finally {
      await srv?.close();
      store.close();
    }
  });

  it('renders the sample conversations in Chromium without errors', async () => {
    const store = openStore(s.db);
    const srv = await startReviewServer({ db: store.db, custodianId: s.custodian });
    const b = await launchBrowser();
    try {
      const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els Bakker'));
      await page.goto(srv.url);
      const convs = page.locator('.conv');
      await convs.first().waitFor();
      const n = await convs.count();
      for (let i = 0; i < n; i++) {
        await convs.nth(i).click();
        await page.locator('#rows .msg, .placeholder').first().waitFor();
      }
      await page.locator('.conv', { hasText: 'Fractie' }).first().click();
      await page.locator('#rows .msg').first().waitFor();
      await page.locator('#msgs').focus();
      await page.keyboard.press('n');
      await page.locator('.msg.cursor').waitFor();
      await screenshot(page, 'review-samples');
      expect(errors).toEqual([]);
    } finally {
      await b.close();
      await srv.close();
      store.close();
    }
  });
});
