/**
 * withheldSinceDelivery against an oracle: the WhatsApp samples are delivered after random decisions, decided again at
 * random, and delivered again (with Signal and SMS secured since). What the export reports as shown then and withheld
 * now must be what the first geschoonde set showed and a fresh export of the same store (its ledger emptied) no longer
 * shows: no message missed, none reported that the archive never saw. Messages the delivery already showed in part
 * (a passage or a private contact withheld) and that now show less may be missed: the export recognises some of them
 * (see shownThenWithheldNow), and the rest stay counted as changed. (This is the fuzz that found the nameless-number miss,
 * fixed with ExportContext.withoutPrivate: both seeds fail without it; 24 seeds pass. The false alarm it also found is
 * pinned in withheld-since-delivery.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rng } from '../../parsers/prng.js';
import { buildExportContext, scopeOf } from '../../src/export/context.js';
import { withheldSinceDelivery } from '../../src/export/withheld-since.js';
import { Yielder } from '../../src/export/partial.js';
import { getCustodian } from '../../src/store/custodians.js';
import { openStore } from '../../src/store/db.js';
import { deliveredAtLookup } from '../../src/store/delivered.js';
import { ledgerLookup } from '../../src/store/exports.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { bagOf, walk } from './helpers.js';

const CATS = ['zakelijk', 'privé', 'partijpolitiek'] as const;
type Conv = { id: number; participants: { contactId: number; isCustodian: boolean }[] };
type Slot = { type: string; id?: number; text?: string; sender?: string | null; passages?: { start: number; end: number }[]; attachments?: { withheld?: boolean }[] };

/** Message id → its geschoond slot, or `excluded` for a message of a conversation withheld as a whole. */
function slotsOf(out: string): Map<number, Slot> {
  const slots = new Map<number, Slot>();
  const conversationOf = new Map<number, number>();
  const ruw = bagOf(out, 'ruw');
  for (const f of walk(ruw).filter((f) => f.endsWith('/chat.json'))) {
    const j = JSON.parse(fs.readFileSync(path.join(ruw, f), 'utf8'));
    for (const s of j.slots) conversationOf.set(s.message.id, j.header.conversationId);
  }
  const excluded = new Set<number>();
  const g = bagOf(out, 'geschoond');
  for (const f of walk(g).filter((f) => f.endsWith('/chat.json'))) {
    const j = JSON.parse(fs.readFileSync(path.join(g, f), 'utf8'));
    if (j.header.excluded) excluded.add(j.header.conversationId);
    for (const s of j.slots as Slot[]) if (s.type !== 'conversation-marker') slots.set(s.id!, s);
  }
  for (const [id, c] of conversationOf) if (excluded.has(c) && !slots.has(id)) slots.set(id, { type: 'excluded' });
  return slots;
}

