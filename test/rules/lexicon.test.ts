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
});
