/**
 * The default private lexicons on realistic Dutch chat sentences, through `rules explain` (what a rule author sees):
 * personal talk is marked, business talk about the same subject (health policy, a department party) is not.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The rules that fire on a message, with the words they matched, and the outcome `rules explain` states. */
async function explain(text: string, sender?: string): Promise<{ fired: string[]; outcome: string }> {
  const r = await runCli(['rules', 'explain', '--text', text, ...(sender ? ['--sender', sender] : []), '--json']);
  if (r.code !== 0) throw new Error(r.stderr);
  const j = r.json();
  return { fired: j.fired.map((f: any) => `${f.rule}:${f.hits.map((h: any) => h.matched).join('|')}`), outcome: j.outcome };
}
const rulesOn = async (text: string) => (await explain(text)).fired.map((f) => f.split(':')[0]);

describe('prive.gezondheid: personal health, not health policy', () => {
  it.each([
    'De medicijnprijzen stijgen volgend jaar, zie de Kamerbrief.',
    'Het medicijntekort bij apothekers is besproken in de MR.',
    'De huisartsenzorg in Groningen staat onder druk.',
    'De huisartsenpost in Zwolle sluit in het weekend, dat moet in de beantwoording.',
    'Het zwangerschapsverlof voor Kamerleden wordt geregeld.',
    'Kun je de tandartsenvereniging terugbellen over de Kamervragen?',
  ])('keeps health policy zakelijk: %s', async (text) => {
    expect(await rulesOn(text)).not.toContain('prive.gezondheid');
  });

  it.each([
    ['Ik haal vanmiddag mijn medicijnen op bij de apotheek.', 'medicijnen|apotheek'],
    ['Ik moet om 9 uur naar de huisarts, begin maar zonder mij.', 'huisarts'],
    ['Mijn huisartsafspraak is verzet naar donderdag.', 'huisartsafspraak'],
    ['Sorry, ik zit bij de tandarts.', 'tandarts'],
    ['Ze is zwanger van de tweede!', 'zwanger'],
    ['Heb je nog een pijnstiller voor me?', 'pijnstiller'],
    ['Dit medicijn helpt goed tegen mijn migraine.', 'medicijn|migraine'],
  ])('marks personal health talk privé: %s', async (text, matched) => {
    expect((await explain(text)).fired).toEqual([`prive.gezondheid:${matched}`]);
  });
});

describe('prive.familie and prive.rouw: family, children, partner and mourning, not policy about them', () => {
  it.each([
    ['Mijn moeder ligt in het ziekenhuis.', 'prive.familie:Mijn moeder'],
    ['Hoe is het met je vader? ❤️', 'prive.familie:je vader'],
    ['Ik zit met de kinderen in de tuin.', 'prive.familie:met de kinderen'],
    ['Hoe gaat het met de baby?', 'prive.familie:baby'],
    ['Mijn vrouw haalt je om zes uur op.', 'prive.familie:Mijn vrouw'],
    ['Komen je ouders zondag ook?', 'prive.familie:je ouders'],
    ['De begrafenis is donderdag om 11 uur in Zwolle.', 'prive.rouw:begrafenis'],
  ])('marks it privé: %s', async (text, fired) => {
    expect((await explain(text)).fired).toEqual([fired]);
  });

  it('marks a family sentence with more private words privé, with every rule as evidence', async () => {
    expect(await explain('Gecondoleerd met je schoonvader, veel sterkte.')).toEqual({
      fired: ['prive.familie:schoonvader', 'prive.rouw:Gecondoleerd'], outcome: 'message privé (prive.familie)',
    });
    expect((await explain('Ons gezin gaat in de kerstvakantie naar Zeeland.')).outcome).toBe('message privé (prive.familie)');
  });

  it.each([
    'De gedupeerde ouders krijgen voor 1 juli een brief van de UHT.',
    'Het aantal kinderen in armoede is gedaald, zie de Kamerbrief.',
    'Een gezin met twee kinderen gaat er 300 euro op vooruit.',
    'Onze partners in de EU willen de tekst vrijdag hebben.',
    'De man die vanochtend belde over de subsidie, kun jij die terugbellen?',
    'De vrouw van de ambassadeur komt ook naar de receptie.',
    'Bij de ramp zijn drie militairen overleden; de minister gaat erheen.',
  ])('keeps policy and work zakelijk: %s', async (text) => {
    expect(await explain(text)).toEqual({ fired: [], outcome: 'no suggestion stored: the message keeps the default category zakelijk' });
  });
});

describe('neutraal.werkfeest: a party of the department is work, a party of the neighbours is not', () => {
  it('suggests zakelijk over prive.vrije-tijd for a department party with a speech', async () => {
    const r = await explain('Het feestje voor de afdeling is vrijdag, wil jij de toespraak houden?');
    expect(r).toEqual({ fired: ['neutraal.werkfeest:feestje|afdeling|toespraak', 'prive.vrije-tijd:feestje'], outcome: 'message zakelijk (neutraal.werkfeest)' });
  });

  it('leaves a private party privé', async () => {
    expect((await explain('Zaterdag feestje bij de buren, ga je mee?')).outcome).toBe('message privé (prive.vrije-tijd)');
  });
});
