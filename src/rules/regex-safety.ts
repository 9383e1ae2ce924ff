/**
 * A guard against regular expressions that can take exponential time (catastrophic backtracking): a group that
 * repeats while something inside it repeats too, as in `(a+)+$`, `(\w+\s*)*$` or `(\w+\s?){1,40}$`. JavaScript has no
 * time limit on a match, so one such pattern in a rule file would hang `tag` and `rules explain` on an unlucky message.
 *
 * This is the star-height test that tools like safe-regex apply: it reads the pattern's structure (escapes, character
 * classes, groups, alternation, quantifiers) without compiling it. It catches the nested-quantifier form, the common
 * one; it does not prove a pattern safe (an alternation of overlapping branches under a star, `(a|a)*$`, passes).
 */

/**
 * A group of `pattern` that is repeated while holding a variable repetition, e.g. `(a+)+`, or null when there is
 * none: the first one repeated without bound if any, else the first bounded one. `bounded`: the outer repetition has an upper bound (`(\\d+\\.){3}`, `(\\W+\\w+){0,5}`): polynomial of that
 * degree at worst, harmless when the parts cannot overlap, and not told apart here from `(\\w+\\s?){1,40}`, which is
 * exponential up to its bound. The loader refuses the unbounded form; `rules check` warns about the bounded one.
 */
export function nestedRepetition(pattern: string): { group: string; bounded: boolean } | null {
  // One frame per open group: where it starts, and whether a variable repetition occurs inside it.
  const frames: { start: number; repeats: boolean }[] = [{ start: 0, repeats: false }];
  // The atom a following quantifier applies to: a group (with its span and whether it repeats inside), or another atom.
  let atom: { group: true; start: number; repeats: boolean } | { group: false } | null = null;
  let found: { group: string; bounded: boolean } | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      i += 2;
      atom = { group: false };
      continue;
    }
    if (c === '[') {
      i = classEnd(pattern, i);
      atom = { group: false };
      continue;
    }
    if (c === '(') {
      frames.push({ start: i, repeats: false });
      i += groupPrefixLength(pattern, i);
      atom = null;
      continue;
    }
    if (c === ')') {
      const f = frames.length > 1 ? frames.pop()! : { start: 0, repeats: false };
      if (f.repeats) frames[frames.length - 1]!.repeats = true;
      atom = { group: true, start: f.start, repeats: f.repeats };
      i++;
      continue;
    }
    if (c === '|') {
      atom = null;
      i++;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      // Any repetition of such a group, bounded or not: `(\w+\s?){1,40}$` is as exponential as `(\w+\s?)*$` up to
      // its bound, and even `{3}` is polynomial of degree 3 in the message length (see `bounded`).
      if (q.max > 1 && atom?.group && atom.repeats) {
        const hit = { group: pattern.slice(atom.start, i + q.length), bounded: q.max !== Infinity };
        // The whole pattern is read: an unbounded one later (or around this one) outweighs a bounded one found first.
        if (!hit.bounded) return hit;
        found ??= hit;
      }
      // A variable repetition of more than one: what makes a repeating group ambiguous (`?` and `{n}` do not).
      if (q.max > 1 && q.max > q.min) frames[frames.length - 1]!.repeats = true;
      i += q.length;
      if (pattern[i] === '?') i++; // lazy
      atom = { group: false };
      continue;
    }
    atom = { group: false };
    i++;
  }
  return found;
}

/** Index just after the character class that starts at `i` (`[`), escapes inside skipped. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  while (j < p.length) {
    if (p[j] === '\\') j += 2;
    else if (p[j] === ']') return j + 1;
    else j++;
  }
  return j;
}

/** Length of a group's opening: `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`. */
function groupPrefixLength(p: string, i: number): number {
  if (p[i + 1] !== '?') return 1;
  if (p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!') {
    const close = p.indexOf('>', i + 3);
    return close < 0 ? 3 : close - i + 1;
  }
  return p[i + 2] === '<' ? 4 : 3;
}

/** The quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), or null; a `{` that is not one is a literal. */
function quantifierAt(p: string, i: number): { min: number; max: number; length: number } | null {
  const c = p[i];
  if (c === '*') return { min: 0, max: Infinity, length: 1 };
  if (c === '+') return { min: 1, max: Infinity, length: 1 };
  if (c === '?') return { min: 0, max: 1, length: 1 };
  if (c !== '{') return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { min, max, length: m[0].length };
}
