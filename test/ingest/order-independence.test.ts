/**
 * The order in which two exports of one chat are ingested must not change what the store holds (issue #2: a later
 * export adds only what is new; an older one ingested late adds nothing twice). For every bundled WhatsApp sample, two
 * overlapping exports are cut from it (the older ends inside the chat, the later starts inside the older one; an iOS
 * export always starts with its encryption notice), sometimes with a message the later one lacks (deleted on the
 * phone) or shows edited again; both are ingested in either order, and the messages must be the same both ways and,
 * without an edit, the same as ingesting the whole chat. (An order fuzz of this kind found the reverse-order edit bug;
 * see missing-coverage.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { addCustodian } from '../../src/store/custodians.js';
import { ingestPaths } from '../../src/ingest/run.js';
import { rng } from '../../parsers/prng.js';
import { REPO, tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';

const SAMPLES = path.join(REPO, 'samples/whatsapp');
const EDITED = / <(This message was edited|Dit bericht is bewerkt)>/;
const HEAD = /^\u200e?\[?\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4},? \d{1,2}[:.]\d{2}/;

/** n → a whole number in [0, n), from the project's deterministic PRNG (the cases must be the same on every run). */
const picker = (seed: number): ((n: number) => number) => {
  const next = rng(seed);
  return (n) => Math.floor(next() * n);
};

type Row = { k: string; c: number; kind: string; event: string | null; raw: string };

async function ingestAll(dir: string, name: string, zips: string[], dateOrder: 'dmy' | 'mdy'): Promise<Row[]> {
  const store = openStore(path.join(dir, `${name}.db`));
  try {
    const custodian = addCustodian(store.db, { id: 'm', name: 'Karin van der Laan', function: 'Staatssecretaris', department: 'BZK', termFrom: '2015-01-01', termTo: null, tz: 'Europe/Amsterdam' });
    for (const z of zips) await ingestPaths(store, [z], { custodian, operator: 'RIH operator', device: null, dateOrder, progress: () => {} });
    return store.db
      .prepare(`SELECT local_iso || '|' || COALESCE(sender, '') || '|' || kind || '|' || text AS k, conversation_id AS c, kind, event, raw_text AS raw FROM messages ORDER BY k`)
      .all() as Row[];
  } finally {
    store.close();
  }
}

const chats = fs.readdirSync(SAMPLES).sort();

describe('two overlapping exports of a chat, ingested in either order', () => {
  it.each(chats)('%s', async (sample) => {
    const name = fs.readdirSync(path.join(SAMPLES, sample)).find((f) => f.endsWith('.txt'))!;
    const text = fs.readFileSync(path.join(SAMPLES, sample, name), 'utf8');
    const dateOrder = sample.includes('en-us') ? 'mdy' : 'dmy';
    const msgs: string[][] = [];
    for (const l of text.split('\n')) {
      if (HEAD.test(l.replace(/^\uFEFF/, '')) || msgs.length === 0) msgs.push([l]);
      else msgs[msgs.length - 1]!.push(l);
    }
    const n = msgs.length;
    const body = (ms: string[][]): string => ms.map((m) => m.join('\n')).join('\n') + (text.endsWith('\n') ? '' : '\n');
    const zipName = `WhatsApp Chat - ${sample}.zip`;
    const dir = tempDir();
    const zip = (rel: string, content: string): string => {
      const file = path.join(dir, rel, zipName);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, makeZip([{ name, data: content, deflate: true }]));
      return file;
    };
    const whole = await ingestAll(dir, 'whole', [zip('whole', text)], dateOrder);
    const texts = new Set(whole.filter((r) => r.kind === 'text' && r.event === null).map((r) => r.raw));
    const rnd = picker(chats.indexOf(sample) + 1);
    for (let round = 0; round < 3; round++) {
      let k1 = 1 + rnd(n - 3);
      let k2 = k1 + 1 + rnd(n - k1 - 1);
      // round 2 edits a message again: one edited already where the sample has one (the case that needs the exports'
      // reach to tell the newer text), so the overlap is cut around it
      const e = round === 2 ? msgs.findIndex((m) => m.length === 1 && EDITED.test(m[0]!) && texts.has(m[0]!.replace(/^\uFEFF/, ''))) : -1;
      if (e > 1 && e < n - 1) {
        k1 = 1 + rnd(e);
        k2 = e + 1 + rnd(n - e - 1);
      }
      const older = msgs.slice(0, k2);
      let later = name === '_chat.txt' ? [msgs[0]!, ...msgs.slice(k1)] : msgs.slice(k1);
      // round 1: the later export lacks a message of the overlap; round 2: it shows one text message edited again.
      if (round === 1) later = later.filter((m) => m !== msgs[k1 + rnd(k2 - k1)]);
      let edited = false;
      if (round === 2) {
        // (a message edited already, where the sample has one in the overlap: the case that needs the later export's reach)
        const candidate = (m: string[], j: number) => j > 0 && msgs.indexOf(m) < k2 && m.length === 1 && texts.has(m[0]!.replace(/^\uFEFF/, ''));
        const editedAlready = later.findIndex((m, j) => candidate(m, j) && EDITED.test(m[0]!));
        const i = editedAlready > 0 ? editedAlready : later.findIndex(candidate);
        if (i > 0) {
          const nl = /-chat met |_chat/.test(name) && sample.includes('-nl-');
          later = later.slice();
          later[i] = [`${later[i]![0]!.replace(EDITED, '')} (aangevuld)${nl ? ' <Dit bericht is bewerkt>' : ' <This message was edited>'}`];
          edited = true;
        }
      }
      const a = zip(`r${round}/older`, body(older));
      const b = zip(`r${round}/later`, body(later));
      const keys = (rows: Row[]) => rows.map((r) => r.k);
      const ab = await ingestAll(dir, `r${round}-ab`, [a, b], dateOrder);
      const ba = await ingestAll(dir, `r${round}-ba`, [b, a], dateOrder);
      const what = `${sample} round ${round}: older = messages 0–${k2 - 1}, later = ${k1}–${n - 1}${edited ? ', one edited again' : ''}`;
      expect(keys(ba), what).toEqual(keys(ab));
      expect(new Set(ab.map((r) => r.c)).size, what).toBe(1);
      if (edited) expect(ab.length, what).toBe(whole.length);
      else expect(keys(ab), what).toEqual(keys(whole));
    }
  });
});
