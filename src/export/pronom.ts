/**
 * File format identification for the `bestandsformaat` of MDTO bestand sidecars: PRONOM PUIDs from the file's leading
 * bytes (signatures, in the spirit of DROID/Siegfried, not the file extension), with an IANA media type as the
 * fallback when no signature matches. Text formats that this tool writes itself (JSON, HTML, XML, Markdown) are
 * declared by the writer, since a text file carries no reliable magic number.
 */

export interface FileFormat {
  /** PRONOM PUID, or null when only the media type is known. */
  puid: string | null;
  label: string;
  mime: string;
}

export const OWN_FORMATS = {
  json: { puid: 'fmt/817', label: 'JSON Data Interchange Format', mime: 'application/json' },
  html: { puid: 'fmt/471', label: 'Hypertext Markup Language 5', mime: 'text/html' },
  xml: { puid: 'fmt/101', label: 'Extensible Markup Language 1.0', mime: 'application/xml' },
  markdown: { puid: 'fmt/1149', label: 'Markdown', mime: 'text/markdown' },
  text: { puid: 'x-fmt/111', label: 'Plain Text File', mime: 'text/plain' },
} as const satisfies Record<string, FileFormat>;

const ascii = (b: Buffer, start: number, end: number): string => b.subarray(start, end).toString('latin1');
const starts = (b: Buffer, bytes: number[], at = 0): boolean => bytes.every((x, i) => b[at + i] === x);

/** Identifies a file from its first bytes (64 are enough for every signature here). */
export function identify(head: Buffer, mimeHint?: string | null): FileFormat {
  if (starts(head, [0xff, 0xd8, 0xff])) {
    if (ascii(head, 6, 10) === 'JFIF') return { puid: 'fmt/43', label: 'JPEG File Interchange Format 1.01', mime: 'image/jpeg' };
    if (ascii(head, 6, 10) === 'Exif') return { puid: 'fmt/645', label: 'Exchangeable Image File Format (Compressed)', mime: 'image/jpeg' };
    return { puid: 'fmt/41', label: 'Raw JPEG Stream', mime: 'image/jpeg' };
  }
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { puid: 'fmt/13', label: 'Portable Network Graphics 1.2', mime: 'image/png' };
  if (ascii(head, 0, 6) === 'GIF87a') return { puid: 'fmt/3', label: 'Graphics Interchange Format 87a', mime: 'image/gif' };
  if (ascii(head, 0, 6) === 'GIF89a') return { puid: 'fmt/4', label: 'Graphics Interchange Format 89a', mime: 'image/gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    const kind = ascii(head, 12, 16);
    if (kind === 'VP8L') return { puid: 'fmt/567', label: 'WebP Lossless', mime: 'image/webp' };
    if (kind === 'VP8X') return { puid: 'fmt/568', label: 'WebP Extended', mime: 'image/webp' };
    return { puid: 'fmt/566', label: 'WebP Lossy', mime: 'image/webp' };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return { puid: 'fmt/141', label: 'Waveform Audio (PCMWAVEFORMAT)', mime: 'audio/wav' };
  if (ascii(head, 0, 5) === '%PDF-') {
    const v = ascii(head, 5, 8);
    const byVersion: Record<string, string> = {
      '1.0': 'fmt/14', '1.1': 'fmt/15', '1.2': 'fmt/16', '1.3': 'fmt/17', '1.4': 'fmt/18', '1.5': 'fmt/19', '1.6': 'fmt/20', '1.7': 'fmt/276', '2.0': 'fmt/1129',
    };
    return { puid: byVersion[v] ?? 'fmt/276', label: `Acrobat PDF ${v} - Portable Document Format`, mime: 'application/pdf' };
  }
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand.startsWith('3gp')) return { puid: 'fmt/1034', label: '3GPP Audio/Video File', mime: 'video/3gpp' };
    if (brand === 'heic' || brand === 'heix' || brand === 'mif1') return { puid: 'fmt/1101', label: 'High Efficiency Image File Format', mime: 'image/heic' };
    return { puid: 'fmt/199', label: 'MPEG-4 Media File', mime: brand === 'M4A ' ? 'audio/mp4' : 'video/mp4' };
  }
  if (ascii(head, 0, 4) === 'OggS') {
    const body = ascii(head, 28, 36);
    if (body.startsWith('OpusHead')) return { puid: 'fmt/946', label: 'Ogg Opus Codec Compressed Multimedia File', mime: 'audio/ogg' };
    if (body.includes('vorbis')) return { puid: 'fmt/203', label: 'Ogg Vorbis Codec Compressed Multimedia File', mime: 'audio/ogg' };
    return { puid: null, label: 'audio/ogg', mime: 'audio/ogg' };
  }
  if (ascii(head, 0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return { puid: 'fmt/134', label: 'MPEG 1/2 Audio Layer 3', mime: 'audio/mpeg' };
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) return { puid: 'x-fmt/263', label: 'ZIP Format', mime: 'application/zip' };
  if (ascii(head, 0, 16) === 'SQLite format 3\u0000') return { puid: 'fmt/729', label: 'SQLite Database File Format 3', mime: 'application/vnd.sqlite3' };
  if (/^BEGIN:VCARD/i.test(ascii(head, 0, 11))) return { puid: 'x-fmt/224', label: 'vCard', mime: 'text/vcard' };
  const mime = mimeHint && /^[a-z]+\/[\w.+-]+$/i.test(mimeHint) ? mimeHint.toLowerCase() : 'application/octet-stream';
  return { puid: null, label: mime, mime };
}
