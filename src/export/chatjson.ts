import { z } from 'zod';
import type { HashingFile } from './files.js';

/**
 * The per-conversation `chat.json` format ("chatarchief-chat", version 1) and the per-conversation `review-log.json`
 * format ("chatarchief-review-log", version 1). The zod schemas below are the single source: the JSON Schemas shipped in
 * every package (Documentatie_chatformaat/chat.schema.json, review-log.schema.json) are generated from them, and
 * `verify` validates every slot with them.
 *
 * Layout (valid JSON, written so that a reader can stream it): line 1 holds everything up to and including
 * `"slots":[`; then one slot per line (a trailing comma after every slot but the last); the last line is `]}`.
 * The header follows the eDiscovery RSMF headers: custodian (X-RSMF-Custodian), participants (X-RSMF-Participants),
 * beginDate/endDate (X-RSMF-BeginDate/EndDate), eventCount (X-RSMF-EventCount), application (X-RSMF-Application).
 */

export const FORMAT_VERSION = 1;
const int = z.number().int();
const category = z.enum(['zakelijk', 'privé', 'partijpolitiek']);
const ts = z.string().describe('ISO 8601 instant with the offset of the zone it was read in');

const markingRef = {
  category: category.describe('Why the content is withheld'),
  markingId: int.nullable().describe('Marking id (shown as M-<id>); null when the custodian\'s default category applied'),
  decisionId: int.nullable().describe('Decision that made the marking count (shown as B-<id>); null when undecided or default'),
  decidedAt: z.string().nullable().describe('When that decision was taken'),
  undecided: z.boolean().describe('True when an undecided suggestion was counted as marked (export with --allow-unreviewed)'),
  level: z.enum(['contact', 'conversation', 'message', 'default']).describe('The marking level that withheld the content'),
};

const passage = z.strictObject({
  start: int.describe('UTF-16 offset where the replacement starts (geschoond: in the cleaned text; ruw: in the stored text)'),
  end: int.describe('UTF-16 offset where it ends (exclusive)'),
  categories: z.array(category),
  markingIds: z.array(int),
});

const keptAttachment = z.strictObject({
  ordinal: int.describe('Position in the message\'s attachment list'),
  name: z.string().describe('Original file name (private names screened)'),
  mime: z.string().nullable(),
  sha256: z.string().nullable(),
  size: int.nullable(),
  missing: z.boolean().describe('The export said the file was left out or it was not found'),
  file: z.string().nullable().describe('Name of the media file in this folder, or null when there are no bytes'),
});

export const messageSlot = z.strictObject({
  type: z.literal('message'),
  id: int.describe('Message id in the chatarchief store; the same id in the ruwe dataset'),
  seq: int.describe('Position in the conversation'),
  sentAt: ts,
  localTime: z.string().describe('Time as written in the source export; for exports that hold only epoch timestamps (Signal, SMS XML), the wall-clock time in the custodian\'s zone (ISO, no offset)'),
  sender: z.string().nullable().describe('Sender as shown: a business participant by name, a private contact by pseudonym'),
  fromSelf: z.boolean().nullable().describe('True when the custodian sent it'),
  kind: z.string().describe('text, media, location, contact, poll, call, deleted or system'),
  event: z.string().nullable().describe('System event kind for kind = system'),
  text: z.string().describe('Text; withheld passages replaced by "[passage afgeschermd: <categorie> · M-<id>]", private names and numbers by "[Privécontact N]"'),
  edited: z.boolean(),
  viewOnce: z.boolean(),
  deletedBy: z.string().nullable(),
  replyToMessageId: int.nullable(),
  timeAmbiguous: z.boolean().describe('The local time fell in a DST fold'),
  timeInvalid: z.boolean().describe('The local time fell in a DST gap'),
  attachments: z.array(keptAttachment),
  passages: z.array(passage).describe('Withheld passages in this message'),
}).describe('A business message, verbatim');

