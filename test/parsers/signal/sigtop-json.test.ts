import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalFormatError, parseSigtopJson } from '../../../parsers/signal/index.js';
import { SAMPLES, SHARED, ZONE, collect, expectGolden, finalChats, lines } from './helpers.js';

const OWN = `${SAMPLES}sigtop/`;
const YOUSSEF = 'Youssef El Amrani (+31620001001).json';
const GROUP = 'Crisisoverleg Hoogwater (gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U).json';
const SELF_ACI = 'a3d6e920-75fc-4d5b-a817-3c34cb1110c3';
const NAMES = {
  'c5d7ac7f-3960-41a1-9ade-194051bdd4ed': 'Petra Hoekstra',
  'eb440b96-3e78-4428-a87f-a6f01eec99ce': 'Daan Mulder',
  'ac21a80a-14e0-4800-8d20-c89235f8f665': 'Youssef El Amrani',
};

const run = (dir: string, fileName: string, opts: Partial<Parameters<typeof parseSigtopJson>[1]> = {}) =>
  collect((onWarning) => parseSigtopJson(lines(`${dir}${fileName}`), { zone: ZONE, fileName, onWarning, selfName: 'Karin van der Laan', ...opts }));

describe('parseSigtopJson: own 1:1 fixture', () => {
  it('matches the golden output', async () => {
    expectGolden('sigtop-json-own-1on1', await run(OWN, YOUSSEF));
  });

  it('names the chat from the file name, and reads old and new field names', async () => {
    const c = await run(OWN, YOUSSEF);
    expect(finalChats(c).get('+31620001001')).toMatchObject({ title: 'Youssef El Amrani', isGroup: false, participants: [{ name: 'Youssef El Amrani', phone: '+31620001001', key: 'ac21a80a-14e0-4800-8d20-c89235f8f665' }, { name: 'Karin van der Laan', key: 'self' }] });
    const [first, reply, pdf, edited, noBody] = c.messages;
    expect(first).toMatchObject({ sender: 'Youssef El Amrani', senderKey: 'ac21a80a-14e0-4800-8d20-c89235f8f665', fromSelf: false, sentAt: '2025-10-24T08:05:12+02:00', localTime: '2025-10-24T08:05:12', sentAtMs: 1761285912000 });
    expect(first!.rawText).toContain('1761285912000');
    expect(first!.reactions).toEqual([{ emoji: '✅', author: 'Karin van der Laan', at: '2025-10-24T08:06:00+02:00' }]);
    // old-generation keys: sourceUuid on the message, author / authorUuid on the quote
    expect(reply).toMatchObject({ fromSelf: true, sender: 'Karin van der Laan', senderKey: 'self', replyToKey: first!.stableKey });
    expect(pdf!.senderKey).toBe('ac21a80a-14e0-4800-8d20-c89235f8f665');
    expect(pdf!.attachments).toEqual([
      // (the fixture's plaintextHash "abcd" is no SHA-256: only the size is kept to check the file against)
      { name: 'Kamerbrief-hoogwaterbescherming-concept-v3.pdf', mime: 'application/pdf', ref: 'Youssef El Amrani (+31620001001)/Kamerbrief-hoogwaterbescherming-concept-v3.pdf', declared: { sha256: null, size: 143 } },
      { name: 'attachment-2025-10-24-08-15-02-2.jpg', mime: 'image/jpeg', ref: 'Youssef El Amrani (+31620001001)/attachment-2025-10-24-08-15-02-2.jpg', omitted: true },
    ]);
    expect(edited).toMatchObject({ edited: true, text: 'Overleg morgen om 09.00 uur?', sentAt: '2025-10-24T09:01:00+02:00', stableKey: 'self:1761289260000' });
    expect(edited!.revisions).toEqual([
      { text: 'Overleg morgen om 10.00 uur?', at: '2025-10-24T09:01:00+02:00' },
      { text: 'Overleg morgen om 09.30 uur?', at: '2025-10-24T09:02:10+02:00' },
    ]);
    expect(noBody).toMatchObject({ text: '', extra: { bodyMissing: true } });
    expect(c.warnings.map((w) => w.code)).toEqual(['sigtop-body-missing']);
  });

  it('stable keys agree with Signal\'s own export of the same conversation', async () => {
    const c = await run(OWN, YOUSSEF);
    expect(c.messages.slice(0, 4).map((m) => m.stableKey)).toEqual([
      'ac21a80a-14e0-4800-8d20-c89235f8f665:1761285912000',
      'self:1761286050000',
      'ac21a80a-14e0-4800-8d20-c89235f8f665:1761286502000',
      'self:1761289260000',
    ]);
  });

  it('keeps each message object as rawText (without the array separator)', async () => {
    const c = await run(OWN, YOUSSEF);
    const src = readFileSync(`${OWN}${YOUSSEF}`, 'utf8').split('\n');
    for (const m of c.messages) {
      expect(m.rawText).toBe(src[m.line - 1]!.replace(/,$/, ''));
      expect(() => JSON.parse(m.rawText)).not.toThrow();
    }
  });
});

