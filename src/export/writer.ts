import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../store/blobs.js';
import type { DB } from '../store/db.js';
import type { SetKind } from '../store/exports.js';
import type { ExportContext } from './context.js';
import { readLines, type HashingFile, type PayloadWriter, type WrittenFile } from './files.js';
import { Ids } from './ids.js';
import { bestandXml, informatieobjectXml, type Begrip, type InformatieobjectSpec, type Ref } from './mdto.js';
import { identify, type FileFormat } from './pronom.js';

/** What every part of one set's writer shares. */
export interface SetWriter {
  db: DB;
  blobs: BlobStore;
  x: ExportContext;
  set: SetKind;
  pw: PayloadWriter;
  ids: Ids;
  exportedAt: string;
  period: { from: string | null; to: string | null };
  /** The content hash a ledger object was delivered with in this set, or null. */
  delivered: (objectId: string) => string | null;
  /** When that delivery was made (asked only for a delivered message that changed since). */
  deliveredAt?: (objectId: string) => string | null;
  ledger: LedgerSink;
  tool: string;
  /** Called once per message of the export (for progress); optional. */
  tick?: () => void;
}

export const archiefvormer = (w: SetWriter): Ref => ({ naam: w.x.custodian.department });

/** beperkingGebruik: restricted (privacy) for the ruwe dataset, to be determined for the geschoonde set. */
export function restriction(set: SetKind): InformatieobjectSpec['beperkingGebruik'] {
  return set === 'ruw'
    ? {
        type: { label: 'Beperkt openbaar: eerbiediging van de persoonlijke levenssfeer', code: 'Openbaarheid/AW1995/BeperktOpenbaar-levenssfeer/1.0', lijst: 'Openbaarheid Archiefwet 1995' },
        beschrijving: 'Ruwe dataset: bevat privé- en partijpolitieke inhoud en persoonsgegevens (AVG). Alleen voor wie de schoning moet kunnen controleren.',
      }
    : {
        type: { label: 'Nader te bepalen', lijst: 'Begrippenlijst BeperkingGebruik MDTO' },
        beschrijving: 'Geschoonde set: privé- en partijpolitieke inhoud is vervangen door markeringen; openbaarheid van de zakelijke inhoud nader te bepalen.',
      };
}

export const EVENT_LIST = 'Begrippenlijst EventType MDTO';
export const exportEvent = (w: SetWriter, resultaat: string): NonNullable<InformatieobjectSpec['events']>[number] => ({
  type: { label: 'Export', lijst: EVENT_LIST } satisfies Begrip,
  tijd: w.exportedAt,
  actor: { naam: w.tool },
  resultaat,
});

/** Writes `<dir>/<dir name>.mdto.xml` for an informatieobject. */
export function writeObjectSidecar(w: SetWriter, dirRel: string, spec: InformatieobjectSpec): void {
  w.pw.writeText(`${dirRel}/${path.posix.basename(dirRel)}.mdto.xml`, informatieobjectXml(spec));
}

/** Writes the `.bestand.mdto.xml` beside a written file and returns the reference to the file. */
export function writeFileSidecar(w: SetWriter, f: WrittenFile, owner: Ref & { id: string }, format?: FileFormat, mimeHint?: string | null): Ref {
  const rel = f.rel.replace(/^data\//, '');
  const name = path.posix.basename(rel);
  const id = Ids.file(owner.id, name);
  w.pw.writeText(`${rel}.bestand.mdto.xml`, bestandXml({
    id, naam: name, omvang: f.size, format: format ?? identify(f.head, mimeHint), sha256: f.sha256, checksumDatum: w.exportedAt, isRepresentatieVan: owner,
  }));
  return { naam: name, id };
}

/** A file of the payload together with its sidecar. */
export function writeTextWithSidecar(w: SetWriter, rel: string, text: string, owner: Ref & { id: string }, format: FileFormat): Ref {
  return writeFileSidecar(w, w.pw.writeText(rel, text), owner, format);
}

export function closeWithSidecar(w: SetWriter, file: HashingFile, owner: Ref & { id: string }, format: FileFormat): Ref {
  return writeFileSidecar(w, file.close(), owner, format);
}

export const sha256 = (s: string | Buffer): string => crypto.createHash('sha256').update(s).digest('hex');

/**
 * Ledger entries of a set, appended to a work file outside the package while writing (flat memory) and read back when
 * the export is recorded.
 */
export class LedgerSink {
  private readonly fd: number;
  count = 0;
  /** Objects that an earlier export delivered with other content (not delivered again). */
  changed = 0;
  changedExamples: string[] = [];
  skipped = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'wx');
  }

  private buf: string[] = [];

  add(objectId: string, contentHash: string): void {
    this.buf.push(`${objectId}\t${contentHash}\n`);
    if (this.buf.length >= 4096) this.flush();
    this.count++;
  }

  private flush(): void {
    if (this.buf.length) fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
  }

  /**
   * Records that an object was left out because it was delivered before; notes when its content changed since.
   * `deliveredAs` recognises a delivered hash of another (earlier) definition as this content (see ledger-hash.ts).
   */
  skip(objectId: string, deliveredHash: string, currentHash: string | null, deliveredAs?: (deliveredHash: string) => boolean): void {
    this.skipped++;
    if (currentHash !== null && currentHash !== deliveredHash && !deliveredAs?.(deliveredHash)) {
      this.changed++;
      if (this.changedExamples.length < 20) this.changedExamples.push(objectId);
    }
  }

  /**
   * Of the changed: messages that an earlier geschoonde set delivered showing what their slot now withholds (marked
   * privé or partijpolitiek after the delivery). The archive holds that content in a geschoonde set.
   */
  withheld = 0;
  withheldExamples: string[] = [];

  withheldSince(objectId: string): void {
    this.withheld++;
    if (this.withheldExamples.length < 20) this.withheldExamples.push(objectId);
  }

  private open = true;

  close(): void {
    this.flush();
    this.open = false;
    fs.closeSync(this.fd);
  }

  /** Closes the work file without flushing (an export that stops); idempotent. */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    this.buf = [];
    try {
      fs.closeSync(this.fd);
    } catch {
      // already unusable: nothing to release
    }
  }

  *entries(): Generator<{ objectId: string; contentHash: string }> {
    for (const line of readLines(this.file)) {
      if (!line) continue;
      const [objectId, contentHash] = line.split('\t') as [string, string];
      yield { objectId, contentHash };
    }
  }
}
