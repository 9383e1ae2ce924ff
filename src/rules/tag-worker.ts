import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/db.js';
import type { LoadedRuleSet } from './load.js';
import type { Category } from './schema.js';
import { newEngine, tagMessageRange } from './tag-range.js';
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

const input = workerData as WorkerInput;
const store = openStore(input.dbPath, { readonly: true });
try {
  const { engine } = newEngine(store.db, input.custodianId, input.rules, input.defaultCategory);
  parentPort!.postMessage(tagMessageRange(store.db, input.custodianId, engine, input.range, input));
} finally {
  store.close();
}
