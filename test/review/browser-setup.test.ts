import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';

describe('browser test setup', () => {
  let b: LaunchedBrowser;
  beforeAll(async () => { b = await launchBrowser(); });
  afterAll(async () => { await b?.close(); });

  it('renders a data: page in headless Chromium and writes a screenshot', async () => {
    const page = await b.newPage();
    await page.setContent('<h1 id="t">Hallo</h1>');
    expect(await page.textContent('#t')).toBe('Hallo');
    const file = await screenshot(page, 'browser-setup');
    expect(fs.statSync(file).size).toBeGreaterThan(100);
  });
});
