import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InputError, UserError } from '../errors.js';
import { openZip, type ZipArchive, type ZipLimits } from './zip.js';
import { isWhatsAppChatFileName } from '../../parsers/whatsapp/index.js';

/** A file inside an export: on disk or inside a zip. */
export interface FileRef {
  /** Path relative to the export root (zip entry name, or path below the folder). */
  rel: string;
  /** Path for messages: `/abs/x.zip!_chat.txt` or the file path. */
  display: string;
  size: number;
  open(): Promise<Readable>;
  modified: Date | null;
}

export type ExportFormat = 'whatsapp' | 'signal-export' | 'sms-xml' | 'sigtop-json' | 'signal-txt';

/** One export found among the operator's paths: one source in the store. */
export interface ExportUnit {
  /** The file that is the source (hashed and kept whole): a zip, a .txt, an .xml, a .json, or a Signal export's main.jsonl. */
  sourcePath: string;
  container: 'zip' | 'file' | 'dir';
  /** Auto-detected format, or null to let the platform adapters decide from the content. */
  format: ExportFormat | null;
  /** The main file (chat text, main.jsonl, XML, JSON). */
  main: FileRef;
  /** Other files of the export (media), keyed by path relative to the export root and by base name. */
  files: Map<string, FileRef>;
  zip?: ZipArchive;
  /** Names of all files in the export (for detection). */
  names: string[];
}

const fileRef = (abs: string, rel: string): FileRef => {
  const st = fs.statSync(abs);
  return { rel, display: abs, size: st.size, modified: st.mtime, open: async () => fs.createReadStream(abs) };
};

const isSignalMain = (names: string[]) => names.some((n) => path.posix.basename(n) === 'main.jsonl');
const ENCRYPTED_HINT =
  'this is an encrypted Signal backup/database, which chatarchief cannot read. Make a readable export instead: ' +
  "Signal's own chat export (Settings > Chats > Export chat history), or signalbackup-tools / sigtop with the passphrase";

/** Expands the operator's paths into export units. Throws InputError for anything that is not an export. */
export async function discoverExports(paths: string[], limits: ZipLimits): Promise<ExportUnit[]> {
  const units: ExportUnit[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    if (!fs.existsSync(abs)) throw new UserError(`${p}: no such file or directory`);
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) throw new InputError(p, 'symbolic links are not followed; name the file itself');
    if (st.isDirectory()) units.push(...(await discoverDir(abs, limits)));
    else units.push(await discoverFile(abs, limits));
  }
  return units;
}

async function discoverFile(abs: string, limits: ZipLimits): Promise<ExportUnit> {
  const base = path.basename(abs);
  const lower = base.toLowerCase();
  refuseEncrypted(abs, base);
  const size = fs.statSync(abs).size;
  if (size === 0) throw new InputError(abs, 'the file is empty; expected a WhatsApp or Signal export');
  if (lower.endsWith('.zip')) return discoverZip(abs, limits);
  const format: ExportFormat | null = lower.endsWith('.xml') ? 'sms-xml' : lower.endsWith('.json') ? 'sigtop-json' : lower === 'main.jsonl' ? 'signal-export' : null;
  if (format === 'signal-export') return signalFolderUnit(path.dirname(abs));
  return { sourcePath: abs, container: 'file', format, main: fileRef(abs, base), files: new Map(), names: [base] };
}

function refuseEncrypted(abs: string, base: string): void {
  const lower = base.toLowerCase();
  if (lower.endsWith('.backup') || lower === 'signalbackups') throw new InputError(abs, ENCRYPTED_HINT, { code: 'encrypted' });
  if (lower === 'db.sqlite' || lower.endsWith('.sqlite')) {
    const fd = fs.openSync(abs, 'r');
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    fs.closeSync(fd);
    if (head.toString('latin1') !== 'SQLite format 3\u0000') throw new InputError(abs, ENCRYPTED_HINT, { code: 'encrypted' });
    throw new InputError(abs, 'a raw SQLite database is not an export; make a readable export with sigtop or Signal’s own chat export');
  }
}

