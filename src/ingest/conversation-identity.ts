/**
 * Which stored conversation an export of an unnamed chat belongs to (see identifyConversation): a later iOS export
 * without file name, group subject or encryption notice is the same chat as an earlier export, on the evidence it holds.
 */
import { DateTime } from 'luxon';
import { matchKey } from '../store/ingest.js';
import {
  conversationEventAuthors, conversationKeysHeld, conversationKeysInWindow, conversationSourceSpans, conversationSourceStarts, conversationsWithParticipants, custodianSelfContacts,
  type ConversationEvidence,
} from '../store/conversation-evidence.js';
import { toE164 } from '../../parsers/phone.js';
import type { WhatsAppScan } from '../../parsers/whatsapp/index.js';
import type { ParseWarning } from '../../parsers/types.js';
import type { IngestContext } from './context.js';
import type { ExportUnit } from './discover.js';
import { probeExport, probeExportFrom, slotOf, type Probe, type Probed } from './conversation-probe.js';
import { renamedPerson } from './renamed-person.js';
/**
 * Shared messages that identify a conversation without a name to go on: at least this many, from two senders or more,
 * one of them not the custodian.
 */
const OVERLAP_ALONE = 3;
/**
 * Shared messages from which one stored message in ten may be missing from the export (a real deletion on the phone);
 * with fewer, none may be: a merge that would at once report stored messages as missing is two different chats.
 */
const CONSISTENT_FROM = 10;
/** Shared messages found where a conversation begins (see identifyConversation) must lie in this many minutes or more. */
const DISTINCT_MINUTES = 5;
/** Why shared messages of one sender, the custodian above all, prove little (for the operator). */
const FORWARDED = ' (a message sent to several chats at once is no evidence that they are one chat)';

export interface ConversationMatch {
  conversation: ConversationEvidence;
  /** The chat's name as this export writes it among its authors (see `named`), or null. */
  chatName: string | null;
}

/**
 * For an export whose stated titles match no conversation, or that states none (issue #2: the same chat exported in a
 * later month maps to the same conversation): finds the conversation of the same chat on the evidence the export
 * holds. Typically an iOS export without file name, group subject or encryption notice (the export limit dropped the
 * oldest messages), titled by its authors; or the reverse, an export with the notice after one without it. Such a
 * made-up title ("Jan, M") is never matched as a title: two different chats with the same people share it. A wrong
 * merge of two chats is worse than a duplicate conversation, so a conversation qualifies only when all of these hold,
 * and only when exactly one does:
 * - consistent overlap: the same chat exported later holds every message the conversation stored in the time the
 *   export's first messages span (barring a real deletion on the phone), so of the stored messages with a sender in
 *   [first, last probed message] (see conversationKeysInWindow) none may be missing from the export while fewer than
 *   CONSISTENT_FROM are shared, and at most one in ten from then on. A merge that would at once report stored
 *   messages as missing is the signature of two different chats that share a forwarded message or a short "Ok";
 * - and the reverse: each stored source of the conversation (of this export's format) was one export of that chat,
 *   complete between its first and last message, so every message of the probe with a sender whose time lies within
 *   such a source's span (its first and last time left out) is stored in it already (see notStoredWithinSource). This
 *   is what refuses a chat that shares forwarded messages with a conversation that was quiet in the probe's time.
 *   Both checks compare occurrences: an identical repeat stored as `X#1` is in the export only when it holds X twice;
 * - shared messages, in the order a source stored them: some of the export's first messages with a sender are stored
 *   in it (MessageWriter's own key: local time to the second, sender, body). What they prove depends on who sent them.
 *   One the custodian sent proves nothing: the custodian forwards one message to several chats at once, with the same
 *   second, sender and text in each; so may another person, to chats the custodian is in. So at least two shared,
 *   one of them not the custodian's, and:
 *   - an author named like a 1:1 conversation and its participant (both chats 1:1), or this export's own title being
 *     the other participant of a 1:1 conversation: a shared message from that person. Two people may carry one name;
 *   - an author named like a group conversation, no participant, writing no ordinary message, only lines as WhatsApp
 *     writes them with a leading U+200E (the group's name authoring its events): shared messages from two senders or
 *     more (a person may call himself like a group);
 *   - without a name: at least OVERLAP_ALONE shared messages from two senders or more;
 * - participants: every author of the export is a participant of it or the custodian, apart from an author named like
 *   the conversation or like the export's own title (the chat's name), and apart from authors a consistent overlap of
 *   at least OVERLAP_ALONE shared messages from two senders brings in (a new group member; the custodian under another
 *   display name): a 1:1 conversation takes in at most one such author, never two or more.
 * The evidence is sought in the export's first PROBE_MESSAGES messages; for a conversation that begins after the export
 * begins and within its time (an older export ingested after a newer one), in the export's first PROBE_MESSAGES messages
 * from where a stored export of the conversation begins on (see conversationSourceStarts), with the same checks, at
 * least CONSISTENT_FROM shared in DISTINCT_MINUTES minutes or more, and a group only for a group export.
 * The custodian is known by the custodian's name, the export's self hint and the contacts known to be the custodian,
 * or may be unknown: two senders are then at least one other person. A conversation tied by a name or by the same
 * authors, or that shares messages with the export, but does not qualify is reported (conversation-not-matched, saying
 * why), not merged.
 */
