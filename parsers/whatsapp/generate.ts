/**
 * Deterministic generator of synthetic WhatsApp text exports, for benchmarks and tests.
 * The output follows the real shapes (see /work/shared/formats/whatsapp.md): Android-NL uses
 * `DD-MM-YYYY HH:MM - ` and LF; iOS-NL uses `[DD-MM-YYYY HH:MM:SS] `, CRLF and LRM marks.
 * Multi-line messages, attachments with captions, documents, placeholders, deleted and edited
 * messages and a few system events are mixed in. Same options → same bytes.
 */

import { rng } from '../prng.js';

export interface GenerateOptions {
  messages: number;
  shape: 'android-nl' | 'ios-nl';
  seed?: number;
}

const LRM = '\u200e';

const AUTHORS = ['Minister Jansen', 'Directeur Bakker', 'Eva de Vries', '+31 6 12345678', 'Woordvoerder Kok'];
const IOS_PHONE = '\u202a+31\u00a06\u00a012345678\u202c';
const GROUP = 'Crisisteam Hoogwater';

const TEXTS = [
  'Goedemorgen allemaal',
  'Het waterpeil bij Lobith stijgt verder, verwachting morgen 14,80 m',
  'Kunnen we om 10:00 bellen over de evacuatie?',
  'Prima, ik schuif aan',
  'De Kamerbrief gaat vanmiddag naar de ministerraad',
  'Dank! 👍',
  'Persbericht staat klaar, graag akkoord voor 16:00',
  'Fractievergadering is verplaatst naar dinsdag',
  'Zie mail van DG Water: dijkversterking Gorinchem loopt vertraging op',
  'Ok',
  'Wie neemt het woord bij de persconferentie?',
  'Verjaardag van mijn dochter vanavond, ik ben na 19:00 niet bereikbaar',
  'Campagne-overleg schuift een week op',
  'Graag even terugbellen https://example.org/dossier?id=42',
];

const MULTI = [
  ['Agenda crisisoverleg:', '1. Stand van zaken rivieren', '2. Communicatie', '', 'Graag voorbereiden: cijfers RWS'],
  ['Samenvatting:', '- peil stijgt', '- dijken houden', '- volgende update 18:00'],
  ['Conceptreactie voor de Kamer:', '"Het kabinet neemt de situatie zeer serieus."'],
];

const CAPTIONS = ['Foto van de dijk bij Lobith', 'Kaart overstromingsrisico', 'Situatie om 14:00'];


const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Yields the export text in chunks of about 500 messages. */
export function* generateWhatsAppExport(opts: GenerateOptions): Generator<string> {
  const rand = rng(opts.seed ?? 1);
  const ios = opts.shape === 'ios-nl';
  const eol = ios ? '\r\n' : '\n';
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rand() * arr.length)]!;
  // Wall clock as a UTC-based counter (time zone does not matter: these are plain wall-clock fields).
  let t = Date.UTC(2023, 0, 2, 8, 0, 0);
  let seqNo = 0;
  let chunk = '';
  const stamp = (): string => {
    const d = new Date(t);
    const date = `${p2(d.getUTCDate())}-${p2(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
    const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
    return ios ? `[${date} ${time}:${p2(d.getUTCSeconds())}] ` : `${date} ${time} - `;
  };
  const compact = (): string => {
    const d = new Date(t);
    return `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
  };
  const iosStamp = (): string => {
    const d = new Date(t);
    return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}-${p2(d.getUTCHours())}-${p2(d.getUTCMinutes())}-${p2(d.getUTCSeconds())}`;
  };
  const author = (): string => {
    const a = pick(AUTHORS);
    return ios && a.startsWith('+') ? IOS_PHONE : a;
  };

  for (let i = 0; i < opts.messages; i++) {
    if (i === 0) {
      chunk += ios
        ? `${stamp()}${GROUP}: ${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.${eol}`
        : `${stamp()}Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.${eol}`;
      continue;
    }
    t += Math.floor(rand() * 300) * 1000;
    const r = rand();
    if (r < 0.62) {
      chunk += `${stamp()}${author()}: ${pick(TEXTS)}${eol}`;
    } else if (r < 0.72) {
      chunk += `${stamp()}${author()}: ${pick(MULTI).join(eol)}${eol}`;
    } else if (r < 0.82) {
      seqNo++;
      const wa = `WA${String(seqNo % 10000).padStart(4, '0')}`;
      const caption = rand() < 0.5 ? `${pick(CAPTIONS)}${eol}` : '';
      if (ios) {
        chunk += `${LRM}${stamp()}${author()}: ${LRM}<bijgevoegd: ${String(seqNo).padStart(8, '0')}-PHOTO-${iosStamp()}.jpg>${eol}${caption}`;
      } else {
        chunk += `${stamp()}${author()}: ${LRM}IMG-${compact()}-${wa}.jpg (bestand bijgevoegd)${eol}${caption}`;
      }
    } else if (r < 0.85) {
      seqNo++;
      if (ios) {
        chunk += `${LRM}${stamp()}${author()}: Kamerbrief hoogwater.pdf • ${LRM}3 pagina's ${LRM}<bijgevoegd: ${String(seqNo).padStart(8, '0')}-Kamerbrief hoogwater.pdf>${eol}`;
      } else {
        chunk += `${stamp()}${author()}: ${LRM}DOC-${compact()}-WA${String(seqNo % 10000).padStart(4, '0')}. (bestand bijgevoegd)${eol}Kamerbrief hoogwater.pdf${eol}`;
      }
    } else if (r < 0.88) {
      chunk += ios
        ? `${LRM}${stamp()}${author()}: ${LRM}afbeelding weggelaten${eol}`
        : `${stamp()}${author()}: <Media weggelaten>${eol}`;
    } else if (r < 0.91) {
      chunk += ios
        ? `${stamp()}${author()}: ${LRM}Dit bericht is verwijderd.${eol}`
        : `${stamp()}${author()}: Dit bericht is verwijderd${eol}`;
    } else if (r < 0.94) {
      chunk += `${stamp()}${author()}: ${pick(TEXTS)} <Dit bericht is bewerkt>${eol}`;
    } else if (r < 0.96) {
      chunk += ios
        ? `${stamp()}${author()}: ${LRM}Locatie: https://maps.google.com/?q=51.8421,5.8528${eol}`
        : `${stamp()}${author()}: locatie: https://maps.google.com/?q=51.8421,5.8528${eol}`;
    } else if (r < 0.98) {
      chunk += ios
        ? `${stamp()}${author()}: ${LRM}Gemist spraakgesprek${eol}`
        : `${stamp()}${author()}: Gemiste spraakoproep${eol}`;
    } else {
      const who = pick(['Eva de Vries', 'Directeur Bakker']);
      chunk += ios
        ? `${stamp()}${LRM}${who} heeft ${IOS_PHONE} toegevoegd${eol}`
        : `${stamp()}${LRM}${who} heeft Woordvoerder Kok toegevoegd${eol}`;
    }
    if (i % 500 === 499) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
