/**
 * Signal benchmark (issue 3): a generated Signal chat export (`main.jsonl`) of 100k and 1M items, each measured in a
 * fresh process: the parser alone and a full ingest into a new store. Reports time, items per second and peak RSS,
 * which must stay flat from 100k to 1M (streaming).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, fmt, ingestIntoFreshStore, peakRssMiB, secs } from './util.js';

const self = fileURLToPath(import.meta.url);
type Result = { ms: number; items: number; rss: number };

async function generate(n: number): Promise<string> {
  const { generateSignalMainJsonl, generateSignalMetadata } = await import('../parsers/signal/index.js');
  const dir = path.join(benchDir(), `signal-${n}`);
  const file = path.join(dir, 'main.jsonl');
  if (fs.existsSync(file)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'metadata.json'), generateSignalMetadata());
  const fd = fs.openSync(file + '.tmp', 'w');
  let buf: string[] = [];
  for (const line of generateSignalMainJsonl({ items: n, seed: 7 })) {
    buf.push(line);
    if (buf.length >= 5000) {
      fs.writeSync(fd, buf.join(''));
      buf = [];
    }
  }
  fs.writeSync(fd, buf.join(''));
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
  return dir;
}

async function runParse(dir: string): Promise<Result> {
  const { parseSignalExport } = await import('../parsers/signal/index.js');
  const { splitLines } = await import('../parsers/lines.js');
  const t = performance.now();
  let n = 0;
  const lines = splitLines(fs.createReadStream(path.join(dir, 'main.jsonl'), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>);
  for await (const ev of parseSignalExport(lines, { zone: 'Europe/Amsterdam' })) if (ev.type === 'message') n++;
  return { ms: performance.now() - t, items: n, rss: peakRssMiB() };
}

async function runIngest(dir: string): Promise<Result> {
  const r = await ingestIntoFreshStore(dir);
  return { ms: r.ms, items: r.messagesNew, rss: peakRssMiB() };
}

async function orchestrate(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
  for (const n of sizes) {
    process.stderr.write(`generating a Signal main.jsonl of ${fmt(n)} items…\n`);
    const dir = await generate(n);
    const size = fs.statSync(path.join(dir, 'main.jsonl')).size;
    const p = child<Result>(self, ['parse', dir]);
    const i = child<Result>(self, ['ingest', dir]);
    process.stdout.write(
      `signal-export ${fmt(n)} items (${fmt(size / 1e6)} MB):\n` +
        `  parse               ${secs(p.ms).padStart(9)}  ${fmt(p.items / (p.ms / 1000)).padStart(10)} items/s  peak RSS ${p.rss} MiB\n` +
        `  full ingest         ${secs(i.ms).padStart(9)}  ${fmt(i.items / (i.ms / 1000)).padStart(10)} items/s  peak RSS ${i.rss} MiB\n`,
    );
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'parse') console.log(JSON.stringify(await runParse(arg!)));
else if (mode === 'ingest') console.log(JSON.stringify(await runIngest(arg!)));
else await orchestrate();
