import fs from 'node:fs';
import path from 'node:path';
import { iterateDecisions } from '../store/decisions.js';
import { custodianContacts, iterateAllMarkings, iterateAuditChain, sourcesInScope, type SourceRecord } from '../store/exports.js';
import { finishBag, packageSha256 } from './bagit.js';
import { JsonLinesArrayWriter } from './chatjson.js';
import { dateIn, writeConversation, type ConversationResult } from './conversation.js';
import { pseudonymFor } from './context.js';
import { documentationFiles } from './docs.js';
import { HashingFile, PayloadWriter, sipName, type PayloadCounts } from './files.js';
import { Ids } from './ids.js';
import type { Ref } from './mdto.js';
import { StoreDamageError } from './damage.js';
import { pakbonXml } from './pakbon.js';
import { OWN_FORMATS } from './pronom.js';
import type { Yielder } from './partial.js';
import {
  archiefvormer, closeWithSidecar, exportEvent, restriction, sha256, writeFileSidecar, writeObjectSidecar, writeTextWithSidecar, type SetWriter,
} from './writer.js';

/** One set (ruw or geschoond) as one BagIt bag: payload tree, sidecars, levering.json, pakbon.xml and the bag files. */

export interface SetResult {
  set: SetWriter['set'];
  bagName: string;
  packageSha256: string;
  counts: PayloadCounts;
  conversations: number;
  messages: number;
  markers: number;
  passages: number;
  excludedConversations: number;
  sources: number;
  newObjects: number;
  skippedAlreadyDelivered: number;
  changedSinceDelivery: number;
  changedExamples: string[];
  /** Of those: messages an earlier geschoonde set delivered showing what they now withhold (see LedgerSink.withheld). */
  withheldSinceDelivery: number;
  withheldSinceDeliveryExamples: string[];
}

export interface SetOptions {
  bagName: string;
  openSuggestions: number;
  previousExports: number[];
}

interface Layout {
  serie: Ref & { id: string };
  serieNew: boolean;
  serieRel: string;
  dossierRel: string;
  dossier: Ref & { id: string };
  periodText: string;
}

function layoutOf(w: SetWriter): Layout {
  const { x, ids, set } = w;
  const serie = { naam: `Chatberichten ${x.custodian.name} (${x.custodian.function})`, id: ids.serie(set) };
  const serieNew = w.delivered('serie') === null;
  const serieRel = `Chatberichten_${x.custodian.id}`;
  const periodText = `${w.period.from ?? 'begin'} t/m ${w.period.to ?? 'heden'}`;
  return {
    serie, serieNew, serieRel, periodText,
    // In a vervolgexport without the Serie, the Dossier is the top folder and refers to the delivered Serie.
    dossierRel: `${serieNew ? `${serieRel}/` : ''}Periode_${ids.periodKey}`,
    dossier: { naam: `Chatberichten ${x.custodian.name}, periode ${periodText}${set === 'ruw' ? ' (ruwe dataset)' : ' (geschoonde set)'}`, id: ids.dossier(set) },
  };
}

/**
 * Writes every set: one pass over the messages of each conversation for all sets, then each set's own objects and bag.
 * `y` lets signal handlers run between messages and source files (and stops the export when one aborted it).
 */
export async function writeSets(jobs: { w: SetWriter; o: SetOptions }[], y: Yielder): Promise<SetResult[]> {
  const layouts = jobs.map((j) => layoutOf(j.w));
  const results: ConversationResult[][] = jobs.map(() => []);
  for (const conv of jobs[0]!.w.x.conversations) {
    const rs = await writeConversation(jobs.map((j, i) => ({ w: j.w, dossierRel: layouts[i]!.dossierRel, dossier: layouts[i]!.dossier })), conv, y);
    rs.forEach((r, i) => { if (r) results[i]!.push(r); });
  }
  const done: SetResult[] = [];
  for (const [i, j] of jobs.entries()) done.push(await finishSet(j.w, j.o, layouts[i]!, results[i]!, y));
  return done;
}

