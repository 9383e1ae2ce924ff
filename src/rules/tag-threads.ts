import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SuggestionRow } from '../store/markings.js';
import type { IdRange } from '../store/tagging.js';
import type { LoadedRuleSet } from './load.js';
import type { World } from './compile.js';
import type { RangeResult } from './tag-range.js';
import type { WorkerInput, WorkerMessage } from './tag-worker.js';

/**
 * The thread side of `tag`: splitting the message ids into chunks, running worker threads that each claim chunks
 * until none is left (so the threads finish together, however their speed or other work varies), and putting the
 * rows of all chunks back into single-pass order.
 */

export const WORKER = fileURLToPath(new URL('./tag-worker.js', import.meta.url));

/**
 * Splits the id span into `n` ranges of equal width (ids are dense enough to split by width); the first starts at 0
 * and the last is open-ended.
 */
export function splitRange(span: { min: number; max: number }, n: number): IdRange[] {
  if (n === 1) return [{ after: 0, upTo: Infinity }];
  const width = (span.max - span.min + 1) / n;
  const bound = (i: number) => span.min - 1 + Math.ceil(i * width);
  return Array.from({ length: n }, (_, i) => ({ after: i === 0 ? 0 : bound(i), upTo: i === n - 1 ? Infinity : bound(i + 1) }));
}

/** A counter shared by all threads of one tag run: the index of the next chunk to scan. */
export const newChunkCounter = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/** Claims the next chunk for this thread; -1 when every chunk has been claimed. */
export function claimChunk(next: Int32Array, chunks: number): number {
  const k = Atomics.add(next, 0, 1);
  return k < chunks ? k : -1;
}

/** Lets no thread claim another chunk (after a failure). */
export function claimNoMore(next: Int32Array, chunks: number): void {
  Atomics.store(next, 0, chunks);
}

/** The rule set as plain data for a worker (it compiles it itself; no rule file is read or validated again). */
export function workerRules(set: LoadedRuleSet): LoadedRuleSet {
  const files = new Map(set.files.map((f) => [f, { ...f, bytes: Buffer.alloc(0) }]));
  const plain = (r: LoadedRuleSet['rules'][number]) => ({ ...r, file: files.get(r.file)! });
  return { files: [...files.values()], rules: set.rules.map(plain), disabled: set.disabled.map(plain) };
}

/** The gate a run's workers wait at for the world: see WorkerInput.worldGate. */
export const newWorldGate = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/** Sends the world to every worker behind `gate` and lets them go; `world` null tells them the run failed. */
export function openWorldGate(gate: Int32Array, workers: readonly TagWorker[], world: World | null): void {
  if (Atomics.load(gate, 0) !== 0) return;
  if (world) for (const w of workers) w.send({ world: { contacts: world.contacts, conversations: world.conversations } });
  Atomics.store(gate, 0, world ? 1 : 2);
  Atomics.notify(gate, 0);
}

export interface TagWorker {
  /** Resolves when the worker reports that it is done. */
  done: Promise<void>;
  send(message: { world: World }): void;
}

/**
 * Starts a worker that, once the world has come through the gate, scans chunks until none is left; `onChunk`
 * receives the result of each chunk it scanned.
 */
export function runWorker(input: WorkerInput, onChunk: (chunk: number, result: RangeResult) => void): TagWorker {
  const w = new Worker(WORKER, { workerData: input });
  const done = new Promise<void>((resolve, reject) => {
    let finished = false;
    let failed: unknown = null;
    w.on('message', (m: WorkerMessage) => {
      if (!('chunk' in m)) finished = true;
      else if (failed === null) {
        try {
          onChunk(m.chunk, m.result);
        } catch (e) {
          failed = e;
          claimNoMore(input.next, input.chunks.length);
          void w.terminate();
        }
      }
      if (finished && failed === null) resolve();
    });
    w.once('error', (e) => {
      claimNoMore(input.next, input.chunks.length);
      reject(e);
    });
    w.once('exit', (code) => {
      if (failed !== null) reject(failed);
      else if (!finished) reject(new Error(`tag worker exited with code ${code} before it was done`));
    });
  });
  return { done, send: (m) => w.postMessage(m) };
}

/**
 * Hands rows to `consume` in range order (all of range 0, then all of range 1, ...) whatever order they arrive in,
 * and nothing before `open()`.
 */
export class RangeOrder {
  private readonly queues: SuggestionRow[][][];
  private readonly ended: boolean[];
  private next = 0;
  private opened = false;

  constructor(
    n: number,
    private readonly consume: (rows: SuggestionRow[]) => void,
  ) {
    this.queues = Array.from({ length: n }, () => []);
    this.ended = new Array<boolean>(n).fill(false);
  }

  push(range: number, rows: SuggestionRow[]): void {
    if (this.ended[range]) throw new Error(`rows for range ${range} after its end`);
    if (rows.length) this.queues[range]!.push(rows);
    this.drain();
  }

  end(range: number): void {
    this.ended[range] = true;
    this.drain();
  }

  open(): void {
    this.opened = true;
    this.drain();
  }

  private drain(): void {
    if (!this.opened) return;
    while (this.next < this.queues.length) {
      const q = this.queues[this.next]!;
      // Shift before consuming: a consumer that throws leaves the rest queued, not this batch twice.
      for (let rows = q.shift(); rows; rows = q.shift()) this.consume(rows);
      if (!this.ended[this.next]) return;
      this.next++;
    }
  }
}
