/**
 * Signal's own plaintext chat export ("Export chat history", 2026+): `main.jsonl` = one proto3-JSON frame per
 * line. Line 1 is BackupInfo; then `account`, `recipient`, `chat`, `chatItem`, ... frames, where everything an
 * item refers to comes before it. Streams: memory holds the recipients and chats, never the items.
 */
import { toE164 } from '../phone.js';
import type { ParsedChat, Participant, SourceLine } from '../types.js';
import {
  DEFAULT_SELF_NAME,
  SELF_KEY,
  SignalFormatError,
  WarningSink,
  describeDuration,
  toMs,
  uuidFromBase64,
  type SignalEvent,
  type SignalParseOptions,
} from './common.js';
import { Account, BackupInfo, Chat, ChatItem, Metadata, Recipient, describeZodError, type RecipientT } from './export-schema.js';
import { mapChatItem, type ExportChatState, type ItemContext, type Person } from './export-items.js';
import { groupIdFromMasterKey } from './group-id.js';

export interface SignalExportOptions extends SignalParseOptions {
  /** Parsed `metadata.json` of the export, when the caller has it; its `version` is checked. */
  metadata?: unknown;
  /** The custodian's ACI (UUID text), when known: the export does not name self's ACI anywhere reliable. */
  selfAci?: string;
}

const FRAME_KEYS = ['account', 'recipient', 'chat', 'chatItem', 'stickerPack', 'adHocCall', 'notificationProfile', 'chatFolder'];

interface RecipientInfo {
  id: string;
  raw: RecipientT;
  person: Person;
}

interface ChatInfo {
  state: ExportChatState;
  recipientId: string;
  emitted: string | null;
}