describe('parseSigtopJson: own group fixture', () => {
  it('matches the golden output', async () => {
    expectGolden('sigtop-json-own-group', await run(OWN, GROUP, { names: NAMES, selfAci: SELF_ACI }));
  });

  it('maps group changes, mentions, deletions, timers, calls and stickers', async () => {
    const c = await run(OWN, GROUP, { names: NAMES, selfAci: SELF_ACI });
    const chat = finalChats(c).get('group:gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U')!;
    expect(chat).toMatchObject({ isGroup: true, title: 'Crisisoverleg Hoogwater', titleHistory: ['Hoogwater Limburg'] });
    expect(chat.participants.map((p) => p.name)).toEqual(['Youssef El Amrani', 'Daan Mulder', 'Petra Hoekstra', 'Karin van der Laan']);
    const m = c.messages;
    expect(m[0]).toMatchObject({ kind: 'system', event: 'group-created', sender: null });
    expect(m[0]!.text).toBe('Petra Hoekstra created the group. Petra Hoekstra changed the group name to "Hoogwater Limburg". Petra Hoekstra added Karin van der Laan. Petra Hoekstra added Youssef El Amrani. Petra Hoekstra added Daan Mulder.');
    expect(m[1]!.text).toBe('@Karin van der Laan kunt u om 11.00 uur aansluiten bij het crisisoverleg? De Maas stijgt sneller dan verwacht.');
    expect(m[2]).toMatchObject({ kind: 'media', fromSelf: true, senderKey: SELF_ACI });
    expect(m[3]).toMatchObject({ kind: 'deleted', deletedBy: 'sender', sender: 'Daan Mulder', extra: { deletedAt: '2025-10-24T10:05:40+02:00' } });
    expect(m[4]).toMatchObject({ event: 'subject-changed' });
    expect(m[5]).toMatchObject({ event: 'disappearing-on', text: 'Petra Hoekstra set the disappearing message timer to 1 day.', extra: { timerSeconds: 86400 } });
    expect(m[6]).toMatchObject({ text: 'Update 10.15 uur: waterstand Venlo 12,40 m +NAP.', extra: { expiresInSeconds: 86400 } });
    expect(m[7]).toMatchObject({ event: 'disappearing-off', text: 'Youssef El Amrani turned off disappearing messages.' });
    expect(m[8]).toMatchObject({ kind: 'call', extra: { call: { id: '7733001122' } } });
    expect(m[9]).toMatchObject({ kind: 'media', text: '👏', attachments: [{ name: 'sticker-1761296100000.webp', mime: 'image/webp' }] });
    expect(c.warnings.map((w) => w.code)).toEqual(['disappearing-messages-may-be-absent', 'call-details-missing']);
  });
});

