import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { freshStore } from './store-dir.js';

/**
 * A later export of the same Signal chat in which a message was edited again (or edited for the first time): the
 * message keeps its id, gains the new versions, never loses an earlier one, and the ingest report says so.
 */

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const SIGTOP = path.join(REPO, 'samples/signal/sigtop/Youssef El Amrani (+31620001001).json');
const CUSTODIAN = ['--id', 'staatssecretaris-bzk', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris van BZK', '--department', 'BZK', '--from', '2024-07-02'];

// The sample's edited message: sent 1761289260000 ("10.00"), edited at ...330000 ("09.30") and ...425000 ("09.00").
const EDITED_AT = '"dateSent":"1761289425000"';
const V1 = 'Overleg morgen om 10.00 uur?';
const V2 = 'Overleg morgen om 09.30 uur?';
const V3 = 'Overleg morgen om 09.00 uur?';
const V4 = 'Overleg morgen om 08.30 uur?';
const V4_MS = 1761290000000;

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'staatssecretaris-bzk', '--operator', 'RIH', '--json', ...args]);
const conversations = async () => (await runCli(['conversations', '--db', db, '--custodian', 'staatssecretaris-bzk', '--json'])).json().conversations;
const messages = async (id: number) => (await runCli(['messages', '--db', db, '--conversation', String(id), '--json'])).json().messages;
const allMessages = async () => (await Promise.all((await conversations()).map((c: any) => messages(c.id)))).flat();
const iso = (ms: number) => new Date(ms).toISOString();

/** A copy of the sample export whose edited message is rewritten by `edit` (the parsed chatItem frame). */
function exportWith(name: string, edit: (item: any) => any): string {
  const out = path.join(dir, name);
  fs.cpSync(SAMPLE, out, { recursive: true });
  const lines = fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('{"chatItem"') && l.includes(EDITED_AT));
  expect(at).toBeGreaterThan(0);
  lines[at] = JSON.stringify({ chatItem: edit(JSON.parse(lines[at]!).chatItem) });
  fs.writeFileSync(path.join(out, 'main.jsonl'), lines.join('\n'));
  return out;
}

/** The sample with one further edit: the current version becomes the last revision, V4 the new current text. */
const furtherEdit = (name: string) =>
  exportWith(name, (item) => {
    const { revisions, ...current } = item;
    return {
      ...current,
      revisions: [...revisions, current],
      dateSent: String(V4_MS),
      outgoing: { ...current.outgoing, dateReceived: String(V4_MS) },
      standardMessage: { text: { body: V4 } },
    };
  });

/** The sample as it stood before any edit: only the first version, sent at the original time. */
const beforeEdits = (name: string) =>
  exportWith(name, (item) => {
    const { revisions, ...rest } = item;
    return { ...rest, ...revisions[0] };
  });

const editedMessage = (all: any[]) => {
  const hits = all.filter((m) => [V1, V2, V3, V4].includes(m.text) || m.extra?.revisions?.some((r: any) => r.text === V1));
  expect(hits).toHaveLength(1);
  return hits[0];
};

