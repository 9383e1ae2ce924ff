import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InputError, UserError } from '../errors.js';
import { openZip, type ZipArchive, type ZipLimits } from './zip.js';
import type { ZipTime } from './zip-time.js';
import { BAG, enclosingBag, isBag, mentions, readsLikeWhatsApp } from './folder-sniff.js';
import { chatTitleFromFileName, isWhatsAppChatFileName } from '../../parsers/whatsapp/index.js';
import { utf16Text } from './utf16.js';
import type { StoreFiles } from './store-files.js';
import { detectSignalInput, GUIDE_SIGEXPORT, SIGEXPORT, type SignalDetection } from '../../parsers/signal/index.js';

/** A file inside an export: on disk or inside a zip. */
export interface FileRef {
  /** Path relative to the export root (zip entry name, or path below the folder). */
  rel: string;
  /** Path for messages: `/abs/x.zip (entry _chat.txt)` or the file path. */
  display: string;
  /** The file on disk that holds the bytes: the zip, or the file itself (an error's `file`). */
  file: string;
  /** The entry's name in the zip (an error's `entry`); absent for a file on disk. */
  entry?: string;
  size: number;
  open(): Promise<Readable>;
  /** A zip entry's time as the device wrote it (null for a file on disk: its modification time is no evidence). */
  modified: ZipTime | null;
  /**
   * A plain file on disk with these bytes (the file itself, or a zip entry's copy in the blob store): lets a parser
   * read it through one reused buffer.
   */
  path?: string;
}

export type ExportFormat = 'whatsapp' | 'signal-export' | 'sms-xml' | 'sigtop-json' | 'signal-txt';

/** One export found among the operator's paths: one source in the store. */
export interface ExportUnit {
  /** The file that is the source (hashed and kept whole): a zip, a .txt, an .xml, a .json, or a Signal export's main.jsonl. */
  sourcePath: string;
  container: 'zip' | 'file' | 'dir';
  /** Detected format (a text file that is not a Signal transcript is read as WhatsApp; the parser says if it is not). */
  format: ExportFormat | null;
  /** The main file (chat text, main.jsonl, XML, JSON). */
  main: FileRef;
  /** Further main files of the same source (a zip of several sigtop chat files). */
  extraMains?: FileRef[];
  /**
   * A WhatsApp zip: the other entries named like a chat file (kept among `files`). The chat must link each as an
   * attachment (a document shared in the chat), or, if one is a WhatsApp chat itself, the zip is refused: a second chat
   * is never dropped silently.
   */
  otherChats?: string[];
  /** A WhatsApp zip: other entries that read as a Signal or SMS export, with what they read as (see otherChats). */
  otherExports?: { name: string; label: string }[];
  /** Other files of the export (media), keyed by path relative to the export root. */
  files: Map<string, FileRef>;
  zip?: ZipArchive;
  /** Names of all files in the export. */
  names: string[];
}

/**
 * Bad input in the file `ref` reads: the error names the file on disk and, inside a zip, the entry, so that a script
 * reading `--json` gets a path that exists (`file`) and the entry in it (`entry`).
 */
export function inputErrorIn(ref: Pick<FileRef, 'file' | 'entry'>, reason: string, where: { line?: number; code?: string } = {}): InputError {
  return new InputError(ref.file, reason, { ...where, ...(ref.entry !== undefined ? { entry: ref.entry } : {}) });
}

const fileRef = (abs: string, rel: string): FileRef => {
  const st = fs.statSync(abs);
  return { rel, display: abs, file: abs, size: st.size, modified: null, open: async () => fs.createReadStream(abs), path: abs };
};

const HEAD_BYTES = 4096;
const CANDIDATE = /\.(jsonl|json|xml|txt|backup|sqlite)$/i;

async function readHead(open: () => Promise<Readable>): Promise<Buffer> {
  const s = await open();
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    parts.push(c as Buffer);
    n += (c as Buffer).length;
    if (n >= HEAD_BYTES) break;
  }
  s.destroy();
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/** Refuses encrypted or unreadable Signal inputs: what was recognised, why it cannot be ingested, and what to do. */
function refuseSignal(where: string, det: SignalDetection): never {
  // The detection names the entries it saw; for a file given by its own path that would only repeat its name.
  const what = det.entries.length === 1 && path.basename(where) === det.entries[0] ? det.label : det.reason;
  const why = det.format === 'encrypted' ? 'it is encrypted, so it cannot be read; nothing was stored' : 'chatarchief has no reader for this format; nothing was stored';
  throw new InputError(where, `recognised as ${what}, but ${why}. ${det.guidance ?? ''}`.trim(), { code: det.format });
}

