/**
 * Line endings inside a message (issue #2: "CRLF/LF/mixed line endings … are handled for matching; the raw line text
 * is kept beside the parsed values"): the text joins a message's lines with '\n' whatever the file uses, so one
 * message has one dedup key in every export of it; rawText keeps the exact bytes. Also: a 'waiting' notice is a
 * system event without a sender. Older parser versions' readings are kept in `legacy` for stores ingested with them.
 */
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../parsers/types.js';
import { LRM, parse } from './helpers.js';
import { MessageKeys } from '../../../src/store/message-keys.js';

/** Lines joined by `eol` (a string, or one per join), with a final line end. */
function file(lines: string[], eol: string | string[]): string {
  const eols = typeof eol === 'string' ? lines.map(() => eol) : eol;
  return lines.map((l, i) => l + eols[i]!).join('');
}

const LINES = [
  '01-06-2024 10:00 - Piet: A',
  '01-06-2024 10:04 - Minister: C',
  'multiline',
  '',
  'en verder',
  '01-06-2024 10:05 - Piet: drie',
  '',
  '01-06-2024 10:06 - Piet: POLL:',
  'Wanneer?',
  'OPTION: Maandag (1 vote)',
  'OPTION: Dinsdag (0 votes)',
  '',
  '01-06-2024 10:07 - Minister: slot',
];

/** The fields that make a message's dedup key. */
const keyFields = (m: ParsedMessage) => [m.localIso, m.sender, m.kind, m.event, m.text];

/** Every rawText is the exact source text from its header to the end of its last line (its line ending excluded). */
function expectRawFaithful(source: string, messages: ParsedMessage[]): void {
  let at = 0;
  for (const m of messages) {
    const i = source.indexOf(m.rawText, at);
    expect(i, JSON.stringify(m.rawText)).toBe(at);
    at = i + m.rawText.length;
    at += source.startsWith('\r\n', at) ? 2 : source[at] === '\n' || source[at] === '\r' ? 1 : 0;
  }
  expect(at).toBe(source.length);
}

