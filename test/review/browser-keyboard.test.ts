import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, rejectFirstOpen, type PageSession } from './page-session.js';

/** Working through the review page without the mouse. */

let s: PageSession;
let page: Page;
const focused = () => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  return e?.classList.contains('conv') ? `conv:${e.querySelector('.title')!.textContent}` : `${e?.tagName}#${e?.id}`;
});

/** The focused element's outline colour and the background it sits on, as 'r,g,b' strings. */
const focusRing = () => page.evaluate(() => {
  const e = document.activeElement as HTMLElement;
  const rgb = (c: string) => c.match(/\d+(\.\d+)?/g)!.slice(0, 3).join(',');
  let bg: HTMLElement | null = e.parentElement;
  while (bg && /rgba\(0, 0, 0, 0\)|transparent/.test(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
  const style = getComputedStyle(e);
  return { ring: rgb(style.outlineColor), width: parseFloat(style.outlineWidth), around: rgb(getComputedStyle(bg ?? document.body).backgroundColor) };
});

/** WCAG contrast ratio of two 'r,g,b' colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.split(',').map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

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

  it('focus and selection rings stand out at least 3:1 from their background (QA: yellow ring on white, 1.8:1)', async () => {
    const seen: string[] = [];
    const check = async (what: string) => {
      const r = await focusRing();
      expect(r.width, what).toBeGreaterThanOrEqual(2);
      seen.push(`${what} ${contrast(r.ring, r.around).toFixed(2)}`);
      expect(contrast(r.ring, r.around), `${what}: ring ${r.ring} on ${r.around}`).toBeGreaterThanOrEqual(3);
    };
    await page.locator('#f-open').focus();
    await page.keyboard.press('Tab');
    await check('conversation in the list');
    await page.locator('#f-cat').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement!.id)).toBe('reviewer-change');
    await check('button in the blue header');
    await page.locator('#next-open').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    await check('toolbar button');
    // The chosen suggestion: its outermost ring against the white card column.
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await page.locator('.mk.sel').first().waitFor();
    const shadow = await page.locator('.mk.sel').first().evaluate((e) => getComputedStyle(e).boxShadow);
    const rings = shadow.match(/rgba?\([^)]*\)/g)!.map((c) => c.match(/\d+/g)!.slice(0, 3).join(','));
    expect(contrast(rings[rings.length - 1]!, '255,255,255'), `selected marking ring ${shadow}`).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(3);
  });

  it('Tab stays inside an open dialog, and the page behind cannot be reached (QA: Tab left the reason dialog)', async () => {
    await rejectFirstOpen(page, 'Partijbestuur overleg');
    const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('.dialog'));
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press(key);
        expect(await inDialog(), `${key} ${i + 1}`).toBe(true);
      }
    }
    expect(await page.evaluate(() => (document.querySelector('body > main') as HTMLElement).inert)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.dialog').count()).toBe(0);
    expect(await page.evaluate(() => (document.querySelector('body > main') as HTMLElement).inert)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('msgs');
  });

  it('the help (?) names the list keys', async () => {
    await page.locator('#msgs').focus();
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('.dialog .help-grid').textContent()).toContain('vorig / volgend gesprek in de lijst');
    await page.keyboard.press('Escape');
  });
});

describe('review page: toolbar menus from the keyboard', () => {
  const titles = () => page.locator('.dialog h2').allTextContents();

  it('arrows only move the choice in "Wijzig naar…", "hele gesprek als…" and "contact als…"; Enter acts (QA: the first arrow opened the first option\'s dialog)', async () => {
    await page.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
    await page.locator('#rows .msg').first().waitFor();
    await page.locator('#bulk-cat').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(300);
    expect(await titles()).toEqual([]);
    expect(await page.locator('#bulk-cat').inputValue()).toBe('privé');
    await page.keyboard.press('Enter');
    await expect.poll(titles).toEqual(['Bulkactie: wijzigen naar privé']);
    await page.keyboard.press('Escape');
    await expect.poll(titles).toEqual([]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('bulk-cat');
    expect(await page.locator('#bulk-cat').inputValue()).toBe('');

    await page.locator('#mark-conv').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(300);
    expect(await titles()).toEqual([]);
    await page.keyboard.press('Enter');
    await expect.poll(titles).toEqual(['Hele gesprek markeren als partijpolitiek']);
    await page.keyboard.press('Escape');

    // A choice moved to with the arrows and left without Enter is dropped, not acted on.
    await page.locator('#mark-contact').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    expect(await titles()).toEqual([]);
    expect(await page.locator('#mark-contact').inputValue()).toBe('');
    expect(s.f.store.db.prepare(`SELECT COUNT(*) AS n FROM markings WHERE origin = 'manual'`).get()).toEqual({ n: 0 });
    expect(s.pageErrors).toEqual([]);
  });

  it('a pick with the mouse still acts at once', async () => {
    await page.selectOption('#mark-conv', 'zakelijk');
    await expect.poll(titles).toEqual(['Hele gesprek markeren als zakelijk']);
    await page.keyboard.press('Escape');
  });
});
