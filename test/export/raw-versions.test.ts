import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { walk } from './helpers.js';

/**
 * The edit history of a message is evidence: the ruwe dataset shows every version, in chat.json (extra.revisions) and
 * in the readable chat.html; the geschoonde set shows only the text the reviewer judged.
 */
const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
// The sample's edited message, oldest version first (see test/ingest/signal-edits.test.ts).
const V1 = 'Overleg morgen om 10.00 uur?';
const V2 = 'Overleg morgen om 09.30 uur?';
const V3 = 'Overleg morgen om 09.00 uur?';

describe('export of an edited message', () => {
  let out: string;
  const setFile = (set: 'ruw' | 'geschoond', name: string): string => {
    const bag = path.join(out, fs.readdirSync(out).find((n) => n.endsWith(`_${set}`))!);
    const files = walk(bag).filter((f) => f.endsWith(`/${name}`));
    return files.map((f) => fs.readFileSync(path.join(bag, f), 'utf8')).join('\n');
  };

  beforeAll(async () => {
    const dir = tempDir('chatarchief-versions-');
    const db = path.join(dir, 'store.db');
    const add = await runCli(['custodian', 'add', '--db', db, '--id', 'minister-bzk', '--name', 'J. de Vries', '--function', 'Minister', '--department', 'BZK', '--from', '2022-01-10']);
    expect(add.code, add.stderr).toBe(0);
    const ing = await runCli(['ingest', '--db', db, '--custodian', 'minister-bzk', '--operator', 'test', SAMPLE]);
    expect(ing.code, ing.stderr).toBe(0);
    out = path.join(dir, 'levering');
    const r = await runCli(['export', '--db', db, '--custodian', 'minister-bzk', '--out', out, '--allow-unreviewed'], { SOURCE_DATE_EPOCH: '1761566400' });
    expect(r.code, r.stderr).toBe(0);
  });

  it('the ruwe dataset shows every version in chat.html, oldest first, and keeps them in chat.json', () => {
    const html = setFile('ruw', 'chat.html');
    const list = html.slice(html.indexOf('<details class="v">'));
    expect(list.indexOf(V1)).toBeGreaterThan(0);
    expect(list.indexOf(V2)).toBeGreaterThan(list.indexOf(V1));
    expect(list.indexOf(V3)).toBeGreaterThan(list.indexOf(V2));
    expect(list).toContain('Alle versies van dit bericht, oudste eerst (3)');
    const json = setFile('ruw', 'chat.json');
    expect(json).toContain(JSON.stringify(V1));
    expect(json).toContain(JSON.stringify(V2));
  });

  it('the geschoonde set shows only the current text', () => {
    for (const name of ['chat.html', 'chat.json']) {
      const text = setFile('geschoond', name);
      expect(text).toContain(V3);
      expect(text).not.toContain(V1);
      expect(text).not.toContain(V2);
    }
  });
});