describe('Signal export: a message edited again after an earlier export', () => {
  it('gains the newer version, keeps every earlier one and its id, and the ingest reports it', async () => {
    const first = await ingest(SAMPLE);
    expect(first.code, first.stderr).toBe(0);
    const before = editedMessage(await allMessages());
    const count = (await allMessages()).length;

    const r = await ingest(furtherEdit('later'));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ duplicateSource: false, messagesNew: 0, messagesSeenBefore: 22, messagesUpdated: 1, messagesMissing: 0 });
    const w = s.warnings.filter((x: any) => x.code === 'message-edited-since');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain(`message ${before.id} `);
    expect(w[0].message).toMatch(/1 version added/);
    expect(r.stderr).toContain('was edited since an earlier source');

    const all = await allMessages();
    expect(all).toHaveLength(count);
    const after = editedMessage(all);
    expect(after).toMatchObject({ id: before.id, seq: before.seq, sentAt: before.sentAt, text: V4, edited: true, sources: [1, 2], missingIn: [] });
    expect(after.extra.revisions.map((x: any) => x.text)).toEqual([V1, V2, V3]);
    expect(after.extra.revisions.map((x: any) => iso(Date.parse(x.at)))).toEqual([iso(1761289260000), iso(1761289330000), iso(1761289425000)]);
    expect(iso(Date.parse(after.extra.editedAt))).toBe(iso(V4_MS));
    expect(after.extra.textFromSource).toBe(2);
    // Everything else about the message is as before (reactions, receipts, quote links).
    const { text: _t, extra: { revisions: _r, editedAt: _e, textFromSource: _f, ...restAfter }, sources: _s, ...fieldsAfter } = after;
    const { text: _t0, extra: { revisions: _r0, editedAt: _e0, ...restBefore }, sources: _s0, ...fieldsBefore } = before;
    expect(fieldsAfter).toEqual(fieldsBefore);
    expect(restAfter).toEqual(restBefore);
  });

  it('a first edit after an unedited export updates the message instead of adding a duplicate', async () => {
    expect((await ingest(beforeEdits('unedited'))).code).toBe(0);
    const before = editedMessage(await allMessages());
    expect(before).toMatchObject({ text: V1, edited: false });
    const r = await ingest(SAMPLE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 0, messagesSeenBefore: 22, messagesUpdated: 1, messagesMissing: 0 });
    const after = editedMessage(await allMessages());
    expect(after).toMatchObject({ id: before.id, text: V3, edited: true, sources: [1, 2] });
    expect(after.extra.revisions.map((x: any) => x.text)).toEqual([V1, V2]);
  });

  it('an older export ingested after a newer one changes nothing and warns about nothing', async () => {
    expect((await ingest(furtherEdit('later'))).code).toBe(0);
    const newer = await allMessages();
    const r = await ingest(SAMPLE);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ messagesNew: 0, messagesSeenBefore: 22, messagesUpdated: 0 });
    expect(s.warnings.map((x: any) => x.code)).not.toContain('message-edited-since');
    const all = await allMessages();
    expect(all.map((m: any) => ({ ...m, sources: undefined }))).toEqual(newer.map((m: any) => ({ ...m, sources: undefined })));
    expect(editedMessage(all).extra.revisions.map((x: any) => x.text)).toEqual([V1, V2, V3]);
  });

  it('in either ingest order the store ends with the same versions', async () => {
    const a = beforeEdits('a');
    const b = furtherEdit('b');
    expect((await ingest(a)).code).toBe(0);
    expect((await ingest(b)).code).toBe(0);
    const forward = editedMessage(await allMessages());
    dir = tempDir();
    db = path.join(dir, 'store.db');
    expect((await runCli(['custodian', 'add', '--db', db, ...CUSTODIAN])).code).toBe(0);
    expect((await ingest(b)).code).toBe(0);
    const r = await ingest(a);
    expect(r.json().sources[0]).toMatchObject({ messagesUpdated: 0 });
    const backward = editedMessage(await allMessages());
    expect(forward.text).toBe(V4);
    expect(backward.text).toBe(V4);
    expect(forward.extra.revisions).toEqual(backward.extra.revisions);
  });

  it('a further export with the same versions (other bytes) is not counted as updated again', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    expect((await ingest(furtherEdit('later'))).json().sources[0].messagesUpdated).toBe(1);
    const same = path.join(dir, 'same');
    fs.cpSync(path.join(dir, 'later'), same, { recursive: true });
    fs.appendFileSync(path.join(same, 'main.jsonl'), '\n');
    const r = await ingest(same);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ duplicateSource: false, messagesNew: 0, messagesUpdated: 0 });
    expect(editedMessage(await allMessages()).extra.revisions.map((x: any) => x.text)).toEqual([V1, V2, V3]);
  });

  it('keeps the stored text when passage markings refer to offsets in it, keeps the newer version apart and says so', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const before = editedMessage(await allMessages());
    expect(before.text).toBe(V3);
    const start = V3.indexOf('09.00');
    const marked = await runCli(['review', 'mark', '--db', db, '--json', '--message', String(before.id), '--span', `${start}:${start + 5}`, '--category', 'privé', '--reviewer', 'RIH']);
    expect(marked.code, marked.stderr).toBe(0);
    const markingId = marked.json().markingId;

    const r = await ingest(furtherEdit('later'));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ messagesNew: 0, messagesUpdated: 1 });
    const w = s.warnings.find((x: any) => x.code === 'message-edited-since');
    expect(w.message).toContain(`M-${markingId}`);
    expect(w.message).toMatch(/NOT replaced/);

    const after = editedMessage(await allMessages());
    // The span still covers the words it was made on.
    expect(after).toMatchObject({ id: before.id, text: V3, edited: true });
    expect(after.text.slice(start, start + 5)).toBe('09.00');
    expect(after.extra.revisions.map((x: any) => x.text)).toEqual([V1, V2]);
    expect(after.extra.newerVersions.map((x: any) => x.text)).toEqual([V4]);
    expect(after.extra.textKeptForMarkings).toEqual([markingId]);
    expect(after.extra.editedAt).toBe(before.extra.editedAt);
  });

  it('a passage marking that was undone hides nothing and does not hold the text back', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const before = editedMessage(await allMessages());
    const marked = await runCli(['review', 'mark', '--db', db, '--json', '--message', String(before.id), '--span', '0:7', '--category', 'privé', '--reviewer', 'RIH']);
    expect(marked.code, marked.stderr).toBe(0);
    const undo = await runCli(['review', 'decide', String(marked.json().markingId), '--undo', '--reviewer', 'RIH', '--db', db]);
    expect(undo.code, undo.stderr).toBe(0);
    expect((await ingest(furtherEdit('later'))).code).toBe(0);
    const after = editedMessage(await allMessages());
    expect(after.text).toBe(V4);
    expect(after.extra.newerVersions).toBeUndefined();
  });
});

describe('sigtop JSON: a message edited again after an earlier export', () => {
  it('gains the newer version from editHistory and keeps the earlier ones', async () => {
    const name = path.basename(SIGTOP);
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.copyFileSync(SIGTOP, path.join(a, name));
    const lines = fs.readFileSync(SIGTOP, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"editHistory"'));
    expect(at).toBeGreaterThan(0);
    const comma = lines[at]!.endsWith(',');
    const m = JSON.parse(comma ? lines[at]!.slice(0, -1) : lines[at]!);
    m.body = V4;
    m.editMessageTimestamp = V4_MS;
    m.editHistory = [{ ...m.editHistory[0], body: V4, timestamp: V4_MS, received_at_ms: V4_MS }, ...m.editHistory];
    lines[at] = JSON.stringify(m) + (comma ? ',' : '');
    fs.writeFileSync(path.join(b, name), lines.join('\n'));

    expect((await ingest(path.join(a, name))).code).toBe(0);
    const before = editedMessage(await allMessages());
    const r = await ingest(path.join(b, name));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ messagesNew: 0, messagesUpdated: 1, messagesMissing: 0 });
    expect(r.json().sources[0].warnings.map((x: any) => x.code)).toContain('message-edited-since');
    const after = editedMessage(await allMessages());
    expect(after).toMatchObject({ id: before.id, text: V4, edited: true, sources: [1, 2] });
    expect(after.extra.revisions.map((x: any) => x.text)).toEqual([V1, V2, V3]);
  });
});
