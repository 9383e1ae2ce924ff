import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainMessage } from '../../src/rules/explain.js';
import { defaultRulesDir, loadRuleFiles, loadRuleSet, RuleFileError } from '../../src/rules/load.js';
import { file, ruleSet } from './helpers.js';

function problems(...files: (object | string)[]): string[] {
  try {
    loadRuleFiles(files.map((f, i) => ({ path: `rules/f${i}.json`, bytes: typeof f === 'string' ? f : JSON.stringify(f, null, 2) })));
  } catch (e) {
    if (e instanceof RuleFileError) return e.message.split('\n');
    throw e;
  }
  return [];
}

const ok = { id: 'a', category: 'privé', priority: 1, level: 'message', match: { type: 'lexicon', terms: ['oma'] } };

describe('rule-file validation names the file, the JSON path and what was expected', () => {
  it('schema errors', () => {
    expect(problems(file([{ ...ok, match: { type: 'lexcon', terms: ['x'] } }]))).toEqual([
      expect.stringMatching(/^rules\/f0\.json: rules\[0\]\.match\.type: .*lexicon/),
    ]);
    expect(problems(file([{ ...ok, priority: 'hoog', prioirty: 3 }]))).toEqual([
      expect.stringMatching(/^rules\/f0\.json: rules\[0\]\.priority: expected a priority/),
      expect.stringMatching(/^rules\/f0\.json: rules\[0\]: Unrecognized key: "prioirty"/),
    ]);
    expect(problems({ rules: [ok] })).toEqual([expect.stringMatching(/^rules\/f0\.json: description: expected a description/)]);
    expect(problems(file([{ ...ok, category: 'geheim' }]))).toEqual([expect.stringMatching(/rules\[0\]\.category: expected zakelijk, privé or partijpolitiek/)]);
  });

  it('missing fields are allowed when the file defaults supply them', () => {
    const { category, priority, level, ...bare } = ok;
    expect(problems(file([bare]))).toEqual([
      'rules/f0.json: rules[0].category: expected category (in the rule or in defaults.category)',
      'rules/f0.json: rules[0].priority: expected priority (in the rule or in defaults.priority)',
      'rules/f0.json: rules[0].level: expected level (in the rule or in defaults.level)',
    ]);
    expect(problems(file([bare], { defaults: { category, priority, level } }))).toEqual([]);
    void [category, priority, level];
  });

  it('bad terms, regular expressions and phone numbers, deep inside combinators', () => {
    const deep = { ...ok, match: { type: 'all', of: [{ type: 'lexicon', terms: ['oma', 've*'] }, { type: 'not', match: { type: 'regex', pattern: '(' } }] } };
    expect(problems(file([deep]))).toEqual([
      "rules/f0.json: rules[0].match.of[0].terms[1]: expected at least 3 letters before '*', got 've*'",
      expect.stringMatching(/^rules\/f0\.json: rules\[0\]\.match\.of\[1\]\.match\.pattern: expected a valid JavaScript regular expression/),
    ]);
    expect(problems({ description: 'x', designations: [{ phone: 'bel me', category: 'privé' }, { category: 'privé' }] })).toEqual([
      expect.stringMatching(/^rules\/f0\.json: designations\[1\]\.phone: expected exactly one of phone, name or conversationTitle/),
    ]);
    expect(problems({ description: 'x', designations: [{ phone: 'bel me', category: 'privé' }] })).toEqual([
      "rules/f0.json: designations[0].phone: expected a phone number (E.164 after normalisation, e.g. +31612345678), got 'bel me'",
    ]);
  });

  it('a regular expression that can backtrack exponentially is refused, naming the repeated group', () => {
    const slow = { ...ok, match: { type: 'regex', pattern: '^(a+)+$' } };
    expect(problems(file([slow]))).toEqual([
      expect.stringMatching(/^rules\/f0\.json: rules\[0\]\.match\.pattern: expected a regular expression without a repeated group that itself holds a repetition: '\(a\+\)\+' can take exponential time/),
    ]);
    expect(problems(file([{ ...ok, match: { type: 'regex', pattern: '^a+$' } }]))).toEqual([]);
    // A bounded repetition loads (rules check warns): '(\d{1,3}\.){3}' and a proximity window are common and harmless.
    expect(problems(file([{ ...ok, match: { type: 'regex', pattern: '\\b(\\d{1,3}\\.){3}\\d{1,3}\\b' } }]))).toEqual([]);
    expect(problems(file([{ ...ok, match: { type: 'regex', pattern: 'partij(?:\\W+\\w+){0,5}\\W+congres' } }]))).toEqual([]);
  });

  it('a disabled rule is still checked, keeps its id taken, and may be referenced', () => {
    const off = { ...ok, id: 'off', enabled: false };
    expect(problems(file([off, { ...ok, match: { type: 'rule', id: 'off' } }]))).toEqual([]);
    expect(problems(file([{ ...off, match: { type: 'regex', pattern: '(' } }]))).toEqual([expect.stringMatching(/rules\[0\]\.match\.pattern: expected a valid JavaScript regular expression/)]);
    expect(problems(file([off, { ...ok, id: 'off' }]))).toEqual([expect.stringMatching(/rules\[1\]\.id: expected a unique rule id; 'off' is also defined/)]);
  });

  it('ids unique over files, references that resolve without cycles, conditions that fit the level', () => {
    expect(problems(file([ok]), file([ok]))).toEqual(["rules/f1.json: rules[0].id: expected a unique rule id; 'a' is also defined in rules/f0.json at rules[0]"]);
    expect(problems(file([{ ...ok, match: { type: 'rule', id: 'nope' } }]))).toEqual(["rules/f0.json: rules[0].match: expected the id of a rule in the loaded rule set, got 'nope'"]);
    expect(problems(file([{ ...ok, match: { type: 'rule', id: 'b' } }, { ...ok, id: 'b', match: { type: 'any', of: [{ type: 'rule', id: 'a' }] } }]))[0]).toMatch(
      /rules\[0\]\.match\.of\[0\]: expected no circular references: a → b → a/,
    );
    expect(problems(file([{ ...ok, level: 'contact', match: { type: 'kind', kinds: ['system'] } }]))).toEqual([
      'rules/f0.json: rules[0].match: expected a message or passage level rule for a kind condition (rule level is contact)',
    ]);
  });

  it('invalid JSON reports line and column', () => {
    expect(problems('{\n  "description": "x",\n  "rules": [,]\n}')).toEqual([expect.stringMatching(/^rules\/f0\.json: line 3 column 13: expected valid JSON/)]);
    expect(problems('{"description": "x", "rules": []')).toEqual([expect.stringMatching(/^rules\/f0\.json: line 1 column 33: expected valid JSON/)]);
  });

  it('designations become rules with stable ids, E.164 numbers and priority 90', () => {
    const set = ruleSet({
      description: 'vooraf aangemerkt', custodian: 'minister-bzk',
      designations: [
        { phone: '06 12 34 56 78', category: 'privé', note: 'partner' },
        { name: 'Partijbureau', category: 'partijpolitiek' },
        { conversationTitle: 'Familie Bakker', category: 'prive' },
        { phone: '+31 70 123 4567', category: 'zakelijk', level: 'message', priority: 95 },
      ],
    });
    expect(set.rules.map((r) => [r.id, r.level, r.priority, r.category, r.match])).toEqual([
      ['designation.phone.31612345678', 'contact', 90, 'privé', { type: 'contact', phones: ['+31612345678'] }],
      ['designation.name.partijbureau', 'contact', 90, 'partijpolitiek', { type: 'contact', names: ['Partijbureau'] }],
      ['designation.title.familie-bakker', 'conversation', 90, 'privé', { type: 'conversation', titles: ['Familie Bakker'] }],
      ['designation.phone.31701234567', 'message', 95, 'zakelijk', { type: 'contact', phones: ['+31701234567'] }],
    ]);
    expect(set.files[0]!.custodian).toBe('minister-bzk');
  });
});

