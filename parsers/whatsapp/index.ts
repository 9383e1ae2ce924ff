/**
 * Streaming parser for WhatsApp "Export chat" text files (Android and iOS, Dutch and English UI).
 * Pass 1 `scanWhatsApp` (scan.ts) detects the header shape, infers the date order and collects authors and subjects;
 * pass 2 `parseWhatsApp` (parse.ts) yields one ParsedMessage per header, in file order. Neither pass keeps messages
 * in memory. Both take lines one by one or, the fast path, the raw byte chunks. Format reference:
 * /work/shared/formats/whatsapp.md.
 */
export { chatTitleFromFileName, isWhatsAppChatFileName } from './filename.js';
export { generateWhatsAppExport } from './generate.js';
export type { HeaderShape } from './header.js';
export { scanWhatsApp, scanWhatsAppChunks, utf16Refusal, WhatsAppFormatError, type WhatsAppScan } from './scan.js';
export { parseWhatsApp, parseWhatsAppChunks, type ParseOptions } from './parse.js';

// 1.1.0: text joined by '\n' without trailing empty lines; a 'waiting' notice has no sender (ParsedMessage.legacy).
export const WHATSAPP_PARSER_VERSION = 'whatsapp-1.2.0';
