import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReviewServer } from '../../src/review/server.js';
import { openStore } from '../../src/store/db.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { apiClient } from './api-client.js';

/**
 * A reviewer marks a passage of one message and another message zakelijk; a later WhatsApp export of the same chat
 * shows both messages edited. The review must point to both decisions (review list, markings, the page's API) until a
 * reviewer decides again.
 */

const NOTICE = '10-03-2025 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.\n';
const FIRST = `${NOTICE}10-03-2025 10:00 - Jan de Vries: Is de nota klaar?
10-03-2025 10:05 - Directeur Bakker: Nota is klaar.
10-03-2025 10:08 - Directeur Bakker: De cijfers staan in bijlage 2, mijn zoon is ziek dus ik bel morgen.
`;
const LATER = `${NOTICE}10-03-2025 10:00 - Jan de Vries: Is de nota klaar?
10-03-2025 10:05 - Directeur Bakker: Nota is klaar. Sorry, ik ben er morgen niet, mijn vrouw Els is opgenomen. <Dit bericht is bewerkt>
10-03-2025 10:08 - Directeur Bakker: De cijfers staan in bijlage 2, mijn zoon Tim is ziek dus ik bel morgen. <Dit bericht is bewerkt>
10-03-2025 10:30 - Jan de Vries: Sterkte
`;

