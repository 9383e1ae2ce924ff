/** The rapport's timeline speaks the rapport's Dutch in its tooltips too: platform names as in the tables, 1 bericht. */
import { describe, expect, it } from 'vitest';
import type { CustodianCoverage, VeiligstellingSummary } from '../../src/report/coverage.js';
import { timelineSvg } from '../../src/report/timeline.js';

function coverage(veiligstellingen: VeiligstellingSummary[]): CustodianCoverage {
  return {
    custodian: { id: 'min-ns', name: 'N. de Vries', function: 'Minister', department: 'LNV', termFrom: '2024-01-10', termTo: null, tz: 'Europe/Amsterdam' },
    channels: [],
    veiligstellingen,
    chatSecurings: [],
  } as unknown as CustodianCoverage;
}

const readOut = (id: number, platforms: string[], messageCount: number): VeiligstellingSummary => ({
  id, operator: 'LNV-operator', device: 'Samsung A54', startedAt: '2024-04-02T10:05:00+02:00', readoutAt: '2024-04-02T10:00:00+02:00',
  readoutDate: '2024-04-02', platforms, sourceCount: 1, messageCount,
});

describe('timeline tooltips', () => {
  it('name a read-out\'s platforms as the rapport does (WhatsApp, Signal, SMS), and count one message as "1 bericht"', () => {
    const svg = timelineSvg(coverage([readOut(1, ['signal', 'sms', 'whatsapp'], 269), readOut(2, ['whatsapp'], 1)]), [], [], '2024-11-01', 0);
    const titles = [...svg.matchAll(/<title>(Veiligstelling [^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Veiligstelling 1: uitgelezen 2 april 2024 (Signal, SMS, WhatsApp; 269 berichten; LNV-operator, Samsung A54)',
      'Veiligstelling 2: uitgelezen 2 april 2024 (WhatsApp; 1 bericht; LNV-operator, Samsung A54)',
    ]);
  });
});
