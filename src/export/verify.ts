import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { UserError } from '../errors.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/db.js';
import { checkBag, packageSha256, readBagInfo } from './bagit.js';
import { chatFileHead, geschoondSlot, parseJsonLinesArray, rawSlot, reviewLogEntry, reviewLogHead } from './chatjson.js';
import { isSipName, readLines } from './files.js';
import { scanPackage, sourceFromRawPackage, sourceFromStore, type LeakSource } from './leaks.js';
import { leakingSegments, maskSegments } from './leak-paths.js';
import { readBestandFacts } from './mdto.js';
import { readPakbon } from './pakbon.js';

/**
 * `chatarchief verify <package-dir>...`: BagIt manifests, every sidecar against the MDTO XSD (xmllint), sizes and
 * hashes in the bestand sidecars, the pakbon, chat.json against its schema, the one-to-one message slots between ruw
 * and geschoond, and the leak check of every geschoonde package (see leaks.ts for where withheld content comes from).
 */

export type CheckStatus = 'ok' | 'failed' | 'skipped';
export interface VerifyReport {
  ok: boolean;
  packages: { path: string; set: string | null; custodianId: string | null; period: { from: string; to: string } | null; files: number }[];
  checks: { name: string; package: string; status: CheckStatus; detail: string }[];
  findings: { check: string; package: string; message: string }[];
}

interface Bag {
  dir: string;
  set: 'ruw' | 'geschoond' | null;
  group: string | null;
  payload: Map<string, string>;
  actual: Map<string, { sha256: string; size: number }>;
}

const MAX_FINDINGS = 50;

/** A package dir is a bag, or a folder holding bags (the --out folder of an export). */
export function resolveBags(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) throw new UserError(`${d}: not a folder; expected an exported package (a BagIt bag) or the --out folder of an export`);
    if (fs.existsSync(path.join(d, 'bagit.txt'))) { out.push(path.resolve(d)); continue; }
    const inner = fs.readdirSync(d).filter((n) => fs.existsSync(path.join(d, n, 'bagit.txt'))).sort().map((n) => path.resolve(d, n));
    if (!inner.length) throw new UserError(`${d}: neither a BagIt bag (no bagit.txt) nor a folder of bags`);
    out.push(...inner);
  }
  // A package given twice (itself and in its --out folder, or a path through a link) is checked once.
  const seen = new Set<string>();
  return out.filter((d) => {
    const real = fs.realpathSync(d);
    return !seen.has(real) && !!seen.add(real);
  });
}

/** The MDTO XSD: $CHATARCHIEF_MDTO_XSD, else shared/schemas beside an ancestor of this module (the repo layout). */
export function findXsd(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHATARCHIEF_MDTO_XSD) return fs.existsSync(env.CHATARCHIEF_MDTO_XSD) ? env.CHATARCHIEF_MDTO_XSD : null;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'shared', 'schemas', 'MDTO-XML1.0.1.xsd');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** A bag's Chatarchief-Period (`2024-01-01_2024-06-30`) as `export --json` gives it, {from, to}; null when absent or odd. */
function periodOf(value: string | undefined): { from: string; to: string } | null {
  const m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(value ?? '');
  return m ? { from: m[1]!, to: m[2]! } : null;
}

/**
 * `acceptUncheckedLeaks`: a geschoonde package whose leak check cannot run (no ruwe package of its delivery, no store)
 * fails unless the caller explicitly accepts that; it never passes silently.
 */