describe('withheldSinceDelivery against what the deliveries show', () => {
  it.each([1, 2])('seed %i', async (seed) => {
    const next = rng(seed);
    const rnd = (n: number) => Math.floor(next() * n);
    const chance = (p: number) => rnd(1_000_000) < p * 1_000_000;
    const dir = tempDir();
    const db = path.join(dir, 'st', 'store.db');
    fs.mkdirSync(path.dirname(db));
    const cli = (...a: string[]) => runCli([...a, '--db', db]);
    const ok = async (...a: string[]) => {
      const r = await cli(...a);
      expect(r.code, `${a.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    const reviewer = ['--reviewer', 'Anna de Wit'];
    /** One round of random decisions; `p` scales how many. (Refusals, exit 1, are what a reviewer would see.) */
    const decideRound = async (p: number) => {
      for (const m of (await ok('review', 'list', '--custodian', 'm', '--status', 'open', '--json')).json().markings as { id: number }[]) {
        const r = rnd(100);
        if (r < 30 * p) await ok('review', 'decide', String(m.id), '--accept', ...reviewer);
        else if (r < 45 * p) await ok('review', 'decide', String(m.id), '--reject', ...reviewer, '--reason', 'onjuist');
      }
      const convs = (await ok('conversations', '--custodian', 'm', '--json')).json().conversations as Conv[];
      for (const c of convs) {
        for (const msg of (await ok('messages', '--conversation', String(c.id), '--json')).json().messages as { id: number; text: string }[]) {
          if (msg.text.length > 3 && chance(0.06 * p)) {
            const a = rnd(msg.text.length);
            const r = await cli('review', 'mark', '--message', String(msg.id), '--span', `${a}:${a + 1 + rnd(msg.text.length - a)}`, '--category', CATS[1 + rnd(2)]!, ...reviewer);
            expect([0, 1], r.stderr).toContain(r.code);
          } else if (chance(0.04 * p)) {
            const r = await cli('review', 'mark', '--message', String(msg.id), '--category', CATS[rnd(3)]!, ...reviewer);
            expect([0, 1], r.stderr).toContain(r.code);
          }
        }
        if (chance(0.08 * p)) {
          const r = await cli('review', 'mark', '--conversation', String(c.id), '--category', CATS[rnd(3)]!, ...reviewer);
          expect([0, 1], r.stderr).toContain(r.code);
        }
      }
      for (const id of new Set(convs.flatMap((c) => c.participants.filter((x) => !x.isCustodian).map((x) => x.contactId)))) {
        if (!chance(0.06 * p)) continue;
        const r = await cli('review', 'mark', '--contact', String(id), '--category', CATS[1 + rnd(2)]!, ...reviewer);
        expect([0, 1], r.stderr).toContain(r.code);
      }
    };
    const exportTo = async (store: string, out: string, set: string) => {
      const r = await runCli(['export', '--custodian', 'm', '--out', out, '--set', set, '--allow-unreviewed', '--db', store, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return r.json();
    };

    await ok('custodian', 'add', '--id', 'm', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2015-01-01');
    await ok('ingest', path.join(REPO, 'samples/whatsapp'), '--custodian', 'm', '--operator', 'RIH operator');
    await ok('tag', '--custodian', 'm');
    await decideRound(1);
    const first = path.join(dir, 'levering-1');
    await exportTo(db, first, 'both');
    await decideRound(1.5);
    await ok('ingest', path.join(REPO, 'samples/signal'), '--custodian', 'm', '--operator', 'RIH operator');
    await ok('tag', '--custodian', 'm');

    // The oracle's "now": a copy of the store without its deliveries, exported in full.
    fs.cpSync(path.join(dir, 'st'), path.join(dir, 'copy'), { recursive: true });
    const copy = path.join(dir, 'copy', 'store.db');
    const c = new Database(copy);
    c.exec('DELETE FROM export_ledger; DELETE FROM exports;');
    c.close();
    const fresh = path.join(dir, 'fresh');
    await exportTo(copy, fresh, 'both');

    const second = (await exportTo(db, path.join(dir, 'levering-2'), 'geschoond')).packages[0];
    // Every id, not only the examples the result lists.
    const store = openStore(db);
    let reported: number[];
    try {
      const custodian = getCustodian(store.db, 'm')!;
      const x = buildExportContext(store.db, custodian, scopeOf(custodian.id, custodian.tz), true);
      const w = { db: store.db, blobs: store.blobs, x, set: 'geschoond' as const, delivered: ledgerLookup(store.db, 'm', 'geschoond'), deliveredAt: deliveredAtLookup(store.db, 'm', 'geschoond') };
      const found = await withheldSinceDelivery(w, new Yielder(), 1_000_000);
      expect(found.count).toBe(second.withheldSinceDelivery);
      reported = found.examples.map((e) => Number(e.split(':')[1]));
    } finally {
      store.close();
    }

    const then = slotsOf(first);
    const now = slotsOf(fresh);
    const expected: number[] = [];
    const partly: number[] = [];
    for (const [id, o] of then) {
      const n = now.get(id);
      if (!n || o.type !== 'message') continue;
      const withheldFlags = (s: Slot) => JSON.stringify((s.attachments ?? []).map((a) => !!a.withheld));
      // (the same person under another label, "[Contact 10]" then and "[Privécontact 10]" now, shows no less)
      const labels = (t: string | null | undefined) => t?.replace(/\b(?:Privécontact|Contact) (\d+)\b/g, 'contact $1').replace(/\[passage afgeschermd: [^\]]*\]/g, '[passage]');
      const showsLess = n.type !== 'message' || labels(n.text) !== labels(o.text) || labels(n.sender) !== labels(o.sender) || withheldFlags(n) !== withheldFlags(o);
      if (!showsLess) continue;
      (o.passages?.length || JSON.stringify(o).includes('Privécontact') ? partly : expected).push(id);
    }
    expect(expected.length).toBeGreaterThan(0);
    if (process.env.ORACLE_STATS) console.log(`seed ${seed}: ${expected.length} expected, ${partly.length} partly shown, ${reported.filter((id) => partly.includes(id)).length} of those reported`);
    expect(expected.filter((id) => !reported.includes(id)), 'missed').toEqual([]);
    expect(reported.filter((id) => !expected.includes(id) && !partly.includes(id)), 'reported, never shown').toEqual([]);
    // One reported that the delivery showed in part must withhold more now: a marker, more characters in passages, more
    // names or numbers replaced, the sender by pseudonym, more attachments withheld.
    const withheld = (x: Slot): number =>
      x.type !== 'message'
        ? Infinity
        : (x.passages ?? []).reduce((n, p) => n + p.end - p.start, 0) * 1000 + (x.text?.match(/\[(?:Privécontact|Contact) \d+\]/g)?.length ?? 0) +
          (x.sender?.startsWith('Privécontact') ? 1 : 0) + (x.attachments ?? []).filter((a) => a.withheld).length;
    expect(reported.filter((id) => partly.includes(id) && !(withheld(now.get(id)!) > withheld(then.get(id)!))), 'reported, not withheld more').toEqual([]);
  });
});
