import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type ReviewServer } from '../../src/review/server.js';
import { decide } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { buildFixture, row, type Fixture } from './fixture.js';

/**
 * Two reviewers with the page open: a decision from a page that no longer shows the marking's state is refused, the page
 * says in Dutch who decided what in the meantime and reloads the conversation, so the reviewer looks again.
 */

let f: Fixture;
let srv: ReviewServer;
let b: LaunchedBrowser;
let alice: Page;
let bob: Page;
const pageErrors: string[] = [];

const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;
const marking = (id: number) => row<{ status: string; category: string }>(f, 'SELECT status, category FROM markings WHERE id = ?', id);
const decisions = () => (row(f, 'SELECT COUNT(*) AS n FROM decisions') as { n: number }).n;

async function open(name: string, conversationId: number): Promise<Page> {
  const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('dialog', (d) => { pageErrors.push(`unexpected ${d.type()}: ${d.message()}`); void d.dismiss(); });
  await p.addInitScript((n) => localStorage.setItem('chatarchief.reviewer', n), name);
  await p.goto(`${srv.url}#gesprek=${conversationId}`);
  return p;
}

beforeAll(async () => {
  f = buildFixture();
  srv = await startReviewServer({ db: f.store.db, custodianId: 'minister-bzk', preview: null });
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await srv?.close();
  f?.close();
});

describe('review page: a colleague decided in the meantime', () => {
  it('refuses Bob\'s reject from a stale page, says Alice confirmed it, and reloads the conversation', async () => {
    alice = await open('Alice Smit', f.ids.conversations.anna);
    bob = await open('Bob de Boer', f.ids.conversations.anna);
    for (const p of [alice, bob]) {
      await p.locator(`${rowSel(2)} .mk .st.open`).waitFor();
      await p.locator('#msgs').focus();
      await p.keyboard.press('n');
      await expect.poll(() => p.locator('.msg.cursor').getAttribute('data-index')).toBe('2');
    }
    await alice.keyboard.press('Enter');
    await expect.poll(() => marking(f.ids.markings.passage).status).toBe('confirmed');
    const before = decisions();

    // Bob's page still shows the suggestion open.
    expect(await bob.locator(`${rowSel(2)} .mk .st`).first().textContent()).toBe('open');
    await bob.keyboard.press('Backspace');
    await bob.getByRole('dialog', { name: 'Reden voor verwerpen' }).waitFor();
    await bob.keyboard.type('Onjuiste treffer van de regel');
    await bob.keyboard.press('Enter');
    await expect.poll(() => bob.locator('#toast .err').last().textContent())
      .toBe('Alice Smit heeft dit intussen bevestigd (privé); er is niets vastgelegd. Het gesprek is opnieuw geladen, kijk opnieuw.');
    expect(decisions()).toBe(before);
    expect(marking(f.ids.markings.passage)).toEqual({ status: 'confirmed', category: 'privé' });
    // Reloaded: Bob now sees Alice's decision.
    await expect.poll(() => bob.locator(`${rowSel(2)} .mk .st.decided`).textContent()).toBe('bevestigd');
    expect(await bob.locator(`${rowSel(2)} .mk .dec`).textContent()).toMatch(/^bevestigd door Alice Smit/);

    // Having seen it, Bob may still override it; that is recorded.
    await bob.locator(`${rowSel(2)} .mk`).first().click();
    await bob.keyboard.press('Backspace');
    await bob.getByRole('dialog', { name: 'Reden voor verwerpen' }).waitFor();
    await bob.keyboard.type('Onjuiste treffer van de regel');
    await bob.keyboard.press('Enter');
    await expect.poll(() => marking(f.ids.markings.passage).status).toBe('rejected');
    expect(f.store.db.prepare('SELECT action, reviewer FROM decisions WHERE marking_id = ? ORDER BY id').all(f.ids.markings.passage))
      .toEqual([{ action: 'confirm', reviewer: 'Alice Smit' }, { action: 'reject', reviewer: 'Bob de Boer' }]);
  });

  it('bulk: the dialog shows the count, and a colleague\'s decision before "Uitvoeren" refuses the bulk', async () => {
    await bob.locator('.conv', { hasText: 'Partijbestuur overleg' }).click();
    await bob.locator(`${rowSel(0)} .mk`).waitFor();
    await bob.locator('#bulk-reject').click();
    const dlg = bob.getByRole('dialog', { name: 'Bulkactie: verwerpen' });
    await dlg.waitFor();
    expect(await dlg.locator('p').textContent()).toBe('U gaat alle open suggesties in dit gesprek (3) verwerpen. Besloten suggesties blijven ongemoeid.');
    // Meanwhile Alice confirms one of them.
    decide(f.store.db, { markingIds: [f.ids.markings.partij2], action: 'confirm', reviewer: 'Alice Smit', expected: new Map([[f.ids.markings.partij2, null]]) });
    const before = decisions();
    await bob.keyboard.type('Geen partijzaak');
    await bob.keyboard.press('Enter');
    await expect.poll(() => bob.locator('#toast .err').last().textContent())
      .toBe('Alice Smit heeft dit intussen bevestigd (partijpolitiek); er is niets vastgelegd. Het gesprek is opnieuw geladen, kijk opnieuw.');
    expect(decisions()).toBe(before);
    await expect.poll(() => bob.locator(`${rowSel(1)} .mk .st.decided`).textContent()).toBe('bevestigd');

    // Again, on what the page now shows: two open suggestions, Alice's confirm stays.
    await bob.locator('#bulk-reject').click();
    await dlg.waitFor();
    expect(await dlg.locator('p').textContent()).toMatch(/open suggesties in dit gesprek \(2\) verwerpen/);
    await bob.keyboard.type('Geen partijzaak');
    await bob.keyboard.press('Enter');
    await expect.poll(() => marking(f.ids.markings.partij1).status).toBe('rejected');
    expect(marking(f.ids.markings.partij3).status).toBe('rejected');
    expect(marking(f.ids.markings.partij2).status).toBe('confirmed');
    expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, findings: [] });
    expect(pageErrors).toEqual([]);
  });
});
