/**
 * WhatsApp system-message templates, English and Dutch (u/je/uw/jouw wordings), Android and iOS.
 * Templates match a *normalised* key (marks stripped, NBSP/NNBSP → space, see `systemKey`), never the stored text.
 * Sources and confidence per string: /work/shared/formats/whatsapp.md §5 and §6.
 */
import type { SystemEvent } from '../types.js';

export interface SystemMatch {
  event: SystemEvent;
  /** Who did it, as written (marks removed); `You`/`U`/`Je` when the exporter did it. */
  actor?: string;
  /** Whom it was done to (added/removed member, security-code contact, new number). */
  target?: string;
  /** New group subject (created group, subject changed). */
  subject?: string;
  /** Previous group subject (subject changed from … to …). */
  oldSubject?: string;
  /** Disappearing-messages timer as written (`7 days`, `24 hours`, `7 dagen`). */
  timer?: string;
  /** blocked event: true = blocked, false = unblocked. */
  blocked?: boolean;
  /** The actor is the exporting phone's owner (You / U / Je). */
  selfActor: boolean;
}

const MARKS_RE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const SPACES_RE = /[\u00a0\u202f]/g;

/** Key used for template matching: marks removed, NBSP/NNBSP as spaces, trimmed. */
export function systemKey(text: string): string {
  return text.replace(MARKS_RE, '').replace(SPACES_RE, ' ').trim();
}

const SELF = new Set(['You', 'you', 'U', 'u', 'Je', 'je', 'Jij', 'jij']);
export const isSelfWord = (s: string | undefined): boolean => s !== undefined && SELF.has(s);

const Q = '["“”]';
const A = '(?<actor>.+?)';
const HH = '(?:heeft|hebt)';

/** [event, a literal every match contains (checked with `includes` before the regex runs), regex]. */
type Tpl = [SystemEvent, string, RegExp];
const t = (event: SystemEvent, keyword: string, src: string): Tpl => [event, keyword, new RegExp(src)];

