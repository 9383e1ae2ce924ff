import { UserError } from '../errors.js';

/**
 * The store does not hold what it recorded (a blob gone or changed since ingest): the export stops (exit 1, nothing
 * delivered) and says so, rather than writing a package with a file missing or different from the evidence.
 */
export class StoreDamageError extends UserError {
  constructor(what: string) {
    super(`the store is damaged, so nothing was exported: ${what}. Restore the blob store from its backup, or run 'chatarchief audit verify'`);
  }
}
