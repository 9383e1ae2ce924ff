import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, type PageSession } from './page-session.js';

/** Working through the review page without the mouse. */

let s: PageSession;
let page: Page;
const focused = () => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  return e?.classList.contains('conv') ? `conv:${e.querySelector('.title')!.textContent}` : `${e?.tagName}#${e?.id}`;
});

beforeAll(async () => {
  s = await openPageSession();
  page = s.page;
  await page.locator('.conv').first().waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: keyboard', () => {
  it('the conversation list is one tab stop; arrows move within it and Enter opens (QA: Tab through every conversation)', async () => {
    const titles = await page.locator('.conv .title').allTextContents();
    expect(titles.length).toBe(3);
    await page.locator('#f-open').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe(`conv:${titles[0]}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(`conv:${titles[2]}`);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(`conv:${titles[1]}`);
    await page.keyboard.press('End');
    expect(await focused()).toBe(`conv:${titles[2]}`);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#conv-title').textContent()).toBe(titles[1]);
    // Back in the list, one Tab leaves it: the conversations are not tab stops one by one.
    await page.locator('.conv.active').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).not.toMatch(/^conv:/);
    expect(await page.locator('.conv[tabindex="0"]').count()).toBe(1);
    expect(await page.locator('.conv.active').getAttribute('tabindex')).toBe('0');
    expect(s.pageErrors).toEqual([]);
  });

  it('the help (?) names the list keys', async () => {
    await page.locator('#msgs').focus();
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('.dialog .help-grid').textContent()).toContain('vorig / volgend gesprek in de lijst');
    await page.keyboard.press('Escape');
  });
});
