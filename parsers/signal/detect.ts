/**
 * Recognises Signal / SMS inputs from the entry names of a folder or zip and the first bytes of candidate
 * files (research report §4). Encrypted containers are recognised and refused with guidance; inputs that are
 * Signal but not readable by these parsers are reported as 'unsupported'; anything else gives null.
 */
import type { SignalFormat } from './common.js';
import { detectTextVariant } from './text.js';

export interface DetectEntry {
  /** Path inside the folder or zip, `/`-separated (e.g. `signal-export/main.jsonl`). */
  name: string;
  /** First bytes of the file (4 KB is plenty); may be empty for entries the caller did not read. */
  head: Buffer;
}

export interface SignalDetection {
  format: SignalFormat | 'encrypted' | 'unsupported';
  /** What was recognised, naming the evidence: `label: entries`. */
  reason: string;
  /** What was recognised, without the entries (for a message about a file given by its own name). */
  label: string;
  /** For 'encrypted' / 'unsupported': how to make an input these parsers can read. */
  guidance?: string;
  /** The entries to parse in this format (for a folder of sigtop files: all of them). */
  entries: string[];
}

const GUIDE_EXPORT =
  "Make a readable export instead: in Signal on the phone choose Settings > Chats > Export chat history (or the same in Signal Desktop), and ingest the resulting ZIP or folder with main.jsonl. ";
const GUIDE_V1 =
  GUIDE_EXPORT +
  'For an existing .backup file: decrypt it with signalbackup-tools and the 30-digit passphrase (signalbackup-tools <file>.backup <passphrase> --exportxml signal.xml, or --exporttxt <dir>), and ingest that output.';
const GUIDE_V2 =
  GUIDE_EXPORT +
  'An on-device backup folder (SignalBackups) is encrypted with the 64-character recovery key; restore it on a phone first, then use Export chat history.';
/** sigexport (carderne/signal-export) writes plain text, but there is no reader for it here, and it is a weaker record. */
export const GUIDE_SIGEXPORT =
  'It is a weaker record: sigexport writes local times without a zone and, by default, leaves out disappearing messages. ' +
  'Export the same chats again on the computer where Signal Desktop runs, with sigtop (sigtop export-messages -f json <dir>, ' +
  "then sigtop export-attachments <dir>; ingest the .json files with their attachment folders) or with Signal's own Export " +
  'chat history (ingest the ZIP or folder with main.jsonl).';
export const SIGEXPORT = 'a Signal Desktop chat export made with sigexport (carderne/signal-export)';
const GUIDE_DESKTOP =
  'This is the encrypted Signal Desktop database (SQLCipher). Export it on the computer where Signal Desktop runs: use Export chat history in Signal Desktop, or sigtop (sigtop export-messages -f json <dir>, plus sigtop export-attachments <dir>), and ingest that output.';

/** A detection whose reason names `label` and the entries that showed it. */
function detected(format: SignalDetection['format'], label: string, entries: string[], guidance?: string): SignalDetection {
  return { format, reason: `${label}: ${entries.join(', ')}`, label, entries, ...(guidance !== undefined ? { guidance } : {}) };
}

