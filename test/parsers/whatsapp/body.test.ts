import { describe, expect, it } from 'vitest';
import { classifyBody, mediaTypeOf, parsePoll, type BodyContext } from '../../../parsers/whatsapp/body.js';
import { LRM, parse } from './helpers.js';

const android: BodyContext = { platform: 'android', withMedia: false };
const iosWithMedia: BodyContext = { platform: 'ios', withMedia: true };
const one = (body: string, ctx: BodyContext = android) => classifyBody(body, '\n', null, ctx);
const multi = (first: string, rest: string, ctx: BodyContext = android) => classifyBody(first, '\n', rest, ctx);

describe('placeholders (§4)', () => {
  it.each([
    ['<Media omitted>', 'media', 'media'],
    ['<Media weggelaten>', 'media', 'media'],
    ['<media weggelaten>', 'media', 'media'],
    ['<Video note omitted>', 'media', 'video note'],
    ['<Video message omitted>', 'media', 'video note'],
    [`${LRM}image omitted`, 'media', 'image'],
    [`${LRM}video omitted`, 'media', 'video'],
    [`${LRM}audio omitted`, 'media', 'audio'],
    [`${LRM}GIF omitted`, 'media', 'gif'],
    [`${LRM}sticker omitted`, 'media', 'sticker'],
    [`${LRM}document omitted`, 'media', 'document'],
    [`${LRM}video note omitted`, 'media', 'video note'],
    [`${LRM}Contact card omitted`, 'contact', 'contact'],
    [`<${LRM}image omitted>`, 'media', 'image'],
    [`${LRM}afbeelding weggelaten`, 'media', 'image'],
    [`${LRM}video weggelaten`, 'media', 'video'],
    [`${LRM}audio weggelaten`, 'media', 'audio'],
    [`${LRM}sticker weggelaten`, 'media', 'sticker'],
    [`${LRM}GIF weggelaten`, 'media', 'gif'],
    [`${LRM}document weggelaten`, 'media', 'document'],
    [`${LRM}Visitekaartje weggelaten`, 'contact', 'contact'],
    ['<afbeelding weggelaten>', 'media', 'image'],
  ])('%s', (body, kind, name) => {
    const b = one(body);
    expect(b).toMatchObject({ kind, text: '', attachments: [{ name, omitted: true }] });
  });

  it('a document placeholder keeps the document name and page count', () => {
    expect(one(`Resume.pdf • ${LRM}2 pages ${LRM}document omitted`)).toMatchObject({
      kind: 'media', attachments: [{ name: 'Resume.pdf', omitted: true }], extra: { documentName: 'Resume.pdf', pages: 2 },
    });
    expect(one(`Some file.txt ${LRM}document omitted`)).toMatchObject({ attachments: [{ name: 'Some file.txt', omitted: true }] });
    expect(one(`Notulen.pdf • ${LRM}1 pagina ${LRM}document weggelaten`)).toMatchObject({ extra: { pages: 1 } });
  });

  it('Android: the caption of an omitted medium is on the next line(s)', () => {
    expect(multi('<Media weggelaten>', 'Concept persbericht\ntweede regel')).toMatchObject({ kind: 'media', text: 'Concept persbericht\ntweede regel' });
  });

  it('view-once: Android "null"; iOS image/video placeholders in a with-media export', () => {
    expect(one('null')).toMatchObject({ kind: 'media', viewOnce: true, attachments: [{ name: 'media', omitted: true }] });
    expect(one(`${LRM}image omitted`, iosWithMedia)).toMatchObject({ viewOnce: true, extra: { viewOnceInferred: true } });
    expect(one(`${LRM}image omitted`, { platform: 'ios', withMedia: false })).toMatchObject({ viewOnce: false });
    expect(one(`${LRM}sticker omitted`, iosWithMedia)).toMatchObject({ viewOnce: false });
    expect(multi('null', 'en meer')).toMatchObject({ kind: 'text', viewOnce: false });
  });
});

