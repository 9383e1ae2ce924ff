import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, rejectFirstOpen, type PageSession } from './page-session.js';

/** The page's Dutch: numbers with nouns, and texts that fit what the reviewer is deciding. */

let s: PageSession;
let page: Page;

beforeAll(async () => {
  s = await openPageSession();
  page = s.page;
  await page.locator('.conv').first().waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: wording', () => {
  it('a conversation of one message says "1 bericht" (QA: "1 berichten")', async () => {
    const mama = page.locator('.conv', { hasText: 'Mama' });
    await expect.poll(() => mama.locator('.meta').textContent()).toMatch(/^1 bericht · /);
    await mama.click();
    await expect.poll(() => page.locator('#conv-sub').textContent()).toContain(' · 1 bericht · ');
    expect(await page.locator('#conv-sub').textContent()).not.toContain('1 berichten');
    expect(await page.locator('.conv', { hasText: 'Anna de Vries' }).locator('.meta').textContent()).toMatch(/^6 berichten · /);
  });

  it('the suggested reasons for rejecting fit the suggestion\'s category (QA: "niet privé bedoeld" on a partijpolitiek one)', async () => {
    const quick = () => page.locator('.dialog .quick button').allTextContents();
    await rejectFirstOpen(page, 'Partijbestuur overleg');
    expect(await quick()).toEqual(['Zakelijke inhoud', 'Term hier niet partijpolitiek bedoeld', 'Onjuiste treffer van de regel']);
    await page.keyboard.press('Escape');
    // A bulk covers suggestions of several categories: no category named.
    await page.locator('#bulk-reject').click();
    await page.locator('.dialog').waitFor();
    expect((await quick()).join(' | ')).not.toMatch(/privé|partijpolitiek/);
    await page.keyboard.press('Escape');
    expect(s.pageErrors).toEqual([]);
  });
});