async function finishSet(w: SetWriter, o: SetOptions, layout: Layout, results: ConversationResult[], y: Yielder): Promise<SetResult> {
  const { x, ids, set } = w;
  const { serie, serieNew, serieRel, dossierRel, dossier, periodText } = layout;
  const periodKey = ids.periodKey;
  const parts: Ref[] = results.map((r) => r.ref);
  let sources = 0;
  if (set === 'ruw' && results.length) {
    const s = await writeSources(w, dossierRel, dossier, y);
    sources = s.count;
    if (s.ref) parts.push(s.ref);
    parts.push(await writeAccountability(w, dossierRel, dossier, y));
  }

  const msgs = results.reduce((a, r) => a + r.messages, 0);
  const first = Math.min(...results.map((r) => r.firstMs ?? Infinity));
  const last = Math.max(...results.map((r) => r.lastMs ?? -Infinity));
  const zone = x.custodian.tz;
  writeObjectSidecar(w, dossierRel, {
    id: dossier.id, naam: dossier.naam, aggregatieniveau: 'Dossier',
    omschrijving: [
      `Veiliggestelde chatberichten van ${x.custodian.name} (${x.custodian.function}, ${x.custodian.department}), periode ${periodText}: ${results.length} gesprekken, ${msgs} berichten.`,
      ...(x.allowUnreviewed ? [`Let op: geëxporteerd met --allow-unreviewed; ${o.openSuggestions} onbeoordeelde suggesties zijn als gemarkeerd behandeld.`] : []),
      ...(o.previousExports.length ? [`Vervolgexport: bevat alleen objecten die niet eerder zijn geleverd (eerdere exports: ${o.previousExports.join(', ')}).`] : []),
    ],
    dekkingInTijd: results.length ? { begin: w.period.from ?? dateIn(first, zone)!, eind: w.period.to ?? dateIn(last, zone)! } : null,
    taal: ['nl'],
    events: [exportEvent(w, set === 'ruw' ? 'Ruwe dataset' : 'Geschoonde set')],
    isOnderdeelVan: serie, bevatOnderdeel: parts, archiefvormer: archiefvormer(w),
    gerelateerd: [{ ref: { naam: dossier.naam, id: ids.dossier(set === 'ruw' ? 'geschoond' : 'ruw') }, relatie: set === 'ruw' ? 'Heeft geschoonde versie' : 'Is geschoonde versie van' }],
    beperkingGebruik: restriction(set),
  });
  if (serieNew) {
    writeObjectSidecar(w, serieRel, {
      id: serie.id, naam: serie.naam, aggregatieniveau: 'Serie',
      omschrijving: [`WhatsApp-, Signal- en sms-berichten van ${x.custodian.name} als ${x.custodian.function}, veiliggesteld met chatarchief.`],
      taal: ['nl'], bevatOnderdeel: [dossier], archiefvormer: archiefvormer(w), beperkingGebruik: restriction(set),
    });
    w.ledger.add('serie', sha256(serie.id));
  }
  writeDocumentation(w);
  w.pw.close();
  w.ledger.close();

  if (y.due) await y.yield();
  const pkgSha = packageSha256(w.pw.bagDir);
  await writeLevering(w, o, pkgSha, y);
  const counts = w.pw.counts;
  const result: SetResult = {
    set, bagName: o.bagName, packageSha256: pkgSha, counts, conversations: results.length, messages: msgs,
    markers: results.reduce((a, r) => a + r.markers, 0), passages: results.reduce((a, r) => a + r.passages, 0),
    excludedConversations: results.filter((r) => r.excluded).length, sources,
    newObjects: w.ledger.count, skippedAlreadyDelivered: w.ledger.skipped, changedSinceDelivery: w.ledger.changed, changedExamples: w.ledger.changedExamples,
    withheldSinceDelivery: w.ledger.withheld, withheldSinceDeliveryExamples: w.ledger.withheldExamples,
  };
  fs.writeFileSync(path.join(w.pw.bagDir, 'pakbon.xml'), pakbonXml({
    id: `${ids.dossier(set)}:pakket`, naam: dossier.naam, set, doellocatie: 'Nader op te geven door de ontvangende archiefdienst', sipHash: pkgSha,
    aangemaakt: w.exportedAt, archiefvormer: x.custodian.department, contact: 'Niet opgegeven', counts,
    bewindspersoon: { id: x.custodian.id, naam: x.custodian.name, functie: x.custodian.function }, periode: { van: w.period.from, tot: w.period.to },
    onbeoordeeldToegestaan: x.allowUnreviewed, onbeoordeeld: o.openSuggestions,
    vervolg: { eerdereLeveringen: o.previousExports, nieuweObjecten: result.newObjects, eerderGeleverd: result.skippedAlreadyDelivered, gewijzigdSindsLevering: result.changedSinceDelivery },
    bijzonderheden: [
      'Sidecars volgens MDTO-XML 1.0.1; chat.json volgt het eigen, gedocumenteerde formaat in Documentatie_chatformaat (JSON Schema).',
      ...(x.allowUnreviewed ? ['Geëxporteerd met onbeoordeelde suggesties (--allow-unreviewed); die zijn als gemarkeerd behandeld.'] : []),
      ...(result.withheldSinceDelivery
        ? [`${result.withheldSinceDelivery} berichten die een eerdere geschoonde set leverde met inhoud die nu is afgeschermd (privé of partijpolitiek), ` +
            'zijn niet opnieuw geleverd; de eerdere levering toont die inhoud nog. Zie withheldSinceDelivery in levering.json.']
        : []),
    ],
  }), { flag: 'wx' });
  if (y.due) await y.yield();
  finishBag(w.pw.bagDir, counts, [
    ['Source-Organization', x.custodian.department],
    ['External-Description', dossier.naam],
    ['External-Identifier', dossier.id],
    ['Bag-Group-Identifier', `chatarchief:${x.custodian.id}:${periodKey}:levering-${ids.delivery}`],
    ['Bagging-Date', w.exportedAt.slice(0, 10)],
    ['Chatarchief-Set', set],
    ['Chatarchief-Custodian', x.custodian.id],
    ['Chatarchief-Period', periodKey],
    ['Chatarchief-Allow-Unreviewed', String(x.allowUnreviewed)],
    ['Chatarchief-Package-SHA256', pkgSha],
    ['Chatarchief-Version', w.tool],
  ]);
  return result;
}

