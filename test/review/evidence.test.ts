/**
 * `audit verify` checks the evidence in the blob store as well as the audit log: every blob a source, source file or
 * attachment names must be there, a regular file, of the recorded size, hashing to its name, and read-only; a blob that
 * nothing names is reported on its own (and kept). The store is built by ingesting the bundled samples through the CLI.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/store/blobs.js';
import { blobDirFor } from '../../src/store/db.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { seedDemo, type Seeded } from '../helpers/seed.js';
import { tableSnapshot, writeIn } from '../ingest/store-dir.js';

const verify = (db: string, ...args: string[]) => runCli(['audit', 'verify', '--db', db, ...args]);

function rows<T>(db: string, sql: string, ...args: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...args) as T[];
  } finally {
    d.close();
  }
}

/** Runs `audit verify --json`, expects exit 1 with one evidence finding and no audit finding, and returns it. */
async function theOneFinding(db: string) {
  const r = await verify(db, '--json');
  expect(r.code).toBe(1);
  const j = r.json();
  expect([j.ok, j.findings, j.evidence.findings.length]).toEqual([false, [], 1]);
  return j.evidence.findings[0];
}

const blobsOf = (s: Seeded) => new BlobStore(blobDirFor(s.db));

/** A WhatsApp source (a plain chat .txt: the source's blob is its chat file's). */
function whatsappSource(s: Seeded): { id: number; file_name: string; sha256: string; size: number } {
  return rows<{ id: number; file_name: string; sha256: string; size: number }>(s.db, `SELECT id, file_name, sha256, size FROM sources WHERE platform = 'whatsapp' ORDER BY id LIMIT 1`)[0]!;
}

/** The Signal export's PDF: an attachment whose bytes are also a file of the source. */
function pdfAttachment(s: Seeded): { id: number; name: string; sha256: string; size: number; message_id: number } {
  return rows<{ id: number; name: string; sha256: string; size: number; message_id: number }>(
    s.db, `SELECT id, name, sha256, size, message_id FROM attachments WHERE name LIKE '%.pdf' AND sha256 IS NOT NULL`,
  )[0]!;
}