describe('attached files (§4, §9.7)', () => {
  it('Android: name with optional LRM, caption on the next line', () => {
    expect(multi(`${LRM}IMG-20220502-WA0001.jpg (bestand bijgevoegd)`, 'Dit is een foto')).toMatchObject({
      kind: 'media', text: 'Dit is een foto', attachments: [{ name: 'IMG-20220502-WA0001.jpg' }], extra: { mediaType: 'image' },
    });
    expect(one('IMG-20220323-WA0002.jpg (file attached)')).toMatchObject({ text: '', attachments: [{ name: 'IMG-20220323-WA0002.jpg' }] });
  });

  it('Android: DOC-…-WA0006. (trailing dot) keeps its exact name and takes the original name from the next line', () => {
    expect(multi(`${LRM}DOC-20220502-WA0006. (bestand bijgevoegd)`, 'Manifesto.pdf')).toMatchObject({
      kind: 'media', text: '', attachments: [{ name: 'DOC-20220502-WA0006.' }], extra: { documentName: 'Manifesto.pdf', mediaType: 'document' },
    });
    expect(multi(`${LRM}DOC-20220502-WA0006. (bestand bijgevoegd)`, 'Manifesto.pdf\nLees dit even')).toMatchObject({ text: 'Lees dit even' });
  });

  it('Android: file names with spaces; a repeated document name is not a caption', () => {
    expect(multi('Kamerbrief hoogwater 2024.pdf (file attached)', 'Kamerbrief hoogwater 2024.pdf')).toMatchObject({
      text: '', attachments: [{ name: 'Kamerbrief hoogwater 2024.pdf' }], extra: { documentName: 'Kamerbrief hoogwater 2024.pdf' },
    });
  });

  it('Android: contact cards and voice notes', () => {
    expect(one(`${LRM}Kees.vcf (bestand bijgevoegd)`)).toMatchObject({ kind: 'contact', attachments: [{ name: 'Kees.vcf' }], extra: { contactName: 'Kees' } });
    expect(one(`${LRM}PTT-20230114-WA0006.opus (bestand bijgevoegd)`)).toMatchObject({ kind: 'media', extra: { mediaType: 'voice' } });
  });

  it('iOS: <attached: …> and <bijgevoegd: …>, with a document prefix and page count', () => {
    expect(one(`${LRM}<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>`)).toMatchObject({ kind: 'media', attachments: [{ name: '00000035-PHOTO-2022-03-27-21-41-55.jpg' }] });
    expect(one(`${LRM}<bijgevoegd: 00000014-PHOTO-2022-05-02-16-17-01.jpg>`)).toMatchObject({ attachments: [{ name: '00000014-PHOTO-2022-05-02-16-17-01.jpg' }] });
    expect(one(`Manifesto.pdf • ${LRM}116 pagina's ${LRM}<bijgevoegd: 00000017-Manifesto.pdf>`)).toMatchObject({
      attachments: [{ name: '00000017-Manifesto.pdf' }], extra: { documentName: 'Manifesto.pdf', pages: 116 },
    });
    expect(one(`Some file.txt ${LRM}<attached: 00000046-Some file.txt>`)).toMatchObject({ attachments: [{ name: '00000046-Some file.txt' }], extra: { documentName: 'Some file.txt' } });
    expect(one(`${LRM}<attached: 00000042-TR.vcf>`)).toMatchObject({ kind: 'contact', extra: { contactName: 'TR' } });
  });

  it('media types from file names', () => {
    expect(['IMG-1.jpg', 'VID-1.mp4', 'PTT-1.opus', 'AUD-1.m4a', 'STK-1.webp', 'DOC-1.', '00000001-VIDEO-x.mp4', '00000001-GIF-x.mp4', 'x.heic', 'x.docx'].map(mediaTypeOf))
      .toEqual(['image', 'video', 'voice', 'audio', 'sticker', 'document', 'video', 'gif', 'image', 'document']);
    // The iOS names of §4: NNNNNNNN-PHOTO/-VIDEO/-AUDIO/-STICKER/-GIF-YYYY-MM-DD-HH-MM-SS.ext, NNNNNNNN-<original name>.
    expect(['00000035-PHOTO-2022-03-27-21-41-55.jpg', '00000009-AUDIO-2024-09-03-20-05-40.opus', '00000012-STICKER-2022-03-27-21-49-17.webp', '00000047-Resume.pdf', '00000042-TR.vcf'].map(mediaTypeOf))
      .toEqual(['image', 'audio', 'sticker', 'document', 'contact']);
  });
});