/** Ordered: the first match wins, so specific templates come before generic ones. */
const TEMPLATES: Tpl[] = [
  // End-to-end encryption notices.
  t('encryption-notice', 'end-to-end', '^Messages and calls are end-to-end encrypted\\b'),
  t('encryption-notice', 'end-to-end', '^Messages (?:you send )?to this (?:group|chat) are now secured with end-to-end encryption\\b'),
  t('encryption-notice', 'end-to-end', '^Berichten en (?:oproepen|gesprekken) worden end-to-end versleuteld\\b'),
  t('encryption-notice', 'end-to-end', '^Berichten die (?:naar|in) deze (?:groep|chat) worden verzonden, zijn nu beveiligd met end-to-end[- ]?encryptie\\b'),
  // Disappearing messages.
  t('disappearing-timer', ' updated the message timer', `^${A} updated the message timer\\.(?: New messages will disappear from this chat (?<timer>.+?) after they're sent\\.)?`),
  t('disappearing-timer', 'timer', `^${A} ${HH} de (?:berichttimer|timer(?: voor (?:verdwijnende berichten|berichten met vervaldatum))?) (?:bijgewerkt|gewijzigd|aangepast)(?:\\. Nieuwe berichten verdwijnen (?<timer>.+?) nadat ze)?`),
  t('disappearing-on', ' turned on disappearing', `^${A} turned on disappearing messages\\.(?: (?:All new|New) messages will disappear from this chat (?<timer>.+?) after they're sent\\.)?`),
  t('disappearing-on', ' default timer', `^${A} uses? a default timer for disappearing messages in new chats\\.(?: All new messages will disappear from this chat (?<timer>.+?) after they're sent\\.)?`),
  t('disappearing-on', 'berichten', `^${A} ${HH} (?:berichten met vervaldatum|verdwijnende berichten) (?:ingeschakeld|aangezet)\\.?(?: Alle nieuwe berichten verdwijnen (?<timer>.+?) nadat ze)?`),
  t('disappearing-off', ' turned off disappearing', `^${A} turned off disappearing messages\\b`),
  t('disappearing-off', 'berichten', `^${A} ${HH} (?:berichten met vervaldatum|verdwijnende berichten) (?:uitgeschakeld|uitgezet)`),
  // Group lifecycle.
  t('group-created', ' created group ', `^${A} created group ${Q}(?<subject>.*)${Q}$`),
  t('group-created', ' created this group', `^${A} created this group$`),
  t('group-created', ' groep ', `^${A} ${HH} (?:deze|de) groep (?:gemaakt|aangemaakt)$`),
  t('group-created', ' de groep ', `^${A} ${HH} de groep ${Q}?(?<subject>.+?)${Q}? (?:gemaakt|aangemaakt)$`),
  t('subject-changed', ' changed the ', `^${A} changed the (?:subject|group name) from ${Q}(?<oldSubject>.*)${Q} to ${Q}(?<subject>.*)${Q}$`),
  t('subject-changed', ' changed the ', `^${A} changed the (?:subject|group name) to ${Q}(?<subject>.*)${Q}$`),
  t('subject-changed', ' gewijzigd van ', `^${A} ${HH} (?:het onderwerp|de groepsnaam) gewijzigd van ${Q}(?<oldSubject>.*)${Q} (?:naar|in) ${Q}(?<subject>.*)${Q}$`),
  t('subject-changed', ' gewijzigd ', `^${A} ${HH} (?:het onderwerp|de groepsnaam) gewijzigd (?:naar|in) ${Q}(?<subject>.*)${Q}$`),
  t('icon-changed', ' group', `^${A} (?:changed|deleted|removed) (?:this group's|the group) (?:icon|photo)$`),
  t('icon-changed', ' de groeps', `^${A} ${HH} de groeps(?:afbeelding|foto|icoon) (?:gewijzigd|verwijderd|aangepast)$`),
  t('description-changed', ' the group description', `^${A} (?:changed|deleted) the group description$`),
  t('description-changed', ' de groeps', `^${A} ${HH} de groeps(?:omschrijving|beschrijving) (?:gewijzigd|verwijderd|aangepast)$`),
  t('settings-changed', ' settings', `^${A} changed (?:this group's|the group|the) settings\\b`),
  t('settings-changed', 'instellingen', `^${A} ${HH} de (?:groeps)?instellingen (?:gewijzigd|aangepast|bijgewerkt)`),
  // Admin.
  t('admin', "'re ", "^(?<target>You)'re (?:now|no longer) an admin$"),
  t('admin', ' an admin', '^(?<target>.+?) (?:is now|is no longer) an admin$'),
  t('admin', ' bent ', '^(?<target>U|Je) bent (?:nu (?:een )?beheerder|geen beheerder meer)$'),
  t('admin', 'beheerder', `^${A} ${HH} (?<target>.+?) (?:tot|als) (?:groeps)?beheerder (?:gemaakt|benoemd|aangesteld)$`),
  // Membership.
  t('member-joined', ' joined using ', `^${A} joined using (?:this group's invite link|your invite|an invite link|this community's invite link)$`),
  t('member-joined', ' neemt deel via ', `^${A} neemt deel via (?:uw|je|jouw) uitnodiging$`),
  t('member-joined', ' deelnemer geworden ', `^${A} (?:is|bent) deelnemer geworden via de uitnodigingslink(?: van deze groep)?$`),
  t('member-joined', ' deel via de uitnodigingslink', `^${A} (?:neemt|nam) deel via de uitnodigingslink(?: van deze groep)?$`),
  t('member-left', ' left', `^${A} left(?: the group)?$`),
  t('member-left', ' groep verlaten', `^${A} ${HH} (?:de|deze) groep verlaten$`),
  // Contacts and numbers.
  t('blocked', 'blocked this contact', '^(?<actor>You) (?<un>un)?blocked this contact\\b'),
  t('blocked', ' dit contact ', '^(?<actor>U|Je) hebt dit contact (?<un>ge|gede)blokkeerd\\b'),
  t('security-code-changed', 'Your security code', '^Your security code with (?<target>.+?) changed\\b'),
  t('security-code-changed', "'s security code", "^(?<target>.+?)'s security code changed\\b"),
  t('security-code-changed', 'beveiligingscode', '^(?:Uw|Je|Jouw|De) beveiligingscode (?:voor|met) (?<target>.+?) is gewijzigd\\b'),
  t('number-changed', ' changed their phone number', `^${A} changed their phone number to a new number\\b`),
  t('number-changed', ' changed to ', `^${A} changed to (?<target>\\+?[\\d ()-]{6,})$`),
  t('number-changed', ' nieuw telefoonnummer', `^${A} heeft een nieuw telefoonnummer\\b`),
  t('number-changed', 'nummer gewijzigd', `^${A} heeft (?:zijn|haar|het) (?:telefoon)?nummer gewijzigd\\b`),
  t('waiting', 'Waiting for', '^Waiting for this message\\b'),
  t('waiting', 'Wachten op ', '^Wachten op (?:dit bericht|deze berichten)'),
  // Generic member templates last: they would swallow the specific ones above.
  t('member-removed', ' removed ', `^${A} removed (?<target>.+)$`),
  t('member-removed', ' verwijderd', `^${A} ${HH} (?!dit bericht\\b)(?<target>.+?) verwijderd$`),
  t('member-added', ' added ', `^${A} added (?<target>.+)$`),
  t('member-added', ' added', '^(?<target>.+?) (?:was|were) added$'),
  t('member-added', ' toegevoegd', `^${A} ${HH} (?<target>.+?) toegevoegd$`),
  t('member-added', ' toegevoegd', '^(?<target>.+?) (?:is|zijn|bent) toegevoegd$'),
];

