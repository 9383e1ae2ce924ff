import { describe, expect, it } from 'vitest';
import type { World } from '../../src/rules/compile.js';
import { engineFor, file, msg, ruleSet } from './helpers.js';

const lex = (id: string, category: string, priority: number, terms: string[], extra: object = {}) => ({
  id, category, priority, level: 'message', match: { type: 'lexicon', terms }, ...extra,
});

const world: World = {
  contacts: [
    { id: 10, names: ['Anne ❤️'], phones: ['+31612345678'] },
    { id: 11, names: ['Piet Jansen (DG)'], phones: ['+31701234567'] },
    { id: 12, names: ['Opa Henk'], phones: [] },
  ],
  conversations: [
    { id: 1, titles: ['Anne ❤️'], participantIds: [10], isGroup: false },
    { id: 2, titles: ['Familie Bakker', 'Bakkers'], participantIds: [10, 12], isGroup: true },
    { id: 3, titles: ['MT BZK'], participantIds: [11], isGroup: true },
  ],
};

describe('rule kinds', () => {
  it('contact: by phone (normalised from 06-notation) at contact level, and the sender of messages at message level', () => {
    const set = ruleSet(file([
      { id: 'partner', category: 'privé', priority: 90, level: 'contact', match: { type: 'contact', phones: ['06-12 34 56 78'] } },
      { id: 'partner-msgs', category: 'privé', priority: 90, level: 'message', match: { type: 'contact', names: ['anne*'] } },
    ]));
    const e = engineFor(set, world);
    expect(e.evalContact({ ...world.contacts[0]!, displayName: 'Anne ❤️' }).map((s) => [s.level, s.targetId, s.ruleId])).toEqual([['contact', 10, 'partner']]);
    expect(e.evalContact({ ...world.contacts[1]!, displayName: 'Piet Jansen (DG)' })).toEqual([]);
    expect(e.evalMessage(msg('Hoi', { senderContactId: 10 }))[0]).toMatchObject({ level: 'message', ruleId: 'partner-msgs', category: 'privé' });
    expect(e.evalMessage(msg('Hoi', { senderContactId: 11 }))).toEqual([]);
    // Without a stored contact the sender text is matched (name folded; numbers normalised).
    expect(e.evalMessage(msg('Hoi', { sender: 'ANNE de Wit' }))).toHaveLength(1);
  });

  it('conversation: title pattern (earlier titles count), participants, group flag', () => {
    const set = ruleSet(file([
      { id: 'fam', category: 'privé', priority: 50, level: 'conversation', match: { type: 'conversation', titles: ['bakkers'] } },
      { id: 'with-opa', category: 'privé', priority: 40, level: 'conversation', match: { type: 'conversation', participants: { names: ['Opa *'] }, group: true } },
      { id: 'one-to-one', category: 'zakelijk', priority: 10, level: 'conversation', match: { type: 'conversation', group: false } },
    ]));
    const e = engineFor(set, world);
    const [fam] = e.evalConversation(world.conversations[1]!);
    expect(fam).toMatchObject({ ruleId: 'fam', evidence: { losers: [{ rule: 'with-opa' }] } });
    expect(e.evalConversation(world.conversations[0]!)[0]).toMatchObject({ ruleId: 'one-to-one', category: 'zakelijk' });
    expect(e.evalConversation(world.conversations[2]!)).toEqual([]);
  });

  it('regex and kind', () => {
    const set = ruleSet(file([
      { id: 'tikkie', category: 'privé', priority: 40, level: 'message', match: { type: 'regex', pattern: 'tikkie\\.me/\\S+', flags: 'i' } },
      { id: 'auto-delete', category: 'zakelijk', priority: 80, level: 'message', match: { type: 'kind', kinds: ['system'], events: ['disappearing-on'] } },
    ]));
    const [t] = engineFor(set, world).evalMessage(msg('Betaal via https://Tikkie.me/pay/x1 aub'));
    expect(t).toMatchObject({ ruleId: 'tikkie', evidence: { hits: [{ matched: 'Tikkie.me/pay/x1', span: [19, 35] }] } });
    // A custodian whose default is privé: the privé suggestion only restates the default; the zakelijk one is stored.
    const e = engineFor(set, world, 'privé');
    expect(e.evalMessage(msg('Betaal via https://Tikkie.me/pay/x1 aub'))).toEqual([]);
    expect(e.evalMessage(msg('Verdwijnende berichten aan', { kind: 'system', event: 'disappearing-on' }))[0]).toMatchObject({ ruleId: 'auto-delete' });
    expect(e.evalMessage(msg('Verdwijnende berichten uit', { kind: 'system', event: 'disappearing-off' }))).toEqual([]);
  });

  it('all / any / not and references to other rules', () => {
    const set = ruleSet(file([
      lex('party', 'partijpolitiek', 50, ['VVD', 'CDA']),
      lex('office', 'partijpolitiek', 60, ['ledenvergadering']),
      {
        id: 'parliament', category: 'zakelijk', priority: 70, level: 'message',
        match: { type: 'all', of: [{ type: 'rule', id: 'party' }, { type: 'any', of: [{ type: 'lexicon', terms: ['motie'] }, { type: 'lexicon', terms: ['amendement*'] }] }, { type: 'not', match: { type: 'rule', id: 'office' } }] },
      },
    ]));
    const e = engineFor(set);
    expect(e.evalMessage(msg('De motie van het CDA')).map((s) => s.ruleId)).toEqual(['parliament']);
    expect(e.evalMessage(msg('Amendementen van de VVD')).map((s) => s.ruleId)).toEqual(['parliament']);
    expect(e.evalMessage(msg('De motie van de VVD op de ledenvergadering')).map((s) => s.ruleId)).toEqual(['office']);
    expect(e.evalMessage(msg('Zonder partij een motie'))).toEqual([]);
  });

  it('a disabled rule makes no suggestion, but a rule that reuses its condition still works', () => {
    // Switching off one bundled rule must not break the rules that reuse its lexicon (QA: the whole set was refused).
    const set = ruleSet(file([
      lex('party', 'partijpolitiek', 50, ['VVD', 'CDA'], { enabled: false }),
      { id: 'parliament', category: 'zakelijk', priority: 70, level: 'message', match: { type: 'all', of: [{ type: 'rule', id: 'party' }, { type: 'lexicon', terms: ['motie'] }] } },
    ]));
    expect(set.rules.map((r) => r.id)).toEqual(['parliament']);
    expect(set.disabled.map((r) => r.id)).toEqual(['party']);
    const e = engineFor(set, undefined, 'privé'); // (a zakelijk suggestion equal to the default would not be stored)
    expect(e.evalMessage(msg('De motie van het CDA')).map((s) => s.ruleId)).toEqual(['parliament']);
    expect(e.evalMessage(msg('Het CDA vergadert'))).toEqual([]);
  });
});

