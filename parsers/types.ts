/**
 * Normalised records that every parser produces. Parsers turn bytes into these records and never touch the
 * database; `src/ingest` stores them. Field names here are the contract between parsers and the store.
 */

export type Platform = 'whatsapp' | 'signal' | 'sms';

export const MESSAGE_KINDS = ['text', 'media', 'location', 'contact', 'poll', 'call', 'deleted', 'system'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const SYSTEM_EVENTS = [
  'encryption-notice',
  'disappearing-on',
  'disappearing-off',
  'disappearing-timer',
  'group-created',
  'member-added',
  'member-joined',
  'member-left',
  'member-removed',
  'subject-changed',
  'icon-changed',
  'description-changed',
  'admin',
  'settings-changed',
  'security-code-changed',
  'number-changed',
  'waiting',
  'blocked',
  'other',
] as const;
export type SystemEvent = (typeof SYSTEM_EVENTS)[number];

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/** One physical line of a text source, without its line ending. */
export interface SourceLine {
  /** 1-based line number in the source file. */
  lineNo: number;
  /** Decoded text (invalid UTF-8 replaced by U+FFFD), line ending removed. */
  text: string;
  /** The line ending that followed: '\n', '\r\n', '\r' or '' at end of file. */
  eol: string;
  /** Byte offset of the line's first byte in the source. */
  byteOffset: number;
}

/** A non-fatal problem found while reading a source; kept with the source and printed by ingest. */
export interface ParseWarning {
  code: string;
  message: string;
  line?: number;
  byteOffset?: number;
  /** The file inside a zip that `line` and `byteOffset` are of (set by ingest; the source is the zip). */
  entry?: string;
  /**
   * The chat the warning is about, by its chat key, when it concerns one chat of a source that may hold several
   * (Signal's disappearing-message warnings): ingest records the finding on that chat's conversation. Not printed.
   */
  chatKey?: string;
}

export interface ParsedAttachment {
  /** File name as referenced by the export (e.g. `IMG-20220502-WA0001.jpg`), or a derived name. */
  name: string;
  mime?: string | null;
  /** Inline bytes (SMS Backup & Restore base64 parts). Ingest stores them in the blob store. */
  data?: Buffer;
  /** Platform reference used to find the file in the export (Signal: content hash / path). */
  ref?: string | null;
  /** The export says the file was left out (e.g. `<Media weggelaten>`, `image omitted`). */
  omitted?: boolean;
}

export interface Reaction {
  emoji: string;
  author: string | null;
  /** ISO 8601 with offset, or null. */
  at: string | null;
}

export interface Revision {
  text: string;
  at: string | null;
}

export interface ParsedMessage {
  /** 0-based position in the source file. */
  seq: number;
  /** 1-based line (or item) number where the record starts. */
  line: number;
  /** The original text of the record exactly as it stood in the source (header included, lines joined by their own endings). */
  rawText: string;
  /**
   * Timestamp text as written in the export (WhatsApp, transcripts). Formats that hold only epoch timestamps (Signal's
   * export, sigtop JSON, SMS XML) write no time text: for them it is the wall-clock time in the custodian's zone, as
   * `localIso` (the epoch value stays in `rawText` and `sentAtMs`).
   */
  localTime: string;
  /** Wall-clock local time as ISO without offset (`2022-05-02T16:09:00`); used for dedup keys. */
  localIso: string;
  /** Instant in ISO 8601 with the offset of the zone it was read in. */
  sentAt: string;
  /** Same instant in ms since epoch (UTC). */
  sentAtMs: number;
  /** Time zone used to interpret or display the time. */
  zone: string;
  timeAmbiguous: boolean;
  timeInvalid: boolean;
  /** Display name of the sender as it appears (marks removed); null for system events. */
  sender: string | null;
  /** Sender exactly as written (with LRE/PDF, NBSP). */
  senderRaw: string | null;
  /** E.164 phone number of the sender, when known. */
  senderPhone: string | null;
  /** Stable platform identity of the sender (Signal ACI/UUID, SMS address), when known. */
  senderKey: string | null;
  /** True when the custodian (the exporting phone's owner) sent it; null when unknown. */
  fromSelf: boolean | null;
  kind: MessageKind;
  event: SystemEvent | null;
  /** Body text with edit suffix removed; never NFKC-normalised. */
  text: string;
  edited: boolean;
  viewOnce: boolean;
  /** For kind 'deleted': who deleted it. */
  deletedBy?: 'sender' | 'self' | null;
  attachments: ParsedAttachment[];
  /** A key from the format that identifies this message across exports (Signal: author + dateSent ms). */
  stableKey?: string | null;
  /** Platform id of the quoted message, when the format gives one. */
  replyToKey?: string | null;
  reactions?: Reaction[];
  revisions?: Revision[];
  /** Any further format-specific facts worth keeping (poll options, call duration, timer seconds...). */
  extra?: Record<string, unknown>;
  /**
   * The fields of the dedup key as an earlier parser version read this message, present only where that reading
   * differs (WhatsApp before whatsapp-1.1.0: the file's own line endings and a trailing empty line in the text, a
   * 'waiting' notice's author as its sender; before whatsapp-1.2.0: a group's name known only from the zip or file name
   * as a person, see WhatsAppScan.chatNameByTitle). A store ingested with that version holds the message under the key
   * of this reading; the store matches it there when the current key is not found.
   */
  legacy?: LegacyReading;
}

/** See ParsedMessage.legacy. */
export interface LegacyReading {
  /**
   * The parser version from which the current reading holds: stores with rows of earlier versions may hold the message
   * under this reading's key. Absent: whatsapp-1.1.0.
   */
  since?: string;
  kind: MessageKind;
  event: SystemEvent | null;
  sender: string | null;
  text: string;
}

export interface Participant {
  name: string | null;
  phone: string | null;
  /** Platform identity (Signal ACI, SMS address); null when only a display name is known. */
  key: string | null;
  /**
   * Other names the export knows the person by, beside `name` (Signal: the address-book and profile names of a contact
   * shown by the nickname the custodian gave it). Kept with the contact, so that a private contact is screened by each.
   */
  otherNames?: string[];
}

/** Describes the chat a source belongs to. */
export interface ParsedChat {
  platform: Platform;
  /** Stable identity of the chat within the platform when the format gives one (Signal group id, recipient id). */
  chatKey: string | null;
  title: string;
  /** Earlier titles seen in the export (group renames), oldest first. */
  titleHistory: string[];
  isGroup: boolean;
  participants: Participant[];
}
