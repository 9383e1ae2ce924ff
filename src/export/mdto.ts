import type { FileFormat } from './pronom.js';

/**
 * MDTO 1.0.1 sidecars (namespace https://www.nationaalarchief.nl/mdto): one `informatieobject` or one `bestand` per
 * document, elements in the order of the XSD (every list there is an xsd:sequence). Controlled values always name
 * their begrippenlijst; values of our own are taken from "Begrippenlijst chatarchief", documented in LEESMIJ.md.
 */

export const MDTO_NS = 'https://www.nationaalarchief.nl/mdto';
export const OWN_LIST = 'Begrippenlijst chatarchief';
export const ID_SOURCE = 'chatarchief';

export interface Ref {
  naam: string;
  id?: string;
}

export interface Begrip {
  label: string;
  code?: string;
  lijst: string;
}

export interface InformatieobjectSpec {
  id: string;
  naam: string;
  aggregatieniveau: 'Serie' | 'Dossier' | 'Archiefstuk';
  omschrijving?: string[];
  /** xs:date values (YYYY-MM-DD). */
  dekkingInTijd?: { begin: string; eind?: string } | null;
  taal?: string[];
  events?: { type: Begrip; tijd?: string; actor?: Ref; resultaat?: string }[];
  isOnderdeelVan?: Ref | null;
  bevatOnderdeel?: Ref[];
  heeftRepresentatie?: Ref[];
  aanvullendeMetagegevens?: Ref[];
  gerelateerd?: { ref: Ref; relatie: string }[];
  archiefvormer: Ref;
  betrokkenen?: { rol: string; actor: Ref }[];
  beperkingGebruik: { type: Begrip; beschrijving?: string };
}

export interface BestandSpec {
  id: string;
  naam: string;
  omvang: number;
  format: FileFormat;
  sha256: string;
  /** xs:dateTime of the checksum. */
  checksumDatum: string;
  isRepresentatieVan: Ref;
}

// XML 1.0 allows tab, LF, CR and U+0020 and up, except surrogates (paired ones are fine) and U+FFFE/U+FFFF.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for XML content or attributes and replaces characters XML 1.0 cannot carry by U+FFFD. */
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\ufffd').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const el = (name: string, body: string, indent: string): string => `${indent}<${name}>${body}</${name}>\n`;
const txt = (name: string, value: string, indent: string): string => el(name, xmlText(value), indent);

function identificatie(id: string, indent: string): string {
  return `${indent}<identificatie>\n${txt('identificatieKenmerk', id, indent + '  ')}${txt('identificatieBron', ID_SOURCE, indent + '  ')}${indent}</identificatie>\n`;
}

function verwijzing(name: string, r: Ref, indent: string): string {
  const inner = indent + '  ';
  let body = txt('verwijzingNaam', r.naam, inner);
  if (r.id) {
    body += `${inner}<verwijzingIdentificatie>\n${txt('identificatieKenmerk', r.id, inner + '  ')}${txt('identificatieBron', ID_SOURCE, inner + '  ')}${inner}</verwijzingIdentificatie>\n`;
  }
  return `${indent}<${name}>\n${body}${indent}</${name}>\n`;
}

function begrip(name: string, b: Begrip, indent: string): string {
  const inner = indent + '  ';
  return (
    `${indent}<${name}>\n${txt('begripLabel', b.label, inner)}${b.code ? txt('begripCode', b.code, inner) : ''}` +
    `${verwijzing('begripBegrippenlijst', { naam: b.lijst }, inner)}${indent}</${name}>\n`
  );
}

