import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { mark } from '../../src/review/service.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { hasXmllint, walk, xmllintErrors } from './helpers.js';

/**
 * Golden package from the bundled samples: WhatsApp (a crisis group, a 1:1 with a director, a private 1:1 "thuis", a
 * party group) and a Signal export with a PDF attachment, with reviewer markings on top. The geschoonde set is
 * compared with test/export/golden/samples-geschoond.txt after normalising decision times and hashes (which follow
 * from them). Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and read the diff.
 */
const SAMPLES = ['whatsapp/android-nl-group-crisisteam', 'whatsapp/android-nl-1on1-directeur', 'whatsapp/ios-nl-1on1-thuis', 'whatsapp/ios-nl-group-fractie', 'signal/signal-export-2025-10-27'];
const GOLDEN = path.join(REPO, 'test/export/golden/samples-geschoond.txt');
const EPOCH = { SOURCE_DATE_EPOCH: '1761566400' }; // 2025-10-27T12:00:00Z

function normalise(text: string): string {
  return text
    .replace(/"decidedAt":"[^"]+"/g, '"decidedAt":"<decision time>"')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>');
}

describe('golden package from the samples', () => {
  let dir: string;
  let db: string;
  let out: string;

  beforeAll(async () => {
    dir = tempDir('chatarchief-golden-');
    db = path.join(dir, 'store.db');
    expect((await runCli(['custodian', 'add', '--db', db, '--id', 'minister-bzk', '--name', 'J. de Vries', '--function', 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', '--department', 'BZK', '--from', '2022-01-10'])).code).toBe(0);
    const ing = await runCli(['ingest', '--db', db, '--custodian', 'minister-bzk', '--operator', 'test-operator', '--device', 'test-phone', ...SAMPLES.map((s) => path.join(REPO, 'samples', s))]);
    expect(ing.code, ing.stderr).toBe(0);
    const store = openStore(db);
    const conv = (title: string) => (store.db.prepare('SELECT id FROM conversations WHERE title = ?').get(title) as { id: number }).id;
    const contact = (name: string) => (store.db.prepare('SELECT id FROM contacts WHERE display_name = ?').get(name) as { id: number }).id;
    const msg = (c: number, like: string) => store.db.prepare('SELECT id, text FROM messages WHERE conversation_id = ? AND text LIKE ? ORDER BY seq LIMIT 1').get(c, like) as { id: number; text: string };
    const reviewer = 'T. Toetser';
    mark(store.db, { level: 'contact', targetId: contact('Thomas'), category: 'privé', reviewer, reason: 'partner' });
    mark(store.db, { level: 'conversation', targetId: conv('Fractie: Campagne 2025'), category: 'partijpolitiek', reviewer, reason: 'fractie' });
    const crisis = store.db.prepare('SELECT id, text FROM messages WHERE conversation_id = ? AND length(text) > 40 ORDER BY seq LIMIT 1 OFFSET 3').get(conv('Crisisteam Hoogwater')) as { id: number; text: string };
    mark(store.db, { level: 'passage', targetId: crisis.id, span: [0, 20], category: 'privé', reviewer, reason: 'test passage' });
    const signal = msg(conv('Crisisoverleg Hoogwater'), '%');
    mark(store.db, { level: 'message', targetId: signal.id, category: 'privé', reviewer, reason: 'privé bericht' });
    store.close();
    out = path.join(dir, 'levering');
    const r = await runCli(['export', '--db', db, '--custodian', 'minister-bzk', '--out', out], EPOCH);
    expect(r.code, r.stderr).toBe(0);
  });

  it('matches the golden geschoonde set (listing and every chat.json, normalised)', () => {
    const bag = path.join(out, fs.readdirSync(out).find((n) => n.endsWith('_geschoond'))!);
    const files = walk(bag);
    const listing = files.map((f) => `${f} ${fs.statSync(path.join(bag, f)).size}`).join('\n');
    const chats = files.filter((f) => f.endsWith('/chat.json')).map((f) => `== ${f}\n${fs.readFileSync(path.join(bag, f), 'utf8')}`).join('\n');
    const actual = normalise(`${listing}\n\n${chats}`);
    if (process.env.UPDATE_GOLDEN) {
      fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
      fs.writeFileSync(GOLDEN, actual);
    }
    expect(actual).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  it.runIf(hasXmllint)('has only XSD-valid sidecars in both sets', () => {
    expect(xmllintErrors(walk(out).filter((f) => f.endsWith('.mdto.xml')).map((f) => path.join(out, f)))).toEqual([]);
  });

  it('carries the original source files byte for byte in the ruwe dataset, hashes equal to the ingest record', () => {
    const bag = path.join(out, fs.readdirSync(out).find((n) => n.endsWith('_ruw'))!);
    const store = openStore(db);
    const sources = store.db.prepare('SELECT id, file_name, sha256 FROM sources ORDER BY id').all() as { id: number; file_name: string; sha256: string }[];
    store.close();
    const delivered = walk(bag).filter((f) => /\/Bronbestanden\/bron_\d+_[^/]+$/.test(f) && !f.endsWith('.mdto.xml'));
    const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(bag, f))).digest('hex');
    for (const s of sources) {
      const mine = delivered.filter((f) => path.basename(f).startsWith(`bron_${s.id}_`));
      expect(mine.length, s.file_name).toBeGreaterThan(0);
      if (mine.length === 1) expect(sha(mine[0]!), s.file_name).toBe(s.sha256);
    }
    // Every file a source recorded is delivered, the files beside a folder's chat file too (the Signal folder's
    // metadata.json and files/), each byte for byte.
    const reopened = openStore(db);
    const recorded = reopened.db.prepare('SELECT source_id AS id, path, sha256 FROM source_files ORDER BY source_id, path').all() as { id: number; path: string; sha256: string }[];
    const zipSources = new Set((reopened.db.prepare("SELECT id FROM sources WHERE file_name LIKE '%.zip'").all() as { id: number }[]).map((x) => x.id));
    reopened.close();
    const hashes = new Set(delivered.map(sha));
    for (const r of recorded.filter((x) => !zipSources.has(x.id))) expect(hashes.has(r.sha256), `source ${r.id}: ${r.path}`).toBe(true);
    expect(recorded.some((r) => r.path.endsWith('metadata.json'))).toBe(true);
    const crisis = delivered.find((f) => f.includes('Crisisteam'))!;
    expect(fs.readFileSync(path.join(bag, crisis))).toEqual(fs.readFileSync(path.join(REPO, 'samples/whatsapp/android-nl-group-crisisteam/WhatsApp-chat met Crisisteam Hoogwater.txt')));
  });

  it('passes verify on both packages', async () => {
    const v = await runCli(['verify', out, '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(v.json().checks.every((c: any) => c.status === 'ok')).toBe(true);
  });
});
