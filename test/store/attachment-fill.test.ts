/**
 * MessageWriter: a message seen before gets the bytes of an attachment the store held without them, matched on ordinal
 * and name; bytes already held are never replaced, and a later source that lacks them is reported (when the ingest
 * asks), the stored attachment left as it was.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { createSource, createVeiligstelling, ensureConversation } from '../../src/store/ingest.js';
import { MessageWriter, type StoredAttachment } from '../../src/store/message-writer.js';
import type { AttachmentUpdate } from '../../src/store/attachment-fill.js';
import { attachmentMissingLaterText, readAttachmentMissingLater, type AttachmentAbsent } from '../../src/store/attachment-missing-later.js';
import { loadFindingFacts } from '../../src/store/reports.js';
import { computeFindings, FINDING_INFO } from '../../src/report/findings.js';
import { attachmentUpdateRecorder } from '../../src/ingest/files.js';
import { WarningLog } from '../../src/ingest/context.js';
import type { ParsedMessage } from '../../parsers/types.js';
import { tempDir } from '../helpers/cli.js';

let store: Store;
let conv: number;
let n = 0;

beforeEach(() => {
  store = openStore(path.join(tempDir('chatarchief-fill-'), 's.db'));
  store.db.prepare(`INSERT INTO custodians (id, name, function, department, term_from, created_at) VALUES ('c', 'C', 'Minister', 'BZK', '2020-01-01', '2020-01-01')`).run();
  conv = ensureConversation(store.db, 'c', { platform: 'signal', chatKey: '+31600000000', title: 'A', titleHistory: [], isGroup: false, participants: [] }).id;
});
afterEach(() => store.close());

function source(): number {
  const v = createVeiligstelling(store.db, 'c', 'op', null);
  return createSource(store.db, {
    custodianId: 'c', veiligstellingId: v, fileName: `s${++n}`, originalPath: `/s${n}`, size: 1, sha256: `src${n}`, operator: 'op', device: null,
    format: 'signal-export', platform: 'signal', dateOrder: null, dateOrderEvidence: null, parserVersion: 't', lowFidelity: false, exportedAt: null,
  });
}

const message: ParsedMessage = {
  seq: 0, line: 2, rawText: '{}', localTime: '2025-03-11T09:20:02', localIso: '2025-03-11T09:20:02', sentAt: '2025-03-11T09:20:02+01:00',
  sentAtMs: Date.parse('2025-03-11T09:20:02+01:00'), zone: 'Europe/Amsterdam', timeAmbiguous: false, timeInvalid: false, sender: 'Anna', senderRaw: 'Anna',
  senderPhone: null, senderKey: 'a', fromSelf: false, kind: 'media', event: null, text: 'kaart', edited: false, viewOnce: false, attachments: [], stableKey: 'a:1',
};
const missing = (name: string): StoredAttachment => ({ name, mime: null, sha256: null, size: null, missing: true });
const held = (name: string, sha256: string, size = 3): StoredAttachment => ({ name, mime: 'image/png', sha256, size, missing: false, path: `files/${name}` });

/** Writes the message from a new source with these attachments; returns the writer's updates. */
function write(atts: StoredAttachment[]): { updates: AttachmentUpdate[]; writer: MessageWriter } {
  const updates: AttachmentUpdate[] = [];
  const writer = new MessageWriter(store.db, conv, source(), undefined, (e) => updates.push(e));
  writer.write(message, null, atts);
  writer.finish();
  return { updates, writer };
}
const stored = () => store.db.prepare('SELECT ordinal, name, mime, sha256, size, missing FROM attachments ORDER BY ordinal').all();

