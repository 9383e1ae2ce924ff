import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { allText, bagOf, ingestedStore, walk } from './helpers.js';

/**
 * Names that only exist through withheld content never reach the geschoonde set: a group name set by a withheld
 * subject-changed event, and verify treats such a title as withheld, not as public.
 */

const GROUP = `06-03-2025 08:55 - \u200eSanne Mulder heeft de groep Crisisteam Water gemaakt
06-03-2025 08:56 - \u200eSanne Mulder heeft u toegevoegd
06-03-2025 08:56 - \u200eSanne Mulder heeft Pieter Smit toegevoegd
06-03-2025 09:00 - Sanne Mulder: Goedemorgen, overleg om 10 uur over de dijkversterking bij Gorinchem.
06-03-2025 09:02 - Jan de Vries: Besluit: dijk Gorinchem wordt versterkt.
06-03-2025 09:10 - \u200ePieter Smit heeft het onderwerp gewijzigd van "Crisisteam Water" naar "Afscheidsfeest Pieter verrassing"
06-03-2025 09:11 - Pieter Smit: Wie neemt de taart mee voor het afscheidsfeest van Pieter?
06-03-2025 09:12 - Sanne Mulder: Dijkbewaking start om 12:00.
`;


describe('a group name set by a withheld event', () => {
  it('is not shown anywhere in the geschoonde set, and verify reports it when it is planted there', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Afscheidsfeest Pieter verrassing.txt': GROUP });
    // Message 6 is the subject change, 7 the private message about the farewell party.
    expect((await cli('review', 'mark', '--message', '6', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    expect((await cli('review', 'mark', '--message', '7', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(/Afscheidsfeest/i);
    expect(text).toContain('Gesprek (titel afgeschermd)');
    // The business content stays.
    expect(text).toContain('Dijkbewaking start om 12:00.');
    // The ruwe dataset keeps the real title and says it is withheld.
    expect(allText(bagOf(out, 'ruw'))).toMatch(/"title":"Afscheidsfeest Pieter verrassing"[^\n]*"titleWithheld":true/);
    expect((await runCli(['verify', out])).code).toBe(0);

    // The old behaviour: the title in chat.html's <title> and <h1>. Verify must find it, with the ruw package and with the store.
    const html = path.join(g, walk(g).find((x) => x.endsWith('/chat.html'))!);
    fs.writeFileSync(html, fs.readFileSync(html, 'utf8').replaceAll('Gesprek (titel afgeschermd)', 'Afscheidsfeest Pieter verrassing'));
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    expect(v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n')).toMatch(/chat\.html:\d+: .*conversation title/);
    const vs = await runCli(['verify', g, '--db', path.join(path.dirname(out), 'store.db'), '--json']);
    expect(vs.code).toBe(1);
    expect(vs.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n')).toMatch(/chat\.html:\d+: .*conversation \d+ title/);
  });

  it('stays shown when a kept event set it too, or when the renaming event is kept', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Afscheidsfeest Pieter verrassing.txt': GROUP });
    expect((await cli('review', 'mark', '--message', '7', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    expect(allText(bagOf(out, 'geschoond'))).toContain('"title":"Afscheidsfeest Pieter verrassing"');
    expect((await runCli(['verify', out])).code).toBe(0);
  });
});

const ONE_ON_ONE = `01-03-2025 20:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
01-03-2025 20:01 - Marieke Jansen: Hoi lief, hoe laat ben je thuis vanavond?
01-03-2025 20:02 - Jan de Vries: Rond negen uur, kus
`;

describe('a contact present only in withheld messages (LEESMIJ rule 6)', () => {
  it('becomes "Privécontact n" in participants, senders and the title of a 1:1 named after her', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Marieke Jansen.txt': ONE_ON_ONE });
    // Message-level markings only: no contact marking, so the conversation is not excluded as a whole.
    expect((await cli('review', 'mark', '--message', '2', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    expect((await cli('review', 'mark', '--message', '3', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(/Marieke|Jansen/);
    const chat = fs.readFileSync(path.join(g, walk(g).find((x) => x.endsWith('/chat.json'))!), 'utf8');
    expect(chat).toMatch(/"title":"\[Privécontact \d+\]"/);
    expect(chat).toMatch(/"participants":\[\{"name":"Privécontact \d+","custodian":false\}/);
    expect(chat).toMatch(/"sender":"Privécontact \d+"/);
    // The minister's own contact (not recognised in a WhatsApp export) keeps his public name.
    expect(chat).toContain('"sender":"Jan de Vries"');
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('keeps a business participant whom a kept event names, even when her only message is withheld', async () => {
    const { cli, out } = await ingestedStore({ 'WhatsApp-chat met Afscheidsfeest Pieter verrassing.txt': GROUP });
    expect((await cli('review', 'mark', '--message', '7', '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    expect(allText(bagOf(out, 'geschoond'))).toContain('Sanne Mulder heeft Pieter Smit toegevoegd');
  });
});

const UNSAVED = `06-03-2025 08:55 - \u200eSanne Mulder heeft de groep Dijkoverleg gemaakt
06-03-2025 08:56 - \u200eSanne Mulder heeft \u202a+31 6 55512345\u202c toegevoegd
06-03-2025 09:00 - Sanne Mulder: Goedemorgen, overleg om 10 uur over de dijkversterking.
06-03-2025 09:01 - \u202a+31 6 55512345\u202c: Ik ben de nieuwe dijkgraaf, ik sluit aan. Mijn nummer is 06-55512345.
06-03-2025 09:02 - Jan de Vries: Welkom.
`;

describe('a business participant without a saved name (LEESMIJ rule 6: no participant numbers)', () => {
  it('appears as "Contact n" in participants, senders, metadata and text; verify finds the number when planted', async () => {
    const { out, cli } = await ingestedStore({ 'WhatsApp-chat met Dijkoverleg.txt': UNSAVED });
    const r = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    expect(allText(g)).not.toMatch(/55512345|555 ?12 ?345/);
    const chat = fs.readFileSync(path.join(g, walk(g).find((x) => x.endsWith('/chat.json'))!), 'utf8');
    expect(chat).toMatch(/"participants":\[\{"name":"Sanne Mulder","custodian":false\},\{"name":"Contact 2","custodian":false\}/);
    expect(chat).toContain('"sender":"Contact 2"');
    expect(chat).toContain('Ik ben de nieuwe dijkgraaf, ik sluit aan. Mijn nummer is [Contact 2].');
    expect(allText(g)).toMatch(/<verwijzingNaam>Contact 2<\/verwijzingNaam>/);
    expect((await runCli(['verify', out])).code).toBe(0);
    // The number planted back: verify reports it, from the ruwe package and from the store alike.
    const html = path.join(g, walk(g).find((x) => x.endsWith('/chat.html'))!);
    fs.appendFileSync(html, '<p>Bel 06 555 123 45</p>');
    const v = await runCli(['verify', out, '--json']);
    expect(v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n')).toMatch(/chat\.html:\d+: phone number of .* \(Contact 2\)/);
    const vs = await runCli(['verify', g, '--db', path.join(path.dirname(out), 'store.db'), '--json']);
    expect(vs.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n')).toMatch(/chat\.html:\d+: phone number of .* \(Contact 2\)/);
  });
});
