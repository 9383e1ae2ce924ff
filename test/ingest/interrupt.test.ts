/**
 * Ctrl-C, SIGTERM or SIGHUP during an ingest: the run stops at its next step and is rolled back like a refused one,
 * the files it copied into the blob store and its temporary files included (they stayed behind, unreferenced).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { generateWhatsAppExport } from '../../parsers/whatsapp/generate.js';
import { runCli } from '../helpers/cli.js';
import { freshStore, tableSnapshot, writeIn } from './store-dir.js';

const ADD = ['--id', 'min', '--name', 'Minister Jansen', '--function', 'Minister', '--department', 'BZK', '--from', '2020-01-01'];

/** Every file below `dir` (relative), none when it does not exist. */
function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

describe('an ingest interrupted by a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: exit ${signal === 'SIGINT' ? 130 : 143}, the store and the blob store as they were`, async () => {
      const s = await freshStore(ADD);
      const file = writeIn(s.dir, 'WhatsApp-chat met Crisisteam Hoogwater.txt', [...generateWhatsAppExport({ messages: 60_000, shape: 'android-nl', seed: 7 })].join(''));
      const before = tableSnapshot(s.db);
      let stderr = '';
      let sent = false;
      const code = await main(['ingest', '--db', s.db, '--custodian', 'min', file], {
        stdout: () => {},
        stderr: (m) => {
          stderr += m;
          // The run has begun (its first file announced): the signal arrives while it reads.
          if (!sent && m.includes('[1/1]')) {
            sent = true;
            process.emit(signal, signal);
          }
        },
        env: {},
      });
      expect(sent).toBe(true);
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stderr).toContain(`interrupted by ${signal}; nothing of this run was stored`);
      expect(tableSnapshot(s.db)).toEqual(before);
      const blobDir = s.db.replace(/\.db$/, '.blobs');
      expect(filesBelow(blobDir)).toEqual([]);
      expect(process.listenerCount(signal)).toBe(0);
      // (the same run uninterrupted stores the file there: the folder checked above is the blob store)
      expect((await runCli(['ingest', '--db', s.db, '--custodian', 'min', file])).code).toBe(0);
      expect(filesBelow(blobDir).length).toBeGreaterThan(0);
    });
  }
});
