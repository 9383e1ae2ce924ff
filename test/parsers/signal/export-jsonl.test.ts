import { existsSync, readdirSync, readFileSync } from 'node:fs';
import yauzl from 'yauzl';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../../parsers/lines.js';
import { SignalFormatError, parseSignalExport } from '../../../parsers/signal/index.js';
import { SAMPLES, SHARED, ZONE, collect, expectGolden, finalChats, lines, linesOf } from './helpers.js';

const OWN = `${SAMPLES}signal-export-2025-10-27/`;
const OWN_META = JSON.parse(readFileSync(`${OWN}metadata.json`, 'utf8'));
const SHARED_DIR = `${SHARED}signal-plaintext-export/signal-export-2025-03-11/`;

const ownExport = () => collect((onWarning) => parseSignalExport(lines(`${OWN}main.jsonl`), { zone: ZONE, metadata: OWN_META, onWarning }));

describe('parseSignalExport: own fixture (minister Karin van der Laan)', () => {
  it('matches the golden output', async () => {
    expectGolden('signal-export-own', await ownExport());
  });

  it('emits a source event first with the export header', async () => {
    const c = await ownExport();
    expect(c.events[0]).toEqual({
      type: 'source',
      format: 'signal-export',
      platform: 'signal',
      lowFidelity: false,
      details: { backupVersion: '1', backupTime: '2025-10-27T11:00:00.000Z', currentAppVersion: '8.11.0', firstAppVersion: '7.40.2', metadataVersion: '1' },
    });
  });

  it('describes the four chats, the group with its rename history and the custodian inferred from the member list', async () => {
    const c = await ownExport();
    const all = finalChats(c);
    expect([...all.keys()]).toEqual(['+31620001001', 'group:gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U', '+31620001004', '+31620001005']);
    const group = all.get('group:gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U')!;
    expect(group.isGroup).toBe(true);
    expect(group.title).toBe('Crisisoverleg Hoogwater');
    expect(group.titleHistory).toEqual(['Hoogwater Limburg']);
    expect(group.participants.map((p) => p.name)).toEqual(['Petra Hoekstra', 'Karin van der Laan', 'Youssef El Amrani (BZK)', 'Daan Mulder']);
    expect(group.participants[0]).toEqual({ name: 'Petra Hoekstra', phone: '+31620001002', key: 'c5d7ac7f-3960-41a1-9ade-194051bdd4ed' });
    // every message is preceded by a chat event for its chatKey
    const seen = new Set<string>();
    for (const e of c.events) {
      if (e.type === 'chat') seen.add(e.chat.chatKey);
      if (e.type === 'message') expect(seen.has(e.chatKey)).toBe(true);
    }
  });

  it('maps reactions, quotes (replyToKey = stableKey of the quoted message) and edits with all revisions', async () => {
    const c = await ownExport();
    const first = c.byKey.get('ac21a80a-14e0-4800-8d20-c89235f8f665:1761285912000')!;
    expect(first.reactions).toEqual([{ emoji: '✅', author: 'Karin van der Laan', at: '2025-10-24T08:06:00+02:00' }]);
    const reply = c.byKey.get('self:1761286050000')!;
    expect(reply.replyToKey).toBe(first.stableKey);
    expect(reply.fromSelf).toBe(true);
    const edited = c.byKey.get('self:1761289260000')!; // keyed by the ORIGINAL send time
    expect(edited.edited).toBe(true);
    expect(edited.text).toBe('Overleg morgen om 09.00 uur?');
    expect(edited.sentAt).toBe('2025-10-24T09:01:00+02:00');
    expect(edited.revisions).toEqual([
      { text: 'Overleg morgen om 10.00 uur?', at: '2025-10-24T09:01:00+02:00' },
      { text: 'Overleg morgen om 09.30 uur?', at: '2025-10-24T09:02:10+02:00' },
    ]);
    expect(edited.extra?.editedAt).toBe('2025-10-24T09:03:45+02:00');
  });

  it('resolves attachment refs to the files/ layout: present PDF, missing PNG, sticker without local copy', async () => {
    const c = await ownExport();
    const pdfMsg = c.byKey.get('ac21a80a-14e0-4800-8d20-c89235f8f665:1761286502000')!;
    const pdf = pdfMsg.attachments[0]!;
    expect(pdf).toEqual({
      name: 'Kamerbrief-hoogwaterbescherming-concept-v3.pdf', mime: 'application/pdf', ref: 'files/4a/4adf2d79092112740309498c28aae1e4edbcad14a9bde7a2d3208e47c37e22df',
      // locatorInfo: plaintextHash (base64 of the SHA-256) and size, which the ingest checks the file against
      declared: { sha256: 'b712d82ff8c8b75fa8aef6c1b57fc8c5680d2cdf560c1197441e5ecf237747e3', size: 150 },
    });
    expect(existsSync(`${OWN}${pdf.ref}.pdf`)).toBe(true);
    const png = c.byKey.get('self:1761292930000')!.attachments[0]!;
    expect(png.name).toBe('waterstanden-maas.png');
    expect(png.omitted).toBeUndefined(); // the export claims it; the file is missing: ingest must flag it
    const dir = `${OWN}${png.ref!.split('/').slice(0, 2).join('/')}`;
    expect(existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(png.ref!.split('/')[2]!))).toBe(false);
    const sticker = c.byKey.get('self:1761324600000')!;
    expect(sticker.kind).toBe('media');
    expect(sticker.text).toBe('😅');
    expect(sticker.attachments[0]).toMatchObject({ mime: 'image/webp', ref: null, omitted: true });
  });

  it('maps deletions, mentions, locations, contact shares, calls, view-once and system events', async () => {
    const c = await ownExport();
    const k = (key: string) => c.byKey.get(key)!;
    expect(k('eb440b96-3e78-4428-a87f-a6f01eec99ce:1761293100000')).toMatchObject({ kind: 'deleted', deletedBy: 'sender', text: '', sender: 'Daan Mulder' });
    expect(k('c5d7ac7f-3960-41a1-9ade-194051bdd4ed:1761292890000').text).toBe(
      '@Karin van der Laan kunt u om 11.00 uur aansluiten bij het crisisoverleg? De Maas stijgt sneller dan verwacht.',
    );
    expect(k('ac21a80a-14e0-4800-8d20-c89235f8f665:1761555600000')).toMatchObject({ kind: 'location', sentAt: '2025-10-27T10:00:00+01:00' });
    expect(k('ac21a80a-14e0-4800-8d20-c89235f8f665:1761555600000').extra?.location).toEqual({ lat: 52.0799, lon: 4.3113, label: 'Tweede Kamer\nPrinses Irenestraat 6, Den Haag' });
    expect(k('self:1761550500000')).toMatchObject({ kind: 'contact', text: 'Daan Mulder\n+31 6 20001003' });
    expect(k('b5142473-ce93-4fbf-9a10-f824d10634d4:1761550800000')).toMatchObject({ kind: 'call', text: 'Incoming voice call (missed)', fromSelf: false });
    expect(k('c5d7ac7f-3960-41a1-9ade-194051bdd4ed:1761294600000')).toMatchObject({ kind: 'call', text: 'Group call started by Petra Hoekstra (joined)' });
    expect(k('6b38d026-675e-4e93-8400-d8d885238576:1761327000000')).toMatchObject({ kind: 'media', viewOnce: true, attachments: [] });
    const created = k('c5d7ac7f-3960-41a1-9ade-194051bdd4ed:1761292800000');
    expect(created).toMatchObject({ kind: 'system', event: 'group-created', sender: null, senderKey: null });
    expect(created.text).toContain('Petra Hoekstra added Karin van der Laan.');
    expect(k('b5142473-ce93-4fbf-9a10-f824d10634d4:1761548400000')).toMatchObject({ kind: 'system', event: 'security-code-changed' });
    // the JSON-escaped surrogate pair in the source line becomes one emoji
    expect(k('ac21a80a-14e0-4800-8d20-c89235f8f665:1761289500000').text).toBe('Prima, ik zet het in uw agenda 👍');
  });

  it('maps timer changes to disappearing-on/off with timerSeconds and warns that timed messages are absent', async () => {
    const c = await ownExport();
    expect(c.byKey.get('c5d7ac7f-3960-41a1-9ade-194051bdd4ed:1761293220000')).toMatchObject({ event: 'disappearing-on', extra: { timerSeconds: 86400 } });
    expect(c.byKey.get('ac21a80a-14e0-4800-8d20-c89235f8f665:1761294000000')).toMatchObject({ event: 'disappearing-off', extra: { timerSeconds: 0 } });
    expect(c.byKey.get('6b38d026-675e-4e93-8400-d8d885238576:1761328800000')).toMatchObject({ event: 'disappearing-on', extra: { timerSeconds: 28800 } });
    const dm = c.warnings.filter((w) => w.code === 'disappearing-messages-may-be-absent');
    expect(dm.map((w) => w.line)).toEqual([14, 29]); // Joris (chat frame with a timer), the group (timer change)
    expect(c.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['view-once-media-stripped', 'unknown-frame']));
  });

  it('keeps the source line as rawText, line numbers, and every contract field', async () => {
    const c = await ownExport();
    const src = readFileSync(`${OWN}main.jsonl`, 'utf8').split('\n');
    for (const m of c.messages) {
      expect(m.rawText).toBe(src[m.line - 1]);
      expect(m.sentAt).toMatch(/^2025-10-2\dT\d\d:\d\d:\d\d(\.\d{3})?\+0[12]:00$/);
      expect(new Date(m.sentAt).getTime()).toBe(m.sentAtMs);
      // The export has only epoch ms: localTime is the wall clock in the zone, the epoch value stays in rawText.
      expect(m.localTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(m.localTime).toBe(m.localIso);
      expect(m.localTime).toBe(m.sentAt.slice(0, 19));
      expect(m.rawText).toContain(`"dateSent":"${m.sentAtMs}"`);
      expect(m.zone).toBe(ZONE);
      expect(m.stableKey).toBeTruthy();
    }
    expect(c.messages.map((m) => m.seq)).toEqual(c.messages.map((_, i) => i));
    expect(c.messages).toHaveLength(22);
  });
});

