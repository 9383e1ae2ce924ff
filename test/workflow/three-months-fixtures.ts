/**
 * Three monthly read-outs of one department (LNV), written as the devices would export them:
 * - minister Anke de Wit: a work iPhone (WhatsApp iOS zip with media: the group "Stikstofoverleg", a private 1:1
 *   with her partner Thomas) and Signal (the export folder, a 1:1 with a policy officer and one with a Kamerlid);
 * - state secretary Bas Visser: Android (`WhatsApp-chat met Team Stas.txt`), term starting 15 September.
 * Month 2 exports the same chats again: one message deleted on the phone, one edited after the first read-out, a new
 * photo, the group renamed, a new participant and a disappearing-message timer switched on. Month 3: the state
 * secretary's new phone (history not transferred) holds November only; nobody read out his October.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeZip } from '../helpers/zip.js';

const LRM = '\u200e';
const CRLF = '\r\n';
export const MINISTER = 'Anke de Wit';
export const PHOTO1 = '00000004-PHOTO-2026-09-02-09-15-00.jpg';
export const PHOTO2 = '00000031-PHOTO-2026-10-12-08-40-10.jpg';
const jpeg = (seed: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`JFIF ${seed}`), Buffer.from([0xff, 0xd9])]);

type Line = [stamp: string, author: string | null, body: string];
/** iOS NL: `[DD-MM-YYYY HH:MM:SS] Author: body`, CRLF, LRM before attachment lines and system bodies. */
function ios(lines: Line[]): string {
  return lines.map(([s, a, b]) => {
    const lead = b.startsWith(LRM) && b.includes('<bijgevoegd:') ? LRM : '';
    return `${lead}[${s}] ${a === null ? '' : a + ': '}${b}`;
  }).join(CRLF) + CRLF;
}

const GROUP_M1: Line[] = [
  ['01-09-2026 08:00:00', 'Stikstofoverleg', `${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`],
  ['01-09-2026 08:00:01', 'Jeroen Bos', `${LRM}Jeroen Bos heeft deze groep aangemaakt`],
  ['01-09-2026 08:00:02', 'Stikstofoverleg', `${LRM}Jeroen Bos heeft u toegevoegd`],
  ['01-09-2026 08:00:03', 'Stikstofoverleg', `${LRM}Jeroen Bos heeft Mila Peters toegevoegd`],
  ['01-09-2026 08:05:10', 'Jeroen Bos', 'Goedemorgen. De nieuwe stikstofcijfers van het RIVM komen donderdag.'],
  ['01-09-2026 08:07:45', MINISTER, 'Dank Jeroen. Graag een nota voor het bewindsliedenoverleg.'],
  ['02-09-2026 09:15:00', 'Mila Peters', `${LRM}<bijgevoegd: ${PHOTO1}>`],
  ['02-09-2026 09:16:30', 'Mila Peters', 'Persmoment bij de boerderij in Barneveld, 14:00'],
  ['10-09-2026 16:20:00', 'Jeroen Bos', 'Let op: de cijfers zijn nog niet openbaar, niet delen.'],
  ['10-09-2026 16:25:00', MINISTER, 'Begrepen. Kamerbrief over de piekbelasters graag vrijdag in de parafeerlijn.'],
  ['15-09-2026 08:30:00', 'Jeroen Bos', 'Overleg met LTO en de provincies is morgen om 13:00.'],
  ['15-09-2026 08:32:00', MINISTER, 'Ik sluit aan. Wie zit er namens Gelderland?'],
  ['15-09-2026 08:40:00', 'Jeroen Bos', 'De gedeputeerde zelf.'],
  ['18-09-2026 14:10:00', 'Mila Peters', 'Vragen van RTL over de uitkoopregeling, graag even bellen.'],
  ['22-09-2026 11:00:00', 'Mila Peters', 'Woordvoeringslijn voor het debat staat in de gedeelde map.'],
  ['29-09-2026 17:40:00', 'Jeroen Bos', 'Nota ligt klaar.'],
  ['29-09-2026 17:50:00', MINISTER, 'Kamerbrief gaat morgen naar de ministerraad.'],
];

