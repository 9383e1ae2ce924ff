/**
 * zod schema for a Signal Desktop message object as sigtop writes it (`export-messages -f json`: the raw `json`
 * column of the Desktop `messages` table). Field names changed over the years (`sourceUuid` → `sourceServiceId`,
 * quote `authorUuid`/`author` → `authorAci`); both generations are accepted. Only read fields are typed.
 */
import { z } from 'zod';
import { MAX_DATE_EXPECTED, MAX_DATE_MS } from './common.js';

const Num = z.number();
/** A time in ms since 1970 within the dates a computer can hold (see MAX_DATE_MS). */
const Ms = z.number().refine((v) => Math.abs(v) <= MAX_DATE_MS, MAX_DATE_EXPECTED);
const Str = z.string();

export const DesktopAttachment = z.looseObject({
  contentType: Str.optional(),
  fileName: Str.optional(),
  size: Num.optional(),
  path: Str.optional(),
  caption: Str.optional(),
  flags: Num.optional(),
});

export const DesktopMessage = z.looseObject({
  id: Str.optional(),
  conversationId: Str,
  type: Str.optional(),
  body: Str.nullable().optional(),
  bodyRanges: z
    .array(
      z.looseObject({
        start: Num.optional(),
        length: Num.optional(),
        mentionAci: Str.optional(),
        mentionUuid: Str.optional(),
        replacementText: Str.optional(),
      }),
    )
    .optional(),
  sent_at: Ms.optional(),
  timestamp: Ms.optional(),
  received_at_ms: Ms.optional(),
  serverTimestamp: Ms.optional(),
  source: Str.optional(),
  sourceServiceId: Str.optional(),
  sourceUuid: Str.optional(),
  sendStateByConversationId: z.record(Str, z.unknown()).optional(),
  hasAttachments: z.union([Num, z.boolean()]).optional(),
  attachments: z.array(DesktopAttachment).optional(),
  reactions: z
    .array(z.looseObject({ emoji: Str.optional(), fromId: Str.optional(), targetTimestamp: Num.optional(), timestamp: Num.optional() }))
    .optional(),
  quote: z
    .looseObject({
      id: Num.nullable().optional(),
      authorAci: Str.optional(),
      authorUuid: Str.optional(),
      author: Str.optional(),
      text: Str.nullable().optional(),
      referencedMessageNotFound: z.boolean().optional(),
    })
    .nullable()
    .optional(),
  editHistory: z
    .array(z.looseObject({ body: Str.nullable().optional(), timestamp: Num.optional(), attachments: z.array(DesktopAttachment).optional() }))
    .optional(),
  editMessageTimestamp: Num.optional(),
  deletedForEveryone: z.boolean().optional(),
  deletedForEveryoneTimestamp: Num.optional(),
  deletedForEveryoneByAdminAci: Str.optional(),
  expireTimer: Num.optional(),
  expirationStartTimestamp: Num.optional(),
  expirationTimerUpdate: z
    .looseObject({ expireTimer: Num.nullable().optional(), source: Str.optional(), sourceServiceId: Str.optional(), sourceUuid: Str.optional() })
    .optional(),
  groupV2Change: z
    .looseObject({ from: Str.optional(), details: z.array(z.looseObject({ type: Str })).optional() })
    .optional(),
  callId: z.union([Str, Num]).optional(),
  isViewOnce: z.boolean().optional(),
  isErased: z.boolean().optional(),
  sticker: z
    .looseObject({ packId: Str.optional(), stickerId: Num.optional(), emoji: Str.optional(), data: DesktopAttachment.optional() })
    .optional(),
  contact: z
    .array(
      z.looseObject({
        name: z.looseObject({ displayName: Str.optional(), givenName: Str.optional(), familyName: Str.optional() }).optional(),
        number: z.array(z.looseObject({ value: Str.optional() })).optional(),
        organization: Str.optional(),
      }),
    )
    .optional(),
  preview: z.array(z.looseObject({ url: Str.optional(), title: Str.optional() })).optional(),
  profileChange: z.looseObject({ oldName: Str.optional(), newName: Str.optional() }).optional(),
});

export type DesktopMessageT = z.infer<typeof DesktopMessage>;
export type DesktopAttachmentT = z.infer<typeof DesktopAttachment>;
