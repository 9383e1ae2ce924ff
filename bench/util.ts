import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Peak resident set size of this process so far, in MiB. */
export const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

export function benchDir(): string {
  const dir = path.join(os.tmpdir(), 'chatarchief-bench');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `node <this file> <args>` in a fresh process (so peak RSS is its own) and parses its last stdout line as JSON. */
export function child<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${path.basename(script)} ${args.join(' ')} failed with ${r.status}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** Runs per measurement (BENCH_REPEAT, default 3): this machine's speed drifts by up to 1.5× from minute to minute. */
export const REPEAT = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 3)) || 1);

/** The median of some numbers (the lower middle one for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/** `median (min–max)` of times in ms, for a report line; just the time for one run. */
export function spread(ms: number[]): string {
  if (ms.length === 1) return secs(ms[0]!);
  return `${secs(median(ms))} (${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)})`;
}

export const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** CPU time (user + system) of this process so far, in ms. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Ingests one path into a fresh, throw-away store; returns wall and CPU time and the number of new messages. */
export async function ingestIntoFreshStore(input: string): Promise<{ ms: number; cpu: number; messagesNew: number }> {
  const { openStore } = await import('../src/store/db.js');
  const { addCustodian } = await import('../src/store/custodians.js');
  const { ingestPaths } = await import('../src/ingest/run.js');
  const dir = fs.mkdtempSync(path.join(benchDir(), 'store-'));
  const store = openStore(path.join(dir, 'bench.db'));
  try {
    const custodian = addCustodian(store.db, { id: 'bench', name: 'Bench', function: 'Minister', department: 'BZK', termFrom: '2020-01-01', termTo: null, tz: 'Europe/Amsterdam' });
    const t = performance.now();
    const c = cpuMs();
    const r = await ingestPaths(store, [input], { custodian, operator: 'bench', device: null });
    return { ms: performance.now() - t, cpu: cpuMs() - c, messagesNew: r.sources.reduce((n, s) => n + s.messagesNew, 0) };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
