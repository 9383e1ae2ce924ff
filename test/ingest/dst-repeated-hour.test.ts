/**
 * Two exports of one chat across the end of daylight saving time (Europe/Amsterdam, 27 October 2024: 02:00–03:00 is
 * written twice). Both passes of that hour read as the first (timeAmbiguous), so an export that begins in the second
 * pass seems to cover the first, and one that ends in the first pass seems to cover the second. Neither may report the
 * other pass's messages as missing (a possible deletion), nor refuse the same chat; a message really deleted in that
 * hour is still reported by an export that covers the whole hour.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'M', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (file: string) => ingestOne(db, file);
const messages = async (id: number) =>
  (await runCli(['messages', '--db', db, '--conversation', String(id), '--json'])).json().messages as { text: string; missingIn: number[] }[];

/** Message i every two minutes from 26 October 2024 08:00 (CEST), as iOS writes it in Amsterdam's wall-clock time. */
const START = Date.UTC(2024, 9, 26, 6, 0);
const END_OF_DST = Date.UTC(2024, 9, 27, 1, 0);
const at = (i: number) => START + i * 120_000;
const line = (i: number): string => {
  const t = new Date(at(i) + (at(i) < END_OF_DST ? 2 : 1) * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `[${p(t.getUTCDate())}-${p(t.getUTCMonth() + 1)}-${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:00] ${i % 2 ? 'Jan' : 'Piet'}: bericht ${i}`;
};
/** Messages i with `from` ≤ instant < `to` (UTC ms), one per line. */
const between = (from: number, to: number, skip: number[] = []) =>
  Array.from({ length: 900 }, (_, i) => i).filter((i) => at(i) >= from && at(i) < to && !skip.includes(i)).map(line).join('\n') + '\n';
const FIRST_PASS_0230 = Date.UTC(2024, 9, 27, 0, 30);
const SECOND_PASS_0230 = Date.UTC(2024, 9, 27, 1, 30);
const LOCAL_0600 = Date.UTC(2024, 9, 27, 5, 0);
const index = (t: number) => (t - START) / 120_000;

describe('two exports across the hour repeated when daylight saving time ends', () => {
  it('a later export that begins in the second pass reports none of the first pass missing', async () => {
    expect(await ingest(writeIn(dir, 'a/WhatsApp Chat - Overleg.txt', between(START, LOCAL_0600)))).toMatchObject({ messagesNew: 690 });
    const b = await ingest(writeIn(dir, 'b/WhatsApp Chat - Overleg.txt', between(SECOND_PASS_0230, Infinity)));
    expect(b).toMatchObject({ conversationId: 1, messagesNew: 210, messagesSeenBefore: 105, messagesMissing: 0 });
  });

  it('an older export that ends in the first pass reports none of the second pass missing', async () => {
    expect(await ingest(writeIn(dir, 'b/WhatsApp Chat - Overleg.txt', between(SECOND_PASS_0230, Infinity)))).toMatchObject({ messagesNew: 315 });
    const a = await ingest(writeIn(dir, 'a/WhatsApp Chat - Overleg.txt', between(START, FIRST_PASS_0230 + 30 * 60_000)));
    expect(a).toMatchObject({ conversationId: 1, messagesSeenBefore: 0, messagesMissing: 0 });
  });

  it('a message deleted in that hour is still reported by an export that covers the whole hour', async () => {
    const gone = index(FIRST_PASS_0230) + 5; // 02:40, first pass
    expect(await ingest(writeIn(dir, 'a/WhatsApp Chat - Overleg.txt', between(START, LOCAL_0600)))).toMatchObject({ messagesNew: 690 });
    const b = await ingest(writeIn(dir, 'b/WhatsApp Chat - Overleg.txt', between(Date.UTC(2024, 9, 26, 22, 0), Infinity, [gone])));
    expect(b).toMatchObject({ conversationId: 1, messagesMissing: 1 });
    expect((await messages(1)).filter((m) => m.missingIn.length).map((m) => m.text)).toEqual([`bericht ${gone}`]);
  });

  it('an older export without a title joins the chat whose newer export begins in the second pass', async () => {
    expect(await ingest(writeIn(dir, 'b/WhatsApp Chat - Overleg.txt', between(SECOND_PASS_0230, Infinity)))).toMatchObject({ messagesNew: 315 });
    const a = await ingest(writeIn(dir, 'a/_chat.txt', between(START, LOCAL_0600)));
    expect(a).toMatchObject({ conversationId: 1, messagesNew: 585, messagesSeenBefore: 105, messagesMissing: 0 });
  });

  it('a newer export without a title that begins in the second pass joins the chat', async () => {
    expect(await ingest(writeIn(dir, 'a/WhatsApp Chat - Overleg.txt', between(START, LOCAL_0600)))).toMatchObject({ messagesNew: 690 });
    const b = await ingest(writeIn(dir, 'b/_chat.txt', between(SECOND_PASS_0230, Infinity)));
    expect(b).toMatchObject({ conversationId: 1, messagesNew: 210, messagesSeenBefore: 105, messagesMissing: 0 });
  });
});
