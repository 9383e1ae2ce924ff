import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { verifyAudit } from '../../src/review/verify.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { buildFixture, row, type Fixture } from './fixture.js';

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
