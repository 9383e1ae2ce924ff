import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSipName } from '../../src/export/files.js';
import { verifyPackages } from '../../src/export/verify.js';
import { insertSyntheticMessages } from '../../src/store/synthetic.js';
import { updateCustodian } from '../../src/store/custodians.js';
import { mark } from '../../src/review/service.js';
import { runCli } from '../helpers/cli.js';
import { buildFixture, PLANTED, type Fixture } from './fixture.js';
import { hasXmllint, walk, xmllintErrors } from './helpers.js';

const EPOCH = { SOURCE_DATE_EPOCH: '1743508800' }; // 2025-04-01T12:00:00Z

async function exportTo(f: Fixture, out: string, ...extra: string[]) {
  return runCli(['export', '--db', f.dbPath, '--custodian', f.custodian, '--out', out, '--json', ...extra], EPOCH);
}

const bagOf = (out: string, set: 'ruw' | 'geschoond'): string => path.join(out, fs.readdirSync(out).find((n) => n.endsWith(`_${set}`))!);
const read = (dir: string, rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8');

/** Every string a reader of the package could see: raw bytes as UTF-8, JSON-decoded strings, HTML/XML entities decoded. */
function visibleText(dir: string): string {
  return walk(dir)
    .map((rel) => {
      const raw = read(dir, rel);
      const decoded = raw.replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
        .replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
      return `${rel}\n${raw}\n${decoded}`;
    })
    .join('\n');
}

describe('export of a realistic store', () => {
  let f: Fixture;
  let out: string;
  let result: any;

  beforeAll(async () => {
    f = buildFixture();
    out = path.join(f.dir, 'levering');
    const r = await exportTo(f, out);
    expect(r.code, r.stderr).toBe(0);
    result = r.json();
  });

  it('writes both sets as BagIt bags with pakbon and the ledger, and reports what it wrote', () => {
    expect(result.packages.map((p: any) => p.set)).toEqual(['ruw', 'geschoond']);
    for (const set of ['ruw', 'geschoond'] as const) {
      const bag = bagOf(out, set);
      for (const t of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt', 'pakbon.xml', 'levering.json']) expect(fs.existsSync(path.join(bag, t)), t).toBe(true);
      const info = read(bag, 'bag-info.txt');
      expect(info).toMatch(/^Payload-Oxum: \d+\.\d+$/m);
      expect(info).toContain('Bagging-Date: 2025-04-01');
      expect(info).toContain(`Chatarchief-Set: ${set}`);
      expect(read(bag, 'pakbon.xml')).toContain(`<sipHash algoritme="SHA-256" over="manifest-sha256.txt">${result.packages.find((p: any) => p.set === set).packageSha256}</sipHash>`);
    }
    const g = result.packages[1];
    expect(g).toMatchObject({ conversations: 4, messages: 10, markers: 3, passages: 1, excludedConversations: 2 });
    const rows = f.store.db.prepare('SELECT set_kind, COUNT(*) AS n FROM export_ledger GROUP BY set_kind ORDER BY set_kind').all();
    expect(rows).toEqual([{ set_kind: 'geschoond', n: 12 }, { set_kind: 'ruw', n: 12 }]); // 10 messages + serie + documentatie
  });

  it.runIf(hasXmllint)('writes only sidecars that are valid against the MDTO XSD', () => {
    const sidecars = walk(out).filter((r) => r.endsWith('.mdto.xml')).map((r) => path.join(out, r));
    expect(sidecars.length).toBeGreaterThan(40);
    expect(xmllintErrors(sidecars)).toEqual([]);
  });

  it('gives every folder and file a sidecar and uses SIP-safe names only', () => {
    for (const set of ['ruw', 'geschoond'] as const) {
      const data = path.join(bagOf(out, set), 'data');
      const files = walk(data);
      for (const rel of files) {
        for (const part of rel.split('/')) expect(isSipName(part), rel).toBe(true);
        if (!rel.endsWith('.mdto.xml')) expect(files, rel).toContain(`${rel}.bestand.mdto.xml`);
      }
      const dirs = new Set(files.flatMap((r) => r.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
      for (const d of dirs) expect(files, d).toContain(`${d}/${path.basename(d)}.mdto.xml`);
    }
  });

  it('never lets planted private text, names or numbers into the geschoonde set (content, names, metadata)', () => {
    const text = visibleText(bagOf(out, 'geschoond'));
    for (const secret of [PLANTED.sentence, PLANTED.passage, PLANTED.party, PLANTED.groupPrivate, 'Maasstad ziekenhuis', 'oom Kees', 'kandidatenlijst',
      PLANTED.sisterName, 'Oranjewoud', '+31612345678', '0612345678', PLANTED.sisterPhoneWritten, '612345678', 'zus van de minister', 'uitvaart familie', 'Lobith"}']) {
      expect(text.includes(secret), secret).toBe(false);
    }
    // ...while the ruwe dataset keeps everything, including the reasons and the evidence.
    const raw = visibleText(bagOf(out, 'ruw'));
    for (const kept of [PLANTED.sentence, PLANTED.passage, PLANTED.party, PLANTED.sisterName, '+31612345678', 'zus van de minister']) expect(raw.includes(kept), kept).toBe(true);
  });

  it('keeps business messages verbatim and puts markers with the same id, seq and time in place of private ones', () => {
    const g = bagOf(out, 'geschoond');
    const crisis = walk(g).find((r) => r.endsWith(`Gesprek_${String(f.conversations.crisis).padStart(6, '0')}/chat.json`))!;
    const slots = read(g, crisis).split('\n').slice(1, -2).map((l) => JSON.parse(l.replace(/,$/, '')));
    expect(slots.map((s: any) => s.type)).toEqual(['message', 'message', 'message', 'marker', 'message']);
    expect(slots[0].text).toBe('De waterstand bij Lobith stijgt, om 10:00 overleg met Rijkswaterstaat.');
    expect(slots[2].text).toBe('Anna Bakker heeft [Privécontact 3] toegevoegd');
    expect(slots[3]).toMatchObject({ id: f.messages.crisisPrivate, seq: 3, sender: 'Privécontact 3', category: 'privé', level: 'contact', undecided: false });
    expect(slots[3].label).toMatch(/^\[bericht afgeschermd: privé · M-\d+ · B-\d+\]$/);
    const html = read(g, crisis.replace('chat.json', 'chat.html'));
    expect(html).toContain('[bericht afgeschermd: privé');
    expect(html).toContain('<html lang="nl">');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('carries every marking, decision and the custodian\'s audit chain in the ruwe dataset', () => {
    const r = bagOf(out, 'ruw');
    const items = (name: string) => read(r, walk(r).find((x) => x.endsWith(`/Verantwoording/${name}`))!).split('\n').slice(1, -2).map((l) => JSON.parse(l.replace(/,$/, '')));
    const db = f.store.db;
    expect(items('markeringen.json').map((m: any) => m.id)).toEqual(db.prepare('SELECT id FROM markings WHERE custodian_id = ? ORDER BY id').pluck().all(f.custodian));
    expect(items('besluiten.json').map((d: any) => d.id)).toEqual(db.prepare('SELECT d.id FROM decisions d JOIN markings m ON m.id = d.marking_id WHERE m.custodian_id = ? ORDER BY d.id').pluck().all(f.custodian));
    const chain = items('auditlog.json');
    expect(chain.map((a: any) => a.hash)).toEqual(db.prepare('SELECT hash FROM audit_log WHERE custodian_id = ? ORDER BY seq').pluck().all(f.custodian));
    expect(chain.length).toBeGreaterThan(0);
    expect(items('contacten.json').find((k: any) => k.id === f.contacts.sister)).toMatchObject({ private: true, pseudonym: 'Privécontact 3', phones: ['+31612345678'] });
  });

  it('says so when xmllint is not there, instead of passing the XSD check silently', () => {
    const report = verifyPackages([out], { store: null, xmllint: '/nonexistent/xmllint' });
    expect(report.checks.filter((c) => c.name === 'xsd').map((c) => [c.status, c.detail])).toEqual([
      ['skipped', 'not checked: xmllint is not installed (Debian: libxml2-utils)'], ['skipped', 'not checked: xmllint is not installed (Debian: libxml2-utils)'],
    ]);
  });

  it('passes verify with both packages, and with the geschoonde set alone when the store is given', async () => {
    const both = await runCli(['verify', '--db', f.dbPath, out, '--json']);
    expect(both.code, both.stdout).toBe(0);
    const report = both.json();
    expect(report.checks.filter((c: any) => c.status !== 'ok')).toEqual([]);
    expect(report.checks.map((c: any) => c.name)).toEqual(expect.arrayContaining(['bag', 'sidecars', 'xsd', 'pakbon', 'slots', 'review-log', 'leaks']));
    const alone = await runCli(['verify', '--db', f.dbPath, bagOf(out, 'geschoond'), '--json']);
    expect(alone.code, alone.stdout).toBe(0);
    expect(alone.json().checks.find((c: any) => c.name === 'leaks').detail).toContain('the store');
    // Without the ruwe set or a store the leak check cannot run: that is no pass (exit 1) unless explicitly accepted,
    // and then the verdict still says so instead of a plain OK.
    const noStore = { CHATARCHIEF_DB: path.join(f.dir, 'geen-store.db') };
    const blind = await runCli(['verify', bagOf(out, 'geschoond')], noStore);
    expect(blind.code, blind.stderr).toBe(1);
    expect(blind.stdout).toMatch(/\[leaks\] .*not checked: give the ruwe package too, or --db with the store; a package not checked for leaks does not pass/);
    expect(blind.stdout).toMatch(/\nFAILED/);
    const accepted = await runCli(['verify', bagOf(out, 'geschoond'), '--accept-unchecked-leaks'], noStore);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/\nOK, but not everything was checked: leaks \(not checked: give the ruwe package too, or --db with the store\)/);
  });

  it('checks a package given twice (itself and in its --out folder, or through a link) once', async () => {
    const link = path.join(f.dir, 'link-naar-geschoond');
    fs.symlinkSync(bagOf(out, 'geschoond'), link);
    const r = await runCli(['verify', '--db', f.dbPath, out, bagOf(out, 'geschoond'), link, out, '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json().packages.map((p: any) => p.set).sort()).toEqual(['geschoond', 'ruw']);
    expect(r.json().checks.filter((c: any) => c.name === 'bag')).toHaveLength(2);
  });
});

describe('verify finds damage and leaks', () => {
  it('fails on one flipped byte in a payload file', async () => {
    const f = buildFixture();
    const out = path.join(f.dir, 'levering');
    expect((await exportTo(f, out)).code).toBe(0);
    const g = bagOf(out, 'geschoond');
    const file = path.join(g, walk(g).find((r) => r.endsWith('/chat.html'))!);
    const bytes = fs.readFileSync(file);
    bytes[200] = bytes[200]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    const findings = v.json().findings.map((x: any) => `${x.check}: ${x.message}`).join('\n');
    expect(findings).toMatch(/bag: data\/.*chat\.html: SHA-256 .* differs from manifest-sha256\.txt/);
    expect(findings).toMatch(/sidecars: .*chat\.html\.bestand\.mdto\.xml: checksumWaarde/);
  });

  it('reports private text, a private name and number, and rule evidence planted into the geschoonde set', async () => {
    const f = buildFixture();
    const out = path.join(f.dir, 'levering');
    expect((await exportTo(f, out)).code).toBe(0);
    const g = bagOf(out, 'geschoond');
    const html = path.join(g, walk(g).find((r) => r.endsWith('/chat.html'))!);
    fs.appendFileSync(html, `<p>${PLANTED.sentence.replace('ziekenhuis', 'ziekenhuis\n  ')}</p>`);
    const side = path.join(g, walk(g).find((r) => /Gesprek_\d+\.mdto\.xml$/.test(r))!);
    fs.writeFileSync(side, fs.readFileSync(side, 'utf8').replace('<taal>nl</taal>', `<taal>nl</taal><!-- ${PLANTED.sisterName.toUpperCase()} 06 1234 5678 -->`));
    const log = path.join(g, walk(g).find((r) => r.endsWith(`Gesprek_${String(f.conversations.crisis).padStart(6, '0')}/review-log.json`))!);
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace('\n{"markingId"', '\n{"evidence":{"term":"verjaardag"},"markingId"'));
    const v = await runCli(['verify', out, '--json']);
    expect(v.code).toBe(1);
    expect(v.json().findings.filter((x: any) => x.check === 'review-log').map((x: any) => x.message).join('\n')).toMatch(/review-log\.json:2: rule id, rule evidence or a decision reason in the geschoonde set/);
    const leaks = v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');
    // Findings name ids, kinds and lengths, never the private text, name or number itself (they go to logs).
    expect(leaks).toMatch(new RegExp(`chat\\.html:\\d+: withheld text \\(\\d+ characters\\) of message \\d+\\n`));
    expect(leaks).toMatch(new RegExp(`mdto\\.xml:\\d+: name of private contact ${f.contacts.sister} \\(Privécontact 3\\)`));
    expect(leaks).toMatch(new RegExp(`mdto\\.xml:\\d+: phone number of private contact ${f.contacts.sister} \\(Privécontact 3\\)`));
    expect(v.stdout).not.toMatch(/maasstad|ziekenhuis|Oranjewoud|1234 5678|612345678/i);
  });
});

describe('--allow-unreviewed and four-eyes', () => {
  it('refuses while a suggestion in the period is undecided, lists it, and writes nothing', async () => {
    const f = buildFixture({ openSuggestion: true });
    const out = path.join(f.dir, 'levering');
    const r = await exportTo(f, out);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ refused: true, open: { total: 1, byLevel: { message: 1 }, examples: [{ id: f.open[0], ruleId: 'prive.open' }] } });
    expect(r.json().open.byConversation).toEqual([{ conversationId: f.conversations.crisis, open: 1 }]);
    expect(fs.existsSync(out)).toBe(false);
    const human = await runCli(['export', '--db', f.dbPath, '--custodian', f.custodian, '--out', out]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`M-${f.open[0]} (message`);
    // The conversation by id and count; its title may be private and stays out of the log.
    expect(human.stderr).toMatch(new RegExp(`\\n\\s*${f.conversations.crisis}\\s+\\|?\\s*1\\b`));
    expect(human.stderr).not.toContain('Crisisoverleg Hoogwater');
    // Outside the period nothing is open: the export of another month goes ahead.
    expect((await exportTo(f, out, '--from', '2025-04-01', '--to', '2025-04-30')).stderr).toMatch(/no messages in the period/);
  });

  it('with --allow-unreviewed counts the undecided suggestion as marked and says so in the package', async () => {
    const f = buildFixture({ openSuggestion: true });
    const out = path.join(f.dir, 'levering');
    const r = await exportTo(f, out, '--allow-unreviewed');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    expect(read(g, 'bag-info.txt')).toContain('Chatarchief-Allow-Unreviewed: true');
    expect(read(g, 'pakbon.xml')).toContain('<onbeoordeeldToegestaan>true</onbeoordeeldToegestaan>');
    expect(read(g, 'pakbon.xml')).toContain('<onbeoordeeldeSuggesties>1</onbeoordeeldeSuggesties>');
    const chat = walk(g).find((r2) => r2.endsWith(`Gesprek_${String(f.conversations.crisis).padStart(6, '0')}/chat.json`))!;
    const text = read(g, chat);
    expect(text).toContain('"allowUnreviewed":true');
    expect(text).toContain(`[bericht afgeschermd: privé · M-${f.open[0]} · onbeoordeeld]`);
    expect(text).not.toContain('Lobith');
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('treats a marking that awaits a second reviewer as undecided', async () => {
    const f = buildFixture();
    updateCustodian(f.store.db, f.custodian, { secondReviewer: true });
    const { markingId } = mark(f.store.db, { level: 'message', targetId: f.messages.crisisBusiness[2]!, category: 'privé', reviewer: 'A. Eerste' });
    const r = await exportTo(f, path.join(f.dir, 'levering'));
    expect(r.code).toBe(1);
    expect(r.json().open.examples.map((e: any) => e.id)).toEqual([markingId]);
  });
});

describe('vervolgexport and atomicity', () => {
  it('a later export contains only objects not delivered before, and says which', async () => {
    const f = buildFixture();
    const first = path.join(f.dir, 'levering-1');
    expect((await exportTo(f, first, '--to', '2025-03-31')).code).toBe(0);
    const [newId] = insertSyntheticMessages(f.store.db, f.custodian, f.conversations.crisis, [
      { sender: 'Anna Bakker', senderContactId: f.contacts.anna, text: 'Update: de dijk bij Ochten houdt, evacuatie afgeblazen.', sentAtMs: Date.UTC(2025, 2, 12, 9, 0) },
    ]);
    const second = path.join(f.dir, 'levering-2');
    const r = await exportTo(f, second, '--to', '2025-03-31');
    expect(r.code, r.stderr).toBe(0);
    const g = r.json().packages.find((p: any) => p.set === 'geschoond');
    expect(g).toMatchObject({ conversations: 1, messages: 1, newObjects: 1, skippedAlreadyDelivered: 10, changedSinceDelivery: 0 });
    const bag = bagOf(second, 'geschoond');
    const files = walk(path.join(bag, 'data'));
    expect(files.some((x) => x.startsWith('Chatberichten_'))).toBe(false); // the Serie was delivered before
    expect(files.some((x) => x.startsWith('Documentatie_'))).toBe(false); // unchanged documentation too
    const chat = read(bag, `data/${files.find((x) => x.endsWith('/chat.json'))!}`);
    expect(chat.split('\n').filter((l) => l.startsWith('{"type"')).map((l) => JSON.parse(l.replace(/,$/, '')).id)).toEqual([newId]);
    expect(chat).toContain('"alreadyDelivered":5');
    const levering = JSON.parse(read(bag, 'levering.json'));
    expect(levering.objects).toEqual([{ objectId: `message:${newId}`, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(levering.previousExports).toHaveLength(1);
    expect(read(bag, 'pakbon.xml')).toMatch(/<vervolg eerdereLeveringen="\d+" nieuweObjecten="1" eerderGeleverd="10"/);
    expect(read(bag, `data/${files.find((x) => /Periode_[^/]+\.mdto\.xml$/.test(x))!}`)).toContain('<isOnderdeelVan>');
    expect((await runCli(['verify', second])).code).toBe(0);
    // Nothing new at all: the export says so and writes nothing.
    const third = path.join(f.dir, 'levering-3');
    const again = await exportTo(f, third, '--to', '2025-03-31');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing new to export');
    // It names the last delivery (set, date, package), not a table of the store the operator cannot see.
    expect(again.stderr).toMatch(new RegExp(`\\(the last delivery: (ruw|geschoond), \\d{4}-\\d{2}-\\d{2}, ${second.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^)]*\\)`));
    expect(again.stderr).not.toContain('table exports');
    expect(fs.existsSync(third)).toBe(false);
  });

  it('writes no package for a set that has nothing new, and says so', async () => {
    const f = buildFixture();
    expect((await exportTo(f, path.join(f.dir, 'alleen-ruw'), '--set', 'ruw')).code).toBe(0);
    const r = await exportTo(f, path.join(f.dir, 'beide'), '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().packages.map((p: any) => p.set)).toEqual(['geschoond']);
    expect(r.stderr).toMatch(/ruw: every message in 2025-03-10 – 2025-03-10 was delivered before; no ruw package/);
    expect(fs.readdirSync(path.join(f.dir, 'beide'))).toEqual([expect.stringMatching(/_geschoond$/)]);
  });

  it('a failure half-way leaves no package, no temporary folder and no ledger entry', async () => {
    const f = buildFixture();
    // An attachment whose blob path is a folder: reading it fails while the package is being written.
    const sha = 'ab'.repeat(32);
    f.store.db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, 10)').run(f.messages.crisisBusiness[1], 'kaart.png', 'image/png', sha);
    fs.mkdirSync(f.store.blobs.pathFor(sha), { recursive: true });
    const out = path.join(f.dir, 'levering');
    const r = await exportTo(f, out);
    expect(r.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(f.dir).filter((n) => n.includes('partial'))).toEqual([]);
    expect(f.store.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
    expect(f.store.db.prepare('SELECT COUNT(*) AS n FROM export_ledger').get()).toEqual({ n: 0 });
  });

  it("refuses to deliver a geschoonde set in which a kept attachment carries a private contact's data, naming where", async () => {
    const f = buildFixture();
    // A business message forwards the sister's contact card: cleaning keeps the message and its attachment bytes.
    const vcard = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${PLANTED.sisterName}\r\nTEL;TYPE=CELL:${PLANTED.sisterPhone}\r\nEND:VCARD\r\n`;
    const { sha256, size } = f.store.blobs.putBuffer(Buffer.from(vcard));
    const carrier = f.messages.crisisBusiness[0]!;
    f.store.db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, ?)').run(carrier, 'contact.vcf', 'text/vcard', sha256, size);
    for (const sets of [['--set', 'both'], ['--set', 'geschoond']]) {
      const out = path.join(f.dir, `levering-${sets[1]}`);
      const r = await exportTo(f, out, ...sets);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain("the geschoonde set would contain withheld content or a private contact's name or number, so nothing was exported");
      expect(r.stderr).toMatch(new RegExp(`/media_${carrier}_0\\.vcf:3: name of a private contact`));
      expect(r.stderr).toMatch(new RegExp(`/media_${carrier}_0\\.vcf:4: phone of a private contact`));
      // Where, never what: the finding itself is private.
      expect(r.stderr).not.toContain(PLANTED.sisterName);
      expect(r.stderr).not.toContain(PLANTED.sisterPhone);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(f.dir).filter((n) => n.includes('partial'))).toEqual([]);
      expect(f.store.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
    }
    // Once the reviewer withholds the message that carries the card, the export goes through and verifies.
    mark(f.store.db, { custodianId: f.custodian, level: 'message', targetId: carrier, category: 'privé', reviewer: 'Els', reason: 'visitekaartje van familie' });
    const out = path.join(f.dir, 'levering');
    const r = await exportTo(f, out);
    expect(r.code, r.stderr).toBe(0);
    const v = await runCli(['verify', '--db', f.dbPath, out, '--json']);
    expect(v.code, v.stdout).toBe(0);
    expect(v.json().checks.find((c: any) => c.name === 'leaks').status).toBe('ok');
  });

  it('refuses a kept text attachment holding withheld text; image bytes are not read as text', async () => {
    const f = buildFixture();
    const attach = (messageId: number, name: string, mime: string, bytes: Buffer) => {
      const { sha256, size } = f.store.blobs.putBuffer(bytes);
      f.store.db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, ?)').run(messageId, name, mime, sha256, size);
    };
    // A photo whose bytes happen to spell the sister's name: no finding (binary media is not screened as text).
    attach(f.messages.crisisBusiness[1]!, 'kaart.jpg', 'image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(` ${PLANTED.sisterName} `), Buffer.alloc(64)]));
    expect((await exportTo(f, path.join(f.dir, 'foto'), '--set', 'geschoond')).code).toBe(0);
    // A forwarded note that repeats a withheld message word for word.
    const g = buildFixture();
    const { sha256, size } = g.store.blobs.putBuffer(Buffer.from(`Doorgestuurd:\n${PLANTED.sentence}\n`));
    g.store.db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, ?)').run(g.messages.crisisBusiness[0]!, 'notitie.txt', 'text/plain', sha256, size);
    const r = await exportTo(g, path.join(g.dir, 'notitie'), '--set', 'geschoond');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`/media_${g.messages.crisisBusiness[0]}_0\\.txt:2: withheld text`));
    expect(r.stderr).not.toContain('Maasstad');
  });

  it('stops with exit 1 on a blob that is gone or changed since ingest, instead of delivering without it', async () => {
    for (const damage of ['gone', 'changed'] as const) {
      const f = buildFixture();
      const { sha256, size } = f.store.blobs.putBuffer(Buffer.from('\x89PNG kaart van dijkring 43'));
      const carrier = f.messages.crisisBusiness[1]!;
      f.store.db.prepare('INSERT INTO attachments (message_id, ordinal, name, mime, sha256, size) VALUES (?, 0, ?, ?, ?, ?)').run(carrier, 'kaart.png', 'image/png', sha256, size);
      const blob = f.store.blobs.pathFor(sha256);
      fs.chmodSync(blob, 0o644);
      if (damage === 'gone') fs.rmSync(blob);
      else fs.writeFileSync(blob, '\x89PNG kaart van dijkring 44');
      const out = path.join(f.dir, 'levering');
      const r = await exportTo(f, out);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('the store is damaged, so nothing was exported: ');
      expect(r.stderr).toContain(damage === 'gone' ? `message ${carrier}, attachment 1: its bytes (sha256 ${sha256}) are not in the blob store` : `the ingest recorded ${sha256}`);
      expect(fs.existsSync(out)).toBe(false);
      expect(f.store.db.prepare('SELECT COUNT(*) AS n FROM exports').get()).toEqual({ n: 0 });
    }
  });

  it('refuses an --out folder that already holds something', async () => {
    const f = buildFixture();
    const out = path.join(f.dir, 'bestaand');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'x.txt'), 'x');
    const r = await exportTo(f, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exists and is not an empty folder');
    const file = path.join(f.dir, 'levering.zip');
    fs.writeFileSync(file, 'x');
    const r2 = await exportTo(f, file);
    expect([r2.code, r2.stderr]).toEqual([1, expect.stringContaining(`--out ${file}: is a file; choose a new folder`)]);
  });
});