/** An entry of a folder that a folder ingest did not take in, with the reason (`ingest` lists them). */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** The refusal for a symbolic link met inside a folder: following it or leaving it out would both be wrong. */
function symlinkRefusal(abs: string): InputError {
  let target = '';
  try {
    target = path.resolve(path.dirname(abs), fs.readlinkSync(abs));
  } catch {
    // (unreadable link: named without its target)
  }
  return new InputError(
    abs,
    `a symbolic link${target ? ` to ${target}` : ''} inside the folder. Links are not followed, and leaving it out would leave a gap ` +
      `in the veiligstelling: copy the file itself into the folder, or name it directly${target ? ` (${target})` : ''}. Nothing was stored`,
    { code: 'symlink' },
  );
}

/**
 * Expands the operator's paths into export units. Throws InputError for anything that is not an export, and for a
 * symbolic link anywhere below a folder. `skipped` lists the entries of folders that were not taken in (hidden
 * entries, and files that are neither an export nor the media of a chat beside them).
 */
export async function discoverExports(paths: string[], limits: ZipLimits, own: StoreFiles): Promise<{ units: ExportUnit[]; skipped: SkippedEntry[] }> {
  const units: ExportUnit[] = [];
  const skipped: SkippedEntry[] = [];
  try {
    for (const p of paths) {
      const abs = path.resolve(p);
      if (!fs.existsSync(abs)) throw new UserError(`${p}: no such file or directory`);
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) throw new InputError(p, 'symbolic links are not followed; name the file itself');
      const ownReason = own.reason(abs);
      if (ownReason) throw new InputError(abs, `${ownReason}; name the exports to ingest, or a folder that holds them`, { code: 'store-file' });
      const bag = st.isDirectory() && isBag(fs.readdirSync(abs, { withFileTypes: true })) ? abs : enclosingBag(abs);
      if (bag) throw new InputError(abs, `${bag === abs ? 'this is ' : `this is in ${bag}, `}${BAG}; ingest the original exports`, { code: 'package' });
      if (st.isDirectory()) await discoverDir(abs, limits, units, skipped, own);
      else if (!st.isFile()) throw notRegular(abs, st);
      else units.push(await discoverFile(abs, limits, own));
    }
  } catch (e) {
    for (const u of units) u.zip?.close();
    throw e;
  }
  return { units, skipped };
}

/**
 * The refusal of a path that is neither a file nor a folder (/dev/zero, a named pipe): its size says nothing (0, or
 * endless), and reading it may never end, so it is refused before anything is read.
 */
function notRegular(abs: string, st: fs.Stats): InputError {
  const kind = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : 'a special file';
  return new InputError(
    abs,
    `not a regular file (${kind}); expected an export file (a WhatsApp .txt/.zip, a Signal export, SMS Backup & Restore XML or sigtop JSON) or a folder`,
    { code: 'not-regular-file' },
  );
}

async function discoverFile(abs: string, limits: ZipLimits, own: StoreFiles): Promise<ExportUnit> {
  const base = path.basename(abs);
  const lower = base.toLowerCase();
  const size = fs.statSync(abs).size;
  if (size === 0) throw new InputError(abs, 'the file is empty; expected a WhatsApp or Signal export');
  if (lower.endsWith('.zip')) return discoverZip(abs, limits);
  if (lower === 'main.jsonl') return signalFolderUnit(path.dirname(abs), own);
  const unit = (format: ExportFormat | null): ExportUnit => ({ sourcePath: abs, container: 'file', format, main: fileRef(abs, base), files: new Map(), names: [base] });
  if (isWhatsAppChatFileName(base) && lower.endsWith('.txt')) return unit('whatsapp');
  const head = await readHead(async () => fs.createReadStream(abs, { end: HEAD_BYTES - 1 }));
  const det = detectSignalInput([{ name: base, head }]);
  if (det && (det.format === 'encrypted' || det.format === 'unsupported')) refuseSignal(abs, det);
  if (det) {
    const u = unit(det.format as ExportFormat);
    if (det.format === 'sigtop-json') addSigtopAttachments(u, abs);
    return u;
  }
  // UTF-16 text would otherwise be "binary data" here (a chat-named .txt is refused so by the WhatsApp scan).
  const u16 = utf16Text(base, head);
  if (u16) throw new InputError(abs, u16.reason, { code: 'utf16' });
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      abs,
      `binary data, not an export: a NUL byte at byte offset ${nul}, which no text export holds (expected a WhatsApp .txt/.zip, a Signal export, SMS Backup & Restore XML or sigtop JSON)`,
      { code: 'binary' },
    );
  }
  if (lower.endsWith('.txt')) return unit('whatsapp');
  throw new InputError(abs, 'not a recognised export (expected a WhatsApp .txt/.zip, a Signal export with main.jsonl, SMS Backup & Restore XML or sigtop JSON)');
}