export function verifyPackages(dirs: string[], opts: { store?: Store | null; xsd?: string | null; xmllint?: string; acceptUncheckedLeaks?: boolean } = {}): VerifyReport {
  const report: VerifyReport = { ok: true, packages: [], checks: [], findings: [] };
  const check = (name: string, pkg: string, findings: string[], detail: string, skipped = false): void => {
    const status: CheckStatus = skipped ? 'skipped' : findings.length ? 'failed' : 'ok';
    report.checks.push({ name, package: pkg, status, detail: findings.length ? `${findings.length} finding(s)` : detail });
    for (const f of findings.slice(0, MAX_FINDINGS)) report.findings.push({ check: name, package: pkg, message: f });
    if (findings.length > MAX_FINDINGS) report.findings.push({ check: name, package: pkg, message: `… and ${findings.length - MAX_FINDINGS} more` });
    if (status === 'failed') report.ok = false;
  };
  const bags: Bag[] = resolveBags(dirs).map((dir) => {
    const info = readBagInfo(dir);
    const set = info.get('Chatarchief-Set');
    return { dir, set: set === 'ruw' || set === 'geschoond' ? set : null, group: info.get('Bag-Group-Identifier') ?? null, payload: new Map(), actual: new Map() };
  });
  for (const b of bags) {
    const name = path.basename(b.dir);
    const bag = checkBag(b.dir);
    b.payload = bag.payload;
    b.actual = bag.actual;
    const info = readBagInfo(b.dir);
    report.packages.push({ path: b.dir, set: b.set, custodianId: info.get('Chatarchief-Custodian') ?? null, period: periodOf(info.get('Chatarchief-Period')), files: bag.payload.size });
    check('bag', name, bag.findings, `${bag.payload.size} payload files match manifest-sha256.txt and the tag manifest`);
    check('sidecars', name, sidecarFacts(b), 'every folder and file has its sidecar; sizes and SHA-256 in the sidecars match; names follow the SIP rules');
    const xsd = opts.xsd === undefined ? findXsd() : opts.xsd;
    const x = xsdCheck(b, xsd, opts.xmllint ?? 'xmllint');
    check('xsd', name, x.findings, x.detail, x.skipped);
    check('pakbon', name, pakbonCheck(b), 'pakbon.xml: package SHA-256 (SHA-256 of manifest-sha256.txt) and counts match');
  }
  const ruw = bags.filter((b) => b.set === 'ruw');
  const ges = bags.filter((b) => b.set === 'geschoond');
  const paired = new Set<Bag>();
  for (const g of ges) {
    const r = ruw.find((x) => x.group !== null && x.group === g.group);
    if (!r) {
      if (ruw.length) check('slots', path.basename(g.dir), [], 'not checked: no ruwe package of the same delivery (Bag-Group-Identifier) was given', true);
      continue;
    }
    paired.add(g).add(r);
    check('slots', `${path.basename(g.dir)} ↔ ${path.basename(r.dir)}`, slotCheck(g, r), 'chat.json valid; every message of the ruwe dataset has exactly one slot in the geschoonde set');
  }
  for (const b of bags) if (!paired.has(b)) check('chat-json', path.basename(b.dir), chatJsonCheck(b), 'every chat.json is valid against its schema');
  for (const b of bags) check('review-log', path.basename(b.dir), reviewLogCheck(b), b.set === 'geschoond'
    ? 'every review-log.json is valid; none carries rule ids, rule evidence or decision reasons (they may quote private content)'
    : 'every review-log.json is valid against its schema');
  for (const g of ges) {
    // Withheld content comes from the ruwe package of the same delivery (another delivery alone would miss some), plus
    // the ruwe packages of the custodian's other deliveries given with it: a vervolgexport must not show what an earlier
    // delivery withheld either.
    const r = ruw.find((x) => x.group !== null && x.group === g.group);
    const custodian = custodianOf(g);
    const earlier = r ? ruw.filter((x) => x !== r && custodian !== null && custodianOf(x) === custodian).map((x) => x.dir) : [];
    let src: LeakSource | null = null;
    let why = '';
    try {
      src = r ? sourceFromRawPackage(r.dir, earlier) : opts.store ? sourceFromStore(opts.store, g.dir) : null;
    } catch (e) {
      why = (e as Error).message;
    }
    if (!src) {
      const detail = `not checked: ${why || 'give the ruwe package too, or --db with the store'}`;
      check('leaks', path.basename(g.dir), [], detail, true);
      if (!opts.acceptUncheckedLeaks) {
        report.ok = false;
        report.findings.push({ check: 'leaks', package: path.basename(g.dir), message: `${detail}; a package not checked for leaks does not pass (--accept-unchecked-leaks accepts it explicitly)` });
      }
      continue;
    }
    const leaks = scanPackage(g.dir, src);
    check('leaks', path.basename(g.dir), leaks.map((l) => l.kind === 'text'
      ? `${l.file}:${l.line}: withheld text (${l.found}) of ${l.origin}`
      : `${l.file}:${l.line}: ${l.kind === 'name' ? 'name' : 'phone number'} of ${l.origin} (${l.found})`),
      `no withheld text (${src.fragments.count} fragments) and no private contact's name or number; withheld content taken from ${src.describe}`);
    // Other checks name files too: a file named after private content is named masked there as well.
    const segments = leakingSegments(g.dir, src);
    if (segments.length) for (const f of report.findings) f.message = maskSegments(f.message, segments);
  }
  return report;
}

