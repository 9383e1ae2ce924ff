import { describe, expect, it } from 'vitest';
import { nestedRepetition } from '../../src/rules/regex-safety.js';

describe('nestedRepetition: patterns that can backtrack exponentially', () => {
  it('finds a repeated group that repeats inside', () => {
    expect(nestedRepetition('^(a+)+$')).toBe('(a+)+');
    expect(nestedRepetition('(\\w+\\s*)*$')).toBe('(\\w+\\s*)*');
    expect(nestedRepetition('x(?:[a-z]{2,}\\.)+y')).toBe('(?:[a-z]{2,}\\.)+');
    expect(nestedRepetition('((ab)*c){3,}')).toBe('((ab)*c){3,}');
    expect(nestedRepetition('(?<w>a{1,9})*?')).toBe('(?<w>a{1,9})*');
    expect(nestedRepetition('((?:a*))+')).toBe('((?:a*))+');
  });

  it('passes single repetitions, bounded outer repetitions and what only looks like one', () => {
    for (const p of [
      'https?://(?:www\\.)?tikkie\\.me/\\S+',
      '[\\u2764\\u2665\\u{1F493}-\\u{1F49F}]',
      '(ab?)+', // `?` is no repetition of more than one
      '(a{2})+', // nor is a fixed count
      '(a+){1,3}', // a bounded outer repetition is polynomial at worst
      '[(a+)]+', // a character class, not a group
      '\\(a+\\)+', // escaped parentheses
      '\\p{L}+(x)*',
      '(a{,3})+', // `{,3}` is a literal in JavaScript, not a quantifier
    ]) {
      expect(nestedRepetition(p), p).toBeNull();
    }
  });

});