/** Cheap pre-filter: every template contains one of these words. */
const TRIGGER =
  /end-to-end|disappear|vervaldatum|verdwijn|timer|creat|gemaakt|subject|onderwerp|group|groep|admin|beheerder|settings|instellingen|joined|deel|left|blocked|blokkeerd|security code|beveiligingscode|number|nummer|changed to|Waiting|Wachten|removed|verwijderd|added|toegevoegd/;

/** Cheap pre-check on raw text (marks do not split the trigger words): false means no template can match. */
export function mayBeSystem(text: string): boolean {
  return text.length <= 600 && TRIGGER.test(text);
}

/**
 * `mayBeSystem` for `text[start, end)` of a byte string (see `LineSplitter`), before decoding it: the trigger words are
 * ASCII, so they are in the bytes exactly when they are in the text. False means no template can match.
 */
export function mayNameSystem(bytes: string, start: number, end: number): boolean {
  return TRIGGER.test(bytes.slice(start, end));
}

/**
 * Matches a normalised key (see `systemKey`) against the system templates. System lines repeat (the same member
 * added again, the same timer change), so results are cached; a cached match is frozen because it is shared.
 */
export function matchSystem(key: string): SystemMatch | null {
  if (key.length > 400 || !TRIGGER.test(key)) return null;
  let hit = cache.get(key);
  if (hit === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    hit = matchTemplates(key);
    if (hit) Object.freeze(hit);
    cache.set(key, hit);
  }
  return hit;
}

const CACHE_LIMIT = 1024;
const cache = new Map<string, Readonly<SystemMatch> | null>();

function matchTemplates(key: string): SystemMatch | null {
  for (const [event, keyword, re] of TEMPLATES) {
    if (!key.includes(keyword)) continue;
    const m = re.exec(key);
    if (!m) continue;
    const g = m.groups ?? {};
    const out: SystemMatch = { event, selfActor: isSelfWord(g.actor) };
    if (g.actor !== undefined) out.actor = g.actor;
    if (g.target !== undefined) out.target = g.target;
    if (g.subject !== undefined) out.subject = g.subject;
    if (g.oldSubject !== undefined) out.oldSubject = g.oldSubject;
    if (g.timer !== undefined) out.timer = g.timer;
    if (event === 'blocked') out.blocked = !(g.un === 'un' || g.un === 'gede');
    return out;
  }
  return null;
}

/** Events that only happen in groups. */
export const GROUP_EVENTS: ReadonlySet<SystemEvent> = new Set<SystemEvent>([
  'group-created',
  'member-added',
  'member-joined',
  'member-left',
  'member-removed',
  'subject-changed',
  'icon-changed',
  'description-changed',
  'admin',
  'settings-changed',
]);

/** The old group wording of the e2e notice also proves a group. */
export function isGroupEncryptionNotice(key: string): boolean {
  return /^(?:Messages (?:you send )?to this group|Berichten die (?:naar|in) deze groep)/.test(key);
}
