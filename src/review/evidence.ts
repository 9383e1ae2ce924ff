/**
 * `audit verify`'s evidence check: the blob store holds, unchanged, the bytes that every source, source file and
 * attachment records (see src/store/blob-refs.ts), and nothing else. Every blob a row names is read in pieces and
 * hashed; its size and SHA-256 must be the recorded ones (the SHA-256 is also its name), it must be a regular file, and
 * read-only as the store makes it. Then the store's folders are listed: a blob that no row names (an ingest killed hard
 * after moving it in, before its rows were committed) and anything that is no blob are findings of their own kinds.
 * Nothing is written, moved, removed or chmodded: findings are for the archivist to act on.
 *
 * Scoped to a custodian, only the blobs that custodian's rows name are read (a blob shared with another custodian's
 * rows included). A blob no row names belongs to no custodian, so it cannot be attributed: it is reported by every
 * check, scoped or not, as a gap in the log's sequence numbers is (it may be the bytes of this custodian's export).
 */
import { folderManifest } from '../ingest/files.js';
import { inspectBlob, READ_CHUNK, tmpFiles, walkBlobStore, type BlobState } from '../store/blob-check.js';
import { blobReferenceTotals, iterateBlobReferences, referencedBlobHashes, type BlobReference } from '../store/blob-refs.js';
import type { Store } from '../store/db.js';
import { sourceFileList } from '../store/ingest.js';

export type EvidenceCode =
  | 'blob-missing' | 'blob-not-a-file' | 'blob-unreadable' | 'blob-size-differs' | 'blob-hash-differs' | 'blob-writable'
  | 'blob-unreferenced' | 'blob-stray';

/** A row that names a blob, as a finding shows it (the blob's hash is the finding's). */
export type EvidenceReference = Omit<Partial<BlobReference>, 'sha256'> & Pick<BlobReference, 'kind' | 'fileName' | 'custodianId'>;

export interface EvidenceFinding {
  code: EvidenceCode;
  message: string;
  /** The blob's hash (its name), or null for an entry of the store that is no blob. */
  sha256: string | null;
  /** Where the blob is (or should be), or the entry that is no blob. */
  blobPath: string;
  /** The rows that name the blob (none for an unreferenced blob or a stray entry). */
  references: EvidenceReference[];
}

export interface EvidenceReport {
  /** Blobs read and checked. */
  checked: number;
  /** Rows naming them. */
  references: number;
  /** Bytes read. */
  bytes: number;
  /** Sources recorded by their folder's manifest, whose own hash names no blob (their files do, and are checked). */
  manifests: number;
  /** Files in the store's tmp/ folder: a write in progress or a killed run's leftovers, never blobs; not findings. */
  tmpFiles: number;
  findings: EvidenceFinding[];
}

/** Progress every this many blobs, or this many bytes read, whichever comes first. */
const PROGRESS_BLOBS = 1000;
const PROGRESS_BYTES = 256 << 20;
/** Hashes asked about per query when looking for blobs no row names. */
const LOOKUP_BATCH = 50_000;
const HEX64 = /^[0-9a-f]{64}$/;

export function verifyEvidence(store: Store, opts: { custodianId?: string; progress?: (msg: string) => void } = {}): EvidenceReport {
  const { db, blobs } = store;
  const report: EvidenceReport = { checked: 0, references: 0, bytes: 0, manifests: 0, tmpFiles: 0, findings: [] };
  const f = report.findings;
  const totals = blobReferenceTotals(db, opts.custodianId);
  const progress = progressReporter(totals, opts.progress);
  if (totals.blobs >= PROGRESS_BLOBS || totals.bytes >= PROGRESS_BYTES) {
    opts.progress?.(`evidence: checking ${totals.blobs} blob(s), ${formatBytes(totals.bytes)}, in ${blobs.dir}`);
  }
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  // Blobs that are absent: a source among their rows may be recorded by its folder's manifest, which is looked up
  // once the references are read (the query that streams them holds the connection until then; nothing else is
  // queried meanwhile, so the references are one snapshot of the database).
  const absent: BlobReference[][] = [];
  const check = (refs: BlobReference[]): void => {
    report.references += refs.length;
    const sha256 = refs[0]!.sha256;
    if (!HEX64.test(sha256)) {
      absent.push(refs);
      return;
    }
    const file = blobs.pathFor(sha256);
    const state = inspectBlob(file, buf, (n) => progress.bytes(n));
    if (state.state === 'missing') absent.push(refs);
    else judge(f, state, sha256, file, refs, report);
    progress.blob();
  };
  let group: BlobReference[] = [];
  for (const ref of iterateBlobReferences(db, opts.custodianId)) {
    if (group.length && group[0]!.sha256 !== ref.sha256) {
      check(group);
      group = [];
    }
    group.push(ref);
  }
  if (group.length) check(group);
  for (const refs of absent) reportAbsent(store, refs, report);
  findUnreferenced(store, buf, report);
  report.tmpFiles = tmpFiles(blobs.tmpDir).count;
  return report;
}