// iOS names the group's own events by the group's name at export time, also those from before a rename.
const GROUP_M2: Line[] = [
  ...GROUP_M1.filter(([s]) => s !== '10-09-2026 16:20:00').map(([s, a, b]): Line =>
    s === '29-09-2026 17:50:00' ? [s, a, 'Kamerbrief gaat donderdag naar de ministerraad. <Dit bericht is bewerkt>']
      : [s, a === 'Stikstofoverleg' ? 'Stikstof & Natuur' : a, b]),
  ['05-10-2026 09:00:00', 'Jeroen Bos', 'Debat is verplaatst naar 14 oktober.'],
  ['06-10-2026 10:00:00', 'Stikstof & Natuur', `${LRM}Jeroen Bos heeft het onderwerp gewijzigd naar “Stikstof & Natuur”`],
  ['06-10-2026 10:01:00', 'Stikstof & Natuur', `${LRM}Jeroen Bos heeft Sara Jansen toegevoegd`],
  ['06-10-2026 10:05:00', 'Sara Jansen', 'Dank voor het toevoegen. Ik volg de natuurvergunningen.'],
  ['12-10-2026 08:40:10', 'Mila Peters', `${LRM}<bijgevoegd: ${PHOTO2}>`],
  ['12-10-2026 08:41:00', 'Mila Peters', 'Foto van het werkbezoek voor de socials'],
  ['20-10-2026 12:00:00', 'Stikstof & Natuur', `${LRM}Jeroen Bos heeft berichten met vervaldatum ingeschakeld. Alle nieuwe berichten verdwijnen 7 dagen nadat ze zijn verzonden uit deze chat. Tik om dit te wijzigen.`],
  ['28-10-2026 15:00:00', MINISTER, 'Graag de beslisnota over de natuurvergunningen morgen.'],
];

const THUIS_M1: Line[] = [
  ['03-09-2026 18:30:00', 'Thomas', `${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`],
  ['03-09-2026 18:31:00', 'Thomas', 'Eet je vanavond mee? Ik maak lasagne'],
  ['03-09-2026 18:45:00', MINISTER, 'Ja, rond half acht thuis. Kus'],
  ['18-09-2026 07:10:00', 'Thomas', 'Vergeet de verjaardag van je moeder zondag niet'],
];
const THUIS_M2: Line[] = [...THUIS_M1, ['14-10-2026 19:00:00', 'Thomas', 'Ik haal de kinderen op van hockey']];

// Signal: recipients 1 = self, 4 = policy officer, 5 = Kamerlid (party political); chats 1 and 2.
const SIG_HEADER = [
  { version: '1', backupTimeMs: '0', mediaRootBackupKey: '/JhAIcnqrVQC/KEuxvlGuNUcaNhjvinHjWmws2KltJs=', currentAppVersion: '8.11.0', firstAppVersion: '7.40.2' },
  { account: { profileKey: 'hJZ/LLiMlwPl33KGmYdY9CQWATYTYaNKqPaUc7Xwh+A=', givenName: 'Anke', familyName: 'de Wit', accountSettings: { readReceipts: true } } },
  { recipient: { id: '1', self: {} } },
  { recipient: { id: '4', contact: { aci: 'rCGoChTgSACNIMiSNfj2ZQ==', e164: '31620002001', registered: {}, profileSharing: true, profileGivenName: 'Ruben', profileFamilyName: 'Smit', systemGivenName: 'Ruben', systemFamilyName: 'Smit (LNV)' } } },
  { recipient: { id: '5', contact: { aci: 'xdesfzlgQaGa3hlAUb3U7Q==', e164: '31620002002', registered: {}, profileSharing: true, profileGivenName: 'Fenna', profileFamilyName: 'Kuipers', systemGivenName: 'Fenna', systemFamilyName: 'Kuipers' } } },
  { chat: { id: '1', recipientId: '4' } },
  { chat: { id: '2', recipientId: '5' } },
];
const NOTA = Buffer.from('%PDF-1.4\n% Beslisnota piekbelasters\n%%EOF\n');
const LOCAL_KEY = 'XNxlgjCu/uBfXgrWDO/QB8oXXfZPPXd7xBRyATRzC0YOCILoRDwVCIv2XppT785vrT9F2gIlbZaib1SOlCVZPg==';

function sigMessage(chatId: string, author: string, at: string, body: string, attachment?: Buffer): object {
  const dateSent = String(Date.parse(at));
  const dir = author === '1'
    ? { outgoing: { sendStatus: [{ recipientId: chatId === '1' ? '4' : '5', timestamp: dateSent, read: { sealedSender: true } }], dateReceived: dateSent } }
    : { incoming: { dateReceived: dateSent, dateServerSent: dateSent, read: true, sealedSender: true } };
  const standardMessage: Record<string, unknown> = { text: { body } };
  if (attachment) {
    const plaintextHash = crypto.createHash('sha256').update(attachment).digest('base64');
    standardMessage['attachments'] = [{ pointer: { contentType: 'application/pdf', fileName: 'beslisnota-piekbelasters.pdf', locatorInfo: { key: 'H9ijZh9ff0C+uB65dbgrHgibohffwcTIVI1/Wwgvrfxl/KQQn7h7niy5nLShSLXWMDdXxYmPRqt6DqkxK68nsQ==', plaintextHash, size: attachment.length, transitCdnKey: 'cdn46', transitCdnNumber: 3, localKey: LOCAL_KEY } }, wasDownloaded: true }];
  }
  return { chatItem: { chatId, authorId: author, dateSent, ...dir, standardMessage } };
}

