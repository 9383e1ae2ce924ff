/**
 * Deterministic generator of a valid Signal plaintext export `main.jsonl` with N chat items, for benchmarks
 * (1M items) and soak tests. Same seed → byte-identical output. Memory is constant: items are produced one by
 * one. Pair it with `generateSignalMetadata()` for `metadata.json`. Attachment pointers reference files that
 * the generator does not write (the ingest reports them missing, which is itself worth benchmarking).
 */

import { rng } from '../prng.js';


const GIVEN = ['Anna', 'Bram', 'Carla', 'Daan', 'Eva', 'Fleur', 'Gijs', 'Hanna', 'Ismail', 'Joost', 'Karin', 'Lars', 'Meryem', 'Niels', 'Olga', 'Pieter'];
const FAMILY = ['de Vries', 'Bakker', 'Jansen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Dijk'];
const GROUPS = ['Crisisoverleg Hoogwater', 'Staf DG Water', 'Kamerbrief Dijkversterking', 'Woordvoering', 'Fractie-overleg'];
const PHRASES = [
  'De nota ligt klaar in de parafeerlijn.',
  'Kunt u de Kamerbrief vóór 16.00 uur aftekenen?',
  'Waterstand Lobith stijgt nog steeds.',
  'Overleg met de veiligheidsregio om 14.30 uur.',
  'Graag even bellen over de beantwoording van de Kamervragen.',
  'Persbericht is akkoord, gaat om 17.00 uur uit.',
  'Dank, ik kijk er vanavond naar 👍',
  'Agenda voor het AO is aangepast.',
  'De minister-president wil vanmiddag een update.',
  'Zie bijlage voor de laatste prognose.',
];

const b64 = (r: () => number, n: number): string => {
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = Math.floor(r() * 256);
  return buf.toString('base64');
};

export function generateSignalMetadata(): string {
  return '{"version":1}';
}

/** Yields the lines of a `main.jsonl` (each ending in `\n`): header, recipients, chats, then `items` chat items. */
export function* generateSignalMainJsonl(opts: { items: number; seed?: number }): Generator<string> {
  const r = rng(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const start = 1_735_689_600_000; // 2025-01-01T00:00:00Z
  const line = (o: unknown): string => `${JSON.stringify(o)}\n`;
  yield line({ version: '1', backupTimeMs: String(start + opts.items * 7000 + 60_000), mediaRootBackupKey: b64(r, 32), currentAppVersion: '8.10.2', firstAppVersion: '7.20.1' });
  yield line({ account: { profileKey: b64(r, 32), givenName: 'Marieke', familyName: 'Jansen', accountSettings: { readReceipts: true } } });
  yield line({ recipient: { id: '1', self: {} } });
  yield line({ recipient: { id: '2', releaseNotes: {} } });
  const contacts: { id: string; aci: string }[] = [];
  const nContacts = 40;
  for (let i = 0; i < nContacts; i++) {
    const id = String(3 + i);
    const aci = b64(r, 16);
    contacts.push({ id, aci });
    const given = GIVEN[i % GIVEN.length]!;
    const family = FAMILY[(i * 7) % FAMILY.length]!;
    yield line({ recipient: { id, contact: { aci, e164: String(31600000000 + 1000 * i + 17), registered: {}, profileGivenName: given, profileFamilyName: family, systemGivenName: given, systemFamilyName: family } } });
  }
  const groups: { id: string; members: typeof contacts }[] = [];
  const selfAci = b64(r, 16);
  for (let g = 0; g < GROUPS.length; g++) {
    const id = String(3 + nContacts + g);
    const members = contacts.filter((_, i) => (i + g) % 5 === 0 || i === g);
    groups.push({ id, members });
    const snapshot = { title: { title: GROUPS[g] }, version: 2, members: [{ userId: selfAci, role: 'ADMINISTRATOR' }, ...members.map((m) => ({ userId: m.aci, role: 'DEFAULT' }))] };
    yield line({ recipient: { id, group: { masterKey: b64(r, 32), whitelisted: true, snapshot } } });
  }
  const chats: { chatId: string; group: boolean; members: typeof contacts }[] = [];
  for (const c of contacts) {
    chats.push({ chatId: String(chats.length + 1), group: false, members: [c] });
    yield line({ chat: { id: String(chats.length), recipientId: c.id } });
  }
  for (const g of groups) {
    chats.push({ chatId: String(chats.length + 1), group: true, members: g.members });
    yield line({ chat: { id: String(chats.length), recipientId: g.id } });
  }
  const recent: { authorId: string; dateSent: string; body: string }[] = [];
  let t = start;
  for (let i = 0; i < opts.items; i++) {
    t += 1000 + Math.floor(r() * 12_000);
    const chat = chats[Math.floor(Math.pow(r(), 2) * chats.length)]!; // a few busy chats, a long tail
    const outgoing = r() < 0.35;
    const other = pick(chat.members);
    const authorId = outgoing ? '1' : other.id;
    const dateSent = String(t);
    const dir = outgoing
      ? { outgoing: { sendStatus: [{ recipientId: other.id, timestamp: String(t + 3000), delivered: { sealedSender: true } }], dateReceived: dateSent } }
      : { incoming: { dateReceived: String(t + 900), dateServerSent: String(t + 400), read: true, sealedSender: true } };
    const roll = r();
    let item: Record<string, unknown>;
    const body = pick(PHRASES);
    if (roll < 0.01) {
      item = { directionless: {}, updateMessage: { individualCall: { callId: String(9_000_000_000 + i), type: r() < 0.5 ? 'VIDEO_CALL' : 'AUDIO_CALL', direction: outgoing ? 'OUTGOING' : 'INCOMING', state: 'ACCEPTED', startedCallTimestamp: dateSent } } };
    } else if (roll < 0.015 && chat.group) {
      item = { directionless: {}, updateMessage: { groupChange: { updates: [{ groupNameUpdate: { updaterAci: other.aci, newGroupName: `${pick(GROUPS)} (${i})` } }] } } };
    } else if (roll < 0.02) {
      item = { ...dir, remoteDeletedMessage: {} };
    } else if (roll < 0.06) {
      const att = { pointer: { contentType: 'image/jpeg', fileName: `IMG_${1000 + (i % 9000)}.jpg`, width: 1200, height: 900, locatorInfo: { key: b64(r, 64), plaintextHash: b64(r, 32), size: 100_000 + (i % 50_000), localKey: b64(r, 64) } }, wasDownloaded: true };
      item = { ...dir, standardMessage: { text: { body: 'Zie bijlage.' }, attachments: [att] } };
    } else if (roll < 0.09 && recent.length) {
      const q = pick(recent);
      item = { ...dir, standardMessage: { quote: { targetSentTimestamp: q.dateSent, authorId: q.authorId, text: { body: q.body }, type: 'NORMAL' }, text: { body } } };
    } else if (roll < 0.11) {
      const first = String(t - 60_000);
      item = { ...dir, revisions: [{ chatId: chat.chatId, authorId, dateSent: first, ...dir, standardMessage: { text: { body: `${body} (concept)` } } }], standardMessage: { text: { body } } };
    } else {
      const reactions = r() < 0.1 ? [{ emoji: '👍', authorId: outgoing ? other.id : '1', sentTimestamp: String(t + 30_000), sortOrder: '1' }] : undefined;
      item = { ...dir, standardMessage: { text: { body }, ...(reactions ? { reactions } : {}) } };
    }
    yield line({ chatItem: { chatId: chat.chatId, authorId, dateSent, ...item } });
    if (recent.length >= 64) recent.shift();
    recent.push({ authorId, dateSent, body });
  }
}
