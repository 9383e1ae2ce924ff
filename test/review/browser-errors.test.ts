import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, type PageSession } from './page-session.js';

/** Failures the reviewer must be told about, in Dutch, instead of a page that silently stays empty or "loading". */

let s: PageSession;

beforeAll(async () => { s = await openPageSession(); });
afterAll(async () => { await s?.close(); });

describe('review page: failures shown in Dutch', () => {
  it('the conversation list failing to load says so (QA: an empty list and an uncaught error)', async () => {
    const { page } = s;
    await page.route('**/api/conversations', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal error: boom', code: 'internal' }) }));
    await page.reload();
    await expect.poll(() => page.locator('#convs [role="alert"]').textContent()).toMatch(/^Er ging op de server iets mis; er is niets vastgelegd\..* Laad de pagina opnieuw\.$/);
    expect(await page.locator('#convs').textContent()).not.toMatch(/boom|internal/);
    expect(s.pageErrors).toEqual([]);
    await page.unroute('**/api/conversations');
  });

  it('a conversation that cannot be opened (an old link) says why instead of "Gesprek laden…" forever', async () => {
    const { page, f } = s;
    await page.evaluate((id) => { location.hash = `#gesprek=${id}`; }, f.ids.conversations.anna);
    await page.reload();
    await page.locator('#rows .msg').first().waitFor();
    await page.evaluate(() => { location.hash = '#gesprek=999999'; });
    await page.reload();
    await expect.poll(() => page.locator('#msgs .placeholder').textContent()).toBe('Dit gesprek kon niet worden geladen. Niet gevonden.');
    expect(await page.locator('#msgs .loading').count()).toBe(0);
    // Another conversation from the list still opens.
    await page.locator('.conv', { hasText: 'Mama' }).click();
    await expect.poll(() => page.locator('#conv-title').textContent()).toBe('Mama');
    expect(s.pageErrors).toEqual([]);
  });
});
