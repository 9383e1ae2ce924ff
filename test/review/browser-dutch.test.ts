import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, type PageSession } from './page-session.js';

/** Values the store keeps in English (who deleted a message) reach the reviewer in Dutch. */

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
