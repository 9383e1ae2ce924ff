/**
 * Shared machinery of the transcript parsers (sigtop text / text-short, signalbackup-tools TXT): chat
 * description built up while streaming, stable keys made unique within a file, raw text of multi-line records.
 */
import { toE164 } from '../phone.js';
import type { Participant, SourceLine } from '../types.js';
import {
  DEFAULT_SELF_NAME,
  SELF_KEY,
  buildMessage,
  describeDuration,
  type MessageInput,
  type SignalEvent,
  type SignalParseOptions,
  type WarningSink,
} from './common.js';

export type TextVariant = 'sigtop-text' | 'sigtop-text-short' | 'signalbackup-tools-txt';

export interface SignalTextOptions extends SignalParseOptions {
  /** File name of the transcript: `<Name> (<detail>).txt` (sigtop) or `<Name> (_id<N>).txt` (signalbackup-tools). */
  fileName?: string;
  /** Skip detection. */
  variant?: TextVariant;
}

/** Joins the lines of one record with their own line endings (the last one without). */
export function rawOf(lines: SourceLine[]): string {
  return lines.map((l, i) => (i < lines.length - 1 ? l.text + l.eol : l.text)).join('');
}

/** Sender key for a transcript name: E.164 from a `(detail)` when there is one, else `name:<Name>`. */
export function keyForName(name: string, detail?: string | null): { key: string; phone: string | null } {
  const phone = toE164(detail ?? null);
  if (phone) return { key: phone, phone };
  if (detail && /^[0-9a-f-]{36}$/i.test(detail)) return { key: detail.toLowerCase(), phone: null };
  return { key: `name:${name}`, phone: null };
}

/** `Name (detail)` → parts; a name without parentheses has no detail. */
export function splitNameDetail(s: string): { name: string; detail: string | null } {
  const m = /^(.*) \(([^()]+)\)$/.exec(s.trim());
  return m ? { name: m[1]!, detail: m[2]! } : { name: s.trim(), detail: null };
}

export type TranscriptMessage = Omit<MessageInput, 'seq' | 'zone' | 'stableKey'> & { keyBase: string };

export class TranscriptSink {
  readonly selfName: string;
  readonly selfKey = SELF_KEY;
  private seq = 0;
  private emitted: string | null = null;
  private readonly people = new Map<string, Participant>();
  private readonly renames: string[] = [];
  private lastKeyBase = '';
  private repeat = 0;
  isGroup: boolean;
  chatKey: string;
  constructor(
    readonly opts: SignalTextOptions,
    readonly warnings: WarningSink,
    public title: string,
    chat: { chatKey: string; isGroup: boolean | null },
    /** The transcript names the custodian recognisably ("You") or the caller gave selfName. */
    private readonly selfVisible: boolean,
  ) {
    this.selfName = opts.selfName ?? DEFAULT_SELF_NAME;
    this.chatKey = chat.chatKey;
    this.isGroup = chat.isGroup ?? false;
  }

  /** Whether a name in the transcript is the custodian (only knowable when selfName is given, or "You"). */
  isSelf(name: string): boolean | null {
    if (name === 'You') return true;
    if (this.opts.selfName) return name === this.opts.selfName;
    if (!this.isGroup && name === this.title) return false;
    return null;
  }

  noteSender(p: Participant): void {
    if (!p.key || p.key === this.selfKey || this.people.has(p.key)) return;
    this.people.set(p.key, p);
    // Without a known self name the custodian shows up as one more sender.
    if (this.people.size > (this.selfVisible ? 1 : 2)) this.isGroup = true;
  }

  noteRename(title: string): void {
    this.renames.push(title);
    this.isGroup = true;
  }

  timerText(who: string, seconds: number): string {
    return seconds ? `${who} set the disappearing message timer to ${describeDuration(seconds)}.` : `${who} turned off disappearing messages.`;
  }

  private chatEvent(): SignalEvent & { type: 'chat' } {
    const self: Participant = { name: this.selfName, phone: toE164(this.opts.selfPhone), key: this.selfKey };
    const titleHistory = this.renames.filter((t, i, all) => t !== this.title && all.indexOf(t) === i);
    return {
      type: 'chat',
      chat: { platform: 'signal', chatKey: this.chatKey, title: this.title, titleHistory, isGroup: this.isGroup, participants: [...this.people.values(), self] },
      lowFidelity: true,
    };
  }

  /** Chat event (first time) + message event. Keys repeated within one second/minute get `#2`, `#3`. */
  message(m: TranscriptMessage): SignalEvent[] {
    const out: SignalEvent[] = [];
    if (this.emitted === null) {
      const ev = this.chatEvent();
      this.emitted = JSON.stringify(ev.chat);
      out.push(ev);
    }
    this.repeat = m.keyBase === this.lastKeyBase ? this.repeat + 1 : 1;
    this.lastKeyBase = m.keyBase;
    const { keyBase, ...rest } = m;
    const message = buildMessage({ ...rest, seq: this.seq++, zone: this.opts.zone, stableKey: this.repeat > 1 ? `${keyBase}#${this.repeat}` : keyBase });
    out.push({ type: 'message', chatKey: this.chatKey, message });
    return out;
  }

  /** Re-emits the chat when streaming taught more (members, group-ness, renames). */
  finish(): SignalEvent[] {
    if (this.emitted === null) return [];
    const ev = this.chatEvent();
    return JSON.stringify(ev.chat) === this.emitted ? [] : [ev];
  }
}

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };

/** `1 week`, `8 hours`, `30 seconds` → seconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s+(second|minute|hour|day|week)s?$/i.exec(text.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase()]! : null;
}
