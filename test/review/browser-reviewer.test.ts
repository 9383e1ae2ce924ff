import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { buildFixture, type Fixture } from './fixture.js';

/**
 * `chatarchief review` listens on a new port each run, and localStorage is per origin (port included): the reviewer
 * name must survive a new port (QA: "asked for my name every session"), and stay changeable.
 */

let f: Fixture;
let b: LaunchedBrowser;
let page: Page;
const servers: ReviewServer[] = [];
const pageErrors: string[] = [];
/** Cookie headers the servers received on API requests (the page sends the name to no API). */
const apiCookies: string[] = [];

async function newServer(): Promise<ReviewServer> {
  const srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk', preview: null });
  srv.server.on('request', (req) => { if (req.url?.startsWith('/api/') && req.headers.cookie) apiCookies.push(req.headers.cookie); });
  servers.push(srv);
  return srv;
}

async function openWithoutDialog(srv: ReviewServer): Promise<void> {
  await page.goto(srv.url);
  await page.locator('.conv').first().waitFor();
  expect(await page.locator('.dialog').count()).toBe(0);
}

beforeAll(async () => {
  f = buildFixture();
  b = await launchBrowser();
  page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await b?.close();
  for (const s of servers) await s.close();
  f?.close();
});

describe('review page: the reviewer name across runs', () => {
  it('is remembered when the next run listens on another port, and can still be changed', async () => {
    const first = await newServer();
    await page.goto(first.url);
    const dlg = page.getByRole('dialog', { name: 'Wie beoordeelt?' });
    await dlg.waitFor();
    await page.keyboard.type('Els Bakker');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#reviewer-name')).toBe('Els Bakker');
    await first.close();

    const second = await newServer();
    expect(second.port).not.toBe(first.port);
    await openWithoutDialog(second);
    expect(await page.textContent('#reviewer-name')).toBe('Els Bakker');

    await page.locator('#reviewer-change').click();
    await dlg.waitFor();
    expect(await dlg.locator('input').inputValue()).toBe('Els Bakker');
    await dlg.locator('input').fill('Piet Jansen');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#reviewer-name')).toBe('Piet Jansen');
    await second.close();

    const third = await newServer();
    await openWithoutDialog(third);
    expect(await page.textContent('#reviewer-name')).toBe('Piet Jansen');
    expect(apiCookies).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a name another local page put in the cookie that the server would refuse is asked again', async () => {
    const srv = servers[servers.length - 1]!;
    await page.context().addCookies([{ name: 'chatarchief.reviewer', value: encodeURIComponent('Els\u200b Bakker'), url: `http://127.0.0.1:${srv.port}/` }]);
    await page.goto(srv.url);
    await page.getByRole('dialog', { name: 'Wie beoordeelt?' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