export async function identifyConversation(
  ctx: IngestContext, unit: ExportUnit, scan: WhatsAppScan, namedTitle: string | null,
): Promise<{ match: ConversationMatch | null; warnings: ParseWarning[] }> {
  const none = { match: null, warnings: [] };
  const convs = conversationsWithParticipants(ctx.db, ctx.custodian.id, 'whatsapp');
  if (convs.length === 0) return none;
  const self = custodianSelfContacts(ctx.db, ctx.custodian.id);
  const selfKeys = new Set([ctx.custodian.name, scan.selfNameHint, ...self.map((c) => c.name)].filter((n): n is string => !!n).map(matchKey));
  const selfPhones = new Set(self.map((c) => c.phone).filter(Boolean));
  const ownKey = namedTitle === null ? null : matchKey(namedTitle);
  // The title an export without one is given (see ingestWhatsApp): the same for every chat of the same people.
  const madeUpKey = namedTitle === null && scan.authors.length ? matchKey(scan.authors.join(', ')) : null;
  const titleKeys = (c: ConversationEvidence): Set<string> => new Set(c.titles.map(matchKey));
  const isParticipant = (c: ConversationEvidence, name: string): boolean => {
    const key = matchKey(name);
    const phone = toE164(name);
    return c.participants.some((p) => (p.name !== null && matchKey(p.name) === key) || (phone !== null && p.phone === phone));
  };
  /** Whether an author is the custodian: by a name or number the custodian is known by. */
  const isSelf = (name: string): boolean => {
    const phone = toE164(name);
    return selfKeys.has(matchKey(name)) || (phone !== null && selfPhones.has(phone));
  };
  /** The export's authors that `c` does not know: no participant, not the custodian, not one of its titles. */
  const strangers = (c: ConversationEvidence): string[] => {
    const titles = titleKeys(c);
    return scan.authors.filter((a) => !(titles.has(matchKey(a)) || isParticipant(c, a) || isSelf(a)));
  };
  /** The strangers that are not the chat's name either (this export's own title). */
  const unknownAuthors = (c: ConversationEvidence): string[] => strangers(c).filter((a) => matchKey(a) !== ownKey);

  const start = await probeExport(ctx, unit, scan);
  const names = [...new Set([...scan.authors, ...start.systemAuthors])];
  /** The name that ties the export to `c`, or undefined; a chat name for pass 2, or null for the export's own title. */
  const named = (c: ConversationEvidence): string | null | undefined => {
    const titles = titleKeys(c);
    for (const n of names) {
      if (!titles.has(matchKey(n))) continue;
      if (c.isGroup ? !isParticipant(c, n) && !start.ordinary.has(matchKey(n)) : isParticipant(c, n) && !scan.isGroup) return n;
    }
    if (namedTitle !== null && !c.isGroup && !scan.isGroup && isParticipant(c, namedTitle)) return null;
    return undefined;
  };
  // The whole export's time (pass 1 saw every line; the probe only its start): an older export of a stored chat
  // ingested after a newer one shares nothing at its start, but its time and its people tie it to the conversation
  // (only for an export that names no chat: one that does, a 1:1 chat's other person, is not a group of the same
  // people), and the evidence is then sought where the conversation begins (see the loop below).
  const wall = (iso: string | null): number | null => (iso === null ? null : DateTime.fromISO(iso, { zone: ctx.custodian.tz }).toMillis());
  const exportFrom = wall(scan.firstLocalIso);
  const exportTo = wall(scan.lastLocalIso);
  const span = `${scan.firstLocalIso ?? '?'} – ${scan.lastLocalIso ?? '?'}`;
  const overlapsInTime = (c: ConversationEvidence): boolean =>
    exportFrom !== null && exportTo !== null && c.firstMs !== null && c.lastMs !== null && c.firstMs <= exportTo && c.lastMs >= exportFrom;
  // A group renamed since a conversation's exports: iOS writes a group's own events (the encryption notice, members
  // added) under the group's name at export time, the last one its events show it renamed to; so the conversation
  // stores them under an earlier title and this export under that name, at the same second with the same text. (The
  // name, not the export's title: a zip's name may spell the group's name otherwise.)
  const renamedTo = scan.platform === 'ios' && scan.isGroup ? scan.subjects[scan.subjects.length - 1] ?? null : null;
  const renamedKey = renamedTo === null ? null : matchKey(renamedTo);
  /** The events of `probe` that `c`, a group not yet so named, stores under one of its titles and this export under renamedTo. */
  const renamedEvents = (c: ConversationEvidence, probe: Probe): number => {
    const titles = titleKeys(c);
    if (renamedKey === null || !c.isGroup || titles.has(renamedKey)) return 0;
    const own = probe.events.filter((e) => matchKey(e.author) === renamedKey);
    const stored = conversationEventAuthors(ctx.db, c.id, own.map((e) => e.key));
    return own.filter((e) => {
      const a = stored.get(e.key);
      return a !== undefined && titles.has(matchKey(a));
    }).length;
  };
  type Qualified = { c: ConversationEvidence; chatName: string | null; how: string };
  type NearMiss = { c: ConversationEvidence; tie: string; why: string };
  const qualified: Qualified[] = [];
  const nearMiss: NearMiss[] = [];
  /**
   * Whether `c` is this chat on the evidence of `probe` (hit), may be but is not proven (miss), or nothing ties the two
   * (null).
   */
  const judge = (c: ConversationEvidence, given: Probe): { hit: Qualified } | { miss: NearMiss } | null => {
    const atStart = given === start;
    // A 1:1 chat's person renamed on the phone since: their messages looked up under the stored name (see renamedPerson).
    // (The export's own title is such a stranger: a 1:1 export is named after its person.)
    const person = renamedPerson(ctx.db, c, given, scan.isGroup, scan.authors, strangers(c), isSelf);
    const probe = person?.probe ?? given;
    const where = atStart ? 'at the start of this export' : `from where a stored export of that conversation begins (${probe.fromAt}) on in this export`;
    // A sender is the custodian when known as such, or when the export shows one of its messages as sent from the phone.
    const selfSenders = new Set<string>();
    for (const m of probe.keys.values()) {
      if (m.fromSelf || selfKeys.has(m.senderKey) || (m.phone !== null && selfPhones.has(m.phone))) selfSenders.add(m.senderKey);
    }
    // The probe's time window; when the probe stopped short of the export's end, messages at its last time may follow
    // it in the export, so that time is left out.
    const windowTo = probe.complete ? probe.toMs : probe.toMs - 1;
    const format = `whatsapp-${scan.platform}`;
    const probeKeys = probe.messages.map((m) => m.key);
    const probeKeySet = new Set(probeKeys);
    // A window with more stored messages than the probe holds cannot be consistent with it.
    const windowLimit = Math.floor((probe.messages.length * 10) / 9) + 1;
    /**
     * The reverse of the window check: each stored source of `c` (of this export's format, full fidelity) was one
     * export of that chat, complete between its first and last message, so every message of the probe whose time lies
     * within that span is stored in `c` already (`heldAll`: the probe's keys that `c` stores). One that is not proves
     * another chat (or a message edited since): why, or null. The span's own first and last time are left out: the
     * export limit may have cut a source within the second (iOS) or minute (Android) of its first message, and a message
     * may follow its last one within the same minute.
     */
    const notStoredWithinSource = (c: ConversationEvidence, heldAll: Map<string, unknown>, replaced: Set<string>): string | null => {
      // As the window check tolerates: from CONSISTENT_FROM shared messages on, one in ten may differ (a message deleted
      // for everyone or edited since shows here as one the stored export lacked).
      // (A message at an ambiguous time may lie an hour off: both passes of the repeated hour read as the first.)
      const within = (s: { fromMs: number; toMs: number }) => probe.messages.filter((m) => !m.ambiguous && m.atMs > s.fromMs && m.atMs < s.toMs);
      for (const s of conversationSourceSpans(ctx.db, c.id, format)) {
        const inSpan = within(s);
        const out = inSpan.filter((m) => !heldAll.has(m.key) && !(m.changed && replaced.has(slotOf(m.key)!)));
        if (out.length === 0) continue;
        const shared = inSpan.length - out.length;
        if (shared >= CONSISTENT_FROM && out.length * 10 <= inSpan.length) continue;
        const first = out.reduce((a, m) => (m.atMs < a.atMs ? m : a));
        const last = out.reduce((a, m) => (m.atMs > a.atMs ? m : a));
        return (
          `${out.length} message${out.length === 1 ? '' : 's'} of this export between ${first.localIso} and ${last.localIso} ` +
          `${out.length === 1 ? 'falls' : 'fall'} within source ${s.id} ("${s.fileName}")'s export of that conversation but ` +
          `${out.length === 1 ? 'is' : 'are'} not in it, which the same chat would be (another chat, or a message edited since)`
        );
      }
      return null;
    };
    const name = named(c);
    const unknown = unknownAuthors(c).filter((a) => a !== person?.from);
    // Every occurrence of an identical repeat is asked for (`held` keeps the base keys, `heldAll` all of them).
    const heldAll = probe.messages.length
      ? conversationKeysHeld(ctx.db, c.id, probeKeys, probe.fromMs, probe.toMs)
      : new Map<string, { seq: number; source: number }>();
    const held = new Map([...heldAll].filter(([k]) => probe.keys.has(k)));
    const sameAuthors = madeUpKey !== null && titleKeys(c).has(madeUpKey);
    const renamed = renamedEvents(c, probe);
    const renamedText = person !== null
      ? `"${person.from}", an author here, writes ${person.found} messages that that conversation stores from "${person.to}", its other ` +
        `participant, at the same time with the same text, and "${person.to}" writes nothing here (saved or renamed on the phone since); `
      : renamed === 0 ? '' :
      `the group was renamed since: ${renamed} of its own event${renamed === 1 ? '' : 's'} ${renamed === 1 ? 'stands' : 'stand'} in that conversation ` +
      `under its earlier name and here under "${renamedTo}", at the same second with the same text, and this export shows the rename; `;
    const tie =
      name !== undefined
        ? "an author or the chat's name and the participants agree"
        : sameAuthors
          ? 'it has the same authors'
          : held.size
            ? 'it holds messages of this export'
            : namedTitle === null && overlapsInTime(c) && scan.authors.length > 0 && unknown.length === 0
              ? `its participants are this export's authors and it holds messages within this export's time (${span})`
              : null;
    if (tie === null) return null;
    const shared = [...probe.keys].filter(([k]) => held.has(k)).map(([, m]) => m);
    const bySender = new Map<string, { sender: string; n: number }>();
    for (const m of shared) {
      const s = bySender.get(m.senderKey);
      if (s) s.n++;
      else bySender.set(m.senderKey, { sender: m.sender, n: 1 });
    }
    const senders = [...bySender.keys()];
    const notSelf = senders.some((s) => !selfSenders.has(s));
    const broad = held.size >= OVERLAP_ALONE && senders.length >= 2 && notSelf;
    const others = scan.authors.filter((a) => a !== name && a !== namedTitle && !unknown.includes(a));
    const theOthers =
      (others.length ? `the ${name !== undefined ? 'other ' : ''}authors (${others.join(', ')}) are its participants` : 'there is no other author') +
      (unknown.length ? `, ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} new to it` : '');
    const from = [...bySender.values()].map((s) => `${s.sender} (${s.n})`).join(', ');
    const sharedText = `${held.size} of the ${probe.keys.size} messages with a sender ${where} (from ${from || 'nobody'}) ${held.size === 1 ? 'is' : 'are'} stored in it`;
    /** Why `c` is not this chat, or null when the evidence proves it is. */
    let weak: string | null = null;
    /** How the stored messages of the probed time stand in this export (for the verdict's text). */
    let storedThere = 'with every stored message of that time in this export';
    if (held.size === 0) {
      weak = `none of the ${probe.keys.size} messages with a sender ${where} is stored in it`;
    } else if (!c.isGroup && unknown.length >= 2) {
      weak = `it is a 1:1 conversation and ${unknown.join(', ')}, authors here, are not its participants`;
    } else if (!sameOrder(probe.keys, held)) {
      weak = `${sharedText}, but not in the order it stored them`;
    } else {
      // Occurrences compared, not base keys: a stored `X#1` is in this export only when it holds X at least twice.
      const stored = conversationKeysInWindow(ctx.db, c.id, probe.fromMs, windowTo, format, windowLimit);
      // A stored message that this export shows edited or deleted for everyone since (the same sender at the same
      // time, another key) is there, not missing; nor is its new reading one the stored export lacked.
      const lacking = stored.keys.filter((k) => !probeKeySet.has(k));
      const lackingSlots = new Set(lacking.map(slotOf));
      const replaced = new Set(probe.messages.filter((m) => m.changed && !heldAll.has(m.key)).map((m) => slotOf(m.key)!).filter((x) => x !== null && lackingSlots.has(x)));
      const missing = lacking.filter((k) => !replaced.has(slotOf(k)!)).length;
      const sharedIn = stored.keys.length - missing;
      // A renamed group (see renamedEvents) is tied by WhatsApp's own lines, not by shared messages alone: one stored
      // message (or one in ten) may be missing however few are shared, as a deletion on the phone in a small group.
      const consistent = !stored.truncated && (
        missing === 0 || (sharedIn >= CONSISTENT_FROM && missing * 10 <= stored.keys.length) ||
        (renamed > 0 && missing <= Math.max(1, Math.floor(stored.keys.length / 10)))
      );
      const outside = consistent ? notStoredWithinSource(c, heldAll, replaced) : null;
      if (missing > 0) {
        storedThere = `with all but ${missing} of the ${stored.keys.length} stored messages of that time in this export (at most ${renamed > 0 ? 'one, or one in ten,' : 'one in ten'} may be ` +
          `missing: deleted on the phone; ${missing === 1 ? 'it is' : 'they are'} reported missing)`;
      }
      if (!consistent) {
        weak = stored.truncated
          ? `${sharedText}; yet that conversation stores more than ${stored.keys.length} messages with a sender between ${probe.fromAt} and ` +
            `${probe.toAt}, more than the ${probe.messages.length} this export holds there, which the same chat exported later would hold`
          : `${sharedText}; yet ${missing} stored message${missing === 1 ? '' : 's'} of that conversation between ${probe.fromAt} and ` +
            `${probe.toAt} ${missing === 1 ? 'is' : 'are'} not in this export, which the same chat exported later would hold`;
      } else if (outside !== null) {
        weak = `${sharedText}; yet ${outside}`;
      } else if (held.size < 2 || !notSelf) {
        weak = `${sharedText}, and at least two, one of them not the custodian's, are needed${FORWARDED}`;
      } else if (name === null || (name !== undefined && !c.isGroup)) {
        // 1:1: only the other person's own message is evidence; the custodian's may have gone to several chats at once.
        const person = name ?? namedTitle!;
        if (selfSenders.has(matchKey(person)) || !bySender.has(matchKey(person))) weak = `${sharedText}, none of them from ${person}${FORWARDED}`;
      } else if (name !== undefined ? senders.length < 2 : !broad) {
        weak =
          `${sharedText}, and ${name !== undefined ? 'shared messages' : `at least ${OVERLAP_ALONE}`} from two senders or more, ` +
          `one of them not the custodian, are needed${FORWARDED}`;
      }
      if (weak === null && unknown.length > 0 && !broad) {
        weak = `${unknown.join(', ')}, author${unknown.length === 1 ? '' : 's'} here, ${unknown.length === 1 ? 'is' : 'are'} not its participant${unknown.length === 1 ? '' : 's'}, and ${sharedText}: a new author is taken in only with at least ${OVERLAP_ALONE} shared messages from two senders`;
      }
      // Where the conversation begins, the export may end: a batch of messages forwarded to several chats at once, at
      // its very end, would be all the evidence, against an export that shared too little at its start. So there: at
      // least CONSISTENT_FROM shared, in DISTINCT_MINUTES minutes or more (a batch is forwarded in a moment), and a
      // group only for a group export (a 1:1 chat and a group of the same people share such batches).
      if (weak === null && !atStart) {
        const minutes = new Set(probe.messages.filter((m) => heldAll.has(m.key)).map((m) => m.localIso.slice(0, 16))).size;
        if (held.size < CONSISTENT_FROM || minutes < DISTINCT_MINUTES) {
          weak = `${sharedText}${minutes < DISTINCT_MINUTES ? ` within ${minutes} minute${minutes === 1 ? '' : 's'}` : ''}, and an export that shares too little at its start needs at least ${CONSISTENT_FROM} there, in ${DISTINCT_MINUTES} minutes or more`;
        } else if (c.isGroup !== scan.isGroup) {
          weak = `${sharedText}, but that conversation is ${c.isGroup ? 'a group and this export reads as a 1:1 chat' : 'a 1:1 chat and this export reads as a group'}, and an export that shares too little at its start is taken into one of its own kind only`;
        }
      }
    }
    if (weak !== null) return { miss: { c, tie, why: weak } };
    const why =
      name === undefined
        ? null
        : name === null
          ? `"${namedTitle}", this chat's name, is a participant of that 1:1 conversation`
          : c.isGroup
            ? `"${name}" authors lines here that WhatsApp writes itself, and is that group conversation's title, not a participant (a group's name authoring its events: read as such)`
            : `"${name}", an author here, is that 1:1 conversation's title and participant`;
    return { hit: { c, chatName: name ?? null, how: `${renamedText}${why === null ? '' : `${why}, `}${theOthers}, and ${sharedText}, ${storedThere}` } };
  };
  const verdicts = convs.map((c) => ({ c, verdict: judge(c, start) }));
  // An older export of the chat ingested after a newer one: it begins before the conversation's stored exports, one of
  // which begins within the export's time, so its first messages share little or nothing with it. The evidence is where
  // that stored export begins (see conversationSourceStarts; the earliest such): the export is probed again from there,
  // once for all such conversations.
  const again = start.complete || exportTo === null ? [] : verdicts.flatMap((v) => {
    if (v.verdict === null || 'hit' in v.verdict) return [];
    const from = conversationSourceStarts(ctx.db, v.c.id).find((t) => t > start.fromMs && t <= exportTo);
    return from !== undefined ? [{ v, from }] : [];
  });
  if (again.length) {
    const probes = await probeExportFrom(ctx, unit, scan, again.map((a) => a.from));
    again.forEach((a, i) => (a.v.verdict = judge(a.v.c, probes[i]!) ?? a.v.verdict));
  }
  for (const { verdict } of verdicts) {
    if (verdict === null) continue;
    if ('hit' in verdict) qualified.push(verdict.hit);
    else nearMiss.push(verdict.miss);
  }
  const label = (c: ConversationEvidence): string => `conversation ${c.id} "${c.title}"`;
  const what =
    namedTitle === null
      ? 'this export names no chat (no title in its file name, no group subject, no encryption notice)'
      : `no conversation is titled "${namedTitle}" by an export that names its chat`;
  const misses = nearMiss.map(({ c, tie, why }) => ({
    code: 'conversation-not-matched',
    message: `${what}; ${label(c)} may be the same chat (${tie}), but ${why}: ${qualified.length === 1 ? 'not taken into it' : 'stored as a new conversation'}`,
  }));
  if (qualified.length === 1) {
    const q = qualified[0]!;
    return {
      match: { conversation: q.c, chatName: q.chatName },
      warnings: [{ code: 'conversation-matched', message: `${what}; taken into ${label(q.c)} as the same chat: ${q.how}` }, ...misses],
    };
  }
  if (qualified.length > 1) {
    return {
      match: null,
      warnings: [{
        code: 'conversation-not-matched',
        message: `${what}, and ${qualified.map((q) => label(q.c)).join(', ')} each may be this chat: stored as a new conversation rather than guessed`,
      }, ...misses],
    };
  }
  return { match: null, warnings: misses };
}

/**
 * Whether the shared messages come in the order the conversation stored them: a source stores its new messages in
 * its export order (seq), so the messages one source stored must come in seq order here too. `probed` is in export
 * order; messages stored by different sources are not compared (a later source appends, whatever their time).
 */
function sameOrder(probed: Map<string, Probed>, held: Map<string, { seq: number; source: number }>): boolean {
  const last = new Map<number, number>();
  for (const k of probed.keys()) {
    const h = held.get(k);
    if (!h) continue;
    if ((last.get(h.source) ?? -1) > h.seq) return false;
    last.set(h.source, h.seq);
  }
  return true;
}
