import { describe, expect, it } from 'vitest';
import { FragmentIndex, fragmentsOf } from '../../src/export/fragments.js';

describe('fragments of withheld text', () => {
  it('cuts sentences, clauses and 5-word runs, and drops what is too short or has too few letters', () => {
    const f = fragmentsOf('Ja. Oma ligt in het ziekenhuis, morgen om 14:00 op bezoek bij haar!').map((w) => w.join(' '));
    expect(f).toContain('oma ligt in het ziekenhuis');
    expect(f).toContain('morgen om 14 00 op bezoek bij haar');
    expect(f).toContain('in het ziekenhuis morgen om'); // a 5-word run across the comma
    expect(f).not.toContain('ja'); // too short
    expect(fragmentsOf('12:30')).toEqual([]); // no letters: proves nothing
  });

  it('cuts the last 5-word run too, so that the end of a withheld sentence is found on its own', () => {
    const f = fragmentsOf('Mijn scheiding loopt stroef bij het Pinguïnpaleis').map((w) => w.join(' '));
    expect(f).toContain('loopt stroef bij het pinguinpaleis');
    const idx = new FragmentIndex();
    idx.addMarked('Mijn scheiding loopt stroef bij het Pinguïnpaleis', 'message 3');
    expect(idx.scan('Zakelijk bericht: loopt stroef bij het Pinguïnpaleis.').map((h) => h.origin)).toEqual(['message 3']);
  });

  it('finds a fragment across whitespace, line breaks and case, on word boundaries only', () => {
    const idx = new FragmentIndex();
    idx.addMarked('Mijn vader ligt in het ziekenhuis.', 'message 7');
    expect(idx.scan('… MIJN  vader\nligt in het Ziekenhuis …').map((h) => h.fragment)).toContain('mijn vader ligt in het ziekenhuis');
    expect(idx.scan('mijnvader ligt inhet ziekenhuisbed')).toEqual([]);
  });

  it('ignores withheld fragments that the kept content shows anyway', () => {
    const idx = new FragmentIndex();
    idx.addMarked('Prima, tot morgen! De verjaardag van mijn moeder is zaterdag.', 'message 9');
    idx.addPublic('Prima, tot morgen! Dan bespreken we de nota.');
    const found = idx.scan('Prima, tot morgen! De verjaardag van mijn moeder is zaterdag.').map((h) => h.fragment);
    expect(found).not.toContain('prima');
    expect(found).not.toContain('tot morgen');
    expect(found).toContain('de verjaardag van mijn moeder is zaterdag');
  });
});