/**
 * Whether a file found in a folder (not named by the operator) may be an export: named like a WhatsApp chat, or its
 * first bytes show a Signal or SMS export, a WhatsApp message header, or UTF-16 text (a .txt, or one that reads as a
 * Signal or SMS export once decoded: refused as such, see discoverFile).
 * Anything else (an operator's notes.txt, a settings .json) is not one and is listed as skipped; a file that may be an
 * export is read as one, and refused if it is not a sound one.
 */
async function mayBeExport(abs: string): Promise<boolean> {
  const base = path.basename(abs);
  if (base.toLowerCase() === 'main.jsonl' || (isWhatsAppChatFileName(base) && base.toLowerCase().endsWith('.txt'))) return true;
  if (fs.statSync(abs).size === 0) return false;
  const head = await readHead(async () => fs.createReadStream(abs, { end: HEAD_BYTES - 1 }));
  const txt = base.toLowerCase().endsWith('.txt');
  const u16 = utf16Text(base, head);
  return detectSignalInput([{ name: base, head }]) !== null || (u16 !== null && (txt || u16.readsAs !== null)) || (txt && readsLikeWhatsApp(head));
}

/** sigtop lays attachments out as `<chat file name without .json>/<file>` beside the JSON file. */
function addSigtopAttachments(u: ExportUnit, jsonPath: string): void {
  const dir = jsonPath.replace(/\.json$/i, '');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
  const prefix = path.basename(dir);
  walk(dir, (abs, rel) => u.files.set(`${prefix}/${rel}`, fileRef(abs, `${prefix}/${rel}`)));
}

async function discoverZip(abs: string, limits: ZipLimits): Promise<ExportUnit> {
  const zip = await openZip(abs, limits);
  const entries = zip.entries.filter((e) => !e.isDirectory && !e.name.startsWith('__MACOSX/') && !path.posix.basename(e.name).startsWith('._'));
  const names = entries.map((e) => e.name);
  const ref = (name: string): FileRef => {
    const e = entries.find((x) => x.name === name)!;
    return { rel: name, display: `${abs} (entry ${name})`, file: abs, entry: name, size: e.size, modified: e.modified, open: () => zip.open(name) };
  };
  const chats = names.filter((n) => isWhatsAppChatFileName(path.posix.basename(n)) && n.toLowerCase().endsWith('.txt'));
  let mains: string[] = [];
  let otherChats: string[] | undefined;
  let otherExports: { name: string; label: string }[] | undefined;
  let format: ExportFormat | null = null;
  try {
    if (chats.length) {
      mains = [mainChat(chats, path.basename(abs))];
      if (chats.length > 1) otherChats = chats.filter((n) => n !== mains[0]);
      format = 'whatsapp';
      // Entries not named like a chat that read like one (a chat renamed notes.txt) or like a Signal or SMS export
      // are checked the same way: a second export in the zip is never taken for media without a word.
      for (const name of names.filter((n) => !chats.includes(n) && CANDIDATE.test(n)).slice(0, 200)) {
        const head = await readHead(() => zip.open(name));
        const det = detectSignalInput([{ name, head }]);
        if (det) (otherExports ??= []).push({ name, label: det.label });
        else if (name.toLowerCase().endsWith('.txt') && readsLikeWhatsApp(head)) (otherChats ??= []).push(name);
      }
    } else {
      const candidates = names.filter((n) => CANDIDATE.test(n) || path.posix.basename(n) === 'db.sqlite').slice(0, 200);
      const heads = [];
      for (const name of candidates) heads.push({ name, head: await readHead(() => zip.open(name)) });
      for (const name of names) if (!candidates.includes(name)) heads.push({ name, head: Buffer.alloc(0) });
      const det = detectSignalInput(heads);
      if (det && (det.format === 'encrypted' || det.format === 'unsupported')) refuseSignal(abs, det);
      if (det) {
        mains = det.entries;
        format = det.format as ExportFormat;
      } else {
        // No export in it: an entry in UTF-16 (one that reads as an export first) is the likely reason, and named.
        const u16 = heads.map((h) => ({ name: h.name, u: utf16Text(h.name, h.head) })).filter((h) => h.u).sort((a, b) => Number(!a.u!.readsAs) - Number(!b.u!.readsAs))[0];
        if (u16) throw new InputError(abs, u16.u!.reason, { entry: u16.name, code: 'utf16' });
      }
    }
  } catch (e) {
    zip.close();
    throw e;
  }
  if (!mains.length) {
    zip.close();
    throw new InputError(
      abs,
      `zip contains no chat file (expected _chat.txt, 'WhatsApp Chat with … .txt', 'WhatsApp-chat met … .txt', a Signal main.jsonl, SMS XML or sigtop JSON; found ${names.length} other entries)`,
    );
  }
  const files = new Map<string, FileRef>();
  for (const n of names) if (!mains.includes(n)) files.set(n, ref(n));
  return { sourcePath: abs, container: 'zip', format, main: ref(mains[0]!), extraMains: mains.slice(1).map(ref), ...(otherChats ? { otherChats } : {}), ...(otherExports ? { otherExports } : {}), files, zip, names };
}

