import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** Runs the CLI in-process (same code path as the binary) and captures its output. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    env: { ...env },
  });
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** Runs the CLI on the store `db` and returns its result; a non-zero exit throws with the command and its stderr. */
export async function runOk(db: string, args: string[]): Promise<CliResult> {
  const r = await runCli([...args, '--db', db]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
}

export function tempDir(prefix = 'chatarchief-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const SHARED = path.resolve(REPO, '../shared');

/**
 * A run refused as bad input under --json: stdout holds nothing but the error object (no result that could be read as
 * a success), whose message is the one stderr shows.
 */
export function expectJsonRefusal(r: CliResult, command: string): { message: string; file?: string; line?: number; entry?: string; code?: string } {
  const out = r.json();
  if (Object.keys(out).join() !== 'error') throw new Error(`stdout holds more than the error object: ${r.stdout}`);
  const e = out.error;
  if (e.command !== command || e.exitCode !== 1 || e.kind !== 'bad-input' || r.code !== 1) throw new Error(`not a refusal by ${command}: exit ${r.code}, ${r.stdout}`);
  if (!r.stderr.includes(`chatarchief ${command}: ${e.message}\n`)) throw new Error(`stderr does not show the message of the error object:\n${r.stderr}`);
  return e;
}
