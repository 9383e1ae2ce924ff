import { describe, expect, it } from 'vitest';
import { expandToUnit, foldText, safeSpan, Tokenizer, tokenWord, trimSpan, wordHash } from '../../src/rules/text.js';

const words = (s: string) => {
  const t = new Tokenizer().tokenize(s);
  return Array.from({ length: t.count }, (_, i) => {
    const folded = tokenWord(s, t, i);
    // The hash computed while tokenizing is the hash of the folded word.
    expect(t.hash[i]).toBe(wordHash(folded));
    expect(t.flen[i]).toBe(folded.length);
    // So are the hashes of its first three and five folded units (wildcard lookups).
    expect(t.pre3[i]).toBe(folded.length >= 3 ? wordHash(folded, 3) : -1);
    expect(t.pre5[i]).toBe(folded.length >= 5 ? wordHash(folded, 5) : -1);
    return { folded, raw: s.slice(t.starts[i], t.ends[i]), join: t.joinPrev[i] };
  });
};

describe('tokenizer', () => {
  it('folds case and diacritics, in precomposed and decomposed (NFD) form, keeping offsets into the original', () => {
    const s = 'Privé PRIVE prive\u0301 Gündoğan ÉÉN';
    const w = words(s);
    expect(w.map((x) => x.folded)).toEqual(['prive', 'prive', 'prive', 'gundogan', 'een']);
    // The combining acute stays with its word: the raw slice includes it.
    expect(w[2]!.raw).toBe('prive\u0301');
  });

  it('splits on punctuation, apostrophes, hyphens and emoji; words are letters and digits only', () => {
    expect(words("VVD'ers, D66-fractie😀50PLUS #JA21").map((x) => x.folded)).toEqual(['vvd', 'ers', 'd66', 'fractie', '50plus', 'ja21']);
  });

  it('marks whether only whitespace, line breaks or - / . \' sit between two words (phrases may continue)', () => {
    const w = words('Jonge\r\n\n  Democraten, jonge democraten! GL-PvdA x 😀 y');
    expect(w.map((x) => [x.folded, x.join])).toEqual([
      ['jonge', 0], ['democraten', 1], ['jonge', 0], ['democraten', 1], ['gl', 0], ['pvda', 1], ['x', 1], ['y', 0],
    ]);
  });

  it('keeps the ligature ĳ comparable with ij', () => {
    expect(words('\u0133sselmeer')[0]!.folded).toBe('ijsselmeer');
    expect(foldText('  Opa   Henk\u00a0🌻 ')).toBe('opa henk 🌻');
  });
});

describe('spans', () => {
  it('never cuts a surrogate pair, a ZWJ emoji sequence, a skin tone or a combining mark', () => {
    const family = '👨\u200d👩\u200d👧';
    const s = `a${family}b`;
    // Start inside the family emoji, end in the middle of its second person.
    expect(safeSpan(s, 2, 5)).toEqual([1, 1 + family.length]);
    const thumbs = 'x👍🏽y';
    expect(safeSpan(thumbs, 1, 3)).toEqual([1, 5]);
    const nfd = 'cafe\u0301!';
    expect(safeSpan(nfd, 0, 4)).toEqual([0, 5]);
  });

  it('widens a hit to its sentence: ends at . ! ? … followed by space or at a line break, trimmed', () => {
    const s = 'Goedemorgen! 🎉 Morgen is oma jarig 🎂, kom je ook? De nota volgt.\nTot straks';
    const at = s.indexOf('oma');
    const [a, b] = expandToUnit(s, at, at + 3, 'sentence');
    expect(s.slice(a, b)).toBe('🎉 Morgen is oma jarig 🎂, kom je ook?');
    const at2 = s.indexOf('straks');
    expect(s.slice(...expandToUnit(s, at2, at2 + 6, 'sentence'))).toBe('Tot straks');
  });

  it('widens a hit to its paragraph (line), and trims whitespace and invisible direction marks', () => {
    const s = 'Eerste regel. Nog een zin.\n\u200e  Tweede regel met oma. En meer.  \n\nDerde';
    const at = s.indexOf('oma');
    expect(s.slice(...expandToUnit(s, at, at + 3, 'paragraph'))).toBe('Tweede regel met oma. En meer.');
    expect(trimSpan(s, 26, 30)).toEqual([30, 30]);
  });
});
