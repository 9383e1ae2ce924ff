import fs from 'node:fs';
import path from 'node:path';
import { hashFile, readLines, type PayloadCounts } from './files.js';

/**
 * BagIt 1.0 (RFC 8493) around the MDTO sidecar payload: bagit.txt, bag-info.txt (Payload-Oxum, Bagging-Date, …),
 * manifest-sha256.txt (written while the payload is written, see files.ts) and tagmanifest-sha256.txt over every tag
 * file (pakbon.xml and levering.json included).
 *
 * The package SHA-256 (pakbon `sipHash`, bag-info `Chatarchief-Package-SHA256`, table exports.package_sha256) is the
 * SHA-256 of the bytes of manifest-sha256.txt. That file lists the SHA-256 of every payload file, so the hash pins the
 * whole payload; it cannot include the tag files, since pakbon.xml itself carries it.
 */

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

export function packageSha256(bagDir: string): string {
  return hashFile(path.join(bagDir, 'manifest-sha256.txt')).sha256;
}

/** Writes bagit.txt and bag-info.txt (`info` must hold Bagging-Date), then the tag manifest over all tag files present. */
export function finishBag(bagDir: string, counts: PayloadCounts, info: [string, string][]): void {
  fs.writeFileSync(path.join(bagDir, 'bagit.txt'), BAGIT_TXT, { flag: 'wx' });
  const fields: [string, string][] = [...info, ['Payload-Oxum', `${counts.bytes}.${counts.files}`], ['Bag-Size', humanSize(counts.bytes)]];
  fs.writeFileSync(path.join(bagDir, 'bag-info.txt'), fields.map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`).join('\n') + '\n', { flag: 'wx' });
  const tags = fs
    .readdirSync(bagDir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('tagmanifest-'))
    .map((e) => e.name)
    .sort();
  const lines = tags.map((t) => `${hashFile(path.join(bagDir, t)).sha256}  ${t}`);
  fs.writeFileSync(path.join(bagDir, 'tagmanifest-sha256.txt'), lines.join('\n') + '\n', { flag: 'wx' });
}

function humanSize(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${u ? v.toFixed(1) : v} ${units[u]}`;
}

export function readBagInfo(bagDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const f = path.join(bagDir, 'bag-info.txt');
  if (!fs.existsSync(f)) return out;
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    const m = line.match(/^([^:]+):\s?(.*)$/);
    if (m) out.set(m[1]!.trim(), m[2]!);
  }
  return out;
}

export interface BagCheck {
  findings: string[];
  /** Payload files (path relative to the bag root) with their manifest hash. */
  payload: Map<string, string>;
  /** The SHA-256 and size of each payload file as found on disk. */
  actual: Map<string, { sha256: string; size: number }>;
}

/** Percent-decoding of manifest paths (RFC 8493 §2.1.3: CR, LF and % are encoded). */
const decodePath = (p: string): string => p.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');

function readManifest(file: string, findings: string[]): Map<string, string> {
  const out = new Map<string, string>();
  let n = 0;
  for (const line of readLines(file)) {
    n++;
    if (!line) continue;
    const m = line.match(/^([0-9a-f]{64}) {1,2}(.+)$/);
    if (!m) { findings.push(`${path.basename(file)}:${n}: not "<sha256>  <path>"`); continue; }
    out.set(decodePath(m[2]!), m[1]!);
  }
  return out;
}

function walkFiles(dir: string, base: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
}

/** Checks a bag: declaration, every manifest and tag-manifest hash, no unlisted payload file, Payload-Oxum. */
export function checkBag(bagDir: string): BagCheck {
  const findings: string[] = [];
  const bagit = path.join(bagDir, 'bagit.txt');
  const actual = new Map<string, { sha256: string; size: number }>();
  if (!fs.existsSync(bagit)) return { findings: [`${bagDir}: no bagit.txt (not a BagIt bag)`], payload: new Map(), actual };
  if (!/^BagIt-Version: 1\.0\r?\n/.test(fs.readFileSync(bagit, 'utf8'))) findings.push('bagit.txt: expected "BagIt-Version: 1.0"');
  const manifestFile = path.join(bagDir, 'manifest-sha256.txt');
  if (!fs.existsSync(manifestFile)) return { findings: [...findings, 'manifest-sha256.txt is missing'], payload: new Map(), actual };
  const payload = readManifest(manifestFile, findings);
  let bytes = 0;
  for (const [rel, expected] of payload) {
    const abs = path.join(bagDir, ...rel.split('/'));
    if (!rel.startsWith('data/')) { findings.push(`manifest-sha256.txt lists ${rel}, outside data/`); continue; }
    if (!fs.existsSync(abs)) { findings.push(`${rel}: listed in manifest-sha256.txt but missing`); continue; }
    const h = hashFile(abs);
    actual.set(rel, h);
    bytes += h.size;
    if (h.sha256 !== expected) findings.push(`${rel}: SHA-256 ${h.sha256} differs from manifest-sha256.txt (${expected})`);
  }
  const onDisk: string[] = [];
  if (fs.existsSync(path.join(bagDir, 'data'))) walkFiles(path.join(bagDir, 'data'), bagDir, onDisk);
  for (const rel of onDisk) if (!payload.has(rel)) findings.push(`${rel}: payload file not in manifest-sha256.txt`);
  const oxum = readBagInfo(bagDir).get('Payload-Oxum');
  if (!oxum) findings.push('bag-info.txt: Payload-Oxum missing');
  else if (oxum !== `${bytes}.${onDisk.length}`) findings.push(`bag-info.txt: Payload-Oxum ${oxum}, but the payload holds ${bytes}.${onDisk.length}`);
  const tagFile = path.join(bagDir, 'tagmanifest-sha256.txt');
  if (!fs.existsSync(tagFile)) findings.push('tagmanifest-sha256.txt is missing');
  else {
    for (const [rel, expected] of readManifest(tagFile, findings)) {
      const abs = path.join(bagDir, rel);
      if (!fs.existsSync(abs)) findings.push(`${rel}: listed in tagmanifest-sha256.txt but missing`);
      else if (hashFile(abs).sha256 !== expected) findings.push(`${rel}: SHA-256 differs from tagmanifest-sha256.txt`);
    }
  }
  return { findings, payload, actual };
}
