import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fsReasonOf, UserError } from '../errors.js';

/**
 * The work folder of an export and what becomes of it when the export does not finish.
 *
 * An export writes into `.<basename of --out>.partial-XXXXXX` beside --out (fs.mkdtemp: six letters or digits) and
 * renames the package into place at the end. The folder holds half a ruwe dataset, private content included, so:
 *
 * - SIGINT/SIGTERM/SIGHUP: the export is written in steps that let the event loop run now and then (`Yielder`: between
 *   messages, between the chunks of a file copy, between the lines of the leak check); a signal handler
 *   (src/cli/commands/export.ts) aborts, the next step throws `ExportInterrupted`, and runExport's cleanup removes the
 *   folder before the command exits 130/143/129. A second signal before the export reached its next step (a step that
 *   takes long) does not wait: the handler removes the folder itself (runExport names it through `onWorkDir`) and exits.
 * - SIGKILL, power loss: nothing can run. The folder carries `OWNER_FILE` (pid and host of the export that made it),
 *   written right after it is created, and the next export to the same --out removes a leftover whose process is gone
 *   (`cleanLeftovers`). A leftover of a process that still lives (a concurrent export, or a reused pid), of another host
 *   (a shared drive) or without an owner record (an older chatarchief, or an export in its first instant) is left alone
 *   and named: removing a folder an export is still writing would break that export.
 */

export const OWNER_FILE = 'chatarchief-export.owner.json';

interface Owner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Thrown at the next step of an export after a signal; `removed` and `notRemoved` are filled in by the cleanup. */
export class ExportInterrupted extends Error {
  removed: string[] = [];
  /** Work folders the cleanup could not remove (they hold private content: the operator must remove them). */
  notRemoved: { path: string; reason: string }[] = [];

  constructor(readonly signal: string) {
    super(`export interrupted by ${signal}`);
    this.name = 'ExportInterrupted';
  }
}

/** Lets a long synchronous export yield to the event loop (where signal handlers run) about every `everyMs`. */
export class Yielder {
  private last = Date.now();

  constructor(private readonly signal?: AbortSignal, private readonly everyMs = 50) {}

  /** Cheap: true when it is time to `yield()`. */
  get due(): boolean {
    return this.signal !== undefined && Date.now() - this.last >= this.everyMs;
  }

  /** Lets pending events (a signal) run, then throws ExportInterrupted when the export was aborted. */
  async yield(): Promise<void> {
    if (this.signal) await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = Date.now();
    this.check();
  }

  check(): void {
    if (this.signal?.aborted) throw new ExportInterrupted(typeof this.signal.reason === 'string' ? this.signal.reason : 'a signal');
  }
}

/** Runs the steps of `steps` (a generator that yields between small units of work) to the end, without pausing. */
export function runSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs `steps` to the end, yielding to the event loop when `y` is due; a stop closes the generator (its files). */
export async function runStepsYielding<T>(steps: Generator<void, T, void>, y: Yielder): Promise<T> {
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (y.due) await y.yield();
    }
  } catch (e) {
    steps.return(undefined as T);
    throw e;
  }
}

/** Removes a work folder; returns why it could not be removed, or null when it is gone. */
export function removeWorkDir(dir: string): string | null {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  } catch (e) {
    return (e as Error)?.message ?? String(e);
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exactly the names fs.mkdtemp gives the work folders of an export to `out`. */
export function partialPattern(out: string): RegExp {
  return new RegExp(`^\\.${escape(path.basename(out))}\\.partial-[A-Za-z0-9]{6}$`);
}

/** Creates the work folder beside `out` with its owner record; a folder that cannot be written is the user's to fix. */
export function makePartialDir(out: string, given: string): string {
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.partial-`));
    const owner: Owner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner) + '\n', { flag: 'wx' });
    return dir;
  } catch (e) {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    throw cannotWrite(given, path.dirname(out), e);
  }
}

/** A file-system error on --out as exit 1 naming --out and the reason; anything else stays an internal error. */
export function cannotWrite(given: string, dir: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!err || typeof err.code !== 'string') return e;
  return new UserError(`--out ${given}: cannot write the package beside it in ${dir}: ${fsReasonOf(err.code) ?? err.message} (${err.code}); choose a folder you can write`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Leftovers {
  /** Work folders of earlier, killed exports to the same --out, removed now. */
  removed: string[];
  /** Folders that look like one but may be in use, with why they were left alone. */
  kept: { path: string; reason: string }[];
}

/** Removes the work folders that earlier exports to `out` left behind when killed (see the top of this file). */
export function cleanLeftovers(out: string): Leftovers {
  const res: Leftovers = { removed: [], kept: [] };
  const parent = path.dirname(out);
  const pattern = partialPattern(out);
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(parent, { withFileTypes: true });
  } catch {
    return res; // not readable: then mkdtemp says what is wrong
  }
  for (const d of names) {
    if (!d.isDirectory() || !pattern.test(d.name)) continue;
    const dir = path.join(parent, d.name);
    let owner: Partial<Owner> | null = null;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    } catch {
      owner = null;
    }
    if (!owner || typeof owner.pid !== 'number' || !Number.isInteger(owner.pid) || owner.pid <= 0) {
      res.kept.push({ path: dir, reason: 'it has no owner record (made by an older chatarchief, or an export that is just starting); remove it by hand if no export to this --out is running' });
    } else if (owner.host !== os.hostname()) {
      res.kept.push({ path: dir, reason: `process ${owner.pid} on host ${owner.host ?? '?'} made it; remove it by hand if that export is not running` });
    } else if (alive(owner.pid)) {
      res.kept.push({ path: dir, reason: `process ${owner.pid}, which made it, is still running (an export in progress?)` });
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
      res.removed.push(dir);
    }
  }
  return res;
}
