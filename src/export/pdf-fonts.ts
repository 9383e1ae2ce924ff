/**
 * The text of strings whose font has codes of its own (a subset font: LibreOffice and Chrome write glyph numbers,
 * `<0102…>`), read through the font's ToUnicode map, for the PDF leak check (pdf-text.ts). The file is read once, in
 * order, and a page may come before its fonts: so the strings of content streams are kept (at most MAX_KEPT bytes) with
 * the name of the font they were set in (`/F2 12 Tf`), and decoded at the end through the maps of the fonts that name
 * stands for (`/F2 9 0 R` in a resource dictionary, `/ToUnicode 10 0 R` in font 9). A name that stands for several
 * fonts (other pages) is decoded through each of their maps; never through the map of a font of another name.
 */

import type { PdfPart } from './pdf-text.js';

/** Bytes of strings kept to decode at the end; beyond it strings are read only as they are (Latin-1). */
const MAX_KEPT = 16 * 1024 * 1024;
/** References noted (name → object) at most, and codes per map. */
const MAX_REFS = 1_000_000;
const MAX_CODES = 65_536;

/** A string as set: its fragments (bytes as Latin-1) and, between fragments of a TJ array, null for a word gap. */
export type RawText = (string | null)[];

interface CMap {
  bytes: number;
  map: Map<number, string>;
}

export class PdfFonts {
  private readonly refs = new Map<string, Set<number>>();
  private refCount = 0;
  private readonly toUnicode = new Map<number, number>();
  private readonly cmaps = new Map<number, CMap>();
  private readonly kept: { part: string; font: string; texts: RawText[] }[] = [];
  private keptBytes = 0;

  /** Object syntax (of object `part`): its references by name, and the ToUnicode map it names when it is a font. */
  noteObject(part: string, text: string): void {
    const n = objectNumber(part);
    const tu = /\/ToUnicode\s+(\d+)\s+\d+\s+R/.exec(text);
    if (n !== null && tu) this.toUnicode.set(n, Number(tu[1]));
    for (const m of text.matchAll(/\/([^\s/[\]<>()]+)\s+(\d+)\s+\d+\s+R\b/g)) {
      if (this.refCount >= MAX_REFS) break;
      const set = this.refs.get(m[1]!) ?? new Set<number>();
      if (!set.has(Number(m[2]))) this.refCount++;
      this.refs.set(m[1]!, set.add(Number(m[2])));
    }
  }

  /** A stream's text: when it is a ToUnicode map, noted for object `part`. */
  noteCMap(part: string, text: string): void {
    const n = objectNumber(part);
    const cmap = n !== null && /begincmap/.test(text.slice(0, 4096)) ? parseCMap(text) : null;
    if (cmap) this.cmaps.set(n!, cmap);
  }

  /** A string of a content stream in object `part`, set in font `font`, kept to be decoded at the end. */
  keep(part: string, font: string, text: RawText): void {
    const size = text.reduce((n, f) => n + (f?.length ?? 0), 0);
    if (!size || this.keptBytes + size > MAX_KEPT) return;
    this.keptBytes += size;
    const last = this.kept[this.kept.length - 1];
    if (last?.part === part && last.font === font) last.texts.push(text);
    else this.kept.push({ part, font, texts: [text] });
  }

  /** The kept strings decoded through the maps of their fonts, by object. */
  *decoded(): Generator<PdfPart> {
    for (const k of this.kept) {
      const maps = [...(this.refs.get(k.font) ?? [])].map((f) => this.cmaps.get(this.toUnicode.get(f) ?? -1)).filter((c) => c !== undefined);
      const lines = maps.flatMap((c) => k.texts.map((t) => t.map((f) => (f === null ? ' ' : decode(f, c))).join(''))).filter((l) => l.trim());
      if (lines.length) yield { name: k.part, lines };
    }
  }
}

function objectNumber(part: string): number | null {
  const m = /^PDF object (\d+)$/.exec(part);
  return m ? Number(m[1]) : null;
}

function decode(s: string, c: CMap): string {
  let out = '';
  for (let i = 0; i + c.bytes <= s.length; i += c.bytes) {
    let code = 0;
    for (let k = 0; k < c.bytes; k++) code = code * 256 + s.charCodeAt(i + k);
    out += c.map.get(code) ?? '\ufffd';
  }
  return out;
}

/** UTF-16BE hex as text. */
function utf16(hex: string): string {
  const b = Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
  return Buffer.from(b.subarray(0, b.length & ~1)).swap16().toString('utf16le');
}

/** A ToUnicode map: its code length (codespace range) and its bfchar and bfrange mappings. */
function parseCMap(text: string): CMap | null {
  const map = new Map<number, string>();
  const space = /begincodespacerange\s*<([0-9A-Fa-f]+)>/.exec(text);
  let bytes = space ? space[1]!.length >> 1 : 0;
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>/g)) {
      if (map.size >= MAX_CODES) break;
      map.set(parseInt(m[1]!, 16), utf16(m[2]!));
      bytes ||= m[1]!.length >> 1;
    }
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = Math.min(parseInt(m[2]!, 16), lo + MAX_CODES - map.size - 1);
      bytes ||= m[1]!.length >> 1;
      const each = m[4] === undefined ? null : [...m[4].matchAll(/<([0-9A-Fa-f]*)>/g)].map((d) => utf16(d[1]!));
      const base = utf16(m[3] ?? '');
      for (let code = lo; code <= hi; code++) {
        // (a range with one destination counts on from it in its last unit)
        const to = each ? each[code - lo] : base && base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + code - lo);
        if (to) map.set(code, to);
      }
    }
  }
  return map.size && bytes ? { bytes, map } : null;
}
