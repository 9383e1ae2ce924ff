import zlib from 'node:zlib';

/**
 * Writes a small PDF by hand (header, numbered objects, a cross-reference table with true offsets, a trailer), so tests
 * can make what PDF writers do: content in FlateDecode streams, document info in UTF-16BE hex strings, damaged streams.
 */
export interface PdfObject {
  /** The object's dictionary (or any other object), without `N 0 obj`. */
  dict: string;
  /** Stream data, written after the dictionary (deflated with `deflate`; /Length and /Filter are added). */
  stream?: Buffer | string;
  deflate?: boolean;
  /** Bytes written as the stream instead of the (deflated) data: damage. */
  storedStream?: Buffer;
}

/** A PDF of the given objects (object 1 first); `info` is the number of the document info dictionary, if any. */
export function makePdf(objects: PdfObject[], info?: number): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(at);
    let body: Buffer;
    if (o.stream === undefined) {
      body = Buffer.from(`${i + 1} 0 obj\n${o.dict}\nendobj\n`, 'latin1');
    } else {
      const data = Buffer.isBuffer(o.stream) ? o.stream : Buffer.from(o.stream, 'latin1');
      const stored = o.storedStream ?? (o.deflate ? zlib.deflateSync(data) : data);
      const dict = o.dict.replace(/>>\s*$/, ` /Length ${stored.length}${o.deflate ? ' /Filter /FlateDecode' : ''} >>`);
      body = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n${dict}\nstream\n`, 'latin1'), stored, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    }
    parts.push(body);
    at += body.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([...parts, Buffer.from(xref + trailer, 'latin1')]);
}

/** A one-page PDF showing `content` (a content stream: `BT /F1 12 Tf 72 712 Td (…) Tj ET`), deflated; `extra` objects follow (numbers from 6). */
export function pagePdf(content: string | Buffer, o: { extra?: PdfObject[]; info?: number; storedStream?: Buffer } = {}): Buffer {
  return makePdf([
    { dict: '<< /Type /Catalog /Pages 2 0 R >>' },
    { dict: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    { dict: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>' },
    { dict: '<< >>', stream: content, deflate: true, ...(o.storedStream ? { storedStream: o.storedStream } : {}) },
    { dict: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>' },
    ...(o.extra ?? []),
  ], o.info);
}

/** A PDF string in UTF-16BE hex with its byte order mark, as writers put non-Latin document info. */
export function utf16Hex(s: string): string {
  return `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}
