/**
 * Parses every shared sample in /work/shared/formats/whatsapp-samples/ and checks the counts and tricky records
 * listed in its README.
 */
import { describe, expect, it } from 'vitest';
import { LRM, NBSP, NNBSP, parse, shared, type Parsed } from './helpers.js';

/** Raw authors as the README lists them: real senders plus the authors of iOS authored system events. */
function rawAuthors(p: Parsed): string[] {
  const out = new Set<string>();
  for (const m of p.messages) {
    if (m.senderRaw !== null) out.add(m.senderRaw);
    else if (typeof m.extra?.author === 'string') out.add(m.extra.author);
  }
  return [...out];
}

const noAuthor = (p: Parsed): number => p.messages.filter((m) => m.sender === null && m.extra?.author === undefined).length;
const authoredSystem = (p: Parsed): number => p.messages.filter((m) => m.kind === 'system' && m.extra?.author !== undefined).length;

describe('shared samples: counts from the README table', () => {
  const table: [string, number, number, number, string[]][] = [
    ['ios-nl-group-with-media.txt', 17, 6, 1, ['BBQ Lindelaan 2024', 'Sanne de Vries', `\u202a+31${NBSP}6${NBSP}12345678\u202c`, 'Joris']],
    ['ios-en-gb-1on1-no-media.txt', 14, 0, 2, ['Priya Shah', 'Tom Becker']],
    ['android-nl-group-with-media.txt', 23, 8, 0, ['Marloes', 'Opa Henk', '+31 6 11122233']],
    // (the README's n/a: its 'Waiting for this message' is an authored system event, see below)
    ['android-en-gb-group-no-media.txt', 24, 12, 1, ['Ava Jones', "Liam O'Brien", 'Sam Patel']],
    ['android-en-us-12h-1on1.txt', 10, 1, 0, ['Dana Ruiz', 'Chris Lee']],
    ['ios-en-us-12h-group-with-media.txt', 17, 0, 4, ['Weekend Crew', 'Maya Chen', 'Leo Park']],
    ['android-nl-1on1-edge-cases.txt', 10, 1, 0, ['Lieke 🌻', 'Bram', '+31 6 55544433']],
    ['android-en-ambiguous-dates.txt', 5, 0, 0, ['Alex Kim', 'Sam Ortiz']],
    ['ios-nl-1on1-no-media.txt', 10, 0, 1, ['Eva Jansen', 'Mark Visser']],
  ];
  // The README counts the iOS missed call among "authored system events"; the contract makes calls kind 'call'.
  it.each(table)('%s', async (file, records, noAuth, authored, authors) => {
    const p = await parse(shared(file));
    expect(p.scan.messageCount).toBe(records);
    expect(p.messages).toHaveLength(records);
    expect(noAuthor(p)).toBe(noAuth);
    expect(authoredSystem(p)).toBe(authored);
    expect(new Set(rawAuthors(p))).toEqual(new Set(authors));
    expect(p.messages.map((m) => m.seq)).toEqual([...Array(records).keys()]);
    expect(p.warnings).toEqual([]);
  });
});

