import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './api-client.js';
import { openPageSession, type PageSession } from './page-session.js';

/** n / N go round the open suggestions of a conversation; toasts are announced once. */

let s: PageSession;
let page: Page;
const cursor = () => page.locator('.msg.cursor').getAttribute('data-index');
const lastToast = () => page.locator('#toast div').last().textContent();

beforeAll(async () => {
  s = await openPageSession({ open: (f) => f.ids.conversations.partij });
  page = s.page;
  await page.locator('#rows .msg .mk .st.open').first().waitFor();
  await page.locator('#msgs').focus();
});
afterAll(async () => { await s?.close(); });

describe('review page: n / N wrap round (QA: "Geen open suggesties meer verderop" with earlier ones still open)', () => {
  it('n after the last open suggestion goes back to the first, N before the first to the last, and says so', async () => {
    for (const want of ['0', '1', '2']) {
      await page.keyboard.press('n');
      await expect.poll(cursor).toBe(want);
    }
    await page.keyboard.press('n');
    await expect.poll(cursor).toBe('0');
    await expect.poll(lastToast).toBe('Na de laatste open suggestie: terug naar de eerste van dit gesprek.');
    expect(await page.locator('.mk.sel').getAttribute('data-mid')).toBe(String(s.f.ids.markings.partij1));
    await page.keyboard.press('Shift+N');
    await expect.poll(cursor).toBe('2');
    await expect.poll(lastToast).toBe('Voor de eerste open suggestie: terug naar de laatste van dit gesprek.');
    expect(await page.locator('.mk.sel').getAttribute('data-mid')).toBe(String(s.f.ids.markings.partij3));
    await page.keyboard.press('Shift+N');
    await expect.poll(cursor).toBe('1');
    expect(s.pageErrors).toEqual([]);
  });

  it('says there are none only when none is open', async () => {
    const api = apiClient(s.srv);
    const ids = [s.f.ids.markings.partij1, s.f.ids.markings.partij2, s.f.ids.markings.partij3];
    const r = await api('/api/decide', { markingIds: ids, action: 'confirm', reviewer: 'Els Bakker', lastDecisionIds: Object.fromEntries(ids.map((id) => [id, null])) });
    expect(r.status).toBe(200);
    await page.reload();
    await page.locator('#rows .msg .mk .st.decided').first().waitFor();
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(lastToast).toBe('Geen open suggesties in dit gesprek.');
  });
});

describe('review page: toasts (QA: announced twice, a live region holding role=alert/status)', () => {
  it('#toast is the one live region; a toast has no live role of its own', async () => {
    await page.keyboard.press('n');
    await page.locator('#toast div').first().waitFor();
    expect(await page.locator('#toast').getAttribute('aria-live')).toBe('assertive');
    expect(await page.locator('#toast [role], #toast [aria-live]').count()).toBe(0);
    // An error toast too.
    await page.keyboard.press('Backspace');
    await page.locator('#toast div.err').first().waitFor();
    expect(await page.locator('#toast [role], #toast [aria-live]').count()).toBe(0);
  });
});
