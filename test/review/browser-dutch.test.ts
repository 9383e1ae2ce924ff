import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, type PageSession } from './page-session.js';

/** Values the store keeps in English (who deleted a message) reach the reviewer in Dutch; empty states say what to do. */

let s: PageSession;
let page: Page;

beforeAll(async () => {
  s = await openPageSession({
    // A message the sender deleted for everyone, and one the bewindspersoon deleted, as the WhatsApp parser stores them.
    prepare: (f) => {
      const del = f.store.db.prepare("UPDATE messages SET kind = 'deleted', text = ?, deleted_by = ? WHERE id = ?");
      del.run('Dit bericht is verwijderd', 'sender', f.ids.messages.photo);
      del.run('U hebt dit bericht verwijderd', 'self', f.ids.messages.emoji);
    },
  });
  page = s.page;
  await page.locator('.conv').first().waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: deleted messages', () => {
  it('says who deleted a message in Dutch, as the findings report does (QA: "verwijderd door sender")', async () => {
    await page.locator('.conv', { hasText: 'Anna de Vries' }).click();
    const flags = (id: number) => page.locator(`#rows .msg[data-id="${id}"] .flags`).textContent();
    await expect.poll(() => flags(s.f.ids.messages.photo)).toBe('verwijderd door afzender');
    expect(await flags(s.f.ids.messages.emoji)).toBe('verwijderd door bewindspersoon');
    expect(await page.locator('#rows .flags').allTextContents()).not.toContainEqual(expect.stringMatching(/\b(sender|self)\b/));
    expect(s.pageErrors).toEqual([]);
  });
});

describe('review page: nothing to review yet', () => {
  it('a custodian without conversations is told to ingest first, not that a filter hides them', async () => {
    await page.route('**/api/conversations', (r) => r.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ conversations: [], totals: { open: 0, pending: 0, decided: 0, lapsed: 0, total: 0 }, textChanged: 0 }),
    }));
    await page.reload();
    await expect.poll(() => page.locator('#convs .empty').textContent()).toBe(
      'Er zijn nog geen gesprekken van deze bewindspersoon. Lees eerst exports in (chatarchief ingest) en laad daarna de pagina opnieuw.',
    );
    await page.unroute('**/api/conversations');
    await page.reload();
    await page.locator('#f-cat').selectOption('zakelijk');
    await page.locator('#f-open').check();
    await page.locator('#f-rule').selectOption('partij.rollen');
    await expect.poll(() => page.locator('#convs .empty').textContent()).toBe('Geen gesprekken voor dit filter.');
    await page.locator('#f-cat').selectOption('');
    await page.locator('#f-open').uncheck();
    await page.locator('#f-rule').selectOption('');
    expect(s.pageErrors).toEqual([]);
  });
});

describe('review page: a key with nothing chosen', () => {
  it('Enter and Backspace both say how to choose a suggestion', async () => {
    await page.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
    await page.locator('#rows .msg').first().waitFor();
    await page.locator('#msgs').focus();
    for (const key of ['Enter', 'Backspace']) {
      await page.keyboard.press(key);
      await expect.poll(() => page.locator('#toast .err').last().textContent()).toBe('Geen suggestie gekozen: kies een bericht met j/k of klik op een markering.');
    }
    expect(s.pageErrors).toEqual([]);
  });
});
