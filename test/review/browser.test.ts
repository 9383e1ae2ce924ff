import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { verifyAudit } from '../../src/review/verify.js';
import { updateCustodian } from '../../src/store/custodians.js';
import { launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';
import { buildFixture, EMOJI, PRIVATE_SENTENCE, row, XSS, type Fixture } from './fixture.js';

let f: Fixture;
let srv: ReviewServer;
let b: LaunchedBrowser;
let page: Page;
const dialogs: string[] = [];
const foreignRequests: string[] = [];
const pageErrors: string[] = [];

const marking = (id: number) => row<{ status: string; category: string }>(f, 'SELECT status, category FROM markings WHERE id = ?', id);
const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;

async function waitForStatus(id: number, status: string): Promise<void> {
  await expect.poll(() => marking(id).status, { timeout: 5000 }).toBe(status);
}

beforeAll(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk' });
  b = await launchBrowser();
  page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss(); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Refused API calls (e.g. a 409 for a proposer confirming twice) are expected answers, not page errors.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${srv.port}/`) && !r.url().startsWith('data:')) foreignRequests.push(r.url()); });
});
afterAll(async () => {
  await b?.close();
  await srv?.close();
  f?.close();
});

describe('review page in Chromium', () => {
  it('asks the reviewer name once and keeps it', async () => {
    await page.goto(srv.url);
    await page.getByRole('dialog', { name: 'Wie beoordeelt?' }).waitFor();
    await page.keyboard.type('Els Bakker');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#reviewer-name')).toBe('Els Bakker');
    await page.reload();
    await page.locator('.conv').first().waitFor();
    expect(await page.locator('.dialog').count()).toBe(0);
    expect(await page.textContent('#reviewer-name')).toBe('Els Bakker');
  });

  it('lists conversations with progress and filters them', async () => {
    expect(await page.locator('.conv').count()).toBe(3);
    await page.selectOption('#f-cat', 'partijpolitiek');
    expect(await page.locator('.conv .title').allTextContents()).toEqual(['Partijbestuur overleg']);
    await page.selectOption('#f-cat', '');
    await page.selectOption('#f-rule', 'prive.familie');
    expect(await page.locator('.conv .title').allTextContents()).toEqual(['Anna de Vries']);
    await page.selectOption('#f-rule', '');
    expect(await page.locator('#overall').textContent()).toMatch(/8 open · 0 wacht op 2e beoordelaar · 0 van 8 besloten/);
  });

  it('shows the XSS message as text and runs nothing', async () => {
    await page.locator('.conv', { hasText: 'Anna de Vries' }).click();
    await page.locator(rowSel(3)).waitFor();
    expect(await page.locator(`${rowSel(3)} .text`).textContent()).toBe(XSS);
    expect(await page.locator('#msgs img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows time, sender, system events, attachments and the reason beside each suggestion', async () => {
    expect(await page.locator(`${rowSel(0)}`).getAttribute('class')).toMatch(/system/);
    // The event in Dutch, not its id (QA: "gebeurtenis: encryption-notice").
    expect(await page.locator(rowSel(0)).textContent()).toContain('gebeurtenis: melding over versleuteling');
    expect(await page.locator(rowSel(0)).textContent()).not.toContain('encryption-notice');
    expect(await page.locator(`${rowSel(1)} .sender`).textContent()).toBe('Anna de Vries');
    expect(await page.locator(`${rowSel(4)} .att`).textContent()).toMatch(/IMG-20240311-WA0001\.jpg · 47 kB · image\/jpeg/);
    expect(await page.locator(`${rowSel(2)} .mk .why`).textContent()).toBe('Regel prive.familie "dochter"');
    expect(await page.locator(`${rowSel(2)} mark.pas`).textContent()).toBe(PRIVATE_SENTENCE);
  });

  it('confirms a suggestion with the keyboard (n, Enter) and the database changes', async () => {
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('2');
    await page.keyboard.press('Enter');
    await waitForStatus(f.ids.markings.passage, 'confirmed');
    await expect.poll(() => page.locator(`${rowSel(2)} .mk .st.decided`).textContent()).toBe('bevestigd');
    const d = row<{ reviewer: string; action: string }>(f, 'SELECT reviewer, action FROM decisions WHERE marking_id = ?', f.ids.markings.passage);
    expect(d).toEqual({ reviewer: 'Els Bakker', action: 'confirm' });
  });

  it('rejects with Backspace after asking a reason', async () => {
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('3');
    await page.keyboard.press('Backspace');
    await page.getByRole('dialog', { name: 'Reden voor verwerpen' }).waitFor();
    await page.keyboard.type('Opmaakfout; zakelijk bericht van de SG');
    await page.keyboard.press('Enter');
    await waitForStatus(f.ids.markings.xssBusiness, 'rejected');
    expect(row(f, 'SELECT reason FROM decisions WHERE marking_id = ?', f.ids.markings.xssBusiness)).toEqual({ reason: 'Opmaakfout; zakelijk bericht van de SG' });
  });

  it('marks a passage by selecting text after an emoji (UTF-16 offsets) and undoes with u', async () => {
    const word = 'Kamerdebat';
    await page.evaluate(([sel, w]) => {
      const node = document.querySelector(sel)!.firstChild as Text;
      const at = node.data.indexOf(w);
      const r = document.createRange();
      r.setStart(node, at);
      r.setEnd(node, at + w.length);
      const s = window.getSelection()!;
      s.removeAllRanges();
      s.addRange(r);
    }, [`${rowSel(5)} .text`, word] as const);
    await page.keyboard.press('p');
    const start = EMOJI.indexOf(word);
    expect([...EMOJI].join('').indexOf(word)).toBe(start);
    expect(Array.from(EMOJI.slice(0, start)).length).toBeLessThan(start); // the emoji takes more UTF-16 units than characters
    let m: { id: number; span_start: number; span_end: number; category: string; status: string; origin: string } | undefined;
    await expect.poll(() => {
      m = row(f, `SELECT id, span_start, span_end, category, status, origin FROM markings WHERE origin = 'manual' AND target_id = ?`, f.ids.messages.emoji);
      return m?.status;
    }).toBe('confirmed');
    expect(m).toMatchObject({ span_start: start, span_end: start + word.length, category: 'privé', origin: 'manual' });
    expect(EMOJI.slice(m!.span_start, m!.span_end)).toBe(word);
    await expect.poll(() => page.locator(`${rowSel(5)} mark.pas`).textContent()).toBe(word);
    await page.keyboard.press('u');
    await waitForStatus(m!.id, 'rejected');
    await expect.poll(() => page.locator(`${rowSel(5)} mark.pas`).count()).toBe(0);
  });

  it('marks a whole message with Shift+z and changes a category with s', async () => {
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('2');
    await page.locator(rowSel(1)).click();
    await page.keyboard.press('Shift+Z');
    await expect.poll(() => row(f, `SELECT category, status FROM markings WHERE origin = 'manual' AND level = 'message' AND target_id = ?`, f.ids.messages.annaNota)).toEqual({ category: 'zakelijk', status: 'confirmed' });
    // The same marking again is refused, in Dutch (QA: the server's English 'already has this marking' was shown).
    await page.locator(rowSel(1)).click();
    await page.keyboard.press('Shift+Z');
    await expect.poll(() => page.locator('#toast .err').last().textContent()).toMatch(/^Hier staat al precies deze markering/);
    expect(await page.locator('#toast').textContent()).not.toMatch(/already|undo that one/);
  });

  it('"voorbeeld geschoonde set" shows the conversation as the export renders it', async () => {
    await page.keyboard.press('v');
    await page.locator('#preview-note:not([hidden])').waitFor();
    await expect.poll(() => page.locator(`${rowSel(2)} .redacted`).textContent()).toMatch(/^\[passage afgeschermd: privé · M-\d+\]$/);
    const all = await page.locator('#msgs').textContent();
    expect(all).not.toContain(PRIVATE_SENTENCE);
    expect(all).toContain(XSS);
    await screenshot(page, 'review-preview');
    await page.keyboard.press('v');
    await page.locator('#preview-note[hidden]').waitFor({ state: 'attached' });
    await page.locator(`${rowSel(2)} mark.pas`).waitFor();
  });

  it('keeps the audit chain intact, loads nothing from outside and saves a screenshot', async () => {
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
    await page.locator(rowSel(2)).click();
    await page.mouse.move(0, 0);
    const file = await screenshot(page, 'review-page');
    expect(file).toMatch(/test-artifacts\/review-page\.png$/);
    expect(foreignRequests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('marks a contact from the toolbar and shows a marking\'s full history', async () => {
    await page.selectOption('#mark-contact', `${f.ids.contacts.anna}|zakelijk`);
    await page.getByRole('dialog', { name: /Contact Anna de Vries markeren als zakelijk/ }).waitFor();
    await page.keyboard.type('Secretaris-generaal, zakelijk contact');
    await page.keyboard.press('Enter');
    await expect.poll(() => row(f, `SELECT level, category, status FROM markings WHERE origin = 'manual' AND level = 'contact' AND target_id = ?`, f.ids.contacts.anna))
      .toEqual({ level: 'contact', category: 'zakelijk', status: 'confirmed' });
    await page.locator(`${rowSel(2)} .mk`).first().click();
    await page.locator(`${rowSel(2)} .mk.sel button`, { hasText: 'Geschiedenis' }).click();
    const dlg = page.getByRole('dialog', { name: /Geschiedenis van M-/ });
    await dlg.waitFor();
    expect(await dlg.locator('.history li').first().textContent()).toMatch(/^B-\d+ bevestigd \(privé\) door Els Bakker/);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
  });

  it('shows a decision whose suggestion disappeared after a rule change', async () => {
    // What the rule engine does when a decided suggestion no longer fires (src/store/markings.ts).
    f.store.db.prepare('UPDATE markings SET active = 0 WHERE id = ?').run(f.ids.markings.passage);
    await page.reload();
    await page.locator(`${rowSel(2)} .mk`).first().waitFor();
    expect(await page.locator(`${rowSel(2)} .mk .st.gone`).textContent()).toBe('suggestie vervallen');
    expect(await page.locator(`${rowSel(2)} .mk .st.decided`).textContent()).toBe('bevestigd');
    expect(marking(f.ids.markings.passage).status).toBe('confirmed');
  });

  it('four-eyes: a proposal awaits a second reviewer, who confirms it in another browser', async () => {
    updateCustodian(f.store.db, 'minister-bzk', { secondReviewer: true });
    await page.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
    await page.locator(rowSel(0)).waitFor();
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.msg.cursor').getAttribute('data-index')).toBe('0');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`${rowSel(0)} .mk .st.pending`).textContent()).toBe('wacht op 2e beoordelaar');
    expect(await page.locator(`${rowSel(0)} .mk .dec`).textContent()).toMatch(/Voorgesteld door Els Bakker: bevestigd \(partijpolitiek\)\. Wacht op een tweede beoordelaar\./);
    expect(marking(f.ids.markings.partij1).status).toBe('suggested');
    // The proposer pressing Enter again is refused.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#toast').textContent()).toMatch(/wacht op een tweede beoordelaar/);
    const other = await b.newPage({ viewport: { width: 1440, height: 900 } });
    other.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await other.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Piet Jansen'));
    await other.goto(`${srv.url}#gesprek=${f.ids.conversations.partij}`);
    await other.locator(rowSel(0)).waitFor();
    await other.locator('#msgs').focus();
    await other.keyboard.press('n');
    await expect.poll(() => other.locator('.msg.cursor').getAttribute('data-index')).toBe('0');
    await other.keyboard.press('Enter');
    await waitForStatus(f.ids.markings.partij1, 'confirmed');
    await expect.poll(() => other.locator(`${rowSel(0)} .mk .st.decided`).textContent()).toBe('bevestigd');
    expect(f.store.db.prepare('SELECT action, reviewer FROM decisions WHERE marking_id = ? ORDER BY id').all(f.ids.markings.partij1))
      .toEqual([{ action: 'confirm', reviewer: 'Els Bakker' }, { action: 'second-confirm', reviewer: 'Piet Jansen' }]);
    expect(verifyAudit(f.store.db).ok).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