async function discoverZip(abs: string, limits: ZipLimits): Promise<ExportUnit> {
  const zip = await openZip(abs, limits);
  const entries = zip.entries.filter((e) => !e.isDirectory && !e.name.startsWith('__MACOSX/') && !path.posix.basename(e.name).startsWith('._'));
  const names = entries.map((e) => e.name);
  const ref = (name: string): FileRef => {
    const e = entries.find((x) => x.name === name)!;
    return { rel: name, display: `${abs}!${name}`, size: e.size, modified: e.modified, open: () => zip.open(name) };
  };
  const files = new Map<string, FileRef>();
  let main: string | undefined;
  let format: ExportFormat | null = null;
  if (isSignalMain(names)) {
    main = names.find((n) => path.posix.basename(n) === 'main.jsonl');
    format = 'signal-export';
  } else {
    const chats = names.filter((n) => isWhatsAppChatFileName(path.posix.basename(n)));
    main = chats.find((n) => path.posix.basename(n) === '_chat.txt') ?? chats.sort((a, b) => a.length - b.length)[0];
    format = main ? 'whatsapp' : null;
  }
  if (!main) {
    zip.close();
    throw new InputError(abs, `zip contains no chat file (expected _chat.txt, 'WhatsApp Chat with … .txt', 'WhatsApp-chat met … .txt' or a Signal main.jsonl; found ${names.length} other entries)`);
  }
  for (const n of names) if (n !== main) files.set(n, ref(n));
  return { sourcePath: abs, container: 'zip', format, main: ref(main), files, zip, names };
}

function signalFolderUnit(dir: string): ExportUnit {
  const files = new Map<string, FileRef>();
  const names: string[] = [];
  walk(dir, (abs, rel) => {
    names.push(rel);
    if (rel !== 'main.jsonl') files.set(rel, fileRef(abs, rel));
  });
  const mainAbs = path.join(dir, 'main.jsonl');
  return { sourcePath: mainAbs, container: 'dir', format: 'signal-export', main: fileRef(mainAbs, 'main.jsonl'), files, names };
}

function walk(dir: string, visit: (abs: string, rel: string) => void, rel = ''): void {
  for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = path.join(dir, d.name);
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isSymbolicLink()) continue;
    if (d.isDirectory()) walk(abs, visit, r);
    else if (d.isFile()) visit(abs, r);
  }
}

/**
 * A folder: a Signal export folder (main.jsonl) is one export; a folder holding a chat .txt and its media is one
 * export per chat .txt; zips, XML and JSON files are exports of their own; subfolders are searched.
 */
async function discoverDir(dir: string, limits: ZipLimits): Promise<ExportUnit[]> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  if (entries.some((e) => e.isFile() && e.name === 'main.jsonl')) return [signalFolderUnit(dir)];
  if (entries.some((e) => e.name === 'SignalBackups' || e.name.toLowerCase().endsWith('.backup'))) {
    throw new InputError(path.join(dir, entries.find((e) => e.name === 'SignalBackups' || e.name.toLowerCase().endsWith('.backup'))!.name), ENCRYPTED_HINT, { code: 'encrypted' });
  }
  const units: ExportUnit[] = [];
  const chatTxts = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.txt') && isWhatsAppChatFileName(e.name));
  const media = new Map<string, FileRef>();
  for (const e of entries) {
    if (!e.isFile()) continue;
    const lower = e.name.toLowerCase();
    const abs = path.join(dir, e.name);
    if (lower.endsWith('.zip') || lower.endsWith('.xml') || lower.endsWith('.json') || lower.endsWith('.backup') || lower === 'db.sqlite') {
      units.push(await discoverFile(abs, limits));
    } else if (lower.endsWith('.txt') && !chatTxts.includes(e)) {
      units.push(await discoverFile(abs, limits));
    } else if (!lower.endsWith('.txt') && !e.name.startsWith('.')) {
      media.set(e.name, fileRef(abs, e.name));
    }
  }
  for (const t of chatTxts) {
    const abs = path.join(dir, t.name);
    if (fs.statSync(abs).size === 0) throw new InputError(abs, 'the file is empty; expected a WhatsApp export');
    units.push({ sourcePath: abs, container: 'dir', format: 'whatsapp', main: fileRef(abs, t.name), files: new Map(media), names: [t.name, ...media.keys()] });
  }
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) units.push(...(await discoverDir(path.join(dir, e.name), limits)));
  return units;
}