const SIG_M1 = [
  sigMessage('1', '4', '2026-09-04T07:30:00Z', 'Goedemorgen minister, de beslisnota over de piekbelasters staat klaar.', NOTA),
  sigMessage('1', '1', '2026-09-04T07:45:00Z', 'Dank, ik lees hem vanmiddag.'),
  sigMessage('2', '5', '2026-09-16T19:00:00Z', 'Fractieoverleg dinsdag: kun je de partijlijn over stikstof vooraf delen?'),
  sigMessage('2', '1', '2026-09-16T19:20:00Z', 'Doe ik morgen, na het congres.'),
];
const SIG_M2 = [
  ...SIG_M1,
  sigMessage('1', '4', '2026-10-07T08:00:00Z', 'De Kamervragen over de natuurvergunningen moeten vrijdag de deur uit.'),
  sigMessage('1', '1', '2026-10-07T08:10:00Z', 'Akkoord, graag conceptantwoorden donderdag.'),
];

function writeSignal(dir: string, backupAt: string, items: object[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ version: 1, backupId: { iv: 'V+Egq9nRsMDn8djB', encryptedId: '2CL6sA91wab5810yB+Rh0w==' } }));
  const header = [{ ...SIG_HEADER[0], backupTimeMs: String(Date.parse(backupAt)) }, ...SIG_HEADER.slice(1)];
  fs.writeFileSync(path.join(dir, 'main.jsonl'), [...header, ...items].map((o) => JSON.stringify(o)).join('\n') + '\n');
  const h = crypto.createHash('sha256').update(Buffer.from(crypto.createHash('sha256').update(NOTA).digest())).update(Buffer.from(LOCAL_KEY, 'base64')).digest('hex');
  fs.mkdirSync(path.join(dir, 'files', h.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(dir, 'files', h.slice(0, 2), `${h}.pdf`), NOTA);
}

/** Android NL: `DD-MM-YYYY HH:MM - Author: body`, LF. */
const android = (lines: Line[]): string => lines.map(([s, a, b]) => `${s} - ${a === null ? '' : a + ': '}${b}`).join('\n') + '\n';
const STAS_M1: Line[] = [
  ['10-09-2026 09:00', null, 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.'],
  ['10-09-2026 09:00', null, `${LRM}Lisa Meijer heeft de groep Team Stas gemaakt`],
  ['10-09-2026 09:01', 'Lisa Meijer', 'Welkom Bas! Vanaf de 15e ben je staatssecretaris, hier de voorbereiding.'],
  ['16-09-2026 08:30', 'Lisa Meijer', 'Kennismaking met de ambtelijke top om 10:00.'],
  ['16-09-2026 08:35', 'Bas Visser', 'Top, ik ben er. Graag het dossier visserij vooraf.'],
  ['29-09-2026 14:00', 'Lisa Meijer', 'Antwoorden op de Kamervragen over de kottervisserij liggen klaar.'],
];
const STAS_M3: Line[] = [
  ['02-11-2026 08:00', null, 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.'],
  ['02-11-2026 08:05', 'Lisa Meijer', 'Overdrachtsdossier voor je opvolger staat in de map.'],
  ['19-11-2026 17:00', 'Bas Visser', 'Dank allemaal voor de samenwerking. Laatste dag morgen.'],
];

/** Writes the month's exports under `root/<month>/` and returns their paths. */
export function writeMonth(root: string, month: 1 | 2 | 3): { iphone: string[]; signal: string; stas: string } {
  const dir = path.join(root, `maand-${month}`);
  fs.mkdirSync(dir, { recursive: true });
  const zip = (name: string, chat: Line[], media: [string, Buffer][]): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, makeZip([{ name: '_chat.txt', data: ios(chat), deflate: true }, ...media.map(([n, d]) => ({ name: n, data: d }))]));
    return file;
  };
  const photos: [string, Buffer][] = [[PHOTO1, jpeg('barneveld')]];
  const iphone = month === 1
    ? [zip('WhatsApp Chat - Stikstofoverleg.zip', GROUP_M1, photos), zip('WhatsApp Chat - Thomas.zip', THUIS_M1, [])]
    : [zip('WhatsApp Chat - Stikstof & Natuur.zip', GROUP_M2, [...photos, [PHOTO2, jpeg('werkbezoek')]]), zip('WhatsApp Chat - Thomas.zip', THUIS_M2, [])];
  const signal = path.join(dir, `signal-export-2026-${month === 1 ? '09-30' : '10-31'}`);
  writeSignal(signal, month === 1 ? '2026-09-30T18:00:00Z' : '2026-10-31T18:00:00Z', month === 1 ? SIG_M1 : SIG_M2);
  const stas = path.join(dir, 'stas', 'WhatsApp-chat met Team Stas.txt');
  fs.mkdirSync(path.dirname(stas), { recursive: true });
  fs.writeFileSync(stas, android(month === 3 ? STAS_M3 : STAS_M1));
  return { iphone, signal, stas };
}
