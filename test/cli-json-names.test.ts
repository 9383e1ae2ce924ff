/** The same thing has the same name and shape in every command's --json output. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOk } from './helpers/cli.js';
import { seedDemo } from './helpers/seed.js';

describe('--json: the custodian and the period', () => {
  it('are custodianId and {from, to} in conversations, tag, review list, export and verify alike', async () => {
    const s = await seedDemo();
    const id = s.custodian;
    const conv = (await runOk(s.db, ['conversations', '--custodian', id, '--json'])).json();
    expect(conv.conversations[0].custodianId).toBe(id);
    const tag = (await runOk(s.db, ['tag', '--custodian', id, '--json'])).json();
    expect(tag.custodianId).toBe(id);
    expect(tag).not.toHaveProperty('custodian');
    const list = (await runOk(s.db, ['review', 'list', '--custodian', id, '--json'])).json();
    expect(list.custodianId).toBe(id);
    expect(list).not.toHaveProperty('custodian');
    const out = path.join(s.dir, 'levering');
    const exp = (await runOk(s.db, ['export', '--custodian', id, '--out', out, '--allow-unreviewed', '--from', '2024-01-01', '--to', '2024-12-31', '--json'])).json();
    expect([exp.custodianId, exp.period]).toEqual([id, { from: '2024-01-01', to: '2024-12-31' }]);
    const ver = (await runOk(s.db, ['verify', out, '--json'])).json();
    expect(ver.packages.map((p: { set: string; custodianId: string; period: unknown }) => [p.set, p.custodianId, p.period])).toEqual([
      ['geschoond', id, exp.period],
      ['ruw', id, exp.period],
    ]);
  });
});