export async function* parseSignalExport(lines: AsyncIterable<SourceLine>, opts: SignalExportOptions): AsyncGenerator<SignalEvent> {
  const entry = opts.entry ?? 'main.jsonl';
  const warnings = new WarningSink(opts.onWarning, entry);
  checkMetadata(opts.metadata, warnings);
  const selfKey = opts.selfAci?.toLowerCase() ?? SELF_KEY;
  const self: Person = { name: opts.selfName ?? DEFAULT_SELF_NAME, phone: toE164(opts.selfPhone), key: selfKey, isSelf: true };
  const recipients = new Map<string, RecipientInfo>();
  const byAci = new Map<string, Person>();
  const chats = new Map<string, ChatInfo>();
  let seq = 0;
  let sawHeader = false;
  // The custodian's ACI: given by the caller, or inferred from group member lists (see inferSelfAci).
  const selfAci = { value: opts.selfAci?.toLowerCase() ?? null };
  const triedAci = new Set<string>();

  const unknownPerson = (id: string): Person => ({ name: null, phone: null, key: `recipient:${id}`, isSelf: false });
  const ctx: ItemContext = {
    zone: opts.zone,
    warnings,
    person(id, line) {
      if (id === undefined) return unknownPerson('?');
      const r = recipients.get(String(id));
      if (!r) {
        warnings.warn('unknown-recipient', `recipient ${id} is referred to but was not defined before line ${line}`, line, `unknown-recipient:${id}`);
        return unknownPerson(String(id));
      }
      return r.person;
    },
    personByAci(aciB64) {
      const uuid = uuidFromBase64(aciB64);
      if (!uuid) return null;
      const known = byAci.get(uuid);
      if (known) return known;
      if (!selfAci.value && !triedAci.has(uuid)) {
        triedAci.add(uuid);
        // Resolve self lazily from the first group that names exactly one member without a contact frame.
        for (const r of recipients.values()) {
          const members = (r.raw.group?.snapshot?.members ?? []).map((m) => uuidFromBase64(m.userId) ?? m.userId);
          if (members.includes(uuid)) {
            selfAci.value = inferSelfAci(members, byAci);
            break;
          }
        }
      }
      return uuid === selfAci.value ? self : null;
    },
    timerSeen(chat, seconds, line) {
      warnings.warn(
        'disappearing-messages-may-be-absent',
        `chat "${chat.title}" used disappearing messages (timer ${describeDuration(seconds)}); Signal's export leaves out every message that had a timer, so this chat is incomplete`,
        line,
        `dm:${chat.chatKey}`,
        chat.chatKey,
      );
    },
  };

  for await (const src of lines) {
    const text = src.lineNo === 1 ? src.text.replace(/^\ufeff/, '') : src.text;
    if (!text.trim()) continue;
    const line = src.lineNo;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (cause) {
      throw new SignalFormatError(`not valid JSON (${(cause as Error).message})`, {
        entry,
        line,
        expected: 'one complete JSON object per line (Signal export frame); the line may be truncated',
        cause,
      });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new SignalFormatError('not a JSON object', { entry, line, expected: 'a Signal export frame object' });
    }
    const o = obj as Record<string, unknown>;
    if (!sawHeader) {
      const info = BackupInfo.safeParse(o);
      if (!info.success || FRAME_KEYS.some((k) => k in o)) {
        throw new SignalFormatError('first line is not a BackupInfo header', { entry, line, expected: 'an object with version and backupTimeMs (main.jsonl of a Signal chat export)' });
      }
      sawHeader = true;
      const ms = toMs(info.data.backupTimeMs);
      yield {
        type: 'source',
        format: 'signal-export',
        platform: 'signal',
        lowFidelity: false,
        details: {
          backupVersion: String(info.data.version),
          backupTime: ms ? new Date(ms).toISOString() : null,
          currentAppVersion: info.data.currentAppVersion ?? null,
          firstAppVersion: info.data.firstAppVersion ?? null,
          metadataVersion: metadataVersion(opts.metadata),
        },
      };
      continue;
    }
    const key = FRAME_KEYS.find((k) => k in o);
    if (!key) {
      warnings.warn('unknown-frame', `frame of an unknown kind (${Object.keys(o).join(', ') || 'empty'}) skipped`, line, 'unknown-frame');
      continue;
    }
    const value = o[key];
    const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }): T => {
      const r = schema.safeParse(value);
      if (!r.success) throw new SignalFormatError(describeZodError(key, r.error), { entry, line, expected: `a valid ${key} frame` });
      return r.data;
    };
    if (key === 'account') {
      const a = parse(Account);
      const name = [a.givenName, a.familyName].filter(Boolean).join(' ');
      if (name && !opts.selfName) self.name = name;
    } else if (key === 'recipient') {
      const r = parse(Recipient);
      const info = recipientInfo(r, self);
      recipients.set(info.id, info);
      const aci = uuidFromBase64(r.contact?.aci);
      if (aci) byAci.set(aci, info.person);
    } else if (key === 'chat') {
      const c = parse(Chat);
      const rid = String(c.recipientId);
      const r = recipients.get(rid);
      if (!r) throw new SignalFormatError(`chat ${c.id} refers to recipient ${rid}, which was not defined before`, { entry, line, expected: 'recipient frames before the chats that use them' });
      const state: ExportChatState = { chatKey: chatKeyOf(r), title: chatTitle(r), isGroup: !!r.raw.group, timerSeconds: 0, renames: [] };
      chats.set(String(c.id), { state, recipientId: rid, emitted: null });
      const timerMs = toMs(c.expirationTimerMs) ?? 0;
      const groupTimer = r.raw.group?.snapshot?.disappearingMessagesTimer?.disappearingMessagesDuration ?? 0;
      const seconds = Math.round(timerMs / 1000) || groupTimer;
      if (seconds) ctx.timerSeen(state, seconds, line);
    } else if (key === 'chatItem') {
      const item = parse(ChatItem);
      let chat = chats.get(String(item.chatId));
      if (!chat) {
        warnings.warn('unknown-chat', `chatItem refers to chat ${item.chatId}, which was not defined before; kept under a placeholder chat`, line, `unknown-chat:${item.chatId}`);
        const state: ExportChatState = { chatKey: `chat:${item.chatId}`, title: `Unknown chat ${item.chatId}`, isGroup: false, timerSeconds: 0, renames: [] };
        chat = { state, recipientId: '', emitted: null };
        chats.set(String(item.chatId), chat);
      }
      const message = mapChatItem(ctx, chat.state, item, { seq, line, rawText: text });
      seq++;
      if (chat.emitted === null) {
        const described = describeChat(chat, recipients, byAci, self, selfAci);
        chat.emitted = JSON.stringify(described);
        yield { type: 'chat', chat: described, lowFidelity: false };
      }
      yield { type: 'message', chatKey: chat.state.chatKey, message };
    }
  }
  if (!sawHeader) throw new SignalFormatError('empty input', { entry, line: 1, expected: 'a BackupInfo header line' });
  // Re-emit chats whose description grew while streaming (renames, members learned later).
  for (const chat of chats.values()) {
    if (chat.emitted === null) continue;
    const described = describeChat(chat, recipients, byAci, self, selfAci);
    if (JSON.stringify(described) !== chat.emitted) yield { type: 'chat', chat: described, lowFidelity: false };
  }
}

function metadataVersion(metadata: unknown): string | null {
  const m = Metadata.safeParse(metadata);
  return m.success ? String(m.data.version) : null;
}