describe('the default Dutch rule set', () => {
  const set = loadRuleSet([]);

  it('loads from the repository rules/ folder; every file documents itself', () => {
    expect(path.basename(defaultRulesDir())).toBe('rules');
    const names = fs.readdirSync(defaultRulesDir()).filter((f) => f.endsWith('.json'));
    expect(set.files.map((f) => path.basename(f.path)).sort()).toEqual(names.sort());
    for (const f of set.files) {
      expect(f.path.startsWith('rules/')).toBe(true);
      expect(f.description.length).toBeGreaterThan(40);
      expect(f.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(fs.existsSync(path.join(defaultRulesDir(), 'README.md'))).toBe(true);
  });

  const fires = (text: string, sender?: string) =>
    explainMessage(set, { text, sender, defaultCategory: 'zakelijk' }).suggestions.map((s) => `${s.level}:${s.category}:${s.ruleId}`);

  it.each([
    'VVD', 'D66', 'PVV', 'CDA', 'SP', 'PvdA', 'GroenLinks', 'GL-PvdA', 'PvdD', 'ChristenUnie', 'SGP', 'DENK', 'Forum voor Democratie', 'FvD', 'JA21', 'Volt', 'BBB',
    'NSC', 'Nieuw Sociaal Contract', 'BIJ1', '50PLUS', 'Groep Van Haga', 'BVNL', 'Fractie Den Haan', 'Lid Omtzigt', 'Lid Gundogan',
  ])('names the party %s', (party) => {
    expect(fires(`Wat vindt ${party} ervan?`)).toEqual(['message:partijpolitiek:partijpolitiek.partijen']);
  });

  it.each(['JOVD', 'Jonge Democraten', 'PINK!', 'CDJA', 'ROOD', 'Jonge Socialisten', 'DWARS', 'PerspectieF', 'SGPJ', 'JFVD'])('names the youth organisation %s', (org) => {
    expect(fires(`Spreek je bij ${org} zaterdag?`)).toEqual(['message:partijpolitiek:partijpolitiek.jongerenorganisaties']);
  });

  it.each(['Teldersstichting', 'Mr. Hans van Mierlo Stichting', 'WI voor het CDA', 'Wiardi Beckman Stichting', 'Bureau de Helling', 'Wetenschappelijk Bureau SP'])(
    'names the scientific institute %s',
    (org) => expect(fires(`Het rapport van de ${org} is uit.`)).toEqual(['message:partijpolitiek:partijpolitiek.wetenschappelijke-bureaus']),
  );

  it.each(['fractievoorzitter', 'partijvoorzitter', 'partijbureau', 'ledenvergadering', 'kandidatenlijst', 'lijsttrekker', 'afdelingsbestuur'])('knows the party office %s', (t) => {
    expect(fires(`Gesprek met het ${t} morgen`)).toEqual(['message:partijpolitiek:partijpolitiek.partijorganisatie']);
  });

  it('knows campagne, verkiezingen and congres as weaker party-political terms', () => {
    for (const t of ['campagne', 'verkiezingen', 'congres']) expect(fires(`Hoe gaat de ${t}?`)).toEqual(['message:partijpolitiek:partijpolitiek.verkiezingen-en-campagne']);
  });

  it('keeps ordinary words out: sp, denk, rood, dwars, perspectief, volt', () => {
    expect(fires('ik denk dat het rood is, dwars erdoor, in perspectief, 230 volt, sp')).toEqual([]);
  });

  it('covers the private lexicons and the neutral default', () => {
    expect(fires('Oma is jarig')).toEqual(['message:privé:prive.familie']);
    expect(fires('Ik moet naar de huisarts')).toEqual(['message:privé:prive.gezondheid']);
    expect(fires('De loodgieter komt om 3 uur')).toEqual(['message:privé:prive.huis']);
    expect(fires('Zullen we naar de bioscoop?')).toEqual(['message:privé:prive.vrije-tijd']);
    expect(fires('Stuur je even een tikkie?')).toEqual(['message:privé:prive.financien']);
    expect(fires('Dit is prive')).toEqual(['message:privé:prive.signaalwoorden']);
    expect(fires('De motie van de VVD over de Omgevingswet')).toEqual(['message:zakelijk:neutraal.kamerwerk']);
    expect(fires('De nota voor de ministerraad is klaar')).toEqual([]);
    expect(fires('Hoi', 'Mama')).toEqual(['contact:privé:contact.familienaam']);
    expect(fires('Hoi', 'Anne ❤️')).toEqual(['contact:privé:contact.hartje']);
  });
});
