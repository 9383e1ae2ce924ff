import path from 'node:path';
import { HTML_LABELS } from './html.js';
import { unescapeMarkup } from './mdto.js';

/**
 * What a line of a package file shows a reader (pure), for the leak check of `verify` (src/export/leaks.ts): the texts
 * to scan for withheld text and private names and numbers, and the texts made of names, which are screened from 2
 * characters on.
 */

const SEPARATOR = ' \n zz0sep0zz \n ';

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collectStrings(x, out);
}

/** Files read as markup (HTML also in a zip: an e-mail or web page forwarded as a file). */
const MARKUP = /\.(?:x?html?|xml)$/i;
const HTML = /\.x?html?$/i;
/**
 * Tags of the elements a browser shows inside a run of text, and comments, which it does not show at all. Not `time`:
 * chat.html writes a message's time so, beside its sender ("07:03 · Sanne Mulder"), and a withheld forward that quotes
 * both ("[11/1, 07:03] Sanne Mulder: …") would be found in every such line.
 */
const INLINE = /<\/?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|tt|u|var|wbr)(?:\s[^>]*)?\/?>|<!---->/gi;

/** HTML as a browser runs its text: the inline tags and (emptied) comments taken out, so the text on both sides joins. */
const inlineJoined = (s: string): string => s.replace(INLINE, '');

/**
 * The XML parts of an office document (Word, PowerPoint, Excel), in which Word splits a word over runs wherever its
 * formatting, spelling marks or revision history change (`<w:r><w:t>Re</w:t></w:r><w:r><w:t>za</w:t></w:r>`).
 */
const OFFICE_XML = /(?:^|\/)(?:word|ppt|xl)\/.*\.xml$/i;
/** What separates text in an office part as a reader sees it: paragraphs, line breaks, tabs, table cells, shared strings. */
const OFFICE_SPLIT = /<\/?(?:w:p|a:p|w:br|a:br|w:cr|w:tab|w:tc|a:tc|si|c|is)(?:\s[^>]*)?\/?>/g;

/** An office part as a reader reads its text: only what separates text is kept as a tag (`<p>`), every other tag taken out. */
const officeJoined = (s: string): string => s.replace(OFFICE_SPLIT, '\u0000').replace(/<[^>]*>/g, '').replaceAll('\u0000', '<p>');

/**
 * The texts of one line of a file that the package shows: JSON string values (not keys), markup text nodes, comments
 * and attribute values (not element names or CSS), or the line itself. Separate values and nodes are scanned
 * separately, so words of two neighbouring values never form a fragment together. In HTML a node is what a browser
 * shows as one run of text: inline elements and comments do not split it (`Re<b></b>za <span>Mohamedi</span>` is
 * "Reza Mohamedi"), block elements and line breaks do. `joins` says whether the first text continues the previous
 * line's last one (text that runs over a line break).
 */
export function textsOf(file: string, line: string, state: { inStyle: boolean }): { texts: string[]; joins: boolean; tail: string } {
  if (file.endsWith('.json')) {
    const texts: string[] = [];
    try {
      // One item per line (our streaming layout): parse it whole and take its string values.
      collectStrings(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line), texts);
      // One scan per line: the values joined by a word that no fragment holds, so no match runs from one value into the next.
      return { texts: [texts.join(SEPARATOR)], joins: false, tail: '' };
    } catch {
      // Not a complete JSON value on its own (e.g. the head line): take the quoted strings that are not keys.
    }
    for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"(\s*:)?/g)) {
      if (m[2]) continue; // a key
      try { texts.push(JSON.parse(`"${m[1]}"`) as string); } catch { texts.push(m[1]!); }
    }
    return { texts, joins: false, tail: '' };
  }
  if (MARKUP.test(file)) {
    let s = line;
    if (state.inStyle) {
      const end = s.indexOf('</style>');
      if (end < 0) return { texts: [], joins: false, tail: '' };
      s = s.slice(end);
      state.inStyle = false;
    }
    s = s.replace(/<style>[\s\S]*?<\/style>/g, '<style/>');
    const start = s.indexOf('<style>');
    if (start >= 0) { s = s.slice(0, start); state.inStyle = true; }
    const texts: string[] = [];
    s = s.replace(/<!--([\s\S]*?)-->/g, (_m, c: string) => { texts.push(unescapeMarkup(c)); return '<!---->'; });
    for (const tag of s.match(/<[^>]*>/g) ?? []) {
      for (const a of tag.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) texts.push(unescapeMarkup(a[1] ?? a[2] ?? ''));
    }
    if (HTML.test(file)) s = inlineJoined(s);
    else if (OFFICE_XML.test(file)) s = officeJoined(s);
    const nodes = s.split(/<[^>]*>/);
    // Text nodes first (in order), so that `joins` applies to the first node of the line.
    const text = nodes.map(unescapeMarkup).filter((t) => t.trim());
    texts.unshift(...text);
    const open = !state.inStyle && !/>\s*$/.test(s);
    return { texts, joins: (nodes[0] ?? '').trim() !== '', tail: open ? (text[text.length - 1] ?? '').slice(-200) : '' };
  }
  return { texts: [line], joins: true, tail: line.slice(-200) };
}

/**
 * The texts of one line that are made of names rather than prose, which the cleaner screens with Screen.strict (names
 * from 2 characters): a conversation's title (chat.json header, chat.html title and heading, the name in the
 * conversation's own sidecar) and the text of a system event ("Karin heeft Eva toegevoegd").
 */
export function nameTextsOf(file: string, line: string, n: number, state: { naamSeen: boolean }): string[] {
  const name = path.posix.basename(file);
  try {
    if (name === 'chat.json') {
      if (n === 1) {
        const m = line.match(/^(.*),"[A-Za-z]+":\[$/);
        const h = m ? (JSON.parse(`${m[1]}}`) as { header?: { title?: unknown } }).header : undefined;
        return typeof h?.title === 'string' ? [h.title] : [];
      }
      // (only a system event's slot is parsed again: the scan reads every line once already)
      if (!line.startsWith('{') || !line.includes('"kind":"system"')) return [];
      const s = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as { type?: unknown; kind?: unknown; text?: unknown };
      return s.type === 'message' && s.kind === 'system' && typeof s.text === 'string' ? [s.text] : [];
    }
  } catch {
    return []; // not this package's layout: the slot check reports it
  }
  if (name === 'chat.html') {
    const flat = inlineJoined(line.replace(/<!--[\s\S]*?-->/g, ''));
    const out = [...flat.matchAll(/<(title|h1)>([^<]*)<\/\1>/g)].map((m) => unescapeMarkup(m[2]!));
    if (flat.includes(`· ${HTML_LABELS.system}`)) out.push(...[...flat.matchAll(/<div class="t">([^<]*)<\/div>/g)].map((m) => unescapeMarkup(m[1]!)));
    return out;
  }
  if (/^Gesprek_\d+\.mdto\.xml$/.test(name) && !state.naamSeen) {
    const m = line.match(/<naam>([^<]*)<\/naam>/);
    if (m) { state.naamSeen = true; return [unescapeMarkup(m[1]!)]; }
  }
  return [];
}
