import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, row } from './fixture.js';
import { openPageSession, type PageSession } from './page-session.js';

/**
 * A toelichting (the reason of `review decide|mark --reason`) for decisions made on the page that otherwise ask for
 * none: confirming a suggestion and marking a message. With "toelichting vragen" on, the page asks for it (optional);
 * it is stored exactly where the CLI stores its --reason.
 */

let s: PageSession;
let page: Page;
const toelichting = () => page.getByRole('textbox', { name: 'Toelichting (optioneel)' });
const decisionsOf = (markingId: number) =>
  s.f.store.db.prepare('SELECT action, category, reviewer, reason FROM decisions WHERE marking_id = ? ORDER BY id').all(markingId) as { action: string; category: string; reviewer: string; reason: string | null }[];
/** The audit entry of the marking's latest decision: what it says about the reason. */
const auditReason = (markingId: number) => {
  const seq = row<{ s: number }>(s.f, 'SELECT audit_seq AS s FROM decisions WHERE marking_id = ? ORDER BY id DESC LIMIT 1', markingId).s;
  const p = JSON.parse(row<{ p: string }>(s.f, 'SELECT payload_json AS p FROM audit_log WHERE seq = ?', seq).p) as Record<string, unknown>;
  return { hasKey: 'reason' in p, reason: p.reason };
};
const manualOn = (messageId: number) =>
  s.f.store.db.prepare(`SELECT id, evidence_json AS evidence FROM markings WHERE origin = 'manual' AND level = 'message' AND target_id = ? ORDER BY id`).all(messageId) as { id: number; evidence: string }[];

beforeAll(async () => {
  s = await openPageSession();
  page = s.page;
  await page.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
  await page.locator('#rows .msg .mk .st.open').first().waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: a toelichting on confirming and marking', () => {
  it('without "toelichting vragen", Enter confirms at once, as before', async () => {
    expect(await page.getByRole('checkbox', { name: 'toelichting vragen bij bevestigen en markeren' }).isChecked()).toBe(false);
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.mk.sel').getAttribute('data-mid')).toBe(String(s.f.ids.markings.partij1));
    await page.keyboard.press('Enter');
    await expect.poll(() => decisionsOf(s.f.ids.markings.partij1)).toEqual([{ action: 'confirm', category: 'partijpolitiek', reviewer: 'Els Bakker', reason: null }]);
    expect(await page.locator('.dialog').count()).toBe(0);
  });

  it('with it on, Enter asks for an optional toelichting (labelled), and Escape records nothing', async () => {
    await page.getByRole('checkbox', { name: 'toelichting vragen bij bevestigen en markeren' }).check();
    await page.locator('#msgs').focus();
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('.mk.sel').getAttribute('data-mid')).toBe(String(s.f.ids.markings.partij2));
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Bevestigen als partijpolitiek' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    expect(await toelichting().count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.locator('.dialog').count()).toBe(0);
    expect(decisionsOf(s.f.ids.markings.partij2)).toEqual([]);
  });

  it('the toelichting given on confirming is stored as the decision\'s reason, as `review decide --reason` stores it, and shown on the card', async () => {
    const why = 'Gesprek over de fractievoorzitter als partijfunctie';
    await page.keyboard.press('Enter');
    await toelichting().waitFor();
    await page.keyboard.type(why);
    await page.keyboard.press('Enter');
    await expect.poll(() => decisionsOf(s.f.ids.markings.partij2)).toEqual([{ action: 'confirm', category: 'partijpolitiek', reviewer: 'Els Bakker', reason: why }]);
    expect(auditReason(s.f.ids.markings.partij2)).toEqual({ hasKey: true, reason: why });
    await expect.poll(() => page.locator(`.mk[data-mid="${s.f.ids.markings.partij2}"] .dec`).textContent()).toMatch(new RegExp(`^bevestigd door Els Bakker, .* · "${why}"$`));

    // The CLI's --reason, on the next suggestion: the same columns and audit field.
    const r = await cli(['review', 'decide', String(s.f.ids.markings.partij3), '--accept', '--reviewer', 'Els Bakker', '--reason', why, '--db', s.f.dbPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(decisionsOf(s.f.ids.markings.partij3)).toEqual(decisionsOf(s.f.ids.markings.partij2));
    expect(auditReason(s.f.ids.markings.partij3)).toEqual(auditReason(s.f.ids.markings.partij2));
  });

  it('an empty toelichting confirms without a reason (it is optional)', async () => {
    await page.locator('.conv', { hasText: 'Anna de Vries' }).click();
    await page.locator(`.mk[data-mid="${s.f.ids.markings.xssBusiness}"]`).waitFor();
    await page.locator(`.mk[data-mid="${s.f.ids.markings.xssBusiness}"]`).click();
    await page.locator(`.mk[data-mid="${s.f.ids.markings.xssBusiness}"] button`, { hasText: '✓ Bevestig' }).click();
    await toelichting().waitFor();
    await page.getByRole('button', { name: 'Vastleggen' }).click();
    await expect.poll(() => decisionsOf(s.f.ids.markings.xssBusiness)).toEqual([{ action: 'confirm', category: 'privé', reviewer: 'Els Bakker', reason: null }]);
  });

  it('marking a message (Shift+p) asks for it too, and stores it as `review mark --reason` does (decision and evidence)', async () => {
    const why = 'Over de verjaardag van opa';
    await page.locator('.conv', { hasText: 'Mama' }).click();
    await page.locator('#rows .msg[data-index="0"]').click();
    await page.locator('#msgs').focus();
    await page.keyboard.press('Shift+P');
    await page.getByRole('dialog', { name: 'Bericht markeren als privé' }).waitFor();
    await page.keyboard.type(why);
    await page.keyboard.press('Enter');
    await expect.poll(() => manualOn(s.f.ids.messages.mama1).length).toBe(1);
    const viaPage = manualOn(s.f.ids.messages.mama1)[0]!;

    const r = await cli(['review', 'mark', '--message', String(s.f.ids.messages.annaNota), '--category', 'privé', '--reviewer', 'Els Bakker', '--reason', why, '--db', s.f.dbPath]);
    expect(r.code, r.stderr).toBe(0);
    const viaCli = manualOn(s.f.ids.messages.annaNota)[0]!;
    expect(JSON.parse(viaPage.evidence)).toEqual({ manual: true, markedBy: 'Els Bakker', reason: why });
    expect(JSON.parse(viaPage.evidence)).toEqual(JSON.parse(viaCli.evidence));
    expect(decisionsOf(viaPage.id)).toEqual([{ action: 'mark', category: 'privé', reviewer: 'Els Bakker', reason: why }]);
    expect(decisionsOf(viaPage.id)).toEqual(decisionsOf(viaCli.id));
    expect(auditReason(viaPage.id)).toEqual(auditReason(viaCli.id));
    await expect.poll(() => page.locator(`.mk[data-mid="${viaPage.id}"] .dec`).textContent()).toMatch(new RegExp(`· "${why}"$`));
    expect(s.pageErrors).toEqual([]);
  });
});