describe('parseSignalExport: shared research sample', () => {
  it('reads the folder form with concrete values', async () => {
    const c = await collect((onWarning) => parseSignalExport(lines(`${SHARED_DIR}main.jsonl`), { zone: ZONE, metadata: { version: 1 }, onWarning }));
    expect(c.messages).toHaveLength(9); // g4 (disappearing) is absent from the export itself
    const anna = c.byKey.get('dda298c3-1973-4b2a-a59c-8d214b5830f8:1741680845000')!;
    expect(anna).toMatchObject({ sender: 'Anna de Vries', senderPhone: '+31612345678', sentAt: '2025-03-11T09:14:05+01:00', fromSelf: false });
    expect(anna.reactions).toEqual([{ emoji: '👍', author: 'Marieke Jansen', at: '2025-03-11T09:15:10+01:00' }]);
    expect(c.byKey.get('self:1741681000000')!.replyToKey).toBe(anna.stableKey);
    const att = c.byKey.get('dda298c3-1973-4b2a-a59c-8d214b5830f8:1741681202000')!.attachments[0]!;
    expect(att.ref).toBe('files/59/59b6aef56d154ec7b85befac01cc74e437578fe4c3f3257d1f7eac5412378ba0');
    expect(existsSync(`${SHARED_DIR}${att.ref}.png`)).toBe(true);
    expect(c.byKey.get('self:1741681875000')!.revisions).toEqual([{ text: 'Graag overleg om 14.00 uur.', at: '2025-03-11T09:31:15+01:00' }]);
    expect(c.byKey.get('dda298c3-1973-4b2a-a59c-8d214b5830f8:1741683930000')!.kind).toBe('deleted');
    expect(c.byKey.get('e067bbc9-533e-4073-a597-900a714cd538:1741684065000')).toMatchObject({ event: 'disappearing-on', extra: { timerSeconds: 604800 } });
    expect(c.byKey.get('dda298c3-1973-4b2a-a59c-8d214b5830f8:1741684200000')).toMatchObject({ kind: 'call', text: 'Incoming video call (accepted)' });
    expect(c.warnings.filter((w) => w.code === 'disappearing-messages-may-be-absent')).toHaveLength(1);
    const group = finalChats(c).get('group:AFgBNppeQmmydM4b2KzJeAH8sTmJZTX_otNu2N4qJbI')!;
    expect(group.participants.map((p) => p.name)).toEqual(['Marieke Jansen', 'Anna de Vries', 'Bram Bakker']);
  });

  it('streams main.jsonl straight out of the shared ZIP and yields the same messages as the folder', async () => {
    const zipLines = await new Promise<AsyncIterable<Buffer>>((resolve, reject) => {
      yauzl.open(`${SHARED}signal-plaintext-export/signal-export-2025-03-11.zip`, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return reject(err);
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.fileName !== 'main.jsonl') return zip.readEntry();
          zip.openReadStream(entry, (e, stream) => (e || !stream ? reject(e) : resolve(stream)));
        });
        zip.readEntry();
      });
    });
    const fromZip = await collect((onWarning) => parseSignalExport(splitLines(zipLines), { zone: ZONE, onWarning }));
    const fromDir = await collect((onWarning) => parseSignalExport(lines(`${SHARED_DIR}main.jsonl`), { zone: ZONE, onWarning }));
    expect(fromZip.messages).toEqual(fromDir.messages);
  });
});

