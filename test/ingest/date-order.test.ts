/**
 * Date order across the ingest: a forced --date-order that the file proves impossible is refused (exit 1, database
 * unchanged), and exports of one chat read in different date orders are reconciled (adopted or warned about).
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectJsonRefusal, runCli } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { freshStore, writeIn } from './store-dir.js';

const CUSTODIAN = ['--id', 'minister-bzk', '--name', 'H. de Jonge', '--function', 'Minister van BZK', '--department', 'BZK', '--from', '2022-01-10'];

let dir: string;
let db: string;
beforeEach(async () => {
  ({ dir, db } = await freshStore(CUSTODIAN));
});

const write = (rel: string, content: string | Buffer): string => writeIn(dir, rel, content);
const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--custodian', 'minister-bzk', '--operator', 'RIH operator', '--json', ...args]);
const messages = async (conversation: number) => (await runCli(['messages', '--db', db, '--conversation', String(conversation), '--json'])).json().messages;

/** Every row of the tables an ingest writes, to prove a refused run left the database exactly as it was. */
function snapshot(): Record<string, unknown[]> {
  const d = new Database(db, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of ['veiligstellingen', 'sources', 'source_files', 'source_conversations', 'conversations', 'contacts', 'messages', 'message_sightings', 'attachments']) {
      // (some tables are WITHOUT ROWID: compare the rows as a sorted set)
      out[t] = d.prepare(`SELECT * FROM ${t}`).all().map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    d.close();
  }
}

const sourceRow = (id: number) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT date_order AS dateOrder, date_order_evidence AS evidence, warnings_json AS warnings FROM sources WHERE id = ?').get(id) as {
      dateOrder: string; evidence: string; warnings: string;
    };
  } finally {
    d.close();
  }
};

// Android EN, UK region: day first. The first line alone proves it (13 cannot be a month).
const UK = '13/04/22, 10:00 - Anna: Hi\n14/04/22, 10:01 - Bob: Hello\n';
const UK_NAME = 'WhatsApp Chat with AB.txt';

