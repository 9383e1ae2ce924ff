import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOJI, MIXED, PRIVATE_SENTENCE, row, type Fixture } from './fixture.js';
import { openPageSession, type PageSession } from './page-session.js';

/**
 * Marking from the page: a passage the way reviewers select text with the mouse (triple click, a drag that starts
 * beside the text), and a contact from the toolbar. A passage card says which text it covers.
 */

let s: PageSession;
let f: Fixture;
let page: Page;
const rowSel = (i: number) => `#rows .msg[data-index="${i}"]`;
const manual = (messageId: number) =>
  f.store.db.prepare(`SELECT span_start AS s, span_end AS e, category FROM markings WHERE origin = 'manual' AND level = 'passage' AND target_id = ? AND status <> 'rejected' ORDER BY id`).all(messageId);

beforeAll(async () => {
  s = await openPageSession({ open: (x) => x.ids.conversations.anna });
  ({ f, page } = s);
  await page.locator(`${rowSel(5)} .text`).waitFor();
});
afterAll(async () => { await s?.close(); });

describe('review page: a passage card says which text it covers (QA: "passage 34–123")', () => {
  it('quotes the first words of the passage and gives the positions in Dutch, on the card and in its history', async () => {
    const start = MIXED.indexOf(PRIVATE_SENTENCE);
    const card = page.locator(`.mk[data-mid="${f.ids.markings.passage}"]`);
    expect(await card.locator('.row1 .st').last().textContent()).toBe(`passage: "Trouwens, mijn dochter heeft…" (tekens ${start}–${MIXED.length})`);
    expect(await card.getAttribute('aria-label')).toBe(`Markering privé, open, passage: "Trouwens, mijn dochter heeft…" (tekens ${start}–${MIXED.length})`);
    await card.click();
    await card.locator('button', { hasText: 'Geschiedenis' }).click();
    await expect.poll(() => page.locator('.dialog p').first().textContent()).toBe(`passage: "Trouwens, mijn dochter heeft…" (tekens ${start}–${MIXED.length}) · regel prive.familie "dochter" · nu: privé, open`);
    await page.keyboard.press('Escape');
  });
});

describe('review page: selecting a passage', () => {
  it('a triple click selects the whole message (ending beside the text) and marks it as one passage (QA: "Selecteer tekst binnen één bericht")', async () => {
    // Chromium ends a triple-click selection at the start of the next element (the markings column), outside the text.
    await page.locator(`${rowSel(5)} .text`).click({ clickCount: 3 });
    expect(await page.evaluate(() => (getSelection()!.getRangeAt(0).endContainer as Element).closest?.('.text') ?? null)).toBeNull();
    await page.keyboard.press('p');
    await expect.poll(() => manual(f.ids.messages.emoji)).toEqual([{ s: 0, e: EMOJI.length, category: 'privé' }]);
    expect(await page.locator('#toast .err').count()).toBe(0);
    // Its card quotes whole characters: the emoji with its skin tone, never half of a surrogate pair.
    await expect.poll(() => page.locator(`${rowSel(5)} .mk .row1 .st`).last().textContent()).toBe(`passage: "Top 👍🏽 zet de stukken voor het…" (tekens 0–${EMOJI.length})`);
  });

  it('a selection that starts on the sender name counts only the selected text of the message', async () => {
    const text = row<{ text: string }>(f, 'SELECT text FROM messages WHERE id = ?', f.ids.messages.annaNota).text;
    const word = 'Goedemorgen';
    await page.evaluate(([sel, w]) => {
      const msg = document.querySelector(sel)!;
      const node = msg.querySelector('.text')!.firstChild as Text;
      const r = document.createRange();
      r.setStart(msg.querySelector('.sender')!.firstChild!, 2);
      r.setEnd(node, node.data.indexOf(w) + w.length);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(r);
    }, [rowSel(1), word] as const);
    await page.keyboard.press('s');
    await expect.poll(() => manual(f.ids.messages.annaNota)).toEqual([{ s: 0, e: word.length, category: 'partijpolitiek' }]);
    expect(text.slice(0, word.length)).toBe(word);
  });

  it('a selection across two messages is still refused, in Dutch, and records nothing', async () => {
    await page.evaluate(([a, c]) => {
      const r = document.createRange();
      r.setStart(document.querySelector(`${a} .text`)!.firstChild!, 3);
      r.setEnd(document.querySelector(`${c} .text`)!.firstChild!, 3);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(r);
    }, [rowSel(3), rowSel(4)] as const);
    await page.keyboard.press('p');
    await expect.poll(() => page.locator('#toast .err').last().textContent()).toBe('Selecteer tekst binnen één bericht.');
    expect(manual(f.ids.messages.xss)).toEqual([]);
    expect(manual(f.ids.messages.photo)).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});

describe('review page: marking a contact', () => {
  it('offers the other participants, never the custodian (a contact marking of the custodian would withhold all they wrote)', async () => {
    const options = await page.locator('#mark-contact option').allTextContents();
    expect(options).toContain('Anna de Vries als privé');
    expect(options.filter((o) => o.startsWith('J. de Vries'))).toEqual([]);
    const r = await fetch(`http://127.0.0.1:${s.srv.port}/api/conversations/${f.ids.conversations.anna}`, { headers: { 'X-Chatarchief-Token': s.srv.token } });
    const { conversation } = (await r.json()) as { conversation: { participants: { contactId: number; isCustodian: boolean }[] } };
    expect(conversation.participants.map((p) => [p.contactId, p.isCustodian])).toEqual([[f.ids.contacts.self, true], [f.ids.contacts.anna, false]]);
  });
});
