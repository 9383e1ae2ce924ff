/**
 * The leak check reads a kept zip attachment entry by entry (see zip-text.ts). A forwarded zip may be larger than a
 * Node buffer can hold (2 GiB): reading it whole failed the export with an internal error. Only the central directory
 * and the entries read are loaded. The zip here is sparse: its entry at the start, its directory past 2 GiB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { makeZip } from '../helpers/zip.js';
import { zipTextEntries } from '../../src/export/zip-text.js';

describe('a kept zip larger than a buffer can hold', () => {
  it('is read by its directory and entries, never whole', () => {
    const zip = makeZip([{ name: 'contacten/Zoë Ölçek.vcf', data: 'BEGIN:VCARD\nFN:Zoë Ölçek\nTEL:+31698765432\nEND:VCARD\n', deflate: true }]);
    const endAt = zip.length - 22;
    expect(zip.readUInt32LE(endAt)).toBe(0x06054b50);
    const dirStart = zip.readUInt32LE(endAt + 16);
    const far = 2 ** 31 + 4096; // past what one Buffer holds
    const file = path.join(tempDir(), 'groot.zip');
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, zip.subarray(0, dirStart), 0, dirStart, 0);
      const tail = Buffer.from(zip.subarray(dirStart));
      tail.writeUInt32LE(far, tail.length - 22 + 16);
      fs.writeSync(fd, tail, 0, tail.length, far);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.statSync(file).size).toBeGreaterThan(2 ** 31);
    expect(zipTextEntries(file)).toEqual([{ name: 'contacten/Zoë Ölçek.vcf', text: 'BEGIN:VCARD\nFN:Zoë Ölçek\nTEL:+31698765432\nEND:VCARD\n' }]);
  });
});
