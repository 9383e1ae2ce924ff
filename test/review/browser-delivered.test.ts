import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageSession, type PageSession } from './page-session.js';

/**
 * Confirming a suggestion on a message that an earlier geschoonde set delivered: the page warns that the archive may
 * hold it shown (package name only), beside the usual confirmation. The delivery is written into the ledger directly.
 */

let s: PageSession;
let page: Page;

beforeAll(async () => {
  s = await openPageSession({
    prepare: (f) => {
      const db = f.store.db;
      const exportId = db
        .prepare(`INSERT INTO exports (custodian_id, set_kind, period_from, period_to, out_path, package_sha256, allow_unreviewed, created_at)
                  VALUES ('minister-bzk', 'geschoond', '2024-01-01', '2024-12-31', '/archief/minister-bzk_2024-01-01_2024-12-31_levering-1_geschoond', 'ab', 1, '2025-01-02T10:00:00Z')`)
        .run().lastInsertRowid;
      const ledger = db.prepare("INSERT INTO export_ledger (custodian_id, set_kind, object_id, content_hash, export_id) VALUES ('minister-bzk', 'geschoond', ?, 'cd', ?)");
      for (const id of db.prepare('SELECT id FROM messages').pluck().all() as number[]) ledger.run(`message:${id}`, exportId);
    },
  });
  page = s.page;
  await page.locator('.conv').first().waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: a decision on a delivered message', () => {
  it('confirming a partijpolitiek suggestion warns, naming the package that delivered it', async () => {
    await page.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
    await page.locator('#rows .msg .mk .st.open').first().waitFor();
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await page.locator('.mk.sel').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#toast .warn').last().textContent()).toBe(
      'Let op: dit bericht is al geleverd in een geschoonde set (minister-bzk_2024-01-01_2024-12-31_levering-1_geschoond). Toonde die levering de inhoud, ' +
        'vraag het archief dan die levering te vervangen of in te trekken; de volgende export noemt ze.',
    );
    expect(await page.locator('#toast div').first().textContent()).toMatch(/^Vastgelegd: /);
    expect(s.pageErrors).toEqual([]);
  });
});
