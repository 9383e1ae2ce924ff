import { describe, expect, it } from 'vitest';
import { splitLines } from '../../../parsers/lines.js';
import type { SourceLine } from '../../../parsers/types.js';
import { generateWhatsAppExport, parseWhatsApp, scanWhatsApp } from '../../../parsers/whatsapp/index.js';
import { parse } from './helpers.js';

const text = (opts: Parameters<typeof generateWhatsAppExport>[0]): string => [...generateWhatsAppExport(opts)].join('');

describe('generateWhatsAppExport', () => {
  it('is deterministic per seed', () => {
    const a = text({ messages: 500, shape: 'android-nl', seed: 3 });
    expect(text({ messages: 500, shape: 'android-nl', seed: 3 })).toBe(a);
    expect(text({ messages: 500, shape: 'android-nl', seed: 4 })).not.toBe(a);
    expect(a.startsWith('02-01-2023 08:00 - Berichten en oproepen worden end-to-end versleuteld.')).toBe(true);
  });

  it('yields chunks of about 500 messages', () => {
    const chunks = [...generateWhatsAppExport({ messages: 1200, shape: 'ios-nl' })];
    expect(chunks).toHaveLength(3);
  });

  it.each(['android-nl', 'ios-nl'] as const)('%s: every generated message parses back, with multi-line and attachment messages', async (shape) => {
    const p = await parse(text({ messages: 3000, shape, seed: 11 }));
    expect(p.scan).toMatchObject({ platform: shape === 'ios-nl' ? 'ios' : 'android', messageCount: 3000, dateOrder: 'dmy', isGroup: true });
    expect(p.messages).toHaveLength(3000);
    expect(p.warnings).toEqual([]);
    const kinds = new Set(p.messages.map((m) => m.kind));
    for (const k of ['text', 'media', 'location', 'call', 'deleted', 'system']) expect(kinds).toContain(k);
    expect(p.messages.some((m) => m.text.includes('\n'))).toBe(true);
    expect(p.messages.some((m) => m.attachments.length > 0 && !m.attachments[0]!.omitted)).toBe(true);
    expect(p.messages.some((m) => m.edited)).toBe(true);
    expect(p.messages[0]).toMatchObject({ kind: 'system', event: 'encryption-notice' });
    if (shape === 'ios-nl') expect(p.messages[0]!.extra?.author).toBe('Crisisteam Hoogwater');
    expect(p.scan.authors).toContain('+31 6 12345678');
    expect(p.scan.authors).not.toContain('Crisisteam Hoogwater');
  });
});

describe('streaming', () => {
  const body = text({ messages: 400, shape: 'ios-nl', seed: 5 });

  it('the result does not depend on how the bytes are chunked (CRLF and UTF-8 split across chunks)', async () => {
    const whole = await parse(body);
    for (const size of [1, 2, 3, 7, 4096]) {
      const p = await parse(body, { chunkSize: size });
      expect(p.messages).toEqual(whole.messages);
      expect(p.scan).toEqual(whole.scan);
    }
  });

  it('rawText of all messages joined with their line endings gives back the file', async () => {
    const p = await parse(body);
    let offset = 0;
    for (const m of p.messages) {
      expect(body.startsWith(m.rawText, offset)).toBe(true);
      offset += m.rawText.length;
      offset += body.startsWith('\r\n', offset) ? 2 : body.startsWith('\n', offset) || body.startsWith('\r', offset) ? 1 : 0;
    }
    expect(offset).toBe(body.length);
  });

  it('parseWhatsApp yields the first message before it has read the whole input', async () => {
    const all = text({ messages: 2000, shape: 'android-nl', seed: 9 });
    const scan = await scanWhatsApp(splitLines([Buffer.from(all)]));
    let pulled = 0;
    async function* counting(): AsyncGenerator<SourceLine> {
      for await (const l of splitLines([Buffer.from(all)])) {
        pulled++;
        yield l;
      }
    }
    const it = parseWhatsApp(counting(), { dateOrder: scan.dateOrder, zone: 'Europe/Amsterdam', scan });
    const first = await it.next();
    expect(first.value).toMatchObject({ seq: 0 });
    expect(pulled).toBeLessThan(10);
    await it.return(undefined);
  });
});

describe('reading through one reused buffer', () => {
  it('gives the same messages as one whole buffer: the parser copies what it keeps of a chunk', async () => {
    const { readFileReusing } = await import('../../../src/ingest/context.js');
    const { parseWhatsAppChunks, scanWhatsAppChunks } = await import('../../../parsers/whatsapp/index.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const body = text({ messages: 800, shape: 'ios-nl', seed: 9 }).replace(/\n/g, '\r\n');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wa-reuse-')), '_chat.txt');
    fs.writeFileSync(file, body);
    const whole = await parse(body);
    for (const size of [5, 13, 4096]) {
      const scan = await scanWhatsAppChunks(readFileReusing(file, size));
      expect(scan).toEqual(whole.scan);
      const messages = [];
      for await (const batch of parseWhatsAppChunks(readFileReusing(file, size), { dateOrder: scan.dateOrder, zone: 'Europe/Amsterdam', scan })) messages.push(...batch);
      expect(messages).toEqual(whole.messages);
    }
  });
});
