import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { addLargeConversation, buildFixture, type Fixture } from './fixture.js';

// 12,001 messages = 61 pages: enough to fill the page cache (12 pages) by scrolling, so that jumping back far away
// must load a page that is farther from the rendered window than every cached one.
const N = 12_001;
let f: Fixture;
let srv: ReviewServer;
let b: LaunchedBrowser;

beforeAll(async () => {
  f = buildFixture();
  addLargeConversation(f, N, 1000);
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk' });
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await srv?.close();
  f?.close();
});

describe('jumping far after a long scroll', () => {
  it('keeps the page it jumps to in the cache and shows it (k back to the first message)', { timeout: 120_000 }, async () => {
    const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els Bakker'));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(srv.url);
    await page.locator('.conv', { hasText: 'Crisisoverleg Hoogwater' }).click();
    await page.locator('#rows .msg[data-index="0"]').waitFor();
    const lastIndex = async () => Number(await page.locator('#rows .msg').last().getAttribute('data-index'));
    // Scroll down past 13 pages, so the cache is full of pages far from the start.
    while (await lastIndex() < 3000) {
      const before = await lastIndex();
      await page.evaluate(() => { const m = document.getElementById('msgs')!; m.scrollTop = m.scrollHeight; });
      await expect.poll(lastIndex).toBeGreaterThan(before);
    }
    await page.locator('#msgs').focus();
    await page.keyboard.press('k'); // no cursor yet: k goes to the first message, on page 0
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('0');
    expect(await page.locator('.msg.cursor .text').textContent()).toMatch(/^Bericht 1:/);
    expect(await page.locator('#toast').textContent()).not.toMatch(/Er ging iets mis/);
    // And back down with n: the next open suggestion (message 1000) is loaded and shown.
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('999');
    expect(await page.locator('#toast').textContent()).not.toMatch(/Er ging iets mis/);
    expect(errors).toEqual([]);
  });
});
