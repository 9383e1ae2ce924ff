/**
 * Coverage: which periods of each custodian's term are secured, per channel, computed as pure functions from the facts
 * that `src/store/reports.ts` loads.
 *
 * - A veiligstelling (one ingest run) covers, per platform, the period from the first message of its exports up to
 *   the moment of the read-out: the latest of an export's own time (`exported_at`) and its last message. A chat export
 *   holds the chat's whole history on the phone, so this is what the read-out secured. A veiligstelling read out after
 *   the as-of date is left out (the report shows the state on that date).
 * - Coverage is counted in whole calendar days of the custodian's zone, like the report's "t/m 02 juli 2024": the day
 *   of the first message and the day of the read-out count as secured (a read-out given as a date alone, or at 00:00,
 *   secures that whole day), and a gap starts on the day after the read-out. Every day count (gaps, days since the
 *   last read-out, overdue) counts calendar days, so a day of 23 or 25 hours across a daylight saving change is a day.
 * - A channel's coverage is the union over its veiligstellingen, plus hand-recorded periods (`chatarchief record`).
 *   A recorded period is taken as known on the as-of date: one that starts after it is left out, one that runs past
 *   it ends on it.
 * - `chat` is the union of every chat platform (WhatsApp, Signal, SMS and records named chat), like the "veiliggestelde
 *   chat" column of the 2024 report. It is always assessed. A single platform is assessed only for a custodian who has
 *   data on it (a minister who never used Signal has no Signal gap). A recorded channel (e-mail, social media, ...) is
 *   assessed for every custodian once any custodian has a record of it.
 * - Gaps are the parts of the term (up to the as-of date) that no secured period covers, leaving out `not-applicable`
 *   records (no account, leave). Gaps shorter than the tolerance (default 7 days) are listed apart as `shortGaps`:
 *   a phone handed out a few days into the term, or read out at departure a few days before the formal end, is how
 *   the report's authors count "volledig veiliggesteld" (read-outs t/m 2 July for terms that end 7 July).
 */
import type { ChannelRecord } from '../store/channels.js';
import type { CustodianFact, VeiligstellingFact } from '../store/reports.js';
import {
  dateOf, dayEnd, dayStart, daysBetween, durationDays, instant, isoIn, lastDateOf, overlaps, subtract, union, wholeDays, type Interval,
} from './intervals.js';
import { unsecuredStretches, type ChatSecuring } from './securing.js';

export const CHAT_PLATFORMS = ['whatsapp', 'signal', 'sms'] as const;

export const CHANNEL_LABELS: Record<string, string> = {
  chat: 'Chat',
  whatsapp: 'WhatsApp',
  signal: 'Signal',
  sms: 'SMS',
  email: 'E-mail',
  social: 'Sociale media',
};

export const channelLabel = (c: string): string => CHANNEL_LABELS[c] ?? c;

export interface CoverageOptions {
  /** Report date (YYYY-MM-DD); the term is assessed up to the end of this day. */
  asOf: string;
  /** Target frequency: more days than this without a read-out is overdue (monthly: 31). */
  maxIntervalDays: number;
  /** Uncovered stretches shorter than this many days are `shortGaps`, not `gaps`. */
  toleranceDays: number;
}

export interface Period {
  from: string;
  to: string;
  /** First day, in the custodian's zone. */
  fromDate: string;
  /** Last day (inclusive), in the custodian's zone. */
  toDate: string;
  days: number;
  /** Notes of records that explain this period (for gaps: `not-secured` records). */
  notes?: string[];
}

export interface ChannelCoverage {
  channel: string;
  label: string;
  /** Whether gaps are assessed for this custodian on this channel (see the module comment). */
  assessed: boolean;
  secured: Period[];
  gaps: Period[];
  shortGaps: Period[];
  notApplicable: Period[];
  notSecured: Period[];
  /** Veiligstellingen that secured something on this channel. */
  veiligstellingIds: number[];
  /** Ids of hand-recorded periods that contributed. */
  recordIds: number[];
}

export interface VeiligstellingSummary {
  id: number;
  operator: string;
  device: string | null;
  startedAt: string;
  /** Moment of the read-out: the latest export time or last message over its sources; null when it has none. */
  readoutAt: string | null;
  readoutDate: string | null;
  platforms: string[];
  sourceCount: number;
  messageCount: number;
}

