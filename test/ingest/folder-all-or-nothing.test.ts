/**
 * The operator ingests the month's folder (every export of the phone in it); one zip in it is damaged. The run is all
 * or nothing, so none of the folder's exports is stored, and the refusal must say so: naming only the damaged zip
 * reads as if the other exports of the folder went in, and the operator would not ingest them again.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CHAT = [
  '01-09-2026 08:05 - Karin de Boer: Goedemorgen, de Belastingplan-stukken staan klaar.',
  '01-09-2026 08:10 - Pieter Hendriks: Dank, ik kijk er vanavond naar.',
  '',
].join('\n');

describe('ingest of a folder with a damaged export in it', () => {
  it('refuses the whole folder and says that its other exports were not stored either', async () => {
    const { dir, db } = await freshStore(['--id', 'stas', '--name', 'Pieter Hendriks', '--function', 'Staatssecretaris', '--department', 'Financiën', '--from', '2026-01-01']);
    writeIn(dir, 'maand-9/WhatsApp-chat met Karin de Boer.txt', CHAT);
    const zip = makeZip([{ name: 'WhatsApp-chat met Fiscaal team.txt', data: CHAT, deflate: true }]);
    writeIn(dir, 'maand-9/WhatsApp-chat met Fiscaal team.zip', zip.subarray(0, 40)); // cut off: no central directory
    const before = tableSnapshot(db);
    const r = await runCli(['ingest', `${dir}/maand-9`, '--custodian', 'stas', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('WhatsApp-chat met Fiscaal team.zip: not a readable zip');
    expect(r.stderr).toMatch(/\nNothing of this run was stored: a run is all or nothing, so no other export in .*maand-9 was read either\. Ingest again without this file/);
    expect(tableSnapshot(db)).toEqual(before);
  });
});
