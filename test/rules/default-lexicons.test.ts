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