export interface CustodianCoverage {
  custodian: CustodianFact;
  channels: ChannelCoverage[];
  veiligstellingen: VeiligstellingSummary[];
  /** The days on which a chat was secured, up to the as-of date: each read-out day and each recorded secured chat period. */
  chatSecurings: ChatSecuring[];
  /** Latest moment a chat was secured (read-out or recorded chat period end), up to the as-of date. */
  lastSecuredAt: string | null;
  /** Its day in the custodian's zone: the last day secured. */
  lastSecuredDate: string | null;
  /** Calendar days from `lastSecuredDate` to the as-of date. */
  daysSinceLast: number | null;
  /**
   * Calendar days of the term after the last secured day (or from the start of the term) up to the as-of date or the
   * end of the term, leaving out not-applicable chat periods; overdue when more than `maxIntervalDays`.
   */
  unsecuredDays: number;
  overdue: boolean;
  /** Whether the term (up to the as-of date) has started at all. */
  termStarted: boolean;
  notes: string[];
}

export interface CoverageReport {
  asOf: string;
  maxIntervalDays: number;
  toleranceDays: number;
  /** Channel columns in display order. */
  channels: string[];
  custodians: CustodianCoverage[];
}

const isChatChannel = (c: string): boolean => c === 'chat' || (CHAT_PLATFORMS as readonly string[]).includes(c);

/** Display order: chat, the platforms, e-mail, social media, then other recorded channels alphabetically. */
export function orderChannels(names: Iterable<string>): string[] {
  const fixed = ['chat', ...CHAT_PLATFORMS, 'email', 'social'];
  const set = new Set(names);
  set.add('chat');
  return [...fixed.filter((c) => set.has(c)), ...[...set].filter((c) => !fixed.includes(c)).sort()];
}

/**
 * The read-out moment of a veiligstelling: the latest of its exports' own times and last messages; null when it has
 * neither. An export's own time (a zip entry date, a file's modification time) cannot be later than its ingest: a later
 * one is a wrong clock and is ignored.
 */
function readoutOf(v: VeiligstellingFact): number | null {
  let readout: number | null = null;
  const ingested = instant(v.startedAt) ?? Infinity;
  for (const s of v.sources) {
    const exported = instant(s.exportedAt);
    const end = Math.max(instant(s.lastMessageAt) ?? -Infinity, exported !== null && exported <= ingested ? exported : -Infinity);
    if (Number.isFinite(end)) readout = Math.max(readout ?? -Infinity, end);
  }
  return readout;
}

/** Whether a veiligstelling existed on the as-of date (its read-out, or else its ingest, before the end of that day). */
const existedBy = (v: VeiligstellingFact, readout: number | null, asOfEnd: number): boolean => (readout ?? instant(v.startedAt) ?? 0) < asOfEnd;

/**
 * What one veiligstelling secured per platform, in whole days of `zone`: from the day of the first message of that
 * platform's exports through the day of the read-out of the whole veiligstelling (the phone was read out once; a chat
 * that was quiet since its last message is still secured up to that moment).
 */
function veiligstellingSpans(v: VeiligstellingFact, zone: string): { perPlatform: Map<string, Interval>; readout: number | null } {
  const readout = readoutOf(v);
  const firsts = new Map<string, number>();
  for (const s of v.sources) {
    const first = instant(s.firstMessageAt);
    if (first !== null) firsts.set(s.platform, Math.min(firsts.get(s.platform) ?? Infinity, first));
  }
  const perPlatform = new Map<string, Interval>();
  // The read-out moment itself is secured (the half-open span ends 1 ms after it), and with it the rest of its day.
  if (readout !== null) for (const [p, first] of firsts) perPlatform.set(p, wholeDays({ from: Math.min(first, readout), to: readout + 1 }, zone));
  return { perPlatform, readout };
}

/**
 * Records as known on the as-of date: a period that starts after it is left out, one that runs past it ends on it
 * (like a read-out after the as-of date, it did not exist yet on that date).
 */
export function recordsAsOf(records: readonly ChannelRecord[], asOf: string): ChannelRecord[] {
  return records.filter((r) => r.from <= asOf).map((r) => (r.to > asOf ? { ...r, to: asOf } : r));
}

function toPeriod(i: Interval, zone: string, notes?: string[]): Period {
  const p: Period = { from: isoIn(i.from, zone), to: isoIn(i.to, zone), fromDate: dateOf(i.from, zone), toDate: lastDateOf(i.to, zone), days: durationDays(i, zone) };
  if (notes && notes.length) p.notes = notes;
  return p;
}

function recordInterval(r: ChannelRecord, zone: string): Interval {
  return { from: dayStart(r.from, zone), to: dayEnd(r.to, zone) };
}

/**
 * Whether a record counts for a channel column: its own name; every chat platform record for `chat`; and a `chat`
 * record that is not-secured or not-applicable (a failed read-out, leave) for every platform too. A secured `chat`
 * record does not say which platform, so it counts for `chat` only.
 */
