/**
 * changedSinceDelivery of a vervolgexport: a delivered message that a later export of the same chat merely contains
 * again (its `sources` grow) has not changed; a later edit, an attachment filled in, or a later export lacking the
 * message (missingIn, a possible deletion on the phone) has, and is named. Also for ledger entries that an earlier
 * version wrote (a hash over the whole slot, its sources included).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { matchesEarlierSightings, rawLineHash, rawRecordHash, type RawSlot } from '../../src/export/ledger-hash.js';
import { toMessageJson } from '../../src/store/messages.js';
import { REPO, runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { walk } from './helpers.js';
import { freshStore, writeIn } from '../ingest/store-dir.js';

const EPOCH = { SOURCE_DATE_EPOCH: '1743508800' }; // 2025-04-01T12:00:00Z
const CUSTODIAN = ['--id', 'min', '--name', 'Marieke Jansen', '--function', 'Minister van Infrastructuur en Waterstaat', '--department', 'IenW', '--from', '2022-01-01'];
const CHAT_NAME = 'WhatsApp-chat met Piet.txt';
const IMG = 'IMG-20230114-WA0004.jpg';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

// January's export of the chat (Android, day first), and the messages later exports add.
const OVERLEG = 'Overleg met Rijkswaterstaat om 11:00, graag de waterstanden vooraf';
const DIJK = 'De dijk bij Ochten houdt, evacuatie afgeblazen';
const JAN = [
  '14-01-2023 10:01 - Piet: Zie de kaart van dijkring 43',
  `14-01-2023 10:03 - Piet: \u200e${IMG} (bestand bijgevoegd)`,
  'Kaart dijkring',
  '14-01-2023 10:05 - Marieke Jansen: Dank, ik bekijk hem voor het overleg',
  `14-01-2023 10:20 - Piet: ${OVERLEG}`,
  '14-01-2023 10:21 - Marieke Jansen: Akkoord',
  '',
].join('\n');
const NEW_1 = `20-01-2023 09:00 - Piet: ${DIJK}\n`;
const NEW_2 = '27-01-2023 16:30 - Marieke Jansen: Dank voor de snelle afstemming deze week\n';

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const ingest = async (p: string, custodian = 'min') => {
  const r = await runCli(['ingest', '--db', db, '--custodian', custodian, '--operator', 'RIH', '--json', p]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
};
/** A WhatsApp export as a bare chat file (no media) in its own folder. */
const bareChat = (folder: string, text: string) => writeIn(dir, `${folder}/${CHAT_NAME}`, text);
const messages = async (conversation = 1) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages as any[];
const idOf = (ms: any[], text: string) => {
  const hits = ms.filter((m) => m.text === text || m.attachments.some((a: any) => a.name === text));
  expect(hits).toHaveLength(1);
  return hits[0].id as number;
};
const exportTo = (name: string, custodian = 'min', ...extra: string[]) =>
  runCli(['export', '--db', db, '--custodian', custodian, '--out', path.join(dir, name), ...extra], EPOCH);
const bagOf = (name: string, set: 'ruw' | 'geschoond') => {
  const out = path.join(dir, name);
  return path.join(out, fs.readdirSync(out).find((n) => n.endsWith(`_${set}`))!);
};
const levering = (name: string, set: 'ruw' | 'geschoond') => JSON.parse(fs.readFileSync(path.join(bagOf(name, set), 'levering.json'), 'utf8'));
/** The slot lines of a set's chat.json files, exactly as written (without the separating comma). */
const slotLines = (name: string, set: 'ruw' | 'geschoond') => {
  const bag = bagOf(name, set);
  return walk(bag).filter((f) => f.endsWith('/chat.json'))
    .flatMap((f) => fs.readFileSync(path.join(bag, f), 'utf8').split('\n').filter((l) => l.startsWith('{"type"')).map((l) => l.replace(/,$/, '')));
};
const pkg = (r: { json(): any }, set: 'ruw' | 'geschoond') => r.json().packages.find((p: any) => p.set === set);

