/**
 * The HTML rapport in headless Chromium: self-contained (no request leaves the page), timelines as inline SVG with the
 * gaps the report describes, findings per custodian, everything escaped, printable; a screenshot is saved in
 * test-artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_DIR, hasChromium, launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { buildRapportDb, type RapportDb } from './rapport-db.js';

const FIX = path.resolve(import.meta.dirname, 'fixtures');
const XSS_NAME = `N. <img src=x onerror="document.title='pwned'">`;
const XSS_NOTE = `<script>document.title='pwned'</script> in het account van LNV`;
let r: RapportDb;
let html: string;
let file: string;
let browser: LaunchedBrowser | undefined;

/** Copies a fixture export and gives it the time of its read-out, as a real export file has. */
function exportAt(dir: string, name: string, at: string): string {
  const src = path.join(FIX, dir);
  const dst = path.join(r.dir, 'fixture-exports', dir);
  fs.mkdirSync(dst, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    fs.copyFileSync(path.join(src, f), path.join(dst, f));
    const t = DateTime.fromISO(at, { zone: 'Europe/Amsterdam' }).toJSDate();
    fs.utimesSync(path.join(dst, f), t, t);
  }
  return dst;
}

beforeAll(async () => {
  r = await buildRapportDb();
  const cli = async (args: string[]) => {
    const out = await runCli([...args, '--db', r.db]);
    if (out.code !== 0) throw new Error(`${args.join(' ')}: ${out.stderr}`);
    return out;
  };
  await cli(['custodian', 'add', '--id', 'min-ns', '--name', XSS_NAME, '--function', 'Minister voor Natuur en Stikstof', '--department', 'EZK-LNV', '--from', '2022-01-10', '--to', '2024-07-07']);
  await cli(['ingest', exportAt('nl-1', 'a', '2024-04-02T10:00'), '--custodian', 'min-ns', '--operator', 'LNV-operator', '--device', 'Samsung A54', '--read-out', '2024-04-02T10:00']);
  await cli(['ingest', exportAt('nl-2', 'b', '2024-05-02T12:00'), '--custodian', 'min-ns', '--operator', 'LNV-operator', '--device', 'Samsung A54', '--read-out', '2024-05-02T12:00']);
  await cli(['ingest', exportAt('en', 'c', '2024-10-28T10:00'), '--custodian', 'min-ns', '--operator', 'LNV-operator', '--device', 'Samsung A54', '--read-out', '2024-10-28T10:00']);
  await cli(['record', '--custodian', 'min-ns', '--channel', 'email', '--from', '2022-01-10', '--to', '2024-07-02', '--note', XSS_NOTE]);
  file = path.join(r.dir, 'out', 'rapport.html');
  const out = await cli(['report', 'coverage', '--as-of', '2024-11-01', '--format', 'html', '--out', file]);
  expect(out.stdout).toBe('');
  html = fs.readFileSync(file, 'utf8');
  if (hasChromium()) browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('HTML rapport', () => {
  it('is one self-contained Dutch page: no scripts, no outside references, a CSP that forbids loading anything', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="nl">')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<iframe|src=["']?https?:|url\(\s*["']?https?:|@import/i);
    // The only URL in it is the SVG namespace.
    expect([...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0])).toEqual(expect.arrayContaining(['http://www.w3.org/2000/svg']));
    expect(new Set([...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain('Veiligstelling chats, e-mail en sociale media');
  });

  it('escapes every value from the store', () => {
    expect(html).not.toContain(XSS_NAME);
    expect(html).toContain('N. &lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;');
    expect(html).toContain('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; in het account van LNV');
  });

  describe.skipIf(!hasChromium())('in headless Chromium', () => {
    it('renders the timelines, gaps, ticks and findings, loads nothing from outside, runs nothing, and prints', async () => {
      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      const url = `file://${file}`;
      await page.goto(url);
      expect(requests).toEqual([url]);
      expect(dialogs).toEqual([]);
      expect(await page.title()).toBe('Rapport veiligstelling zakelijke informatie bewindspersonen');
      expect(await page.locator('script, img, iframe').count()).toBe(0);
      expect(await page.locator('#bwp-min-ns h3').innerText()).toContain(`Minister voor Natuur en Stikstof — ${XSS_NAME}`);

      // One timeline per custodian, drawn at a real size.
      expect(await page.locator('svg.timeline').count()).toBe(8);
      const box = await page.locator('#bwp-mp-az svg.timeline').boundingBox();
      expect(box!.width).toBeGreaterThan(900);
      // A tick per veiligstelling.
      expect(await page.locator('#bwp-mp-az line.tick').count()).toBe(r.readouts['mp-az']);
      // The gaps of the report, in red, with their dates and reasons.
      const gapTitles = async (id: string) => page.locator(`#bwp-${id} rect.gap title`).allTextContents();
      expect(await gapTitles('mp-az')).toEqual([]);
      expect(await gapTitles('min-jenv')).toEqual(['Chat (WhatsApp): hiaat 1 januari 2024 t/m 7 juli 2024 (189 dagen)']);
      expect(await gapTitles('min-lnv-1')).toEqual(['Chat (WhatsApp): hiaat 10 januari 2022 t/m 6 september 2022 (240 dagen) — Technisch probleem; veiligstelling niet mogelijk.']);
      const fill = await page.locator('#bwp-min-jenv rect.gap').first().getAttribute('fill');
      expect(fill).toBe('#c62828');
      // The minister whose chats only start on 1 March 2024 (the export history begins there).
      // Nobody recorded its social media: once any custodian has that channel, every custodian is assessed on it.
      expect(await gapTitles('min-ns')).toEqual([
        'Chat (WhatsApp): hiaat 10 januari 2022 t/m 29 februari 2024 (781 dagen)', // 1 March, the first message's day, is secured
        'Sociale media: hiaat 10 januari 2022 t/m 7 juli 2024 (910 dagen)',
      ]);
      // E-mail recorded t/m 2 July for a term to 7 July: a short stretch, drawn amber, not a gap.
      expect(await page.locator('#bwp-min-ns rect.short-gap title').allTextContents()).toContain('E-mail: kort hiaat 3 juli 2024 t/m 7 juli 2024 (5 d)');
      // Findings of that minister, on the timeline and in a table.
      expect(await page.locator('#bwp-min-ns circle.finding').count()).toBeGreaterThan(3);
      const findings = await page.locator('#bwp-min-ns table.findings tbody tr').allInnerTexts();
      expect(findings.some((t) => t.includes('Verdwijnende berichten aangezet') && t.includes('Chef de cabinet'))).toBe(true);
      expect(findings.some((t) => t.includes('Ontbreekt in latere export'))).toBe(true);
      expect(await page.locator('#bwp-mp-az table.findings').count()).toBe(0);
      // Overdue badge in the coverage table, and the status tables of every department.
      const jenvRow = await page.locator('table.coverage tr', { hasText: 'Minister van Justitie en Veiligheid' }).innerText();
      expect(jenvRow).toMatch(/ja, 189 dagen/);
      expect(await page.locator('#departementen .dept').count()).toBe(6);
      expect(await page.locator('#departementen .dept', { hasText: 'JenV' }).locator('tr[data-key="frequentie"] .badge').innerText()).toBe('Nee');

      const png = await screenshot(page, 'report-rapport');
      expect(fs.statSync(png).size).toBeGreaterThan(50_000);
      // Two readable close-ups beside the full page: the coverage table, and the timeline of the JenV minister.
      await page.screenshot({ path: path.join(ARTIFACT_DIR, 'report-rapport-tabel.png') });
      await page.locator('#bwp-min-jenv').screenshot({ path: path.join(ARTIFACT_DIR, 'report-rapport-jenv.png') });
      // Printable: the print stylesheet applies and Chromium makes a PDF of it.
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(requests).toEqual([url]);
    });
  });
});
