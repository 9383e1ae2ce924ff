import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSignalInput, type DetectEntry } from '../../../parsers/signal/index.js';
import { SAMPLES, SHARED } from './helpers.js';

/** Entries of a folder as the ingest would pass them: relative names and the first 4 KB. */
function folder(dir: string): DetectEntry[] {
  const out: DetectEntry[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: relative(dir, p).split('\\').join('/'), head: readFileSync(p).subarray(0, 4096) });
    }
  };
  walk(dir);
  return out;
}

const e = (name: string, head: string | Buffer = ''): DetectEntry => ({ name, head: Buffer.isBuffer(head) ? head : Buffer.from(head) });

describe('detectSignalInput: readable formats', () => {
  it('Signal export folders (own and shared, folder and one level deep)', () => {
    expect(detectSignalInput(folder(`${SAMPLES}signal-export-2025-10-27`))).toMatchObject({ format: 'signal-export', entries: ['main.jsonl'] });
    const nested = folder(`${SHARED}signal-plaintext-export`).filter((x) => !x.name.endsWith('.zip'));
    expect(detectSignalInput(nested)).toMatchObject({ format: 'signal-export', entries: ['signal-export-2025-03-11/main.jsonl'] });
    // a bare main.jsonl is recognised by its BackupInfo header
    const bare = folder(`${SAMPLES}signal-export-2025-10-27`).filter((x) => x.name === 'main.jsonl');
    expect(detectSignalInput(bare)?.format).toBe('signal-export');
  });

  it('SMS Backup & Restore XML of all three producers', () => {
    for (const [dir, producer] of [
      [`${SAMPLES}sms`, 'SignalPlaintextBackup.xml'],
      [`${SHARED}sms-backup-restore`, 'sms-20250311164500.xml'],
      [`${SHARED}signalbackup-tools/exportxml`, 'signal-messages.xml'],
    ] as const) {
      const r = detectSignalInput(folder(dir));
      expect(r?.format).toBe('sms-xml');
      expect(r?.entries).toContain(producer);
    }
    expect(detectSignalInput(folder(`${SAMPLES}sms`))?.entries).toHaveLength(3);
    expect(detectSignalInput(folder(`${SHARED}sms-backup-restore`))?.reason).toContain('SMS Backup & Restore');
    expect(detectSignalInput(folder(`${SHARED}signalbackup-tools/exportxml`))?.reason).toContain('signalbackup-tools');
  });

  it('sigtop JSON and text transcripts', () => {
    expect(detectSignalInput(folder(`${SAMPLES}sigtop`))).toMatchObject({ format: 'sigtop-json', entries: expect.arrayContaining(['Youssef El Amrani (+31620001001).json']) });
    expect(detectSignalInput(folder(`${SHARED}sigtop/json`))?.entries).toHaveLength(2);
    const text = detectSignalInput(folder(`${SAMPLES}text`));
    expect(text).toMatchObject({ format: 'signal-txt' });
    expect(text?.entries).toHaveLength(3);
    expect(detectSignalInput(folder(`${SHARED}signalbackup-tools/txt`))?.format).toBe('signal-txt');
    expect(detectSignalInput(folder(`${SHARED}sigtop/text-short`))?.format).toBe('signal-txt');
  });
});

describe('detectSignalInput: encrypted and unsupported inputs', () => {
  it('refuses an Android .backup file with guidance', () => {
    const head = Buffer.concat([Buffer.from([0, 0, 0, 0x3c, 0x0a, 0x3a, 0x0a, 0x10]), Buffer.alloc(60, 7)]);
    const r = detectSignalInput([e('signal-2025-10-27-12-00-00.backup', head)]);
    expect(r).toMatchObject({ format: 'encrypted', entries: ['signal-2025-10-27-12-00-00.backup'] });
    expect(r?.reason).toMatch(/v1, encrypted/);
    expect(r?.guidance).toMatch(/Export chat history/);
    expect(r?.guidance).toMatch(/signalbackup-tools .*passphrase/);
    // by content even when renamed
    expect(detectSignalInput([e('minister.backup', head)])?.format).toBe('encrypted');
  });

  it('refuses a SignalBackups (v2) folder', () => {
    const r = detectSignalInput([e('SignalBackups/files/ab/abcdef'), e('SignalBackups/signal-backup-2026-05-01-10-00-00/main', Buffer.from([1, 2, 3])), e('SignalBackups/signal-backup-2026-05-01-10-00-00/metadata')]);
    expect(r).toMatchObject({ format: 'encrypted' });
    expect(r?.reason).toMatch(/v2/);
    expect(r?.guidance).toMatch(/recovery key/);
  });

  it('refuses the SQLCipher Desktop database, reports a decrypted one as unsupported', () => {
    const encrypted = detectSignalInput([e('Signal/config.json', '{"encryptedKey":"763130..."}'), e('Signal/sql/db.sqlite', Buffer.alloc(64, 0xa7))]);
    expect(encrypted).toMatchObject({ format: 'encrypted', entries: ['Signal/sql/db.sqlite'] });
    expect(encrypted?.guidance).toMatch(/sigtop/);
    const plain = detectSignalInput([e('db.sqlite', Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]))]);
    expect(plain).toMatchObject({ format: 'unsupported' });
  });

  it('reports other Signal tool outputs as unsupported with guidance', () => {
    const sigexport = detectSignalInput(folder(`${SHARED}signal-export/Anna de Vries`));
    expect(sigexport).toMatchObject({ format: 'unsupported' });
    expect(sigexport?.guidance).toMatch(/Export chat history/);
    expect(detectSignalInput(folder(`${SHARED}signalbackup-tools/csv`))?.reason).toMatch(/CSV/);
  });

  it('says null for inputs that are not Signal/SMS', () => {
    expect(detectSignalInput([])).toBeNull();
    expect(detectSignalInput([e('WhatsApp Chat met Anna.txt', '[24-10-2025, 08:05:12] Anna: Goedemorgen\n'), e('IMG-20251024-WA0001.jpg', Buffer.from([0xff, 0xd8, 0xff]))])).toBeNull();
    expect(detectSignalInput([e('notes.json', '{"a":1}\n'), e('index.html', '<html></html>')])).toBeNull();
  });
});
