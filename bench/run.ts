/**
 * `npm run bench`: runs every benchmark script in bench/ (each in its own process) and prints their reports.
 * `npm run bench -- ingest` runs one. Sizes can be reduced for a quick look with BENCH_SIZES=10000,100000.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const names = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.js') && !['run.js', 'util.js'].includes(f))
  .map((f) => f.replace(/\.js$/, ''))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();
// The targets compare this tool with another package on the same machine, but the two do not scale alike from machine
// to machine (SQLite's row inserts and a regex engine's JIT do not speed up together): name the machine and its load,
// so that runs of different days can be told apart.
const cpus = os.cpus();
process.stdout.write(
  `machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
);
let failed = 0;
for (const n of names) {
  process.stdout.write(`\n== bench: ${n} ==\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, `${n}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
