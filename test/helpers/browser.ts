/**
 * Browser test setup shared by review and report tests: Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
 * Install with `apt-get install -y chromium` (`.ci/run` does this). Every launch uses a fresh temporary profile
 * (`chromium.launch` refuses an explicit `--user-data-dir` and creates a fresh temporary one itself, removed on close), and
 * every `newPage()` gets its own context (own cookies and localStorage). The flags keep Chromium from calling home.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHATARCHIEF_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Folder for screenshots and other test output (gitignored). */
export const ARTIFACT_DIR = path.resolve(process.cwd(), 'test-artifacts');

export interface LaunchedBrowser {
  browser: Browser;
  /** A fresh context (own storage) in the browser. */
  newPage(opts?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Closes the browser and removes the temporary profile. */
  close(): Promise<void>;
}

/** True when the Chromium binary exists, so suites can `describe.skipIf(!hasChromium())` with a clear reason. */
export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** Launches headless Chromium (fresh temporary profile, no background networking). */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!hasChromium()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with: apt-get install -y chromium`);
  }
  // Downloads go to a folder of our own, removed on close.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatarchief-chromium-'));
  let browser: Browser;
  try {
    // Playwright starts Chromium with a fresh `--user-data-dir=/tmp/playwright_chromiumdev_profile-*` and deletes it on close.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, downloadsPath: tmp });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG screenshot as `test-artifacts/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  const file = path.join(ARTIFACT_DIR, safe.endsWith('.png') ? safe : `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