describe('MessageWriter fills in attachments of messages seen before', () => {
  it('fills only the attachment without bytes, and counts it', () => {
    write([held('a.png', 'aa'), missing('b.png')]);
    const { updates, writer } = write([held('a.png', 'aa'), held('b.png', 'bb', 7)]);
    expect(writer.attachmentsFilled).toBe(1);
    expect(updates.map((u) => [u.kind, u.ordinal, u.name, u.sha256, u.path])).toEqual([['filled', 1, 'b.png', 'bb', 'files/b.png']]);
    expect(stored()).toEqual([
      { ordinal: 0, name: 'a.png', mime: 'image/png', sha256: 'aa', size: 3, missing: 0 },
      { ordinal: 1, name: 'b.png', mime: 'image/png', sha256: 'bb', size: 7, missing: 0 },
    ]);
  });

  it('keeps bytes already held and reports other bytes as differing', () => {
    write([held('a.png', 'aa')]);
    const { updates, writer } = write([held('a.png', 'zz', 9)]);
    expect([writer.attachmentsFilled, writer.attachmentsDiffer]).toEqual([0, 1]);
    expect(updates).toMatchObject([{ kind: 'differs', sha256: 'zz', size: 9, storedSha256: 'aa', storedSize: 3 }]);
    expect(stored()).toEqual([{ ordinal: 0, name: 'a.png', mime: 'image/png', sha256: 'aa', size: 3, missing: 0 }]);
  });

  it('matches by name when the order differs, and by ordinal when another export format names the file differently', () => {
    write([missing('a.png'), missing('b.png')]);
    write([held('b.png', 'bb'), held('a.png', 'aa')]);
    expect(stored()).toMatchObject([{ name: 'a.png', sha256: 'aa' }, { name: 'b.png', sha256: 'bb' }]);
    store.db.prepare('DELETE FROM attachments').run();
    store.db.prepare("INSERT INTO attachments (message_id, ordinal, name, missing) SELECT id, 0, 'attachment-2025-03-11.png', 1 FROM messages").run();
    const { updates } = write([held('signal-1741681202000-1.png', 'cc')]);
    expect(updates).toMatchObject([{ kind: 'filled', name: 'attachment-2025-03-11.png', incomingName: 'signal-1741681202000-1.png' }]);
    expect(stored()).toMatchObject([{ name: 'attachment-2025-03-11.png', sha256: 'cc', missing: 0 }]);
  });

  it('fills nothing from a source without the bytes, nor into an attachment of another name', () => {
    write([missing('a.png'), missing('b.png')]);
    expect(write([missing('a.png'), missing('b.png')]).updates).toEqual([]);
    expect(write([held('x.png', 'xx')]).updates).toEqual([]);
    expect(stored()).toMatchObject([{ sha256: null, missing: 1 }, { sha256: null, missing: 1 }]);
  });
});

describe('every attachment update is recorded, beyond the 50 warnings a code keeps', () => {
  const N = 60;
  /** Writes N messages (one attachment each) from a new source, recording updates as the ingest does. */
  function writeMany(att: (i: number) => StoredAttachment): { sourceId: number; writer: MessageWriter; warnings: WarningLog } {
    const sourceId = source();
    const warnings = new WarningLog();
    const writer = new MessageWriter(store.db, conv, sourceId, undefined, attachmentUpdateRecorder(store.db, warnings.add, conv, sourceId));
    store.db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const at = message.sentAtMs + i * 60_000;
        writer.write({ ...message, line: i + 1, stableKey: `a:${i}`, sentAtMs: at, sentAt: new Date(at).toISOString() }, null, [att(i)]);
      }
    })();
    writer.finish();
    return { sourceId, writer, warnings };
  }
  const recorded = (code: string) =>
    store.db.prepare('SELECT source_id AS sourceId, conversation_id AS conversationId, message FROM source_findings WHERE code = ? ORDER BY id').all(code) as {
      sourceId: number; conversationId: number; message: string;
    }[];

  it('each differing attachment is a finding in the report, though the warnings stop at 50', () => {
    writeMany((i) => held(`f${i}.png`, `kept${i}`));
    const { sourceId, writer, warnings } = writeMany((i) => held(`f${i}.png`, `other${i}`, 9));
    expect(writer.attachmentsDiffer).toBe(N);
    expect(warnings.list.filter((w) => w.code === 'attachment-differs')).toHaveLength(51);
    expect(warnings.list.at(-1)!.message).toContain('only the first 50 are listed');
    const rows = recorded('attachment-differs');
    expect(rows).toHaveLength(N);
    rows.forEach((r, i) => {
      expect(r).toMatchObject({ sourceId, conversationId: conv });
      expect(r.message).toContain(`'f${i}.png'`);
      expect(r.message).toContain(`sha256 other${i}`);
      expect(r.message).toContain(`sha256 kept${i}`);
    });
    const findings = computeFindings(loadFindingFacts(store.db)).filter((f) => f.code === 'attachment-differs');
    expect(findings).toHaveLength(N);
    expect(findings[0]).toMatchObject({ label: FINDING_INFO['attachment-differs'].label, group: 'verlies', sourceId, conversationId: conv });
    expect(new Set(findings.map((f) => f.detail))).toEqual(new Set(rows.map((r) => r.message)));
    // The stored bytes are kept.
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM attachments WHERE sha256 LIKE 'kept%'").get()).toEqual({ n: N });
  });

  it('each filled attachment records the source that supplied its bytes, and is no finding', () => {
    writeMany((i) => missing(`f${i}.png`));
    const { sourceId, writer, warnings } = writeMany((i) => held(`f${i}.png`, `bytes${i}`));
    // A later source with the same files sights every message and holds every hash, yet fills nothing.
    const later = writeMany((i) => held(`f${i}.png`, `bytes${i}`));
    expect([writer.attachmentsFilled, later.writer.attachmentsFilled, later.writer.attachmentsDiffer]).toEqual([N, 0, 0]);
    expect(warnings.list.filter((w) => w.code === 'attachment-filled')).toHaveLength(51);
    const rows = recorded('attachment-filled');
    expect(rows).toHaveLength(N);
    rows.forEach((r, i) => {
      expect(r).toMatchObject({ sourceId, conversationId: conv });
      expect(r.message).toContain(`'f${i}.png', missing until now, is filled in from source ${sourceId}'s file 'files/f${i}.png' (sha256 bytes${i}`);
    });
    const findings = computeFindings(loadFindingFacts(store.db));
    expect(findings.filter((f) => f.code === 'attachment-differs')).toEqual([]);
    expect(findings.filter((f) => f.code === 'attachment-missing')).toEqual([]);
  });
});

