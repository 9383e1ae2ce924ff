/**
 * verify given the packages of two deliveries (a vervolgexport and the one before it): the leak check of the later
 * geschoonde set takes what the earlier ruwe dataset withheld too, so text withheld in month 1 is found when it shows up
 * in month 2's geschoonde set. With only its own delivery given, that text is unknown to the check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { bagOf, ingestedStore, walk } from './helpers.js';

const NAME = 'WhatsApp-chat met Crisisteam Hoogwater.txt';
const OCTOBER = `02-10-2024 08:00 - Karin van Dijk: De dijkbewaking in Gelderland is opgeschaald naar fase 2.
02-10-2024 08:05 - Jan de Vries: Dank, ik informeer de Kamer vanmiddag.
02-10-2024 08:07 - Karin van Dijk: Trouwens, gefeliciteerd met de verloving van je dochter Sanne!
`;
const NOVEMBER = `${OCTOBER}05-11-2024 09:00 - Karin van Dijk: De waterstand bij Lobith daalt weer, fase 1 vanaf morgen.
`;
const PRIVATE = 'Trouwens, gefeliciteerd met de verloving van je dochter Sanne!';
const LATER_BUSINESS = 'De waterstand bij Lobith daalt weer, fase 1 vanaf morgen.';

const leakFindings = (v: Awaited<ReturnType<typeof runCli>>, pkg: string): string[] =>
  v.json().findings.filter((x: any) => x.check === 'leaks' && x.package === pkg).map((x: any) => x.message);

describe('verify: a vervolgexport checked with the delivery before it', () => {
  it("finds month 1's withheld text in month 2's geschoonde set only when month 1's ruwe dataset is given too", async () => {
    const { cli, dir } = await ingestedStore({ [NAME]: OCTOBER });
    const msgs = (await cli('messages', '--conversation', '1', '--json')).json().messages;
    const priv = msgs.find((m: { text: string }) => m.text === PRIVATE);
    expect((await cli('review', 'mark', '--message', String(priv.id), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const out1 = path.join(dir, 'oktober');
    const out2 = path.join(dir, 'november');
    const e1 = await cli('export', '--custodian', 'min', '--out', out1, '--set', 'both');
    expect(e1.code, e1.stderr).toBe(0);
    const later = path.join(dir, 'in-november', NAME);
    fs.mkdirSync(path.dirname(later));
    fs.writeFileSync(later, NOVEMBER);
    expect((await cli('ingest', later, '--custodian', 'min')).code).toBe(0);
    const e2 = await cli('export', '--custodian', 'min', '--out', out2, '--set', 'both');
    expect(e2.code, e2.stderr).toBe(0);

    // Untouched, both deliveries pass together: the earlier delivery's withheld text is nowhere in the later one.
    const clean = await runCli(['verify', out1, out2, '--json']);
    expect(clean.code, JSON.stringify(clean.json().findings)).toBe(0);
    const g2 = bagOf(out2, 'geschoond');
    const check = clean.json().checks.find((c: any) => c.name === 'leaks' && c.package === path.basename(g2));
    expect(check.detail).toMatch(/taken from the ruwe datasets .*november.*, .*oktober.* \(this delivery's first\)/);

    // Month 1's private text planted into month 2's kept message.
    const files = walk(g2).filter((f) => f.endsWith('chat.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const abs = path.join(g2, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(LATER_BUSINESS, PRIVATE));
    }
    expect(fs.readFileSync(path.join(g2, files[0]!), 'utf8')).toContain(PRIVATE);
    const alone = await runCli(['verify', out2, '--json']);
    expect(leakFindings(alone, path.basename(g2))).toEqual([]);
    const both = await runCli(['verify', out1, out2, '--json']);
    expect(both.code).toBe(1);
    expect(leakFindings(both, path.basename(g2)).join('\n')).toMatch(new RegExp(`chat\\.json:\\d+: withheld text \\(\\d+ characters?\\) of message ${priv.id}`));
  });
});