const HEAD =
  `<?xml version="1.0" encoding="UTF-8"?>\n<MDTO xmlns="${MDTO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
  `xsi:schemaLocation="${MDTO_NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd">\n`;

export const WAARDERING_B: Begrip = { label: 'Blijvend te bewaren', code: 'B', lijst: 'Begrippenlijst Waarderingen MDTO' };

export function informatieobjectXml(s: InformatieobjectSpec): string {
  const i = '    ';
  let x = HEAD + '  <informatieobject>\n';
  x += identificatie(s.id, i);
  x += txt('naam', s.naam, i);
  x += begrip('aggregatieniveau', { label: s.aggregatieniveau, lijst: 'Begrippenlijst Aggregatieniveaus MDTO' }, i);
  for (const o of s.omschrijving ?? []) x += txt('omschrijving', o, i);
  if (s.dekkingInTijd) {
    const d = s.dekkingInTijd;
    x += `${i}<dekkingInTijd>\n${begrip('dekkingInTijdType', { label: 'Periode van de berichten', lijst: OWN_LIST }, i + '  ')}` +
      `${txt('dekkingInTijdBegindatum', d.begin, i + '  ')}${d.eind ? txt('dekkingInTijdEinddatum', d.eind, i + '  ') : ''}${i}</dekkingInTijd>\n`;
  }
  for (const t of s.taal ?? []) x += txt('taal', t, i);
  for (const e of s.events ?? []) {
    let body = begrip('eventType', e.type, i + '  ');
    if (e.tijd) body += txt('eventTijd', e.tijd, i + '  ');
    if (e.actor) body += verwijzing('eventVerantwoordelijkeActor', e.actor, i + '  ');
    if (e.resultaat) body += txt('eventResultaat', e.resultaat, i + '  ');
    x += `${i}<event>\n${body}${i}</event>\n`;
  }
  x += begrip('waardering', WAARDERING_B, i);
  if (s.isOnderdeelVan) x += verwijzing('isOnderdeelVan', s.isOnderdeelVan, i);
  for (const r of s.bevatOnderdeel ?? []) x += verwijzing('bevatOnderdeel', r, i);
  for (const r of s.heeftRepresentatie ?? []) x += verwijzing('heeftRepresentatie', r, i);
  for (const r of s.aanvullendeMetagegevens ?? []) x += verwijzing('aanvullendeMetagegevens', r, i);
  for (const g of s.gerelateerd ?? []) {
    x += `${i}<gerelateerdInformatieobject>\n${verwijzing('gerelateerdInformatieobjectVerwijzing', g.ref, i + '  ')}` +
      `${begrip('gerelateerdInformatieobjectTypeRelatie', { label: g.relatie, lijst: OWN_LIST }, i + '  ')}${i}</gerelateerdInformatieobject>\n`;
  }
  x += verwijzing('archiefvormer', s.archiefvormer, i);
  for (const b of s.betrokkenen ?? []) {
    x += `${i}<betrokkene>\n${begrip('betrokkeneTypeRelatie', { label: b.rol, lijst: OWN_LIST }, i + '  ')}${verwijzing('betrokkeneActor', b.actor, i + '  ')}${i}</betrokkene>\n`;
  }
  const bg = s.beperkingGebruik;
  x += `${i}<beperkingGebruik>\n${begrip('beperkingGebruikType', bg.type, i + '  ')}${bg.beschrijving ? txt('beperkingGebruikNadereBeschrijving', bg.beschrijving, i + '  ') : ''}${i}</beperkingGebruik>\n`;
  return x + '  </informatieobject>\n</MDTO>\n';
}

export function bestandXml(s: BestandSpec): string {
  const i = '    ';
  const fmt: Begrip = s.format.puid
    ? { label: s.format.label, code: s.format.puid, lijst: 'PRONOM-register' }
    : { label: s.format.mime, code: s.format.mime, lijst: 'IANA Media types' };
  let x = HEAD + '  <bestand>\n';
  x += identificatie(s.id, i);
  x += txt('naam', s.naam, i);
  x += txt('omvang', String(s.omvang), i);
  x += begrip('bestandsformaat', fmt, i);
  x += `${i}<checksum>\n${begrip('checksumAlgoritme', { label: 'SHA-256', lijst: 'Begrippenlijst ChecksumAlgoritme MDTO' }, i + '  ')}` +
    `${txt('checksumWaarde', s.sha256, i + '  ')}${txt('checksumDatum', s.checksumDatum, i + '  ')}${i}</checksum>\n`;
  x += verwijzing('isRepresentatieVan', s.isRepresentatieVan, i);
  return x + '  </bestand>\n</MDTO>\n';
}

/** Reads back what verify needs from a bestand sidecar we wrote (our own, regular layout). */
export function readBestandFacts(xml: string): { omvang: number | null; sha256: string | null; naam: string | null } {
  const get = (tag: string): string | null => {
    const raw = xml.match(new RegExp(`<${tag}>([^<]*)</${tag}>`))?.[1];
    return raw === undefined ? null : unescapeMarkup(raw);
  };
  const omvang = get('omvang');
  return { omvang: omvang === null ? null : Number(omvang), sha256: get('checksumWaarde'), naam: get('naam') };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML's accents by entity suffix (`&euml;` is e with U+0308), and its letters that have no base letter. */
const ACCENTS: Record<string, string> = {
  acute: '\u0301', grave: '\u0300', circ: '\u0302', uml: '\u0308', tilde: '\u0303', ring: '\u030a', cedil: '\u0327',
  caron: '\u030c', ogon: '\u0328', dot: '\u0307', macr: '\u0304', breve: '\u0306', dblac: '\u030b',
};
const LETTERS: Record<string, string> = {
  szlig: 'ß', aelig: 'æ', AElig: 'Æ', oelig: 'œ', OElig: 'Œ', oslash: 'ø', Oslash: 'Ø', eth: 'ð', ETH: 'Ð', thorn: 'þ',
  THORN: 'Þ', imath: 'ı', inodot: 'ı', lstrok: 'ł', Lstrok: 'Ł', dstrok: 'đ', Dstrok: 'Đ',
};

/**
 * An HTML named entity for a letter (`&euml;`, `&Ccedil;`, `&szlig;`), which a browser shows as that letter: a name
 * written so in a geschoonde chat.html must still read as the name. Null for any other entity.
 */
function letterEntity(name: string): string | null {
  const m = /^([A-Za-z])([a-z]+)$/.exec(name);
  const mark = m ? ACCENTS[m[2]!] : undefined;
  return m && mark ? (m[1]! + mark).normalize('NFC') : LETTERS[name] ?? null;
}

/**
 * The text a run of XML or HTML character data stands for: the predefined entities (and HTML's &nbsp;) and character
 * references decoded (`Papa&apos;s` is the name `Papa's`). An unknown entity, or a reference past U+10FFFF, stays as
 * written, so that it reads as a difference rather than failing.
 */
export function unescapeMarkup(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|([a-zA-Z]+));/g, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return ENTITIES[name.toLowerCase()] ?? letterEntity(name) ?? m;
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}