/** Every entry of the blob store with its type, size, mode and modification time: equal means untouched. */
function storeListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('audit verify: the evidence in the blob store', () => {
  it('passes a clean store built by ingesting the samples, with the audit fields unchanged and an evidence summary', async () => {
    const s = await seedDemo({ signal: true });
    const r = await verify(s.db, '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = r.json();
    expect(Object.keys(j)).toEqual(['ok', 'entries', 'chains', 'decisionsChecked', 'markingsChecked', 'findings', 'evidence']);
    expect(j).toMatchObject({ ok: true, findings: [], evidence: { manifests: 0, tmpFiles: 0, findings: [] } });
    const blobFiles = storeListing(blobsOf(s).dir).filter((l) => / 100444 /.test(l));
    expect(j.evidence.checked).toBe(blobFiles.length);
    expect(j.evidence.references).toBeGreaterThan(j.evidence.checked); // a plain .txt's blob is its source's and its file's
    expect(j.evidence.bytes).toBeGreaterThan(0);
    const human = await verify(s.db);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Audit log intact/);
    expect(human.stdout).toMatch(new RegExp(`Evidence intact: ${j.evidence.checked} blob\\(s\\)`));
  });

  it('reports a blob with one byte flipped as altered, naming the attachment, the source file and the blob', async () => {
    const s = await seedDemo({ signal: true });
    const a = pdfAttachment(s);
    const file = blobsOf(s).pathFor(a.sha256);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[10] = bytes[10]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    fs.chmodSync(file, 0o444);
    const r = await verify(s.db, '--json');
    expect(r.code).toBe(1);
    const j = r.json();
    expect(j.ok).toBe(false);
    expect(j.findings).toEqual([]); // the audit log's own findings
    expect(j.evidence.findings).toHaveLength(1);
    const f = j.evidence.findings[0];
    expect(f).toMatchObject({ code: 'blob-hash-differs', sha256: a.sha256, blobPath: file });
    expect(f.references).toContainEqual(expect.objectContaining({ kind: 'attachment', attachmentId: a.id, fileName: a.name, messageId: a.message_id, size: a.size }));
    expect(f.references).toContainEqual(expect.objectContaining({ kind: 'source-file', fileName: 'main.jsonl' }));
    expect(f.message).toContain(`attachment ${a.id} '${a.name}'`);
    expect(f.message).toContain(file);
    expect(f.message).toContain(crypto.createHash('sha256').update(bytes).digest('hex'));
    const human = await verify(s.db);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/EVIDENCE NOT INTACT: 1 finding\(s\)\.\n {2}\[blob-hash-differs\] /);
  });

  it('reports a deleted blob as missing, naming the source', async () => {
    const s = await seedDemo();
    const src = whatsappSource(s);
    const file = blobsOf(s).pathFor(src.sha256);
    fs.rmSync(file);
    const f = await theOneFinding(s.db);
    expect(f).toMatchObject({ code: 'blob-missing', sha256: src.sha256, blobPath: file });
    expect(f.references).toContainEqual({ kind: 'source', sourceId: src.id, fileName: src.file_name, custodianId: s.custodian, size: src.size });
    expect(f.message).toContain(`source ${src.id} '${src.file_name}'`);
    expect(f.message).toContain(file);
  });

  it('reports a truncated blob by its size, naming the source', async () => {
    const s = await seedDemo();
    const src = whatsappSource(s);
    const file = blobsOf(s).pathFor(src.sha256);
    fs.chmodSync(file, 0o644);
    fs.truncateSync(file, 100);
    fs.chmodSync(file, 0o444);
    const f = await theOneFinding(s.db);
    expect(f).toMatchObject({ code: 'blob-size-differs', sha256: src.sha256, blobPath: file });
    expect(f.message).toContain(`source ${src.id} '${src.file_name}'`);
    expect(f.message).toContain(`has 100 bytes, not the ${src.size} recorded`);
  });

  it('reports a writable blob, though its bytes are whole', async () => {
    const s = await seedDemo();
    const src = whatsappSource(s);
    const file = blobsOf(s).pathFor(src.sha256);
    fs.chmodSync(file, 0o644);
    const f = await theOneFinding(s.db);
    expect(f).toMatchObject({ code: 'blob-writable', sha256: src.sha256, blobPath: file });
    expect(f.message).toContain(`source ${src.id} '${src.file_name}'`);
    expect(f.message).toContain('mode 0644');
  });

  it('reports a blob that nothing names as unreferenced (with --custodian too), and keeps it; temporary files are counted, not findings', async () => {
    const s = await seedDemo();
    const blobs = blobsOf(s);
    const extra = blobs.putBuffer(crypto.randomBytes(300)); // as a run killed before its commit leaves it
    fs.writeFileSync(path.join(blobs.tmpDir, `${process.pid}-leftover`), 'half', { mode: 0o444 });
    const before = { store: storeListing(blobs.dir), db: tableSnapshot(s.db) };
    for (const args of [[], ['--custodian', s.custodian]]) {
      const r = await verify(s.db, '--json', ...args);
      expect(r.code).toBe(1);
      const j = r.json();
      expect(j.evidence.tmpFiles).toBe(1);
      expect(j.evidence.findings).toEqual([
        expect.objectContaining({ code: 'blob-unreferenced', sha256: extra.sha256, blobPath: blobs.pathFor(extra.sha256), references: [] }),
      ]);
      expect(j.evidence.findings[0].message).toContain('300 bytes, whole');
    }
    const human = await verify(s.db);
    expect(human.stdout).toContain('[blob-unreferenced]');
    expect(human.stdout).toContain(`1 temporary file(s) in ${blobs.tmpDir} not checked`);
    // Read only: nothing in the blob store or the database changed, the unreferenced blob included.
    expect(storeListing(blobs.dir)).toEqual(before.store);
    expect(tableSnapshot(s.db)).toEqual(before.db);
  });

  it('reports what lies in the store that is no blob', async () => {
    const s = await seedDemo();
    const blobs = blobsOf(s);
    const src = whatsappSource(s);
    const misplaced = path.join(blobs.dir, 'sha256', 'ff', 'ff', src.sha256);
    fs.mkdirSync(path.dirname(misplaced), { recursive: true });
    fs.copyFileSync(blobs.pathFor(src.sha256), misplaced);
    fs.writeFileSync(path.join(blobs.dir, 'notes.txt'), 'x');
    const j = (await verify(s.db, '--json')).json();
    expect(j.evidence.findings.map((f: { code: string; blobPath: string }) => [f.code, f.blobPath])).toEqual([
      ['blob-stray', path.join(blobs.dir, 'notes.txt')],
      ['blob-stray', misplaced],
    ]);
  });

  it('with --custodian reads only that custodian\'s blobs', async () => {
    const s = await seedDemo();
    const add = await runCli(['custodian', 'add', '--db', s.db, '--id', 'minister-ezk', '--name', 'P. Jansen', '--function', 'Minister', '--department', 'EZK', '--from', '2022-01-10']);
    expect(add.code, add.stderr).toBe(0);
    const chat = writeIn(tempDir(), 'WhatsApp-chat met Kees.txt', '14-01-2023 10:00 - Kees: Hoi\n14-01-2023 11:00 - P. Jansen: Dank\n');
    const ing = await runCli(['ingest', '--db', s.db, '--custodian', 'minister-ezk', '--json', chat]);
    expect(ing.code, ing.stderr).toBe(0);
    const other = ing.json().sources[0];
    fs.rmSync(blobsOf(s).pathFor(other.sha256));
    const mine = await verify(s.db, '--json', '--custodian', s.custodian);
    expect(mine.code, mine.stdout).toBe(0);
    const theirs = await verify(s.db, '--json', '--custodian', 'minister-ezk');
    expect(theirs.code).toBe(1);
    expect(theirs.json().evidence).toMatchObject({ checked: 0, findings: [{ code: 'blob-missing', references: [{ kind: 'source', sourceId: other.id, custodianId: 'minister-ezk' }, { kind: 'source-file' }] }] });
    expect(mine.json().evidence.checked).toBeGreaterThan(0);
  });

  it('a folder source recorded by its file list has no blob of its own and passes; its files are checked', async () => {
    const s = await seedDemo();
    const dir = tempDir();
    const chat = '14-01-2023 10:00 - Kees: IMG-20230114-WA0001.jpg (bestand bijgevoegd)\n14-01-2023 11:00 - J. de Vries: Dank\n';
    writeIn(dir, 'export/WhatsApp-chat met Kees.txt', chat);
    writeIn(dir, 'export/IMG-20230114-WA0001.jpg', crypto.randomBytes(500));
    const first = await runCli(['ingest', '--db', s.db, '--custodian', s.custodian, '--json', path.join(dir, 'export')]);
    expect(first.code, first.stderr).toBe(0);
    writeIn(dir, 'export/IMG-20230114-WA0002.jpg', crypto.randomBytes(400)); // a photo copied in since
    const second = await runCli(['ingest', '--db', s.db, '--custodian', s.custodian, '--json', path.join(dir, 'export')]);
    expect(second.code, second.stderr).toBe(0);
    const src = second.json().sources[0];
    expect(src.warnings.map((w: { code: string }) => w.code)).toContain('same-chat-file-other-media');
    expect(blobsOf(s).has(src.sha256)).toBe(false);
    const ok = await verify(s.db, '--json');
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.json().evidence).toMatchObject({ manifests: 1, findings: [] });
    // Its new photo is a file of it, and checked.
    const photo = rows<{ sha256: string }>(s.db, `SELECT sha256 FROM source_files WHERE source_id = ? AND path = 'IMG-20230114-WA0002.jpg'`, src.id)[0]!;
    fs.rmSync(blobsOf(s).pathFor(photo.sha256));
    const bad = (await verify(s.db, '--json')).json();
    expect(bad.evidence.findings).toMatchObject([{ code: 'blob-missing', references: [{ kind: 'source-file', sourceId: src.id, path: 'IMG-20230114-WA0002.jpg' }] }]);
  });
});
