import { packageFiles, type Leak, type LeakSource } from './leaks.js';
import { hitOrigin } from './cards.js';

/**
 * Leaks in the paths of a geschoonde package's files (pure but for listing the files): a file or folder named after
 * withheld text or a private name. Findings name such a file with the segment masked, so that no finding (of the leak
 * check, nor of the bag or sidecar checks, which name files too) repeats the private text.
 */

/** What shows in place of a path segment that holds withheld text or a private name. */
export const NAME_MASKED = '[naam afgeschermd]';

/** Withheld text and private names and numbers in the segments of a file's path, and the path with those masked. */
export function pathLeaks(rel: string, src: LeakSource): { shown: string; leaks: Leak[] } {
  const segs = rel.split('/');
  const found = segs.map((seg) => ({ text: src.fragments.scan(seg), names: src.screen.find(seg) }));
  if (!found.some((f) => f.text.length || f.names.length)) return { shown: rel, leaks: [] };
  const shown = segs.map((seg, i) => (found[i]!.text.length || found[i]!.names.length ? NAME_MASKED : seg)).join('/');
  const leaks: Leak[] = [];
  for (const f of found) {
    for (const origin of new Set(f.text.map((h) => h.origin))) {
      const longest = Math.max(...f.text.filter((h) => h.origin === origin).map((h) => h.fragment.length));
      leaks.push({ file: shown, line: 0, kind: 'text', found: `${longest} characters`, origin });
    }
    for (const h of f.names) leaks.push({ file: shown, line: 0, kind: h.kind, found: h.pseudonym, origin: hitOrigin(h) });
  }
  return { shown, leaks };
}

/** Every path segment of the bag's files that is itself a leak, each once. */
export function leakingSegments(bagDir: string, src: LeakSource): string[] {
  const out = new Set<string>();
  for (const rel of packageFiles(bagDir)) {
    for (const seg of rel.split('/')) if (src.fragments.scan(seg).length || src.screen.find(seg).length) out.add(seg);
  }
  return [...out];
}

/** `message` with every leaking segment replaced by NAME_MASKED (longest first). */
export function maskSegments(message: string, segments: readonly string[]): string {
  let out = message;
  for (const seg of [...segments].sort((a, b) => b.length - a.length)) out = out.split(seg).join(NAME_MASKED);
  return out;
}