describe('parseSignalExport: corrupt input', () => {
  const shared = readFileSync(`${SHARED_DIR}main.jsonl`, 'utf8');
  const run = (text: string, metadata?: unknown) => collect((onWarning) => parseSignalExport(linesOf(text), { zone: ZONE, onWarning, metadata }));

  it('names the line of a truncated JSONL line', async () => {
    const truncated = shared.slice(0, shared.lastIndexOf('"state"'));
    const err = await run(truncated).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalFormatError);
    expect((err as SignalFormatError).line).toBe(19);
    expect((err as SignalFormatError).entry).toBe('main.jsonl');
    expect((err as Error).message).toMatch(/^main\.jsonl, line 19: not valid JSON .*expected one complete JSON object per line/);
  });

  it('names the field of a wrongly typed value', async () => {
    const bad = shared.replace('"dateSent":"1741681202000"', '"dateSent":true');
    const err = (await run(bad).catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(13);
    expect(err.message).toContain('chatItem.dateSent');
  });

  it('says what a missing or fractional time should have been', async () => {
    const missing = (await run(shared.replace('"dateSent":"1741681202000",', '')).catch((e: unknown) => e)) as SignalFormatError;
    expect(missing).toBeInstanceOf(SignalFormatError);
    expect(missing.message).toMatch(/^main\.jsonl, line 13: chatItem\.dateSent: missing; expected an integer \(a string of digits/);
    const fraction = (await run(shared.replace('"dateSent":"1741681202000"', '"dateSent":1741681202000.5')).catch((e: unknown) => e)) as SignalFormatError;
    expect(fraction.message).toMatch(/line 13: chatItem\.dateSent: expected an integer .*, found 1741681202000\.5/);
  });

  it('refuses input without a BackupInfo header, and non-object lines', async () => {
    const noHeader = shared.split('\n').slice(1).join('\n');
    await expect(run(noHeader)).rejects.toThrow(/line 1: first line is not a BackupInfo header/);
    await expect(run('[1,2,3]\n')).rejects.toThrow(/line 1: not a JSON object/);
    await expect(run('')).rejects.toThrow(SignalFormatError);
  });

  it('checks metadata.json: invalid shape throws, a newer version warns', async () => {
    await expect(run(shared, { nope: 1 })).rejects.toThrow(/metadata\.json: metadata\.version/);
    const c = await run(shared, { version: 2 });
    // (named once: the warning sink puts the export's entry before every message)
    expect(c.warnings.filter((w) => w.code === 'unknown-export-version').map((w) => w.message)).toEqual([
      'main.jsonl: metadata.json version 2 is newer than the version this parser knows (1); fields may be missed',
    ]);
  });

  it('accepts a UTF-8 byte order mark before the header', async () => {
    const c = await run(`\ufeff${shared}`);
    expect(c.messages).toHaveLength(9);
  });

  it('keeps items of an undefined chat under a placeholder chat, with a warning', async () => {
    const c = await run(shared.replace('{"chatItem":{"chatId":"1","authorId":"4","dateSent":"1741684200000"', '{"chatItem":{"chatId":"99","authorId":"4","dateSent":"1741684200000"'));
    expect(c.messages).toHaveLength(9);
    expect(finalChats(c).get('chat:99')?.title).toBe('Unknown chat 99');
    expect(c.warnings.map((w) => w.code)).toContain('unknown-chat');
  });
});