/** The findings of a blob that could be looked at: not a file, unreadable, other bytes or size, writable. */
function judge(f: EvidenceFinding[], state: Exclude<BlobState, { state: 'missing' }>, sha256: string, file: string, refs: BlobReference[], report: EvidenceReport): void {
  const who = describeReferences(refs);
  if (state.state === 'not-a-file') {
    f.push(finding('blob-not-a-file', sha256, file, refs, `the blob ${file} of ${who} is ${state.what}, not a regular file`));
    return;
  }
  if (state.state === 'unreadable') {
    f.push(finding('blob-unreadable', sha256, file, refs, `the blob ${file} of ${who} cannot be read: ${state.error}`));
    return;
  }
  report.checked++;
  report.bytes += state.size;
  const recorded = [...new Set(refs.map((r) => r.size).filter((s): s is number => s !== null))];
  const wrongSize = recorded.filter((s) => s !== state.size);
  if (state.sha256 !== sha256) {
    f.push(wrongSize.length
      ? finding('blob-size-differs', sha256, file, refs,
        `the blob ${file} of ${who} has ${state.size} bytes, not the ${recorded.join(' or ')} recorded (truncated or extended): its SHA-256 is ${state.sha256}, not its name`)
      : finding('blob-hash-differs', sha256, file, refs,
        `the blob ${file} of ${who} was altered: its ${state.size} bytes hash to SHA-256 ${state.sha256}, not to its name (the recorded SHA-256)`));
  } else if (wrongSize.length) {
    f.push(finding('blob-size-differs', sha256, file, refs,
      `the blob ${file} of ${who} holds its bytes whole (${state.size} bytes, SHA-256 as its name), but ${refs.filter((r) => r.size !== null && r.size !== state.size).map(describeReference).join(', ')} record(s) ${wrongSize.join(' or ')} bytes: the record was changed`));
  }
  if (state.writable) {
    f.push(finding('blob-writable', sha256, file, refs,
      `the blob ${file} of ${who} is writable (mode ${state.mode.toString(8).padStart(4, '0')}), where the store keeps every blob read-only (0444): anyone with access to the folder can change the evidence unnoticed until the next check`));
  }
}

/**
 * An absent blob is missing, unless the row is a source recorded by its folder's manifest (its hash is the manifest's,
 * which the source's file list must reproduce): such a source has no blob of its own, its files are the evidence.
 */
function reportAbsent(store: Store, refs: BlobReference[], report: EvidenceReport): void {
  const missing = refs.filter((r) => {
    if (r.kind !== 'source' || r.sourceId === null) return true;
    const files = sourceFileList(store.db, r.sourceId);
    const chat = files.find((x) => x.role === 'chat');
    if (!chat || folderManifest(chat.sha256, chat.size, files.filter((x) => x !== chat)).sha256 !== r.sha256) return true;
    report.manifests++;
    return false;
  });
  if (!missing.length) return;
  const sha256 = refs[0]!.sha256;
  const file = HEX64.test(sha256) ? store.blobs.pathFor(sha256) : '';
  report.findings.push(HEX64.test(sha256)
    ? finding('blob-missing', sha256, file, missing, `the blob ${file} of ${describeReferences(missing)} is missing: the recorded bytes are not in the store`)
    : finding('blob-missing', sha256, file, missing, `${describeReferences(missing)} records '${sha256}', which is not a SHA-256: no blob can have that name`));
}

