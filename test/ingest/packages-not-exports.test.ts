/**
 * A package chatarchief exported is no device export: its Bronbestanden are copies, renamed, of exports already
 * ingested. Ingesting a working folder that also holds the packages (`out/`) recorded every copied chat again as a new
 * source of the custodian, with the other copies beside it taken for its media.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-ienw', '--name', 'M. Harbers', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-10'];
const CHAT = '02-10-2023 08:02 - Karin Smit: Goedemorgen, de waterstand bij Lobith stijgt.\n02-10-2023 08:05 - Minister Harbers: Dank.\n';
const COPY = 'out/levering-1_ruw/data/Chatberichten_minister-ienw/Periode_2023-10-02_2023-10-02/Bronbestanden/bron_1_WhatsApp-chat_met_Karin_Smit.txt';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
  writeIn(dir, 'work/exports/WhatsApp-chat met Karin Smit.txt', CHAT);
  writeIn(dir, 'work/out/levering-1_ruw/bagit.txt', 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  writeIn(dir, 'work/out/levering-1_ruw/bag-info.txt', 'Source-Organization: IenW\n');
  writeIn(dir, `work/${COPY}`, CHAT.replace('Dank.', 'Dank, tot straks.'));
  writeIn(dir, `work/${path.dirname(COPY)}/bron_2_chat.txt`, '[02-10-2023 09:00:00] Karin Smit: Hallo\n');
});

const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'minister-ienw', '--json', ...args]);

describe('a package chatarchief exported, met while ingesting', () => {
  it('inside a folder searched: skipped as a package, said so; the exports beside it are ingested', async () => {
    const r = await ingest(path.join(dir, 'work'));
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.sources.map((s: { file: string }) => path.relative(dir, s.file))).toEqual([path.join('work', 'exports', 'WhatsApp-chat met Karin Smit.txt')]);
    expect(out.skipped).toContainEqual({ path: path.join(dir, 'work', 'out', 'levering-1_ruw') + path.sep, reason: expect.stringMatching(/^a BagIt package \(bagit\.txt and data\/\), such as chatarchief export writes, not a device export/) });
    expect(r.stderr).toContain('levering-1_ruw');
  });

  it('named itself, or a file in it: refused (code package), nothing stored', async () => {
    const before = tableSnapshot(db);
    const bag = path.join(dir, 'work', 'out', 'levering-1_ruw');
    for (const [given, says] of [
      [bag, 'this is a BagIt package'],
      [path.join(dir, 'work', COPY), `this is in ${bag}, a BagIt package`],
      [path.join(dir, 'work', path.dirname(COPY)), `this is in ${bag}, a BagIt package`],
    ]) {
      const r = await ingest(given!);
      expect(r.code, r.stderr).toBe(1);
      expect(r.json().error).toMatchObject({ kind: 'bad-input', code: 'package', file: given });
      expect(r.stderr).toContain(`${given}: ${says}`);
      expect(r.stderr).toMatch(/ingest the original exports/);
    }
    expect(tableSnapshot(db)).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'work', COPY))).toBe(true);
  });
});
