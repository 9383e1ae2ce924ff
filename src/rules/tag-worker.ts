import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/db.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import type { World } from './compile.js';
import { engineFor, tagMessageRange, type RangeResult } from './tag-range.js';
import { claimChunk } from './tag-threads.js';
import type { IdRange } from '../store/tagging.js';

/**
 * Worker thread of `tag`: on its own connection, claims chunks of the message ids (shared counter `next`) until none
 * is left, posts the result of each, then posts that it is done.
 */
export interface WorkerInput {
  dbPath: string;
  custodianId: string;
  defaultCategory: Category;
  /** The loaded rule set as plain data (structured clone keeps each rule's file shared). */
  rules: LoadedRuleSet;
  chunks: IdRange[];
  /** Shared with every thread of the run: the index of the next chunk to claim. */
  next: Int32Array;
  /**
   * Shared: 0 until the main thread has posted the world (contacts and conversations with their numbers normalised,
   * once for all threads), 1 when it has, 2 when the run failed before.
   */
  worldGate: Int32Array;
  dryRun: boolean;
  examplesPerRule: number;
}

export type WorkerMessage = { chunk: number; result: RangeResult } | { done: true };

const input = workerData as WorkerInput;
const store = openStore(input.dbPath, { readonly: true });
try {
  // The store is open; now the world from the main thread (it arrives while this thread was starting).
  Atomics.wait(input.worldGate, 0, 0);
  const posted = Atomics.load(input.worldGate, 0) === 1 ? receiveMessageOnPort(parentPort!) : undefined;
  if (posted) {
    const engine = engineFor(input.rules, (posted.message as { world: World }).world, input.defaultCategory);
    for (let k = claimChunk(input.next, input.chunks.length); k >= 0; k = claimChunk(input.next, input.chunks.length)) {
      // Each result has the chunk's own statistics (merged in chunk order by the main thread).
      const result = tagMessageRange(store.db, input.custodianId, engine, input.chunks[k]!, input);
      parentPort!.postMessage({ chunk: k, result } satisfies WorkerMessage);
    }
  }
} finally {
  store.close();
}
parentPort!.postMessage({ done: true } satisfies WorkerMessage);
