/** A fresh store with one custodian in its own folder, and writing test inputs beside it (ingest tests). */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

export async function freshStore(custodianAdd: string[]): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'store.db');
  const r = await runCli(['custodian', 'add', '--db', db, ...custodianAdd]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, db };
}

/** Writes `content` at `rel` under `dir` (folders created) and returns its path. */
export function writeIn(dir: string, rel: string, content: string | Buffer): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** Every row of every table of the store at `dbPath`: equal snapshots mean an unchanged database. */
export function tableSnapshot(dbPath: string): Record<string, unknown[]> {
  const store = new Database(dbPath, { readonly: true });
  try {
    const tables = store.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map((t) => [t.name, store.prepare(`SELECT * FROM "${t.name}"`).all()]));
  } finally {
    store.close();
  }
}

/** The display names of every contact in the store at `dbPath`, sorted. */
export function contactNames(dbPath: string): string[] {
  const store = new Database(dbPath, { readonly: true });
  try {
    return (store.prepare('SELECT display_name AS n FROM contacts ORDER BY 1').all() as { n: string }[]).map((r) => r.n);
  } finally {
    store.close();
  }
}

/** Ingests `file` for custodian `custodian` with --json, expects success and returns the one source's report. */
export async function ingestOne(db: string, file: string, custodian = 'min') {
  const r = await runCli(['ingest', '--db', db, '--custodian', custodian, '--json', file]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().sources[0];
}
