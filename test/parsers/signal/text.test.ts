import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalFormatError, parseSignalText } from '../../../parsers/signal/index.js';
import { SAMPLES, SHARED, ZONE, collect, expectGolden, finalChats, lines, linesOf } from './helpers.js';

const OWN = `${SAMPLES}text/`;
const SIGTOP = 'Youssef El Amrani (+31620001001).txt';
const SHORT = 'Crisisoverleg Hoogwater (gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U).txt';
const SBT = 'Crisisoverleg Hoogwater (_id12).txt';

const run = (dir: string, fileName: string, opts: Partial<Parameters<typeof parseSignalText>[1]> = {}) =>
  collect((onWarning) => parseSignalText(lines(`${dir}${fileName}`), { zone: ZONE, fileName, onWarning, ...opts }));

describe('parseSignalText: sigtop text', () => {
  it('matches the golden output', async () => {
    expectGolden('signal-txt-sigtop-text-own', await run(OWN, SIGTOP, { selfName: 'Karin van der Laan' }));
  });

  it('is marked low fidelity, reads exact instants from the written offsets across the DST change', async () => {
    const c = await run(OWN, SIGTOP);
    expect(c.events[0]).toEqual({ type: 'source', format: 'signal-txt', platform: 'signal', lowFidelity: true, details: { variant: 'sigtop-text', fileName: SIGTOP } });
    expect(c.events.filter((e) => e.type === 'chat').every((e) => e.type === 'chat' && e.lowFidelity)).toBe(true);
    expect(c.warnings[0]!.code).toBe('low-fidelity-transcript');
    expect(c.messages.map((m) => m.sentAt)).toEqual([
      '2025-10-24T08:05:12+02:00',
      '2025-10-24T08:07:30+02:00',
      '2025-10-24T08:15:02+02:00',
      '2025-10-24T09:01:00+02:00',
      '2025-10-24T09:05:00+02:00',
      '2025-10-27T09:50:00+01:00',
      '2025-10-27T10:00:00+01:00',
    ]);
    expect(c.messages[0]!.localTime).toBe('Fri, 24 Oct 2025 08:05:12 +0200');
  });

  it('reconstructs reactions, quotes, attachments, multi-line bodies and every edit version', async () => {
    const c = await run(OWN, SIGTOP);
    const [first, reply, pdf, edited, empty, call, last] = c.messages;
    expect(finalChats(c).get('+31620001001')).toMatchObject({ title: 'Youssef El Amrani', isGroup: false });
    expect(first).toMatchObject({ sender: 'Youssef El Amrani', senderPhone: '+31620001001', senderKey: '+31620001001', fromSelf: false, stableKey: '+31620001001:1761285912000' });
    expect(first!.reactions).toEqual([{ emoji: '✅', author: 'Karin van der Laan', at: null }]);
    expect(reply).toMatchObject({ fromSelf: true, senderKey: 'self', text: 'Ja graag, ik wil vóór 12.00 uur reageren.', replyToKey: first!.stableKey });
    expect(pdf!.text).toBe('Hierbij versie 3, met de cijfers van Rijkswaterstaat.\n\nBelangrijkste wijzigingen:\n- paragraaf 2 ingekort\n- bijlage met kaart toegevoegd');
    expect(pdf!.attachments).toEqual([
      { name: 'Kamerbrief-hoogwaterbescherming-concept-v3.pdf', mime: 'application/pdf', ref: 'Youssef El Amrani (+31620001001)/Kamerbrief-hoogwaterbescherming-concept-v3.pdf' },
      { name: 'attachment-2025-10-24-08-15-02-2.jpg', mime: 'image/jpeg', ref: 'Youssef El Amrani (+31620001001)/attachment-2025-10-24-08-15-02-2.jpg' },
    ]);
    expect(edited).toMatchObject({ edited: true, text: 'Overleg morgen om 09.00 uur?', extra: { editedAt: '2025-10-24T09:03:45+02:00' } });
    expect(edited!.revisions).toEqual([
      { text: 'Overleg morgen om 10.00 uur?', at: '2025-10-24T09:01:00+02:00' },
      { text: 'Overleg morgen om 09.30 uur?', at: '2025-10-24T09:02:10+02:00' },
    ]);
    expect(empty).toMatchObject({ text: '', extra: { emptyBody: true } });
    expect(call).toMatchObject({ kind: 'call' });
    expect(last!.text).toBe('Tot zo in de Tweede Kamer 😀');
    // rawText is the whole block as written
    expect(readFileSync(`${OWN}${SIGTOP}`, 'utf8')).toContain(edited!.rawText);
    expect(edited!.rawText.split('\n')).toHaveLength(19);
  });

  it('reads the shared sigtop text samples', async () => {
    const anna = await run(`${SHARED}sigtop/text/`, 'Anna de Vries (+31612345678).txt');
    expect(anna.messages).toHaveLength(5);
    expect(anna.messages[1]!.replyToKey).toBe('+31612345678:1741680845000');
    expect(anna.messages[3]!.revisions).toEqual([{ text: 'Graag overleg om 14.00 uur.', at: '2025-03-11T09:31:15+01:00' }]);
    const group = await run(`${SHARED}sigtop/text/`, 'Crisisoverleg Hoogwater (5QfRh9BP9Ca2EE-Yk64tidT8xzj9AZAVfkNaI5ZPsHY).txt');
    expect(group.messages.map((m) => [m.kind, m.event])).toEqual([
      ['system', 'other'],
      ['text', null],
      ['text', null],
      ['system', 'disappearing-timer'],
      ['text', null],
    ]);
    expect(group.warnings.map((w) => w.code)).toEqual(['low-fidelity-transcript', 'transcript-empty-message', 'disappearing-messages-may-be-absent']);
  });
});