/** The custodian a package was exported for (bag-info.txt), or null. */
function custodianOf(b: Bag): string | null {
  return readBagInfo(b.dir).get('Chatarchief-Custodian') ?? null;
}

function sidecarFacts(b: Bag): string[] {
  const out: string[] = [];
  const dataDir = path.join(b.dir, 'data');
  const dirs = new Set<string>();
  for (const rel of b.payload.keys()) {
    const parts = rel.split('/');
    for (const p of parts) if (!isSipName(p)) out.push(`${rel}: "${p}" breaks the SIP name rules`);
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (rel.endsWith('.mdto.xml')) continue;
    const side = `${rel}.bestand.mdto.xml`;
    const abs = path.join(b.dir, ...side.split('/'));
    if (!fs.existsSync(abs)) { out.push(`${rel}: no ${path.posix.basename(side)} beside it`); continue; }
    const facts = readBestandFacts(fs.readFileSync(abs, 'utf8'));
    const found = b.actual.get(rel);
    if (!found) continue; // missing: reported by the bag check
    if (facts.omvang !== found.size) out.push(`${side}: omvang ${facts.omvang}, the file has ${found.size} bytes`);
    if (facts.sha256 !== found.sha256) out.push(`${side}: checksumWaarde ${facts.sha256} differs from the file's SHA-256 ${found.sha256}`);
    if (facts.naam !== path.posix.basename(rel)) out.push(`${side}: naam ${facts.naam} is not the file name`);
  }
  for (const d of dirs) {
    const own = `${d}/${path.posix.basename(d)}.mdto.xml`;
    if (!b.payload.has(own)) out.push(`${d}: no ${path.posix.basename(own)} in the folder`);
  }
  if (!fs.existsSync(dataDir)) out.push('no data/ folder');
  return out;
}

