/**
 * verify must not refuse a right geschoonde set because names that are shown coincide with withheld ones. Found by an
 * export fuzz over the bundled samples (random decisions, then export and verify):
 * - "Youssef El Amrani" is two contacts in the Signal samples: the business participant of the 1:1 chat (named
 *   "Youssef El Amrani (BZK)" in its participant list, "Youssef El Amrani" by his Signal identity) and a contact by
 *   that bare name that only the transcript's group holds. With that group withheld the second one is private, and
 *   the check from the ruwe dataset counted only participant-list names as shown: every "Youssef El Amrani" in the 1:1
 *   chat became a "leak" of the private contact.
 * - The SMS group titled "Petra Hoekstra, Daan Mulder" withheld: its title (withheld text) reads word for word in the
 *   participant line of the Signal group where both take part, which is shown, not leaked.
 * The cleaner shows both rightly; verify must agree, from the ruwe dataset alone and from the store.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli, REPO, tempDir } from '../helpers/cli.js';
import { allText, bagOf } from './helpers.js';

it('names shown in kept conversations are not leaks of a private contact of the same name, nor of a withheld title made of them', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  const cli = (...a: string[]) => runCli([...a, '--db', db]);
  expect((await cli('custodian', 'add', '--id', 'm', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2015-01-01')).code).toBe(0);
  const ing = await cli('ingest', path.join(REPO, 'samples/signal'), '--custodian', 'm', '--operator', 'RIH operator');
  expect(ing.code, ing.stderr).toBe(0);
  type Conv = { id: number; title: string; participants: { contactId: number; name: string | null }[] };
  const convs = (await cli('conversations', '--custodian', 'm', '--json')).json().conversations as Conv[];
  const holding = (id: number) => convs.filter((c) => c.participants.some((p) => p.contactId === id));
  // The contact by the bare name that only one conversation holds, and the 1:1 chat's business participant.
  const bare = convs.flatMap((c) => c.participants).find((p) => p.name === 'Youssef El Amrani' && holding(p.contactId).length === 1)!;
  expect(bare, 'the samples hold a second "Youssef El Amrani" contact').toBeDefined();
  const group = holding(bare.contactId)[0]!;
  const named = convs.find((c) => c.title === 'Petra Hoekstra, Daan Mulder')!;
  for (const c of [group, named]) {
    const r = await cli('review', 'mark', '--conversation', String(c.id), '--category', 'partijpolitiek', '--reviewer', 'Anna de Wit', '--reason', 'fractieoverleg');
    expect(r.code, r.stderr).toBe(0);
  }
  const out = path.join(dir, 'levering');
  const ex = await cli('export', '--custodian', 'm', '--out', out, '--set', 'both', '--allow-unreviewed');
  expect(ex.code, ex.stderr).toBe(0);
  const geschoond = bagOf(out, 'geschoond');
  // What the cleaner shows: the business participant by name, the withheld group's title nowhere as a title.
  const shown = allText(geschoond);
  expect(shown).toContain('Youssef El Amrani');
  expect(shown).toContain('Petra Hoekstra, Daan Mulder');

  for (const args of [[geschoond, bagOf(out, 'ruw')], [geschoond, '--db', db]]) {
    const v = await runCli(['verify', ...args, '--json']);
    expect(v.json().findings, args.join(' ')).toEqual([]);
    expect(v.code).toBe(0);
  }
});
