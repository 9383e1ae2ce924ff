import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SHARED } from '../helpers/cli.js';

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
