/**
 * zod schemas for the frames of Signal's plaintext export (`main.jsonl`, Backup-v2 protobuf rendered as
 * proto3 JSON). Only the fields the parser reads are typed; everything else passes through untouched
 * (`looseObject`), so new Signal fields never break an ingest. proto3 JSON writes 64-bit integers as strings
 * and omits default values, hence the optional fields and the `U64` union.
 */
import { z } from 'zod';
import { MAX_DATE_EXPECTED, MAX_DATE_MS } from './common.js';

/** What a 64-bit integer field should hold, said when it holds something else (zod's own word is "Invalid input"). */
const INTEGER = 'an integer (a string of digits, as proto3 JSON writes 64-bit numbers, or a whole number)';
export const U64 = z.union([z.string().regex(/^-?\d+$/, 'expected an integer string'), z.number().int()], {
  error: (issue) => (issue.input === undefined ? `missing; expected ${INTEGER}` : `expected ${INTEGER}, found ${shown(issue.input)}`),
});
/** A time in milliseconds since 1970 (integer string or number) within the dates a computer can hold (see MAX_DATE_MS). */
export const Millis = U64.refine((v) => Math.abs(Number(v)) <= MAX_DATE_MS, MAX_DATE_EXPECTED);
const Enum = z.union([z.string(), z.number()]);
const B64 = z.string();

export const BackupInfo = z.looseObject({
  version: U64,
  backupTimeMs: Millis,
  currentAppVersion: z.string().optional(),
  firstAppVersion: z.string().optional(),
});

export const Metadata = z.looseObject({ version: U64 });

export const Account = z.looseObject({
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  username: z.string().optional(),
});

const Name = z.looseObject({ given: z.string().optional(), family: z.string().optional() });

export const Contact = z.looseObject({
  aci: B64.optional(),
  pni: B64.optional(),
  username: z.string().optional(),
  e164: U64.optional(),
  nickname: Name.optional(),
  systemGivenName: z.string().optional(),
  systemFamilyName: z.string().optional(),
  systemNickname: z.string().optional(),
  profileGivenName: z.string().optional(),
  profileFamilyName: z.string().optional(),
});

export const GroupMember = z.looseObject({ userId: B64, role: Enum.optional() });

export const Group = z.looseObject({
  masterKey: B64.optional(),
  snapshot: z
    .looseObject({
      title: z.looseObject({ title: z.string().optional() }).optional(),
      description: z.looseObject({ descriptionText: z.string().optional() }).optional(),
      disappearingMessagesTimer: z.looseObject({ disappearingMessagesDuration: z.number().optional() }).optional(),
      members: z.array(GroupMember).optional(),
    })
    .optional(),
});

export const Recipient = z.looseObject({
  id: U64,
  contact: Contact.optional(),
  group: Group.optional(),
  self: z.looseObject({}).optional(),
  releaseNotes: z.looseObject({}).optional(),
  distributionList: z.looseObject({}).optional(),
  callLink: z.looseObject({ name: z.string().optional() }).optional(),
});

export const Chat = z.looseObject({
  id: U64,
  recipientId: U64,
  expirationTimerMs: U64.optional(),
});

export const BodyRange = z.looseObject({
  start: z.number().int().optional(),
  length: z.number().int().optional(),
  mentionAci: B64.optional(),
  style: Enum.optional(),
});

export const Text = z.looseObject({ body: z.string().optional(), bodyRanges: z.array(BodyRange).optional() });

export const Reaction = z.looseObject({
  emoji: z.string().optional(),
  authorId: U64,
  sentTimestamp: Millis.optional(),
  sortOrder: U64.optional(),
});

export const FilePointer = z.looseObject({
  contentType: z.string().optional(),
  fileName: z.string().optional(),
  caption: z.string().optional(),
  locatorInfo: z
    .looseObject({
      plaintextHash: B64.optional(),
      encryptedDigest: B64.optional(),
      localKey: B64.optional(),
      size: z.number().optional(),
    })
    .optional(),
});

export const MessageAttachment = z.looseObject({
  pointer: FilePointer.optional(),
  flag: Enum.optional(),
  wasDownloaded: z.boolean().optional(),
});

export const Quote = z.looseObject({
  targetSentTimestamp: Millis.optional(),
  authorId: U64.optional(),
  text: Text.optional(),
  attachments: z.array(z.looseObject({ contentType: z.string().optional(), fileName: z.string().optional() })).optional(),
  type: Enum.optional(),
});

const Reactions = z.array(Reaction).optional();

