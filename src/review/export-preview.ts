/**
 * The preview provider backed by the exporter itself: its context builder (src/export/context.ts: effective markings,
 * withheld conversations, private contacts, pseudonyms, the name/number screen) and its effective-marking lookup. The
 * review adds nothing of its own, so the preview shows what the geschoonde set will contain.
 */
import { buildExportContext, cleaningContextFor } from '../export/context.js';
import { getCustodian } from '../store/custodians.js';
import type { PreviewProvider } from './preview.js';

/** Undecided suggestions count as marked in the preview (as with `export --allow-unreviewed`). */
const ALLOW_UNREVIEWED = true;

export const exporterPreview: PreviewProvider = {
  prepare(db, custodianId, conversationId) {
    const custodian = getCustodian(db, custodianId);
    if (!custodian) return null;
    const x = buildExportContext(db, custodian, { custodianId }, ALLOW_UNREVIEWED);
    const conv = x.conversations.find((c) => c.id === conversationId);
    if (!conv) return null;
    return { context: cleaningContextFor(x, conv), markings: (messageId) => x.messageMarkings(messageId).effective };
  },
};