function writeDocumentation(w: SetWriter): void {
  const files = documentationFiles();
  const hash16 = sha256(files.map((f) => `${f.name}\n${f.text}`).join('\n')).slice(0, 16);
  const objectId = `documentatie:${hash16}`;
  if (w.delivered(objectId) !== null) return;
  const rel = 'Documentatie_chatformaat';
  const owner = { naam: 'Documentatie van het chatformaat (chat.json, review-log.json) en van de schoning', id: Ids.documentation(hash16) };
  const reps = files.map((f) => writeTextWithSidecar(w, `${rel}/${f.name}`, f.text, owner, f.name.endsWith('.md') ? OWN_FORMATS.markdown : OWN_FORMATS.json));
  writeObjectSidecar(w, rel, {
    id: owner.id, naam: owner.naam, aggregatieniveau: 'Archiefstuk', omschrijving: ['Beschrijving van de opbouw van de levering en JSON Schemas van de eigen formaten.'],
    taal: ['nl'], heeftRepresentatie: reps, archiefvormer: archiefvormer(w), beperkingGebruik: { type: { label: 'Geen beperking', lijst: 'Begrippenlijst BeperkingGebruik MDTO' } },
  });
  w.ledger.add(objectId, hash16);
}

/** Ruwe dataset: the original source export files, byte for byte, not delivered before. */
async function writeSources(w: SetWriter, dossierRel: string, dossier: Ref, y: Yielder): Promise<{ count: number; ref: Ref | null }> {
  const todo = sourcesInScope(w.db, w.x.scope).filter((s) => {
    const prev = w.delivered(`source:${s.sha256}`);
    if (prev !== null) w.ledger.skip(`source:${s.sha256}`, prev, s.sha256);
    return prev === null;
  });
  if (!todo.length) return { count: 0, ref: null };
  const rel = `${dossierRel}/Bronbestanden`;
  const owner = { naam: `Bronbestanden (oorspronkelijke exports), periode ${w.ids.periodKey}`, id: w.ids.sources() };
  const reps: Ref[] = [];
  for (const s of todo) {
    if (y.due) await y.yield();
    // A zip (or another single file holding the export) is delivered as that file. A folder export's own hash is its chat
    // file's (or its file list's): then every file it holds is delivered, the media beside the chat too.
    const wholeFile = w.blobs.has(s.sha256) && !s.files.some((f) => f.sha256 === s.sha256);
    if (wholeFile) {
      const f = await w.pw.copyFile(`${rel}/bron_${s.id}_${sipName(s.fileName)}`, w.blobs.pathFor(s.sha256), y);
      if (f.sha256 !== s.sha256) throw new StoreDamageError(`source ${s.id}: the blob's bytes hash to ${f.sha256}, the ingest recorded ${s.sha256}`);
      reps.push(writeFileSidecar(w, f, owner));
    } else {
      // A folder export (or a single file recorded as its own file list): its files, each byte-identical to its ingest record.
      const files = s.files.filter((f) => w.blobs.has(f.sha256));
      if (!files.length) throw new StoreDamageError(`source ${s.id}: its bytes are not in the blob store ${w.blobs.dir}`);
      // Every file, or the delivery is not the evidence: never a folder export with one file quietly left out.
      if (files.length < s.files.length) {
        throw new StoreDamageError(`source ${s.id}: ${s.files.length - files.length} of its ${s.files.length} files are not in the blob store ${w.blobs.dir}`);
      }
      for (const sf of files) {
        if (y.due) await y.yield();
        const f = await w.pw.copyFile(`${rel}/bron_${s.id}_${sipName(sf.path.replace(/[\\/]/g, '__'))}`, w.blobs.pathFor(sf.sha256), y);
        if (f.sha256 !== sf.sha256) throw new StoreDamageError(`source ${s.id}, file ${sf.sha256}: the blob's bytes hash to ${f.sha256}`);
        reps.push(writeFileSidecar(w, f, owner));
      }
    }
    w.ledger.add(`source:${s.sha256}`, s.sha256);
  }
  writeObjectSidecar(w, rel, {
    id: owner.id, naam: owner.naam, aggregatieniveau: 'Archiefstuk',
    omschrijving: [`${todo.length} oorspronkelijke exportbestanden, byte voor byte gelijk aan wat bij de veiligstelling is ingelezen (SHA-256 in Verantwoording/bronnen.json).`],
    events: [exportEvent(w, 'Bronbestanden ongewijzigd overgenomen')], isOnderdeelVan: dossier, heeftRepresentatie: reps,
    archiefvormer: archiefvormer(w), beperkingGebruik: restriction('ruw'),
  });
  return { count: todo.length, ref: owner };
}

