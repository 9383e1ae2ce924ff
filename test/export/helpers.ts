import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, SHARED, tempDir } from '../helpers/cli.js';

/** The MDTO XSD beside the repo (../shared/schemas), as CI has it. */
export const XSD = path.join(SHARED, 'schemas', 'MDTO-XML1.0.1.xsd');

export const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** Validates files against the MDTO XSD with xmllint; returns the failing files' messages (empty when all valid). */
export function xmllintErrors(files: string[]): string[] {
  const errors: string[] = [];
  for (let i = 0; i < files.length; i += 200) {
    const batch = files.slice(i, i + 200);
    const r = spawnSync('xmllint', ['--noout', '--schema', XSD, ...batch], { encoding: 'utf8' });
    if (r.status !== 0) errors.push(...r.stderr.split('\n').filter((l) => l && !l.endsWith(' validates')));
  }
  return errors;
}

/** Every file below dir (relative paths, sorted). */
export function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

/**
 * A store of custodian `min` (Jan de Vries) with the given WhatsApp exports ingested (file name → text); `cli` runs a
 * command on it, `out` is a free --out folder.
 */
export async function ingestedStore(files: Record<string, string | Buffer>) {
  const dir = tempDir('chatarchief-names-');
  const db = path.join(dir, 'store.db');
  const input = path.join(dir, 'in');
  fs.mkdirSync(input);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(input, name), text);
  const cli = (...a: string[]) => runCli([...a, '--db', db]);
  expect((await cli('custodian', 'add', '--id', 'min', '--name', 'Jan de Vries', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01')).code).toBe(0);
  const ing = await cli('ingest', input, '--custodian', 'min');
  expect(ing.code, ing.stderr).toBe(0);
  return { dir, db, cli, out: path.join(dir, 'levering') };
}

/** The bag of one set in an export's --out folder. */
export const bagOf = (out: string, set: 'ruw' | 'geschoond'): string => path.join(out, fs.readdirSync(out).find((n) => n.endsWith(`_${set}`))!);

/** Every file of a folder, its path and its text, as one string. */
export const allText = (dir: string): string => walk(dir).map((rel) => `${rel}\n${fs.readFileSync(path.join(dir, rel), 'utf8')}`).join('\n');

/** A store with the given WhatsApp exports ingested and the participant that `pick` chooses (by name) of the first conversation marked privé at contact level. */
export async function withPrivateContact(files: Record<string, string | Buffer>, pick: (name: string) => boolean) {
  const s = await ingestedStore(files);
  const conv = (await s.cli('conversations', '--custodian', 'min', '--json')).json().conversations[0];
  const id = conv.participants.find((p: { name: string }) => pick(String(p.name))).contactId;
  expect((await s.cli('review', 'mark', '--contact', String(id), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
  return s;
}

/** withPrivateContact, then both sets exported; `g` is the geschoonde bag. */
export async function exportedWithPrivateContact(files: Record<string, string | Buffer>, pick: (name: string) => boolean) {
  const s = await withPrivateContact(files, pick);
  const r = await s.cli('export', '--custodian', 'min', '--out', s.out, '--set', 'both');
  expect(r.code, r.stderr).toBe(0);
  return { ...s, g: bagOf(s.out, 'geschoond') };
}