describe('locations, calls, deleted, edited, polls, mentions', () => {
  it('locations', () => {
    expect(one('location: https://maps.google.com/?q=53.480759,-2.242631')).toMatchObject({ kind: 'location', extra: { location: { lat: 53.480759, lon: -2.242631 } } });
    expect(one('locatie: https://maps.google.com/?q=52.370216,4.895168')).toMatchObject({ kind: 'location' });
    expect(one(`${LRM}Location: https://maps.google.com/?q=51.5,-0.12`)).toMatchObject({ kind: 'location', text: 'Location: https://maps.google.com/?q=51.5,-0.12' });
    expect(one(`${LRM}Locatie: https://maps.google.com/?q=52.09,5.12`)).toMatchObject({ kind: 'location' });
    expect(one('live location shared')).toMatchObject({ kind: 'location', extra: { location: { live: true } } });
    expect(one('live locatie gedeeld')).toMatchObject({ kind: 'location' });
    expect(one('Pimlico Gardens (London, United Kingdom): https://foursquare.com/v/abc')).toMatchObject({ kind: 'location', extra: { location: { name: 'Pimlico Gardens', address: 'London, United Kingdom' } } });
    expect(multi('Pimlico Gardens', 'London, United Kingdom\nhttps://foursquare.com/v/abc')).toMatchObject({ kind: 'location', extra: { location: { url: 'https://foursquare.com/v/abc' } } });
    expect(one('Locatie: bij de dijk')).toMatchObject({ kind: 'text' });
  });

  it('calls', () => {
    expect(one('Missed voice call')).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: false, group: false } } });
    expect(one('Missed video call')).toMatchObject({ kind: 'call', extra: { call: { missed: true, video: true, group: false } } });
    expect(one(`${LRM}Missed Voice Call`)).toMatchObject({ kind: 'call' });
    expect(one(`${LRM}Missed group video call`)).toMatchObject({ kind: 'call', extra: { call: { video: true, group: true } } });
    expect(one('Gemiste spraakoproep')).toMatchObject({ kind: 'call', extra: { call: { video: false } } });
    expect(one('Gemiste video-oproep')).toMatchObject({ kind: 'call', extra: { call: { video: true } } });
    expect(one(`${LRM}Gemist spraakgesprek`)).toMatchObject({ kind: 'call' });
    expect(one(`${LRM}Gemist videogesprek`)).toMatchObject({ kind: 'call', extra: { call: { video: true } } });
    expect(one('Video call. No answer')).toMatchObject({ kind: 'call', extra: { call: { missed: false, detail: 'No answer' } } });
    expect(one('Video call')).toMatchObject({ kind: 'text' });
  });

  it('deleted by the sender and by the exporter (period and LRM differences, u/je)', () => {
    expect(one('This message was deleted')).toMatchObject({ kind: 'deleted', deletedBy: 'sender', fromSelf: null });
    expect(one(`${LRM}This message was deleted.`)).toMatchObject({ kind: 'deleted', deletedBy: 'sender', text: 'This message was deleted.' });
    expect(one('Dit bericht is verwijderd')).toMatchObject({ kind: 'deleted', deletedBy: 'sender' });
    expect(one(`${LRM}Dit bericht is verwijderd.`)).toMatchObject({ kind: 'deleted', deletedBy: 'sender' });
    for (const t of ['You deleted this message', `${LRM}You deleted this message.`, 'U hebt dit bericht verwijderd', `${LRM}U hebt dit bericht verwijderd.`, 'Je hebt dit bericht verwijderd']) {
      expect(one(t)).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: true });
    }
    expect(one('This message was deleted by an admin.')).toMatchObject({ kind: 'deleted', deletedBy: null, extra: { deletedByAdmin: true } });
    expect(one('You deleted this message as admin')).toMatchObject({ kind: 'deleted', deletedBy: 'self', fromSelf: null });
    expect(one('Dit bericht is verwijderd, zei hij')).toMatchObject({ kind: 'text' });
  });

  it('edited: the suffix is removed from the text', () => {
    expect(one('Ik neem taart mee <Dit bericht is bewerkt>')).toMatchObject({ kind: 'text', text: 'Ik neem taart mee', edited: true });
    expect(one('sample message <This message was edited>')).toMatchObject({ text: 'sample message', edited: true });
    expect(one(`sample ${LRM}<This message was edited.>`)).toMatchObject({ text: 'sample', edited: true });
    expect(multi('Regel een', 'regel twee <Dit bericht is bewerkt>')).toMatchObject({ text: 'Regel een\nregel twee', edited: true });
    expect(multi(`${LRM}IMG-1.jpg (bestand bijgevoegd)`, 'onderschrift <Dit bericht is bewerkt>')).toMatchObject({ kind: 'media', text: 'onderschrift', edited: true });
    expect(one('<Dit bericht is bewerkt> staat vooraan')).toMatchObject({ edited: false });
  });

  it('polls', () => {
    expect(parsePoll('Which trail?\nOPTION: Ridge loop (2 votes)\nOPTION: River path (1 vote)\n')).toEqual({
      question: 'Which trail?', options: [{ text: 'Ridge loop', votes: 2 }, { text: 'River path', votes: 1 }],
    });
    expect(parsePoll('Twee\nregels?\r\nOPTION: Ja (3 Votes)\r\nOPTION: Zonder telling')).toEqual({
      question: 'Twee\nregels?', options: [{ text: 'Ja', votes: 3 }, { text: 'Zonder telling', votes: null }],
    });
    expect(parsePoll('Geen opties')).toBeNull();
    expect(multi('POLL:', 'Vraag\nOPTION: a (1 vote)\nnog tekst')).toMatchObject({ kind: 'text' });
    expect(one('POLL:')).toMatchObject({ kind: 'text' });
  });

  it('text is kept as typed: FSI/PDI, NBSP and other characters, no normalisation', () => {
    const t = `@\u2068Ava Jones\u2069 café\u00a0ﬁ 👍`;
    expect(one(t)).toMatchObject({ kind: 'text', text: t, extra: { mentions: ['Ava Jones'] } });
    expect(one('Bel @31612345678 even')).toMatchObject({ extra: { mentions: ['31612345678'] } });
    expect(one('mail naar info@example.org')).toMatchObject({ extra: null });
  });

  it('waiting for this message: a system event without sender, its author kept', async () => {
    const p = await parse('01-02-2024 10:00 - Pieter: Wachten op dit bericht.\n01-02-2024 10:01 - Pieter: Waiting for this message\n');
    expect(p.messages.map((m) => [m.kind, m.event, m.sender, m.extra?.author])).toEqual([['system', 'waiting', null, 'Pieter'], ['system', 'waiting', null, 'Pieter']]);
  });
});
