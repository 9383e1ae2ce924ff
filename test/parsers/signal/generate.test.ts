import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../../parsers/lines.js';
import { fastInstant } from '../../../parsers/signal/common.js';
import { ShoHmacSha256 } from '../../../parsers/signal/group-id.js';
import { generateSignalMainJsonl, generateSignalMetadata, groupIdFromMasterKey, parseSignalExport } from '../../../parsers/signal/index.js';
import { instantInZone } from '../../../parsers/time.js';
import { ZONE } from './helpers.js';

const digest = (items: number, seed?: number): string => {
  const h = createHash('sha256');
  for (const l of generateSignalMainJsonl(seed === undefined ? { items } : { items, seed })) h.update(l);
  return h.digest('hex');
};

describe('generateSignalMainJsonl', () => {
  it('is deterministic per seed', () => {
    expect(digest(500, 42)).toBe(digest(500, 42));
    expect(digest(500, 42)).not.toBe(digest(500, 43));
    expect(digest(200)).toBe(digest(200, 1));
    expect(JSON.parse(generateSignalMetadata())).toEqual({ version: 1 });
  });

  it('produces a valid export that parses into exactly N messages', async () => {
    const n = 3000;
    const chunks = function* () {
      for (const l of generateSignalMainJsonl({ items: n, seed: 9 })) yield Buffer.from(l);
    };
    const warnings: string[] = [];
    let messages = 0;
    const kinds = new Map<string, number>();
    const chatKeys = new Set<string>();
    let replies = 0;
    let edited = 0;
    let lastMs = 0;
    for await (const ev of parseSignalExport(splitLines(chunks()), { zone: ZONE, metadata: JSON.parse(generateSignalMetadata()), onWarning: (w) => warnings.push(w.code) })) {
      if (ev.type === 'chat') chatKeys.add(ev.chat.chatKey);
      if (ev.type !== 'message') continue;
      messages++;
      const m = ev.message;
      kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
      if (m.replyToKey) replies++;
      if (m.edited) edited++;
      expect(m.sentAtMs).toBeGreaterThan(1_735_689_600_000);
      if (!m.edited) {
        expect(m.sentAtMs).toBeGreaterThan(lastMs);
        lastMs = m.sentAtMs;
      }
    }
    expect(messages).toBe(n);
    expect(warnings).toEqual([]);
    expect(chatKeys.size).toBeGreaterThan(10);
    for (const k of ['text', 'media', 'deleted', 'call']) expect(kinds.get(k) ?? 0).toBeGreaterThan(0);
    expect(replies).toBeGreaterThan(0);
    expect(edited).toBeGreaterThan(0);
  });
});

describe('helpers', () => {
  it('fastInstant equals instantInZone, also around DST changes and in odd zones', () => {
    const zones = [ZONE, 'UTC', 'America/Sao_Paulo', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London'];
    const instants = [
      Date.parse('2025-10-26T00:59:59.999Z'),
      Date.parse('2025-10-26T01:00:00.000Z'),
      Date.parse('2025-03-30T00:59:59.500Z'),
      Date.parse('2025-03-30T01:00:00.000Z'),
      Date.parse('2025-04-05T15:00:00.000Z'),
      Date.parse('2025-04-05T15:30:00.123Z'),
    ];
    for (let i = 0; i < 400; i++) instants.push(1_500_000_000_000 + i * 7_919_993 * 97);
    for (const zone of zones) for (const ms of instants) expect(fastInstant(ms, zone)).toEqual(instantInZone(ms, zone));
  });

  it('ShoHmacSha256 matches libsignal poksho test vector; group ids are base64url of 32 bytes', () => {
    const sho = new ShoHmacSha256('asd');
    sho.absorbAndRatchet(Buffer.from('asdasd'));
    expect(sho.squeezeAndRatchet(65).toString('hex')).toBe(
      '392cb9449373037fa0c11aebed69cca3b7d3bc9790878f341729c65d5506442f04986cb5c9098f277c3ea640a4dc6e90372b433a90af9aea7072eaba3398c4fe7a',
    );
    expect(groupIdFromMasterKey('0wStmv0x4UngWOjmAzd9FxO0QokgxkzovjqC11Hn5js=')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(groupIdFromMasterKey('c2hvcnQ=')).toBeNull();
  });
});
