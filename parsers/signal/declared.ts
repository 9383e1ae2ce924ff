/**
 * What a Signal export records about an attachment's file: the SHA-256 of its plaintext and its size in bytes. The
 * ingest compares the file it finds with them, so an altered or truncated file is kept (as delivered) but reported.
 *
 * - Signal's own export: `locatorInfo.plaintextHash` is the SHA-256 of the plaintext as standard base64 (bytes are
 *   base64 in the export's proto3 JSON), `locatorInfo.size` the plaintext size.
 * - sigtop JSON (Signal Desktop's message objects): `plaintextHash` is the same SHA-256 as hex, `size` the plaintext
 *   size (the samples show one file under both exports).
 * A hash in neither encoding (or of another length) is not used: then only the size is checked.
 */
import type { ParsedAttachment } from '../types.js';

export interface DeclaredFile {
  /** SHA-256 of the file's bytes, lower-case hex; null when the export gives none that can be read. */
  sha256: string | null;
  /** The file's size in bytes; null when the export gives none. */
  size: number | null;
}

/** A Signal attachment with what the export records about its file. */
export interface SignalAttachment extends ParsedAttachment {
  declared?: DeclaredFile;
}

const HEX = /^[0-9a-f]{64}$/i;
const BASE64 = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}=?$/;

/** The SHA-256 a `plaintextHash` holds as hex (64 hex digits or 32 bytes of base64), or null. */
export function sha256FromPlaintextHash(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  if (HEX.test(v)) return v.toLowerCase();
  if (!BASE64.test(v)) return null;
  const bytes = Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}

/** The declared file of an attachment, or undefined when the export records neither a readable hash nor a size. */
export function declaredFile(plaintextHash: unknown, size: unknown): DeclaredFile | undefined {
  const sha256 = sha256FromPlaintextHash(plaintextHash);
  const n = typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : null;
  return sha256 === null && n === null ? undefined : { sha256, size: n };
}

/** What the export records about an attachment's file (Signal parsers set it), or null. */
export function declaredOf(a: ParsedAttachment): DeclaredFile | null {
  return 'declared' in a ? ((a as SignalAttachment).declared ?? null) : null;
}
