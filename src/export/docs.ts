import { jsonSchemas } from './chatjson.js';

/**
 * The documentation informatieobject shipped in every package ("Documentatie_chatformaat"): the JSON Schemas of
 * chat.json and review-log.json, and LEESMIJ.md describing layout, cleaning rules, identifiers, pakbon and hashes.
 * The MDTO SIP specification asks that an own metadata schema is delivered as an informatieobject of its own.
 */

export const LEESMIJ = `# Chatberichten van bewindspersonen: opbouw van deze levering (chatarchief, formaat versie 1)

Elke levering bestaat uit twee BagIt-pakketten (RFC 8493, versie 1.0): de **ruwe dataset** (alles wat is
veiliggesteld, beperkt openbaar) en de **geschoonde set** (zakelijke inhoud letterlijk; privé- en partijpolitieke
inhoud vervangen door markeringen die de context bewaren). De payload (\`data/\`) is een MDTO-sidecarstructuur
(MDTO 1.0.1, SIP-specificatie van het Nationaal Archief).

## Mappen en objecten
- \`Chatberichten_<bewindspersoon>/\`: Serie (de bewindspersoon). Ontbreekt in een vervolgexport als de Serie al eerder
  is geleverd; de Dossier-sidecar verwijst dan met \`isOnderdeelVan\` naar de identificatie van de Serie.
- \`Periode_<van>_<tot>/\`: Dossier (de exportperiode).
- \`Gesprek_<id>/\`: Archiefstuk (één gesprek in de periode) met \`chat.json\` (canoniek), \`chat.html\` (leesbare,
  afdrukbare weergave), \`review-log.json\` (aanvullende metagegevens: markeringen en besluiten) en de mediabestanden
  \`media_<bericht-id>_<volgnummer>.<extensie>\`. Bestandsnamen bevatten nooit een naam van een persoon of een
  oorspronkelijke bijlagenaam (een extensie die de naam van een privécontact is, wordt in de geschoonde set \`bin\`);
  de titel staat in \`<naam>\` van de sidecar.
- Alleen in de ruwe dataset: \`Bronbestanden/\` (de oorspronkelijke exportbestanden, byte voor byte; SHA-256 gelijk
  aan het ingestverslag in \`Verantwoording/bronnen.json\`) en \`Verantwoording/\` (alle markeringen, besluiten, de
  audit-hashketen van de bewindspersoon, de contacten met hun pseudoniem en het ingestverslag).
- \`Documentatie_chatformaat/\`: deze LEESMIJ en de JSON Schemas. Wordt opnieuw geleverd wanneer de inhoud wijzigt.
- Elke map heeft \`<mapnaam>.mdto.xml\`; elk bestand heeft \`<bestandsnaam>.bestand.mdto.xml\` ernaast (omvang,
  PRONOM-formaat, SHA-256 met datum-tijd, isRepresentatieVan).

## Schoning (geschoonde set)
1. Een gesprek wordt als geheel afgeschermd (één markering met periode en aantal berichten, \`conversation-marker\`)
   bij een geldende markering privé of partijpolitiek op gespreksniveau, of wanneer de gesprekspartner (tweegesprek)
   of iedere deelnemer behalve de bewindspersoon (groep) een geldende markering privé of partijpolitiek op
   contactniveau heeft.
2. Anders wordt een bericht een markering (\`marker\`: zelfde id, volgnummer, tijd en soort, de afzender, de categorie,
   het markeringsnummer M-<id> en het besluit B-<id>) bij een geldende markering privé of partijpolitiek op
   berichtniveau of op contactniveau van de afzender; bij een systeembericht geldt wie het veroorzaakte (wie de
   groepsnaam wijzigde, iemand toevoegde, ...) als afzender. Bijlagen worden achtergehouden (een stub met de
   categorie).
3. Een markering \`zakelijk\` maakt nooit zichtbaar wat een andere geldende markering afschermt.
4. Zonder geldende markering op bericht-, contact- (van de afzender) of gespreksniveau geldt de standaardcategorie
   van de bewindspersoon. Een passagemarkering geldt alleen voor haar eigen stuk tekst: is de standaardcategorie
   privé of partijpolitiek, dan blijft van een bericht met een zakelijke passage (en zonder bijlagen) alleen die
   passage staan en wordt de rest vervangen door \`[passage afgeschermd: <categorie> · standaardcategorie]\`.
5. Passages: alleen het gemarkeerde stuk tekst wordt vervangen door \`[passage afgeschermd: <categorie> · M-<id>]\`
   (UTF-16-posities in de opgeslagen tekst; overlappende passages samengevoegd).
6. Een privécontact (geldende contactmarkering privé/partijpolitiek, of alleen aanwezig in afgeschermde inhoud)
   verschijnt als "Privécontact <n>", met n de plaats van het contact in de contactenlijst van de bewindspersoon
   (vast over leveringen heen). Zijn naam (vanaf 4 letters/cijfers, als hele woorden, ongeacht hoofdletters, accenten
   en onzichtbare tekens; in gesprekstitels en systeemberichten, die uit namen bestaan, en na @ (een vermelding) al
   vanaf 2) en telefoonnummer (E.164 en gangbare schrijfwijzen; beide ook procent-gecodeerd in een link) worden ook
   in overigens zakelijke tekst, titels en bijlagenamen vervangen door \`[Privécontact <n>]\`. Telefoonnummers van deelnemers staan niet in de geschoonde set: een zakelijke deelnemer
   zonder opgeslagen naam (de telefoon toont alleen een nummer) heet "Contact <n>" (zelfde nummering), en zijn nummer
   wordt overal vervangen door \`[Contact <n>]\`. Een visitekaartje (vCard, contactbericht) in een afgeschermd
   bericht of gesprek maakt de volledige naam (vanaf twee woorden) en de nummers erop privé: in getoonde inhoud worden
   ze vervangen door \`[Privécontact (visitekaartje)]\`, behalve wat ook een getoond bericht deelt en de namen en
   nummers van zakelijke deelnemers en de bewindspersoon. Een groepsnaam die alleen
   bestaat door afgeschermde inhoud (ingesteld door een afgeschermd systeembericht en door geen getoond bericht)
   wordt niet getoond: de titel is dan "Gesprek (titel afgeschermd)". Een groepsnaam of groepsomschrijving die alleen
   afgeschermde systeemberichten instellen, wordt ook in getoonde systeemberichten ("… heeft het onderwerp gewijzigd
   van …") en in de titel vervangen door \`[onderwerp afgeschermd]\` (als hele woorden, vanaf 2 letters/cijfers);
   de ruwe dataset noemt zulke namen in de kop van het gesprek (\`subjectsWithheld\`).
7. Geldend: een markering met status \`confirmed\` of \`changed\` (met haar huidige categorie). \`rejected\` en niet
   meer actieve, onbeslist gebleven suggesties gelden niet. Zolang er in de periode onbesliste suggesties zijn,
   weigert de export; met \`--allow-unreviewed\` tellen ze als gemarkeerd (de privacyveilige keuze) en zeggen
   bag-info.txt, pakbon.xml, de sidecars en elke chat.json dat. Een besluit \`zakelijk\` op berichtniveau dat is
   genomen op een eerdere tekst van een bericht dat daarna is bewerkt (een latere bron bracht een nieuwere versie),
   telt als onbeoordeeld: de export weigert en noemt het; met \`--allow-unreviewed\` wordt het bericht afgeschermd
   (\`privé · M-<id> · onbeoordeeld\`) tot iemand opnieuw besluit.
8. De ruwe dataset legt per bericht vast wat de schoning ermee deed (\`cleaning\`), zodat een controleur dat kan
   nagaan. Het review-log van de geschoonde set bevat geen bewijsteksten en geen redenen (die kunnen privé-inhoud
   citeren); die staan alleen in de ruwe dataset.
9. Een map-export (chattekst met media ernaast) die opnieuw is ingelezen met andere media, is een eigen bron. Haar
   SHA-256 in bronnen.json is die van haar bestandenlijst: de UTF-8-tekst \`chatarchief-folder-manifest 1\`, \`chat
   <sha256 van de chattekst>\` en per ander bestand \`<sha256> <pad als JSON-tekst, NFC>\`, op padvolgorde, elke regel
   afgesloten met een regeleinde. Zo is die hash na te rekenen uit de geleverde bestanden.
10. Bewerkte berichten: de ruwe dataset bevat elke versie, in chat.json als \`extra.revisions\` (eerdere versies) en
   \`extra.newerVersions\` (latere versies die niet in de tekst zijn opgenomen omdat er een passage in is afgeschermd),
   en in chat.html onder "Alle versies van dit bericht". De geschoonde set bevat alleen de beoordeelde tekst.
Ruw en geschoond hebben per gesprek evenveel berichtplaatsen: elk bericht is in de geschoonde set een bericht of een
markering, of valt onder de ene gespreksmarkering (\`slotCount\` = aantal berichten).

## chat.json en review-log.json
Zie \`chat.schema.json\` en \`review-log.schema.json\` (JSON Schema 2020-12). Beide bestanden zijn geldige JSON in een
stroombare opmaak: regel 1 bevat alles tot en met \`"slots":[\` (of \`"entries":[\`), daarna één element per regel (met
een komma aan het eind behalve bij het laatste), de laatste regel is \`]}\`. De kop volgt de RSMF-kopvelden:
custodian, participants, beginDate, endDate, eventCount, application.

## Identificaties
\`identificatieBron\` is steeds \`chatarchief\`. Serie \`chatarchief:<bwp>:<set>:serie\`; Dossier
\`chatarchief:<bwp>:<set>:periode:<van>_<tot>:levering-<n>\`; Archiefstuk
\`chatarchief:<bwp>:<set>:gesprek:<id>:<van>_<tot>:levering-<n>\`; bestand \`<object-id>/<bestandsnaam>\`. Ruwe en
geschoonde versie van een gesprek verwijzen naar elkaar met \`gerelateerdInformatieobject\` ("Is geschoonde versie
van" / "Heeft geschoonde versie"); dat klopt exact wanneer beide sets samen zijn geëxporteerd.

## Eigen begrippen ("Begrippenlijst chatarchief")
dekkingInTijdType "Periode van de berichten"; betrokkeneTypeRelatie "Bewindspersoon", "Correspondent";
gerelateerdInformatieobjectTypeRelatie "Is geschoonde versie van", "Heeft geschoonde versie". beperkingGebruik ruw:
"Beperkt openbaar: eerbiediging van de persoonlijke levenssfeer" (code Openbaarheid/AW1995/BeperktOpenbaar-levenssfeer/1.0,
af te stemmen met het e-Depot); geschoond: "Nader te bepalen" (BeperkingGebruik MDTO).

## Pakbon, hashes en vervolgexport
\`pakbon.xml\` is een tagbestand (geen payload) met id, naam, set, doellocatie, \`sipHash\`, aanmaaktijd, archiefvormer,
contact, aantallen informatieobjecten en bestanden, aantal en totaal bytes van bestanden die geen .mdto.xml zijn,
onbeoordeelde suggesties en vervolggegevens. **Pakket-SHA-256** (\`sipHash\`, bag-info \`Chatarchief-Package-SHA256\`):
de SHA-256 van de bytes van \`manifest-sha256.txt\`, dat de SHA-256 van elk payloadbestand bevat. \`levering.json\`
(tagbestand) noemt elk geleverd object met zijn inhoudshash (\`message:<id>\`, \`source:<sha256>\`, \`serie\`,
\`documentatie:<hash>\`); een vervolgexport bevat alleen objecten die nog niet eerder zijn geleverd en noemt de
eerdere leveringen en het aantal weggelaten en sindsdien gewijzigde objecten. Een geschoonde vervolgexport noemt
bovendien de berichten die een eerdere geschoonde set leverde met inhoud die sindsdien is afgeschermd
(\`withheldSinceDelivery\`): die inhoud staat nog in die eerdere levering, die daarom moet worden vervangen of ingetrokken.

## Controle
\`chatarchief verify <geschoond> <ruw>\` controleert de manifesten, elke sidecar tegen de XSD, omvang en hash in de
sidecars, de pakbon, de één-op-één berichtplaatsen tussen ruw en geschoond, en dat geen afgeschermde tekst, naam of
telefoonnummer van een privécontact in de geschoonde set staat.
`;

/** The files of the documentation object, by name. */
export function documentationFiles(): { name: string; text: string }[] {
  const schemas = jsonSchemas();
  return [
    { name: 'LEESMIJ.md', text: LEESMIJ },
    ...Object.entries(schemas).map(([name, s]) => ({ name, text: JSON.stringify(s, null, 2) + '\n' })),
  ];
}