/** Ruwe dataset: all markings, decisions, the audit chain, contacts with pseudonyms and the ingest record. */
async function writeAccountability(w: SetWriter, dossierRel: string, dossier: Ref, y: Yielder): Promise<Ref> {
  const rel = `${dossierRel}/Verantwoording`;
  const owner = { naam: `Verantwoording van veiligstelling, beoordeling en schoning, periode ${w.ids.periodKey}`, id: w.ids.accountability() };
  const c = w.x.custodian.id;
  const list = async (name: string, head: Record<string, unknown>, items: Iterable<unknown>): Promise<Ref> => {
    const out = new JsonLinesArrayWriter(w.pw.open(`${rel}/${name}`), { format: `chatarchief-${name.replace('.json', '')}`, formatVersion: 1, custodianId: c, ...head }, 'items');
    for (const it of items) {
      out.item(it);
      if (y.due) await y.yield();
    }
    out.close();
    return closeWithSidecar(w, out.file, owner, OWN_FORMATS.json);
  };
  const privateIds = new Set(w.x.privateContacts.map((p) => p.contactId));
  const reps = [
    await list('bronnen.json', { about: 'Ingest record of the sources in this period (sha256 = SHA-256 of the source file as read; for a folder export re-read with other media, of its file list: see files)' }, sourcesInScope(w.db, w.x.scope) as SourceRecord[]),
    await list('contacten.json', { about: 'Contacts; private = pseudonymised in the geschoonde set of this export; namesPublic = every name shown there' },
      custodianContacts(w.db, c, privateIds).map((k) => ({
        ...k, private: privateIds.has(k.id), pseudonym: privateIds.has(k.id) ? pseudonymFor(k.rank) : null, namesPublic: w.x.publicContacts.has(k.id),
      }))),
    await list('markeringen.json', { about: 'All markings of the custodian as stored' }, iterateAllMarkings(w.db, c)),
    await list('besluiten.json', { about: 'All decisions of the custodian' }, iterateDecisions(w.db, c)),
    await list('auditlog.json', { about: 'The custodian\'s hash-chained audit log (see src/store/audit.ts for the hash definition)' }, iterateAuditChain(w.db, c)),
  ];
  writeObjectSidecar(w, rel, {
    id: owner.id, naam: owner.naam, aggregatieniveau: 'Archiefstuk',
    omschrijving: ['Markeringen, besluiten, audit-hashketen, contacten met pseudoniemen en het ingestverslag.'],
    events: [exportEvent(w, 'Verantwoording meegeleverd met de ruwe dataset')], isOnderdeelVan: dossier, heeftRepresentatie: reps,
    archiefvormer: archiefvormer(w), beperkingGebruik: restriction('ruw'),
  });
  return owner;
}

/** levering.json (tag file): what this package delivers, what it leaves out as delivered before. */
async function writeLevering(w: SetWriter, o: SetOptions, pkgSha: string, y: Yielder): Promise<void> {
  const f = new HashingFile(path.join(w.pw.bagDir, 'levering.json'), 'levering.json', () => {});
  try {
    const out = new JsonLinesArrayWriter(f, {
      format: 'chatarchief-levering', formatVersion: 1, set: w.set, custodianId: w.x.custodian.id, period: w.period, delivery: w.ids.delivery,
      packageSha256: pkgSha, previousExports: o.previousExports, skippedAlreadyDelivered: w.ledger.skipped,
      changedSinceDelivery: { count: w.ledger.changed, examples: w.ledger.changedExamples },
      ...(w.set === 'geschoond' ? { withheldSinceDelivery: { count: w.ledger.withheld, examples: w.ledger.withheldExamples } } : {}),
    }, 'objects');
    for (const e of w.ledger.entries()) {
      out.item(e);
      if (y.due) await y.yield();
    }
    out.close();
  } catch (e) {
    f.discard();
    throw e;
  }
  f.close();
}
