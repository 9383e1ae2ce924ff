import { createReadStream, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { splitLines } from '../../../parsers/lines.js';
import type { ParsedMessage, ParseWarning, SourceLine } from '../../../parsers/types.js';
import { parseWhatsApp, parseWhatsAppChunks, scanWhatsApp, scanWhatsAppChunks, type WhatsAppScan } from '../../../parsers/whatsapp/index.js';

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

export function lines(source: URL | Buffer | string, chunkSize?: number, onWarning?: (w: ParseWarning) => void): AsyncIterable<SourceLine> {
  if (source instanceof URL) {
    if (chunkSize) return splitLines(chunksOf(readFileSync(source), chunkSize), onWarning);
    return splitLines(createReadStream(source, { highWaterMark: 64 }), onWarning);
  }
  const buf = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  return splitLines(chunksOf(buf, chunkSize ?? 1 << 16), onWarning);
}

/**
 * Runs both passes: scan, then parse over the same bytes, once line by line (the `lines` chunking, every line its
 * own string) and once the way ingest does, from byte chunks (whole decoded regions, or the given chunk size).
 * Both readings must agree exactly; the result is the ingest's. The line-by-line reading also ignores what pass 1 found
 * out about authors containing `: `, so every parser test checks that skipping that search changes nothing.
 */
export async function parse(source: URL | Buffer | string, opts: ParseOpts = {}): Promise<Parsed> {
  const order = opts.dateOrder ? { dateOrder: opts.dateOrder } : {};
  const zone = opts.zone ?? 'Europe/Amsterdam';
  const byLine = async (): Promise<Parsed> => {
    const scan = await scanWhatsApp(lines(source, opts.chunkSize), order);
    const warnings: ParseWarning[] = [];
    const messages: ParsedMessage[] = [];
    // Without pass 1's count of authors containing `: `, pass 2 searches every line for one: the result must not differ.
    const { colonAuthorLines: _, ...searchAll } = scan;
    const onWarning = (w: ParseWarning): number => warnings.push(w);
    for await (const m of parseWhatsApp(lines(source, opts.chunkSize, onWarning), { dateOrder: scan.dateOrder, zone, scan: searchAll, onWarning })) {
      messages.push(m);
    }
    return { scan, messages, warnings };
  };
  const bytes = source instanceof URL ? readFileSync(source) : typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  const chunks = (): Buffer[] => chunksOf(bytes, opts.chunkSize ?? Math.max(1, bytes.length));
  const scan = await scanWhatsAppChunks(chunks(), order);
  const warnings: ParseWarning[] = [];
  const messages: ParsedMessage[] = [];
  for await (const batch of parseWhatsAppChunks(chunks(), { dateOrder: scan.dateOrder, zone, scan, onWarning: (w) => warnings.push(w) })) {
    messages.push(...batch);
  }
  const fast: Parsed = { scan, messages, warnings };
  expect(fast).toEqual(await byLine());
  return fast;
}

export const shared = (name: string): URL => new URL(name, SHARED);
/** Parser-only fixtures (header shapes, a non-export) live in test/fixtures; realistic exports in samples/. */
export const FIXTURES = new URL('../../fixtures/whatsapp/', import.meta.url);
export const sample = (rel: string): URL =>
  new URL(rel.split('/').map(encodeURIComponent).join('/'), /^(header-shapes|not-whatsapp)\//.test(rel) ? FIXTURES : SAMPLES);
