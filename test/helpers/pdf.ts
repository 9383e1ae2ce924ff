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

/**
 * A one-page PDF showing `content` (a content stream: `BT /F1 12 Tf 72 712 Td (…) Tj ET`), deflated, in Helvetica (/F1)
 * and the `fonts` named (`/F2 6 0 R`); `extra` objects follow (numbers from 6).
 */
export function pagePdf(content: string | Buffer, o: { extra?: PdfObject[]; info?: number; storedStream?: Buffer; fonts?: string } = {}): Buffer {
  return makePdf([
    { dict: '<< /Type /Catalog /Pages 2 0 R >>' },
    { dict: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    { dict: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R${o.fonts ? ` ${o.fonts}` : ''} >> >> >>` },
    { dict: '<< >>', stream: content, deflate: true, ...(o.storedStream ? { storedStream: o.storedStream } : {}) },
    { dict: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>' },
    ...(o.extra ?? []),
  ], o.info);
}

/** A PDF string in UTF-16BE hex with its byte order mark, as writers put non-Latin document info. */
export function utf16Hex(s: string): string {
  return `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}

/**
 * A subset font as LibreOffice and Chrome write it: its text in codes of its own (`R` is <01>, `e` <02>…), readable only
 * through its ToUnicode map. Objects `n` (the font) and `n + 1` (the map); `codes` encodes a text in it.
 */
export function subsetFont(n: number): { objects: PdfObject[]; codes: (s: string) => string } {
  const letters = 'Reza Mohamedi';
  const chars = [...new Set(letters)];
  const code = (c: string): string => (chars.indexOf(c) + 1).toString(16).padStart(2, '0').toUpperCase();
  const hex = (c: string): string => c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
  const [first, ...others] = chars;
  const cmap = [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap', '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<00> <FF>', 'endcodespacerange',
    '1 beginbfchar', `<${code(first!)}> <${hex(first!)}>`, 'endbfchar',
    // (the others as one range with a destination each)
    '1 beginbfrange', `<${code(others[0]!)}> <${code(others[others.length - 1]!)}> [${others.map((c) => `<${hex(c)}>`).join(' ')}]`, 'endbfrange',
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
  return {
    objects: [
      { dict: `<< /Type /Font /Subtype /TrueType /BaseFont /BAAAAA+LiberationSans /FirstChar 0 /LastChar 11 /ToUnicode ${n + 1} 0 R >>` },
      { dict: '<< >>', stream: cmap, deflate: true },
    ],
    codes: (s) => `<${[...s].map(code).join('')}>`,
  };
}