export const StandardMessage = z.looseObject({
  quote: Quote.optional(),
  text: Text.optional(),
  attachments: z.array(MessageAttachment).optional(),
  linkPreview: z.array(z.looseObject({ url: z.string().optional(), title: z.string().optional() })).optional(),
  longText: FilePointer.optional(),
  reactions: Reactions,
});

export const ContactMessage = z.looseObject({
  contact: z
    .looseObject({
      name: z.looseObject({ givenName: z.string().optional(), familyName: z.string().optional(), nickname: z.string().optional() }).optional(),
      number: z.array(z.looseObject({ value: z.string().optional(), type: Enum.optional() })).optional(),
      email: z.array(z.looseObject({ value: z.string().optional() })).optional(),
      organization: z.string().optional(),
    })
    .optional(),
  reactions: Reactions,
});

export const StickerMessage = z.looseObject({
  sticker: z
    .looseObject({ packId: B64.optional(), stickerId: z.number().optional(), emoji: z.string().optional(), data: FilePointer.optional() })
    .optional(),
  reactions: Reactions,
});

const AnyObject = z.record(z.string(), z.unknown());

export const UpdateMessage = z.looseObject({
  simpleUpdate: z.looseObject({ type: Enum.optional() }).optional(),
  groupChange: z.looseObject({ updates: z.array(AnyObject).optional() }).optional(),
  expirationTimerChange: z.looseObject({ expiresInMs: U64.optional() }).optional(),
  profileChange: z.looseObject({ previousName: z.string().optional(), newName: z.string().optional() }).optional(),
  individualCall: z
    .looseObject({ callId: U64.optional(), type: Enum.optional(), direction: Enum.optional(), state: Enum.optional(), startedCallTimestamp: Millis.optional() })
    .optional(),
  groupCall: z
    .looseObject({ callId: U64.optional(), state: Enum.optional(), startedCallRecipientId: U64.optional(), startedCallTimestamp: Millis.optional(), endedCallTimestamp: Millis.optional() })
    .optional(),
});

const ItemCore = {
  chatId: U64,
  authorId: U64,
  dateSent: Millis,
  expiresInMs: U64.optional(),
  expireStartDate: U64.optional(),
  sms: z.boolean().optional(),
  incoming: z.looseObject({ dateReceived: U64.optional(), dateServerSent: U64.optional() }).optional(),
  outgoing: z.looseObject({}).optional(),
  directionless: z.looseObject({}).optional(),
  standardMessage: StandardMessage.optional(),
  contactMessage: ContactMessage.optional(),
  stickerMessage: StickerMessage.optional(),
  remoteDeletedMessage: z.looseObject({}).optional(),
  adminDeletedMessage: z.looseObject({ adminId: U64.optional() }).optional(),
  updateMessage: UpdateMessage.optional(),
  paymentNotification: AnyObject.optional(),
  giftBadge: AnyObject.optional(),
  viewOnceMessage: z.looseObject({ attachment: MessageAttachment.optional(), reactions: Reactions }).optional(),
  directStoryReplyMessage: z
    .looseObject({ textReply: z.looseObject({ text: Text.optional() }).optional(), emoji: z.string().optional(), reactions: Reactions })
    .optional(),
  poll: z
    .looseObject({
      question: z.string().optional(),
      allowMultiple: z.boolean().optional(),
      hasEnded: z.boolean().optional(),
      options: z.array(z.looseObject({ option: z.string().optional(), votes: z.array(z.looseObject({ voterId: U64.optional() })).optional() })).optional(),
      reactions: Reactions,
    })
    .optional(),
};

/** An earlier version of an edited message: same shape as a ChatItem, without its own revisions. */
export const Revision = z.looseObject({ ...ItemCore, chatId: U64.optional(), authorId: U64.optional() });

export const ChatItem = z.looseObject({ ...ItemCore, revisions: z.array(Revision).optional() });

export type RecipientT = z.infer<typeof Recipient>;
export type ChatItemT = z.infer<typeof ChatItem>;
export type RevisionT = z.infer<typeof Revision>;
export type ReactionT = z.infer<typeof Reaction>;
export type TextT = z.infer<typeof Text>;
export type MessageAttachmentT = z.infer<typeof MessageAttachment>;
export type FilePointerT = z.infer<typeof FilePointer>;

/** A value in an error message: short JSON (a long string or object is cut). */
function shown(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** Turns a zod failure into one line: `chatItem.dateSent: expected an integer string`. */
export function describeZodError(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${prefix}: invalid`;
  const path = [prefix, ...issue.path.map(String)].join('.');
  return `${path}: ${issue.message}`;
}
