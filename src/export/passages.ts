import type { Category } from '../store/exports.js';
import type { StoredMarking as EffectiveMarking } from '../store/exports.js';
import type { Screen } from './screen.js';

/** Passage spans of the cleaning (src/export/clean.ts): UTF-16 offsets into the stored text, merged where they overlap. */

export interface PassageRedaction {
  /** Offsets (UTF-16) of the replacement text in the cleaned text. */
  start: number;
  end: number;
  categories: Category[];
  markingIds: number[];
}

const isHidden = (m: EffectiveMarking): boolean => m.category !== 'zakelijk';

function mergedSpans(text: string, marks: readonly EffectiveMarking[]): { start: number; end: number; marks: EffectiveMarking[] }[] {
  const spans = marks
    .filter((m) => m.level === 'passage' && m.span)
    .map((m) => ({ start: Math.max(0, Math.min(m.span![0], text.length)), end: Math.max(0, Math.min(m.span![1], text.length)), marks: [m] }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: typeof spans = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      last.marks.push(...s.marks);
    } else out.push({ ...s, marks: [...s.marks] });
  }
  return out;
}

const mergedPassages = (text: string, marks: readonly EffectiveMarking[]) => mergedSpans(text, marks.filter(isHidden));

/**
 * The withheld passages of a stored text (merged; offsets into the stored text), as the ruwe dataset records them.
 * With `fill` (a non-zakelijk default that covers the message) every part outside the kept zakelijk passages is
 * withheld too, as a passage with that category and no marking id.
 */
export function hiddenPassages(text: string, marks: readonly EffectiveMarking[], fill: Category | null = null): PassageRedaction[] {
  const spans: { start: number; end: number; categories: Category[]; markingIds: number[] }[] = mergedPassages(text, marks).map((s) => ({
    start: s.start, end: s.end, categories: s.marks.map((m) => m.category), markingIds: s.marks.map((m) => m.id),
  }));
  if (fill) {
    let at = 0;
    for (const k of [...keptSpans(text, marks), { start: text.length, end: text.length }]) {
      // The white space around a withheld part stays, so the kept words keep their spacing.
      const seg = text.slice(at, k.start);
      const lead = seg.length - seg.trimStart().length;
      const trail = seg.length - seg.trimEnd().length;
      if (seg.trim() !== '') spans.push({ start: at + lead, end: k.start - trail, categories: [fill], markingIds: [] });
      at = k.end;
    }
    spans.sort((a, b) => a.start - b.start);
  }
  const out: PassageRedaction[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      last.categories.push(...s.categories);
      last.markingIds.push(...s.markingIds);
    } else out.push({ ...s, categories: [...s.categories], markingIds: [...s.markingIds] });
  }
  return out.map((s) => ({
    start: s.start,
    end: s.end,
    categories: [...new Set(s.categories)].sort() as Category[],
    markingIds: [...new Set(s.markingIds)].sort((a, b) => a - b),
  }));
}

/** The spans of a text that zakelijk passage markings keep, minus the spans hidden passages withhold (rule 3). */
export function keptSpans(text: string, marks: readonly EffectiveMarking[]): { start: number; end: number }[] {
  const hidden = mergedPassages(text, marks);
  const kept = mergedSpans(text, marks.filter((m) => m.level === 'passage' && m.category === 'zakelijk'));
  const out: { start: number; end: number }[] = [];
  for (const k of kept) {
    let at = k.start;
    for (const h of hidden) {
      if (h.end <= at || h.start >= k.end) continue;
      if (h.start > at) out.push({ start: at, end: h.start });
      at = Math.max(at, h.end);
    }
    if (at < k.end) out.push({ start: at, end: k.end });
  }
  return out.filter((s) => text.slice(s.start, s.end).trim() !== '');
}

/** Replaces hidden passages, then screens the kept parts for private names and numbers. */
export function cleanText(text: string, hidden: readonly PassageRedaction[], screen: Pick<Screen, 'redact'>): { text: string; passages: PassageRedaction[] } {
  let out = '';
  let at = 0;
  const passages: PassageRedaction[] = [];
  for (const s of hidden) {
    out += screen.redact(text.slice(at, s.start));
    const { categories, markingIds } = s;
    const refs = markingIds.length ? markingIds.map((id) => `M-${id}`) : ['standaardcategorie'];
    const label = `[passage afgeschermd: ${[categories.join('/'), ...refs].join(' · ')}]`;
    passages.push({ start: out.length, end: out.length + label.length, categories, markingIds });
    out += label;
    at = s.end;
  }
  out += screen.redact(text.slice(at));
  return { text: out, passages };
}

