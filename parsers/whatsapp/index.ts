/**
 * Streaming parser for WhatsApp "Export chat" text files (Android and iOS, Dutch and English UI).
 * Pass 1 `scanWhatsApp` (scan.ts) detects the header shape, infers the date order and collects authors and subjects;
 * pass 2 `parseWhatsApp` (parse.ts) yields one ParsedMessage per header, in file order. Neither pass keeps messages
 * in memory. Both take lines one by one or, the fast path, the raw byte chunks. Format reference:
 * /work/shared/formats/whatsapp.md.
 */
export { chatTitleFromFileName, isWhatsAppChatFileName } from './filename.js';
export { generateWhatsAppExport } from './generate.js';
export { detectShape, type HeaderShape } from './header.js';
export { scanWhatsApp, scanWhatsAppChunks, utf16Refusal, WhatsAppFormatError, type WhatsAppScan } from './scan.js';
export { parseWhatsApp, parseWhatsAppChunks, type ParseOptions } from './parse.js';

// 1.1.0: text joined by '\n' without trailing empty lines; a 'waiting' notice has no sender (ParsedMessage.legacy).
// 1.2.0: an iOS group's name known from the export's title alone authors system lines; a 'waiting' notice is keyed by its
// author (LegacyReading.since).
// 1.3.0: a line whose author reads like a system sentence (`Robert "Bob" Jansen: They removed the barrier`) stays that
// author's message when the sentence's first name would run past the `: ` or an LRM starts the body (LegacyReading.since).
export const WHATSAPP_PARSER_VERSION = 'whatsapp-1.3.0';
