import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * A reviewer working from the text output (no --json) reads a message's number off `messages` and marks it with
 * `review mark --message <id>`. The number `messages` shows must be the id that `review mark`, `review list` ("msg N")
 * and `markings` ("target") use: the file order (seq) is another number once a store holds more than one chat, and
 * marking by it silently withholds the wrong message while the private one is delivered.
 */
const NOTICE = 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.';
const FIRST = `01-09-2026 08:00 - ${NOTICE}
01-09-2026 08:05 - Karin de Boer: Goedemorgen, de Belastingplan-stukken staan klaar.
01-09-2026 08:10 - Pieter Hendriks: Dank, ik kijk er vanavond naar.
`;
const SECOND = `07-09-2026 20:00 - ${NOTICE}
07-09-2026 20:01 - Jan Hendriks: Kom je zondag eten bij pa en ma?
07-09-2026 20:10 - Pieter Hendriks: Ja gezellig, ik neem taart mee.
`;

describe('messages (text output) shows the id that review mark takes', () => {
  it('marking the number shown beside a message marks that message', async () => {
    const dir = tempDir('chatarchief-message-ids-');
    const db = path.join(dir, 'store.db');
    const cli = (...a: string[]) => runCli([...a, '--db', db]);
    fs.writeFileSync(path.join(dir, 'WhatsApp-chat met Fiscaal team.txt'), FIRST);
    fs.writeFileSync(path.join(dir, 'WhatsApp-chat met Jan Hendriks.txt'), SECOND);
    expect((await cli('custodian', 'add', '--id', 'stas', '--name', 'Pieter Hendriks', '--function', 'Staatssecretaris', '--department', 'Financiën', '--from', '2026-01-01')).code).toBe(0);
    const ingest = await cli('ingest', path.join(dir, 'WhatsApp-chat met Fiscaal team.txt'), path.join(dir, 'WhatsApp-chat met Jan Hendriks.txt'), '--custodian', 'stas', '--json');
    expect(ingest.code, ingest.stderr).toBe(0);
    const conversation = ingest.json().sources[1].conversationId as number;

    const text = await cli('messages', '--conversation', String(conversation));
    expect(text.code, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.includes('Kom je zondag eten'))!;
    const shown = /\bmsg (\d+)\b/.exec(line);
    expect(shown, `no message id in: ${line}`).not.toBeNull();

    const marked = await cli('review', 'mark', '--message', shown![1]!, '--category', 'privé', '--reviewer', 'A. Beoordelaar');
    expect(marked.code, marked.stderr).toBe(0);
    const messages = (await cli('messages', '--conversation', String(conversation), '--json')).json().messages as { id: number; text: string }[];
    const target = messages.find((m) => m.text.startsWith('Kom je zondag eten'))!;
    const markings = (await cli('markings', '--conversation', String(conversation), '--json')).json().markings as { targetId: number; level: string }[];
    expect(markings).toEqual([expect.objectContaining({ level: 'message', targetId: target.id })]);
    // review list names the message the same way ("msg N").
    const list = await cli('review', 'list', '--custodian', 'stas');
    expect(list.stdout).toContain(`msg ${target.id}`);
  });

  it('the help of messages and review mark say which number is which', async () => {
    const help = await runCli(['messages', '--help']);
    expect(help.stdout).toMatch(/msg <id>/);
    const mark = await runCli(['review', 'mark', '--help']);
    expect(mark.stdout).toMatch(/--message takes the message id/);
  });
});