export const markerSlot = z.strictObject({
  type: z.literal('marker'),
  id: int, seq: int, sentAt: ts, localTime: z.string(), kind: z.string(),
  sender: z.string().nullable().describe('A business participant by name; a private contact by pseudonym ("Privécontact N")'),
  fromSelf: z.boolean().nullable(),
  ...markingRef,
  label: z.string().describe('e.g. "[bericht afgeschermd: privé · M-12 · B-34]"'),
  attachments: z.array(z.strictObject({ withheld: z.literal(true), category })).describe('One stub per withheld attachment'),
}).describe('A withheld privé or partijpolitiek message: its place, time and kind, nothing of its content');

export const conversationMarkerSlot = z.strictObject({
  type: z.literal('conversation-marker'),
  ...markingRef,
  label: z.string(),
  from: ts.nullable().describe('First withheld message'),
  to: ts.nullable().describe('Last withheld message'),
  slotCount: int.describe('How many messages (slots of the ruwe dataset) this marker stands for'),
}).describe('A conversation withheld as a whole (marked at conversation or contact level)');

export const geschoondSlot = z.discriminatedUnion('type', [messageSlot, markerSlot, conversationMarkerSlot]);

export const rawSlot = z.strictObject({
  type: z.literal('raw-message'),
  message: z.record(z.string(), z.unknown()).describe('The message as stored (the chatarchief message JSON contract), attachments with their package file'),
  cleaning: z.strictObject({
    outcome: z.enum(['kept', 'marker', 'conversation-marker']).describe('What the geschoonde set made of this message'),
    ref: z.strictObject(markingRef).nullable(),
    passages: z.array(passage).describe('Withheld passages (offsets into the stored text)'),
  }),
}).describe('A message of the ruwe dataset with what the cleaning did to it');

const participant = z.strictObject({
  name: z.string(),
  custodian: z.boolean(),
  contactId: int.optional().describe('ruw only'),
  phone: z.string().nullable().optional().describe('ruw only'),
  private: z.boolean().optional().describe('ruw only: private contact (pseudonymised in the geschoonde set)'),
  pseudonym: z.string().nullable().optional().describe('ruw only'),
});

export const chatHeader = z.strictObject({
  conversationId: int,
  title: z.string().describe('Title; "Afgeschermd gesprek" for a withheld conversation in the geschoonde set'),
  titleHistory: z.array(z.string()).optional().describe('ruw only: earlier titles'),
  titleWithheld: z.boolean().optional().describe('ruw only: the title only exists through withheld content and the geschoonde set does not show it'),
  subjectsWithheld: z.array(z.string()).optional().describe('ruw only: group subjects and descriptions that only withheld events set; the geschoonde set shows "[onderwerp afgeschermd]" for them in system events and the title'),
  platform: z.string(),
  application: z.string().describe('X-RSMF-Application'),
  isGroup: z.boolean(),
  custodian: z.strictObject({ id: z.string(), name: z.string(), function: z.string(), department: z.string() }).describe('X-RSMF-Custodian'),
  participants: z.array(participant).describe('X-RSMF-Participants'),
  beginDate: ts.nullable().describe('X-RSMF-BeginDate'),
  endDate: ts.nullable().describe('X-RSMF-EndDate'),
  eventCount: int.describe('X-RSMF-EventCount: slots in this file'),
  messageCount: int.describe('Messages of the ruwe dataset these slots stand for (equal in both sets)'),
  excluded: z.boolean().describe('The conversation is withheld as a whole in the geschoonde set'),
  period: z.strictObject({ from: z.string().nullable(), to: z.string().nullable() }).describe('The export period (dates, inclusive)'),
  alreadyDelivered: int.describe('Messages of this conversation in the period left out because an earlier export delivered them (vervolgexport)'),
  allowUnreviewed: z.boolean().describe('Exported with undecided suggestions counted as marked'),
  exportedAt: ts,
  sources: z.array(int).optional().describe('ruw only: ids of the source exports (see Verantwoording/bronnen.json)'),
});

export const chatFileHead = z.strictObject({
  format: z.literal('chatarchief-chat'),
  formatVersion: z.literal(FORMAT_VERSION),
  set: z.enum(['ruw', 'geschoond']),
  header: chatHeader,
});

