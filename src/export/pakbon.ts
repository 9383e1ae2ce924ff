import { xmlText } from './mdto.js';
import type { PayloadCounts } from './files.js';

/**
 * pakbon.xml (MDTO SIP-specificatie, "pakbon"): a tag file of the bag, so it is not payload. There is no normative
 * schema; the elements below are documented in LEESMIJ.md and hold at least what the SIP specification asks for.
 * `sipHash` is the package SHA-256: SHA-256 of manifest-sha256.txt (see bagit.ts).
 */
export const PAKBON_NS = 'urn:chatarchief:pakbon:1';

export interface Pakbon {
  id: string;
  naam: string;
  set: 'ruw' | 'geschoond';
  doellocatie: string;
  sipHash: string;
  aangemaakt: string;
  archiefvormer: string;
  contact: string;
  counts: PayloadCounts;
  bewindspersoon: { id: string; naam: string; functie: string };
  periode: { van: string | null; tot: string | null };
  onbeoordeeldToegestaan: boolean;
  onbeoordeeld: number;
  vervolg: { eerdereLeveringen: number[]; nieuweObjecten: number; eerderGeleverd: number; gewijzigdSindsLevering: number };
  bijzonderheden: string[];
}

export function pakbonXml(p: Pakbon): string {
  const t = (name: string, v: string | number | boolean, attrs = ''): string => `  <${name}${attrs}>${xmlText(String(v))}</${name}>\n`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<pakbon xmlns="${PAKBON_NS}">\n` +
    t('id', p.id) + t('naam', p.naam) + t('set', p.set) + t('doellocatie', p.doellocatie) +
    t('sipHash', p.sipHash, ' algoritme="SHA-256" over="manifest-sha256.txt"') +
    t('aangemaakt', p.aangemaakt) + t('archiefvormer', p.archiefvormer) + t('contact', p.contact) +
    `  <bewindspersoon id="${xmlText(p.bewindspersoon.id)}">${xmlText(`${p.bewindspersoon.naam}, ${p.bewindspersoon.functie}`)}</bewindspersoon>\n` +
    `  <periode van="${xmlText(p.periode.van ?? '')}" tot="${xmlText(p.periode.tot ?? '')}"/>\n` +
    t('aantalInformatieobjecten', p.counts.informatieobjecten) + t('aantalBestanden', p.counts.bestanden) +
    t('aantalBestandenZonderMdto', p.counts.contentFiles) + t('totaalBytesZonderMdto', p.counts.contentBytes) +
    t('totaalBytes', p.counts.bytes) +
    t('onbeoordeeldToegestaan', p.onbeoordeeldToegestaan) + t('onbeoordeeldeSuggesties', p.onbeoordeeld) +
    `  <vervolg eerdereLeveringen="${p.vervolg.eerdereLeveringen.join(' ')}" nieuweObjecten="${p.vervolg.nieuweObjecten}" ` +
    `eerderGeleverd="${p.vervolg.eerderGeleverd}" gewijzigdSindsLevering="${p.vervolg.gewijzigdSindsLevering}"/>\n` +
    p.bijzonderheden.map((b) => t('bijzonderheid', b)).join('') +
    '</pakbon>\n'
  );
}

/** The values verify compares with the bag. */
export function readPakbon(xml: string): { sipHash: string | null; counts: Partial<Record<string, number>>; set: string | null } {
  const get = (tag: string): string | null => xml.match(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`))?.[1] ?? null;
  const num = (tag: string): number | undefined => (get(tag) === null ? undefined : Number(get(tag)));
  return {
    sipHash: get('sipHash'),
    set: get('set'),
    counts: {
      informatieobjecten: num('aantalInformatieobjecten'), bestanden: num('aantalBestanden'), contentFiles: num('aantalBestandenZonderMdto'),
      contentBytes: num('totaalBytesZonderMdto'), bytes: num('totaalBytes'),
    },
  };
}
