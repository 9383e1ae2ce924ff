import { createRequire } from 'node:module';

type Lib = typeof import('libphonenumber-js/max');
let lib: Lib | null = null;
/**
 * The phone-number library with its full metadata takes ~75 ms to load: loaded on the first number, so that a process
 * or thread that never meets one (a tag worker given its contacts' numbers already normalised) does not pay for it.
 */
const phoneLib = (): Lib => (lib ??= createRequire(import.meta.url)('libphonenumber-js/max') as Lib);

const MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Normalises a phone number as written in an export (`+31 6 12345678`, `\u202a+31\u00a06\u00a012345678\u202c`,
 * `0612345678`, `31612345678`) to E.164 (`+31612345678`). Numbers without a country code are read as Dutch.
 * Returns null when the text is not a plausible phone number (a display name, a short code).
 */
export function toE164(text: string | null | undefined, defaultCountry: 'NL' = 'NL'): string | null {
  if (!text) return null;
  const cleaned = text.replace(MARKS, '').replace(/[\u00a0\u202f]/g, ' ').trim();
  if (!/^[+(]?\d[\d\s().\-/]{5,}$/.test(cleaned)) return null;
  const digits = cleaned.replace(/\D/g, '');
  const candidate = cleaned.startsWith('+') ? `+${digits}` : digits.startsWith('00') ? `+${digits.slice(2)}` : cleaned;
  const parsed = phoneLib().parsePhoneNumberFromString(candidate, defaultCountry);
  if (parsed && parsed.isPossible()) return parsed.number;
  // Signal/WhatsApp raw numeric mentions lack the '+': try again as international.
  if (!cleaned.startsWith('+') && digits.length >= 10) {
    const intl = phoneLib().parsePhoneNumberFromString(`+${digits}`);
    if (intl && intl.isPossible()) return intl.number;
  }
  return null;
}
