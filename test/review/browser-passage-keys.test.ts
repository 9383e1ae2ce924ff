import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOJI, MIXED, PRIVATE_SENTENCE } from './fixture.js';
import { openPageSession, type PageSession } from './page-session.js';

/**
 * Marking a passage without the mouse: with a message chosen (j / k), m (or the toolbar's "Passage…") opens a dialog in
 * which the reviewer picks sentences or character positions, sees the chosen text and picks the category. It must
 * send exactly what selecting the text with the mouse sends.
 */

let s: PageSession;
let page: Page;
const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;
const FIRST_SENTENCE = 'Dank, ik teken de nota vanmiddag.';
const dialog = () => page.getByRole('dialog', { name: 'Passage markeren' });
const passages = (messageId: number) =>
  s.f.store.db.prepare(`SELECT level, target_id AS targetId, span_start AS s, span_end AS e, category, status, evidence_json AS evidence FROM markings
    WHERE origin = 'manual' AND level = 'passage' AND target_id = ? ORDER BY id`).all(messageId) as { s: number; e: number; category: string; status: string; evidence: string }[];
/** The bodies of the page's POST /api/mark requests, in order. */
const markBodies: unknown[] = [];
const focusedTag = () => page.evaluate(() => document.activeElement?.tagName ?? null);

const cursorAt = () => page.evaluate(() => Number(document.querySelector('#rows .msg.cursor')?.getAttribute('data-index') ?? -1));

/** Goes to message i with j / k (keyboard only). */
async function cursorTo(i: number): Promise<void> {
  await page.locator('#msgs').focus();
  for (let n = 0; n < 20 && (await cursorAt()) !== i; n++) {
    const at = await cursorAt();
    await page.keyboard.press(at < i ? 'j' : 'k');
    await expect.poll(cursorAt).not.toBe(at);
  }
  expect(await cursorAt()).toBe(i);
}

/** A dialog's control by its label, focused with Tab only (the dialog keeps focus inside). */
async function tabTo(name: string): Promise<void> {
  for (let n = 0; n < 15; n++) {
    const label = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return a ? (a.getAttribute('aria-label') ?? (a as HTMLInputElement).labels?.[0]?.textContent ?? a.textContent ?? '') : '';
    });
    if (label === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`no control "${name}" in the dialog`);
}

async function typeInto(name: string, value: string): Promise<void> {
  await tabTo(name);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(value);
}

