/**
 * Pass 1 reads byte strings (one character per byte) and decodes only names and bodies it tests. `parse` (helpers)
 * compares that scan with the scan of decoded lines for every fixture; these inputs aim at where the two can part:
 * non-ASCII and invalid UTF-8 in names, marks before headers and bodies, NBSP/NNBSP before AM/PM, split chunks.
 */
import { describe, expect, it } from 'vitest';
import { LRM, NNBSP, parse } from './helpers.js';

const INVALID = Buffer.from([0xff, 0xfe]);

describe('pass 1 from byte strings', () => {
  it('iOS group: non-ASCII subject with `: ` as author of system lines, accented authors, self-delete after LRMs', async () => {
    const text = [
      `\ufeff[03-02-2025, 09:00:00] Overleg: Noordzeekanaal ë: ${LRM}Berichten en gesprekken worden end-to-end versleuteld.`,
      `[03-02-2025, 09:01:00] Overleg: Noordzeekanaal ë: ${LRM}Zoë Çelik heeft je toegevoegd`,
      '[03-02-2025, 09:02:00] Zoë Çelik: Goedemorgen 🌊, kan iemand de stukken sturen?',
      `[03-02-2025, 09:03:00] José Müller: ${LRM}${LRM}U hebt dit bericht verwijderd.`,
      `${LRM}[03-02-2025, 09:04:00] Jan de Vries: ${LRM}afbeelding weggelaten`,
      '[13-02-2025, 10:00:00] 王芳: 好的',
    ].join('\r\n');
    for (const chunkSize of [undefined, 1, 3, 7]) {
      const { scan } = await parse(text, { chunkSize });
      expect(scan.authors).toEqual(['Zoë Çelik', 'José Müller', 'Jan de Vries', '王芳']);
      expect(scan.chatNameHint).toBe('Overleg: Noordzeekanaal ë');
      expect(scan.selfNameHint).toBe('José Müller');
      expect(scan.dateOrder).toBe('dmy');
    }
  });

  it('invalid UTF-8 in an author and a body: replacement characters, the same as decoding first', async () => {
    const bytes = Buffer.concat([
      Buffer.from('05-09-2021 21:14 - Anna '),
      INVALID,
      Buffer.from(': hallo\n05-09-2021 21:15 - Bram: '),
      INVALID,
      Buffer.from(' dag\n05-09-2021 21:16 - Bram: tot 13 uur\n'),
    ]);
    const { scan, warnings } = await parse(bytes);
    expect(scan.authors).toEqual(['Anna \ufffd\ufffd', 'Bram']);
    expect(warnings.filter((w) => w.code === 'invalid-utf8')).toHaveLength(2);
  });

  it('US 12-hour clock with NNBSP and NBSP before PM, in every chunking', async () => {
    const text = `1/4/23, 7:02${NNBSP}PM - Zoë: één\n1/14/23, 7:03\u00a0PM - Zoë: twee\n1/15/23, 11:59 AM - Ümit: drie\n`;
    for (const chunkSize of [undefined, 1, 2]) {
      const { scan } = await parse(text, { chunkSize });
      expect(scan).toMatchObject({ dateOrder: 'mdy', messageCount: 3, authors: ['Zoë', 'Ümit'], lastLocalIso: '2023-01-15T11:59:00' });
    }
  });
});
