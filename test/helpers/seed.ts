import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir, REPO } from './cli.js';

export interface Seeded {
  dir: string;
  db: string;
  custodian: string;
}

export const DEMO_CUSTODIAN = {
  id: 'minister-bzk',
  name: 'J. de Vries',
  function: 'Minister van Binnenlandse Zaken en Koninkrijksrelaties',
  department: 'BZK',
  from: '2022-01-10',
};

/**
 * A fresh store with the demo custodian and every bundled sample ingested through the real CLI
 * (WhatsApp samples, and Signal samples when `signal` is true).
 */
export async function seedDemo(opts: { signal?: boolean; dir?: string } = {}): Promise<Seeded> {
  const dir = opts.dir ?? tempDir();
  const db = path.join(dir, 'test.db');
  const c = DEMO_CUSTODIAN;
  const add = await runCli(['custodian', 'add', '--db', db, '--id', c.id, '--name', c.name, '--function', c.function, '--department', c.department, '--from', c.from]);
  if (add.code !== 0) throw new Error(add.stderr);
  const paths = [path.join(REPO, 'samples/whatsapp')];
  if (opts.signal && fs.existsSync(path.join(REPO, 'samples/signal'))) paths.push(path.join(REPO, 'samples/signal'));
  const r = await runCli(['ingest', '--db', db, '--custodian', c.id, '--operator', 'test-operator', '--device', 'test-phone', '--json', ...paths]);
  if (r.code !== 0) throw new Error(`seed ingest failed (${r.code}): ${r.stderr}`);
  return { dir, db, custodian: c.id };
}
