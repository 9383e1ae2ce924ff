import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';
import { addLargeConversation, buildFixture, row, type Fixture } from './fixture.js';

const N = 100_000;
let f: Fixture;
let srv: ReviewServer;
let b: LaunchedBrowser;
let big: { conversationId: number; markingIds: number[] };

beforeAll(async () => {
  f = buildFixture();
  big = addLargeConversation(f, N, 1000);
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk' });
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await srv?.close();
  f?.close();
});

describe('a conversation of 100,000 messages', () => {
  it('opens with a bounded DOM, scrolls through pages and jumps far with n', { timeout: 180_000 }, async () => {
    const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els Bakker'));
    await page.goto(srv.url);
    const t0 = Date.now();
    await page.locator('.conv', { hasText: 'Crisisoverleg Hoogwater' }).click();
    await page.locator('#rows .msg[data-index="0"]').waitFor();
    const openMs = Date.now() - t0;
    const count = () => page.locator('#rows .msg').count();
    /** The rendered rows are consecutive messages in order, each showing its own text. */
    const contiguous = () => page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('#rows .msg')];
      return rows.every((r, i) => Number(r.dataset.index) === Number(rows[0]!.dataset.index) + i && r.querySelector('.text')!.textContent!.startsWith(`Bericht ${Number(r.dataset.index) + 1}:`));
    });
    const lastIndex = async () => Number(await page.locator('#rows .msg').last().getAttribute('data-index'));
    const firstIndex = async () => Number(await page.locator('#rows .msg').first().getAttribute('data-index'));
    expect(await count()).toBeLessThanOrEqual(600);
    // Scroll to the bottom ten times: each time a further page arrives and the first one is dropped.
    const initialLast = await lastIndex();
    const t1 = Date.now();
    for (let i = 0; i < 10; i++) {
      const before = await lastIndex();
      await page.evaluate(() => { const m = document.getElementById('msgs')!; m.scrollTop = m.scrollHeight; });
      await expect.poll(lastIndex).toBeGreaterThan(before);
    }
    const scrollMs = Date.now() - t1;
    expect(await lastIndex()).toBeGreaterThanOrEqual(initialLast + 10 * 200); // each step brought at least one page
    expect(await count()).toBeLessThanOrEqual(600);
    expect(await contiguous()).toBe(true);
    const firstShown = await firstIndex();
    expect(firstShown).toBeGreaterThan(0);
    // The row at the top stays put while pages come and go (no jumps).
    const topBefore = await page.evaluate(() => {
      const box = document.getElementById('msgs')!;
      box.scrollTop = box.scrollTop - 400;
      const top = box.getBoundingClientRect().top;
      const row = [...document.querySelectorAll('#rows .msg')].find((r) => r.getBoundingClientRect().bottom > top + 4)!;
      return { index: (row as HTMLElement).dataset.index, y: Math.round(row.getBoundingClientRect().top) };
    });
    await page.waitForTimeout(300);
    const topAfter = await page.evaluate((i) => Math.round(document.querySelector(`#rows .msg[data-index="${i}"]`)!.getBoundingClientRect().top), topBefore.index);
    expect(Math.abs(topAfter - topBefore.y)).toBeLessThanOrEqual(2);
    // Scroll back up: earlier pages come back.
    for (let i = 0; i < 3; i++) {
      const before = await firstIndex();
      if (before === 0) break;
      await page.evaluate(() => { document.getElementById('msgs')!.scrollTop = 0; });
      await expect.poll(firstIndex).toBeLessThan(before);
    }
    // n jumps to the next open suggestion, loading its page; Enter confirms it.
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('999');
    await page.keyboard.press('Enter');
    await expect.poll(() => row<{ status: string }>(f, 'SELECT status FROM markings WHERE id = ?', big.markingIds[0]).status).toBe('confirmed');
    const t2 = Date.now();
    for (let i = 0; i < 50; i++) await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index'), { timeout: 15000 }).toBe('50999');
    const jumpMs = Date.now() - t2;
    expect(await count()).toBeLessThanOrEqual(600);
    await page.waitForTimeout(500);
    expect(await contiguous()).toBe(true);
    for (let i = 0; i < 5; i++) await page.keyboard.press('j');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('51004');
    expect(await page.locator('.msg.cursor .text').textContent()).toMatch(/^Bericht 51005:/);
    expect(await contiguous()).toBe(true);
    await screenshot(page, 'review-large');
    // Numbers for the report (not asserted: speed belongs in benchmarks).
    console.log(`[review 100k] open ${openMs} ms; 10 scroll-to-bottom steps ${scrollMs} ms; 50 jumps to the next open suggestion ${jumpMs} ms; DOM rows ${await count()}`);
  });
});
