import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './api-client.js';
import { row } from './fixture.js';
import { openPageSession, type PageSession } from './page-session.js';

/** Marking cards from the keyboard: every marking, decided or not, on a message or above the conversation. */

let s: PageSession;
let page: Page;
let manual: number;
const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;
/** The marking id of the card that has focus (or holds the focused button), or null. */
const focusedCard = () => page.evaluate(() => {
  const c = document.activeElement?.closest('.mk') as HTMLElement | null;
  return c ? Number(c.dataset.mid) : null;
});
const marking = (id: number) => row<{ status: string; category: string }>(s.f, 'SELECT status, category FROM markings WHERE id = ?', id);
const lastAction = (id: number) => row<{ action: string }>(s.f, 'SELECT action FROM decisions WHERE marking_id = ? ORDER BY id DESC LIMIT 1', id).action;

beforeAll(async () => {
  s = await openPageSession();
  page = s.page;
  await page.locator('.conv').first().waitFor();
  const api = apiClient(s.srv);
  // A second marking on the mixed message, decided (a manual one by this reviewer), and the contact marking of Anna
  // (above the conversation) decided by a colleague: before the fix neither could be reached without the mouse.
  const m = await api('/api/mark', { level: 'message', targetId: s.f.ids.messages.mixed, span: null, category: 'zakelijk', reviewer: 'Els Bakker', reason: null });
  expect(m.status).toBe(200);
  manual = m.json.markingId;
  const contact = s.f.ids.markings.annaContact;
  const d = await api('/api/decide', { markingIds: [contact], action: 'confirm', reviewer: 'Piet Jansen', lastDecisionIds: { [contact]: null } });
  expect(d.status).toBe(200);
});
afterAll(async () => { await s?.close(); });

describe('review page: marking cards from the keyboard (QA: decided markings only reachable with the mouse)', () => {
  it('each group of cards is one tab stop; the focused card is the chosen one, with a visible focus ring', async () => {
    await page.locator('.conv', { hasText: 'Anna de Vries' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`${rowSel(2)} .mk`).count()).toBe(2);
    expect(await page.locator('#head-marks .mk[tabindex="0"]').count()).toBe(1);
    expect(await page.locator('#rows .mk[tabindex="0"]').count()).toBe(1);
    // Shift+Tab from the first toolbar button (the preview toggle is off without a preview): the (decided) contact
    // marking above the conversation.
    await page.locator('#next-open').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await focusedCard()).toBe(s.f.ids.markings.annaContact);
    expect(await page.locator(`#head-marks .mk[data-mid="${s.f.ids.markings.annaContact}"]`).getAttribute('class')).toMatch(/\bsel\b/);
    const ring = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement;
      return { visible: e.matches(':focus-visible'), width: parseFloat(getComputedStyle(e).outlineWidth), style: getComputedStyle(e).outlineStyle };
    });
    expect(ring).toEqual({ visible: true, width: 3, style: 'solid' });
    expect(s.pageErrors).toEqual([]);
  });

  it('changes a decided contact marking with a letter key, and focus stays on its card', async () => {
    await page.keyboard.press('p');
    await page.getByRole('dialog', { name: 'Reden voor wijziging naar privé' }).waitFor();
    await page.keyboard.type('Familielid, geen zakelijk contact');
    await page.keyboard.press('Enter');
    await expect.poll(() => marking(s.f.ids.markings.annaContact).category).toBe('privé');
    await expect.poll(focusedCard).toBe(s.f.ids.markings.annaContact);
  });

  it('reaches the second (decided) marking of a message with the arrows, rejects it, undoes that and confirms the first', async () => {
    // The message's cards: the manual (decided) one, then the open passage suggestion, which j / k would choose.
    expect(await page.locator(`${rowSel(2)} .mk`).evaluateAll((cs) => cs.map((c) => Number((c as HTMLElement).dataset.mid)))).toEqual([manual, s.f.ids.markings.passage]);
    await page.locator('#mark-contact').focus();
    await page.keyboard.press('Tab');
    expect(await focusedCard()).toBe(manual);
    await page.keyboard.press('ArrowDown');
    expect(await focusedCard()).toBe(s.f.ids.markings.passage);
    await page.keyboard.press('ArrowUp');
    expect(await focusedCard()).toBe(manual);
    await expect.poll(() => page.locator(`${rowSel(2)} .mk.sel`).getAttribute('data-mid')).toBe(String(manual));
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('2');
    expect(await page.locator('#rows .mk[tabindex="0"]').getAttribute('data-mid')).toBe(String(manual));

    await page.keyboard.press('Backspace');
    await page.getByRole('dialog', { name: 'Reden voor verwerpen' }).waitFor();
    await page.keyboard.type('Toch niet zakelijk');
    await page.keyboard.press('Enter');
    await expect.poll(() => marking(manual).status).toBe('rejected');
    // The redrawn row keeps focus on a card: the one chosen next (the open passage of the same message).
    await expect.poll(focusedCard).toBe(s.f.ids.markings.passage);

    // Undo with the card's own button, reached with Tab.
    await page.keyboard.press('ArrowUp');
    expect(await focusedCard()).toBe(manual);
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.textContent)) !== '↶ Ongedaan'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('↶ Ongedaan');
    await page.keyboard.press('Enter');
    await expect.poll(() => lastAction(manual)).toBe('undo');
    expect(marking(manual).status).not.toBe('rejected');
    await expect.poll(focusedCard).toBe(manual);

    await page.keyboard.press('ArrowDown');
    expect(await focusedCard()).toBe(s.f.ids.markings.passage);
    await page.keyboard.press('Enter');
    await expect.poll(() => marking(s.f.ids.markings.passage).status).toBe('confirmed');
    expect(s.pageErrors).toEqual([]);
  });

  it('the help (?) names the keys on markings', async () => {
    await page.locator('#msgs').focus();
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('.dialog .help-grid').textContent()).toContain('↑ / ↓ op een markering');
    await page.keyboard.press('Escape');
  });
});
