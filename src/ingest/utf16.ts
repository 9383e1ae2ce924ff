/**
 * UTF-16 text among the operator's inputs. Every format chatarchief reads is written in UTF-8 by its exporter
 * (WhatsApp, Signal, sigtop, SMS Backup & Restore, signalbackup-tools), so a UTF-16 file is a copy that another program
 * saved again, not the bytes the exporter wrote. It is refused as UTF-16 text (not as "binary data", which its NUL bytes
 * would otherwise make it), saying what it reads as and that the export should be made (or kept) as UTF-8. It is not
 * decoded: its line numbers, byte offsets and raw text, kept as evidence, would no longer be those of an export.
 */
import { utf16Encoding } from '../../parsers/lines.js';
import { detectSignalInput } from '../../parsers/signal/index.js';
import { utf16Refusal } from '../../parsers/whatsapp/index.js';

export interface Utf16Text {
  /** Why the file is refused, and what to do (without the file's name). */
  reason: string;
  /** What its decoded first bytes read as (a Signal or SMS export), or null. */
  readsAs: string | null;
}

/** Whether the first bytes `head` of the file or zip entry `name` are UTF-16 text, and the refusal if so. */
export function utf16Text(name: string, head: Buffer): Utf16Text | null {
  const u = utf16Encoding(head);
  if (!u) return null;
  // Decoded only to tell what it is (TextDecoder drops the byte order mark); a character cut off at the end is harmless.
  const decoded = Buffer.from(new TextDecoder(u.encoding.toLowerCase()).decode(head), 'utf8');
  const readsAs = detectSignalInput([{ name, head: decoded }])?.label ?? null;
  // A text file that is no Signal or SMS export is taken for a WhatsApp chat saved again (e.g. Notepad "Unicode").
  if (readsAs === null && /\.txt$/i.test(name)) return { reason: utf16Refusal(u), readsAs };
  return {
    reason:
      `the file is UTF-16 encoded (${u.encoding}: ${u.evidence})${readsAs ? `; it reads as ${readsAs}` : ''}. UTF-16 text is not ` +
      'supported: chatarchief reads exports as their exporters write them, in UTF-8. Make the export again as UTF-8, or ingest the ' +
      'original file as it came from the phone or computer; a UTF-16 file is usually a copy that another program saved again. ' +
      'Converting this copy gives other bytes than the exporter wrote; do that only when the original is lost, and record the ' +
      'conversion. Nothing was stored',
    readsAs,
  };
}