describe('parseSignalText: sigtop text-short', () => {
  it('matches the golden output', async () => {
    expectGolden('signal-txt-sigtop-short-own', await run(OWN, SHORT));
  });

  it('reads minute times in the custodian zone, continuation lines, bracketed details, unique keys', async () => {
    const c = await run(OWN, SHORT);
    const m = c.messages;
    expect(m).toHaveLength(8);
    expect(m[0]).toMatchObject({ kind: 'system', extra: { desktopType: 'group-v2-change' } });
    expect(m[1]!.stableKey).toBe('name:Petra Hoekstra:1761292860000');
    expect(m[2]!.stableKey).toBe('name:Petra Hoekstra:1761292860000#2'); // same sender, same minute
    expect(m[3]).toMatchObject({ kind: 'media', fromSelf: true, text: 'Ja, ik sluit aan. Graag vooraf de laatste waterstanden.\nLiefst ook de prognose voor Roermond.', extra: { attachmentCount: 1 } });
    expect(m[3]!.attachments).toEqual([{ name: 'attachment', mime: null, ref: null, omitted: true }]);
    expect(m[3]!.rawText).toBe('2025-10-24 10:02 You: [1 attachment] Ja, ik sluit aan. Graag vooraf de laatste waterstanden.\nLiefst ook de prognose voor Roermond.');
    expect(m[4]).toMatchObject({ sender: 'Daan Mulder', text: '' });
    expect(m[5]).toMatchObject({ event: 'disappearing-timer' });
    expect(m[6]).toMatchObject({ extra: { quote: { description: 'reply to Petra Hoekstra on 2025-10-24 10:15' } }, text: 'Dank, dit gaat mee naar het Veiligheidsberaad.' });
    expect(m[7]).toMatchObject({ kind: 'call', text: 'Call' });
    expect(m[1]).toMatchObject({ localTime: '2025-10-24 10:01', localIso: '2025-10-24T10:01:00', sentAt: '2025-10-24T10:01:00+02:00' });
    expect(finalChats(c).get('group:gm0XZ6u5LoWHAgxd566FNeFY73FWCzJVHhi2j40965U')!.isGroup).toBe(true);
  });

  it('reads the shared text-short sample', async () => {
    const c = await run(`${SHARED}sigtop/text-short/`, 'Crisisoverleg Hoogwater (5QfRh9BP9Ca2EE-Yk64tidT8xzj9AZAVfkNaI5ZPsHY).txt');
    expect(c.messages.map((x) => x.sentAt)).toEqual(['2025-03-11T10:02:00+01:00', '2025-03-11T10:03:00+01:00', '2025-03-11T10:05:00+01:00', '2025-03-11T10:07:00+01:00', '2025-03-11T10:08:00+01:00']);
    expect(c.messages[4]).toMatchObject({ sender: 'Bram Bakker', text: 'Kan dit telefonisch?' });
  });
});

