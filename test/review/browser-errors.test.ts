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
    await expect.poll(() => page.locator('#msgs .placeholder').textContent()).toBe('Dit gesprek kon niet worden geladen. Niet gevonden: dit bestaat niet in de opslag van deze bewindspersoon (een oude link?). Kies een gesprek uit de lijst.');
    expect(await page.locator('#msgs .loading').count()).toBe(0);
    // Another conversation from the list still opens.
    await page.locator('.conv', { hasText: 'Mama' }).click();
    await expect.poll(() => page.locator('#conv-title').textContent()).toBe('Mama');
    expect(s.pageErrors).toEqual([]);
  });

  it('a request that gets no answer says so in Dutch, whatever the browser calls it (QA: Safari showed "Load failed")', async () => {
    const { page } = s;
    // Safari rejects fetch with TypeError "Load failed", Firefox with "NetworkError when attempting to fetch resource."
    // (each init script wraps the fetch before it, so the latest message is the one thrown).
    for (const message of ['Load failed', 'NetworkError when attempting to fetch resource.']) {
      await page.addInitScript((m) => {
        const real = window.fetch;
        window.fetch = (input, init) => (String(input).endsWith('/api/conversations') ? Promise.reject(new TypeError(m)) : real(input, init));
      }, message);
      await page.reload();
      await expect.poll(() => page.locator('#convs [role="alert"]').textContent()).toBe('De server is niet bereikbaar. Draait chatarchief review nog? Laad de pagina opnieuw.');
      expect(await page.locator('#convs').textContent()).not.toContain(message);
    }
    expect(s.pageErrors).toEqual([]);
  });
});
