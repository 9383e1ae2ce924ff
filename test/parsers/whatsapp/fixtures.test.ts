/**
 * The project's own fixtures (samples/whatsapp/): golden expected JSON for every file, plus explicit checks of the
 * records each fixture exists for. Regenerate the golden files after a deliberate change with
 * `UPDATE_GOLDEN=1 npx vitest run test/parsers/whatsapp/fixtures.test.ts` and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WhatsAppFormatError, scanWhatsApp } from '../../../parsers/whatsapp/index.js';
import { GOLDEN, LRM, NBSP, NNBSP, lines, parse, sample, type Parsed } from './helpers.js';

const FIXTURES: [golden: string, file: string][] = [
  ['android-nl-group-crisisteam', 'android-nl-group-crisisteam/WhatsApp-chat met Crisisteam Hoogwater.txt'],
  ['android-nl-1on1-directeur', 'android-nl-1on1-directeur/WhatsApp-chat met Directeur Bakker.txt'],
  ['ios-nl-group-fractie', 'ios-nl-group-fractie/_chat.txt'],
  ['ios-nl-1on1-thuis', 'ios-nl-1on1-thuis/_chat.txt'],
  ['ios-nl-oud-2016', 'ios-nl-oud-2016/_chat.txt'],
  ['ios-nl-2cijferig-jaar', 'ios-nl-2cijferig-jaar/_chat.txt'],
  ['android-en-gb-group-campagne', 'android-en-gb-group-campagne/WhatsApp Chat with Campagneteam.txt'],
  ['android-en-us-12h-persvoorlichting', 'android-en-us-12h-persvoorlichting/WhatsApp Chat with Persvoorlichting.txt'],
  ['ios-en-us-12h-group-werkbezoek', 'ios-en-us-12h-group-werkbezoek/_chat.txt'],
  ['ios-en-gb-group-oud', 'ios-en-gb-group-oud/_chat.txt'],
  ...[
    'android-en-monotonic-dmy', 'android-en-monotonic-mdy', 'android-en-no-evidence', 'android-en-us-24h', 'android-fi-klo',
    'android-in-12h-lower', 'android-nl-cr-only', 'android-nl-leading-text', 'android-nl-mixed-eol', 'android-pm-dotted',
    'android-pm-nbsp', 'ios-am-dotted', 'ios-dotted-2digit', 'ios-dotted-4digit', 'ios-en-us-12h-nnbsp', 'ios-fr-no-comma',
    'ios-hr-spaced', 'ios-year-first',
  ].map((n): [string, string] => [`header-shapes-${n}`, `header-shapes/${n}.txt`]),
];

const cache = new Map<string, Promise<Parsed>>();
const load = (file: string): Promise<Parsed> => {
  let p = cache.get(file);
  if (!p) cache.set(file, (p = parse(sample(file))));
  return p;
};

describe('golden expected JSON', () => {
  it.each(FIXTURES)('%s', async (golden, file) => {
    const actual = JSON.parse(JSON.stringify(await load(file)));
    const path = fileURLToPath(new URL(`${golden}.expected.json`, GOLDEN));
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
      mkdirSync(fileURLToPath(GOLDEN), { recursive: true });
      writeFileSync(path, JSON.stringify(actual, null, 2) + '\n');
    }
    expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});

describe('android-nl-group-crisisteam', () => {
  const file = FIXTURES[0]![1];

  it('scan', async () => {
    const { scan } = await load(file);
    expect(scan).toMatchObject({
      platform: 'android',
      headerShape: 'android-nl dd-mm-yyyy hh:mm -',
      dateOrder: 'dmy',
      dateOrderEvidence: 'Dutch dd-mm-yyyy shape',
      messageCount: 43,
      authors: ['Sanne Mulder', 'Karin van Dijk', 'Pieter Smit', 'Hanneke Kok', 'Directeur Bakker', '+31 6 12345678', '🌊 Hoogheemraad Rijnland'],
      subjects: ['Crisisteam Hoogwater', 'Crisisteam: Hoogwater Rivierenland'],
      chatNameHint: 'Crisisteam: Hoogwater Rivierenland',
      isGroup: true,
      firstLocalIso: '2024-01-11T07:00:00',
      lastLocalIso: '2024-01-12T06:41:00',
      withMedia: true,
      selfNameHint: 'Karin van Dijk',
    });
  });

  it('attachments: caption, DOC trailing dot, repeated document name, vcf, voice note, omitted with caption', async () => {
    const m = (await load(file)).messages;
    expect(m[7]).toMatchObject({ kind: 'media', text: 'Dijk bij Gorinchem, situatie 07:00', attachments: [{ name: 'IMG-20240111-WA0003.jpg' }] });
    expect(m[8]).toMatchObject({ kind: 'media', text: '', attachments: [{ name: 'DOC-20240111-WA0004.' }], extra: { documentName: 'Situatierapport RWS 11-01.pdf' } });
    expect(m[9]).toMatchObject({ kind: 'media', text: 'Graag vóór 08:00 lezen', attachments: [{ name: 'Draaiboek evacuatie v3.pdf' }] });
    expect(m[10]).toMatchObject({ kind: 'media', text: 'Concept persbericht', attachments: [{ name: 'media', omitted: true }] });
    expect(m[11]).toMatchObject({ kind: 'contact', attachments: [{ name: 'Hanneke Kok.vcf' }], extra: { contactName: 'Hanneke Kok' } });
    expect(m[12]).toMatchObject({ kind: 'media', attachments: [{ name: 'PTT-20240111-WA0005.opus' }], extra: { mediaType: 'voice' } });
  });

  it('locations: locatie:, live, multi-line Foursquare venue', async () => {
    const m = (await load(file)).messages;
    expect(m[13]).toMatchObject({ kind: 'location', extra: { location: { lat: 51.83408, lon: 4.97221 } } });
    expect(m[14]).toMatchObject({ kind: 'location', extra: { location: { live: true } } });
    expect(m[15]).toMatchObject({ kind: 'location', extra: { location: { name: 'Waterschapshuis Rivierenland', address: 'De Stoeterij 4, Tiel' } } });
  });

  it('continuation lines that look like dates or pasted headers stay in their message', async () => {
    const m = (await load(file)).messages;
    expect(m[16]!.text).toBe('Agenda crisisoverleg:\n1. Stand van zaken peil\n2. Evacuatie Tielerwaard\n\n12-01-2024 om 09:00 - tweede overleg, zelfde link');
    expect(m[25]!.text.split('\n')).toHaveLength(3);
    expect(m[25]!.line).toBe(42);
    expect(m[26]!.line).toBe(45);
  });

  it('deleted (U hebt / Je hebt), calls, view-once, edited, poll, mentions, waiting', async () => {
    const m = (await load(file)).messages;
    expect(m[17]).toMatchObject({ kind: 'deleted', deletedBy: 'sender', fromSelf: null });
    expect(m[18]).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true, sender: 'Karin van Dijk' });
    expect(m[39]).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true, text: 'Je hebt dit bericht verwijderd' });
    expect(m[19]).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: false } } });
    expect(m[20]).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: true } } });
    expect(m[21]).toMatchObject({ kind: 'media', viewOnce: true, senderPhone: '+31612345678' });
    expect(m[22]).toMatchObject({ text: 'Evacuatie start om 12:00', edited: true });
    expect(m[23]!.extra?.poll).toEqual({
      question: 'Wanneer volgende persconferentie?',
      options: [{ text: '12:00', votes: 3 }, { text: '16:00', votes: 1 }, { text: 'Morgen 09:00', votes: 0 }],
    });
    expect(m[24]!.extra?.mentions).toEqual(['Karin van Dijk', '31612345678']);
    // A 'waiting' notice is a system event: no sender, its author kept (whatsapp-1.1.0).
    expect(m[38]).toMatchObject({ kind: 'system', event: 'waiting', sender: null, extra: { author: 'Pieter Smit', actor: 'Pieter Smit' } });
  });

  it('Dutch Android system events', async () => {
    const m = (await load(file)).messages;
    const sys = m.filter((x) => x.kind === 'system' && x.event !== 'waiting').map((x) => [x.line, x.event, x.fromSelf]);
    expect(sys).toEqual([
      [1, 'encryption-notice', null], [2, 'group-created', null], [3, 'member-added', null], [4, 'member-added', null],
      [7, 'member-added', true], [45, 'member-joined', null], [46, 'member-joined', null], [47, 'admin', null],
      [48, 'subject-changed', null], [49, 'icon-changed', null], [50, 'description-changed', null],
      [51, 'disappearing-on', null], [52, 'disappearing-off', null], [53, 'member-removed', null], [54, 'member-left', null],
      [55, 'security-code-changed', null], [56, 'number-changed', null],
    ]);
    expect(m[29]!.extra).toEqual({ actor: 'Sanne Mulder', oldSubject: 'Crisisteam Hoogwater', subject: 'Crisisteam: Hoogwater Rivierenland' });
    expect(m[32]!.extra).toEqual({ actor: 'Sanne Mulder', timer: '7 dagen' });
  });

  it('a BOM in the middle of the file does not hide a header', async () => {
    const m = (await load(file)).messages;
    expect(m[40]).toMatchObject({ line: 59, sender: 'Sanne Mulder', localTime: '12-01-2024 06:31' });
    expect(m[40]!.rawText.charCodeAt(0)).toBe(0xfeff);
    expect(m[41]!.sender).toBe('🌊 Hoogheemraad Rijnland');
  });
});

describe('android-nl-1on1-directeur', () => {
  const file = FIXTURES[1]![1];

  it('DST fall-back: 02:30 on 29-10-2023 is ambiguous and takes the earlier offset (+02:00)', async () => {
    const m = (await load(file)).messages;
    for (const i of [4, 5]) {
      expect(m[i]).toMatchObject({ localIso: '2023-10-29T02:30:00', sentAt: '2023-10-29T02:30:00+02:00', timeAmbiguous: true, timeInvalid: false });
      expect(m[i]!.sentAtMs).toBe(Date.UTC(2023, 9, 29, 0, 30));
    }
    expect(m[6]).toMatchObject({ sentAt: '2023-10-29T09:00:00+01:00', timeAmbiguous: false });
  });

  it('DST spring-forward: 02:30 on 31-03-2024 does not exist (timeInvalid) but the message is kept', async () => {
    const { messages, warnings } = await load(file);
    expect(messages[12]).toMatchObject({ localIso: '2024-03-31T02:30:00', timeInvalid: true, timeAmbiguous: false, sentAt: '2024-03-31T02:30:00+01:00' });
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'nonexistent-local-time', line: 17 }));
  });

  it('an impossible date (31-02) is kept, clamped and flagged', async () => {
    const { messages, warnings } = await load(file);
    expect(messages[8]).toMatchObject({ localTime: '31-02-2024 10:00', localIso: '2024-02-29T10:00:00', timeInvalid: true, sentAt: '2024-02-29T10:00:00+01:00' });
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'invalid-date', line: 13 }));
    expect(warnings).toHaveLength(2);
  });

  it('BOM, empty body, continuation lines, blocked, 1:1 detection', async () => {
    const { scan, messages: m } = await load(file);
    expect(scan).toMatchObject({ isGroup: false, authors: ['Directeur Bakker', 'Karin van Dijk'], messageCount: 16, chatNameHint: null });
    expect(m[0]).toMatchObject({ kind: 'system', event: 'encryption-notice' });
    expect(m[1]!.text).toBe('Minister, de Kamervragen over de dijkversterking liggen klaar.\nIk stuur ze morgen via de lijn.\n\nLet op: de termijn loopt maandag af.');
    expect(m[2]!.text).toBe('30-10-2023 is de deadline\n30-10-2023 om 10:00 - eerst langs de SG');
    expect(m[6]).toMatchObject({ sender: 'Karin van Dijk', text: '', kind: 'text' });
    expect(m[13]).toMatchObject({ kind: 'system', event: 'blocked', fromSelf: true, extra: { blocked: true } });
    expect(m.map((x) => x.seq)).toEqual([...Array(16).keys()]);
  });
});

describe('ios-nl-group-fractie', () => {
  const file = FIXTURES[2]![1];

  it('a group name with ": " is the pseudo-author of system events, never a participant', async () => {
    const { scan, messages: m } = await load(file);
    expect(scan.authors).toEqual(['Lotte Vos', '+31 6 12345678', 'Karin van Dijk']);
    expect(scan.chatNameHint).toBe('Fractie: Campagne 2025');
    expect(m[0]).toMatchObject({ kind: 'system', event: 'encryption-notice', sender: null, extra: { author: 'Fractie: Campagne 2025' } });
    expect(m[2]).toMatchObject({ event: 'member-added', sender: null, extra: { actor: 'Lotte Vos', target: 'u', author: 'Fractie: Campagne 2025' } });
    expect(m[3]!.extra).toMatchObject({ target: '+31 6 12345678' });
    expect(m[18]).toMatchObject({ event: 'admin', sender: null });
    expect(m.filter((x) => x.sender === 'Fractie')).toEqual([]);
  });

  it('the actor as author of an iOS event goes to extra.actor, sender null', async () => {
    const m = (await load(file)).messages;
    expect(m[1]).toMatchObject({ kind: 'system', event: 'group-created', sender: null, senderRaw: null, extra: { actor: 'Lotte Vos', author: 'Lotte Vos' } });
  });

  it('phone-number authors with LRE/PDF and NBSP', async () => {
    const m = (await load(file)).messages;
    expect(m[5]).toMatchObject({ sender: '+31 6 12345678', senderRaw: `\u202a+31${NBSP}6${NBSP}12345678\u202c`, senderPhone: '+31612345678' });
  });

  it('attachments, documents with pages, placeholders in a with-media export (view-once)', async () => {
    const m = (await load(file)).messages;
    expect(m[6]).toMatchObject({ kind: 'media', text: 'Poster eerste versie', attachments: [{ name: '00000006-PHOTO-2024-09-03-20-03-15.jpg' }] });
    expect(m[7]).toMatchObject({ attachments: [{ name: '00000007-Campagneplan.pdf' }], extra: { documentName: 'Campagneplan.pdf', pages: 12 } });
    expect(m[8]).toMatchObject({ kind: 'contact', attachments: [{ name: '00000008-Mark de Boer.vcf' }] });
    expect(m[10]).toMatchObject({ kind: 'media', viewOnce: true, attachments: [{ name: 'image', omitted: true }] });
  });

  it('keeps the original line endings (CRLF with one bare LF) in rawText; the text joins its lines with \\n', async () => {
    const m = (await load(file)).messages;
    expect(m[11]!.text).toBe('Punten voor de fractievergadering:\n1. Debat op 14 september\n2. Wie doet de markt in Zwolle?\n\nGraag reageren vóór vrijdag: dan zet ik het in de agenda.');
    expect(m[11]!.rawText).toBe('[03-09-2024 20:07:12] Karin van Dijk: Punten voor de fractievergadering:\r\n1. Debat op 14 september\n2. Wie doet de markt in Zwolle?\r\n\r\nGraag reageren vóór vrijdag: dan zet ik het in de agenda.');
    expect(m[6]!.rawText).toBe(`${LRM}[03-09-2024 20:03:15] Lotte Vos: ${LRM}<bijgevoegd: 00000006-PHOTO-2024-09-03-20-03-15.jpg>\r\nPoster eerste versie`);
  });

  it('keeps file order for out-of-order timestamps; iOS NL edit suffix, poll, missed video call', async () => {
    const m = (await load(file)).messages;
    expect([m[16]!.localIso, m[17]!.localIso]).toEqual(['2024-09-03T20:12:00', '2024-09-03T20:11:58']);
    expect(m[19]).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: true } } });
    expect(m[20]).toMatchObject({ kind: 'poll', extra: { poll: { question: 'Flyeren op zaterdag?' } } });
    expect(m[21]).toMatchObject({ text: 'Ik kan zaterdag', edited: true });
    expect(m[15]).toMatchObject({ event: 'subject-changed', extra: { actor: '+31 6 12345678', subject: 'Fractie: Campagne 2025' } });
  });
});

describe('other fixtures', () => {
  it('ios-nl-1on1-thuis: every Dutch iOS placeholder and an authored security-code event', async () => {
    const { scan, messages: m } = await load(FIXTURES[3]![1]);
    expect(scan).toMatchObject({ isGroup: false, chatNameHint: 'Thomas', authors: ['Thomas', 'Karin van Dijk'], withMedia: false });
    expect(m.slice(2, 9).map((x) => [x.kind, x.attachments[0]?.name, x.viewOnce])).toEqual([
      ['media', 'image', false], ['media', 'video', false], ['media', 'audio', false], ['media', 'gif', false],
      ['media', 'sticker', false], ['media', 'Uitnodiging verjaardag Sophie.pdf', false], ['contact', 'contact', false],
    ]);
    expect(m[11]).toMatchObject({ kind: 'system', event: 'security-code-changed', sender: null, extra: { target: 'Thomas', author: 'Thomas' } });
    expect(m[11]!.text).toBe('Je beveiligingscode voor Thomas is gewijzigd. Tik voor meer informatie.');
  });

  it('ios-nl-oud-2016: old iOS shape without brackets, bracketed placeholder', async () => {
    const { scan, messages: m } = await load(FIXTURES[4]![1]);
    expect(scan).toMatchObject({ platform: 'ios', headerShape: 'ios-nl dd-mm-yy hh:mm:ss:', messageCount: 4 });
    expect(m[0]).toMatchObject({ localTime: '05-03-16 09:12:01', localIso: '2016-03-05T09:12:01', sender: 'Karin van Dijk' });
    expect(m[1]!.text).toBe('Morgen flyeren in Deventer: wie komt?\nVerzamelen 10:00 bij het station');
    expect(m[2]).toMatchObject({ kind: 'media', attachments: [{ name: 'image', omitted: true }] });
  });

  it('ios-nl-2cijferig-jaar: [DD-MM-YY HH:MM:SS] maps to 20xx', async () => {
    const { scan, messages: m } = await load(FIXTURES[5]![1]);
    expect(scan.headerShape).toBe('ios-nl [dd-mm-yy hh:mm:ss]');
    expect(m.map((x) => x.localIso)).toEqual(['2020-01-22T10:00:00', '2020-01-22T10:05:12', '2020-01-23T08:30:00']);
  });

  it('android-en-gb-group-campagne: English Android system strings', async () => {
    const { scan, messages: m } = await load(FIXTURES[6]![1]);
    expect(scan).toMatchObject({ subjects: ['Campagne: Oost 2025', 'Campagneteam'], chatNameHint: 'Campagneteam', selfNameHint: 'Karin van Dijk' });
    expect(m.filter((x) => x.kind === 'system').map((x) => x.event)).toEqual([
      'encryption-notice', 'group-created', 'member-added', 'member-added', 'member-joined', 'member-joined', 'subject-changed',
      'icon-changed', 'description-changed', 'settings-changed', 'disappearing-timer', 'disappearing-on', 'disappearing-off',
      'disappearing-on', 'waiting', 'security-code-changed', 'security-code-changed', 'number-changed', 'number-changed',
      'member-joined', 'member-left', 'member-removed', 'member-added', 'admin', 'blocked', 'blocked',
    ]);
    expect(m[1]!.extra).toEqual({ actor: 'Lotte Vos', subject: 'Campagne: Oost 2025' });
    expect(m[17]).toMatchObject({ kind: 'media', attachments: [{ name: 'video note', omitted: true }] });
    expect(m[18]).toMatchObject({ kind: 'media', text: '', attachments: [{ name: 'Speech debat Deventer.pdf' }], extra: { documentName: 'Speech debat Deventer.pdf' } });
    expect(m[23]).toMatchObject({ kind: 'deleted', deletedBy: null, extra: { deletedByAdmin: 'Mark de Boer' } });
    expect(m[25]!.extra?.poll).toEqual({ question: 'Welke markt zaterdag?', options: [{ text: 'Deventer', votes: 2 }, { text: 'Zwolle', votes: 1 }] });
    expect(m[35]!.extra).toEqual({ actor: '+31 6 11122233', target: '+31 6 44455566' });
    expect(m[43]!.text).toBe('Morgen om 9:30: markt Deventer');
  });

  it('android-en-us-12h-persvoorlichting: NNBSP, month-first, DST fall-back in 12-hour time', async () => {
    const { scan, messages: m } = await load(FIXTURES[7]![1]);
    expect(scan).toMatchObject({ dateOrder: 'mdy', dateOrderEvidence: 'value 28 > 12 in second position (line 1)' });
    expect(m[3]).toMatchObject({ localTime: `10/29/23, 12:00${NNBSP}AM`, localIso: '2023-10-29T00:00:00' });
    expect(m[4]).toMatchObject({ localIso: '2023-10-29T02:30:00', timeAmbiguous: true, sentAt: '2023-10-29T02:30:00+02:00' });
    expect(m[5]).toMatchObject({ localIso: '2023-10-29T12:15:00', sentAt: '2023-10-29T12:15:00+01:00' });
    expect(m[8]).toMatchObject({ kind: 'call', extra: { call: { missed: true, detail: 'Tap to call back' } } });
    expect(m[9]).toMatchObject({ kind: 'call', extra: { call: { missed: false, detail: '12 min' } } });
  });

  it('ios-en-us-12h-group-werkbezoek: group name with ": ", foursquare, documents without pages', async () => {
    const { scan, messages: m } = await load(FIXTURES[8]![1]);
    expect(scan).toMatchObject({ authors: ['Pieter Smit', 'Karin van Dijk'], chatNameHint: 'Team: Werkbezoek Zeeland', isGroup: true });
    expect(m[0]!.localTime).toBe('6/3/24, 9:00:10 AM');
    expect(m[7]).toMatchObject({ attachments: [{ name: '00000007-Notities bezoek.txt' }], extra: { documentName: 'Notities bezoek.txt' } });
    expect(m[10]).toMatchObject({ kind: 'location', extra: { location: { name: 'Neeltje Jans', address: 'Faelweg 5, Vrouwenpolder' } } });
    expect(m[13]).toMatchObject({ kind: 'call', text: 'Missed Voice Call' });
    expect(m[15]).toMatchObject({ viewOnce: true, extra: { viewOnceInferred: true } });
    expect(m[19]).toMatchObject({ event: 'member-removed', extra: { actor: 'Pieter Smit', target: 'you', author: 'Team: Werkbezoek Zeeland' } });
  });

  it('ios-en-gb-group-oud: old iOS system lines without an author', async () => {
    const { scan, messages: m } = await load(FIXTURES[9]![1]);
    expect(scan).toMatchObject({ isGroup: true, subjects: ['Kabinetsformatie 2019', 'Formatie: Werkgroep Water'], authors: ['Pieter Smit', 'Karin van Dijk'] });
    expect(m.map((x) => x.event ?? x.kind)).toEqual([
      'encryption-notice', 'group-created', 'member-added', 'member-joined', 'subject-changed', 'icon-changed', 'description-changed',
      'disappearing-on', 'disappearing-off', 'settings-changed', 'text', 'media', 'member-removed', 'member-left',
    ]);
    expect(m[7]!.text).toBe("Pieter Smit turned on disappearing messages. New messages will disappear from this chat 24 hours after they're sent. Tap to change.");
    expect(m[7]!.extra).toEqual({ actor: 'Pieter Smit', timer: '24 hours' });
  });

  it('text before the first header is reported, not silently dropped', async () => {
    const { messages, warnings } = await load('header-shapes/android-nl-leading-text.txt');
    expect(messages).toHaveLength(1);
    expect(warnings).toEqual([expect.objectContaining({ code: 'text-before-first-message', line: 1 })]);
  });

  it('not a WhatsApp export: WhatsAppFormatError with the line number', async () => {
    const err = await scanWhatsApp(lines(sample('not-whatsapp/notulen-fractievergadering.txt'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhatsAppFormatError);
    expect((err as WhatsAppFormatError).line).toBe(51);
  });
});
