import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/review/service.js';
import { verifyAudit } from '../../src/review/verify.js';
import { listMarkingsForConversation } from '../../src/store/markings.js';
import { runCli } from '../helpers/cli.js';
import { buildStore, CUSTODIAN, MIXED, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture;
beforeEach(() => {
  fx = buildStore();
});
afterEach(() => fx.close());

const cli = (...args: string[]) => runCli([...args, '--db', fx.dbPath]);
const allMarkings = () => fx.store.db.prepare('SELECT * FROM markings ORDER BY id').all() as Record<string, unknown>[];
const markingOf = (level: string, targetId: number, ruleId?: string) =>
  allMarkings().find((m) => m.level === level && m.target_id === targetId && (!ruleId || m.rule_id === ruleId));

describe('tag with the default rule set', () => {
  it('stores suggestions only for what matches and prints counts per category', async () => {
    const r = await cli('tag', '--custodian', CUSTODIAN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Scanned 5 contacts, 4 conversations, 11 messages\./);
    expect(r.stdout).toMatch(/privé\s+\d+/);
    expect(r.stdout).toMatch(/without: \d+ \(they keep the default category zakelijk/);
    const rows = allMarkings();
    const got = rows.map((m) => `${m.level}:${m.target_id}:${m.category}:${m.rule_id}`).sort();
    const { contacts: k, conversations: c, messages: m } = fx;
    expect(got).toEqual([
      `contact:${k.anne}:privé:contact.hartje`,
      `contact:${k.opa}:privé:contact.familienaam`,
      `conversation:${c.familie}:privé:gesprek.prive-titel`,
      `message:${m.alv}:partijpolitiek:partijpolitiek.partijorganisatie`,
      `message:${m.boodschappen}:privé:prive.huis`,
      `message:${m.jarig}:privé:prive.familie`,
      `message:${m.motie}:zakelijk:neutraal.kamerwerk`,
      `message:${m.sp}:partijpolitiek:partijpolitiek.partijen`,
      `passage:${m.mixed}:privé:prive.familie`,
    ].sort());
    // The business messages (nota, ok, ja, taart, encryption notice) have no row: they keep the default.
    for (const key of ['nota', 'ok', 'ja', 'taart', 'encryption']) expect(markingOf('message', m[key]!)).toBeUndefined();
    const passage = markingOf('passage', m.mixed!)!;
    expect(MIXED.slice(passage.span_start as number, passage.span_end as number)).toBe('Zaterdag is mijn oma jarig 🎂 dus dan ben ik er niet.');
    expect(JSON.parse(passage.evidence_json as string).hits.map((h: { term: string; span: number[] }) => [h.term, MIXED.slice(h.span[0], h.span[1])])).toEqual([['oma', 'oma'], ['jarig', 'jarig']]);
    expect(passage.rule_file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fx.store.db.prepare('SELECT COUNT(*) AS n FROM tag_runs').get()).toEqual({ n: 1 });

    const json = (await cli('tag', '--custodian', CUSTODIAN, '--json')).json();
    expect(json.byCategory['privé']).toEqual({ total: 6, contact: 2, conversation: 1, message: 2, passage: 1 });
    expect(json.defaultMessages).toBe(5);
    expect(json.store).toMatchObject({ inserted: 0, updated: 0, unchanged: 9, deleted: 0 });
  });

  it('is idempotent: a second run changes nothing and keeps the marking ids', async () => {
    await cli('tag', '--custodian', CUSTODIAN);
    const before = allMarkings();
    const r = (await cli('tag', '--custodian', CUSTODIAN, '--json')).json();
    expect(r.store).toEqual({ inserted: 0, updated: 0, unchanged: before.length, reactivated: 0, deactivated: 0, deleted: 0 });
    expect(allMarkings()).toEqual(before);
  });

  it('--dry-run prints counts per rule and category and examples, and writes nothing', async () => {
    const r = await cli('tag', '--custodian', CUSTODIAN, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Dry run \(nothing written\)/);
    expect(r.stdout).toMatch(/prive\.familie\s+privé\s+passage\s+50\s+2\s+2/);
    expect(r.stdout).toMatch(/Examples:\n[\s\S]*Zaterdag is mijn oma jarig/);
    expect(allMarkings()).toEqual([]);
    expect(fx.store.db.prepare('SELECT COUNT(*) AS n FROM tag_runs').get()).toEqual({ n: 0 });
  });

  it('uses the custodian\'s default category: with privé as default, privé matches are only counted', async () => {
    expect((await cli('custodian', 'set', CUSTODIAN, '--default-category', 'prive')).code).toBe(0);
    const r = (await cli('tag', '--custodian', CUSTODIAN, '--json')).json();
    expect(r.defaultCategory).toBe('privé');
    // Message-level privé suggestions now restate the default and are not stored; contact and conversation ones are.
    expect(r.byCategory['privé']).toEqual({ total: 3, contact: 2, conversation: 1, message: 0, passage: 0 });
    expect(r.rules.find((x: { id: string }) => x.id === 'prive.familie')).toMatchObject({ fired: 2, stored: 0, redundant: 2 });
    // ... while zakelijk ones are stored now: the motion about the VVD and the app's encryption notice.
    expect(r.byCategory.zakelijk.message).toBe(2);
    expect(r.byCategory.partijpolitiek.message).toBe(2);
  });

  it('refuses an unknown custodian and a rule file meant for another custodian', async () => {
    expect((await cli('tag', '--custodian', 'minister-xyz')).code).toBe(1);
    const f = path.join(fx.dir, 'other.json');
    fs.writeFileSync(f, JSON.stringify({ description: 'x', custodian: 'minister-jenv', designations: [{ name: 'Jan', category: 'privé' }] }));
    const r = await cli('tag', '--custodian', CUSTODIAN, '--rules', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/other\.json: this rule file is for custodian 'minister-jenv', not 'minister-bzk'/);
  });
});

describe('custodian designations', () => {
  it('designate contacts by phone (any notation), by name and by conversation title', async () => {
    const f = path.join(fx.dir, 'minister-bzk.json');
    fs.writeFileSync(f, JSON.stringify({
      description: 'Vooraf aangemerkt door de minister', custodian: CUSTODIAN,
      designations: [
        { phone: '06-12 34 56 78', category: 'privé', note: 'partner' },
        { phone: '070 123 4567', category: 'zakelijk', note: 'DG' },
        { name: 'secretaris afdeling *', category: 'partijpolitiek' },
        { conversationTitle: 'Familie*', category: 'privé' },
      ],
    }));
    const r = await cli('tag', '--custodian', CUSTODIAN, '--rules', f, '--json');
    expect(r.code, r.stderr).toBe(0);
    const got = allMarkings().map((m) => `${m.level}:${m.target_id}:${m.category}:${m.rule_id}`).sort();
    expect(got).toEqual([
      `contact:${fx.contacts.anne}:privé:designation.phone.31612345678`,
      `contact:${fx.contacts.dg}:zakelijk:designation.phone.31701234567`,
      `contact:${fx.contacts.partij}:partijpolitiek:designation.name.secretaris-afdeling`,
      `conversation:${fx.conversations.familie}:privé:designation.title.familie`,
    ].sort());
  });
});

describe('re-tagging after a rule change never touches a decision', () => {
  const writeRules = (terms: string[], category = 'privé') => {
    const f = path.join(fx.dir, 'rules.json');
    fs.writeFileSync(f, JSON.stringify({
      description: 'test',
      rules: [{ id: 'fam', category, priority: 50, level: 'passage', passage: { unit: 'sentence', minLength: 120 }, match: { type: 'lexicon', terms } }],
    }));
    return f;
  };

  it('keeps decided markings (inactive when they vanish), updates or deletes undecided ones, reactivates on return', async () => {
    const f = writeRules(['oma', 'verjaardag*', 'boodschappen']);
    const first = (await cli('tag', '--custodian', CUSTODIAN, '--rules', f, '--json')).json();
    expect(first.store.inserted).toBe(3);
    const oma = markingOf('passage', fx.messages.mixed!)!;
    const feest = markingOf('message', fx.messages.jarig!)!;
    const boodschappen = markingOf('message', fx.messages.boodschappen!)!;
    // Reviewers decide two of them through the review module (audit log and all).
    decide(fx.store.db, { markingIds: [oma.id as number], action: 'confirm', reviewer: 'A. Archivaris' });
    decide(fx.store.db, { markingIds: [feest.id as number], action: 'change', category: 'zakelijk', reviewer: 'A. Archivaris', reason: 'feest van het ministerie' });

    // v2: 'oma' and 'verjaardag*' removed, the category of the rule changed.
    const f2 = writeRules(['boodschappen', 'jarig'], 'partijpolitiek');
    const second = (await cli('tag', '--custodian', CUSTODIAN, '--rules', f2, '--json')).json();
    expect(second.store).toMatchObject({ deactivated: 2, updated: 1, inserted: 1 });
    const oma2 = markingOf('passage', fx.messages.mixed!)!;
    expect(oma2).toMatchObject({ id: oma.id, status: 'confirmed', category: 'privé', suggested_category: 'privé', evidence_json: oma.evidence_json });
    // The same passage still fires through 'jarig', but now as partijpolitiek: the privé decision lapses (inactive,
    // kept) and the new category is a new open suggestion; the feest message no longer fires at all.
    expect(oma2.active).toBe(0);
    const passages = allMarkings().filter((m) => m.level === 'passage' && m.target_id === fx.messages.mixed!);
    expect(passages.map((m) => [m.status, m.category, m.active])).toEqual([['confirmed', 'privé', 0], ['suggested', 'partijpolitiek', 1]]);
    expect(markingOf('message', fx.messages.jarig!)).toMatchObject({ id: feest.id, status: 'changed', category: 'zakelijk', active: 0 });
    // Undecided: updated in place (same id, new category and file hash).
    expect(markingOf('message', fx.messages.boodschappen!)).toMatchObject({ id: boodschappen.id, category: 'partijpolitiek', status: 'suggested' });
    expect(markingOf('message', fx.messages.boodschappen!)!.rule_file_hash).not.toBe(boodschappen.rule_file_hash);

    // v3: nothing fires any more: the undecided one is deleted, the decided ones stay (inactive).
    const f3 = writeRules(['wintersport']);
    const third = (await cli('tag', '--custodian', CUSTODIAN, '--rules', f3, '--json')).json();
    expect(third.store).toMatchObject({ deleted: 2, deactivated: 0, inserted: 0 });
    expect(markingOf('message', fx.messages.boodschappen!)).toBeUndefined();
    expect(markingOf('passage', fx.messages.mixed!)).toMatchObject({ id: oma.id, status: 'confirmed', active: 0 });

    // Back to v1: the decided markings become active again, unchanged; the deleted suggestion comes back as new.
    const fourth = (await cli('tag', '--custodian', CUSTODIAN, '--rules', writeRules(['oma', 'verjaardag*', 'boodschappen']), '--json')).json();
    expect(fourth.store).toMatchObject({ reactivated: 2, inserted: 1 });
    expect(markingOf('message', fx.messages.jarig!)).toMatchObject({ id: feest.id, status: 'changed', category: 'zakelijk', active: 1 });
    expect(fx.store.db.prepare('SELECT COUNT(*) AS n FROM decisions').get()).toEqual({ n: 2 });
    // The audit trail still agrees with the markings: re-tagging changed no decided status or category.
    expect(verifyAudit(fx.store.db)).toMatchObject({ ok: true, decisionsChecked: 2, findings: [] });
  });
});

describe('markings --conversation', () => {
  it('lists contact, conversation, message and passage markings with exactly the contract fields', async () => {
    await cli('tag', '--custodian', CUSTODIAN);
    const r = await cli('markings', '--conversation', String(fx.conversations.familie), '--json');
    expect(r.code, r.stderr).toBe(0);
    const { markings } = r.json();
    for (const m of markings) expect(Object.keys(m).sort()).toEqual(['category', 'evidence', 'id', 'level', 'ruleId', 'span', 'status', 'targetId']);
    expect(markings.map((m: { level: string; targetId: number }) => [m.level, m.targetId])).toEqual([
      ['conversation', fx.conversations.familie],
      ['contact', fx.contacts.anne],
      ['contact', fx.contacts.opa],
      ['message', fx.messages.jarig],
    ]);
    expect(markings[3]).toMatchObject({ span: null, category: 'privé', status: 'suggested', ruleId: 'prive.familie', evidence: { hits: [{ term: 'verjaardag*', matched: 'verjaardagsfeest' }] } });
    const mt = (await cli('markings', '--conversation', String(fx.conversations.mt), '--json')).json().markings;
    const passage = mt.find((m: { level: string }) => m.level === 'passage');
    expect(MIXED.slice(passage.span[0], passage.span[1])).toMatch(/^Zaterdag is mijn oma jarig 🎂/);
    expect(listMarkingsForConversation(fx.store.db, fx.conversations.mt).length).toBe(mt.length);
    const human = await cli('markings', '--conversation', String(fx.conversations.familie));
    expect(human.stdout).toMatch(/gesprek\.prive-titel/);
    expect((await cli('markings', '--conversation', '999')).code).toBe(1);
  });
});

describe('threads', () => {
  const built = path.join(process.cwd(), 'dist/src/cli.js');
  // Worker threads run the compiled JavaScript, so this test drives the built CLI (npm test builds first).
  it.skipIf(!fs.existsSync(built))('scanning messages on several threads gives exactly the single-thread result', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = (threads: string) => {
      const r = spawnSync(process.execPath, [built, 'tag', '--custodian', CUSTODIAN, '--threads', threads, '--json', '--db', fx.dbPath], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    // A dry run (statistics with their beatenBy order, examples) prints the same JSON on three threads as on one.
    const dry = (threads: string) => {
      const r = spawnSync(process.execPath, [built, 'tag', '--custodian', CUSTODIAN, '--threads', threads, '--dry-run', '--json', '--db', fx.dbPath], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { ms, threads: n, ...rest } = JSON.parse(r.stdout);
      expect(n).toBe(Number(threads));
      return JSON.stringify(rest);
    };
    const dryOne = dry('1');
    expect(JSON.parse(dryOne).examples.length).toBeGreaterThan(3);
    expect(dry('3')).toBe(dryOne);
    const three = run('3');
    expect(three.threads).toBe(3);
    const rows = allMarkings().map(({ created_at, updated_at, ...m }) => m);
    const one = run('1');
    expect(one.threads).toBe(1);
    expect(one.store).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: rows.length });
    expect(one.rules).toEqual(three.rules);
    expect(one.byCategory).toEqual(three.byCategory);
    expect(one.scanned).toEqual(three.scanned);
    expect(allMarkings().map(({ created_at, updated_at, ...m }) => m)).toEqual(rows);
    // A fresh store tagged on one thread gets the same rows under the same ids (rows are stored in single-pass order).
    const fresh = buildStore();
    try {
      const r = spawnSync(process.execPath, [built, 'tag', '--custodian', CUSTODIAN, '--threads', '1', '--json', '--db', fresh.dbPath], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const freshRows = (fresh.store.db.prepare('SELECT * FROM markings ORDER BY id').all() as Record<string, unknown>[]).map(({ created_at, updated_at, ...m }) => m);
      expect(freshRows).toEqual(rows);
    } finally {
      fresh.close();
    }
  }, 60_000);
});
