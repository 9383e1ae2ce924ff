import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bestandXml, informatieobjectXml, readBestandFacts, xmlText } from '../../src/export/mdto.js';
import { identify } from '../../src/export/pronom.js';
import { tempDir } from '../helpers/cli.js';
import { hasXmllint, xmllintErrors } from './helpers.js';

const full = informatieobjectXml({
  id: 'chatarchief:minister-bzk:geschoond:gesprek:12:2025-03-01_2025-03-31:levering-1',
  naam: 'Crisisoverleg Hoogwater <groep> & "co"',
  aggregatieniveau: 'Archiefstuk',
  omschrijving: ['WhatsApp-groepsgesprek', 'tekst met \u0007 besturingsteken'],
  dekkingInTijd: { begin: '2025-03-11', eind: '2025-03-12' },
  taal: ['nl'],
  events: [{ type: { label: 'Export', lijst: 'Begrippenlijst EventType MDTO' }, tijd: '2025-04-01T10:00:00Z', actor: { naam: 'chatarchief 0.1.0' }, resultaat: 'Geschoond' }],
  isOnderdeelVan: { naam: 'Periode 2025-03', id: 'x:dossier' },
  heeftRepresentatie: [{ naam: 'chat.json', id: 'x:chat.json' }, { naam: 'chat.html', id: 'x:chat.html' }],
  aanvullendeMetagegevens: [{ naam: 'review-log.json', id: 'x:review-log.json' }],
  gerelateerd: [{ ref: { naam: 'ruw', id: 'x:ruw' }, relatie: 'Is een versie van' }],
  archiefvormer: { naam: 'BZK' },
  betrokkenen: [{ rol: 'Correspondent', actor: { naam: 'Anna de Vries' } }],
  beperkingGebruik: { type: { label: 'Nader te bepalen', lijst: 'Begrippenlijst BeperkingGebruik MDTO' }, beschrijving: 'geschoonde set' },
});
const minimal = informatieobjectXml({
  id: 'x', naam: 'Chatberichten', aggregatieniveau: 'Serie', archiefvormer: { naam: 'BZK' },
  beperkingGebruik: { type: { label: 'Nader te bepalen', lijst: 'Begrippenlijst BeperkingGebruik MDTO' } },
});
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const bestand = bestandXml({
  id: 'x:media_1_0.png', naam: 'media_1_0.png', omvang: 1234, format: identify(png), sha256: 'ab'.repeat(32),
  checksumDatum: '2025-04-01T10:00:00.000Z', isRepresentatieVan: { naam: 'Crisisoverleg', id: 'x' },
});
const unknown = bestandXml({
  id: 'y', naam: 'x.bin', omvang: 0, format: identify(Buffer.alloc(0), 'application/x-thing'), sha256: 'cd'.repeat(32),
  checksumDatum: '2025-04-01T10:00:00Z', isRepresentatieVan: { naam: 'y' },
});

describe('MDTO sidecars', () => {
  it.runIf(hasXmllint)('validate against the XSD (informatieobject full and minimal, bestand with PRONOM and with IANA fallback)', () => {
    const dir = tempDir();
    const files = { 'full.mdto.xml': full, 'min.mdto.xml': minimal, 'b.bestand.mdto.xml': bestand, 'u.bestand.mdto.xml': unknown };
    for (const [n, x] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), x);
    expect(xmllintErrors(Object.keys(files).map((n) => path.join(dir, n)))).toEqual([]);
  });

  it.runIf(hasXmllint)('a sidecar without isRepresentatieVan fails the XSD (the check can fail)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.xml'), bestand.replace(/<isRepresentatieVan>[\s\S]*<\/isRepresentatieVan>\n/, ''));
    expect(xmllintErrors([path.join(dir, 'bad.xml')]).join('\n')).toMatch(/isRepresentatieVan|Missing child/);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(full).toContain('Crisisoverleg Hoogwater &lt;groep&gt; &amp; &quot;co&quot;');
    expect(full).not.toContain('\u0007');
    expect(xmlText('a\ud800b')).toBe('a\ufffdb');
    expect(xmlText('😀')).toBe('😀');
  });

  it('declares PRONOM formats from signatures and reads its own facts back', () => {
    expect(bestand).toContain('<begripCode>fmt/13</begripCode>');
    expect(unknown).toContain('<begripLabel>application/x-thing</begripLabel>');
    expect(readBestandFacts(bestand)).toEqual({ omvang: 1234, sha256: 'ab'.repeat(32), naam: 'media_1_0.png' });
    // A name with characters XML escapes is read back as the name (a chat "Papa's verjaardag" is common in Dutch).
    for (const naam of ["bron_1_WhatsApp-chat_met_Papa's_verjaardag.txt", 'Q&A <"concept">.txt', 'caf\u00e9 \u{1F600}.txt']) {
      const xml = bestandXml({ id: 'z', naam, omvang: 3, format: identify(Buffer.from('abc')), sha256: 'ef'.repeat(32), checksumDatum: '2025-04-01T10:00:00Z', isRepresentatieVan: { naam: 'z' } });
      expect(readBestandFacts(xml).naam).toBe(naam);
    }
    expect(readBestandFacts('<naam>a&#39;b&#x26;c&bogus;&#99999999;</naam>').naam).toBe("a'b&c&bogus;&#99999999;");
    expect(identify(Buffer.from('ffd8ffe000104a464946', 'hex')).puid).toBe('fmt/43');
    expect(identify(Buffer.from('%PDF-1.4\n')).puid).toBe('fmt/18');
    expect(identify(Buffer.from('\u0000\u0000\u0000\u0018ftypmp42')).puid).toBe('fmt/199');
  });
});