const recordFeeds = (r: ChannelRecord, channel: string): boolean =>
  r.channel === channel ||
  (channel === 'chat' && isChatChannel(r.channel)) ||
  (r.channel === 'chat' && r.status !== 'secured' && (CHAT_PLATFORMS as readonly string[]).includes(channel));

export function computeCustodianCoverage(
  c: CustodianFact,
  veiligstellingen: readonly VeiligstellingFact[],
  allRecords: readonly ChannelRecord[],
  columns: readonly string[],
  opts: CoverageOptions,
): CustodianCoverage {
  const zone = c.tz;
  const termStart = dayStart(c.termFrom, zone);
  const termEnd = c.termTo ? dayEnd(c.termTo, zone) : Infinity;
  const asOfEnd = dayEnd(opts.asOf, zone);
  const window: Interval = { from: termStart, to: Math.min(termEnd, asOfEnd) };
  const termStarted = window.to > window.from;
  const records = recordsAsOf(allRecords, opts.asOf);

  // A veiligstelling read out after the as-of date did not exist yet on that date.
  const spans = veiligstellingen
    .map((v) => ({ v, ...veiligstellingSpans(v, zone) }))
    .filter((s) => existedBy(s.v, s.readout, asOfEnd));
  const platformsUsed = new Set<string>();
  for (const s of spans) for (const p of s.perPlatform.keys()) platformsUsed.add(p);
  for (const r of records) platformsUsed.add(r.channel);

  const channels: ChannelCoverage[] = columns.map((channel) => {
    const fromV = spans
      .map((s) => ({ id: s.v.id, i: channel === 'chat' ? hull([...s.perPlatform.values()]) : s.perPlatform.get(channel) }))
      .filter((x): x is { id: number; i: Interval } => x.i !== undefined);
    const mine = records.filter((r) => recordFeeds(r, channel));
    const byStatus = (st: ChannelRecord['status']) => mine.filter((r) => r.status === st);
    const secured = union([...fromV.map((x) => x.i), ...byStatus('secured').map((r) => recordInterval(r, zone))]);
    const notApplicable = union(byStatus('not-applicable').map((r) => recordInterval(r, zone)));
    const notSecuredRecords = byStatus('not-secured');
    const assessed = channel === 'chat' || !(CHAT_PLATFORMS as readonly string[]).includes(channel) || platformsUsed.has(channel);
    const holes = assessed && termStarted ? subtract(window, [...secured, ...notApplicable]) : [];
    const notesFor = (i: Interval) =>
      notSecuredRecords.filter((r) => overlaps(recordInterval(r, zone), i) && r.note).map((r) => r.note!);
    const holePeriods = holes.map((h) => toPeriod(h, zone, notesFor(h)));
    return {
      channel,
      label: channelLabel(channel),
      assessed,
      secured: secured.map((i) => toPeriod(i, zone)),
      gaps: holePeriods.filter((p) => p.days >= opts.toleranceDays),
      shortGaps: holePeriods.filter((p) => p.days < opts.toleranceDays),
      notApplicable: notApplicable.map((i) => toPeriod(i, zone)),
      notSecured: union(notSecuredRecords.map((r) => recordInterval(r, zone))).map((i) => toPeriod(i, zone)),
      veiligstellingIds: fromV.map((x) => x.id),
      recordIds: mine.map((r) => r.id),
    };
  });

  // The last secured chat moment: a read-out, or the last moment of a recorded secured chat period (up to the as-of date).
  const readouts = spans.map((s) => (s.perPlatform.size && s.readout !== null ? s.readout : null)).filter((x): x is number => x !== null);
  const chatRecords = records.filter((r) => isChatChannel(r.channel) && r.status === 'secured');
  const chatMoments = [...readouts, ...chatRecords.map((r) => dayEnd(r.to, zone) - 1)];
  const lastSecured = chatMoments.length ? Math.max(...chatMoments) : null;
  const lastSecuredDate = lastSecured === null ? null : dateOf(lastSecured, zone);
  const chatSecurings: ChatSecuring[] = [
    ...readouts.map((ms) => ({ fromDate: dateOf(ms, zone), toDate: dateOf(ms, zone), by: 'read-out' as const })),
    ...chatRecords.map((r) => ({ fromDate: r.from, toDate: r.to, by: 'record' as const })),
  ].sort((a, b) => a.fromDate.localeCompare(b.fromDate) || a.toDate.localeCompare(b.toDate));
  // In whole days, like the gaps: the day of the last read-out is secured, the days after it are not; the same count
  // as the status report's intervals (src/report/securing.ts).
  const chatNotApplicable = channels.find((x) => x.channel === 'chat')!.notApplicable;
  const stretches = termStarted ? unsecuredStretches(c.termFrom, lastDateOf(window.to, zone), chatSecurings, chatNotApplicable) : [];
  const unsecuredDays = stretches.find((x) => x.open)?.days ?? 0;

  // One note per text, naming every channel it was recorded for: "Chat, E-mail: zit veilig-gesteld in ...".
  const byNote = new Map<string, string[]>();
  for (const r of records) {
    if (!r.note) continue;
    const chans = byNote.get(r.note) ?? [];
    if (!chans.includes(channelLabel(r.channel))) chans.push(channelLabel(r.channel));
    byNote.set(r.note, chans);
  }
  const notes = [...byNote].map(([note, chans]) => `${chans.join(', ')}: ${note}`);

  return {
    custodian: c,
    channels,
    veiligstellingen: spans
      .map(({ v, perPlatform, readout }) => ({
        id: v.id,
        operator: v.operator,
        device: v.device,
        startedAt: v.startedAt,
        readoutAt: readout === null ? null : isoIn(readout, zone),
        readoutDate: readout === null ? null : dateOf(readout, zone),
        platforms: [...perPlatform.keys()].sort(),
        sourceCount: v.sources.length,
        messageCount: v.sources.reduce((n, s) => n + s.messageCount, 0),
      }))
      .sort((a, b) => (a.readoutAt ?? a.startedAt).localeCompare(b.readoutAt ?? b.startedAt) || a.id - b.id),
    chatSecurings,
    lastSecuredAt: lastSecured === null ? null : isoIn(lastSecured, zone),
    lastSecuredDate,
    daysSinceLast: lastSecuredDate === null ? null : daysBetween(lastSecuredDate, opts.asOf),
    unsecuredDays,
    overdue: unsecuredDays > opts.maxIntervalDays,
    termStarted,
    notes,
  };
}

