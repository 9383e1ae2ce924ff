import { createReadStream, readFileSync } from 'node:fs';
import { splitLines } from '../../../parsers/lines.js';
import type { ParsedMessage, ParseWarning, SourceLine } from '../../../parsers/types.js';
import { parseWhatsApp, scanWhatsApp, type WhatsAppScan } from '../../../parsers/whatsapp/index.js';

/** The shared format samples sit beside the repository (/work/shared in development, beside the clone in CI). */
export const SHARED = new URL('../../../../shared/formats/whatsapp-samples/', import.meta.url);
/** The project's own fixtures. */
export const SAMPLES = new URL('../../../samples/whatsapp/', import.meta.url);
export const GOLDEN = new URL('../../fixtures/whatsapp/', import.meta.url);

export const LRM = '\u200e';
export const NNBSP = '\u202f';
export const NBSP = '\u00a0';

export interface Parsed {
  scan: WhatsAppScan;
  messages: ParsedMessage[];
  warnings: ParseWarning[];
}

export interface ParseOpts {
  zone?: string;
  dateOrder?: 'dmy' | 'mdy';
  /** Feed the bytes in chunks of this size (default: one read stream with small chunks). */
  chunkSize?: number;
}

function chunksOf(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

export function lines(source: URL | Buffer | string, chunkSize?: number): AsyncIterable<SourceLine> {
  if (source instanceof URL) {
    if (chunkSize) return splitLines(chunksOf(readFileSync(source), chunkSize));
    return splitLines(createReadStream(source, { highWaterMark: 64 }));
  }
  const buf = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  return splitLines(chunksOf(buf, chunkSize ?? 1 << 16));
}

/** Runs both passes the way ingest does: scan, then parse over the same bytes. */
export async function parse(source: URL | Buffer | string, opts: ParseOpts = {}): Promise<Parsed> {
  const scan = await scanWhatsApp(lines(source, opts.chunkSize), opts.dateOrder ? { dateOrder: opts.dateOrder } : {});
  const warnings: ParseWarning[] = [];
  const messages: ParsedMessage[] = [];
  for await (const m of parseWhatsApp(lines(source, opts.chunkSize), {
    dateOrder: scan.dateOrder,
    zone: opts.zone ?? 'Europe/Amsterdam',
    scan,
    onWarning: (w) => warnings.push(w),
  })) {
    messages.push(m);
  }
  return { scan, messages, warnings };
}

export const shared = (name: string): URL => new URL(name, SHARED);
/** Parser-only fixtures (header shapes, a non-export) live in test/fixtures; realistic exports in samples/. */
export const FIXTURES = new URL('../../fixtures/whatsapp/', import.meta.url);
export const sample = (rel: string): URL =>
  new URL(rel.split('/').map(encodeURIComponent).join('/'), /^(header-shapes|not-whatsapp)\//.test(rel) ? FIXTURES : SAMPLES);
