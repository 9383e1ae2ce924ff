/**
 * WhatsApp export file names (whatsapp.md §1): `_chat.txt` (iOS, inside the zip), `WhatsApp Chat with X.txt`,
 * `WhatsApp-chat met X.txt` (Android), `WhatsApp Chat - X.zip` (iOS zip). Names may contain NBSP.
 */

const SP = '[ \\u00a0\\u202f]';
const TITLE_PATTERNS = [
  new RegExp(`^WhatsApp${SP}Chat${SP}with${SP}(.+)\\.(?:txt|zip)$`, 'i'),
  new RegExp(`^WhatsApp-chat${SP}met${SP}(.+)\\.(?:txt|zip)$`, 'i'),
  new RegExp(`^WhatsApp${SP}Chat${SP}-${SP}(.+)\\.(?:txt|zip)$`, 'i'),
];

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Chat title from an export file name (`WhatsApp-chat met X.txt` → `X`); null for `_chat.txt` and other names. */
export function chatTitleFromFileName(fileName: string): string | null {
  const name = baseName(fileName).normalize('NFC');
  for (const re of TITLE_PATTERNS) {
    const m = re.exec(name);
    if (m) {
      const title = m[1]!.replace(/[\u00a0\u202f]/g, ' ').trim();
      return title || null;
    }
  }
  return null;
}

/**
 * True for names of WhatsApp chat text files: `_chat.txt`, `WhatsApp Chat with *.txt`, `WhatsApp-chat met *.txt`,
 * and the fallback peers use, `/(chat|whatsapp).*\.txt$/i`. macOS resource forks (`__MACOSX/`, `._*`) are not.
 */
export function isWhatsAppChatFileName(name: string): boolean {
  if (/(?:^|[/\\])__MACOSX[/\\]/.test(name)) return false;
  const base = baseName(name);
  if (base.startsWith('._')) return false;
  if (base === '_chat.txt') return true;
  if (/\.txt$/i.test(base) && TITLE_PATTERNS.some((re) => re.test(base))) return true;
  return /(chat|whatsapp).*\.txt$/i.test(base);
}