/** Smallest interval holding all of them; undefined for none. */
function hull(items: Interval[]): Interval | undefined {
  if (!items.length) return undefined;
  return { from: Math.min(...items.map((i) => i.from)), to: Math.max(...items.map((i) => i.to)) };
}

export function computeCoverage(
  custodians: readonly CustodianFact[],
  veiligstellingen: readonly VeiligstellingFact[],
  records: readonly ChannelRecord[],
  opts: CoverageOptions,
): CoverageReport {
  // The columns of the state on the as-of date: what was read out or recorded by then.
  const zones = new Map(custodians.map((c) => [c.id, c.tz]));
  const names = new Set<string>();
  for (const v of veiligstellingen) {
    const zone = zones.get(v.custodianId) ?? 'Europe/Amsterdam';
    if (!existedBy(v, readoutOf(v), dayEnd(opts.asOf, zone))) continue;
    for (const s of v.sources) if (s.firstMessageAt) names.add(s.platform);
  }
  for (const r of recordsAsOf(records, opts.asOf)) names.add(r.channel);
  const columns = orderChannels(names);
  return {
    asOf: opts.asOf,
    maxIntervalDays: opts.maxIntervalDays,
    toleranceDays: opts.toleranceDays,
    channels: columns,
    custodians: custodians.map((c) =>
      computeCustodianCoverage(
        c,
        veiligstellingen.filter((v) => v.custodianId === c.id),
        records.filter((r) => r.custodianId === c.id),
        columns,
        opts,
      ),
    ),
  };
}

const sameCoverage = (a: ChannelCoverage, b: ChannelCoverage): boolean =>
  JSON.stringify([a.secured, a.gaps, a.notSecured, a.notApplicable]) === JSON.stringify([b.secured, b.gaps, b.notSecured, b.notApplicable]);

const unused = (a: ChannelCoverage): boolean => !a.assessed && !a.secured.length && !a.notSecured.length && !a.notApplicable.length;

/**
 * The columns worth showing. With a single chat platform in the report whose column says what the chat column says
 * (or nothing) for every custodian, the platform column is left out and the chat column names the platform. With
 * several platforms every column stays, so the reader sees which platform was secured. The JSON keeps every channel.
 */
export function displayColumns(r: CoverageReport): { index: number; channel: string; label: string }[] {
  const cols = r.channels.map((channel, index) => ({ index, channel, label: channelLabel(channel) }));
  const chatIdx = r.channels.indexOf('chat');
  const platforms = cols.filter((c) => (CHAT_PLATFORMS as readonly string[]).includes(c.channel));
  if (platforms.length !== 1) return cols;
  const p = platforms[0]!;
  const redundant = r.custodians.every((c) => sameCoverage(c.channels[p.index]!, c.channels[chatIdx]!) || unused(c.channels[p.index]!));
  if (!redundant) return cols;
  return cols.filter((c) => c !== p).map((c) => (c.channel === 'chat' ? { ...c, label: `Chat (${p.label})` } : c));
}
