import { describe, expect, it } from 'vitest';
import { incomingVersions, mergeVersions, storedVersions } from '../../src/store/message-versions.js';
import type { ParsedMessage, Revision } from '../../parsers/types.js';

const v = (text: string, at: string | null): Revision => ({ text, at });
const T = (min: number) => `2025-10-24T09:${String(min).padStart(2, '0')}:00+02:00`;
const texts = (xs: Revision[]) => xs.map((x) => x.text);

describe('mergeVersions: the versions of one message from two sources', () => {
  it('appends a further edit after the stored versions, keeping the stored objects and their order', () => {
    const stored = [v('a', T(1)), v('b', T(2)), v('c', T(3))];
    const out = mergeVersions(stored, [v('a', T(1)), v('b', T(2)), v('c', T(3)), v('d', T(9))]);
    expect(texts(out)).toEqual(['a', 'b', 'c', 'd']);
    expect(out.slice(0, 3).every((x, i) => x === stored[i])).toBe(true);
  });

  it('adds nothing when the incoming versions are a subset (an older export), in any position', () => {
    const stored = [v('a', T(1)), v('b', T(2)), v('c', T(3))];
    for (const inc of [[v('a', T(1))], [v('a', T(1)), v('b', T(2))], [v('b', T(2)), v('c', T(3))], [v('c', T(3))]]) {
      expect(mergeVersions(stored, inc)).toEqual(stored);
    }
  });

  it('places a version the stored history lacks between its neighbours by time', () => {
    const out = mergeVersions([v('a', T(1)), v('c', T(3))], [v('a', T(1)), v('b', T(2)), v('c', T(3)), v('d', T(4))]);
    expect(texts(out)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never drops a stored version the incoming history lacks', () => {
    const out = mergeVersions([v('a', T(1)), v('x', T(2)), v('c', T(3))], [v('a', T(1)), v('c', T(3)), v('d', T(5))]);
    expect(texts(out)).toEqual(['a', 'x', 'c', 'd']);
  });

  it('keeps a text that returns to an earlier wording as its own version (same text, other time)', () => {
    const out = mergeVersions([v('a', T(1)), v('b', T(2))], [v('a', T(1)), v('b', T(2)), v('a', T(3))]);
    expect(texts(out)).toEqual(['a', 'b', 'a']);
  });

  it('on a tie in time, or an unknown time, keeps the stored version before the incoming one', () => {
    expect(texts(mergeVersions([v('a', T(1)), v('b', T(2))], [v('a', T(1)), v('z', T(2))]))).toEqual(['a', 'b', 'z']);
    // The stored text of unknown time (an edit without its time) matches the incoming version with the same text.
    expect(texts(mergeVersions([v('a', T(1)), v('b', null)], [v('a', T(1)), v('b', T(2)), v('c', T(3))]))).toEqual(['a', 'b', 'c']);
    expect(texts(mergeVersions([v('a', T(1)), v('b', null)], [v('a', T(1)), v('c', null)]))).toEqual(['a', 'b', 'c']);
  });

  it('compares times as instants, not as strings', () => {
    const out = mergeVersions([v('a', '2025-10-24T09:01:00+02:00')], [v('a', '2025-10-24T07:01:00.000Z'), v('b', '2025-10-24T07:05:00Z')]);
    expect(texts(out)).toEqual(['a', 'b']);
  });
});

describe('storedVersions and incomingVersions', () => {
  it('an unedited stored message is one version from its send time', () => {
    expect(storedVersions('a', false, T(1), {})).toEqual({ versions: [v('a', T(1))], textIndex: 0 });
  });

  it('an edited stored message: revisions, the text at editedAt, then versions kept out of the text', () => {
    const extra = { revisions: [v('a', T(1))], editedAt: T(2), newerVersions: [v('c', T(3))] };
    expect(storedVersions('b', true, T(1), extra)).toEqual({ versions: [v('a', T(1)), v('b', T(2)), v('c', T(3))], textIndex: 1 });
    // Edited without a known edit time (WhatsApp's edit marker, a sigtop export without editMessageTimestamp).
    expect(storedVersions('b', true, T(1), {})).toEqual({ versions: [v('b', null)], textIndex: 0 });
  });

  it('a parsed message lists its revisions and then its text (at its edit time, or its send time when unedited)', () => {
    const base = { text: 'c', sentAt: T(1), edited: true, revisions: [v('a', T(1)), v('b', T(2))], extra: { editedAt: T(3) } } as unknown as ParsedMessage;
    expect(incomingVersions(base)).toEqual([v('a', T(1)), v('b', T(2)), v('c', T(3))]);
    expect(incomingVersions({ ...base, edited: false, revisions: undefined, extra: undefined } as ParsedMessage)).toEqual([v('c', T(1))]);
    expect(incomingVersions({ ...base, revisions: undefined, extra: undefined } as ParsedMessage)).toEqual([v('c', null)]);
  });
});
