import { IMAGE_FILE, leakLines } from './image-meta.js';
import { looksLikePdf, pdfTextParts } from './pdf-text.js';
import { looksLikeZip, zipTextEntries } from './zip-text.js';

/**
 * What the leak checks (export's and verify's, src/export/leaks.ts) read of one file: its lines (an image's metadata,
 * any other file whole), and what a compressed format hides in it, part by part: the entries of a zip or office
 * document, the text of a PDF. A PDF is read by its text alone, not its bytes: its streams are compressed, and in its
 * pictures and fonts a short name turns up by chance.
 */
export interface LeakPart {
  /** null for the file itself; else the part inside it, as findings name it after `!` (`word/document.xml`, `PDF object 7`). */
  entry: string | null;
  /** The name that decides how a line is read (a `.json` or `.html` entry as such). */
  format: string;
  /** null when only the entry's name is checked. */
  lines: Iterable<string> | null;
}

/** The parts of the file `abs` (`rel`: its path in the package), read lazily. */
export function* leakParts(abs: string, rel: string): Generator<LeakPart> {
  // (sniffed, whatever the file's name: a PDF sent as `scan` or `bijlage.bin`)
  if (looksLikePdf(abs)) {
    for (const p of pdfTextParts(abs)) yield { entry: p.name, format: p.name, lines: p.lines };
    return;
  }
  yield { entry: null, format: rel, lines: leakLines(abs) };
  if (!looksLikeZip(abs)) return;
  for (const e of zipTextEntries(abs) ?? []) yield { entry: e.name, format: e.name, lines: e.text === null ? null : e.text.split('\n') };
}

/**
 * Whether the export's check reads a kept attachment that is no text by its name: one that hides text which the
 * cleaner cannot see (an image's metadata, a zip's entries, a PDF's text).
 */
export function hidesText(abs: string): boolean {
  return IMAGE_FILE.test(abs) || looksLikeZip(abs) || looksLikePdf(abs);
}
