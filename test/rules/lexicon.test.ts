import { describe, expect, it } from 'vitest';
import { LexiconIndex, parseTerm } from '../../src/rules/lexicon.js';

function finder(terms: string[], cs: string[] = []) {
  const idx = new LexiconIndex();
  idx.addLexicon([...terms.map((term) => ({ term, caseSensitive: false })), ...cs.map((term) => ({ term, caseSensitive: true }))]);
  return (text: string) => {
    const out: string[] = [];
    idx.scan(text, (e, s, end) => out.push(`${e.term}=${text.slice(s, end)}`));
    return out;
  };
}

describe('lexicon matching', () => {
  it('matches whole words only', () => {
    const f = finder(['oma', 'ziek']);
    expect(f('Oma komt, ook naar Roma? omafiets. Ziekenhuis en ziekte, maar ik ben ziek.')).toEqual(['oma=Oma', 'ziek=ziek']);
  });

  it('is case- and diacritic-insensitive in both directions (prive/privé, skien/skiën)', () => {
    expect(finder(['privé'])('PRIVE, prive, Privé, prive\u0301')).toEqual(['privé=PRIVE', 'privé=prive', 'privé=Privé', 'privé=prive\u0301']);
    expect(finder(['prive'])('privé')).toEqual(['prive=privé']);
    expect(finder(['skiën'])('Gaan jullie skien?')).toEqual(['skiën=skien']);
  });

  it('counts case-sensitive acronyms only as written: SP is not sp, DENK is not "ik denk"', () => {
    const f = finder(['VVD'], ['SP', 'DENK']);
    expect(f('De SP en de vvd; sp is een afkorting. Ik denk dat DENK meedoet. Sp.')).toEqual(['SP=SP', 'VVD=vvd', 'DENK=DENK']);
    expect(f("SP'ers en SP-Kamerleden")).toEqual(['SP=SP', 'SP=SP']);
  });

  it('matches phrases across line breaks and whitespace runs, but not across other punctuation', () => {
    const f = finder(['Jonge Democraten', 'algemene ledenvergadering']);
    expect(f('bij de Jonge\nDemocraten en de ALGEMENE    \r\n LEDENVERGADERING')).toEqual([
      'Jonge Democraten=Jonge\nDemocraten',
      'algemene ledenvergadering=ALGEMENE    \r\n LEDENVERGADERING',
    ]);
    expect(f('jonge, democraten; jonge 😀 democraten')).toEqual([]);
  });

  it('treats hyphen, slash and space alike between the words of a phrase (GL-PvdA)', () => {
    const f = finder(['GL-PvdA']);
    expect(f('GL-PvdA, GL/PvdA, GL PvdA, gl pvda')).toHaveLength(4);
  });

  it('supports a * suffix wildcard, also inside phrases, and still respects word starts', () => {
    const f = finder(['verkiezing*', 'lijsttrekker* debat']);
    expect(f('Verkiezingen, verkiezingscampagne, verkiezing; herverkiezing niet. Lijsttrekkersdebat nee, lijsttrekkers debat ja')).toEqual([
      'verkiezing*=Verkiezingen', 'verkiezing*=verkiezingscampagne', 'verkiezing*=verkiezing', 'lijsttrekker* debat=lijsttrekkers debat',
    ]);
  });

  it('rejects unusable terms with a reason', () => {
    expect(parseTerm('❤️', false)).toEqual({ error: expect.stringMatching(/letters or digits/) });
    expect(parseTerm('ve*', false)).toEqual({ error: expect.stringMatching(/at least 3 letters/) });
    expect(parseTerm('ver*kiezing', false)).toEqual({ error: expect.stringMatching(/end of a word/) });
    expect(parseTerm('jonge, democraten', false)).toEqual({ error: expect.stringMatching(/separated by spaces/) });
    expect(parseTerm('Mr. Hans van Mierlo Stichting', false)).toEqual({ words: ['mr', 'hans', 'van', 'mierlo', 'stichting'], prefix: [false, false, false, false, false] });
  });

  it('shares one index between lexicons and reports a term once per owner', () => {
    const idx = new LexiconIndex();
    const a = idx.addLexicon([{ term: 'oma', caseSensitive: false }]);
    const b = idx.addLexicon([{ term: 'OMA', caseSensitive: false }, { term: 'opa', caseSensitive: false }]);
    const owners: number[][] = [];
    idx.scan('oma en opa', (e) => owners.push(e.owners));
    expect(owners).toEqual([[a, b], [b]]);
    expect(idx.termCount).toBe(2);
  });

  it('finds every one of thousands of terms, and only those (the prefilter keeps no false negatives)', () => {
    // Made-up words from a small alphabet, so that many share first letters, 3-letter prefixes and filter bits.
    const syl = ['ka', 'lo', 'mi', 've', 'dru', 'pan', 'sor', 'tel'];
    const word = (i: number) => syl[i % 8]! + syl[(i >> 3) % 8]! + syl[(i >> 6) % 8]! + syl[(i >> 9) % 8]!;
    // Wildcards with long prefixes (indexed by 5 letters) and short ones (3 or 4 letters), phrases, plain words.
    const make = (i: number) =>
      i % 5 === 0 ? `${word(i)}*` : i % 11 === 1 ? `${word(i).slice(0, 3 + (i % 2))}*` : i % 7 === 0 ? `${word(i)} ${word(i + 1)}` : word(i);
    const terms = [...new Set(Array.from({ length: 4096 }, (_, i) => make(i)))];
    const f = finder(terms);
    // Reference for ASCII text: the words, then every term compared word by word.
    const naive = (text: string) => {
      const words = [...text.matchAll(/[a-z0-9]+/gi)].map((m) => ({ w: m[0].toLowerCase(), s: m.index, e: m.index + m[0].length }));
      const out: string[] = [];
      words.forEach((_, k) => {
        for (const term of terms) {
          const parts = term.split(' ');
          const ok = parts.every((p, j) => {
            const w = words[k + j]?.w;
            return w !== undefined && (p.endsWith('*') ? w.startsWith(p.slice(0, -1)) : w === p);
          });
          if (ok) out.push(`${term}=${text.slice(words[k]!.s, words[k + parts.length - 1]!.e)}`);
        }
      });
      return out.sort();
    };
    for (let i = 0; i < terms.length; i += 89) {
      const term = terms[i]!;
      const written = term.endsWith('*') ? `${term.slice(0, -1)}en` : term.toUpperCase();
      const text = `vandaag ${written}, ${word(i + 3)}x en ${word(i + 5).slice(0, 5)}. De nota`;
      const found = f(text);
      expect(found).toContain(`${term}=${written}`);
      expect([...found].sort()).toEqual(naive(text));
    }
  });
});