describe('precedence', () => {
  it('the highest priority wins and every losing rule is kept as evidence', () => {
    const set = ruleSet(file([lex('fam', 'privé', 50, ['oma']), lex('pp', 'partijpolitiek', 60, ['partijcongres']), lex('low', 'privé', 10, ['oma'])]));
    const [s] = engineFor(set).evalMessage(msg('Oma gaat mee naar het partijcongres'));
    expect(s).toMatchObject({ level: 'message', category: 'partijpolitiek', ruleId: 'pp' });
    expect(s!.evidence.losers!.map((l) => [l.rule, l.priority, l.hits[0]!.matched])).toEqual([['fam', 50, 'Oma'], ['low', 10, 'Oma']]);
  });

  it('on equal priority privé/partijpolitiek beat zakelijk, then the rule loaded first wins', () => {
    const set = ruleSet(
      file([lex('biz', 'zakelijk', 50, ['nota']), lex('fam', 'privé', 50, ['oma'])]),
      file([lex('pp', 'partijpolitiek', 50, ['oma'])]),
    );
    const [s] = engineFor(set).evalMessage(msg('De nota voor oma'));
    expect(s).toMatchObject({ ruleId: 'fam', evidence: { losers: [{ rule: 'pp' }, { rule: 'biz' }] } });
  });

  it('stores a suggestion equal to the default only when it beat another rule', () => {
    const set = ruleSet(file([lex('biz', 'zakelijk', 70, ['motie']), lex('pp', 'partijpolitiek', 50, ['VVD'])]));
    const e = engineFor(set);
    expect(e.evalMessage(msg('Een motie'))).toEqual([]);
    expect(e.evalMessage(msg('Een motie van de VVD'))[0]).toMatchObject({ ruleId: 'biz', category: 'zakelijk', evidence: { losers: [{ rule: 'pp' }] } });
    expect(e.stats.get('biz')).toMatchObject({ fired: 2, won: 2, stored: 1, redundant: 1 });
    expect(e.stats.get('pp')).toMatchObject({ fired: 1, won: 0, lost: 1 });
  });
});