describe('MessageWriter reports stored bytes a later source lacks', () => {
  /** Writes the message from a new source; `judge`: the ingest asks for absences (not for a best-effort transcript). */
  function writeJudged(atts: StoredAttachment[], judge = true): { absent: AttachmentAbsent[]; writer: MessageWriter; sourceId: number } {
    const absent: AttachmentAbsent[] = [];
    const sourceId = source();
    const writer = new MessageWriter(store.db, conv, sourceId);
    if (judge) writer.onAttachmentAbsent = (e) => absent.push(e);
    writer.write(message, null, atts);
    writer.finish();
    return { absent, writer, sourceId };
  }
  const omitted = (name: string): StoredAttachment => ({ ...missing(name), omitted: true });

  it('only the attachment with kept bytes, matched as a fill is; the row stays as it was', () => {
    const first = writeJudged([held('a.png', 'aa'), missing('b.png'), held('c.png', 'cc')]).sourceId;
    const before = stored();
    const { absent, writer } = writeJudged([missing('a.png'), missing('b.png'), held('c.png', 'cc')]);
    expect([writer.attachmentsMissingLater, writer.attachmentsSecuredShown]).toEqual([1, 2]);
    expect(absent).toEqual([{
      messageId: 1, sender: 'Anna', sentAt: message.sentAt, localTime: message.localTime, line: 2, name: 'a.png', incomingName: 'a.png', omitted: false,
      sha256: 'aa', size: 3, earlierSourceId: first, earlierSourceFile: store.db.prepare('SELECT file_name FROM sources WHERE id = ?').pluck().get(first),
      earlierLastAt: null, // (no finishSource here)
    }]);
    expect(stored()).toEqual(before);
  });

  it('an omitted placeholder named otherwise matches by ordinal; a transcript, not asked, reports nothing', () => {
    writeJudged([held('IMG-1.jpg', 'aa')]);
    expect(writeJudged([omitted('media')], false).absent).toEqual([]);
    expect(writeJudged([omitted('media')]).absent).toMatchObject([{ name: 'IMG-1.jpg', incomingName: 'media', omitted: true, sha256: 'aa' }]);
    expect(stored()).toEqual([{ ordinal: 0, name: 'IMG-1.jpg', mime: 'image/png', sha256: 'aa', size: 3, missing: 0 }]);
  });

  it("the finding's text names the attachment and the earlier source, and reads back whatever the name holds", () => {
    const e: AttachmentAbsent = {
      messageId: 7, sender: null, sentAt: message.sentAt, localTime: '11-03-2025 09:20', line: 4, name: 'Nota "def" (v2), 12 p.pdf', incomingName: 'document',
      omitted: true, sha256: 'ab'.repeat(32), size: 1200, earlierSourceId: 3, earlierSourceFile: 'WhatsApp-chat met "X" (1).zip', earlierLastAt: null,
    };
    const text = attachmentMissingLaterText(e, 2, 5);
    expect(text).toMatch(/^message 7 \(conversation 2, /);
    expect(text).toContain('is not in source 5');
    expect(text).toContain('remain the evidence');
    expect(readAttachmentMissingLater(text)).toEqual({ name: e.name, sha256: e.sha256, earlierSourceId: 3, omitted: true });
    expect(readAttachmentMissingLater(attachmentMissingLaterText({ ...e, omitted: false }, 2, 5))).toMatchObject({ omitted: false });
  });
});
