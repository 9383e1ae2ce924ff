/**
 * A Signal message deleted for everyone after an earlier export was made comes back in the later export as a tombstone
 * under the same key (author and original send time): it was sighted silently, so nothing said that it was deleted
 * since. The stored content stays; the deletion is a warning and a finding, once per message.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore } from './store-dir.js';

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const CUSTODIAN = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'BZK', '--from', '2024-07-02'];
/** Line 18 of the sample: Petra's first message of the 1:1 chat, a text. */
const SENT = '1761285912000';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (p: string) => runCli(['ingest', '--db', db, '--custodian', 'min', '--json', p]);

/** The sample export with the message sent at SENT deleted for everyone (its content gone, author and time kept). */
function deletedExport(name: string, trailer = ''): string {
  const out = path.join(dir, name);
  fs.cpSync(SAMPLE, out, { recursive: true });
  const main = path.join(out, 'main.jsonl');
  const lines = fs.readFileSync(main, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`"dateSent":"${SENT}"`));
  const item = JSON.parse(lines[i]!) as { chatItem: Record<string, unknown> };
  delete item.chatItem['standardMessage'];
  item.chatItem['remoteDeletedMessage'] = {};
  lines[i] = JSON.stringify(item);
  fs.writeFileSync(main, lines.join('\n') + trailer);
  return out;
}

describe('a Signal message deleted for everyone since an earlier export', () => {
  it('keeps the stored content, and is a warning and a finding naming the message, once', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const r = await ingest(deletedExport('later'));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
    const w = s.warnings.filter((x: any) => x.code === 'message-deleted-since');
    expect(w).toHaveLength(1);
    const all = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages;
    const m = all.find((x: any) => x.sentAt === '2025-10-24T08:05:12+02:00');
    expect(m).toMatchObject({ kind: 'text', sources: [1, 2] });
    expect(m.text).toMatch(/^Goedemorgen minister/);
    expect(w[0].message).toContain(`message ${m.id} (conversation 1`);

    const findings = async () =>
      (await runCli(['report', 'findings', '--db', db, '--custodian', 'min', '--format', 'json'])).json().findings.filter((f: any) => f.code === 'deleted-since-earlier-export');
    expect(await findings()).toMatchObject([{ conversationId: 1, sourceId: 2 }]);

    // A third export with the same tombstone (other bytes: not the same source) says nothing new.
    const again = await ingest(deletedExport('third', '\n'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().sources[0]).toMatchObject({ duplicateSource: false, messagesSeenBefore: 22 });
    expect(again.json().sources[0].warnings.map((x: any) => x.code)).not.toContain('message-deleted-since');
    expect(await findings()).toHaveLength(1);
  });

  const findings = async () =>
    (await runCli(['report', 'findings', '--db', db, '--custodian', 'min', '--format', 'json'])).json().findings.filter((f: any) => f.code === 'deleted-since-earlier-export');
  const deletedWarnings = (r: Awaited<ReturnType<typeof ingest>>) => r.json().sources[0].warnings.filter((x: any) => x.code === 'message-deleted-since');

  it('knows the deletion as said by the message the finding records, whatever its wording', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    expect(deletedWarnings(await ingest(deletedExport('later')))).toHaveLength(1);
    // The finding's text is the operator's English: a rewording must not make the next export report it again.
    const raw = new Database(db);
    expect(raw.prepare("UPDATE source_findings SET message = 'the message was deleted for everyone since an earlier source' WHERE code = 'message-deleted-since'").run().changes).toBe(1);
    raw.close();
    const again = await ingest(deletedExport('third', '\n'));
    expect(again.code, again.stderr).toBe(0);
    expect(deletedWarnings(again)).toEqual([]);
    expect(await findings()).toHaveLength(1);
  });

  it('a store of schema v12 keeps its findings: the migration takes the message from their text, and nothing is reported twice', async () => {
    expect((await ingest(SAMPLE)).code).toBe(0);
    const later = await ingest(deletedExport('later'));
    const [w] = deletedWarnings(later);
    const before = await findings();
    expect(before).toHaveLength(1);
    const id = Number(/^message (\d+) /.exec(w.message)![1]);

    // The store as schema v12 left it: source_findings without message_id. Beside the real finding, two rows the old
    // text match never took for one: a finding of another code that names the message, and one whose message id is
    // not a message of its conversation.
    const raw = new Database(db);
    raw.exec('DROP INDEX source_findings_message; ALTER TABLE source_findings DROP COLUMN message_id');
    raw.pragma('user_version = 12');
    const add = raw.prepare('INSERT INTO source_findings (source_id, code, message, conversation_id) VALUES (2, ?, ?, ?)');
    add.run('attachment-mismatch', `message ${id} (conversation 1, Youssef, sent x): attachment 'a.pdf'`, 1);
    add.run('message-deleted-since', `message ${id} (conversation 2, sent x) was deleted for everyone since an earlier source`, 2);
    raw.close();

    const again = await ingest(deletedExport('third', '\n'));
    expect(again.code, again.stderr).toBe(0);
    expect(deletedWarnings(again)).toEqual([]);
    const after = new Database(db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(13);
    expect(after.prepare('SELECT code, conversation_id AS conv, message_id AS msg FROM source_findings WHERE message LIKE ? ORDER BY id').all(`message ${id} %`)).toEqual([
      { code: 'message-deleted-since', conv: 1, msg: id },
      // (v14 gives attachment findings their message too; DeletedSince still takes only its own code)
      { code: 'attachment-mismatch', conv: 1, msg: id },
      { code: 'message-deleted-since', conv: 2, msg: null },
    ]);
    after.close();
    // The report is what it was, plus the row that was already in it (a finding, whatever its message).
    const now = await findings();
    expect(now[0]).toEqual(before[0]);
    expect(now).toHaveLength(2);
  });
});
