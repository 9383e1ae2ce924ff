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
 * - A withheld message "Staatssecretaris, de beantwoording …": its clause "Staatssecretaris" is the custodian's
 *   function, which the package's own header shows; the check from the ruwe dataset did not count that as shown.
 * The cleaner shows these rightly; verify must agree, from the ruwe dataset alone and from the store.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli, REPO, tempDir } from '../helpers/cli.js';
import { allText, bagOf, ingestedStore } from './helpers.js';

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

it("a withheld message that addresses the bewindspersoon by function ('Minister, …') is no leak of the package's own header", async () => {
  // ingestedStore's custodian is Jan de Vries, Minister, IenW.
  const { cli, out } = await ingestedStore({
    'WhatsApp-chat met Eva.txt': '04-03-2025 18:01 - Eva: Minister, vergeet je de verjaardag van oma niet?\n04-03-2025 18:02 - Jan de Vries: Nee hoor\n',
    'WhatsApp-chat met Karin van Dijk.txt': '05-03-2025 09:00 - Karin van Dijk: Goedemorgen, de nota ligt klaar\n05-03-2025 09:01 - Jan de Vries: Dank\n',
  });
  const conv = ((await cli('conversations', '--custodian', 'min', '--json')).json().conversations as { id: number; title: string }[]).find((c) => c.title === 'Eva')!;
  expect((await cli('review', 'mark', '--conversation', String(conv.id), '--category', 'privé', '--reviewer', 'Anna de Wit')).code).toBe(0);
  const ex = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both', '--allow-unreviewed');
  expect(ex.code, ex.stderr).toBe(0);
  expect(allText(bagOf(out, 'geschoond'))).toContain('Minister');
  const v = await runCli(['verify', bagOf(out, 'geschoond'), bagOf(out, 'ruw'), '--json']);
  expect(v.json().findings).toEqual([]);
  expect(v.code).toBe(0);
});