/**
 * The chat of a WhatsApp zip among the entries named like one (the others may be documents shared in the chat): iOS's
 * `_chat.txt`, else the chat the zip is named after (`WhatsApp-chat met X.zip` holds `WhatsApp-chat met X.txt`), else
 * one named as WhatsApp names a chat (`WhatsApp Chat with X.txt`) before other names (`chat-notities.txt`); among equals
 * the one nearest the root, then the shortest name.
 */
function mainChat(chats: string[], zipName: string): string {
  const title = chatTitleFromFileName(zipName);
  const rank = (n: string): number => {
    if (path.posix.basename(n) === '_chat.txt') return 0;
    const t = chatTitleFromFileName(n);
    return t === null ? 3 : t === title ? 1 : 2;
  };
  const depth = (n: string): number => n.split('/').length;
  return [...chats].sort((a, b) => rank(a) - rank(b) || depth(a) - depth(b) || a.length - b.length || (a < b ? -1 : 1))[0]!;
}

function signalFolderUnit(dir: string, own: StoreFiles): ExportUnit {
  const files = new Map<string, FileRef>();
  const names: string[] = [];
  walk(dir, (abs, rel) => {
    names.push(rel);
    if (rel !== 'main.jsonl') files.set(rel, fileRef(abs, rel));
  }, '', own);
  const mainAbs = path.join(dir, 'main.jsonl');
  return { sourcePath: mainAbs, container: 'dir', format: 'signal-export', main: fileRef(mainAbs, 'main.jsonl'), files, names };
}

function walk(dir: string, visit: (abs: string, rel: string) => void, rel = '', own?: StoreFiles): void {
  for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = path.join(dir, d.name);
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.name.startsWith('.')) continue; // .DS_Store and the like: not part of the export (as in a chat folder)
    if (own?.whatIs(abs)) continue; // the store itself, kept in the export's folder: no file of the export
    if (d.isSymbolicLink()) throw symlinkRefusal(abs);
    if (d.isDirectory()) walk(abs, visit, r, own);
    else if (d.isFile()) visit(abs, r);
  }
}

/**
 * A folder: a Signal export folder (main.jsonl) is one export; a folder holding a chat .txt and its media is one
 * export per chat .txt (every other file in it is that chat's media, except a zip or a file that reads as an export
 * which the chat does not share as an attachment); zips, XML, JSON and other text files are exports of their own; subfolders are searched, each on its own (a sigtop attachments folder belongs to the JSON file
 * of the same name). A symbolic link anywhere is refused; hidden entries (a name starting with a dot: .DS_Store, .git)
 * and files that are not an export and have no chat .txt beside them are not taken in, and are listed in `skipped`.
 */