describe('WhatsApp: line endings inside a message', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['CR only', '\r'],
  ])('%s: the text joins the lines with \\n, as in the LF file; rawText keeps the original endings', async (_, eol) => {
    const lf = await parse(file(LINES, '\n'));
    const src = file(LINES, eol);
    const other = await parse(src);
    expect(other.messages.map(keyFields)).toEqual(lf.messages.map(keyFields));
    expect(other.messages[1]!.text).toBe('C\nmultiline\n\nen verder');
    expect(other.messages[1]!.rawText).toBe(`01-06-2024 10:04 - Minister: C${eol}multiline${eol}${eol}en verder`);
    expectRawFaithful(src, other.messages);
    // The same in every chunking of the bytes (a CRLF cut in two included).
    for (const chunkSize of [1, 2, 3, 7]) {
      expect((await parse(src, { chunkSize })).messages).toEqual(other.messages);
    }
  });

  it('mixed endings (CRLF between messages, LF and CR inside one) give the same text', async () => {
    const eols = ['\r\n', '\n', '\r', '\r\n', '\r\n', '\r\n', '\n', '\r\n', '\r', '\n', '\r\n', '\r\n', ''];
    const src = file(LINES, eols);
    const p = await parse(src);
    expect(p.messages.map(keyFields)).toEqual((await parse(file(LINES, '\n'))).messages.map(keyFields));
    expect(p.messages[1]!.rawText).toBe('01-06-2024 10:04 - Minister: C\nmultiline\r\r\nen verder');
    expectRawFaithful(src, p.messages);
  });

  it('an empty line that ends a message is the export\'s blank line: not in the text, kept in rawText', async () => {
    for (const eol of ['\n', '\r\n']) {
      const p = await parse(file(LINES, eol));
      const [, , drie, poll] = p.messages;
      expect(drie).toMatchObject({ kind: 'text', text: 'drie', rawText: `01-06-2024 10:05 - Piet: drie${eol}` });
      expect(poll).toMatchObject({ kind: 'poll', text: 'POLL:\nWanneer?\nOPTION: Maandag (1 vote)\nOPTION: Dinsdag (0 votes)' });
      expect(poll!.rawText.endsWith(`(0 votes)${eol}`)).toBe(true);
      expect(poll!.extra?.poll).toEqual({ question: 'Wanneer?', options: [{ text: 'Maandag', votes: 1 }, { text: 'Dinsdag', votes: 0 }] });
    }
    // Blank lines inside a message are the sender's.
    const p = await parse('01-06-2024 10:00 - Piet: a\n\n\nb\n\n\n01-06-2024 10:01 - Piet: c\n');
    expect(p.messages.map((m) => m.text)).toEqual(['a\n\n\nb', 'c']);
    expect(p.messages[0]!.rawText).toBe('01-06-2024 10:00 - Piet: a\n\n\nb\n\n');
  });

  it('a one-line body followed by a blank line is read as one line (a call is a call)', async () => {
    const p = await parse('01-06-2024 10:00 - Piet: Gemiste spraakoproep\r\n\r\n01-06-2024 10:01 - Piet: c\r\n');
    expect(p.messages[0]).toMatchObject({ kind: 'call', text: 'Gemiste spraakoproep', legacy: { kind: 'text', text: 'Gemiste spraakoproep\r\n' } });
  });

  it('iOS CRLF: multi-line text and captions', async () => {
    const src = [
      '[01-06-2024 10:00:00] Piet: Eerste regel',
      'tweede regel',
      `${LRM}[01-06-2024 10:01:00] Piet: ${LRM}<bijgevoegd: 00000001-PHOTO-2024-06-01-10-01-00.jpg>`,
      'Bijschrift',
      '[01-06-2024 10:02:00] Piet: kort',
      '',
    ].join('\r\n');
    const p = await parse(src);
    expect(p.messages.map((m) => [m.kind, m.text])).toEqual([['text', 'Eerste regel\ntweede regel'], ['media', 'Bijschrift'], ['text', 'kort']]);
    expectRawFaithful(src, p.messages);
  });

  it('legacy: the earlier reading, only where it differs', async () => {
    const crlf = await parse(file(LINES, '\r\n'));
    expect(crlf.messages.map((m) => m.legacy ?? null)).toEqual([
      null,
      { kind: 'text', event: null, sender: 'Minister', text: 'C\r\nmultiline\r\n\r\nen verder' },
      { kind: 'text', event: null, sender: 'Piet', text: 'drie\r\n' },
      { kind: 'poll', event: null, sender: 'Piet', text: 'POLL:\r\nWanneer?\r\nOPTION: Maandag (1 vote)\r\nOPTION: Dinsdag (0 votes)\r\n' },
      null,
    ]);
    const lf = await parse(file(LINES, '\n'));
    expect(lf.messages.map((m) => m.legacy?.text ?? null)).toEqual([null, null, 'drie\n', 'POLL:\nWanneer?\nOPTION: Maandag (1 vote)\nOPTION: Dinsdag (0 votes)\n', null]);
    // A caption whose text the line ending never reached has none.
    const ios = await parse(`${LRM}[01-06-2024 10:01:00] Piet: ${LRM}<bijgevoegd: 00000001-PHOTO-2024-06-01-10-01-00.jpg>\r\nBijschrift\r\n`);
    expect(ios.messages[0]!.legacy).toBeUndefined();
  });
});

describe('WhatsApp: a "waiting for this message" notice', () => {
  it.each([
    ['Android NL', '02-05-2022 16:32 - Bob: Wachten op dit bericht.', 'Wachten op dit bericht.'],
    ['Android EN', '02/05/2022, 16:32 - Bob: Waiting for this message. This may take a while.', 'Waiting for this message. This may take a while.'],
    ['iOS NL', `[02-05-2022 16:32:10] Bob: ${LRM}Wachten op dit bericht. Dit kan even duren.`, 'Wachten op dit bericht. Dit kan even duren.'],
  ])('%s: a system event without sender, its author kept as author and actor', async (_, line, text) => {
    const p = await parse(`${line}\n${line.replace(/Bob: .*/, 'Bob: Hallo')}\n`);
    const [w, hallo] = p.messages;
    expect(w).toMatchObject({ kind: 'system', event: 'waiting', sender: null, senderRaw: null, senderPhone: null, text, extra: { author: 'Bob', actor: 'Bob' } });
    // Keyed by its author, as whatsapp-1.0.0 keyed it; whatsapp-1.1.0 keyed it without a sender (its legacy reading).
    expect(new MessageKeys().base(w!)).toBe(new MessageKeys().text(w!.localIso, { kind: 'system', event: 'waiting', sender: 'Bob', text }));
    expect(w!.legacy).toEqual({ since: 'whatsapp-1.2.0', kind: 'system', event: 'waiting', sender: null, text });
    expect(hallo).toMatchObject({ sender: 'Bob', text: 'Hallo' });
    expect(hallo!.legacy).toBeUndefined();
    expect(p.scan.authors).toEqual(['Bob']);
  });

  it('a phone-number author is kept as written', async () => {
    const p = await parse('02-05-2022 16:32 - +31 6 12345678: Wachten op dit bericht.\n');
    expect(p.messages[0]).toMatchObject({ sender: null, extra: { author: '+31 6 12345678', actor: '+31 6 12345678' } });
  });
});
