/**
 * One message as a set writes it (its chat.json slot and the ledger's content hash), and the package file of an
 * attachment: shared by the writer (conversation.ts) and the look back at earlier deliveries (withheld-since.ts).
 */
import type { MessageJson } from '../store/messages.js';
import { cleanMessage, hiddenPassages, messageMarking, messagePassages, type CleaningContext, type MarkingRef } from './clean.js';
import { StoreDamageError } from './damage.js';
import { safeExtension } from './files.js';
import { matchesEarlierSightings, rawLineHash, type RawSlot } from './ledger-hash.js';
import { sha256, type SetWriter } from './writer.js';

export function cleaningOf(msg: MessageJson, eff: Parameters<typeof hiddenPassages>[1], ctx: CleaningContext, excl: MarkingRef | null) {
  if (excl) return { outcome: 'conversation-marker' as const, ref: excl, passages: [] };
  const hidden = messageMarking(msg, eff, ctx);
  if (hidden) return { outcome: 'marker' as const, ref: hidden, passages: [] };
  return { outcome: 'kept' as const, ref: null, passages: messagePassages(msg, eff, ctx) };
}

export interface Rendered {
  /** The slot line for chat.json; null for a message inside a conversation withheld as a whole (geschoond). */
  json: string | null;
  /** The ledger's content hash (ruw: without the sightings, see ledger-hash.ts). */
  hash: string;
  /** Recognises a ledger hash of an earlier definition as this content (ruw only). */
  deliveredAs?: (deliveredHash: string) => boolean;
  slot: ReturnType<typeof cleanMessage> | null;
  copies: (MediaCopy | null)[];
}

/** One message as this set writes it, and the content hash the ledger keeps for it. */
export function render(w: Pick<SetWriter, 'set' | 'x' | 'blobs'>, msg: MessageJson, eff: Parameters<typeof hiddenPassages>[1], ctx: CleaningContext, excl: MarkingRef | null): Rendered {
  if (w.set === 'geschoond' && excl) return { json: null, hash: sha256(JSON.stringify({ excludedBy: excl })), slot: null, copies: [] };
  const slot = w.set === 'geschoond' ? cleanMessage(msg, eff, ctx) : null;
  const copies = slot?.type === 'marker' ? [] : msg.attachments.map((a, i) => mediaFile(w, msg.id, i, a));
  const fileOf = (i: number): string | null => copies[i]?.name ?? null;
  if (!slot) {
    const raw: RawSlot = { type: 'raw-message', message: { ...msg, attachments: msg.attachments.map((a, i) => ({ ...a, file: fileOf(i) })) }, cleaning: cleaningOf(msg, eff, ctx, excl) };
    const json = JSON.stringify(raw);
    return { json, hash: rawLineHash(json), deliveredAs: (h) => matchesEarlierSightings(raw, h), slot, copies };
  }
  // A geschoonde slot shows no sightings (sources, missingIn): its hash stays the hash of the slot as written.
  const out = slot.type === 'message' ? { ...slot, attachments: slot.attachments.map((a) => ({ ...a, file: fileOf(a.ordinal) })) } : slot;
  const json = JSON.stringify(out);
  return { json, hash: sha256(json), slot, copies };
}


export interface MediaCopy { name: string; sha256: string; mime: string | null }

/** The package file of an attachment whose bytes are in the blob store: named after message id and position only. */
function mediaFile(w: Pick<SetWriter, 'set' | 'x' | 'blobs'>, messageId: number, ordinal: number, a: MessageJson['attachments'][number]): MediaCopy | null {
  if (!a.sha256) return null; // missing from the export itself: recorded as missing, nothing to copy
  // Ingested bytes that are gone are damage to the store, never a silently file-less attachment. (Ids only: the file
  // name may be private.)
  if (!w.blobs.has(a.sha256)) throw new StoreDamageError(`message ${messageId}, attachment ${ordinal + 1}: its bytes (sha256 ${a.sha256}) are not in the blob store ${w.blobs.dir}`);
  // The extension is part of the original name: in the geschoonde set never a private contact's name ("Nota.truus").
  const ext = safeExtension(a.name);
  const shown = w.set === 'geschoond' && w.x.screen.strict.find(ext).length ? 'bin' : ext;
  return { name: `media_${messageId}_${ordinal}.${shown}`, sha256: a.sha256, mime: a.mime ?? null };
}