describe('parseSigtopJson: shared samples', () => {
  it('reads every sigtop JSON sample with concrete values', async () => {
    const files = readdirSync(`${SHARED}sigtop/json/`).sort();
    expect(files).toHaveLength(2);
    const anna = await run(`${SHARED}sigtop/json/`, 'Anna de Vries (+31612345678).json', { selfName: 'Marieke Jansen' });
    expect(anna.messages).toHaveLength(5);
    expect(anna.messages[0]!.reactions).toEqual([{ emoji: '👍', author: 'Marieke Jansen', at: '2025-03-11T09:15:10+01:00' }]);
    expect(anna.messages[1]).toMatchObject({ replyToKey: 'dda298c3-1973-4b2a-a59c-8d214b5830f8:1741680845000', stableKey: 'self:1741681000000' });
    expect(anna.messages[3]!.revisions).toEqual([{ text: 'Graag overleg om 14.00 uur.', at: '2025-03-11T09:31:15+01:00' }]);
    expect(anna.messages[4]).toMatchObject({ kind: 'call', sentAt: '2025-03-11T10:10:00+01:00' });
    const group = await run(`${SHARED}sigtop/json/`, 'Crisisoverleg Hoogwater (5QfRh9BP9Ca2EE-Yk64tidT8xzj9AZAVfkNaI5ZPsHY).json', { selfAci: '64f0f2f5-77ae-4268-8efe-adebaf061bb7', selfName: 'Marieke Jansen' });
    expect(group.messages.map((x) => x.kind)).toEqual(['system', 'text', 'deleted', 'system', 'text']);
    expect(group.messages[0]!.text).toContain('added Marieke Jansen');
    expect(group.messages[4]).toMatchObject({ text: 'Kan dit telefonisch?', extra: { expiresInSeconds: 604800 } });
    expect(group.warnings.map((w) => w.code)).toContain('disappearing-messages-may-be-absent');
  });
});

describe('parseSigtopJson: messages without a sent time', () => {
  it('are timed by received_at_ms, with one warning that counts them and names the first message and its line', async () => {
    const input = [
      '[',
      '{"id":"m1","conversationId":"c1","type":"incoming","sent_at":1761285912000,"received_at_ms":1761285913000,"body":"een","source":"+31620001001"},',
      '{"id":"m2","conversationId":"c1","type":"incoming","received_at_ms":1761286000000,"body":"twee","source":"+31620001001"},',
      '{"id":"m3","conversationId":"c1","type":"incoming","received_at_ms":1761286100000,"body":"drie","source":"+31620001001"}',
      ']',
    ].join('\n');
    const c = await collect((onWarning) => parseSigtopJson(input, { zone: ZONE, fileName: 'X (+31620001001).json', onWarning }));
    expect(c.messages.map((m) => m.sentAtMs)).toEqual([1761285912000, 1761286000000, 1761286100000]);
    expect(c.warnings.filter((w) => w.code === 'sent-time-is-receive-time')).toEqual([{
      code: 'sent-time-is-receive-time',
      message: 'X (+31620001001).json: 2 messages have no sent_at (nor timestamp): their time is when Signal Desktop received them (received_at_ms), not when they were sent; the first is message m2 on line 3',
      line: 3,
    }]);
  });
});

describe('parseSigtopJson: corrupt input', () => {
  const text = (s: string) => collect((onWarning) => parseSigtopJson(s, { zone: ZONE, fileName: 'X (+31620001001).json', onWarning }));

  it('wrong JSON shape: an object instead of an array', async () => {
    const err = (await text('{"messages": []}\n').catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(1);
    expect(err.message).toMatch(/expected a JSON array/);
  });

  it('names the line of a truncated object and of an object of the wrong shape', async () => {
    const good = readFileSync(`${OWN}${YOUSSEF}`, 'utf8').split('\n');
    const truncated = [...good.slice(0, 3), good[3]!.slice(0, 80)].join('\n');
    await expect(text(truncated)).rejects.toThrow(/X \(\+31620001001\)\.json, line 4: not valid JSON/);
    const wrong = ['[', '{"type":"incoming","sent_at":1761285912000}', ']'].join('\n');
    const err = (await text(wrong).catch((e: unknown) => e)) as SignalFormatError;
    expect(err.line).toBe(2);
    expect(err.message).toContain('message.conversationId');
  });

  it('an unclosed array is reported as truncated', async () => {
    const good = readFileSync(`${OWN}${YOUSSEF}`, 'utf8').split('\n');
    await expect(text(good.slice(0, 3).join('\n'))).rejects.toThrow(/line 3: the array is not closed/);
  });

  it('accepts an empty array and a one-line array', async () => {
    expect((await text('[\n]\n')).messages).toHaveLength(0);
    const one = await text('[{"conversationId":"c1","type":"incoming","sent_at":1761285912000,"body":"hoi","source":"+31620001001"}]');
    expect(one.messages[0]).toMatchObject({ text: 'hoi', senderPhone: '+31620001001' });
  });
});