const base = (name: string): string => name.replace(/\/+$/, '').replace(/^.*\//, '');
const dir = (name: string): string => (name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
const depth = (name: string): number => name.split('/').filter(Boolean).length - 1;

function text(head: Buffer, n = 4096): string {
  return head.subarray(0, n).toString('utf8').replace(/^\ufeff/, '');
}

function firstLine(head: Buffer): string {
  const t = text(head);
  const i = t.search(/\r?\n/);
  return i < 0 ? t : t.slice(0, i);
}

function firstJson(head: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(firstLine(head));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** v1 `.backup`: 4-byte big-endian length of an unencrypted header frame, then protobuf tag 0x0a. */
function looksLikeV1Backup(head: Buffer): boolean {
  if (head.length < 6) return false;
  const len = head.readUInt32BE(0);
  return len > 0 && len < 200 && head[4] === 0x0a;
}

const SQLITE = Buffer.from('SQLite format 3\0', 'latin1');

export function detectSignalInput(entries: DetectEntry[]): SignalDetection | null {
  const names = entries.map((e) => e.name.replace(/\\/g, '/'));
  const byName = new Map(entries.map((e, i) => [names[i]!, e]));
  // 1. Signal's own plaintext export: main.jsonl (+ metadata.json) at the root or one folder deep.
  const main = names.find((n) => base(n) === 'main.jsonl' && depth(n) <= 1);
  if (main) {
    const hasMeta = names.includes(dir(main) ? `${dir(main)}/metadata.json` : 'metadata.json');
    const header = firstJson(byName.get(main)!.head);
    if (hasMeta || (header && 'backupTimeMs' in header)) {
      return { ...detected('signal-export', 'Signal chat export', [main]), reason: `Signal chat export: ${main}${hasMeta ? ' with metadata.json' : ' (BackupInfo header)'}` };
    }
  }
  // 2. Encrypted containers.
  const v2 = names.find((n) => /(^|\/)signal-backup-[^/]+\/main$/.test(n)) ?? names.find((n) => /(^|\/)SignalBackups(\/|$)/.test(n));
  if (v2) return detected('encrypted', 'Signal on-device backup (v2, encrypted)', [v2], GUIDE_V2);
  const v1 = entries.find((e, i) => /\.backup$/i.test(names[i]!) && (looksLikeV1Backup(e.head) || /^signal-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.backup$/.test(base(names[i]!))));
  if (v1) return detected('encrypted', 'Signal Android backup (v1, encrypted)', [v1.name], GUIDE_V1);
  for (const [i, e] of entries.entries()) {
    const n = names[i]!;
    if (base(n) !== 'db.sqlite') continue;
    const plain = e.head.length >= 16 && e.head.subarray(0, 16).equals(SQLITE);
    if (!plain && (e.head.length >= 16 || names.some((m) => base(m) === 'config.json'))) {
      return detected('encrypted', 'Signal Desktop database (SQLCipher, no "SQLite format 3" header)', [n], GUIDE_DESKTOP);
    }
    if (plain) {
      return detected('unsupported', 'decrypted Signal Desktop database', [n], GUIDE_DESKTOP.replace('This is the encrypted', 'This is a decrypted copy of the'));
    }
  }
  // 3. Files by content.
  const found = new Map<SignalDetection['format'], { reason: string; entries: string[]; guidance?: string }>();
  const add = (format: SignalDetection['format'], name: string, reason: string, guidance?: string): void => {
    const f = found.get(format) ?? { reason, entries: [], ...(guidance ? { guidance } : {}) };
    f.entries.push(name);
    found.set(format, f);
  };
  for (const [i, e] of entries.entries()) {
    const n = names[i]!;
    if (!e.head.length) continue;
    const t = text(e.head).trimStart();
    // (A DOCTYPE naming <smses> is read as such, so that the parser refuses it by name: see parseSmsXml.)
    if (/^(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<\?xml-stylesheet[^>]*\?>\s*)*(<smses[\s>]|<!DOCTYPE\s+smses\b)/.test(t)) {
      const producer = /File Created By Signal/i.test(t) ? 'Signal legacy plaintext export' : /SMS Backup & Restore|backup_set=/i.test(t) ? 'SMS Backup & Restore' : /xml-stylesheet/.test(t) ? 'signalbackup-tools --exportxml' : 'unknown producer';
      add('sms-xml', n, `SMS Backup & Restore XML (<smses>, ${producer})`);
      continue;
    }
    if (t.startsWith('[') && /"conversationId"\s*:/.test(t) && /"(sent_at|type)"\s*:/.test(t)) {
      add('sigtop-json', n, 'JSON array of Signal Desktop messages (sigtop export-messages -f json)');
      continue;
    }
    const json = firstJson(e.head);
    if (json && 'backupTimeMs' in json && 'version' in json) {
      add('signal-export', n, 'main.jsonl of a Signal chat export (BackupInfo header)');
      continue;
    }
    if (json && ['date', 'sender', 'body', 'quote'].every((k) => k in json)) {
      add('unsupported', n, SIGEXPORT, GUIDE_SIGEXPORT);
      continue;
    }
    const line = firstLine(e.head).replace(/^\ufeff/, '');
    const variant = detectTextVariant(line);
    if (variant) {
      add('signal-txt', n, `Signal text transcript (${variant})`);
      continue;
    }
    if (/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] [^:]+: /.test(line)) add('unsupported', n, SIGEXPORT, GUIDE_SIGEXPORT);
    else if (/^_id,/.test(line) && /date_sent/.test(line) && /thread_id/.test(line)) add('unsupported', n, 'signalbackup-tools CSV table dump');
    else if (e.head.subarray(0, 16).equals(SQLITE)) add('unsupported', n, 'SQLite database (possibly a decrypted Signal database)');
  }
  for (const format of ['signal-export', 'sms-xml', 'sigtop-json', 'signal-txt', 'unsupported'] as const) {
    const f = found.get(format);
    if (!f) continue;
    const r = detected(format, f.reason, f.entries);
    if (format === 'unsupported') {
      r.guidance = f.guidance ?? `${GUIDE_EXPORT}Or use sigtop (JSON) / signalbackup-tools (--exportxml) output, which can be read in full.`;
    }
    return r;
  }
  return null;
}
