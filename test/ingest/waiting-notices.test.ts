/**
 * "Waiting for this message" notices stand where a message has not arrived yet; a later export shows the message
 * instead, or still the notice. A notice has no sender (a system event) but is one person's: two people's notices in
 * one minute are two messages, each found again as itself in a later export, and the one whose message arrived is the
 * one missing there.
 */
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Minister', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const NAME = 'WhatsApp-chat met Overleg.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (rel: string, lines: string[]) => ingestOne(db, writeIn(dir, rel, lines.join('\n') + '\n'));
const messages = async () =>
  (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages as
    { text: string; event: string | null; extra: { actor?: string } | null; sources: number[]; missingIn: number[] }[];

const FIRST = [
  '01-06-2024 10:00 - Piet: Goedemorgen',
  '01-06-2024 10:08 - Bob: Wachten op dit bericht.',
  '01-06-2024 10:08 - Anna: Wachten op dit bericht.',
  '01-06-2024 10:09 - Minister: Ok',
];
/** A month later: Bob's message arrived (shown in place of his notice), Anna's still waits. */
const LATER = [
  '01-06-2024 10:00 - Piet: Goedemorgen',
  '01-06-2024 10:08 - Bob: Het stuk komt morgen',
  '01-06-2024 10:08 - Anna: Wachten op dit bericht.',
  '01-06-2024 10:09 - Minister: Ok',
];
const notices = async () => (await messages()).filter((m) => m.event === 'waiting').map((m) => [m.extra?.actor, m.sources, m.missingIn]);

describe('waiting notices of two people in one minute', () => {
  it('each is found again as itself; the one whose message arrived is missing', async () => {
    expect(await ingest(`a/${NAME}`, FIRST)).toMatchObject({ messagesNew: 4 });
    expect(await ingest(`b/${NAME}`, LATER)).toMatchObject({ messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 1 });
    expect(await notices()).toEqual([['Bob', [1], [2]], ['Anna', [1, 2], []]]);
  });

  it('a store ingested by whatsapp-1.1.0, which keyed notices without their author, is still matched', async () => {
    await ingest(`a/${NAME}`, FIRST);
    // The store as whatsapp-1.1.0 left it: each notice under the key of an empty sender, numbered as identical repeats.
    const body = crypto.hash('sha256', 'system\u0000waiting\u0000Wachten op dit bericht.', 'base64url').slice(0, 22);
    const d = new Database(db);
    try {
      const ids = d.prepare("SELECT id FROM messages WHERE event = 'waiting' ORDER BY seq").pluck().all() as number[];
      ids.forEach((id, i) => d.prepare('UPDATE messages SET dedup_key = ? WHERE id = ?').run(`t:2024-06-01T10:08:00||${body}${i ? `#${i}` : ''}`, id));
      d.prepare("UPDATE sources SET parser_version = 'whatsapp-1.1.0'").run();
    } finally {
      d.close();
    }
    // A later export with both notices still there: nothing new, nothing missing.
    expect(await ingest(`b/${NAME}`, [...FIRST, '02-06-2024 09:00 - Piet: Nieuw'])).toMatchObject({ messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 0 });
  });
});
