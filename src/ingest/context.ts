import type { DB } from '../store/db.js';
import type { BlobStore } from '../store/blobs.js';
import type { Custodian } from '../store/custodians.js';
import type { ParseWarning } from '../../parsers/types.js';
import type { FileRef } from './discover.js';

export interface IngestContext {
  db: DB;
  blobs: BlobStore;
  custodian: Custodian;
  operator: string;
  device: string | null;
  veiligstellingId: number;
  dateOrder?: 'dmy' | 'mdy';
  /** Forced format (`--format`). */
  format?: string;
  /** The read-out moment stated by the operator (`--read-out`), ISO instant; it is recorded as the export time. */
  readOut?: string;
  progress(msg: string): void;
}

/** The per-source result printed by `ingest --json` (contract). */
export interface SourceReport {
  id: number;
  file: string;
  sha256: string;
  format: string;
  dateOrder: string | null;
  dateOrderEvidence?: string | null;
  duplicateSource: boolean;
  conversationId: number | null;
  conversationIds?: number[];
  messagesNew: number;
  messagesSeenBefore: number;
  messagesMissing: number;
  attachments: number;
  attachmentsMissing?: number;
  lowFidelity?: boolean;
  warnings: ParseWarning[];
}

/** Reads a file reference fully as a stream of Buffers. */
export async function* readChunks(ref: FileRef): AsyncGenerator<Buffer> {
  const s = await ref.open();
  for await (const c of s) yield c as Buffer;
}

/** Keeps the first warnings of each code whole and counts the rest, so a bad file cannot flood the output. */
export class WarningLog {
  readonly list: ParseWarning[] = [];
  private readonly perCode = new Map<string, number>();
  constructor(private readonly maxPerCode = 50) {}
  add = (w: ParseWarning): void => {
    const n = (this.perCode.get(w.code) ?? 0) + 1;
    this.perCode.set(w.code, n);
    if (n <= this.maxPerCode) this.list.push(w);
    else if (n === this.maxPerCode + 1) this.list.push({ code: w.code, message: `more '${w.code}' warnings follow; only the first ${this.maxPerCode} are listed` });
  };
}
