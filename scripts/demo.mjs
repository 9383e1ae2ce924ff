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
run('tag', ['tag', '--custodian', custodian]);

// A reviewer decides a few suggestions on the command line (the web page does the same with the keyboard).
const open = JSON.parse(run('review list', ['review', 'list', '--custodian', custodian, '--status', 'open', '--json'], { capture: true }));
const items = open.markings ?? open.items ?? [];
const first = items.slice(0, 3).map((m) => String(m.id));
if (first.length) run('review decide', ['review', 'decide', ...first, '--accept', '--reviewer', 'demo-reviewer']);
run('audit verify', ['audit', 'verify']);

run('export', ['export', '--custodian', custodian, '--out', path.join(out, 'packages'), '--set', 'both', '--allow-unreviewed']);
run('verify', ['verify', path.join(out, 'packages')]);
run('report html', ['report', 'coverage', '--format', 'html', '--out', path.join(out, 'rapport.html')]);
run('report coverage', ['report', 'coverage']);

process.stdout.write(`
Done. In ${path.relative(process.cwd(), out) || out}/:
  demo.db            the store (messages, markings, decisions, audit log)
  packages/          the ruwe dataset and the geschoonde set as BagIt bags with MDTO sidecars (verified)
  rapport.html       the coverage, findings and status report
Review the suggestions in the browser with:
  node dist/src/cli.js review --custodian ${custodian} --db ${path.relative(process.cwd(), db) || db}
`);
