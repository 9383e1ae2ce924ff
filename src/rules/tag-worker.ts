import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/db.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import type { SuggestionRow } from '../store/markings.js';
import { newEngine, tagMessageRange, type RangeResult } from './tag-range.js';
import type { IdRange } from '../store/tagging.js';

/** Worker thread of `tag`: runs the message rules over one id range on its own connection and posts the result. */
export interface WorkerInput {
  dbPath: string;
  custodianId: string;
  defaultCategory: Category;
  /** The loaded rule set as plain data (structured clone keeps each rule's file shared). */
  rules: LoadedRuleSet;
  range: IdRange;
  dryRun: boolean;
  examplesPerRule: number;
}

export type WorkerMessage = { rows: SuggestionRow[] } | { result: RangeResult };

const input = workerData as WorkerInput;
const store = openStore(input.dbPath, { readonly: true });
try {
  const { engine } = newEngine(store.db, input.custodianId, input.rules, input.defaultCategory);
  // Rows go to the main thread in batches while the scan goes on, so that it can store them meanwhile.
  const onRows = (rows: SuggestionRow[]) => parentPort!.postMessage({ rows } satisfies WorkerMessage);
  parentPort!.postMessage({ result: tagMessageRange(store.db, input.custodianId, engine, input.range, { ...input, onRows }) } satisfies WorkerMessage);
} finally {
  store.close();
}