describe('a forced --date-order that the file proves impossible is refused', () => {
  it('mdy against a day above 12: exit 1 naming file, line, value and the order the file reads as; database unchanged; dmy then works', async () => {
    // Something is in the store already, so "unchanged" is not trivially "empty".
    expect((await ingest(write('earlier/WhatsApp Chat with Carla.txt', '01/02/2022, 09:00 - Carla: Morgen\n'))).code).toBe(0);
    const before = snapshot();
    const file = write(`ab/${UK_NAME}`, UK);
    const r = await ingest('--date-order', 'mdy', file);
    expect(r.code).toBe(1);
    expect(expectJsonRefusal(r, 'ingest')).toMatchObject({ file, line: expect.any(Number) });
    expect(r.stderr).toContain(`${file}:1: --date-order mdy is impossible for this file: line 1 has 13 in the month position ("13/04/22"); the file reads as dmy (day first)`);
    expect(snapshot()).toEqual(before);

    // Not recorded, so the operator can correct the order: no duplicateSource, the real dates.
    const ok = await ingest('--date-order', 'dmy', file);
    expect(ok.code, ok.stderr).toBe(0);
    const s = ok.json().sources[0];
    expect(s).toMatchObject({ duplicateSource: false, dateOrder: 'dmy', dateOrderEvidence: 'forced by --date-order', messagesNew: 2, warnings: [] });
    expect((await messages(s.conversationId)).map((m: any) => m.sentAt)).toEqual(['2022-04-13T10:00:00+02:00', '2022-04-14T10:01:00+02:00']);
  });

  it('dmy against a month above 12 (second position), and the whole run is refused with it', async () => {
    const good = write('good/WhatsApp Chat with Carla.txt', '01/02/2022, 09:00 - Carla: Morgen\n');
    const file = write('us/WhatsApp Chat with Dave.txt', '4/3/22, 9:00 AM - Dave: Hi\n4/13/22, 9:05 AM - Dave: Later\n');
    const before = snapshot();
    const r = await ingest('--date-order', 'dmy', good, file);
    expect(r.code).toBe(1);
    expect(expectJsonRefusal(r, 'ingest')).toMatchObject({ file, line: expect.any(Number) });
    expect(r.stderr).toContain(`${file}:2: --date-order dmy is impossible for this file: line 2 has 13 in the month position ("4/13/22"); the file reads as mdy (month first)`);
    expect(snapshot()).toEqual(before);
  });

  it('a chat inside a zip is named by its entry', async () => {
    const zip = write('ab.zip', makeZip([{ name: UK_NAME, data: UK, deflate: true }]));
    const before = snapshot();
    const r = await ingest('--date-order', 'mdy', zip);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${zip} (entry ${UK_NAME}, line 1): --date-order mdy is impossible`);
    expect(snapshot()).toEqual(before);
  });

  it('a forced order that only disagrees with weak evidence (monotonicity) stays allowed', async () => {
    // Inference says month first (the first position goes 1 → 2 within a year); the operator knows better.
    const r = await ingest('--date-order', 'dmy', write('w/WhatsApp Chat with Eva.txt', '1/12/22, 10:00 - Eva: x\n2/1/22, 10:00 - Eva: y\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ dateOrder: 'dmy', dateOrderEvidence: 'forced by --date-order', messagesNew: 2 });
    expect((await messages(1)).map((m: any) => m.sentAt.slice(0, 10))).toEqual(['2022-12-01', '2022-01-02']);
  });

  it('forcing the order the file reads as is fine', async () => {
    const r = await ingest('--date-order', 'dmy', write(`ab/${UK_NAME}`, UK));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({ dateOrder: 'dmy', warnings: [] });
  });
});

// Two exports of one chat (Android EN, US region). The first holds only a date that proves nothing (3/4/22); the later
// one also holds 3/15/22, which proves month first.
const NAME = 'WhatsApp Chat with Anna.txt';
const EARLY = '3/4/22, 10:00 - Anna: Hi\n';
const LATER = '3/4/22, 10:00 - Anna: Hi\n3/15/22, 10:05 - Anna: Later\n';

describe('exports of one chat read in different date orders', () => {
  it('a later export without evidence adopts the order an earlier export of the chat proved, and its messages match', async () => {
    const first = await ingest(write(`later/${NAME}`, LATER));
    expect(first.code, first.stderr).toBe(0);
    expect(first.json().sources[0]).toMatchObject({ id: 1, dateOrder: 'mdy', dateOrderEvidence: 'value 15 > 12 in second position (line 2)', messagesNew: 2 });

    const r = await ingest(write(`early/${NAME}`, EARLY));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({
      id: 2, conversationId: 1, dateOrder: 'mdy',
      dateOrderEvidence: 'no evidence in this file; month-first as source 1 of this chat (value 15 > 12 in second position (line 2))',
      messagesNew: 0, messagesSeenBefore: 1, messagesMissing: 0, warnings: [],
    });
    expect(sourceRow(2)).toMatchObject({ dateOrder: 'mdy', evidence: s.dateOrderEvidence });
    const msgs = await messages(1);
    expect(msgs.map((m: any) => [m.text, m.sentAt, m.sources])).toEqual([
      ['Hi', '2022-03-04T10:00:00+01:00', [1, 2]],
      ['Later', '2022-03-15T10:05:00+01:00', [1]],
    ]);
  });

  it('the text report shows the adopted order with its reason', async () => {
    expect((await ingest(write(`later/${NAME}`, LATER))).code).toBe(0);
    const r = await runCli(['ingest', '--db', db, '--custodian', 'minister-bzk', '--operator', 'RIH operator', write(`early/${NAME}`, EARLY)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('source 2: date order mdy (no evidence in this file; month-first as source 1 of this chat (value 15 > 12 in second position (line 2)))');
  });

  it('an earlier export read day-first by default, then a later one that proves month-first: a date-order-conflict warning', async () => {
    const first = await ingest(write(`early/${NAME}`, EARLY));
    expect(first.json().sources[0]).toMatchObject({ id: 1, dateOrder: 'dmy', dateOrderEvidence: 'no evidence; day-first by default' });

    const r = await ingest(write(`later/${NAME}`, LATER));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ id: 2, conversationId: 1, dateOrder: 'mdy' });
    const w = s.warnings.filter((x: any) => x.code === 'date-order-conflict');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain('source 1 of this chat was read as dmy (day-first) without hard evidence (no evidence; day-first by default) in the same header format');
    expect(w[0].message).toContain('this file reads as mdy (month-first: value 15 > 12 in second position (line 2))');
    expect(w[0].message).toContain('stored twice');
    expect(w[0].message).toContain('--date-order mdy');
    // Recorded with the source, and printed as a warning by the text report.
    expect(JSON.parse(sourceRow(2).warnings)).toEqual(w);
  });

  it('the conflict warning is printed on stderr by the text report', async () => {
    expect((await ingest(write(`early/${NAME}`, EARLY))).code).toBe(0);
    const file = write(`later/${NAME}`, LATER);
    const r = await runCli(['ingest', '--db', db, '--custodian', 'minister-bzk', '--operator', 'RIH operator', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: source 1 of this chat was read as dmy`);
  });

  it('an export in another header format is not made to adopt, but the conflict is reported', async () => {
    // Source 1 writes two-digit years (US phone); this export four-digit years (another phone or region setting).
    expect((await ingest(write(`later/${NAME}`, LATER))).code).toBe(0);
    const r = await ingest(write(`other/${NAME}`, '03/04/2022, 10:00 - Anna: Hi\n'));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ id: 2, conversationId: 1, dateOrder: 'dmy', dateOrderEvidence: 'no evidence; day-first by default' });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatchObject({ code: 'date-order-conflict' });
    expect(s.warnings[0].message).toContain('source 1 of this chat reads as mdy (month-first: value 15 > 12 in second position (line 2)) in another header format (android-en m/d/yy, hh:mm -)');
    expect(s.warnings[0].message).toContain('this file has no hard evidence (no evidence; day-first by default) and was read as dmy');
    expect(s.warnings[0].message).toContain('--date-order mdy');
  });

  it('a forced order is not overridden by the chat, and exports that agree get no warning', async () => {
    expect((await ingest(write(`later/${NAME}`, LATER))).code).toBe(0);
    const forced = await ingest('--date-order', 'dmy', write(`early/${NAME}`, EARLY));
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json().sources[0]).toMatchObject({ dateOrder: 'dmy', dateOrderEvidence: 'forced by --date-order', warnings: [] });
    // A third export that proves month first itself: agrees with source 1; the forced source 2 is the operator's call.
    const third = await ingest(write(`third/${NAME}`, LATER + '3/16/22, 08:00 - Anna: Morgen\n'));
    expect(third.json().sources[0]).toMatchObject({ dateOrder: 'mdy', messagesNew: 1, messagesSeenBefore: 2, warnings: [] });
  });

  it('firm sources in the same format that disagree among themselves: no adoption, a warning', async () => {
    expect((await ingest(write(`later/${NAME}`, LATER))).code).toBe(0);
    expect((await ingest('--date-order', 'dmy', write(`forced/${NAME}`, '5/6/22, 10:00 - Anna: Juni\n'))).code).toBe(0);
    const r = await ingest(write(`early/${NAME}`, EARLY));
    expect(r.code, r.stderr).toBe(0);
    const s = r.json().sources[0];
    expect(s).toMatchObject({ id: 3, dateOrder: 'dmy', dateOrderEvidence: 'no evidence; day-first by default' });
    expect(s.warnings.map((w: any) => w.code)).toEqual(['date-order-conflict']);
    expect(s.warnings[0].message).toMatch(/^source 1 of this chat reads as mdy .* in the same header format, .*disagree among themselves/);
  });

  it('a later export whose own weak evidence disagrees (change frequency) also adopts the proven order', async () => {
    expect((await ingest(write(`later/${NAME}`, LATER))).code).toBe(0);
    // 3/4 → 4/4 → 5/4: the first position changes more often, so on its own this file reads day first.
    const weak = '3/4/22, 10:00 - Anna: Hi\n4/4/22, 10:00 - Anna: Twee\n5/4/22, 10:00 - Anna: Drie\n';
    const r = await ingest(write(`weak/${NAME}`, weak));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().sources[0]).toMatchObject({
      dateOrder: 'mdy',
      dateOrderEvidence: 'only weak evidence in this file (change frequency: day-first); month-first as source 1 of this chat (value 15 > 12 in second position (line 2))',
      messagesNew: 2, messagesSeenBefore: 1, warnings: [],
    });
  });
});

