import { DateTime } from 'luxon';

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** `2022-01-10` → `10 januari 2022`. */
export function fmtDate(date: string): string {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  return d.isValid ? d.setLocale('nl').toFormat('d MMMM yyyy') : date;
}

/** An instant in the custodian's zone: `2 juli 2024 14:05`. */
export function fmtInstant(iso: string | null, zone: string): string {
  if (!iso) return '';
  const d = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  return d.isValid ? d.setLocale('nl').toFormat('d LLL yyyy HH:mm') : iso;
}
