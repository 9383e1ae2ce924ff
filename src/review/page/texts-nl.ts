/**
 * Dutch texts of the page that are checked against the server's vocabularies at compile time: every error code the
 * page can receive, every system event a parser can produce and everyone who can delete a message has a text here (the page never shows the server's
 * English message or a raw event id). Interpolated into the page script as JSON.
 */
import type { ParsedMessage, SystemEvent } from '../../../parsers/types.js';
import type { ReviewErrorCode } from '../service.js';

/**
 * Codes besides the review service's: the request guard, the API and the server itself; `network` is the page's own,
 * for a request that got no answer at all.
 */
type PageErrorCode = ReviewErrorCode | 'token' | 'forbidden' | 'method' | 'no-preview' | 'internal' | 'busy' | 'network';

export const ERR_NL: Record<Exclude<PageErrorCode, 'stale'>, string> = {
  'reason-required': 'Geef een reden op.',
  'awaiting-second': 'U stelde dit besluit zelf voor; het wacht op een tweede beoordelaar.',
  inactive: 'Deze suggestie is na een regelwijziging vervallen en nooit beoordeeld. Voeg zo nodig een handmatige markering toe.',
  'nothing-to-undo': 'Er is niets om ongedaan te maken.',
  'undo-not-yours': 'Het laatste besluit is van een andere beoordelaar; alleen die kan het ongedaan maken.',
  'not-found': 'Niet gevonden: dit bestaat niet in de opslag van deze bewindspersoon (een oude link?). Kies een gesprek uit de lijst.',
  'other-custodian': 'Dit hoort bij een andere bewindspersoon.',
  token: 'Geen toegang: open de link uit de terminal opnieuw.',
  forbidden: 'Dit verzoek is geweigerd (niet van deze pagina afkomstig). Open de link uit de terminal opnieuw.',
  method: 'Dit verzoek kent de server niet. Laad de pagina opnieuw.',
  'no-preview': 'Het voorbeeld van de geschoonde set is niet beschikbaar.',
  'text-changed':
    'De tekst van dit bericht is gewijzigd sinds het gesprek werd geladen (er is intussen een nieuwere export ingelezen). Er is niets vastgelegd. Laad het gesprek opnieuw en selecteer de passage opnieuw.',
  duplicate: 'Hier staat al precies deze markering. Maak die eerst ongedaan om opnieuw te markeren. Er is niets vastgelegd.',
  invalid: 'Dit verzoek is ongeldig; er is niets vastgelegd. Controleer de invoer (bijvoorbeeld uw naam of de geselecteerde tekst) en probeer het opnieuw.',
  busy: 'De opslag is even in gebruik door een ander proces (bijvoorbeeld een inlees- of exportopdracht). Er is niets vastgelegd; probeer het over een ogenblik opnieuw.',
  network: 'De server is niet bereikbaar. Draait chatarchief review nog?',
  internal: 'Er ging op de server iets mis; er is niets vastgelegd. Probeer het opnieuw; blijft het misgaan, meld dan wat u deed.',
};

export const EVENT_NL: Record<SystemEvent, string> = {
  'encryption-notice': 'melding over versleuteling',
  'disappearing-on': 'verdwijnende berichten aangezet',
  'disappearing-off': 'verdwijnende berichten uitgezet',
  'disappearing-timer': 'tijd voor verdwijnende berichten gewijzigd',
  'group-created': 'groep aangemaakt',
  'member-added': 'deelnemer toegevoegd',
  'member-joined': 'deelnemer aangesloten',
  'member-left': 'deelnemer vertrokken',
  'member-removed': 'deelnemer verwijderd',
  'subject-changed': 'groepsnaam gewijzigd',
  'icon-changed': 'groepsafbeelding gewijzigd',
  'description-changed': 'groepsbeschrijving gewijzigd',
  admin: 'beheerdersrechten gewijzigd',
  'settings-changed': 'instellingen gewijzigd',
  'security-code-changed': 'beveiligingscode gewijzigd',
  'number-changed': 'telefoonnummer gewijzigd',
  waiting: 'wachten op bericht',
  blocked: 'contact geblokkeerd of gedeblokkeerd',
  other: 'systeemmelding',
};

/** Who deleted a message (the parsers' `deletedBy`), in the words of the findings report. */
export const DELETED_BY_NL: Record<NonNullable<ParsedMessage['deletedBy']>, string> = {
  sender: 'afzender',
  self: 'bewindspersoon',
};
