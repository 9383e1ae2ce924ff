/**
 * Export benchmark (issue 6): exports stores of 100k and 1M messages as both sets (ruw + geschoond), with 2% of the
 * messages marked privé, 0.5% partijpolitiek, 1% with a privé passage, one conversation withheld as a whole, and a
 * small media file on 0.1% of the messages. Reports wall and CPU time (CPU time is the fairer number on a busy machine) and peak RSS (process.resourceUsage().maxRSS) per size;
 * memory must stay flat (the 1M export must not need ~10× the memory of the 100k one).
 *
 * The store is generated once per size (cached in the bench folder) in its own process; the export runs in a fresh
 * process so its peak RSS is its own. Sizes: BENCH_SIZES=100000,1000000. BENCH_EXPORT_VERIFY=1 also times `verify` on the
 * packages (ruw + geschoond, leak check from the ruwe package). Run alone: `npm run build && node dist/bench/export.js`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, fmt, peakRssMiB, secs } from './util.js';

const self = fileURLToPath(import.meta.url);
const CUSTODIAN = 'minister-export-bench';
const SEED_VERSION = 1;
type Result = { ms: number; cpuMs: number; messages: number; rss: number; bytes: number; files: number };

const WORDS = 'de het een en van voor met op over naar bij dat nota overleg planning agenda minister beleid wetsvoorstel gemeenten begroting reactie advies akkoord dank klaar concept'.split(' ');

async function seed(n: number, dbPath: string): Promise<{ rss: number }> {
  const { openStore } = await import('../src/store/db.js');
  const { addCustodian } = await import('../src/store/custodians.js');
  const { insertSyntheticContact, insertSyntheticConversation, insertSyntheticMessages } = await import('../src/store/synthetic.js');
  const { syncRuleSuggestions } = await import('../src/store/markings.js');
  const store = openStore(dbPath);
  const { db } = store;
  addCustodian(db, { id: CUSTODIAN, name: 'Bench Minister', function: 'Minister', department: 'BZK', termFrom: '2020-01-01', termTo: null, tz: 'Europe/Amsterdam' });
  const me = insertSyntheticContact(db, CUSTODIAN, { name: 'Bench Minister', phone: '+31600000000', isCustodian: true });
  const people = Array.from({ length: 50 }, (_, i) => insertSyntheticContact(db, CUSTODIAN, { name: `Collega ${i}`, phone: `+316100000${String(i).padStart(2, '0')}` }));
  const sister = insertSyntheticContact(db, CUSTODIAN, { name: 'Zus Benchmark', phone: '+31612345678' });
  const convs = [
    insertSyntheticConversation(db, CUSTODIAN, { title: 'Groot crisisoverleg', isGroup: true, participantIds: [me, ...people] }),
    ...Array.from({ length: 8 }, (_, i) => insertSyntheticConversation(db, CUSTODIAN, { title: `Overleg ${i}`, isGroup: true, participantIds: [me, ...people.slice(i * 5, i * 5 + 6)] })),
    insertSyntheticConversation(db, CUSTODIAN, { title: 'Zus Benchmark', participantIds: [me, sister] }),
  ];
  const suggestions: { level: 'message' | 'passage' | 'conversation'; targetId: number; span: [number, number] | null; category: string; ruleId: string; ruleFileHash: string; evidenceJson: string }[] = [];
  const attachments: number[] = [];
  let made = 0;
  let clock = Date.UTC(2025, 0, 1);
  for (const [ci, conv] of convs.entries()) {
    const total = ci === 0 ? Math.floor(n * 0.9) : Math.floor((n * 0.1) / (convs.length - 1));
    for (let done = 0; done < total; done += 50_000) {
      const batch = Math.min(50_000, total - done);
      const texts = Array.from({ length: batch }, (_, k) => {
        const i = made + k;
        return Array.from({ length: 6 + (i % 20) }, (_, j) => WORDS[(i * 7 + j * 13) % WORDS.length]).join(' ') + `. Bericht ${i}.`;
      });
      const ids = insertSyntheticMessages(db, CUSTODIAN, conv, texts.map((text, k) => ({
        sender: ci === convs.length - 1 ? 'Zus Benchmark' : `Collega ${(made + k) % 50}`,
        senderContactId: ci === convs.length - 1 ? sister : people[(made + k) % 50]!,
        text, sentAtMs: (clock += 20_000),
      })));
      for (const [k, id] of ids.entries()) {
        const i = made + k;
        if (i % 50 === 1) suggestions.push({ level: 'message', targetId: id, span: null, category: 'privé', ruleId: 'bench.prive', ruleFileHash: 'b', evidenceJson: '{}' });
        else if (i % 200 === 3) suggestions.push({ level: 'message', targetId: id, span: null, category: 'partijpolitiek', ruleId: 'bench.partij', ruleFileHash: 'b', evidenceJson: '{}' });
        else if (i % 100 === 5) suggestions.push({ level: 'passage', targetId: id, span: [0, 10], category: 'privé', ruleId: 'bench.passage', ruleFileHash: 'b', evidenceJson: '{}' });
        if (i % 1000 === 7) attachments.push(id);
      }
      made += batch;
    }
  }
  suggestions.push({ level: 'conversation', targetId: convs[convs.length - 1]!, span: null, category: 'privé', ruleId: 'bench.zus', ruleFileHash: 'b', evidenceJson: '{}' });
  syncRuleSuggestions(db, CUSTODIAN, suggestions, { ruleFiles: [], counts: {} });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2000, 7)]);
  const { sha256 } = store.blobs.putBuffer(png);
  const ins = db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, ?)');
  db.transaction(() => { for (const id of attachments) ins.run(id, `kaart-${id}.png`, 'image/png', sha256, png.length); })();
  store.close();
  return { rss: peakRssMiB() };
}

async function runExport(dbPath: string, out: string): Promise<Result> {
  const { openStore } = await import('../src/store/db.js');
  const { runExport: exportNow } = await import('../src/export/run.js');
  const store = openStore(dbPath);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await exportNow(store, { custodianId: CUSTODIAN, out, sets: ['ruw', 'geschoond'], allowUnreviewed: true, log: (m) => process.stderr.write(`  ${m}\n`) });
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  // Leave the store as it was, so the next measurement is a first export again.
  store.db.exec('DELETE FROM export_ledger; DELETE FROM exports;');
  store.close();
  return { ms, cpuMs: (used.user + used.system) / 1000, messages: r.packages[0]!.messages, rss: peakRssMiB(), bytes: r.packages.reduce((a, p) => a + p.counts.bytes, 0), files: r.packages.reduce((a, p) => a + p.counts.files, 0) };
}

async function runVerify(out: string): Promise<{ ms: number; cpuMs: number; rss: number; ok: boolean }> {
  const { verifyPackages } = await import('../src/export/verify.js');
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = verifyPackages([out], { store: null });
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, rss: peakRssMiB(), ok: r.ok };
}

async function orchestrate(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
  const rows: Result[] = [];
  for (const n of sizes) {
    const dir = path.join(benchDir(), `export-${n}-v${SEED_VERSION}`);
    const db = path.join(dir, 'bench.db');
    if (!fs.existsSync(path.join(dir, 'ready'))) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      process.stderr.write(`generating a store of ${fmt(n)} messages…\n`);
      child<{ rss: number }>(self, ['seed', String(n), db]);
      fs.writeFileSync(path.join(dir, 'ready'), '');
    }
    const out = path.join(dir, 'out');
    fs.rmSync(out, { recursive: true, force: true });
    process.stderr.write(`exporting ${fmt(n)} messages (ruw + geschoond)…\n`);
    const r = child<Result>(self, ['export', db, out]);
    if (process.env.BENCH_EXPORT_VERIFY) {
      process.stderr.write(`verifying the packages of ${fmt(n)} messages…\n`);
      const v = child<{ ms: number; cpuMs: number; rss: number; ok: boolean }>(self, ['verify', out]);
      process.stdout.write(`verify ${fmt(r.messages)} msgs, both packages: ${secs(v.ms)} wall, ${secs(v.cpuMs)} CPU, peak RSS ${v.rss} MiB, ${v.ok ? 'ok' : 'FAILED'}\n`);
    }
    fs.rmSync(out, { recursive: true, force: true });
    rows.push(r);
    process.stdout.write(
      `export ${fmt(r.messages)} msgs, both sets: ${secs(r.ms).padStart(9)} wall, ${secs(r.cpuMs)} CPU  ${fmt(r.messages / (r.ms / 1000)).padStart(8)} msg/s  ` +
        `peak RSS ${r.rss} MiB  (${fmt(r.files)} files, ${fmt(r.bytes / 1e6)} MB)\n`,
    );
  }
  if (rows.length >= 2) {
    const [a, b] = [rows[0]!, rows[rows.length - 1]!];
    process.stdout.write(`peak RSS ${a.rss} MiB at ${fmt(a.messages)} → ${b.rss} MiB at ${fmt(b.messages)} messages (×${(b.rss / a.rss).toFixed(2)} for ×${(b.messages / a.messages).toFixed(0)} messages; flat means close to ×1)\n`);
  }
}

const [mode, a1, a2] = process.argv.slice(2);
if (mode === 'seed') console.log(JSON.stringify(await seed(Number(a1), a2!)));
else if (mode === 'export') console.log(JSON.stringify(await runExport(a1!, a2!)));
else if (mode === 'verify') console.log(JSON.stringify(await runVerify(a1!)));
else await orchestrate();