async function setUp() {
  const dir = tempDir('chatarchief-text-changed-');
  const db = path.join(dir, 'store.db');
  const cli = async (...a: string[]) => runCli([...a, '--db', db]);
  const json = async (...a: string[]) => {
    const r = await cli(...a, '--json');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const chat = (name: string, text: string) => {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'WhatsApp-chat met Directeur Bakker.txt'), text);
    return path.join(dir, name);
  };
  expect((await cli('custodian', 'add', '--id', 'min', '--name', 'Jan de Vries', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01')).code).toBe(0);
  await json('ingest', chat('a', FIRST), '--custodian', 'min', '--read-out', '2025-03-10T10:12');
  const msgs = (await json('messages', '--conversation', '1')) as { id: number; text: string }[] | { messages: { id: number; text: string }[] };
  const list = Array.isArray(msgs) ? msgs : msgs.messages;
  const nota = list.find((m) => m.text === 'Nota is klaar.')!.id;
  const cijfers = list.find((m) => m.text.startsWith('De cijfers'))!;
  const privateStart = cijfers.text.indexOf('mijn zoon');
  const zakelijk = await json('review', 'mark', '--message', String(nota), '--category', 'zakelijk', '--reviewer', 'anna');
  const passage = await json('review', 'mark', '--message', String(cijfers.id), '--span', `${privateStart}:${cijfers.text.length}`, '--category', 'privé', '--reviewer', 'anna');
  return { dir, db, cli, json, chat, nota, cijfers: cijfers.id, zakelijkId: markingIdOf(zakelijk), passageId: markingIdOf(passage) };
}

function markingIdOf(r: unknown): number {
  const o = r as { markingId?: number; marking?: { id: number }; id?: number };
  const id = o.markingId ?? o.marking?.id ?? o.id;
  expect(typeof id).toBe('number');
  return id!;
}

type Listed = { id: number; textChangedSinceDecision: boolean; textChangedBySource: number | null };
const flags = (ms: Listed[]) => Object.fromEntries(ms.map((m) => [m.id, [m.textChangedSinceDecision, m.textChangedBySource]]));

describe('decisions made on an earlier text of a message that a later export shows edited', () => {
  it('are listed and flagged in review list, markings and the page API, and no longer after a new decision', async () => {
    const s = await setUp();
    // Before the later export nothing is flagged.
    expect((await s.json('review', 'list', '--custodian', 'min', '--status', 'text-changed')).markings).toEqual([]);

    const later = await s.json('ingest', s.chat('b', LATER), '--custodian', 'min', '--read-out', '2025-03-10T10:31');
    const source = later.sources[0].id as number;
    const warnings = JSON.stringify(later.sources[0].warnings);
    expect(warnings).toMatch(/message-edited-since/);

    // review list --status text-changed names exactly these two decided markings, with the source of the newer text.
    const changed = await s.json('review', 'list', '--custodian', 'min', '--status', 'text-changed');
    expect(changed.markings.map((m: Listed) => m.id).sort()).toEqual([s.zakelijkId, s.passageId].sort());
    expect(flags(changed.markings)).toEqual({ [s.zakelijkId]: [true, source], [s.passageId]: [true, source] });
    expect(changed.counts.textChanged).toBe(2);
    // The whole list carries the field on every marking; existing fields stay.
    const all = await s.json('review', 'list', '--custodian', 'min');
    for (const m of all.markings) expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'level', 'state', 'lastDecision', 'textChangedSinceDecision', 'textChangedBySource']));
    expect(all.markings.filter((m: Listed) => m.textChangedSinceDecision).length).toBe(2);
    const text = await s.cli('review', 'list', '--custodian', 'min', '--status', 'text-changed');
    expect(text.stdout).toMatch(/text changed since decision \(source \d+\): decide again/);
    expect(text.stdout).toMatch(/2 decided on an earlier text of their message/);

    // markings: its JSON items stay exactly the contract's fields (test/rules/tag.test.ts); its table names them.
    expect((await s.cli('markings', '--conversation', '1')).stdout).toMatch(
      new RegExp(`Decided on an earlier text of their message, decide again: marking ${Math.min(s.zakelijkId, s.passageId)} \\(newer text from source ${source}\\), ${Math.max(s.zakelijkId, s.passageId)} \\(newer text from source ${source}\\)\\.`),
    );

    // The page's API: the markings carry the flag, the conversation list counts them, and "next open" jumps to them.
    const store = openStore(s.db);
    const srv = await startReviewServer({ db: store.db, custodianId: 'min', preview: null });
    try {
      const api = apiClient(srv);
      const page = (await api('/api/conversations/1/messages')).json;
      const shown = page.messages.flatMap((m: { markings: Listed[] }) => m.markings);
      expect(flags(shown)).toEqual({ [s.zakelijkId]: [true, source], [s.passageId]: [true, source] });
      const convs = (await api('/api/conversations')).json;
      expect(convs.textChanged).toBe(2);
      expect(convs.conversations[0].textChanged).toBe(2);
      const todo = (await api('/api/conversations/1/positions?state=todo&reviewer=bert')).json.positions;
      expect(todo.flatMap((p: { markingIds: number[] }) => p.markingIds).sort()).toEqual([s.zakelijkId, s.passageId].sort());
      const only = (await api('/api/conversations/1/positions?state=text-changed')).json.positions;
      expect(only.map((p: { messageId: number }) => p.messageId)).toEqual([s.nota, s.cijfers]);
      const detail = (await api(`/api/markings/${s.passageId}`)).json;
      expect(detail.marking.textChangedSinceDecision).toBe(true);
    } finally {
      await srv.close();
      store.close();
    }

    // A reviewer decides again (the same decision, on the text as it is now): recorded without a reason, flag gone.
    const again = await s.json('review', 'decide', String(s.zakelijkId), String(s.passageId), '--accept', '--reviewer', 'bert');
    expect(JSON.stringify(again)).not.toMatch(/"decisionId":null/);
    expect((await s.json('review', 'list', '--custodian', 'min', '--status', 'text-changed')).markings).toEqual([]);
    expect((await s.cli('markings', '--conversation', '1')).stdout).not.toMatch(/Decided on an earlier text/);
    // Confirming once more changes nothing (no flag left to clear).
    const third = await s.json('review', 'decide', String(s.zakelijkId), '--accept', '--reviewer', 'bert');
    expect(JSON.stringify(third)).toMatch(/"decisionId":null/);
  });
});
