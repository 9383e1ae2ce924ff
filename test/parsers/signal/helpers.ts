import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { splitLines } from '../../../parsers/lines.js';
import type { SignalEvent } from '../../../parsers/signal/index.js';
import type { ParsedMessage, ParseWarning, SourceLine } from '../../../parsers/types.js';

export const ZONE = 'Europe/Amsterdam';
export const SAMPLES = fileURLToPath(new URL('../../../samples/signal/', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../../shared/formats/signal-samples/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/signal/', import.meta.url));

export function lines(path: string): AsyncGenerator<SourceLine> {
  return splitLines(createReadStream(path));
}

export function linesOf(text: string): AsyncGenerator<SourceLine> {
  return splitLines([Buffer.from(text)]);
}

export interface Collected {
  events: SignalEvent[];
  warnings: ParseWarning[];
  messages: ParsedMessage[];
  byKey: Map<string, ParsedMessage>;
}

export async function collect(run: (onWarning: (w: ParseWarning) => void) => AsyncIterable<SignalEvent>): Promise<Collected> {
  const warnings: ParseWarning[] = [];
  const events: SignalEvent[] = [];
  for await (const ev of run((w) => warnings.push(w))) events.push(ev);
  const messages = events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
  return { events, warnings, messages, byKey: new Map(messages.map((m) => [m.stableKey ?? '', m])) };
}

/** JSON form for golden files: Buffers become `base64:` strings. */
function toJson(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, function (this: unknown, _k, val: unknown) {
      if (val && typeof val === 'object' && (val as { type?: string }).type === 'Buffer' && Array.isArray((val as { data?: unknown }).data)) {
        return `base64:${Buffer.from((val as { data: number[] }).data).toString('base64')}`;
      }
      return val;
    }),
  );
}

/**
 * Compares events + warnings with `test/fixtures/signal/<name>.json`. Run with UPDATE_GOLDEN=1 to (re)write a
 * golden file; a missing golden file fails the test.
 */
export function expectGolden(name: string, c: Collected): void {
  const path = `${GOLDEN}${name}.json`;
  const actual = toJson({ events: c.events, warnings: c.warnings });
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
  expect(existsSync(path), `golden file ${path} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
}

export function chats(c: Collected): Extract<SignalEvent, { type: 'chat' }>['chat'][] {
  return c.events.flatMap((e) => (e.type === 'chat' ? [e.chat] : []));
}

/** The last description of each chat (chat events are upserts). */
export function finalChats(c: Collected): Map<string, Extract<SignalEvent, { type: 'chat' }>['chat']> {
  return new Map(chats(c).map((ch) => [ch.chatKey, ch]));
}