describe('passages', () => {
  const passage = { level: 'passage', passage: { unit: 'sentence', minLength: 40 } };
  const set = ruleSet(file([
    lex('fam', 'privé', 50, ['oma', 'jarig'], passage),
    lex('pp', 'partijpolitiek', 60, ['lijsttrekker*'], passage),
  ]));

  it('suggests only the sentence around a hit in a long mixed message, as UTF-16 offsets that survive emoji', () => {
    const text = '👋🏽 Goedemorgen! De nota over de Omgevingswet 📄 is klaar. Zaterdag is oma 👵🏼 jarig 🎂! Verder graag de planning. 👨\u200d👩\u200d👧';
    const out = engineFor(set).evalMessage(msg(text));
    expect(out).toHaveLength(1);
    const [s] = out;
    expect(s!.level).toBe('passage');
    expect(text.slice(...s!.span!)).toBe('Zaterdag is oma 👵🏼 jarig 🎂!');
    // The span is a JS string index pair: code points around it are intact.
    expect(Array.from(text.slice(...s!.span!)).join('')).toBe(text.slice(...s!.span!));
    expect(s!.evidence.hits.map((h) => text.slice(...h.span!))).toEqual(['oma', 'jarig']);
  });

  it('keeps separate passages for separate sentences of different rules, and the whole message when it is short', () => {
    const text = 'Oma is morgen jarig. De begroting moet vrijdag naar de Kamer. Wie wordt de nieuwe lijsttrekker? Graag reactie.';
    const out = engineFor(set).evalMessage(msg(text));
    expect(out.map((s) => [s.ruleId, text.slice(...s.span!)])).toEqual([
      ['fam', 'Oma is morgen jarig.'],
      ['pp', 'Wie wordt de nieuwe lijsttrekker?'],
    ]);
    expect(engineFor(set).evalMessage(msg('Oma is jarig'))).toMatchObject([{ level: 'message', span: null }]);
    // Every sentence marked → one message-level suggestion instead of passages.
    expect(engineFor(set).evalMessage(msg('Oma is morgen jarig, echt waar. Oma wordt tachtig!! Wie is er nog meer jarig?'))).toMatchObject([{ level: 'message' }]);
  });

  it('judges combinators per sentence: a party name in a sentence about a motion is business there', () => {
    const s2 = ruleSet(file([
      lex('party', 'partijpolitiek', 50, ['VVD'], passage),
      lex('office', 'partijpolitiek', 60, ['partijcongres'], passage),
      { id: 'parl', category: 'zakelijk', priority: 70, ...passage, match: { type: 'all', of: [{ type: 'rule', id: 'party' }, { type: 'lexicon', terms: ['motie'] }, { type: 'not', match: { type: 'rule', id: 'office' } }] } },
    ]));
    const text = 'De motie van de VVD komt dinsdag in stemming. Ik zie je op het partijcongres van de VVD. Groet.';
    const out = engineFor(s2).evalMessage(msg(text));
    expect(out.map((s) => [s.ruleId, s.category, text.slice(...s.span!)])).toEqual([
      ['parl', 'zakelijk', 'De motie van de VVD komt dinsdag in stemming.'],
      ['office', 'partijpolitiek', 'Ik zie je op het partijcongres van de VVD.'],
    ]);
  });

  it('drops a passage when a message-level winner has at least its priority', () => {
    const s3 = ruleSet(file([lex('fam', 'privé', 50, ['oma'], passage), { id: 'from-partner', category: 'privé', priority: 90, level: 'message', match: { type: 'contact', names: ['Anne*'] } }]));
    const text = 'De nota over de Omgevingswet is klaar. Oma komt zaterdag ook. Groet!';
    const out = engineFor(s3, world).evalMessage(msg(text, { senderContactId: 10 }));
    expect(out).toMatchObject([{ level: 'message', ruleId: 'from-partner', evidence: { losers: [{ rule: 'fam', level: 'passage' }] } }]);
  });
});
