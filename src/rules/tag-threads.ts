import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SuggestionRow } from '../store/markings.js';
import type { IdRange } from '../store/tagging.js';
import type { LoadedRuleSet } from './load.js';
import type { RangeResult } from './tag-range.js';
import type { WorkerInput, WorkerMessage } from './tag-worker.js';

/**
 * The thread side of `tag`: splitting the message ids into ranges, running a range in a worker thread (which sends
 * its suggestion rows in batches while it scans), and putting the rows of all ranges back into single-pass order.
 */

export const WORKER = fileURLToPath(new URL('./tag-worker.js', import.meta.url));

/**
 * Splits the id span into `n` ranges (ids are dense enough to split by width). The first range, which the main
 * thread scans, is `firstShare` times as wide as each of the others.
 */
export function splitRange(span: { min: number; max: number }, n: number, firstShare = 1): IdRange[] {
  if (n === 1) return [{ after: 0, upTo: Infinity }];
  const width = (span.max - span.min + 1) / (n - 1 + firstShare);
  const bound = (i: number) => span.min - 1 + Math.ceil((firstShare + i - 1) * width);
  return Array.from({ length: n }, (_, i) => ({ after: i === 0 ? 0 : bound(i), upTo: i === n - 1 ? Infinity : bound(i + 1) }));
}

/** The rule set as plain data for a worker (it compiles it itself; no rule file is read or validated again). */
export function workerRules(set: LoadedRuleSet): LoadedRuleSet {
  const files = new Map(set.files.map((f) => [f, { ...f, bytes: Buffer.alloc(0) }]));
  return { files: [...files.values()], rules: set.rules.map((r) => ({ ...r, file: files.get(r.file)! })) };
}

/** Runs one range in a worker; `onRows` receives the batches it sends before its result (which holds the rest). */
export function runWorker(input: WorkerInput, onRows: (rows: SuggestionRow[]) => void): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: input });
    let result: RangeResult | null = null;
    let failed: unknown = null;
    w.on('message', (m: WorkerMessage) => {
      if ('result' in m) result = m.result;
      else if (failed === null) {
        try {
          onRows(m.rows);
        } catch (e) {
          failed = e;
          void w.terminate();
        }
      }
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (failed !== null) reject(failed);
      else if (result) resolve(result);
      else reject(new Error(`tag worker exited with code ${code} without a result`));
    });
  });
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
