/**
 * Three months of one department on the CLI, as the operator lives them (see three-months-fixtures.ts): monthly
 * ingest with chain of custody, tagging, review at every level, export of both sets with a vervolgexport, verify,
 * the reports and the audit log; the state secretary leaves office after a month nobody read out.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { writeMonth } from './three-months-fixtures.js';

let dir: string;
let db: string;
const cli = (args: string[]): Promise<CliResult> => runCli([...args, '--db', db]);
async function ok(args: string[]): Promise<CliResult> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const json = async (args: string[]) => (await ok([...args, '--json'])).json();
const codes = (s: { warnings: { code: string }[] }) => s.warnings.map((w) => w.code);
const R = ['--reviewer', 'R. Beoordelaar'];
const CHAIN = ['--operator', 'J. Archivaris'];

beforeAll(async () => {
  dir = tempDir();
  db = path.join(dir, 'lnv.db');
  await ok(['custodian', 'add', '--id', 'min', '--name', 'Anke de Wit', '--function', 'Minister van LNV', '--department', 'LNV', '--from', '2026-07-02']);
  await ok(['custodian', 'add', '--id', 'stas', '--name', 'Bas Visser', '--function', 'Staatssecretaris van LNV', '--department', 'LNV', '--from', '2026-09-15']);
});

describe('three months of LNV', () => {
  let groupId: number;
  let exported1: { packages: { set: string; messages: number }[] };

  it('month 1: ingest, tag, review at every level, export both sets, verify, reports, audit', async () => {
    const m = writeMonth(dir, 1);
    const r = await ok(['ingest', ...m.iphone, m.signal, '--custodian', 'min', ...CHAIN, '--device', 'dienst-iPhone', '--read-out', '2026-09-30', '--json']);
    // Progress goes to stderr, the result alone to stdout.
    expect(r.stderr).toContain('[1/3]');
    const sources = r.json().sources;
    expect(sources.map((s: { messagesNew: number }) => s.messagesNew)).toEqual([17, 4, 4]);
    expect(sources.map((s: { attachments: number }) => s.attachments)).toEqual([1, 0, 1]);
    groupId = sources[0].conversationId;
    const stas = (await json(['ingest', m.stas, '--custodian', 'stas', ...CHAIN, '--device', 'Samsung A54', '--read-out', '2026-09-30'])).sources[0];
    expect(codes(stas)).toContain('outside-term');

    await ok(['tag', '--custodian', 'min']);
    await ok(['tag', '--custodian', 'stas']);
    const open = (await json(['review', 'list', '--custodian', 'min', '--status', 'open'])).markings as { id: number; category: string }[];
    const priv = open.find((x) => x.category === 'privé')!;
    const party = open.find((x) => x.category === 'partijpolitiek')!;
    await ok(['review', 'decide', String(priv.id), '--accept', ...R]);
    await ok(['review', 'decide', String(party.id), '--reject', ...R, '--reason', 'ambtelijk congres']);
    const convs = (await json(['conversations', '--custodian', 'min'])).conversations as { id: number; title: string; participants: { contactId: number; name: string }[] }[];
    const thomas = convs.find((c) => c.title === 'Thomas')!.participants.find((p) => p.name === 'Thomas')!;
    await ok(['review', 'mark', '--contact', String(thomas.contactId), '--category', 'privé', ...R]);
    await ok(['review', 'mark', '--conversation', String(convs.find((c) => c.title === 'Fenna Kuipers')!.id), '--category', 'partijpolitiek', ...R]);
    const msgs = (await json(['messages', '--conversation', String(groupId)])).messages as { id: number; text: string }[];
    await ok(['review', 'mark', '--message', String(msgs.find((x) => x.text.startsWith('Vragen van RTL'))!.id), '--category', 'privé', ...R]);
    await ok(['review', 'mark', '--message', String(msgs.find((x) => x.text.startsWith('Kamerbrief gaat'))!.id), '--span', '0:10', '--category', 'privé', ...R]);

    exported1 = await json(['export', '--custodian', 'min', '--out', path.join(dir, 'out1'), '--set', 'both']);
    expect(exported1.packages.map((p) => [p.set, p.messages])).toEqual([['ruw', 25], ['geschoond', 25]]);
    expect((await cli(['verify', path.join(dir, 'out1')])).code).toBe(0);
    expect((await json(['audit', 'verify'])).ok).toBe(true);
    const findings = JSON.parse((await ok(['report', 'findings', '--format', 'json'])).stdout);
    expect(findings.findings).toEqual([]);
  });

  it('month 2: the renamed group with a deletion, an edit and a new photo is the same chat; only the new is reviewed and delivered', async () => {
    const m = writeMonth(dir, 2);
    const sources = (await json(['ingest', ...m.iphone, m.signal, '--custodian', 'min', ...CHAIN, '--device', 'dienst-iPhone', '--read-out', '2026-10-31'])).sources;
    const [group, thomas, signal] = sources;
    expect(group.conversationId).toBe(groupId);
    expect([group.messagesNew, group.messagesSeenBefore, group.messagesMissing, group.attachments]).toEqual([8, 16, 1, 2]);
    expect(codes(group)).toEqual(expect.arrayContaining(['conversation-matched', 'message-edited-since']));
    expect([thomas.messagesNew, thomas.messagesSeenBefore, signal.messagesNew, signal.messagesSeenBefore]).toEqual([1, 4, 2, 4]);

    // Re-tagging keeps every decision and does not suggest again what was rejected.
    await ok(['tag', '--custodian', 'min']);
    const list = await json(['review', 'list', '--custodian', 'min']);
    expect(list.counts).toMatchObject({ open: 0, decided: 6, lapsed: 0 });
    expect(list.markings.filter((x: { status: string }) => x.status === 'rejected')).toHaveLength(1);

    const exported = await json(['export', '--custodian', 'min', '--out', path.join(dir, 'out2'), '--set', 'both']);
    const ruw = exported.packages.find((p: { set: string }) => p.set === 'ruw');
    expect(ruw.messages).toBe(11);
    expect(ruw.skippedAlreadyDelivered).toBeGreaterThan(0);
    expect(ruw.changedSinceDelivery).toBe(2);
    expect((await cli(['verify', path.join(dir, 'out1'), path.join(dir, 'out2')])).code).toBe(0);

    const findings = JSON.parse((await ok(['report', 'findings', '--format', 'json'])).stdout).findings as { code: string; sourceFile: string | null }[];
    expect(findings.map((f) => f.code).sort()).toEqual(['disappearing-on', 'missing-in-later-export']);
    // Each finding names the export it comes from, for a script as for the reader.
    for (const f of findings) expect(f.sourceFile).toBe('WhatsApp Chat - Stikstof & Natuur.zip');
  });

  it('month 3: the state secretary leaves office; the final export and the coverage gap of the month nobody read out', async () => {
    const m = writeMonth(dir, 3);
    await ok(['custodian', 'set', 'stas', '--to', '2026-11-20']);
    await ok(['ingest', m.stas, '--custodian', 'stas', ...CHAIN, '--device', 'Samsung A54 (nieuw)', '--read-out', '2026-11-20']);
    await ok(['tag', '--custodian', 'stas']);
    const exported = await json(['export', '--custodian', 'stas', '--out', path.join(dir, 'out3'), '--set', 'both']);
    expect(exported.packages.map((p: { messages: number }) => p.messages)).toEqual([9, 9]);
    expect(exported.outsideTerm).toMatchObject({ before: 3, after: 0, termTo: '2026-11-20' });
    const coverage = JSON.parse((await ok(['report', 'coverage', '--as-of', '2026-11-30', '--format', 'json', '--custodian', 'stas'])).stdout);
    const whatsapp = coverage.custodians[0].channels.find((c: { channel: string }) => c.channel === 'whatsapp');
    expect(whatsapp.gaps.map((g: { fromDate: string; toDate: string }) => [g.fromDate, g.toDate])).toEqual([['2026-10-01', '2026-11-01']]);
    expect((await json(['audit', 'verify'])).ok).toBe(true);
  });
});
