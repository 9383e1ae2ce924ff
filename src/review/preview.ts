/**
 * "Voorbeeld geschoonde set": the review page shows a conversation exactly as the geschoonde set renders it, by running
 * the exporter's own pure cleaning function (src/export/clean.ts) over the same effective markings. This module holds
 * no cleaning rules of its own; the provider supplies the exporter's context (private contacts, pseudonyms, screen).
 *
 * Undecided suggestions count as marked here (as with `export --allow-unreviewed`), so the preview never shows
 * content that a pending decision could still hide.
 */
import { cleanMessage, conversationExclusion, conversationMarkerSlot, type CleaningContext, type EffectiveMarking, type Slot } from '../export/clean.js';
import type { DB } from '../store/db.js';
import { getConversation } from '../store/messages.js';
import { messagePage, type ConversationShape } from '../store/review.js';

export interface PreviewProvider {
  /**
   * The exporter's cleaning context of one conversation and its effective message/passage markings per message, with
   * undecided suggestions counting as marked; null when the conversation has no messages to export.
   */
  prepare(db: DB, custodianId: string, conversationId: number): { context: CleaningContext; markings(messageId: number): readonly EffectiveMarking[] } | null;
}

export interface PreviewPage {
  conversationId: number;
  total: number;
  offset: number;
  /** Set when the whole conversation becomes one marker in the geschoonde set. */
  excluded: Slot | null;
  /** One slot per message of the page (empty when excluded). */
  slots: (Slot & { index: number })[];
  undecidedCountAsMarked: true;
}

export function previewPage(p: PreviewProvider, db: DB, custodianId: string, conversationId: number, offset: number, limit: number, shape?: ConversationShape): PreviewPage {
  const conv = getConversation(db, conversationId)!;
  const prepared = p.prepare(db, custodianId, conversationId);
  if (!prepared) return { conversationId, total: conv.messageCount, offset, excluded: null, slots: [], undecidedCountAsMarked: true };
  const ctx = prepared.context;
  const excl = conversationExclusion(ctx);
  if (excl) {
    const excluded = conversationMarkerSlot(excl, { from: conv.firstAt, to: conv.lastAt, count: conv.messageCount });
    return { conversationId, total: conv.messageCount, offset, excluded, slots: [], undecidedCountAsMarked: true };
  }
  const slots = messagePage(db, conversationId, offset, limit, shape).map((m, i) => ({ ...cleanMessage(m, prepared.markings(m.id), ctx), index: offset + i }));
  return { conversationId, total: conv.messageCount, offset, excluded: null, slots, undecidedCountAsMarked: true };
}
