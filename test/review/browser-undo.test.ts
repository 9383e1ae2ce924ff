import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { verifyAudit } from '../../src/review/verify.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { addLargeConversation, buildFixture, row, type Fixture } from './fixture.js';

/**
 * Undo on the review page walks back through this reviewer's decisions on a marking, one `u` at a time; and the page
 * asks again for a reviewer name the server would refuse, in Dutch, instead of failing every decision.
 */

let f: Fixture;
let srv: ReviewServer;
let b: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];
const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;
const marking = (id: number) => row<{ status: string }>(f, 'SELECT status FROM markings WHERE id = ?', id).status;

beforeAll(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk', preview: null });
  b = await launchBrowser();
  page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els Bakker'));
  await page.goto(`${srv.url}#gesprek=${f.ids.conversations.anna}`);
});
afterAll(async () => {
  await b?.close();
  await srv?.close();
  f?.close();
});

describe('review page: undo', () => {
  it('a second u undoes the reviewer\'s earlier decision on the same marking (not refused as stale)', async () => {
    const id = f.ids.markings.passage;
    await page.locator(`${rowSel(2)} .mk .st.open`).waitFor();
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('2');
    await page.keyboard.press('Enter');
    await expect.poll(() => marking(id)).toBe('confirmed');
    await page.keyboard.press('Backspace');
    await page.getByRole('dialog', { name: /^Reden voor/ }).waitFor();
    await page.keyboard.type('Toch zakelijk');
    await page.keyboard.press('Enter');
    await expect.poll(() => marking(id)).toBe('rejected');

    await page.keyboard.press('u');
    await expect.poll(() => marking(id)).toBe('confirmed');
    await page.keyboard.press('u');
    await expect.poll(() => marking(id)).toBe('suggested');
    expect(await page.locator('#toast .err').count()).toBe(0);
    expect(f.store.db.prepare('SELECT action FROM decisions WHERE marking_id = ? ORDER BY id').all(id).map((d) => (d as { action: string }).action))
      .toEqual(['confirm', 'reject', 'undo', 'undo']);
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
    expect(pageErrors).toEqual([]);
  });
});

describe('review page: the reviewer name', () => {
  it('a stored name the server would refuse is asked again; a look-alike letter gets a Dutch explanation', async () => {
    const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els\u200b Bakker'));
    await p.goto(srv.url);
    const dlg = p.getByRole('dialog', { name: 'Wie beoordeelt?' });
    await dlg.waitFor();
    await dlg.locator('input').fill('\u0415ls Bakker'); // Cyrillic Е
    await p.keyboard.press('Enter');
    await expect.poll(() => dlg.locator('p').textContent()).toBe('Deze naam bevat een letter uit een ander schrift dan het Latijnse (Е). Typ de naam in Latijnse letters.');
    await dlg.locator('input').fill("J. de Vries-van ‘t Hoff");
    await p.keyboard.press('Enter');
    await expect.poll(() => p.locator('#reviewer-name').textContent()).toBe("J. de Vries-van ‘t Hoff");
    expect(await p.evaluate(() => localStorage.getItem('chatarchief.reviewer'))).toBe("J. de Vries-van ‘t Hoff");
    expect(pageErrors).toEqual([]);
  });
});

describe('review page: undoing a bulk action', () => {
  const statuses = (ids: number[]) => ids.map(marking);

  it('u undoes the last bulk action, all its decisions at once (QA: "Niets om ongedaan te maken")', async () => {
    const ids = [f.ids.markings.partij1, f.ids.markings.partij2, f.ids.markings.partij3];
    await page.goto(`${srv.url}#gesprek=${f.ids.conversations.partij}`);
    await page.reload(); // (only the hash changed)
    await page.locator(`${rowSel(0)} .mk`).waitFor();
    await page.locator('#bulk-confirm').click();
    await page.getByRole('dialog', { name: 'Bulkactie: bevestigen' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => statuses(ids)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    await page.locator('#msgs').focus();
    await page.keyboard.press('u');
    await expect.poll(() => statuses(ids)).toEqual(['suggested', 'suggested', 'suggested']);
    // (the store changes before the page has the answer: wait for the toast too)
    await expect.poll(() => page.locator('#toast').textContent()).toContain('Bulkactie ongedaan gemaakt: 3 besluiten teruggedraaid.');
    const undos = f.store.db.prepare(`SELECT marking_id, reviewer FROM decisions WHERE action = 'undo' AND marking_id IN (${ids.join(',')}) ORDER BY marking_id`).all();
    expect(undos).toEqual(ids.map((id) => ({ marking_id: id, reviewer: 'Els Bakker' })));
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
  });

  it('asks before undoing a large bulk action; cancelled, nothing changes', { timeout: 60_000 }, async () => {
    const big = addLargeConversation(f, 2400, 200); // 12 suggestions
    await page.goto(`${srv.url}#gesprek=${big.conversationId}`);
    await page.reload();
    await page.locator(`${rowSel(0)}`).waitFor();
    await page.locator('#bulk-confirm').click();
    await page.getByRole('dialog', { name: 'Bulkactie: bevestigen' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => statuses(big.markingIds).every((s) => s === 'confirmed')).toBe(true);
    await page.locator('#msgs').focus();
    await page.keyboard.press('u');
    const dlg = page.getByRole('dialog', { name: 'Bulkactie ongedaan maken' });
    await dlg.waitFor();
    expect(await dlg.locator('p').textContent()).toBe('U maakt de laatste bulkactie (bevestigen) ongedaan: 12 besluiten worden teruggedraaid.');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(statuses(big.markingIds).every((s) => s === 'confirmed')).toBe(true);
    await page.keyboard.press('u');
    await dlg.waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => statuses(big.markingIds).every((s) => s === 'suggested')).toBe(true);
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
    expect(pageErrors).toEqual([]);
  });
});