function checkMetadata(metadata: unknown, warnings: WarningSink): void {
  if (metadata === undefined) return;
  const m = Metadata.safeParse(metadata);
  if (!m.success) throw new SignalFormatError(describeZodError('metadata', m.error), { entry: 'metadata.json', expected: 'an object with a version number' });
  if (Number(m.data.version) > 1) {
    warnings.warn('unknown-export-version', `metadata.json version ${m.data.version} is newer than the version this parser knows (1); fields may be missed`);
  }
}

/**
 * A contact's names, the one Signal shows first (the custodian's nickname for it, the address-book name, the profile
 * name, the username): `name` is the first of them, `otherNames` the rest, each once.
 */
function contactNames(c: NonNullable<RecipientT['contact']>): { name: string | null; otherNames: string[] } {
  const join = (...p: (string | undefined)[]): string => p.filter(Boolean).join(' ').trim();
  const all = [
    join(c.nickname?.given, c.nickname?.family), join(c.systemGivenName, c.systemFamilyName), c.systemNickname?.trim() ?? '',
    join(c.profileGivenName, c.profileFamilyName), c.username?.trim() ?? '',
  ].filter((n, i, a) => n && a.indexOf(n) === i);
  return { name: all[0] ?? null, otherNames: all.slice(1) };
}

function recipientInfo(r: RecipientT, self: Person): RecipientInfo {
  const id = String(r.id);
  if (r.self) return { id, raw: r, person: self };
  if (r.contact) {
    const aci = uuidFromBase64(r.contact.aci);
    const phone = r.contact.e164 !== undefined ? toE164(`+${r.contact.e164}`) : null;
    const { name, otherNames } = contactNames(r.contact);
    return { id, raw: r, person: { name, phone, key: aci ?? phone ?? `recipient:${id}`, isSelf: false, ...(otherNames.length ? { otherNames } : {}) } };
  }
  const name = r.group?.snapshot?.title?.title ?? (r.releaseNotes ? 'Signal' : r.callLink?.name ?? null);
  return { id, raw: r, person: { name, phone: null, key: `recipient:${id}`, isSelf: false } };
}

function chatKeyOf(r: RecipientInfo): string {
  if (r.raw.self) return 'self';
  if (r.raw.releaseNotes) return 'release-notes';
  if (r.raw.group) {
    const gid = groupIdFromMasterKey(r.raw.group.masterKey);
    return gid ? `group:${gid}` : `recipient:${r.id}`;
  }
  if (r.raw.contact) return r.person.phone ?? (r.person.key.startsWith('recipient:') ? r.person.key : `aci:${r.person.key}`);
  return `recipient:${r.id}`;
}

function chatTitle(r: RecipientInfo): string {
  if (r.raw.self) return 'Note to Self';
  if (r.raw.releaseNotes) return 'Signal release notes';
  if (r.raw.group) return r.raw.group.snapshot?.title?.title ?? 'Unnamed group';
  return r.person.name ?? r.person.phone ?? r.person.key;
}

function participant(p: Person): Participant {
  return { name: p.name, phone: p.phone, key: p.key, ...(p.otherNames ? { otherNames: p.otherNames } : {}) };
}

/**
 * Group members are ACIs. Every member other than the custodian has a contact frame (backup.proto: "in favor
 * of Contact frames for members"); the custodian is the `self` recipient, which carries no ACI. So a group
 * with exactly one member without a contact frame reveals the custodian's ACI.
 */
function inferSelfAci(members: string[], byAci: Map<string, Person>): string | null {
  const unknown = members.filter((m) => !byAci.has(m));
  return unknown.length === 1 ? unknown[0]! : null;
}

function describeChat(
  chat: ChatInfo,
  recipients: Map<string, RecipientInfo>,
  byAci: Map<string, Person>,
  self: Person,
  selfAci: { value: string | null },
): ParsedChat & { chatKey: string } {
  const r = recipients.get(chat.recipientId);
  const state = chat.state;
  let participants: Participant[] = [participant(self)];
  if (r?.raw.contact) participants = [participant(r.person), participant(self)];
  if (r?.raw.group) {
    const members = (r.raw.group.snapshot?.members ?? []).map((m) => uuidFromBase64(m.userId) ?? m.userId);
    if (!selfAci.value) selfAci.value = inferSelfAci(members, byAci);
    participants = members.map((uuid) => {
      if (uuid === selfAci.value) return participant(self);
      const p = byAci.get(uuid);
      return p ? participant(p) : { name: null, phone: null, key: uuid };
    });
  }
  const history = state.renames.filter((t, i, all) => t !== state.title && all.indexOf(t) === i);
  return { platform: 'signal', chatKey: state.chatKey, title: state.title, titleHistory: history, isGroup: state.isGroup, participants };
}