describe('vervolgexport: changedSinceDelivery', () => {
  it('a later export that holds the delivered messages again plus one new message: nothing changed, only the new one is delivered', async () => {
    const jan = await ingest(bareChat('jan', JAN));
    const first = await exportTo('levering-1', 'min', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(pkg(first, 'ruw')).toMatchObject({ messages: 5, changedSinceDelivery: 0 });

    const feb = await ingest(bareChat('feb', JAN + NEW_1));
    expect(feb).toMatchObject({ messagesNew: 1, messagesSeenBefore: 5, messagesMissing: 0 });
    const ms = await messages();
    const newId = idOf(ms, DIJK);
    // Every delivered message was sighted again: its sources grew.
    expect(ms.filter((m) => m.id !== newId).map((m) => m.sources)).toEqual(Array(5).fill([jan.id, feb.id]));

    const second = await exportTo('levering-2', 'min', '--json');
    expect(second.code, second.stderr).toBe(0);
    expect(pkg(second, 'ruw')).toMatchObject({ messages: 1, newObjects: 2, skippedAlreadyDelivered: 6, changedSinceDelivery: 0, changedExamples: [] }); // the message and feb's source
    expect(pkg(second, 'geschoond')).toMatchObject({ messages: 1, newObjects: 1, skippedAlreadyDelivered: 5, changedSinceDelivery: 0, changedExamples: [] });
    for (const set of ['ruw', 'geschoond'] as const) {
      expect(levering('levering-2', set).changedSinceDelivery).toEqual({ count: 0, examples: [] });
      expect(slotLines('levering-2', set).map((l) => (JSON.parse(l).message ?? JSON.parse(l)).id)).toEqual([newId]);
      expect(levering('levering-2', set).objects.map((o: any) => o.objectId)).toContain(`message:${newId}`);
    }
    expect((await runCli(['verify', path.join(dir, 'levering-2')])).code).toBe(0);
  });

  it('an attachment that a later export fills in is a change in both sets, named in the warning; the sightings beside it are not', async () => {
    await ingest(bareChat('jan', JAN));
    expect((await exportTo('levering-1')).code).toBe(0);
    const imgId = idOf(await messages(), IMG);

    const zip = writeIn(dir, 'feb/piet-met-media.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: JAN + NEW_1 }]));
    expect(await ingest(zip)).toMatchObject({ messagesNew: 1, messagesSeenBefore: 5, attachmentsFilled: 1 });
    expect((await messages()).find((m) => m.id === imgId).attachments[0]).toMatchObject({ sha256: sha(JPEG), missing: false });

    const second = await exportTo('levering-2'); // the table for the archivist, with its warning lines
    expect(second.code, second.stderr).toBe(0);
    const warnings = second.stdout.split('\n').filter((l) => l.includes('changed since an earlier delivery'));
    expect(warnings).toEqual([
      `ruw: 1 object(s) changed since an earlier delivery and were NOT delivered again, e.g. message:${imgId}`,
      `geschoond: 1 object(s) changed since an earlier delivery and were NOT delivered again, e.g. message:${imgId}`,
    ]);
    for (const set of ['ruw', 'geschoond'] as const) expect(levering('levering-2', set).changedSinceDelivery).toEqual({ count: 1, examples: [`message:${imgId}`] });
  });

  it('a later edit of a delivered Signal message is a change in both sets, named', async () => {
    ({ dir, db } = await freshStore(['--id', 'stas', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris van BZK', '--department', 'BZK', '--from', '2024-07-02']));
    const SAMPLE = path.join(REPO, 'samples/signal/signal-export-2025-10-27');
    const EDITED_AT = '"dateSent":"1761289425000"'; // the sample's message edited twice: "10.00" → "09.30" → "09.00"
    /** A copy of the sample whose main.jsonl lines are rewritten by `edit`. */
    const exportWith = (name: string, edit: (lines: string[]) => string[]) => {
      const out = path.join(dir, name);
      fs.cpSync(SAMPLE, out, { recursive: true });
      fs.writeFileSync(path.join(out, 'main.jsonl'), edit(fs.readFileSync(path.join(SAMPLE, 'main.jsonl'), 'utf8').split('\n')).join('\n'));
      return out;
    };
    const at = (lines: string[]) => {
      const i = lines.findIndex((l) => l.startsWith('{"chatItem"') && l.includes(EDITED_AT));
      expect(i).toBeGreaterThan(0);
      return i;
    };
    // Secured first before the edits: only the first version, sent at the original time.
    const before = exportWith('signal-okt', (lines) => {
      const i = at(lines);
      const { revisions, ...rest } = JSON.parse(lines[i]!).chatItem;
      return lines.map((l, j) => (j === i ? JSON.stringify({ chatItem: { ...rest, ...revisions[0] } }) : l));
    });
    expect((await ingest(before, 'stas')).messagesNew).toBeGreaterThan(10);
    const first = await exportTo('levering-1', 'stas', '--json', '--allow-unreviewed');
    expect(first.code, first.stderr).toBe(0);
    const editedId = (await runCli(['messages', '--db', db, '--conversation', '1', '--json'])).json().messages
      .find((m: any) => m.text === 'Overleg morgen om 10.00 uur?').id as number;

    // The later export: the message with both edits, and one new reply after it.
    const later = exportWith('signal-nov', (lines) => {
      const i = at(lines);
      const reply = JSON.parse(lines[i + 1]!).chatItem;
      const added = { ...reply, dateSent: '1761290400000', incoming: { ...reply.incoming, dateReceived: '1761290400800' }, standardMessage: { text: { body: 'Om 09.00 uur dan, ik schuif aan.' } } };
      return [...lines.slice(0, i + 2), JSON.stringify({ chatItem: added }), ...lines.slice(i + 2)];
    });
    expect(await ingest(later, 'stas')).toMatchObject({ messagesNew: 1, messagesUpdated: 1 });

    const second = await exportTo('levering-2', 'stas', '--json', '--allow-unreviewed');
    expect(second.code, second.stderr).toBe(0);
    for (const set of ['ruw', 'geschoond'] as const) {
      expect(pkg(second, set), set).toMatchObject({ messages: 1, changedSinceDelivery: 1, changedExamples: [`message:${editedId}`] });
    }
  });

  it('a later export that lacks a delivered message (missingIn: a possible deletion on the phone) is a change in the ruwe dataset only', async () => {
    await ingest(bareChat('jan', JAN));
    expect((await exportTo('levering-1')).code).toBe(0);
    const goneId = idOf(await messages(), OVERLEG);

    const feb = await ingest(bareChat('feb', JAN.replace(`14-01-2023 10:20 - Piet: ${OVERLEG}\n`, '') + NEW_1));
    expect(feb).toMatchObject({ messagesNew: 1, messagesSeenBefore: 4, messagesMissing: 1 });
    expect((await messages()).find((m) => m.id === goneId).missingIn).toEqual([feb.id]);

    const second = await exportTo('levering-2', 'min', '--json');
    expect(second.code, second.stderr).toBe(0);
    // The ruwe dataset delivered the message with missingIn [] and the four others sighted again are no change.
    expect(pkg(second, 'ruw')).toMatchObject({ changedSinceDelivery: 1, changedExamples: [`message:${goneId}`] });
    // The geschoonde set shows no sightings: what it delivered is still what it would deliver.
    expect(pkg(second, 'geschoond')).toMatchObject({ changedSinceDelivery: 0, changedExamples: [] });
  });

  it('ledger entries of an earlier version (a hash over the slot with its sources): sightings are no change, a filled-in attachment is', async () => {
    const jan = await ingest(bareChat('jan', JAN));
    const feb = await ingest(bareChat('feb', JAN + NEW_1));
    expect((await exportTo('levering-1')).code).toBe(0);
    // Rewrite the ruw ledger as an earlier version wrote it: the SHA-256 of each slot line as delivered. Those lines
    // carry the sources of that moment ([jan, feb], and [feb] for the message feb added).
    const lines = slotLines('levering-1', 'ruw');
    expect(lines.map((l) => JSON.parse(l).message.sources)).toEqual([...Array(5).fill([jan.id, feb.id]), [feb.id]]);
    const store = new Database(db);
    try {
      const update = store.prepare("UPDATE export_ledger SET content_hash = ? WHERE set_kind = 'ruw' AND object_id = ?");
      for (const l of lines) expect(update.run(sha(l), `message:${JSON.parse(l).message.id}`).changes).toBe(1);
    } finally {
      store.close();
    }
    const imgId = idOf(await messages(), IMG);

    // March: the whole chat with its media, and one more message. Every delivered message is sighted again.
    const zip = writeIn(dir, 'mrt/piet-met-media.zip', makeZip([{ name: IMG, data: JPEG }, { name: CHAT_NAME, data: JAN + NEW_1 + NEW_2 }]));
    expect(await ingest(zip)).toMatchObject({ messagesNew: 1, messagesSeenBefore: 6, attachmentsFilled: 1 });

    const second = await exportTo('levering-2', 'min', '--json');
    expect(second.code, second.stderr).toBe(0);
    for (const set of ['ruw', 'geschoond'] as const) {
      expect(pkg(second, set), set).toMatchObject({ messages: 1, changedSinceDelivery: 1, changedExamples: [`message:${imgId}`] });
    }
  });
});

describe('recognising a ledger hash of an earlier version', () => {
  // A ruw slot as written: sources [3, 7, 9] (ascending source ids), missingIn [5] (source 5 lacked it).
  const slot: RawSlot = {
    type: 'raw-message',
    message: {
      id: 12, conversationId: 1, seq: 4, sentAt: '2023-01-14T10:20:00+01:00', localTime: '14-01-2023 10:20', sender: 'Piet', kind: 'text', event: null,
      text: OVERLEG, edited: false, viewOnce: false, timeAmbiguous: false, timeInvalid: false, attachments: [], sources: [3, 7, 9], missingIn: [5],
      senderPhone: null, senderContactId: 2, fromSelf: false, deletedBy: null, replyTo: null, replyToMessageId: null, extra: null,
    },
    cleaning: { outcome: 'kept', ref: null, passages: [] },
  };
  const asDelivered = (sources: number[], missingIn: number[]) => sha(JSON.stringify({ ...slot, message: { ...slot.message, sources, missingIn } }));

  it('takes a delivery with fewer sightings as this content, but not one from before the latest missingIn, nor another record', () => {
    expect(matchesEarlierSightings(slot, asDelivered([3, 7, 9], [5]))).toBe(true);
    expect(matchesEarlierSightings(slot, asDelivered([3, 7], [5]))).toBe(true);
    expect(matchesEarlierSightings(slot, asDelivered([3], []))).toBe(false); // delivered before source 5 lacked it
    expect(matchesEarlierSightings(slot, sha(JSON.stringify({ ...slot, message: { ...slot.message, sources: [3, 7], text: 'ander' } })))).toBe(false);
    // The hash written from now on leaves the sightings out, and only them.
    expect(rawRecordHash(slot)).toBe(rawRecordHash({ ...slot, message: { ...slot.message, sources: [3] } }));
    expect(rawRecordHash(slot)).not.toBe(rawRecordHash({ ...slot, message: { ...slot.message, missingIn: [] } }));
  });
});

describe('the ledger hash of a written ruw line', () => {
  it('is the hash of the slot serialised without its sources, whatever the texts hold', () => {
    const base = { id: 1, conversationId: 1, seq: 0, sentAt: '2023-01-14T10:20:00+01:00', localTime: '14-01-2023 10:20', sender: 'Piet', kind: 'text', event: null };
    const tricky = [',"sources":[1]', 'eindigt op \\', '"sources":[]],"missingIn":[', '\u2028 ] [', 'naam,"sources":[7]'];
    for (const text of tricky) {
      const slot: RawSlot = {
        type: 'raw-message',
        message: {
          ...base, sender: text, text, edited: false, viewOnce: false, timeAmbiguous: false, timeInvalid: false,
          attachments: [{ name: text, sha256: null, size: null, missing: true, file: null }], sources: [3, 17, 240], missingIn: [5],
          senderPhone: null, senderContactId: 2, fromSelf: false, deletedBy: null, replyTo: null, replyToMessageId: null, extra: { sources: [9], note: text },
        },
        cleaning: { outcome: 'kept', ref: null, passages: [] },
      };
      const { sources: _s, ...withoutSources } = slot.message;
      const expected = sha(JSON.stringify({ ...slot, message: withoutSources }));
      expect(rawLineHash(JSON.stringify(slot))).toBe(expected);
      expect(rawRecordHash(slot)).toBe(expected);
    }
  });
});

describe('what rawLineHash relies on', () => {
  it('no member before message.sources is called sources: the message fields up to its attachments are fixed', () => {
    const row = {
      id: 1, conversation_id: 1, seq: 0, sent_at: '2023-01-14T10:20:00+01:00', sent_at_ms: 0, local_time: '14-01-2023 10:20', local_iso: '2023-01-14T10:20:00',
      zone: 'Europe/Amsterdam', time_ambiguous: 0, time_invalid: 0, sender: 'Piet', sender_raw: 'Piet', sender_contact_id: 2, from_self: null, kind: 'text',
      event: null, text: 'x', edited: 0, view_once: 0, deleted_by: null, stable_key: null, reply_to_key: null, reply_to_message_id: null, raw_text: 'x',
      source_line: 1, first_source_id: 1, extra_json: '{"sources":[9]}',
    };
    const msg = toMessageJson(row, { attachments: [{ name: 'a', sha256: null, size: null, missing: true }], sources: [1], missingIn: [] });
    const keys = Object.keys(msg);
    expect(keys.slice(0, keys.indexOf('sources'))).toEqual([
      'id', 'conversationId', 'seq', 'sentAt', 'localTime', 'sender', 'kind', 'event', 'text', 'edited', 'viewOnce', 'timeAmbiguous', 'timeInvalid', 'attachments',
    ]);
    const slot: RawSlot = { type: 'raw-message', message: { ...msg, attachments: msg.attachments.map((a) => ({ ...a, file: null })) }, cleaning: null };
    const { sources: _s, ...withoutSources } = slot.message;
    expect(rawLineHash(JSON.stringify(slot))).toBe(sha(JSON.stringify({ ...slot, message: withoutSources })));
  });
});
