/**
 * The `message-edited-since` warning goes to stderr (and logs): it names the message, its conversation and its
 * sender by id, never the sender's name, which may be private. `ingest --json` keeps the warning's fields.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Min', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const NAME = 'WhatsApp-chat met Crisisteam.txt';
const E1 = ['10-01-2024 16:00 - Min: begin', '10-01-2024 16:01 - Annemiek Verstegen: Hallo', '10-01-2024 16:02 - Min: ok'];
const E2 = [
  '10-01-2024 16:00 - Min: begin', '10-01-2024 16:01 - Annemiek Verstegen: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Min: ok',
  '11-01-2024 09:00 - Min: nieuw',
];

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

/** The edited message and its sender's contact (read from the store: `messages --json` names no contact id). */
function editedMessage(): { id: number; contactId: number } {
  const store = new Database(db, { readonly: true });
  try {
    return store.prepare("SELECT id, sender_contact_id AS contactId FROM messages WHERE sender = 'Annemiek Verstegen'").get() as { id: number; contactId: number };
  } finally {
    store.close();
  }
}

const ingest = (rel: string, lines: string[], ...args: string[]) =>
  runCli(['ingest', '--db', db, '--custodian', 'min', ...args, writeIn(dir, `${rel}/${NAME}`, lines.join('\n') + '\n')]);

describe('the message-edited-since warning', () => {
  it('names the message, conversation and sender by id on stderr, not the sender\'s name', async () => {
    expect((await ingest('e1', E1)).code).toBe(0);
    const r = await ingest('e2', E2);
    expect(r.code, r.stderr).toBe(0);
    const edited = editedMessage();
    const line = r.stderr.split('\n').find((l) => l.includes('was edited since an earlier source'));
    expect(line).toMatch(new RegExp(`^warning: .*:2: message ${edited.id} \\(conversation 1, from contact ${edited.contactId}, sent 2024-01-10T16:01:00\\+01:00\\) was edited since an earlier source: 1 version added`));
    expect(r.stderr).not.toMatch(/Annemiek|Verstegen/);
  });

  it('--json keeps code, message and line; the message names no sender either', async () => {
    expect((await ingest('e1', E1, '--json')).code).toBe(0);
    const r = await ingest('e2', E2, '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = (r.json().sources[0].warnings as Record<string, unknown>[]).filter((x) => x.code === 'message-edited-since');
    expect(w).toHaveLength(1);
    expect(Object.keys(w[0]!).sort()).toEqual(['code', 'line', 'message']);
    expect(w[0]).toMatchObject({ code: 'message-edited-since', line: 2, message: expect.stringMatching(new RegExp(`^message ${editedMessage().id} \\(conversation 1, from contact ${editedMessage().contactId}, sent `)) });
    expect(r.stdout + r.stderr).not.toMatch(/Annemiek|Verstegen/);
  });
});
