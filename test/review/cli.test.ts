import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/review/verify.js';
import { openStore } from '../../src/store/db.js';
import { decide } from '../../src/review/service.js';
import { buildFixture, cli, CUSTODIAN, row, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(() => { f = buildFixture(); });
afterEach(() => f.close());
const db = () => ['--db', f.dbPath];

describe('review CLI', () => {
  it('review list filters by rule and status and shows the reason', async () => {
    let r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--rule', 'partij.lexicon', '--json', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().markings.map((m: { id: number }) => m.id)).toEqual([f.ids.markings.partij1, f.ids.markings.partij3]);
    expect(r.json().markings[0]).toMatchObject({ level: 'message', targetId: f.ids.messages.partij1, span: null, category: 'partijpolitiek', status: 'suggested', ruleId: 'partij.lexicon', evidence: { term: 'kandidatenlijst' }, state: 'open', conversationTitle: 'Partijbestuur overleg' });
    await cli(['review', 'decide', String(f.ids.markings.partij1), '--category', 'prive', '--reviewer', 'Els', '--reason', 'eigen kandidatuur, privé', ...db()]);
    r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--status', 'decided', '--json', ...db()]);
    expect(r.json().markings).toHaveLength(1);
    expect(r.json().markings[0]).toMatchObject({ status: 'changed', category: 'privé', suggestedCategory: 'partijpolitiek', lastDecision: { reviewer: 'Els', reason: 'eigen kandidatuur, privé' } });
    r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--status', 'decided', ...db()]);
    expect(r.stdout).toMatch(/privé \(was partijpolitiek\)\s+changed\s+decided\s+partij\.lexicon "kandidatenlijst"\s+change by Els: eigen kandidatuur, privé/);
    r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--status', 'gesloten', ...db()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--status: expected open, decided, pending or lapsed/);
  });

  it('review list refuses an unknown conversation or rule instead of an empty list, as decide does (QA)', async () => {
    const conv = String(f.ids.conversations.partij);
    for (const [args, msg] of [
      [['--conversation', '99999'], new RegExp(`--conversation 99999: custodian '${CUSTODIAN}' has no such conversation`)],
      [['--rule', 'nope'], new RegExp(`--rule nope: this rule made no suggestion for custodian '${CUSTODIAN}'`)],
      [['--conversation', conv, '--rule', 'partij.lexcion'], new RegExp(`--rule partij\\.lexcion: this rule made no suggestion in conversation ${conv}`)],
      // A rule that suggested elsewhere, not in this conversation.
      [['--conversation', String(f.ids.conversations.mama), '--rule', 'partij.lexicon'], /this rule made no suggestion in conversation/],
    ] as [string[], RegExp][]) {
      const r = await cli(['review', 'list', '--custodian', CUSTODIAN, ...args, ...db()]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
    // A known rule with nothing left in the asked status is an empty list, not an error.
    const r = await cli(['review', 'list', '--custodian', CUSTODIAN, '--conversation', conv, '--rule', 'partij.lexicon', '--status', 'decided', '--json', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().markings).toEqual([]);
  });

  it('caps a reason at 2,000 characters, as the web API does (QA: 100,000 were accepted)', async () => {
    const id = String(f.ids.markings.partij1);
    const long = 'Toelichting bij het besluit. '.repeat(3500).slice(0, 100_000);
    for (const args of [[id, '--reject'], ['--conversation', String(f.ids.conversations.partij), '--reject']]) {
      const r = await cli(['review', 'decide', ...args, '--reviewer', 'Els', '--reason', long, ...db()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the reason is 100000 characters long; at most 2000 are allowed/);
    }
    const m = await cli(['review', 'mark', '--message', String(f.ids.messages.mama1), '--category', 'privé', '--reviewer', 'Els', '--reason', long, ...db()]);
    expect(m.code).toBe(1);
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
    expect((await cli(['review', 'decide', id, '--reject', '--reviewer', 'Els', '--reason', long.slice(0, 2000), ...db()])).code).toBe(0);
  });

  it('review decide validates its options', async () => {
    const id = String(f.ids.markings.partij1);
    for (const [args, msg] of [
      [[id, '--reviewer', 'Els'], /exactly one of --accept, --reject, --category <c>, --undo/],
      [[id, '--accept', '--reject', '--reviewer', 'Els'], /exactly one of/],
      [[id, '--accept'], /--reviewer: required/],
      [[id, '--category', 'geheim', '--reviewer', 'Els'], /expected zakelijk, privé or partijpolitiek/],
      [['abc', '--accept', '--reviewer', 'Els'], /'abc' is not a marking id/],
      [['--accept', '--reviewer', 'Els'], /give one or more marking ids/],
      [['999999', '--accept', '--reviewer', 'Els'], /marking 999999 does not exist/],
      [['--rule', 'partij.lexicon', '--accept', '--reviewer', 'Els'], /--rule needs --conversation/],
      [['--conversation', String(f.ids.conversations.partij), '--rule', 'partij.lexcion', '--accept', '--reviewer', 'Els'],
        new RegExp(`rule 'partij\\.lexcion' made no suggestion in conversation ${f.ids.conversations.partij}`)],
    ] as [string[], RegExp][]) {
      const r = await cli(['review', 'decide', ...args, ...db()]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(row(f, 'SELECT COUNT(*) AS n FROM decisions')).toEqual({ n: 0 });
  });

  it('review decide --rule: the command it suggests for a mistyped rule runs as given (QA)', async () => {
    const conv = String(f.ids.conversations.partij);
    const r = await cli(['review', 'decide', '--conversation', conv, '--rule', 'partij.lexcion', '--accept', '--reviewer', 'Els', ...db()]);
    const hint = /\(see: chatarchief (review list [^)]*)\)/.exec(r.stderr)?.[1];
    expect(hint, r.stderr).toBe(`review list --custodian ${CUSTODIAN} --conversation ${conv}`);
    const list = await cli([...hint!.split(' '), ...db()]);
    expect(list.code, list.stderr).toBe(0);
  });

  it('review decide --conversation [--rule] decides in bulk; --undo reverts', async () => {
    let r = await cli(['review', 'decide', '--conversation', String(f.ids.conversations.partij), '--rule', 'partij.lexicon', '--accept', '--reviewer', 'Els', '--json', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ skipped: 0 });
    expect(r.json().decided).toHaveLength(2);
    r = await cli(['review', 'decide', String(f.ids.markings.partij3), '--undo', '--reviewer', 'Els', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(row(f, 'SELECT status FROM markings WHERE id = ?', f.ids.markings.partij3)).toEqual({ status: 'suggested' });
  });

  it('review mark marks a contact and a conversation, and refuses bad targets', async () => {
    let r = await cli(['review', 'mark', '--contact', String(f.ids.contacts.pieter), '--category', 'partijpolitiek', '--reviewer', 'Els', '--reason', 'partijvoorzitter', '--json', ...db()]);
    expect(r.code, r.stderr).toBe(0);
    expect(row(f, 'SELECT level, target_id, origin, status FROM markings WHERE id = ?', r.json().markingId)).toEqual({ level: 'contact', target_id: f.ids.contacts.pieter, origin: 'manual', status: 'confirmed' });
    // review list names the contact, not only its id (ids appear nowhere else a reviewer looks)
    const contactMarking = r.json().markingId;
    const listed = await cli(['review', 'list', '--custodian', 'minister-bzk', '--status', 'decided', '--json', ...db()]);
    expect(listed.json().markings.find((m: { id: number }) => m.id === contactMarking)).toMatchObject({ level: 'contact', contactName: 'Pieter Bakker', conversationId: null });
    const table = (await cli(['review', 'list', '--custodian', 'minister-bzk', '--status', 'decided', ...db()])).stdout;
    expect(table).toMatch(new RegExp(`\\n${contactMarking} +contact +contact ${f.ids.contacts.pieter} \\(Pieter Bakker\\) +partijpolitiek`));
    r = await cli(['review', 'mark', '--conversation', String(f.ids.conversations.mama), '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.stdout).toMatch(/Marked conversation \d+ as privé: marking \d+, confirmed\./);
    r = await cli(['review', 'mark', '--conversation', '1', '--span', '0:3', '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.stderr).toMatch(/--span needs --message/);
    r = await cli(['review', 'mark', '--message', String(f.ids.messages.mama1), '--span', '3-9', '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.stderr).toMatch(/--span: expected <start>:<end>/);
    r = await cli(['review', 'mark', '--contact', '424242', '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.stderr).toMatch(/contact 424242 does not exist/);
    // The bewindspersoon's own contact: one marking would cover everything they wrote, everywhere.
    const before = row<{ n: number }>(f, 'SELECT COUNT(*) AS n FROM markings');
    r = await cli(['review', 'mark', '--contact', String(f.ids.contacts.self), '--category', 'privé', '--reviewer', 'Els', ...db()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `chatarchief review mark: contact ${f.ids.contacts.self} is the bewindspersoon (minister-bzk) themself, known as the phone's owner from the exports: ` +
        'a contact marking covers every message a contact wrote, in every conversation. Mark the conversations, messages or passages instead\n',
    );
    expect(row<{ n: number }>(f, 'SELECT COUNT(*) AS n FROM markings')).toEqual(before);
  });

  it('two connections (web server and CLI) deciding in turn keep one valid chain', () => {
    const other = openStore(f.dbPath);
    try {
      const ids = [f.ids.markings.partij1, f.ids.markings.partij2, f.ids.markings.partij3, f.ids.markings.passage];
      ids.forEach((id, i) => decide(i % 2 ? other.db : f.store.db, { markingIds: [id], action: 'confirm', reviewer: i % 2 ? 'Piet' : 'Els' }));
      expect(verifyAudit(f.store.db)).toMatchObject({ ok: true, entries: 4 });
      expect(verifyAudit(other.db)).toMatchObject({ ok: true, entries: 4 });
    } finally { other.close(); }
  });
});
