import { describe, expect, it } from 'vitest';
import { nestedRepetition as nested } from '../../src/rules/regex-safety.js';

const nestedRepetition = (p: string) => nested(p)?.group ?? null;

describe('nestedRepetition: patterns that can backtrack exponentially', () => {
  it('finds a repeated group that repeats inside', () => {
    expect(nestedRepetition('^(a+)+$')).toBe('(a+)+');
    expect(nestedRepetition('(\\w+\\s*)*$')).toBe('(\\w+\\s*)*');
    expect(nestedRepetition('x(?:[a-z]{2,}\\.)+y')).toBe('(?:[a-z]{2,}\\.)+');
    expect(nestedRepetition('((ab)*c){3,}')).toBe('((ab)*c){3,}');
    expect(nestedRepetition('(?<w>a{1,9})*?')).toBe('(?<w>a{1,9})*');
    expect(nestedRepetition('((?:a*))+')).toBe('((?:a*))+');
    // Bounded outer repetitions too: exponential up to the bound (1.6 s on 25 characters, measured), or polynomial of
    // the count's degree in the message length.
    expect(nestedRepetition('(\\w+\\s?){1,40}$')).toBe('(\\w+\\s?){1,40}');
    expect(nested('(\\w+\\s?){1,40}$')?.bounded).toBe(true);
    expect(nested('(a+)+')?.bounded).toBe(false);
    // A bounded one found first does not hide an unbounded one after or around it (review: 120 s on 60 characters).
    expect(nested('(\\d{1,3}\\.){3}\\d+ (\\w+\\s*)+$')).toEqual({ group: '(\\w+\\s*)+', bounded: false });
    expect(nested('((\\w+\\s?){2})+$')).toEqual({ group: '((\\w+\\s?){2})+', bounded: false });
    expect(nested('(?:(a+){2})*$')).toEqual({ group: '(?:(a+){2})*', bounded: false });
    expect(nestedRepetition('(\\d+\\.){3}\\d+')).toBe('(\\d+\\.){3}');
  });

  it('passes single repetitions, bounded outer repetitions and what only looks like one', () => {
    for (const p of [
      'https?://(?:www\\.)?tikkie\\.me/\\S+',
      '[\\u2764\\u2665\\u{1F493}-\\u{1F49F}]',
      '(ab?)+', // `?` is no repetition of more than one
      '(a{2})+', // nor is a fixed count
      '(a+)?', // an optional group is not repeated
      '(ab)+(c+)', // repetitions side by side, not nested
      '[(a+)]+', // a character class, not a group
      '\\(a+\\)+', // escaped parentheses
      '\\p{L}+(x)*',
      '(a{,3})+', // `{,3}` is a literal in JavaScript, not a quantifier
    ]) {
      expect(nestedRepetition(p), p).toBeNull();
    }
  });

});

describe('rules check: bounded repetitions of a repeating group are a warning', () => {
  it('lists them per rule, disabled rules included, and leaves plain patterns out', async () => {
    const { riskyPatterns } = await import('../../src/rules/check.js');
    const { file, ruleSet } = await import('./helpers.js');
    const rule = (id: string, pattern: string, extra: object = {}) => ({ id, category: 'privé', priority: 10, level: 'message', match: { type: 'regex', pattern }, ...extra });
    const set = ruleSet(file([rule('ip', '(\\d{1,3}\\.){3}\\d{1,3}'), rule('plain', 'tikkie\\.me/\\S+'), rule('slow', '(\\w+\\s?){1,40}$', { enabled: false })]));
    expect(riskyPatterns(set)).toEqual([
      { rule: 'ip', pattern: '(\\d{1,3}\\.){3}\\d{1,3}', group: '(\\d{1,3}\\.){3}' },
      { rule: 'slow', pattern: '(\\w+\\s?){1,40}$', group: '(\\w+\\s?){1,40}' },
    ]);
  });
});