async function discoverDir(dir: string, limits: ZipLimits, units: ExportUnit[], skipped: SkippedEntry[], own: StoreFiles): Promise<void> {
  const all = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // The store's own files (kept in the folder of the exports) are listed as skipped and looked at no further.
  const entries = all.filter((e) => {
    const reason = own.reason(path.join(dir, e.name));
    if (reason) skipped.push({ path: path.join(dir, e.name) + (e.isDirectory() ? path.sep : ''), reason });
    return !reason;
  });
  const link = entries.find((e) => e.isSymbolicLink());
  if (link) throw symlinkRefusal(path.join(dir, link.name));
  if (isBag(entries)) {
    skipped.push({ path: dir + path.sep, reason: `${BAG}: not searched` });
    return;
  }
  if (entries.some((e) => e.isFile() && e.name === 'main.jsonl')) {
    units.push(signalFolderUnit(dir, own));
    return;
  }
  const v2 = entries.find((e) => e.isDirectory() && (e.name === 'SignalBackups' || /^signal-backup-/.test(e.name)));
  if (v2) {
    const det = detectSignalInput([{ name: v2.name === 'SignalBackups' ? 'SignalBackups/signal-backup-0/main' : `${v2.name}/main`, head: Buffer.alloc(0) }]);
    if (det) refuseSignal(path.join(dir, v2.name), det);
  }
  // sigexport writes one folder per chat: chat.md, data.json (JSON Lines), index.html, media/. The detector decides by
  // data.json's content, so that another folder that happens to hold files of these names is not taken for one.
  if (entries.some((e) => e.isFile() && e.name === 'data.json') && entries.some((e) => e.isFile() && e.name === 'chat.md')) {
    const head = await readHead(async () => fs.createReadStream(path.join(dir, 'data.json'), { end: HEAD_BYTES - 1 }));
    if (detectSignalInput([{ name: 'data.json', head }])?.label === SIGEXPORT) {
      const seen = entries.filter((e) => ['chat.md', 'data.json', 'index.html', 'media'].includes(e.name)).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
      throw new InputError(dir, `${SIGEXPORT}: ${seen.join(', ')}. chatarchief has no reader for this format; nothing was stored. ${GUIDE_SIGEXPORT}`, { code: 'sigexport' });
    }
  }
  const skip = (e: fs.Dirent, reason: string): void => {
    skipped.push({ path: path.join(dir, e.name) + (e.isDirectory() ? path.sep : ''), reason });
  };
  const chatTxts = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.txt') && isWhatsAppChatFileName(e.name));
  const media = new Map<string, FileRef>();
  const notExports: fs.Dirent[] = [];
  const first = units.length;
  for (const e of entries) {
    if (e.name.startsWith('.')) {
      skip(e, e.isDirectory() ? 'hidden folder (the name starts with a dot): not searched' : 'hidden file (the name starts with a dot): not stored');
      continue;
    }
    if (e.isDirectory()) continue;
    if (!e.isFile()) {
      skip(e, 'not a regular file or folder');
      continue;
    }
    const lower = e.name.toLowerCase();
    const abs = path.join(dir, e.name);
    if (chatTxts.includes(e)) continue;
    // Beside a WhatsApp chat .txt, other files (documents too) are its media; so is a zip the chat names (a zip shared
    // in the chat, perhaps another chat's export), while one it does not name is an export of its own. Elsewhere files
    // may be exports.
    const sharedInChat = (): boolean => mentions(chatTxts.map((t) => path.join(dir, t.name)), e.name);
    if (lower.endsWith('.zip') && !(chatTxts.length && sharedInChat())) {
      units.push(await discoverFile(abs, limits, own));
    } else if (chatTxts.length) {
      // The same for a file that reads as an export (a Signal or SMS backup, a chat renamed notes.txt): never taken for
      // media unless the chat shares it.
      if (CANDIDATE.test(lower) && (await mayBeExport(abs)) && !sharedInChat()) units.push(await discoverFile(abs, limits, own));
      else media.set(e.name, fileRef(abs, e.name));
    }
    else if ((CANDIDATE.test(lower) || lower === 'db.sqlite') && (await mayBeExport(abs))) units.push(await discoverFile(abs, limits, own));
    else notExports.push(e);
  }
  for (const e of notExports) {
    skip(e, 'not an export, and no WhatsApp chat .txt beside it whose media it could be: not stored');
  }
  for (const t of chatTxts) {
    const abs = path.join(dir, t.name);
    if (fs.statSync(abs).size === 0) throw new InputError(abs, 'the file is empty; expected a WhatsApp export');
    units.push({ sourcePath: abs, container: 'dir', format: 'whatsapp', main: fileRef(abs, t.name), files: new Map(media), names: [t.name, ...media.keys()] });
  }
  // The attachments folder of a sigtop JSON file found here is part of that export (see addSigtopAttachments).
  const sigtopDirs = new Set(
    units.slice(first).filter((u) => u.format === 'sigtop-json' && path.dirname(u.sourcePath) === dir).map((u) => path.basename(u.sourcePath).replace(/\.json$/i, '')),
  );
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && !sigtopDirs.has(e.name)) await discoverDir(path.join(dir, e.name), limits, units, skipped, own);
  }
}
