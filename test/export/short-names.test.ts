import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { allText, bagOf, ingestedStore, walk } from './helpers.js';

/**
 * A private contact with a name shorter than 4 characters ("Eva"): prose does not screen such names (too ambiguous),
 * but a conversation title and a system event are made of names, so there the name is that person. It never reaches
 * the geschoonde set there, and verify reports it when it is planted there. Nor does a private name that is the
 * extension of a kept attachment ("Dijknota.truus") reach the name of its copy.
 */

const GROUP = `03-03-2025 09:00 - \u200eKarin van Dijk heeft de groep Werkoverleg Stikstof gemaakt
03-03-2025 09:00 - \u200eKarin van Dijk heeft u toegevoegd
03-03-2025 09:01 - \u200eKarin van Dijk heeft Eva toegevoegd
03-03-2025 09:02 - Karin van Dijk: Goedemorgen, de stikstofnota ligt klaar voor bespreking.
03-03-2025 09:03 - Eva: Pap, vergeet je niet mijn zwemles om vier uur?
03-03-2025 09:04 - Jan de Vries: De nota bespreken we om tien uur.
03-03-2025 09:15 - \u200eKarin van Dijk heeft Eva verwijderd
`;

const ONE_ON_ONE = `04-03-2025 18:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
04-03-2025 18:01 - Eva: Papa kom je eten, we hebben lasagne
04-03-2025 18:02 - Jan de Vries: Ik ben om zeven uur thuis, eerst nog de Kamerbrief stikstof tekenen
`;

const leakFindings = (v: Awaited<ReturnType<typeof runCli>>): string =>
  v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');

/** Marks the participant of that name privé at contact level and exports both sets; returns the geschoonde bag. */
async function markContactAndExport(cli: (...a: string[]) => ReturnType<typeof runCli>, out: string, name: string): Promise<string> {
  const conv = (await cli('conversations', '--custodian', 'min', '--json')).json().conversations[0];
  const id = conv.participants.find((p: any) => p.name === name).contactId;
  expect((await cli('review', 'mark', '--contact', String(id), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
  const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
  expect(r.code, r.stderr).toBe(0);
  return bagOf(out, 'geschoond');
}

describe('a private contact with a short name', () => {
  it('is a pseudonym in the system events that name her, and verify reports her name planted there', async () => {
    const { cli, db, out } = await ingestedStore({ 'WhatsApp-chat met Werkoverleg Stikstof.txt': GROUP });
    const g = await markContactAndExport(cli, out, 'Eva');
    const text = allText(g);
    expect(text).not.toMatch(/\bEva\b/);
    expect(text).toMatch(/Karin van Dijk heeft \[Privécontact \d+\] toegevoegd/);
    expect(text).toMatch(/Karin van Dijk heeft \[Privécontact \d+\] verwijderd/);
    // The business content stays, and a short word in prose is left alone.
    expect(text).toContain('De nota bespreken we om tien uur.');
    expect((await runCli(['verify', out])).code).toBe(0);

    // Planted back into the event (chat.json and chat.html): verify finds it, with the ruw package and with the store.
    for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(/\[Privécontact \d+\] toegevoegd/, 'Eva toegevoegd'));
    }
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    expect(leakFindings(v)).toMatch(/chat\.json:\d+: name of private contact/);
    expect(leakFindings(v)).toMatch(/chat\.html:\d+: name of private contact/);
    const vs = await runCli(['verify', g, '--db', db, '--json']);
    expect(vs.code).toBe(1);
    expect(leakFindings(vs)).toMatch(/chat\.json:\d+: name of private contact/);
  });

  it('is a pseudonym in the title of a 1:1 chat named after her, and verify reports the title planted back', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Eva.txt': ONE_ON_ONE });
    // Her only message is withheld (message level): she is present in no kept content, so she is a private contact.
    expect((await cli('review', 'mark', '--message', '2', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(/\bEva\b/);
    expect(text).toMatch(/"title":"\[Privécontact \d+\]"/);
    expect(text).toMatch(/<h1>\[Privécontact \d+\]<\/h1>/);
    expect(text).toContain('Ik ben om zeven uur thuis');
    expect((await runCli(['verify', out])).code).toBe(0);

    const side = walk(g).find((x) => /Gesprek_\d+\.mdto\.xml$/.test(x))!;
    for (const f of [...walk(g).filter((x) => /\/chat\.(json|html)$/.test(x)), side]) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(/\[Privécontact \d+\]/, 'Eva'));
    }
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    for (const f of ['chat\\.json:1', 'chat\\.html:\\d+', 'Gesprek_\\d+\\.mdto\\.xml:\\d+']) expect(leakFindings(v)).toMatch(new RegExp(`${f}: name of private contact`));
  });
});

const NOTE = `03-03-2025 09:00 - \u200eKarin van Dijk heeft de groep Dijkoverleg gemaakt
03-03-2025 09:02 - Karin van Dijk: Goedemorgen, de dijknota ligt klaar.
03-03-2025 09:03 - Truus: Kom je zaterdag op mijn verjaardag?
03-03-2025 09:04 - Karin van Dijk: \u200eDijknota.truus (bestand bijgevoegd)
03-03-2025 09:05 - Jan de Vries: Dank, ik lees hem.
`;

describe('a kept attachment whose original extension is a private name', () => {
  it('is copied under a neutral extension, so no file name, manifest or sidecar in the geschoonde set holds the name', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Dijkoverleg.txt': NOTE, 'Dijknota.truus': 'Nota over de dijkversterking' });
    const g = await markContactAndExport(cli, out, 'Truus');
    expect(allText(g)).not.toMatch(/truus/i);
    expect(walk(g).filter((x) => /\/media_\d+_0\.bin$/.test(x))).toHaveLength(1);
    // The ruwe dataset keeps the file as it came.
    expect(walk(bagOf(out, 'ruw')).some((x) => /\/media_\d+_0\.truus$/.test(x))).toBe(true);
    expect((await runCli(['verify', out])).code).toBe(0);
  });
});
