/**
 * One review page in headless Chromium on a fresh fixture, for browser tests: the server (no preview unless asked),
 * a page whose reviewer name is already stored, and the page errors it raised.
 */
import type { Page } from 'playwright-core';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { buildFixture, type Fixture } from './fixture.js';

export interface PageSession {
  f: Fixture;
  srv: ReviewServer;
  b: LaunchedBrowser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

/** `open`: the conversation to open first (by the page's #gesprek= address), chosen from the fixture. */
export async function openPageSession(opts: { open?: (f: Fixture) => number; prepare?: (f: Fixture) => void } = {}): Promise<PageSession> {
  const f = buildFixture();
  opts.prepare?.(f);
  const srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk', preview: null });
  const b = await launchBrowser();
  const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => localStorage.setItem('chatarchief.reviewer', 'Els Bakker'));
  await page.goto(opts.open ? `${srv.url}#gesprek=${opts.open(f)}` : srv.url);
  return {
    f, srv, b, page, pageErrors,
    async close() {
      await b.close();
      await srv.close();
      f.close();
    },
  };
}

/** Opens the conversation, goes to its first open suggestion with n and presses Backspace: the reason dialog is open. */
export async function rejectFirstOpen(page: Page, conversationTitle: string): Promise<void> {
  await page.locator('.conv', { hasText: conversationTitle }).click();
  await page.locator('#rows .msg .mk .st.open').first().waitFor();
  await page.locator('#msgs').focus();
  await page.keyboard.press('n');
  await page.locator('.mk.sel').waitFor();
  await page.keyboard.press('Backspace');
  await page.locator('.dialog').waitFor();
}
