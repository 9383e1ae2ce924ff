// `npm run demo`: the main job on the bundled samples, end to end, in ./out/:
// a demo custodian, ingest of every sample export, rule tagging, the review page's address, export of the
// ruwe dataset and the geschoonde set with verification, and the coverage report.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const db = path.join(out, 'demo.db');
const cli = path.join(root, 'dist/src/cli.js');
const custodian = 'minister-bzk';

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

function run(title, args, { capture = false } = {}) {
  process.stdout.write(`\n$ chatarchief ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`demo: step '${title}' failed with exit ${r.status}\n`);
    process.exit(r.status ?? 2);
  }
  return r.stdout;
}

run('custodian', ['custodian', 'add', '--id', custodian, '--name', 'J. de Vries', '--function', 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', '--department', 'BZK', '--from', '2022-01-10']);
const samples = ['samples/whatsapp', 'samples/signal'].filter((p) => fs.existsSync(path.join(root, p))).map((p) => path.join(root, p));
run('ingest', ['ingest', ...samples, '--custodian', custodian, '--operator', 'demo-operator', '--device', 'dienst-iPhone']);
run('conversations', ['conversations', '--custodian', custodian]);
