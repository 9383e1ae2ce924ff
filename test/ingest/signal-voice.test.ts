/**
 * A Signal voice message is an audio attachment that the formats flag as such: Signal's own export with
 * MessageAttachment.flag `VOICE_MESSAGE`, Signal Desktop's message JSON (sigtop) with bit 1 of the attachment's
 * `flags`. It is recorded as WhatsApp records a voice note (`PTT-…`): `extra.mediaType` "voice". A shared audio file
 * without the flag is not a voice message.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { freshStore, writeIn } from './store-dir.js';

const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
const SIGTOP = path.join(REPO, 'samples/signal/sigtop/Youssef El Amrani (+31620001001).json');
const CUSTODIAN = ['--id', 'min', '--name', 'Karin van der Laan', '--function', 'Minister', '--department', 'BZK', '--from', '2024-07-02'];
/** Youssef's ACI in both samples (base64 in the export, text in sigtop). */
const YOUSSEF_ACI = 'ac21a80a-14e0-4800-8d20-c89235f8f665';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const ingest = async (p: string) => {
  const r = await runCli(['ingest', '--db', db, '--custodian', 'min', '--json', p]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest();

/** Fake audio bytes (an Ogg page header, then noise): the parser looks only at the flag, never at the bytes. */
const audio = (seed: string) => Buffer.concat([Buffer.from('OggS\0\x02'), crypto.createHash('sha512').update(seed).digest()]);

/**
 * A chatItem of chat 1 (the 1:1 with Youssef, recipient 4) with one audio attachment whose file the export holds at
 * `files/<h[0:2]>/<h>.<ext>`, h = hex(SHA-256(plaintextHash ‖ localKey)), as Signal writes it.
 */
function audioItem(out: string, ms: number, bytes: Buffer, contentType: string, ext: string, flag?: string): string {
  const localKey = crypto.createHash('sha512').update(`key-${ms}`).digest();
  const h = crypto.createHash('sha256').update(Buffer.concat([sha256(bytes), localKey])).digest('hex');
  writeIn(out, `files/${h.slice(0, 2)}/${h}.${ext}`, bytes);
  const attachment: Record<string, unknown> = {
    pointer: { contentType, locatorInfo: { plaintextHash: sha256(bytes).toString('base64'), localKey: localKey.toString('base64'), size: bytes.length } },
    wasDownloaded: true,
  };
  // proto3 JSON leaves out the default (NONE).
  if (flag) attachment.flag = flag;
  return JSON.stringify({
    chatItem: {
      chatId: '1', authorId: '4', dateSent: String(ms),
      incoming: { dateReceived: String(ms + 1200), dateServerSent: String(ms + 400), read: true, sealedSender: true },
      standardMessage: { attachments: [attachment] },
    },
  });
}

describe('a Signal voice message', () => {
  it("in Signal's own export (flag VOICE_MESSAGE) shows as a voice message in the message JSON", async () => {
    const out = path.join(dir, 'export');
    fs.cpSync(SAMPLE, out, { recursive: true });
    const voice = audio('voice');
    const shared = audio('shared');
    const items = [
      audioItem(out, 1761300000000, voice, 'audio/aac', 'aac', 'VOICE_MESSAGE'),
      audioItem(out, 1761300060000, shared, 'audio/mpeg', 'mp3'),
    ];
    fs.appendFileSync(path.join(out, 'main.jsonl'), items.join('\n') + '\n');
    const s = await ingest(out);
    expect(s).toMatchObject({ attachmentsMissing: 3 }); // the sample's own (two images, a sticker): both audio files are found
    const all = await messages(1);
    const at = (iso: string) => all.find((m: any) => m.sentAt === iso);
    const v = at('2025-10-24T12:00:00+02:00');
    expect(v).toMatchObject({ kind: 'media', extra: { mediaType: 'voice' } });
    expect(v.attachments).toMatchObject([{ sha256: sha256(voice).toString('hex'), size: voice.length, missing: false, mime: 'audio/aac' }]);
    const other = at('2025-10-24T12:01:00+02:00');
    expect(other).toMatchObject({ kind: 'media', attachments: [{ missing: false, mime: 'audio/mpeg' }] });
    expect(other.extra?.mediaType).toBeUndefined();
    // No other message of the sample is taken for one.
    expect(all.filter((m: any) => m.extra?.mediaType === 'voice')).toHaveLength(1);
  });

  it('in sigtop JSON (attachment flags bit 1) shows as a voice message in the message JSON', async () => {
    const lines = fs.readFileSync(SIGTOP, 'utf8').trimEnd().split('\n');
    expect(lines.at(-1)).toBe(']');
    const item = (ms: number, id: string, att: Record<string, unknown>) =>
      JSON.stringify({
        timestamp: ms, attachments: [att], id, conversationId: '4afa1052-ac8b-4745-b2fa-cc2919905623', readStatus: 0, received_at: 1761200000100,
        received_at_ms: ms + 1100, seenStatus: 2, sent_at: ms, type: 'incoming', schemaVersion: 14, hasAttachments: 1, bodyRanges: [], contact: [],
        preview: [], errors: [], source: '+31620001001', sourceDevice: 1, sourceServiceId: YOUSSEF_ACI, serverTimestamp: ms + 400,
      });
    const voice = audio('voice');
    const shared = audio('shared');
    const conv = 'Youssef El Amrani (+31620001001)';
    // sigtop export-attachments names a file without a name after the message's local time.
    writeIn(dir, `sigtop/${conv}/attachment-2025-10-24-12-00-00.ogg`, voice);
    writeIn(dir, `sigtop/${conv}/interview.mp3`, shared);
    const json = writeIn(dir, `sigtop/${conv}.json`, [
      ...lines.slice(0, -1).map((l, i, all) => (i === all.length - 1 ? `${l},` : l)),
      item(1761300000000, '7d1c6a8e-5b0f-4f43-9a51-0c7f6f3c2a10', { contentType: 'audio/ogg', size: voice.length, path: '3f/3f0a', version: 2, flags: 1 }) + ',',
      item(1761300060000, '0b7e2f4c-2d5a-4a8e-8f3e-6c1d9a7b5e21', { contentType: 'audio/mpeg', fileName: 'interview.mp3', size: shared.length, path: '9c/9c1b', version: 2, flags: 0 }),
      ']',
    ].join('\n') + '\n');
    const s = await ingest(json);
    const all = await messages(s.conversationId);
    const at = (iso: string) => all.find((m: any) => m.sentAt === iso);
    const v = at('2025-10-24T12:00:00+02:00');
    expect(v).toMatchObject({ kind: 'media', extra: { mediaType: 'voice' }, attachments: [{ sha256: sha256(voice).toString('hex'), missing: false }] });
    const other = at('2025-10-24T12:01:00+02:00');
    expect(other).toMatchObject({ kind: 'media', attachments: [{ name: 'interview.mp3', missing: false }] });
    expect(other.extra?.mediaType).toBeUndefined();
    expect(all.filter((m: any) => m.extra?.mediaType === 'voice')).toHaveLength(1);
  });
});
