/**
 * Which stored messages a later export "covers" (issue #2: a message an earlier export contained and a later one lacks,
 * although the later export covers its time, is reported missing, a possible deletion on the phone). Timestamps run
 * out of order (a message written in flight mode is dated when written, but stands where it arrived), and the export
 * limit cuts an export at a line, not at a time: a message before the later export's first line is not covered,
 * whatever its time, and neither is one after an older export's last line. A message edited after an earlier export
 * was made (WhatsApp allows edits for 15 minutes: a message near the end of an export) shows in the later export with
 * its new text and "<Dit bericht is bewerkt>", another key: it is one message, not a new one and a missing one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, ingestOne, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'min', '--name', 'Min', '--function', 'f', '--department', 'd', '--from', '2010-01-01'];
const NAME = 'WhatsApp-chat met Piet.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = (rel: string, lines: string[]) => ingestOne(db, writeIn(dir, `${rel}/${NAME}`, lines.join('\n') + '\n'));
const missing = async () =>
  ((await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages as { text: string; missingIn: number[] }[])
    .filter((m) => m.missingIn.length)
    .map((m) => m.text);

const E1 = [
  '10-01-2024 16:00 - Piet: begin',
  '10-01-2024 16:24 - Min: verstuurd in vliegtuigmodus',
  '10-01-2024 16:20 - Piet: a',
  '10-01-2024 16:21 - Min: b',
  '10-01-2024 16:30 - Piet: c',
];

describe('what a later export covers', () => {
  it('a message before its first line is not missing, though its time is later (out of order)', async () => {
    await ingest('e1', E1);
    // The export limit dropped the first two lines.
    expect(await ingest('e2', [...E1.slice(2), '11-01-2024 09:00 - Piet: nieuw'])).toMatchObject({ messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(await missing()).toEqual([]);
  });

  it('earlier messages of its first minute are not missing (Android: minutes only)', async () => {
    await ingest('e1', ['10-01-2024 09:00 - Piet: hoi', '10-01-2024 09:01 - Piet: Goedemorgen', '10-01-2024 09:01 - Min: Ok', '10-01-2024 09:05 - Piet: agenda']);
    expect(await ingest('e2', ['10-01-2024 09:01 - Min: Ok', '10-01-2024 09:05 - Piet: agenda', '10-01-2024 10:00 - Min: later'])).toMatchObject({ messagesMissing: 0 });
  });

  it('a message deleted between its lines is reported, and so is one deleted at the end of the earlier export', async () => {
    await ingest('e1', [...E1, '10-01-2024 16:40 - Min: laatste']);
    const e2 = await ingest('e2', [...E1.slice(2).filter((l) => !l.endsWith(': b')), '11-01-2024 09:00 - Piet: nieuw']);
    expect(e2).toMatchObject({ messagesMissing: 2 });
    expect(await missing()).toEqual(['b', 'laatste']);
  });

  it('an older export ingested after a newer one covers nothing after its last line', async () => {
    // The newer export holds a message dated 16:25 that arrived after "c" (16:30), the older export's last line.
    await ingest('new', [...E1, '10-01-2024 16:25 - Piet: laat afgeleverd', '10-01-2024 16:40 - Min: later']);
    expect(await ingest('old', E1)).toMatchObject({ messagesNew: 0, messagesSeenBefore: 5, messagesMissing: 0 });
    expect(await missing()).toEqual([]);
  });

  it('an export holding none of an earlier export\'s messages in its time reports them all (a chat cleared on the phone)', async () => {
    await ingest('e1', E1);
    expect(await ingest('e2', ['10-01-2024 15:00 - Piet: eerder', '10-01-2024 17:00 - Piet: daarna'])).toMatchObject({ messagesMissing: 5 });
  });

  describe('three exports of one chat', () => {
    const msg = (n: number) => `10-01-2024 ${String(9 + Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} - ${n % 2 ? 'Piet' : 'Min'}: bericht ${n}`;
    const msgs = (...ns: number[]) => ns.map(msg);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

    it('a message the second export added, deleted before the third, is reported', async () => {
      await ingest('e1', msgs(...range(1, 10)));
      await ingest('e2', msgs(...range(1, 20)));
      expect(await ingest('e3', msgs(...range(1, 10), ...range(12, 20)))).toMatchObject({ messagesMissing: 1 });
      expect(await missing()).toEqual(['bericht 11']);
    });

    it('the first message of an earlier export, deleted before a later one that begins earlier, is reported', async () => {
      await ingest('e1', msgs(...range(5, 10)));
      expect(await ingest('e2', msgs(...range(1, 4), ...range(6, 15)))).toMatchObject({ messagesMissing: 1 });
      expect(await missing()).toEqual(['bericht 5']);
    });

    it('an older export ingested last covers nothing after its last line in an export that holds both', async () => {
      await ingest('a', ['10-01-2024 16:18 - Piet: een', '10-01-2024 16:19 - Min: twee', '10-01-2024 16:20 - Piet: drie']);
      await ingest('b', ['10-01-2024 16:18 - Piet: een', '10-01-2024 16:19 - Min: twee', '10-01-2024 16:20 - Piet: drie', '10-01-2024 16:20 - Min: vier', '10-01-2024 16:30 - Piet: vijf']);
      expect(await ingest('old', ['10-01-2024 16:19 - Min: twee', '10-01-2024 16:20 - Piet: drie'])).toMatchObject({ messagesMissing: 0 });
    });

    it('an export cut at a line covers nothing before it, whichever export first stored the message', async () => {
      const a = ['10-01-2024 16:18 - Piet: een', '10-01-2024 16:19 - Min: twee', '10-01-2024 16:20 - Piet: drie'];
      await ingest('a', a);
      await ingest('b', [...a, '10-01-2024 16:20 - Min: vier', '10-01-2024 16:20 - Piet: vijf', '10-01-2024 16:30 - Min: zes']);
      expect(await ingest('c', ['10-01-2024 16:20 - Piet: vijf', '10-01-2024 16:30 - Min: zes', '10-01-2024 16:40 - Piet: zeven'])).toMatchObject({ messagesMissing: 0 });
    });
  });
});

const editedMessages = async () =>
  (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages as
    { text: string; edited: boolean; sources: number[]; missingIn: number[]; extra: { revisions?: { text: string }[] } | null }[];

const HALLO = ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo', '10-01-2024 16:02 - Piet: ok'];

describe('a message edited after an earlier export', () => {
  it('is one message with both versions, seen in both exports, not missing', async () => {
    await ingest('e1', HALLO);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '11-01-2024 09:00 - Piet: nieuw']);
    expect(e2).toMatchObject({ messagesNew: 1, messagesSeenBefore: 3, messagesMissing: 0 });
    expect(e2.warnings.map((w: { code: string }) => w.code)).toEqual(['message-edited-since']);
    const ms = await editedMessages();
    expect(ms.map((m) => [m.text, m.edited, m.sources, m.missingIn])).toEqual([
      ['begin', false, [1, 2], []],
      ['Hallo allemaal', true, [1, 2], []],
      ['ok', false, [1, 2], []],
      ['nieuw', false, [2], []],
    ]);
    expect(ms[1]!.extra?.revisions?.map((r) => r.text)).toEqual(['Hallo']);
    // A third export, edited version again: nothing new, nothing missing.
    expect(await ingest('e3', ['10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '11-01-2024 09:00 - Piet: nieuw'])).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
    expect(await editedMessages()).toHaveLength(4);
  });

  it('two messages of that sender in that minute, one of them gone: left as it is (a new message, one missing)', async () => {
    await ingest('e1', [...HALLO.slice(0, 2), '10-01-2024 16:01 - Min: Tweede', HALLO[2]!]);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok']);
    expect(e2).toMatchObject({ messagesNew: 1, messagesMissing: 2 });
  });

  it('another sender, or another minute, is never taken for the original', async () => {
    await ingest('e1', HALLO);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Piet: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok']);
    expect(e2).toMatchObject({ messagesNew: 1, messagesMissing: 1 });
  });

  it('a message deleted after the edited one is still reported when the export ends on lines seen before', async () => {
    await ingest('e1', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo', '10-01-2024 16:02 - Piet: X', '10-01-2024 16:03 - Piet: ok']);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:03 - Piet: ok']);
    expect(e2).toMatchObject({ messagesNew: 0, messagesSeenBefore: 3, messagesMissing: 1 });
    expect((await editedMessages()).filter((m) => m.missingIn.length).map((m) => m.text)).toEqual(['X']);
  });

  it('a message deleted for everyone, and another one sent in its minute, are not taken for an edit', async () => {
    await ingest('e1', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo, de nota gaat morgen naar de Kamer']);
    const e2 = await ingest('e2', [
      '10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: U hebt dit bericht verwijderd', '10-01-2024 16:01 - Min: Sorry, verkeerde chat <Dit bericht is bewerkt>', '10-01-2024 16:30 - Piet: ok',
    ]);
    expect(e2).toMatchObject({ messagesNew: 3, messagesMissing: 1 });
    expect(e2.warnings.map((w: { code: string }) => w.code)).not.toContain('message-edited-since');
    expect((await editedMessages()).find((m) => m.text.startsWith('Hallo'))?.missingIn).toEqual([2]);
  });

  it('edited twice, in export order: one message with all three versions, the newest its text', async () => {
    await ingest('e1', HALLO);
    await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok']);
    const e3 = await ingest('e3', [
      '10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal, tot morgen <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:20 - Piet: later',
    ]);
    expect(e3).toMatchObject({ messagesNew: 1, messagesMissing: 0 });
    const m = (await editedMessages()).find((x) => x.text.startsWith('Hallo'))!;
    expect([m.text, m.extra?.revisions?.map((r) => r.text)]).toEqual(['Hallo allemaal, tot morgen', ['Hallo', 'Hallo allemaal']]);
  });

  it('an earlier edit from an older export ingested after the later one: one message, the earlier edit a version before the text', async () => {
    // The later export first (edited twice by then, it ends at 16:20), then an earlier one (edited once, it ends at 16:05):
    // the same as ingesting them in export order, where the later export's edit is taken for the newer text.
    await ingest('e3', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal, tot morgen <Dit bericht is bewerkt>', '10-01-2024 16:20 - Piet: ok']);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:05 - Piet: eh']);
    expect(e2).toMatchObject({ messagesNew: 1, messagesSeenBefore: 2, messagesMissing: 0 });
    const ms = await editedMessages();
    expect(ms.map((m) => m.text)).toEqual(['begin', 'Hallo allemaal, tot morgen', 'ok', 'eh']);
    const m = ms[1]!;
    expect([m.edited, m.sources, m.missingIn, m.extra?.revisions?.map((r) => r.text)]).toEqual([true, [1, 2], [], ['Hallo allemaal']]);
  });

  it('three exports ingested newest first: one message with every version, the original first', async () => {
    await ingest('e3', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal, tot morgen <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:20 - Piet: later']);
    await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:05 - Piet: eh']);
    expect(await ingest('e1', HALLO)).toMatchObject({ messagesNew: 0, messagesSeenBefore: 3, messagesMissing: 0 });
    const hallo = (await editedMessages()).filter((x) => x.text.startsWith('Hallo'));
    expect(hallo.map((m) => [m.text, m.sources, m.extra?.revisions?.map((r) => r.text)])).toEqual([['Hallo allemaal, tot morgen', [1, 2, 3], ['Hallo', 'Hallo allemaal']]]);
  });

  it('an earlier edit is not taken from an export that ends as late as the stored one, nor with another message of that sender then', async () => {
    // Another message of Min in 16:01 in the older export: which one is the earlier state is not known.
    await ingest('e3', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal, tot morgen <Dit bericht is bewerkt>', '10-01-2024 16:20 - Piet: ok']);
    expect(await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:01 - Min: En nog iets', '10-01-2024 16:05 - Piet: eh'])).toMatchObject({ messagesNew: 3 });
  });

  it('a sender whose name extends another\'s with "|" is another sender', async () => {
    await ingest('e1', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min|BZK: Hallo', '10-01-2024 16:02 - Piet: ok']);
    const e2 = await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok']);
    expect(e2).toMatchObject({ messagesNew: 1, messagesMissing: 1 });
  });

  it('an older export ingested after the edited one: its original becomes the earliest version, nothing missing', async () => {
    await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:30 - Piet: later']);
    const e1 = await ingest('e1', HALLO);
    expect(e1).toMatchObject({ messagesNew: 0, messagesSeenBefore: 3, messagesMissing: 0 });
    const ms = await editedMessages();
    expect(ms).toHaveLength(4);
    const m = ms.find((x) => x.text.startsWith('Hallo'))!;
    expect([m.text, m.edited, m.sources, m.missingIn, m.extra?.revisions?.map((r) => r.text)]).toEqual(['Hallo allemaal', true, [1, 2], [], ['Hallo']]);
  });

  it('in the older export, another message of that sender in that minute leaves both as they are', async () => {
    await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:30 - Piet: later']);
    expect(await ingest('e1', [...HALLO.slice(0, 2), '10-01-2024 16:01 - Min: En nog iets', HALLO[2]!])).toMatchObject({ messagesNew: 2 });
  });

  describe('a quiet chat: the exports end at the same time, so which is later is not known', () => {
    const at = (text: string) => ['10-01-2024 16:00 - Piet: begin', `10-01-2024 16:01 - Min: ${text}`, '10-01-2024 16:03 - Piet: ok'];
    const [E1, E2, E3] = [at('Hallo'), at('Hallo allemaal <Dit bericht is bewerkt>'), at('Hallo allemaal, tot morgen <Dit bericht is bewerkt>')];
    const hallo = async () => (await editedMessages()).filter((x) => x.text.startsWith('Hallo')).map((m) => [m.text, m.extra?.revisions?.map((r) => r.text) ?? []]);

    it('edited twice, ingested in export order: one message, the later-ingested export taken for the later one', async () => {
      await ingest('e1', E1);
      await ingest('e2', E2);
      expect(await ingest('e3', E3)).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
      expect(await hallo()).toEqual([['Hallo allemaal, tot morgen', ['Hallo', 'Hallo allemaal']]]);
    });

    it('the same older state ingested twice adds no version', async () => {
      await ingest('e2', E2);
      await ingest('e1', E1);
      expect(await ingest('e1b', [...E1, ''])).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
      expect(await hallo()).toEqual([['Hallo allemaal', ['Hallo']]]);
    });

    it('the original from an older export still becomes the earliest version', async () => {
      await ingest('e2', E2);
      expect(await ingest('e1', E1)).toMatchObject({ messagesNew: 0, messagesMissing: 0 });
      expect(await hallo()).toEqual([['Hallo allemaal', ['Hallo']]]);
    });
  });

  it('the original from an older export lands before the versions stored already', async () => {
    await ingest('e2', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok']);
    await ingest('e3', ['10-01-2024 16:00 - Piet: begin', '10-01-2024 16:01 - Min: Hallo allemaal, tot morgen <Dit bericht is bewerkt>', '10-01-2024 16:02 - Piet: ok', '10-01-2024 16:20 - Piet: later']);
    await ingest('e1', HALLO);
    const m = (await editedMessages()).find((x) => x.text.startsWith('Hallo'))!;
    expect([m.text, m.extra?.revisions?.map((r) => r.text)]).toEqual(['Hallo allemaal, tot morgen', ['Hallo', 'Hallo allemaal']]);
  });
});