describe('exports of one chat in one run, the one with hard evidence of its date order last', () => {
  it('the run is read again with that export first: the other adopts its order, nothing is stored twice', async () => {
    // Given in this order (or found so in a folder): the export without evidence first.
    const r = await ingest(write(`a/${NAME}`, EARLY), write(`b/${NAME}`, LATER));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('re-reading the run');
    const [early, later] = r.json().sources;
    // Reported in the order given; the export with evidence was read first, so it has the lower id.
    expect(later).toMatchObject({ id: 1, dateOrder: 'mdy', messagesNew: 2, warnings: [] });
    expect(early).toMatchObject({ id: 2, dateOrder: 'mdy', messagesNew: 0, messagesSeenBefore: 1, messagesMissing: 0, warnings: [] });
    expect(early.dateOrderEvidence).toMatch(/^no evidence in this file; month-first as source 1 of this chat/);
    expect((await messages(1)).map((m: any) => [m.text, m.sentAt, m.sources])).toEqual([
      ['Hi', '2022-03-04T10:00:00+01:00', [1, 2]],
      ['Later', '2022-03-15T10:05:00+01:00', [1]],
    ]);
    // One veiligstelling, with both sources.
    const d = new Database(db, { readonly: true });
    try {
      expect(d.prepare('SELECT veiligstelling_id AS v FROM sources ORDER BY id').all()).toEqual([{ v: 1 }, { v: 1 }]);
    } finally {
      d.close();
    }
  });
});

describe('two exports of one chat, both with hard evidence of another date order', () => {
  it('the second gets a date-order-conflict warning naming both', async () => {
    expect((await ingest(write(`a/${NAME}`, '3/15/22, 10:00 - Anna: Hi\n'))).code).toBe(0);
    const r = await ingest(write(`b/${NAME}`, '15/3/22, 10:00 - Anna: Hi\n'));
    expect(r.code, r.stderr).toBe(0);
    const w = r.json().sources[0].warnings.filter((x: { code: string }) => x.code === 'date-order-conflict');
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain('source 1 of this chat reads as mdy (month-first: value 15 > 12 in second position (line 1)) in the same header format');
    expect(w[0].message).toContain('both with hard evidence');
    expect(w[0].message).toContain('messages both hold are stored once');
  });
});
