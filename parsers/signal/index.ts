/**
 * Signal / SMS parsers: bytes or lines in, normalised records out. No database, no zip reading, no blob storage:
 * the ingest does those and feeds these functions.
 *
 * ## Formats
 * - `signal-export`: Signal's own "Export chat history" (ZIP or folder with `metadata.json`, `main.jsonl`,
 *   `files/xx/<hash>.<ext>`). Feed `main.jsonl` through `splitLines` to `parseSignalExport`, with the parsed
 *   `metadata.json` as `opts.metadata`. Full fidelity, except what Signal itself leaves out (see warnings).
 * - `sms-xml`: SMS Backup & Restore XML (SMS app, `signalbackup-tools --exportxml`, Signal's pre-2018 export).
 *   Feed raw bytes to `parseSmsXml`; attachments arrive inline as `data: Buffer`.
 * - `sigtop-json`: one file per chat from `sigtop export-messages -f json`. Pass the file name as
 *   `opts.fileName` (it names the chat).
 * - `signal-txt`: transcripts (sigtop text / text-short, signalbackup-tools TXT): best effort, low fidelity.
 * Use `detectSignalInput` first; it refuses encrypted inputs (`.backup`, `SignalBackups/`, SQLCipher
 * `db.sqlite`) with guidance on how to make a readable export.
 *
 * ## Events (all parsers yield the same `SignalEvent` union, in source order)
 * ```
 * { type: 'source', format, platform: 'signal'|'sms', lowFidelity, details }   // once, first
 * { type: 'chat', chat: ParsedChat (chatKey always set), lowFidelity }         // before the chat's first message
 * { type: 'message', chatKey, message: ParsedMessage }
 * ```
 * One input may interleave many chats (main.jsonl, SMS XML): route messages by `chatKey`. A `chat` event can
 * come again for a chatKey already seen, at the end of the input, when streaming taught more about it (members,
 * earlier titles, group-ness of a transcript): treat it as an upsert. Chats without messages are not emitted.
 * Memory holds contacts and chats only, never messages: inputs of any length stream.
 *
 * ## Keys
 * - `message.stableKey`: Signal formats `<author>:<original send time ms>` with author = ACI (UUID text), else
 *   E.164, else `recipient:<id>`; the custodian is `self` unless the caller passes `selfAci`, so keys agree
 *   between Signal's export and sigtop. Edited messages keep their original send time. SMS XML:
 *   `sms|mms:<address set>:<date>:<type>:<content hash>`. Transcripts: `<sender key>:<ms>` made unique with `#n`.
 * - `message.replyToKey`: the quoted message's stableKey (as far as the format identifies it).
 * - `chat.chatKey`: 1:1 = E.164 (else `aci:<uuid>` / `username:<name>`), groups = `group:<group id base64url>`
 *   (computed from the master key in Signal's export, read from the file name for sigtop), SMS = sorted
 *   `~`-joined E.164 set, transcripts without identity = `title:<name>`; `self` = Note to Self.
 *
 * ## Attachments
 * - `signal-export`: `ref` = `files/<xx>/<hash>` WITHOUT extension (the exporting app appends one derived from
 *   the MIME type): resolve by matching the entry path minus its extension. `omitted: true` when the export
 *   says the file was never downloaded / has no local copy; a ref whose file is absent = media not included.
 * - `sigtop-json` / sigtop text: `ref` = `<chat file name without .json>/<file name>` as `sigtop
 *   export-attachments` lays them out (sigtop adds `-2`, `-3` on name clashes; match loosely).
 * - `sms-xml`: `data` holds the bytes; `name="null"` parts get a derived name.
 *
 * ## Warnings (`opts.onWarning`, each code once per input unless it concerns a different chat)
 * `disappearing-messages-may-be-absent`, `view-once-media-stripped`, `message-not-received`, `lossy-export`,
 * `count-mismatch`, `attachment-names-lost`, `low-fidelity-transcript`, `sigtop-body-missing`, ... Never
 * pretend completeness: the ingest should store and show them with the source.
 *
 * ## Errors
 * Structural problems throw `SignalFormatError` with `entry`, `line` and `expected`.
 */
export { SignalFormatError, type SignalEvent, type SignalFormat, type SignalParseOptions } from './common.js';
export { parseSignalExport, type SignalExportOptions } from './export-jsonl.js';
export { exportFileRef } from './export-items.js';
export { parseSmsXml, fixSurrogateRefs, type SmsXmlOptions } from './sms-xml.js';
export { parseSigtopJson, type SigtopJsonOptions } from './sigtop-json.js';
export { parseSignalText, detectTextVariant, type SignalTextOptions, type TextVariant } from './text.js';
export { detectSignalInput, GUIDE_SIGEXPORT, SIGEXPORT, type DetectEntry, type SignalDetection } from './detect.js';
export { groupIdFromMasterKey } from './group-id.js';
export { generateSignalMainJsonl, generateSignalMetadata } from './generate.js';

/**
 * Bump when the output of any parser here changes for the same input (recorded per source as `signal-<version>`).
 * 1.1.0: voice messages carry extra.mediaType 'voice'; disappearing-timer warnings carry their chat's key; SMS XML
 * declared Latin-1 or Windows-1252 is decoded as such (was U+FFFD); a malformed integer field or a time at the edge of
 * the representable dates is refused naming the file and line.
 * 1.2.0: a contact of Signal's own export carries its other names (address-book, profile, username) beside the one
 * shown first (Participant.otherNames).
 */
export const SIGNAL_PARSER_VERSION = '1.2.0';