beforeAll(async () => {
  s = await openPageSession({ open: (x) => x.ids.conversations.anna });
  page = s.page;
  page.on('request', (r: Request) => { if (r.method() === 'POST' && r.url().endsWith('/api/mark')) markBodies.push(r.postDataJSON()); });
  await page.locator(`${rowSel(2)} .text`).waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: marking a passage from the keyboard', () => {
  it('m on a chosen message opens the dialog; it starts on the first sentence and shows it', async () => {
    await cursorTo(2);
    await page.keyboard.press('m');
    await dialog().waitFor();
    expect(await dialog().getAttribute('aria-modal')).toBe('true');
    expect(await dialog().getByRole('combobox', { name: 'Van zin', exact: true }).inputValue()).toBe('0');
    expect(await dialog().getByRole('combobox', { name: 'Tot en met zin', exact: true }).inputValue()).toBe('0');
    expect(await dialog().getByRole('spinbutton', { name: 'Begin (teken)', exact: true }).inputValue()).toBe('0');
    expect(await dialog().getByRole('spinbutton', { name: 'Einde (teken)', exact: true }).inputValue()).toBe(String(FIRST_SENTENCE.length));
    expect(await page.locator('.dialog .pas-preview').textContent()).toBe(FIRST_SENTENCE);
    expect(await dialog().getByRole('combobox', { name: 'Tot en met zin', exact: true }).locator('option').allTextContents()).toEqual([`1. ${FIRST_SENTENCE}`, '2. Trouwens, mijn dochter heeft morgen haar diploma-uitreiking…']);
  });

  it('keeps focus inside (Tab goes round), and Escape closes it without recording, focus back on the messages', async () => {
    const tags: (string | null)[] = [];
    for (let n = 0; n < 12; n++) { await page.keyboard.press('Tab'); tags.push(await page.evaluate(() => (document.activeElement?.closest('.dialog') ? 'in' : 'out'))); }
    expect(tags.every((t) => t === 'in')).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('.dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('msgs');
    expect(markBodies).toEqual([]);
    // The page's keys work again.
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('#rows .msg.cursor').getAttribute('data-index')).toBe('1');
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('#rows .msg.cursor').getAttribute('data-index')).toBe('2');
  });

  it('sends exactly what the mouse path sends for the same text and category', async () => {
    // The mouse path: select the first sentence, press z. Then undo it (u), so the same marking may be made again.
    await page.evaluate(([sel, n]) => {
      const node = document.querySelector(`${sel} .text`)!.firstChild as Text;
      const r = document.createRange();
      r.setStart(node, 0);
      r.setEnd(node, n);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(r);
    }, [rowSel(2), FIRST_SENTENCE.length] as const);
    await page.keyboard.press('z');
    await expect.poll(() => passages(s.f.ids.messages.mixed).length).toBe(1);
    await page.locator('#msgs').focus();
    await page.keyboard.press('u');
    await expect.poll(() => passages(s.f.ids.messages.mixed)[0]!.status).toBe('rejected');

    await cursorTo(2);
    await page.keyboard.press('m');
    await dialog().waitFor();
    await tabTo('Categorie');
    await page.keyboard.press('z'); // type-ahead in the closed select: zakelijk
    expect(await dialog().getByRole('combobox', { name: 'Categorie', exact: true }).inputValue()).toBe('zakelijk');
    await tabTo('Markeren');
    await page.keyboard.press('Enter');
    await expect.poll(() => passages(s.f.ids.messages.mixed).length).toBe(2);
    await expect.poll(() => markBodies.length).toBe(2);
    expect(markBodies[1]).toEqual(markBodies[0]);
    expect(markBodies[0]).toMatchObject({ level: 'passage', targetId: s.f.ids.messages.mixed, span: [0, FIRST_SENTENCE.length], category: 'zakelijk', reason: null });
    const [byMouse, byKeys] = passages(s.f.ids.messages.mixed);
    expect({ ...byKeys, status: undefined }).toEqual({ ...byMouse, status: undefined });
    expect(byKeys!.status).toBe('confirmed');
    expect(await page.locator('#toast').textContent()).toContain('Passage gemarkeerd als zakelijk.');
  });

  it('takes character positions, shows the chosen text, and records the toelichting', async () => {
    const start = MIXED.indexOf('dochter');
    await cursorTo(2);
    await page.keyboard.press('m');
    await dialog().waitFor();
    await typeInto('Begin (teken)', String(start));
    await typeInto('Einde (teken)', String(start + 'dochter'.length));
    await expect.poll(() => page.locator('.dialog .pas-preview').textContent()).toBe('dochter');
    await tabTo('Categorie');
    await page.keyboard.press('p');
    await tabTo('Toelichting (optioneel)');
    await page.keyboard.type('Familie');
    await page.keyboard.press('Enter');
    await expect.poll(() => passages(s.f.ids.messages.mixed).length).toBe(3);
    expect(passages(s.f.ids.messages.mixed)[2]).toMatchObject({ s: start, e: start + 7, category: 'privé', status: 'confirmed' });
    // (Playwright reports the request to this process after the server may have stored it: wait for the report)
    await expect.poll(() => markBodies.length).toBe(3);
    expect(markBodies[2]).toMatchObject({ span: [start, start + 7], category: 'privé', reason: 'Familie' });
    // (the page shows the new card once it has reloaded the conversation: wait for it, wherever it lands among the cards)
    await expect.poll(() => page.locator(`${rowSel(2)} .mk .row1 .st`).allTextContents()).toContain(`passage: "dochter" (tekens ${start}–${start + 7})`);
  });

  it('chooses sentences with the arrows, and refuses in Dutch what the server would refuse, recording nothing', async () => {
    // The emoji message: a span may not cut 👍🏽 (two surrogate pairs) in half.
    await cursorTo(5);
    await page.keyboard.press('m');
    await dialog().waitFor();
    expect(await page.locator('.dialog .pas-preview').textContent()).toBe(EMOJI);
    await typeInto('Begin (teken)', String(EMOJI.indexOf('👍') + 1));
    await tabTo('Markeren');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.dialog .err').textContent()).toBe(`Het begin (${EMOJI.indexOf('👍') + 1}) valt midden in een teken (bijvoorbeeld een emoji); kies een positie ervoor of erna.`);
    await typeInto('Begin (teken)', '20');
    await typeInto('Einde (teken)', '20');
    await tabTo('Markeren');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.dialog .err').textContent()).toBe('Het einde moet na het begin liggen.');
    await typeInto('Einde (teken)', String(EMOJI.length + 1));
    await tabTo('Markeren');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.dialog .err').textContent()).toBe(`Het einde ligt na de laatste positie van dit bericht (${EMOJI.length}).`);
    await typeInto('Einde (teken)', String(EMOJI.length));
    await expect.poll(() => page.locator('.dialog .pas-preview').textContent()).toBe(EMOJI.slice(20));
    await tabTo('Markeren');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.dialog .err').textContent()).toBe('Kies een categorie.');
    await page.keyboard.press('Escape');
    expect(markBodies).toHaveLength(3);

    // The sentences of the mixed message, from the keyboard: from 2 to 2.
    await cursorTo(2);
    await page.getByRole('button', { name: 'Passage…' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    expect(await focusedTag()).toBe('SELECT');
    await page.keyboard.press('ArrowDown');
    await tabTo('Tot en met zin');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('.dialog .pas-preview').textContent()).toBe(PRIVATE_SENTENCE);
    expect(await dialog().getByRole('spinbutton', { name: 'Begin (teken)', exact: true }).inputValue()).toBe(String(MIXED.indexOf(PRIVATE_SENTENCE)));
    await page.keyboard.press('Escape');
    expect(markBodies).toHaveLength(3);
    expect(s.pageErrors).toEqual([]);
  });

  it('the help (?) names the key', async () => {
    await page.locator('#msgs').focus();
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('.dialog .help-grid').textContent()).toContain('passage van het gekozen bericht markeren');
    await page.keyboard.press('Escape');
  });
});
