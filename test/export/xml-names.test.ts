import { expect, it } from 'vitest';
import { ingestedStore } from './helpers.js';

/**
 * A chat named "Papa's verjaardag" is an ordinary Dutch chat name. Its source file keeps that name in the ruwe dataset,
 * and its MDTO sidecar writes it as `Papa&apos;s`: verify must read the sidecar's naam as XML, not as raw text, or it
 * refuses a package that is right.
 */
it("verify accepts a ruwe dataset whose source file name holds an apostrophe (Papa's)", async () => {
  const chat = '02-10-2023 08:02 - Karin Smit: Goedemorgen, de nota over de dijkversterking staat klaar\n02-10-2023 08:05 - Jan de Vries: Dank, ik lees hem vanmiddag.\n';
  const { cli, out } = await ingestedStore({ "WhatsApp-chat met Papa's verjaardag.txt": chat });
  const ex = await cli('export', '--custodian', 'min', '--out', out, '--set', 'both', '--allow-unreviewed');
  expect(ex.code, ex.stderr).toBe(0);
  const v = await cli('verify', out, '--json');
  expect(v.json().findings, v.stdout).toEqual([]);
  expect(v.code).toBe(0);
});