/** Lists the store and reports what lies there that no row names, or that is no blob. */
function findUnreferenced(store: Store, buf: Buffer, report: EvidenceReport): void {
  const onDisk: { sha256: string; file: string; isFile: boolean }[] = [];
  for (const e of walkBlobStore(store.blobs.dir)) {
    if (e.kind === 'stray') report.findings.push(finding('blob-stray', null, e.file, [], `${e.file} is no blob: ${e.why}. It is kept; nothing names it`));
    else onDisk.push(e);
  }
  // (Asked after the referenced blobs were read: an ingest that committed meanwhile has its blobs named by now.)
  for (let i = 0; i < onDisk.length; i += LOOKUP_BATCH) {
    const batch = onDisk.slice(i, i + LOOKUP_BATCH);
    const named = referencedBlobHashes(store.db, batch.map((e) => e.sha256));
    for (const e of batch) {
      if (named.has(e.sha256)) continue;
      if (!e.isFile) {
        report.findings.push(finding('blob-stray', e.sha256, e.file, [], `${e.file} stands at a blob's place but is no file, and no row names it. It is kept`));
        continue;
      }
      const state = inspectBlob(e.file, buf);
      const what = state.state === 'read'
        ? `${state.size} bytes${state.sha256 === e.sha256 ? ', whole (they hash to its name)' : `, which hash to ${state.sha256}, not to its name`}`
        : state.state === 'unreadable' ? `unreadable: ${state.error}` : 'gone meanwhile';
      report.findings.push(finding('blob-unreferenced', e.sha256, e.file, [],
        `the blob ${e.file} (${what}) is named by no source, source file or attachment of any custodian: an ingest moved it in but never ` +
          `recorded it (a run killed hard), or an ingest is running now. Informational: it is kept; ingesting its export again records it`));
    }
  }
}

function finding(code: EvidenceCode, sha256: string | null, blobPath: string, refs: BlobReference[], message: string): EvidenceFinding {
  return { code, message, sha256, blobPath, references: refs.map(shown) };
}

/** A reference as JSON shows it: without its hash (the finding's) and without the fields its kind does not have. */
function shown(r: BlobReference): EvidenceReference {
  const out: EvidenceReference = { kind: r.kind, fileName: r.fileName, custodianId: r.custodianId };
  for (const k of ['sourceId', 'path', 'attachmentId', 'messageId', 'conversationId', 'size'] as const) if (r[k] !== null) (out as Record<string, unknown>)[k] = r[k];
  return out;
}

function describeReference(r: BlobReference): string {
  if (r.kind === 'source') return `source ${r.sourceId} '${r.fileName}'`;
  if (r.kind === 'source-file') return `file '${r.path}' of source ${r.sourceId} '${r.fileName}'`;
  return `attachment ${r.attachmentId} '${r.fileName}' of message ${r.messageId} (conversation ${r.conversationId})`;
}

/** The rows that name a blob, in words: a source's own file (the file of a plain .txt source) is said once. */
function describeReferences(refs: BlobReference[]): string {
  const sources = new Set(refs.filter((r) => r.kind === 'source').map((r) => r.sourceId));
  const said = refs.filter((r) => !(r.kind === 'source-file' && sources.has(r.sourceId) && r.path === r.fileName)).map(describeReference);
  return said.length > 5 ? `${said.slice(0, 5).join(', ')} and ${said.length - 5} more` : said.join(', ');
}

function progressReporter(totals: { blobs: number; bytes: number }, out?: (msg: string) => void): { bytes(n: number): void; blob(): void } {
  let blobsDone = 0;
  let bytesDone = 0;
  let bytesAtLast = 0;
  const say = (): void => {
    bytesAtLast = bytesDone;
    out?.(`evidence: ${blobsDone} of ${totals.blobs} blobs checked (${formatBytes(bytesDone)} of ${formatBytes(totals.bytes)})`);
  };
  return {
    bytes(n) {
      bytesDone += n;
      if (bytesDone - bytesAtLast >= PROGRESS_BYTES) say();
    },
    blob() {
      blobsDone++;
      if (blobsDone % PROGRESS_BLOBS === 0) say();
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]}`;
}