export type ChatHeader = z.infer<typeof chatHeader>;

const decision = z.strictObject({
  id: int, action: z.string(), category: z.string().nullable(), reviewer: z.string(), decidedAt: z.string(),
  needsSecond: z.boolean(), undoes: int.nullable(),
  reason: z.string().nullable().optional().describe('ruw only'),
});

export const reviewLogEntry = z.strictObject({
  markingId: int,
  level: z.enum(['contact', 'conversation', 'message', 'passage']),
  targetId: int,
  span: z.tuple([int, int]).nullable(),
  origin: z.enum(['rule', 'manual']),
  ruleId: z.string().nullable().optional().describe('ruw only: a rule id may name a private contact or repeat a withheld word'),
  suggestedCategory: z.string(),
  category: z.string(),
  status: z.enum(['suggested', 'confirmed', 'rejected', 'changed']),
  active: z.boolean(),
  effective: z.boolean().describe('Whether the marking counted for this export'),
  decisions: z.array(decision),
  evidence: z.record(z.string(), z.unknown()).optional().describe('ruw only: the rule evidence (matched term, span)'),
  ruleFileHash: z.string().nullable().optional().describe('ruw only'),
});

export const reviewLogHead = z.strictObject({
  format: z.literal('chatarchief-review-log'),
  formatVersion: z.literal(FORMAT_VERSION),
  set: z.enum(['ruw', 'geschoond']),
  conversationId: int,
});

/** JSON Schema documents shipped in every package. */
export function jsonSchemas(): Record<string, unknown> {
  const chat = z.object({ ...chatFileHead.shape, slots: z.array(z.union([geschoondSlot, rawSlot])) }).describe(
    'chatarchief-chat v1: one conversation. Streaming layout: line 1 up to "slots":[, then one slot per line, last line ]}.',
  );
  const log = z.object({ ...reviewLogHead.shape, entries: z.array(reviewLogEntry) }).describe('chatarchief-review-log v1: markings and decisions of one conversation');
  return { 'chat.schema.json': z.toJSONSchema(chat), 'review-log.schema.json': z.toJSONSchema(log) };
}

/** Writes the streaming layout: head object, then items one per line inside `key`. */
export class JsonLinesArrayWriter {
  private n = 0;

  constructor(readonly file: HashingFile, head: Record<string, unknown>, key: string) {
    const h = JSON.stringify(head);
    file.write(`${h.slice(0, -1)},${JSON.stringify(key)}:[`);
  }

  get count(): number {
    return this.n;
  }

  /** Writes one item; returns the exact JSON text written for it (for content hashes). */
  item(value: unknown): string {
    const s = JSON.stringify(value);
    this.raw(s);
    return s;
  }

  /** Writes one item already serialised with JSON.stringify (one line). */
  raw(json: string): void {
    this.file.write(this.n++ === 0 ? `\n${json}` : `,\n${json}`);
  }

  close(): void {
    this.file.write('\n]}\n');
  }
}

/** Splits a file in the streaming layout back into its head and item lines (see readLines). */
export function* parseJsonLinesArray(lines: Iterable<string>): Generator<{ head: Record<string, unknown> } | { item: unknown; line: number }> {
  let line = 0;
  let closed = false;
  for (const raw of lines) {
    line++;
    if (line === 1) {
      const m = raw.match(/^(.*),"[A-Za-z]+":\[$/);
      if (!m) throw new Error('line 1: expected the head ending in "<key>":[');
      yield { head: JSON.parse(`${m[1]}}`) as Record<string, unknown> };
      continue;
    }
    if (raw === ']}') { closed = true; continue; }
    if (closed) { if (raw.trim()) throw new Error(`line ${line}: content after ]}`); continue; }
    yield { item: JSON.parse(raw.endsWith(',') ? raw.slice(0, -1) : raw) as unknown, line };
  }
  if (!closed) throw new Error('the file does not end with ]}');
}
