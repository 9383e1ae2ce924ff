/**
 * Evidence that decides what a file in a folder is, before anything is parsed (see discoverDir): whether a chat .txt
 * names a file (an attachment it shares), and whether a text file reads like a WhatsApp export at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectShape } from '../../parsers/whatsapp/index.js';

const CHUNK = 1 << 20;

/**
 * Whether any of the chat files `texts` shares the file `name` (composed or decomposed): names it in an attachment line,
 * `<attached: name>` / `<bijgevoegd: name>` (iOS) or `name (file attached)` / `name (bestand bijgevoegd)` after a space,
 * U+200E or a line break (Android), the whole name. A name merely written in a message is not enough. Read in chunks,
 * so a large chat costs no memory.
 */
export function mentions(texts: string[], name: string): boolean {
  const forms = [...new Set([name, name.normalize('NFC'), name.normalize('NFD')])];
  const needles = forms
    .flatMap((n) => [`<attached: ${n}>`, `<bijgevoegd: ${n}>`, ...[' ', '\u200e', '\n'].flatMap((p) => [`${p}${n} (file attached)`, `${p}${n} (bestand bijgevoegd)`])])
    .map((n) => Buffer.from(n, 'utf8'));
  const longest = Math.max(...needles.map((n) => n.length));
  const buf = Buffer.alloc(CHUNK + longest);
  for (const file of texts) {
    const fd = fs.openSync(file, 'r');
    try {
      let carry = 0;
      for (;;) {
        const n = fs.readSync(fd, buf, carry, CHUNK, null);
        if (n === 0) break;
        const view = buf.subarray(0, carry + n);
        if (needles.some((x) => view.includes(x))) return true;
        // Keep the tail: a name may straddle two chunks.
        carry = Math.min(longest - 1, view.length);
        view.copy(buf, 0, view.length - carry);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return false;
}

/** Whether the start of a text file holds a WhatsApp message header (as pass 1 detects one) in its first lines. */
export function readsLikeWhatsApp(head: Buffer): boolean {
  const lines = head.toString('utf8').split(/\r\n|\r|\n/).slice(0, 60);
  return lines.some((l) => detectShape(l.replace(/^\ufeff/, '')) !== null);
}

/**
 * A BagIt package (`bagit.txt` beside `data/`), such as `chatarchief export` writes: its Bronbestanden are copies of
 * exports already ingested, and taking them in again would record copies, renamed, as new sources of the custodian.
 */
export function isBag(entries: fs.Dirent[]): boolean {
  return entries.some((e) => e.isFile() && e.name === 'bagit.txt') && entries.some((e) => e.isDirectory() && e.name === 'data');
}

export const BAG = 'a BagIt package (bagit.txt and data/), such as chatarchief export writes, not a device export';

/** The BagIt package whose payload (`data/`) holds `abs`, or null. */
export function enclosingBag(abs: string): string | null {
  for (let dir = path.dirname(abs), below = abs; dir !== below; below = dir, dir = path.dirname(dir)) {
    if (path.basename(below) === 'data' && fs.existsSync(path.join(dir, 'bagit.txt'))) return dir;
  }
  return null;
}