describe('shared samples: tricky records', () => {
  it('android-nl-group-with-media: record 18 is a pasted copy, not two headers', async () => {
    const p = await parse(shared('android-nl-group-with-media.txt'));
    const m = p.messages[17]!;
    expect(m.sender).toBe('Opa Henk');
    expect(m.text).toBe('[1/14, 10:01] Marloes: Hallo allemaal 👋\n[1/14, 10:02] Opa Henk: Hoi! Wanneer is het verjaardagsfeest?');
    expect(m.kind).toBe('text');
  });

  it('android-nl-group-with-media: record 17 is a poll with a trailing empty line', async () => {
    const p = await parse(shared('android-nl-group-with-media.txt'));
    const m = p.messages[16]!;
    expect(m.sender).toBe('Marloes');
    // The empty line is the export's blank line after a poll: kept in rawText, not in the text (whatsapp-1.1.0).
    expect(m.rawText).toBe('14-01-2023 10:13 - Marloes: POLL:\nHoe laat beginnen we?\nOPTION: 14:00 (2 votes)\nOPTION: 15:00 (1 vote)\nOPTION: 16:00 (0 votes)\n');
    expect(m.text).toBe('POLL:\nHoe laat beginnen we?\nOPTION: 14:00 (2 votes)\nOPTION: 15:00 (1 vote)\nOPTION: 16:00 (0 votes)');
    expect(m.kind).toBe('poll');
    expect(m.extra?.poll).toEqual({
      question: 'Hoe laat beginnen we?',
      options: [{ text: '14:00', votes: 2 }, { text: '15:00', votes: 1 }, { text: '16:00', votes: 0 }],
    });
  });

  it('android-nl-group-with-media: media, contact, location, deleted, call, view-once, edited, system', async () => {
    const p = await parse(shared('android-nl-group-with-media.txt'));
    const [e2e, created, addedU] = p.messages;
    expect(e2e).toMatchObject({ kind: 'system', event: 'encryption-notice', sender: null, localIso: '2023-01-14T10:00:00' });
    expect(created).toMatchObject({ kind: 'system', event: 'group-created', extra: { actor: 'Marloes', subject: 'Familie Bakker' } });
    expect(created!.text).toBe('Marloes heeft de groep Familie Bakker gemaakt');
    expect(created!.rawText).toBe(`14-01-2023 09:58 - ${LRM}Marloes heeft de groep Familie Bakker gemaakt`);
    expect(addedU).toMatchObject({ event: 'member-added', extra: { actor: 'Marloes', target: 'u' } });
    expect(p.messages[5]).toMatchObject({ kind: 'media', text: 'Uitnodiging voor zaterdag', attachments: [{ name: 'IMG-20230114-WA0004.jpg' }] });
    expect(p.messages[6]).toMatchObject({ kind: 'media', text: '', attachments: [{ name: 'DOC-20230114-WA0005.' }], extra: { documentName: 'Routebeschrijving.pdf' } });
    expect(p.messages[7]).toMatchObject({ kind: 'media', attachments: [{ name: 'media', omitted: true }], senderPhone: '+31611122233' });
    expect(p.messages[8]).toMatchObject({ kind: 'contact', attachments: [{ name: 'Kees.vcf' }] });
    expect(p.messages[9]).toMatchObject({ kind: 'media', attachments: [{ name: 'PTT-20230114-WA0006.opus' }] });
    expect(p.messages[10]).toMatchObject({ kind: 'location', extra: { location: { lat: 52.370216, lon: 4.895168 } } });
    expect(p.messages[11]).toMatchObject({ kind: 'deleted', deletedBy: 'sender', fromSelf: null, sender: 'Opa Henk' });
    expect(p.messages[12]).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true, sender: 'Marloes' });
    expect(p.messages[13]).toMatchObject({ kind: 'call', text: 'Gemiste spraakoproep' });
    expect(p.messages[14]).toMatchObject({ kind: 'media', viewOnce: true, text: '' });
    expect(p.messages[15]).toMatchObject({ kind: 'text', text: 'Ik neem taart mee', edited: true });
    expect(p.messages.slice(18).map((m) => [m.event, m.fromSelf])).toEqual([
      ['member-added', null],
      ['member-joined', null],
      ['admin', null],
      ['member-added', true],
      ['member-left', null],
    ]);
    expect(p.scan).toMatchObject({ isGroup: true, chatNameHint: 'Familie Bakker', subjects: ['Familie Bakker'], withMedia: true });
  });

  it('android-nl-1on1-edge-cases: BOM, continuation that looks like a header, empty body', async () => {
    const p = await parse(shared('android-nl-1on1-edge-cases.txt'));
    expect(p.messages[0]).toMatchObject({ kind: 'system', event: 'encryption-notice', localTime: '05-09-2021 21:14' });
    expect(p.messages[0]!.rawText.startsWith('\ufeff05-09-2021 21:14 - Berichten')).toBe(true);
    expect(p.messages[1]!.text).toBe('Eerste regel\ntweede regel\n\nvierde regel, na een lege regel');
    expect(p.messages[2]).toMatchObject({ sender: 'Lieke 🌻', text: '06-09-2021 is de deadline\n06-09-2021 om 10:00 - vergeet het niet' });
    expect(p.messages[3]).toMatchObject({ sender: 'Bram', text: 'Tijd: 21:17 - klopt dat?' });
    expect(p.messages[4]).toMatchObject({ sender: '+31 6 55544433', senderPhone: '+31655544433' });
    expect(p.messages[5]).toMatchObject({ sender: 'Bram', text: '', kind: 'text', rawText: '05-09-2021 21:19 - Bram:' });
    expect(p.messages[6]!.text).toBe('https://example.org/pad:met:dubbele:punten');
    expect(p.messages[8]!.sentAt).toBe('2021-12-31T23:59:00+01:00');
    expect(p.messages[9]!.sentAt).toBe('2022-01-01T00:00:00+01:00');
  });

  it('android-en-us-12h-1on1: NNBSP before AM/PM, 12 AM is midnight, 12 PM is noon', async () => {
    const p = await parse(shared('android-en-us-12h-1on1.txt'));
    expect(p.scan.dateOrder).toBe('mdy');
    expect(p.scan.dateOrderEvidence).toBe('value 13 > 12 in second position (line 13)');
    const midnight = p.messages[3]!;
    expect(midnight.localTime).toBe(`1/5/24, 12:00${NNBSP}AM`);
    expect(midnight.localIso).toBe('2024-01-05T00:00:00');
    expect(p.messages[4]!.localIso).toBe('2024-01-05T12:15:00');
    expect(p.messages[2]!.localIso).toBe('2024-01-04T23:59:00');
    expect(p.messages[5]!.text).toBe("Sure.\nLet's do the taco place:\n- 12:30\n- booth by the window\n12/25/23 was the last time we went there");
    expect(p.messages[7]).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: true } } });
    expect(p.messages[9]).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true, sender: 'Dana Ruiz' });
  });

  it('ios-nl-group-with-media: out-of-order timestamps keep file order', async () => {
    const p = await parse(shared('ios-nl-group-with-media.txt'));
    expect(p.messages[12]!.localIso).toBe('2024-03-12T19:21:00');
    expect(p.messages[13]!.localIso).toBe('2024-03-12T19:19:58');
    expect(p.messages[13]!.seq).toBe(13);
    expect(p.messages[0]).toMatchObject({ kind: 'system', event: 'encryption-notice', sender: null, extra: { author: 'BBQ Lindelaan 2024' } });
    expect(p.messages[4]).toMatchObject({ sender: '+31 6 12345678', senderRaw: `\u202a+31${NBSP}6${NBSP}12345678\u202c`, senderPhone: '+31612345678' });
    expect(p.messages[5]).toMatchObject({ kind: 'media', attachments: [{ name: '00000006-PHOTO-2024-03-12-19-07-15.jpg' }] });
    expect(p.messages[6]).toMatchObject({ kind: 'media', attachments: [{ name: '00000007-Draaiboek.pdf' }], extra: { documentName: 'Draaiboek.pdf', pages: 3 } });
    expect(p.messages[7]!.text).toBe('Punten voor de vergadering:\n1. Datum prikken\n2. Wie neemt de BBQ mee?\n\nGraag reageren vóór vrijdag: dan weet ik het.');
    expect(p.messages[8]).toMatchObject({ kind: 'deleted', deletedBy: 'sender', text: 'Dit bericht is verwijderd.' });
    expect(p.messages[9]).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true, sender: 'Joris' });
    expect(p.messages[10]).toMatchObject({ kind: 'location' });
    expect(p.messages[11]).toMatchObject({ event: 'subject-changed', extra: { actor: 'Sanne de Vries', subject: 'BBQ Lindelaan 2024' } });
    expect(p.messages[15]).toMatchObject({ event: 'member-left', extra: { actor: '+31 6 12345678' } });
    expect(p.scan).toMatchObject({ chatNameHint: 'BBQ Lindelaan 2024', isGroup: true, authors: ['Sanne de Vries', '+31 6 12345678', 'Joris'] });
  });

  it('ios-en-gb-1on1-no-media: LF inside a CRLF file, placeholders, authored events', async () => {
    const p = await parse(shared('ios-en-gb-1on1-no-media.txt'));
    expect(p.messages[7]!.text).toBe('Packing list:\n- boots\n- water\n- snacks');
    expect(p.messages[7]!.rawText).toBe('[03/02/2024, 09:19:12] Priya Shah: Packing list:\n- boots\n- water\n- snacks');
    expect(p.messages[0]).toMatchObject({ kind: 'system', event: 'encryption-notice', sender: null, extra: { author: 'Priya Shah' } });
    expect(p.messages[3]).toMatchObject({ kind: 'media', attachments: [{ name: 'image', omitted: true }], viewOnce: false });
    expect(p.messages[4]).toMatchObject({ kind: 'media', attachments: [{ name: 'sticker', omitted: true }] });
    expect(p.messages[5]).toMatchObject({ kind: 'media', attachments: [{ name: 'Route-plan.pdf', omitted: true }], extra: { pages: 4 } });
    expect(p.messages[6]).toMatchObject({ kind: 'contact', attachments: [{ name: 'contact', omitted: true }] });
    expect(p.messages[9]).toMatchObject({ kind: 'deleted', deletedBy: 'self', sender: 'Tom Becker', fromSelf: true });
    expect(p.messages[11]).toMatchObject({ kind: 'call', sender: 'Priya Shah' });
    expect(p.messages[12]).toMatchObject({ kind: 'system', event: 'security-code-changed', sender: null, extra: { target: 'Priya', author: 'Priya Shah' } });
    expect(p.messages[13]!.text).toBe('See you at 8:30: platform 4');
    expect(p.scan).toMatchObject({ isGroup: false, chatNameHint: 'Priya Shah', authors: ['Priya Shah', 'Tom Becker'], selfNameHint: 'Tom Becker' });
  });

  it('ios-en-us-12h-group-with-media: 2024+ attribution, NNBSP, midnight, view-once', async () => {
    const p = await parse(shared('ios-en-us-12h-group-with-media.txt'));
    expect(p.scan.authors).toEqual(['Maya Chen', 'Leo Park']);
    expect(p.scan.chatNameHint).toBe('Weekend Crew');
    expect(p.messages[1]).toMatchObject({ event: 'group-created', sender: null, extra: { actor: 'Maya Chen', subject: 'Weekend Crew' } });
    expect(p.messages[2]).toMatchObject({ event: 'member-added', sender: null, extra: { actor: 'Maya Chen', target: 'you', author: 'Weekend Crew' } });
    expect(p.messages[3]).toMatchObject({ event: 'admin', sender: null });
    expect(p.messages[10]).toMatchObject({ kind: 'contact', attachments: [{ name: '00000012-Sam Rivera.vcf' }] });
    expect(p.messages[11]!.localIso).toBe('2024-08-14T23:59:59');
    expect(p.messages[12]!.localIso).toBe('2024-08-15T00:00:01');
    expect(p.messages[13]).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: true, group: true } } });
    expect(p.messages[14]).toMatchObject({ kind: 'poll', extra: { poll: { question: 'Leave at?', options: [{ text: '8 AM', votes: 1 }, { text: '9 AM', votes: 2 }] } } });
    expect(p.messages[15]).toMatchObject({ kind: 'media', viewOnce: true, attachments: [{ name: 'image', omitted: true }] });
  });

  it('android-en-gb-group-no-media: system events, edited suffix, mention, waiting', async () => {
    const p = await parse(shared('android-en-gb-group-no-media.txt'));
    expect(p.messages.slice(0, 9).map((m) => m.event)).toEqual([
      'encryption-notice', 'group-created', 'member-added', 'member-joined', null, 'subject-changed', 'icon-changed', 'disappearing-timer', 'disappearing-off',
    ]);
    expect(p.scan.subjects).toEqual(['Hiking Club', 'Hiking Club 🥾']);
    expect(p.messages[10]).toMatchObject({ kind: 'media', text: 'Trail map for Saturday' });
    expect(p.messages[13]).toMatchObject({ text: 'Meet at 9:00 - bring lunch', edited: true });
    expect(p.messages[15]).toMatchObject({ extra: { mentions: ['Ava Jones'] } });
    expect(p.messages[15]!.text).toBe('@\u2068Ava Jones\u2069 can you drive?');
    expect(p.messages[19]).toMatchObject({ kind: 'system', event: 'waiting', sender: null, extra: { author: "Liam O'Brien", actor: "Liam O'Brien" } });
    expect(p.messages.slice(20).map((m) => m.event)).toEqual(['member-joined', 'member-left', 'member-removed', 'admin']);
  });

  it('android-en-ambiguous-dates: infers day-first from the change frequency', async () => {
    const p = await parse(shared('android-en-ambiguous-dates.txt'));
    expect(p.scan).toMatchObject({ dateOrder: 'dmy', dateOrderEvidence: 'change frequency', dateOrderForced: false });
    expect(p.messages.map((m) => m.localIso.slice(0, 10))).toEqual(['2022-04-03', '2022-04-03', '2022-04-04', '2022-04-05', '2022-04-07']);
    const forced = await parse(shared('android-en-ambiguous-dates.txt'), { dateOrder: 'mdy' });
    expect(forced.scan).toMatchObject({ dateOrder: 'mdy', dateOrderEvidence: 'forced by --date-order', dateOrderForced: true });
    expect(forced.messages.map((m) => m.localIso.slice(0, 10))).toEqual(['2022-03-04', '2022-03-04', '2022-04-04', '2022-05-04', '2022-07-04']);
  });

  it('ios-nl-1on1-no-media: Dutch iOS placeholders and missed call', async () => {
    const p = await parse(shared('ios-nl-1on1-no-media.txt'));
    expect(p.messages.slice(2, 7).map((m) => [m.kind, m.attachments[0]?.name])).toEqual([
      ['media', 'image'], ['media', 'video'], ['media', 'audio'], ['media', 'sticker'], ['contact', 'contact'],
    ]);
    expect(p.messages[7]).toMatchObject({ kind: 'deleted', deletedBy: 'sender' });
    expect(p.messages[8]).toMatchObject({ kind: 'call', text: 'Gemist spraakgesprek', sender: 'Mark Visser' });
    expect(p.messages[9]!.text).toBe('Sorry, ik zat in de trein.\nMorgen om 9:00 bellen?');
  });
});
