/**
 * Ingest benchmark (issue 2): generates WhatsApp exports of 100k and 1M messages (Android-NL and iOS-NL shapes),
 * then measures, each in a fresh process: our parser alone, the npm package whatsapp-chat-parser on the same file,
 * and a full ingest into a new store. Reports times, messages per second, peak RSS and the ratios.
 * Targets: parse ≥ 3× faster than whatsapp-chat-parser; full 1M ingest ≤ 2× that package's parse time; flat RSS.
 * CPU time is reported beside wall time: on a shared machine it is the fairer comparison.
 * The targets are judged on a fresh process's one parse of the file, as an operator runs it. For information, both
 * parsers are also timed on a second parse of the same file in one process ("steady state"): the first parse pays
 * one-time costs (V8 compiling the hot code, loading the phone-number metadata and the zone's time data), which
 * weigh on the 100k file and not on the per-message speed.
 * The measurements take turns REPEAT times (BENCH_REPEAT, default 3); each is reported as the median with the
 * range, and the ratios are of medians, so that a slow minute of the machine does not decide a ratio.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, cpuMs, fmt, ingestIntoFreshStore, median, peakRssMiB, REPEAT, spread } from './util.js';
import { readFileReusing } from '../src/ingest/context.js';

const self = fileURLToPath(import.meta.url);
type Result = { ms: number; cpu: number; messages: number; rss: number };

async function generate(n: number, shape: 'android-nl' | 'ios-nl'): Promise<string> {
  const { generateWhatsAppExport } = await import('../parsers/whatsapp/generate.js');
  const dir = path.join(benchDir(), `wa-${shape}-${n}`);
  const name = shape === 'ios-nl' ? '_chat.txt' : 'WhatsApp-chat met Crisisteam Hoogwater.txt';
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(file + '.tmp', 'w');
  for (const chunk of generateWhatsAppExport({ messages: n, shape, seed: 42 })) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
  return file;
}

/** Our two passes over the file; with `warm`, after one untimed parse of it in this process. */
async function runParse(file: string, warm = false): Promise<Result> {
  const { scanWhatsAppChunks, parseWhatsAppChunks } = await import('../parsers/whatsapp/index.js');
  const once = async (): Promise<number> => {
    const chunks = () => readFileReusing(file);
    const scan = await scanWhatsAppChunks(chunks());
    let n = 0;
    for await (const batch of parseWhatsAppChunks(chunks(), { dateOrder: scan.dateOrder, zone: 'Europe/Amsterdam', scan })) n += batch.length;
    return n;
  };
  if (warm) await once();
  const t = performance.now();
  const c = cpuMs();
  const n = await once();
  return { ms: performance.now() - t, cpu: cpuMs() - c, messages: n, rss: peakRssMiB() };
}

/** whatsapp-chat-parser on the same file (read as one string, as its API takes it); with `warm`, as runParse. */
async function runBaseline(file: string, warm = false): Promise<Result> {
  const { parseString } = await import('whatsapp-chat-parser');
  const once = (): number => parseString(fs.readFileSync(file, 'utf8'), { parseAttachments: true }).length;
  if (warm) once();
  const t = performance.now();
  const c = cpuMs();
  const n = once();
  return { ms: performance.now() - t, cpu: cpuMs() - c, messages: n, rss: peakRssMiB() };
}

async function runIngest(file: string): Promise<Result> {
  const r = await ingestIntoFreshStore(file);
  return { ms: r.ms, cpu: r.cpu, messages: r.messagesNew, rss: peakRssMiB() };
}

/** The median of each measure over the runs (peak RSS: the highest). */
function summary(rs: Result[]): Result & { all: number[] } {
  return { ms: median(rs.map((r) => r.ms)), cpu: median(rs.map((r) => r.cpu)), messages: rs[0]!.messages, rss: Math.max(...rs.map((r) => r.rss)), all: rs.map((r) => r.ms) };
}

/** Judged on wall time, the time an operator waits. */
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');

const line = (label: string, r: Result & { all: number[] }): string =>
  `  ${label.padEnd(30)} ${spread(r.all).padStart(20)} wall ${((r.cpu / 1000).toFixed(2) + ' s').padStart(8)} CPU  ${fmt(r.messages / (r.ms / 1000)).padStart(10)} msg/s  peak RSS ${r.rss} MiB\n`;

async function orchestrate(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
  process.stdout.write(`each measurement: median (min–max) of ${REPEAT} run${REPEAT > 1 ? 's' : ''}, the measurements taking turns\n`);
  for (const shape of ['android-nl', 'ios-nl'] as const) {
    for (const n of sizes) {
      process.stderr.write(`generating ${fmt(n)} messages (${shape})…\n`);
      const file = await generate(n, shape);
      const size = fs.statSync(file).size;
      process.stderr.write(`measuring on ${file} (${fmt(size / 1e6)} MB)…\n`);
      const modes = ['parse', 'baseline', 'ingest', 'parse-warm', 'baseline-warm'] as const;
      const runs = Object.fromEntries(modes.map((m) => [m, [] as Result[]])) as Record<(typeof modes)[number], Result[]>;
      for (let i = 0; i < REPEAT; i++) {
        for (const m of modes) runs[m].push(child<Result>(self, [m, file]));
      }
      const ours = summary(runs.parse);
      const base = summary(runs.baseline);
      const full = summary(runs.ingest);
      const oursWarm = summary(runs['parse-warm']);
      const baseWarm = summary(runs['baseline-warm']);
      process.stdout.write(
        `${shape} ${fmt(n)} msgs (${fmt(size / 1e6)} MB):\n` +
          line('parse (chatarchief)', ours) + line('parse (whatsapp-chat-parser)', base) + line('full ingest into store', full) +
          `  parse speed-up ${(base.ms / ours.ms).toFixed(2)}× wall, ${(base.cpu / ours.cpu).toFixed(2)}× CPU (target ≥ 3×: ${verdict(base.ms / ours.ms >= 3)}); ` +
          `ingest / baseline parse ${(full.ms / base.ms).toFixed(2)} wall, ${(full.cpu / base.cpu).toFixed(2)} CPU (target ≤ 2${n >= 1_000_000 ? `: ${verdict(full.ms / base.ms <= 2)}` : ', stated for 1M'})\n` +
          `  steady state, for information (a second parse of the file in one process, both parsers): chatarchief ${spread(oursWarm.all)}, ` +
          `whatsapp-chat-parser ${spread(baseWarm.all)}: ${(baseWarm.ms / oursWarm.ms).toFixed(2)}× wall\n`,
      );
    }
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'parse' || mode === 'parse-warm') console.log(JSON.stringify(await runParse(arg!, mode === 'parse-warm')));
else if (mode === 'baseline' || mode === 'baseline-warm') console.log(JSON.stringify(await runBaseline(arg!, mode === 'baseline-warm')));
else if (mode === 'ingest') console.log(JSON.stringify(await runIngest(arg!)));
else await orchestrate();
