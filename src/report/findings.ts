/**
 * Findings: every event that the tijdelijke instructie forbids or that means lost information, with conversation,
 * person and time. Pure functions over the facts of `loadFindingFacts`. Chat content is never copied into a finding:
 * only system texts (a timer change says which timer) and attachment file names are shown.
 */
import { DateTime } from 'luxon';
import { MESSAGE_DELETED_SINCE } from '../store/deleted-since.js';
import { ATTACHMENT_MISSING_LATER } from '../store/attachment-missing-later.js';
import { ATTACHMENT_DIFFERS, ATTACHMENT_MISMATCH, type FindingFacts, type FlaggedMessageFact, type MessageRef, type SourceFindingFact } from '../store/reports.js';
import { instant } from './intervals.js';

export const FINDING_CODES = [
  'disappearing-on',
  'disappearing-timer',
  'disappearing-off',
  'view-once',
  'deleted-by-custodian',
  'deleted-by-sender',
  'deleted',
  'deleted-since-earlier-export',
  'missing-in-later-export',
  'attachment-missing',
  'attachment-mismatch',
  'attachment-differs',
  'attachment-missing-later',
  'disappearing-may-be-absent',
  'time-ambiguous',
  'time-invalid',
  'date-impossible',
  'date-after-ingest',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** `instructie`: the instruction forbids it; `verlies`: information is (possibly) lost; `tijd`: the time is uncertain. */
export type FindingGroup = 'instructie' | 'verlies' | 'tijd';

export const FINDING_INFO: Record<FindingCode, { label: string; group: FindingGroup }> = {
  'disappearing-on': { label: 'Verdwijnende berichten aangezet', group: 'instructie' },
  'disappearing-timer': { label: 'Timer verdwijnende berichten gewijzigd', group: 'instructie' },
  'disappearing-off': { label: 'Verdwijnende berichten uitgezet', group: 'instructie' },
  'view-once': { label: 'Eenmalige weergave', group: 'instructie' },
  'deleted-by-custodian': { label: 'Bericht verwijderd door bewindspersoon', group: 'verlies' },
  'deleted-by-sender': { label: 'Bericht verwijderd door afzender', group: 'verlies' },
  deleted: { label: 'Bericht verwijderd', group: 'verlies' },
  'deleted-since-earlier-export': { label: 'Bericht na eerdere export voor iedereen verwijderd (inhoud uit eerdere export bewaard)', group: 'verlies' },
  'missing-in-later-export': { label: 'Ontbreekt in latere export', group: 'verlies' },
  'attachment-missing': { label: 'Bijlage ontbreekt in export', group: 'verlies' },
  'attachment-mismatch': { label: 'Bijlage wijkt af van wat de export vermeldt (hash of grootte)', group: 'verlies' },
  'attachment-differs': { label: 'Bijlage in latere export wijkt af van de bewaarde bijlage (bewaarde bytes behouden)', group: 'verlies' },
  'attachment-missing-later': { label: 'Eerder veiliggestelde bijlage ontbreekt in latere export (bewaarde bytes behouden)', group: 'verlies' },
  'disappearing-may-be-absent': { label: 'Signal-export mist mogelijk verdwijnende berichten', group: 'verlies' },
  'time-ambiguous': { label: 'Tijdstip dubbelzinnig (uur van de wintertijd)', group: 'tijd' },
  'time-invalid': { label: 'Tijdstip bestaat niet (uur van de zomertijd)', group: 'tijd' },
  'date-impossible': { label: 'Datum of tijd bestaat niet (onmogelijk in de export)', group: 'tijd' },
  'date-after-ingest': { label: 'Gedateerd na het inlezen (klok, kalender of datumvolgorde van de telefoon?)', group: 'tijd' },
};

export const GROUP_LABELS: Record<FindingGroup, string> = {
  instructie: 'In strijd met de instructie',
  verlies: 'Verlies van informatie',
  tijd: 'Onzeker tijdstip',
};

export interface Finding {
  custodianId: string;
  code: FindingCode;
  label: string;
  group: FindingGroup;
  conversationId: number | null;
  conversation: string | null;
  platform: string;
  /** Who did it or whose message it is (display name), when known. */
  person: string | null;
  /** Instant (ISO 8601 with offset); for source findings the time of the export's last message or of the ingest. */
  at: string | null;
  /** Time as written in the export. */
  localTime: string | null;
  messageId: number | null;
  sourceId: number | null;
  sourceFile: string | null;
  /** What happened, without chat content. */
  detail: string;
}

const SYSTEM_DETAIL_MAX = 240;

function deletedCode(m: FlaggedMessageFact): FindingCode {
  if (m.deletedBy === 'self' || (m.deletedBy === 'sender' && m.fromSelf === true)) return 'deleted-by-custodian';
  if (m.deletedBy === 'sender') return 'deleted-by-sender';
  return 'deleted';
}

const SELF = /^(?:you|u|je|jij)$/i;
export const SELF_LABEL = 'bewindspersoon (zelf)';

/**
 * The actor of a system event: the sender when the export names one, else the actor the parser kept in `extra` (a
 * name, or `{name, phone}` for Signal). "You"/"U"/"Je" is the owner of the exported phone: the custodian.
 */
function actor(m: FlaggedMessageFact): string | null {
  if (m.sender) return m.sender;
  const e = m.extra ?? {};
  for (const k of ['actor', 'author', 'by']) {
    const v = e[k];
    const name = typeof v === 'string' ? v : v && typeof v === 'object' ? ((v as { name?: unknown }).name ?? (v as { phone?: unknown }).phone) : null;
    if (typeof name === 'string' && name) return SELF.test(name.trim()) ? SELF_LABEL : name;
  }
  return m.fromSelf ? SELF_LABEL : null;
}

function timerDetail(m: FlaggedMessageFact): string {
  const e = m.extra ?? {};
  const secs = [e.timerSeconds, e.expiresInSeconds, e.timer].find((x) => typeof x === 'number') as number | undefined;
  const text = m.text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const base = text.length > SYSTEM_DETAIL_MAX ? `${text.slice(0, SYSTEM_DETAIL_MAX)}…` : text;
  return secs !== undefined ? `${base}${base ? ' ' : ''}(timer ${formatSeconds(secs)})` : base;
}

export function formatSeconds(s: number): string {
  if (s <= 0) return 'uit';
  if (s % 86_400 === 0) return `${s / 86_400} ${s === 86_400 ? 'dag' : 'dagen'}`;
  if (s % 3_600 === 0) return `${s / 3_600} uur`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

function fromMessage(m: MessageRef, code: FindingCode, detail: string, source?: { id: number; file: string }): Finding {
  const info = FINDING_INFO[code];
  return {
    custodianId: m.custodianId, code, label: info.label, group: info.group, conversationId: m.conversationId, conversation: m.conversationTitle,
    platform: m.platform, person: m.sender, at: m.sentAt, localTime: m.localTime, messageId: m.messageId,
    sourceId: source?.id ?? m.firstSourceId, sourceFile: source?.file ?? m.firstSourceFile ?? null, detail,
  };
}

export function computeFindings(facts: FindingFacts): Finding[] {
  const out: Finding[] = [];
  for (const m of facts.flagged) {
    if (m.kind === 'system' && (m.event === 'disappearing-on' || m.event === 'disappearing-off' || m.event === 'disappearing-timer')) {
      out.push({ ...fromMessage(m, m.event, timerDetail(m)), person: actor(m) });
    }
    if (m.viewOnce) {
      const who = m.fromSelf ? 'verstuurd door de bewindspersoon' : 'ontvangen';
      // iOS writes a view-once photo or video in an export with media as a placeholder without file, as it writes a
      // photo the phone no longer holds: the parser infers view-once from that (extra.viewOnceInferred).
      const inferred = m.extra?.['viewOnceInferred'] === true;
      out.push(fromMessage(m, 'view-once', inferred ? `${who}; afgeleid: een foto of video zonder bestand in een export met media, mogelijk ook een die niet meer op de telefoon stond` : who));
    }
    if (m.kind === 'deleted') {
      const code = deletedCode(m);
      out.push(fromMessage(m, code, m.deletedBy && !['self', 'sender'].includes(m.deletedBy) ? `verwijderd door ${m.deletedBy}` : ''));
    }
    if (m.timeAmbiguous) out.push(fromMessage(m, 'time-ambiguous', `"${m.localTime}" kan twee tijdstippen zijn; het eerste is aangenomen`));
    if (m.timeInvalid) {
      // Two causes share the flag: a time in the spring-forward gap (kept as written), or a date or time that no
      // calendar has (31-02, 24:00; read as the nearest real one, which then exists in the zone).
      out.push(
        inGap(m.localIso, m.zone)
          ? fromMessage(m, 'time-invalid', `"${m.localTime}" valt in het overgeslagen uur`)
          : fromMessage(m, 'date-impossible', `"${m.localTime}" bestaat niet; gelezen als ${m.localIso.replace('T', ' ')}`),
      );
    }
    if (m.afterIngest !== null) {
      out.push(fromMessage(m, 'date-after-ingest', `"${m.localTime}" ligt na het inlezen op ${m.afterIngest.slice(0, 10)}; bewaard zoals geschreven`));
    }
  }
  for (const m of facts.missing) {
    out.push(fromMessage(m, 'missing-in-later-export', `ontbreekt in ${m.sourceFile} (bron ${m.sourceId}), die deze periode wel bevat`, { id: m.sourceId, file: m.sourceFile }));
  }
  // View-once media is never in an export: the view-once finding already says so.
  for (const a of facts.missingAttachments) {
    if (a.viewOnce) continue;
    out.push(fromMessage(a, 'attachment-missing', a.attachmentName, { id: a.sourceId, file: a.sourceFile }));
  }
  for (const s of facts.sourceFindings) {
    // A file that differs from the hash or size its export records, or from the bytes stored from an earlier export:
    // the detail names message, file, and both hashes and sizes. A message deleted since: the detail names it by id.
    const code: FindingCode =
      s.code === ATTACHMENT_MISMATCH ? 'attachment-mismatch'
        : s.code === ATTACHMENT_DIFFERS ? 'attachment-differs'
        : s.code === MESSAGE_DELETED_SINCE ? 'deleted-since-earlier-export'
        : s.code === ATTACHMENT_MISSING_LATER ? 'attachment-missing-later'
        : 'disappearing-may-be-absent';
    const info = FINDING_INFO[code];
    out.push({
      custodianId: s.custodianId, code, label: info.label, group: info.group, conversationId: s.conversationId,
      conversation: s.conversationTitle, platform: s.platform, person: s.about?.sender ?? null, at: s.about?.sentAt ?? s.lastMessageAt ?? s.ingestedAt,
      localTime: s.about?.localTime ?? null, messageId: s.about?.messageId ?? null,
      sourceId: s.sourceId, sourceFile: s.sourceFile,
      detail:
        code === 'disappearing-may-be-absent'
          ? disappearingDetail(s)
          : code === 'attachment-missing-later' && s.lacked
            ? lackedDetail(s, s.lacked)
          : s.message || (code === 'attachment-mismatch' ? 'bijlage wijkt af van de export' : 'bijlage wijkt af van de bewaarde bytes'),
    });
  }
  // Sort keys computed once: parsing times inside the comparator costs seconds for 200k findings.
  const keyed = out.map((f) => ({ f, ms: instant(f.at) ?? 0, code: FINDING_CODES.indexOf(f.code) }));
  keyed.sort(
    (a, b) =>
      (a.f.custodianId < b.f.custodianId ? -1 : a.f.custodianId > b.f.custodianId ? 1 : 0) || a.ms - b.ms || (a.f.messageId ?? 0) - (b.f.messageId ?? 0) || a.code - b.code,
  );
  return keyed.map((k) => k.f);
}

const UNIT_SECONDS: Record<string, number> = { week: 604_800, day: 86_400, hour: 3_600, minute: 60, second: 1 };

/**
 * The Dutch detail of a Signal export that may lack disappearing messages. The stored warning is the parser's English
 * text for the operator, prefixed with the file's local path: the report gives neither, only the timer it names
 * (`(timer 8 hours)`, from `describeDuration`) and what the export format leaves out.
 */
function disappearingDetail(s: SourceFindingFact): string {
  const t = /\(timer (\d+) (week|day|hour|minute|second)s?\)/.exec(s.message);
  const timer = t ? ` (timer ${formatSeconds(Number(t[1]) * UNIT_SECONDS[t[2]!]!)})` : '';
  const lacks =
    s.format === 'signal-export'
      ? 'de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig'
      : s.format === 'sigtop-json'
        ? 'berichten die al uit Signal Desktop verdwenen waren toen sigtop de export maakte, ontbreken'
        : 'berichten die al verdwenen waren toen de export werd gemaakt, ontbreken';
  return `verdwijnende berichten gebruikt${timer}; ${lacks}${unmatchedChat(s)}`;
}

/**
 * The Dutch detail of an attachment that an earlier export secured and a later one lacks: which file, which export
 * secured it and which lacks it. The kept bytes are not lost, and the detail says so.
 */
function lackedDetail(s: SourceFindingFact, a: NonNullable<SourceFindingFact['lacked']>): string {
  const earlier = a.earlierSourceFile !== null ? `${a.earlierSourceFile} (bron ${a.earlierSourceId})` : `bron ${a.earlierSourceId}`;
  const how = a.omitted ? 'de export meldt de bijlage als weggelaten' : 'de export noemt de bijlage maar bevat het bestand niet';
  return (
    `"${a.name}" ontbreekt in ${s.sourceFile} (bron ${s.sourceId}): ${how}; mogelijk niet meer op de telefoon (verwijderd?) of zonder media geëxporteerd. ` +
    `Veiliggesteld uit ${earlier}, sha256 ${a.sha256}: die bytes blijven bewaard als bewijs`
  );
}

/**
 * Why a finding about one chat names no conversation: said outright, with the chat's title as the export gives it (a
 * conversation is never guessed, see resolveChats).
 */
function unmatchedChat(s: SourceFindingFact): string {
  const u = s.unmatchedChat;
  if (!u) return '';
  const chat = u.title !== null ? `chat "${u.title}"` : 'de chat';
  return u.reason === 'not-stored'
    ? `; ${chat} heeft geen gesprek in het archief: de export bevat geen berichten ervan`
    : `; ${chat} heeft geen berichten in deze export, het gesprek is niet vastgesteld`;
}

/** Counts per code, in the fixed code order (codes without findings left out). */
export function countFindings(findings: readonly Finding[]): { code: FindingCode; label: string; group: FindingGroup; count: number }[] {
  const n = new Map<FindingCode, number>();
  for (const f of findings) n.set(f.code, (n.get(f.code) ?? 0) + 1);
  return FINDING_CODES.filter((c) => n.has(c)).map((c) => ({ code: c, label: FINDING_INFO[c].label, group: FINDING_INFO[c].group, count: n.get(c)! }));
}

/** The wall-clock time does not exist in the zone (it falls in a spring-forward gap). */
function inGap(localIso: string, zone: string): boolean {
  const t = DateTime.fromISO(localIso, { zone });
  return t.isValid && t.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== localIso.slice(0, 19);
}