describe('parseSignalText: signalbackup-tools TXT', () => {
  it('matches the golden output', async () => {
    expectGolden('signal-txt-sbt-own', await run(OWN, SBT, { selfName: 'Karin van der Laan' }));
  });

  it('reads reactions, file lines, status lines, multi-line bodies and flags the ambiguous DST time', async () => {
    const c = await run(OWN, SBT, { selfName: 'Karin van der Laan' });
    const m = c.messages;
    expect(m[0]).toMatchObject({ kind: 'system', event: 'member-added', text: 'Petra Hoekstra added you to the group.' });
    expect(m[1]!.text).toBe('@Karin van der Laan kunt u om 11.00 uur aansluiten bij het crisisoverleg?');
    expect(m[1]!.reactions).toEqual([
      { emoji: '👍', author: 'Karin van der Laan', at: null },
      { emoji: '🙏', author: 'Youssef El Amrani', at: null },
    ]);
    expect(m[2]).toMatchObject({ kind: 'media', fromSelf: true, senderKey: 'self', attachments: [{ name: 'waterstanden-maas.png', mime: null, ref: null }] });
    expect(m[3]).toMatchObject({ event: 'subject-changed' });
    expect(m[4]).toMatchObject({ event: 'disappearing-timer', extra: { timerSeconds: 86400 } });
    expect(m[5]!.text).toBe('Update 10.15 uur: waterstand Venlo 12,40 m +NAP.\nPrognose morgen: 12,90 m.');
    expect(m[6]).toMatchObject({ event: 'disappearing-off' });
    expect(m[7]).toMatchObject({ kind: 'media', sender: 'Daan Mulder', attachments: [{ name: 'attachment', mime: 'application/pdf', ref: null }] });
    expect(m[8]).toMatchObject({ timeAmbiguous: true, localIso: '2025-10-26T02:30:00', sentAt: '2025-10-26T02:30:00+02:00', stableKey: 'name:Daan Mulder:1761438600000' });
    expect(m[9]).toMatchObject({ timeAmbiguous: true, stableKey: 'name:Daan Mulder:1761438600000#2' });
    expect(m[10]).toMatchObject({ kind: 'call', text: 'Incoming video call' });
    const chat = finalChats(c).get('title:Crisisoverleg Hoogwater')!;
    expect(chat).toMatchObject({ isGroup: true, titleHistory: [] });
    expect(c.warnings.map((w) => w.code)).toEqual(['low-fidelity-transcript', 'disappearing-messages-may-be-absent', 'transcript-time-dst']);
  });

  it('reads the shared signalbackup-tools samples', async () => {
    const anna = await run(`${SHARED}signalbackup-tools/txt/`, 'Anna de Vries (_id3).txt', { selfName: 'Marieke Jansen' });
    expect(anna.messages.map((x) => x.kind)).toEqual(['text', 'text', 'media', 'text', 'call']);
    expect(anna.messages[0]!.reactions).toEqual([{ emoji: '👍', author: 'Marieke Jansen', at: null }]);
    expect(anna.messages[2]).toMatchObject({ text: 'Zie kaart dijkring 43.', attachments: [{ name: 'kaart-dijkring-43.png' }] });
    expect(finalChats(anna).get('title:Anna de Vries')!.isGroup).toBe(false);
    const group = await run(`${SHARED}signalbackup-tools/txt/`, 'Crisisoverleg Hoogwater (_id7).txt');
    expect(finalChats(group).get('title:Crisisoverleg Hoogwater')!.isGroup).toBe(true);
    expect(group.messages[2]).toMatchObject({ event: 'disappearing-timer', extra: { timerSeconds: 604800 } });
    expect(group.messages[1]!.fromSelf).toBeNull(); // no selfName: who is the custodian is unknown
  });
});

describe('parseSignalText: corrupt input', () => {
  const text = (s: string, fileName = 'chat.txt') => collect((onWarning) => parseSignalText(linesOf(s), { zone: ZONE, fileName, onWarning }));

  it('refuses an unrecognised first line, naming it', async () => {
    const err = (await text('\nHello world\n').catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^chat\.txt, line 2: unrecognised first line/);
    await expect(text('')).rejects.toThrow(/empty transcript/);
  });

  it('refuses an unknown month in a signalbackup-tools line', async () => {
    const err = (await text('[Oct 24, 2025 10:00:00] <A> hoi\n[Okt 24, 2025 10:01:00] <A> hoi\n').catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/unknown month Okt; expected an English month abbreviation/);
  });

  it('accepts a byte order mark before the first line', async () => {
    const c = await text('\ufeffConversation: X (+31620001001)\n\nFrom: You\nType: outgoing\nSent: Fri, 24 Oct 2025 08:07:30 +0200\n\nhoi\n');
    expect(c.messages[0]).toMatchObject({ text: 'hoi', fromSelf: true });
  });

  it('reports a sigtop text block without any time', async () => {
    const err = (await text('Conversation: X (+31620001001)\n\nFrom: X (+31620001001)\nType: incoming\n\nhoi\n').catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(3);
  });
});