function xsdCheck(b: Bag, xsd: string | null, xmllint: string): { findings: string[]; detail: string; skipped: boolean } {
  const files = [...b.payload.keys()].filter((r) => r.endsWith('.mdto.xml')).map((r) => path.join(b.dir, ...r.split('/')));
  if (!xsd) return { findings: [], detail: 'not checked: MDTO-XML1.0.1.xsd not found (set CHATARCHIEF_MDTO_XSD)', skipped: true };
  if (spawnSync(xmllint, ['--version']).error) return { findings: [], detail: 'not checked: xmllint is not installed (Debian: libxml2-utils)', skipped: true };
  const findings: string[] = [];
  for (let i = 0; i < files.length; i += 200) {
    const r = spawnSync(xmllint, ['--noout', '--schema', xsd, ...files.slice(i, i + 200)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) {
      for (const l of r.stderr.split('\n')) if (l && !l.endsWith(' validates')) findings.push(l.replace(b.dir + path.sep, ''));
    }
  }
  return { findings, detail: `${files.length} sidecars valid against ${path.basename(xsd)} (xmllint)`, skipped: false };
}

function pakbonCheck(b: Bag): string[] {
  const f = path.join(b.dir, 'pakbon.xml');
  if (!fs.existsSync(f)) return ['pakbon.xml is missing'];
  const p = readPakbon(fs.readFileSync(f, 'utf8'));
  const out: string[] = [];
  const sha = packageSha256(b.dir);
  if (p.sipHash !== sha) out.push(`pakbon.xml: sipHash ${p.sipHash}, but SHA-256 of manifest-sha256.txt is ${sha}`);
  const files = [...b.payload.keys()];
  const size = (r: string): number => fs.statSync(path.join(b.dir, ...r.split('/'))).size;
  const content = files.filter((r) => !r.endsWith('.mdto.xml'));
  const actual: Record<string, number> = {
    informatieobjecten: files.filter((r) => r.endsWith('.mdto.xml') && !r.endsWith('.bestand.mdto.xml')).length,
    bestanden: files.filter((r) => r.endsWith('.bestand.mdto.xml')).length,
    contentFiles: content.length,
    contentBytes: content.reduce((a, r) => a + size(r), 0),
    bytes: files.reduce((a, r) => a + size(r), 0),
  };
  for (const [k, v] of Object.entries(actual)) if (p.counts[k] !== v) out.push(`pakbon.xml: ${k} ${p.counts[k]}, the package has ${v}`);
  return out;
}

type SlotItem = { slot: Record<string, unknown>; line: number };

/** The slots of a chat.json, validated; problems go to `errors`. */
function* slots(file: string, set: 'ruw' | 'geschoond', errors: string[], rel: string): Generator<SlotItem, { conversationId: number; messageCount: number } | null> {
  let head: { conversationId: number; messageCount: number } | null = null;
  try {
    for (const e of parseJsonLinesArray(readLines(file))) {
      if ('head' in e) {
        const h = chatFileHead.safeParse(e.head);
        if (!h.success) { errors.push(`${rel}: head: ${h.error.issues[0]?.message} at ${h.error.issues[0]?.path.join('.')}`); return null; }
        if (h.data.set !== set) errors.push(`${rel}: set ${h.data.set} in a ${set} package`);
        head = { conversationId: h.data.header.conversationId, messageCount: h.data.header.messageCount };
        continue;
      }
      const r = (set === 'ruw' ? rawSlot : geschoondSlot).safeParse(e.item);
      if (!r.success) { errors.push(`${rel}:${e.line}: ${r.error.issues[0]?.message} at ${r.error.issues[0]?.path.join('.')}`); continue; }
      yield { slot: r.data as Record<string, unknown>, line: e.line };
    }
  } catch (err) {
    errors.push(`${rel}: ${(err as Error).message}`);
  }
  return head;
}

function chatFiles(b: Bag): Map<number, string> {
  const out = new Map<number, string>();
  for (const rel of b.payload.keys()) {
    if (!rel.endsWith('/chat.json')) continue;
    const abs = path.join(b.dir, ...rel.split('/'));
    const lines = readLines(abs);
    const first = lines.next().value as string | undefined;
    lines.return(undefined);
    const id = first ? Number(first.match(/"conversationId":(\d+)/)?.[1] ?? NaN) : NaN;
    out.set(Number.isNaN(id) ? -out.size - 1 : id, abs);
  }
  return out;
}

function chatJsonCheck(b: Bag): string[] {
  const errors: string[] = [];
  if (!b.set) return ['bag-info.txt: Chatarchief-Set is missing'];
  for (const abs of chatFiles(b).values()) {
    const it = slots(abs, b.set, errors, path.relative(b.dir, abs));
    let n = 0;
    let r = it.next();
    while (!r.done) {
      const s = r.value.slot;
      n += s.type === 'conversation-marker' ? (s.slotCount as number) : 1;
      r = it.next();
    }
    if (r.value && r.value.messageCount !== n) errors.push(`${path.relative(b.dir, abs)}: header messageCount ${r.value.messageCount}, the slots stand for ${n}`);
  }
  return errors;
}

function reviewLogCheck(b: Bag): string[] {
  const errors: string[] = [];
  for (const rel of b.payload.keys()) {
    if (!rel.endsWith('/review-log.json')) continue;
    try {
      for (const e of parseJsonLinesArray(readLines(path.join(b.dir, ...rel.split('/'))))) {
        const r = 'head' in e ? reviewLogHead.safeParse(e.head) : reviewLogEntry.safeParse(e.item);
        const where = 'head' in e ? `${rel}: head` : `${rel}:${e.line}`;
        if (!r.success) { errors.push(`${where}: ${r.error.issues[0]?.message} at ${r.error.issues[0]?.path.join('.')}`); continue; }
        if (b.set !== 'geschoond' || 'head' in e) continue;
        const x = e.item as { ruleId?: unknown; evidence?: unknown; ruleFileHash?: unknown; decisions: { reason?: unknown }[] };
        if (x.ruleId !== undefined || x.evidence !== undefined || x.ruleFileHash !== undefined || x.decisions.some((d) => d.reason !== undefined)) {
          errors.push(`${where}: rule id, rule evidence or a decision reason in the geschoonde set`);
        }
      }
    } catch (err) {
      errors.push(`${rel}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/** Lockstep over the chat.json of each conversation in both sets: the same messages, one slot each, in order. */
function slotCheck(g: Bag, r: Bag): string[] {
  const errors: string[] = [];
  const gs = chatFiles(g);
  const rs = chatFiles(r);
  for (const id of rs.keys()) if (!gs.has(id)) errors.push(`conversation ${id}: in the ruwe dataset but not in the geschoonde set`);
  for (const [id, gf] of gs) {
    const rf = rs.get(id);
    if (!rf) { errors.push(`conversation ${id}: in the geschoonde set but not in the ruwe dataset`); continue; }
    const gi = slots(gf, 'geschoond', errors, path.relative(g.dir, gf));
    const ri = slots(rf, 'ruw', errors, path.relative(r.dir, rf));
    let gCount = 0;
    let rCount = 0;
    const nextRaw = (): Record<string, unknown> | null => {
      const x = ri.next();
      if (x.done) return null;
      rCount++;
      return x.value.slot;
    };
    for (let x = gi.next(); !x.done; x = gi.next()) {
      const s = x.value.slot;
      if (s.type === 'conversation-marker') {
        for (let k = 0; k < (s.slotCount as number); k++) {
          const raw = nextRaw();
          gCount++;
          if (!raw) { errors.push(`conversation ${id}: the conversation marker stands for ${s.slotCount} messages, the ruwe dataset has fewer`); break; }
          if ((raw.cleaning as { outcome: string }).outcome !== 'conversation-marker') errors.push(`conversation ${id}: message ${(raw.message as { id: number }).id} is withheld as a conversation but its ruw record says otherwise`);
        }
        continue;
      }
      gCount++;
      const raw = nextRaw();
      if (!raw) { errors.push(`conversation ${id}: slot ${s.id} has no message in the ruwe dataset`); break; }
      const rid = (raw.message as { id: number }).id;
      if (rid !== s.id) { errors.push(`conversation ${id}: slot ${gCount} is message ${s.id} in the geschoonde set but ${rid} in the ruwe dataset`); break; }
      const outcome = (raw.cleaning as { outcome: string }).outcome;
      if ((s.type === 'message') !== (outcome === 'kept')) errors.push(`conversation ${id}: message ${s.id} is a ${s.type} but its ruw record says ${outcome}`);
    }
    while (nextRaw()) { /* count the rest */ }
    if (gCount !== rCount) errors.push(`conversation ${id}: ${rCount} messages in the ruwe dataset, ${gCount} slots in the geschoonde set`);
  }
  return errors;
}
