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

export const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
