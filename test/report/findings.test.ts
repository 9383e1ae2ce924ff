/**
 * Findings from exports that contain each forbidden or information-losing event, ingested with the real ingest:
 * a Dutch Android export read out twice (the second lacks a message), and an English group export.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeFindings, SELF_LABEL } from '../../src/report/findings.js';
import { jsonLines } from '../../src/report/render-text.js';
import type { FindingFacts } from '../../src/store/reports.js';
import { runCli, tempDir } from '../helpers/cli.js';

const FIX = path.resolve(import.meta.dirname, 'fixtures');
let db: string;
let findings: any[];

beforeAll(async () => {
  db = path.join(tempDir('chatarchief-findings-'), 'f.db');
  const run = async (args: string[]) => {
    const r = await runCli([...args, '--db', db]);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  await run(['custodian', 'add', '--id', 'min-lnv', '--name', 'Minister', '--function', 'Minister van Landbouw, Natuur en Voedselkwaliteit', '--department', 'LNV', '--from', '2024-01-01']);
  await run(['custodian', 'add', '--id', 'min-ocw', '--name', 'Minister OCW', '--function', 'Minister van Onderwijs, Cultuur en Wetenschap', '--department', 'OCW', '--from', '2024-01-01']);
  for (const d of ['nl-1', 'nl-2', 'en']) await run(['ingest', path.join(FIX, d), '--custodian', 'min-lnv', '--operator', 'test']);
  findings = (await run(['report', 'findings', '--json'])).json().findings;
});

const pick = (code: string, conversation: string) =>
  findings.filter((f) => f.code === code && f.conversation === conversation).map((f) => ({ person: f.person, at: f.at, localTime: f.localTime }));

describe('findings from Dutch and English WhatsApp exports', () => {
  it('finds disappearing messages switched on, the timer changed and switched off, with the actor', () => {
    expect(pick('disappearing-on', 'Chef de cabinet')).toEqual([{ person: 'Chef de cabinet', at: '2024-03-01T09:06:00+01:00', localTime: '01-03-2024 09:06' }]);
    expect(pick('disappearing-off', 'Chef de cabinet')).toEqual([{ person: 'Chef de cabinet', at: '2024-03-01T09:20:00+01:00', localTime: '01-03-2024 09:20' }]);
    expect(pick('disappearing-on', 'Crisis team')).toEqual([{ person: SELF_LABEL, at: '2024-04-15T09:03:00+02:00', localTime: '15/04/2024, 09:03' }]);
    expect(pick('disappearing-timer', 'Crisis team')).toEqual([{ person: 'Alice Smith', at: '2024-04-15T09:04:00+02:00', localTime: '15/04/2024, 09:04' }]);
    expect(pick('disappearing-off', 'Crisis team')).toEqual([{ person: SELF_LABEL, at: '2024-04-15T09:08:00+02:00', localTime: '15/04/2024, 09:08' }]);
    // The system text tells the timer; it is not chat content.
    expect(findings.find((f) => f.code === 'disappearing-timer').detail).toContain('24 hours');
  });

  it('finds view-once media and deletions by the sender and by the custodian', () => {
    expect(pick('view-once', 'Chef de cabinet').map((f) => f.person)).toEqual(['Chef de cabinet']);
    expect(pick('view-once', 'Crisis team').map((f) => f.person)).toEqual(['Bob Jones']);
    expect(pick('deleted-by-sender', 'Chef de cabinet').map((f) => f.localTime)).toEqual(['01-03-2024 09:12']);
    expect(pick('deleted-by-custodian', 'Chef de cabinet').map((f) => f.localTime)).toEqual(['01-03-2024 09:13']);
    expect(pick('deleted-by-sender', 'Crisis team').map((f) => f.person)).toEqual(['Bob Jones']);
    expect(pick('deleted-by-custodian', 'Crisis team').map((f) => f.localTime)).toEqual(['15/04/2024, 09:07']);
  });

  it('finds the message the later export lacks, naming that export', () => {
    const missing = findings.filter((f) => f.code === 'missing-in-later-export');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ conversation: 'Chef de cabinet', person: 'Minister', localTime: '01-03-2024 10:00', sourceId: 2 });
    expect(missing[0].detail).toContain('bron 2');
  });

  it('finds attachments missing from the export (view-once media is counted once, as view-once)', () => {
    expect(findings.filter((f) => f.code === 'attachment-missing').map((f) => [f.conversation, f.localTime])).toEqual([
      ['Chef de cabinet', '01-03-2024 10:05'],
      ['Crisis team', '15/04/2024, 09:09'],
    ]);
  });

  it('finds the invalid (spring-forward) and ambiguous (fall-back) times', () => {
    expect(pick('time-invalid', 'Chef de cabinet').map((f) => f.localTime)).toEqual(['31-03-2024 02:30']);
    expect(pick('time-ambiguous', 'Crisis team').map((f) => f.localTime)).toEqual(['27/10/2024, 02:30']);
  });

  it('never copies chat content into a finding', () => {
    const text = JSON.stringify(findings);
    for (const content of ['Kamerbrief', 'stikstofaanpak', 'brand in Haarlem', 'Clocks go back', '<script>']) expect(text).not.toContain(content);
  });

  it('filters by custodian, prints a table and CSV, and refuses an unknown custodian', async () => {
    const other = await runCli(['report', 'findings', '--custodian', 'min-ocw', '--json', '--db', db]);
    expect(other.json().findings).toEqual([]);
    const table = await runCli(['report', 'findings', '--custodian', 'min-lnv', '--db', db]);
    expect(table.stdout).toMatch(/2024-03-01 09:06\s+Verdwijnende berichten aangezet\s+Chef de cabinet\s+Chef de cabinet/);
    const csv = await runCli(['report', 'findings', '--format', 'csv', '--db', db]);
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(findings.length + 1);
    const bad = await runCli(['report', 'findings', '--custodian', 'nobody', '--db', db]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("unknown custodian 'nobody'")]);
  });
});

describe('findings from Signal exports', () => {
  const SAMPLES = path.resolve(import.meta.dirname, '../../samples/signal');
  let sig: any[];
  beforeAll(async () => {
    const sdb = path.join(tempDir('chatarchief-findings-signal-'), 's.db');
    const run = async (args: string[]) => {
      const r = await runCli([...args, '--db', sdb]);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    await run(['custodian', 'add', '--id', 'min-bzk', '--name', 'Minister BZK', '--function', 'Minister van Binnenlandse Zaken en Koninkrijksrelaties', '--department', 'BZK', '--from', '2024-01-01']);
    // Signal's own chat export (main.jsonl) and Signal Desktop's messages through sigtop.
    await run(['ingest', path.join(SAMPLES, 'signal-export-2025-10-27'), '--custodian', 'min-bzk']);
    await run(['ingest', path.join(SAMPLES, 'sigtop'), '--custodian', 'min-bzk']);
    sig = (await run(['report', 'findings', '--json'])).json().findings;
  });

  it('finds the timer switched on, changed and off, with who did it and when', () => {
    const timers = sig.filter((f) => f.code.startsWith('disappearing-') && f.code !== 'disappearing-may-be-absent');
    expect(timers.map((f) => [f.code, f.conversation, f.person])).toEqual(expect.arrayContaining([
      ['disappearing-on', 'Crisisoverleg Hoogwater', 'Petra Hoekstra'],
      ['disappearing-off', 'Crisisoverleg Hoogwater', 'Youssef El Amrani (BZK)'],
      ['disappearing-on', 'Joris', 'Joris'],
    ]));
    expect(timers.find((f) => f.conversation === 'Joris').detail).toContain('(timer 8 uur)');
    for (const f of timers) expect(f.at).toMatch(/^2025-10-2\dT\d\d:\d\d:\d\d(\.\d+)?\+0[12]:00$/);
  });

  it('finds view-once media and a message deleted for everyone', () => {
    expect(sig.filter((f) => f.code === 'view-once').map((f) => [f.conversation, f.person])).toEqual([['Joris', 'Joris']]);
    expect(sig.filter((f) => f.code === 'deleted-by-sender').map((f) => [f.conversation, f.person])).toContainEqual(['Crisisoverleg Hoogwater', 'Daan Mulder']);
  });

  it('says per chat that the Signal export may lack disappearing messages, naming the export', () => {
    const absent = sig.filter((f) => f.code === 'disappearing-may-be-absent');
    expect(absent.map((f) => f.sourceFile)).toEqual(expect.arrayContaining(['main.jsonl']));
    // Per chat, in Dutch: the conversation filled in (the stored warning names it only in its text), the timer, and
    // neither the parser's English text nor the operator's local path of the export.
    const fromExport = absent.filter((f) => f.sourceFile === 'main.jsonl');
    expect(fromExport.map((f) => [f.conversation, f.detail])).toEqual(expect.arrayContaining([
      ['Joris', 'verdwijnende berichten gebruikt (timer 8 uur); de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig'],
      ['Crisisoverleg Hoogwater', expect.stringMatching(/^verdwijnende berichten gebruikt \(timer [^)]+\); de Signal-export laat elk bericht met een timer weg/)],
    ]));
    for (const f of absent) {
      expect(f.conversationId, f.detail).toEqual(expect.any(Number));
      expect(f.detail).not.toMatch(/samples|\/|used disappearing|leaves out/);
    }
    expect(absent.some((f) => /sigtop/.test(f.detail) || /sigtop/i.test(f.sourceFile ?? ''))).toBe(true);
  });

  it('finds attachments the export lacks, by file name', () => {
    expect(sig.filter((f) => f.code === 'attachment-missing').map((f) => [f.conversation, f.detail])).toContainEqual(['Crisisoverleg Hoogwater', 'waterstanden-maas.png']);
  });
});

describe('streamed JSON', () => {
  it('writes the same data as JSON.stringify, an item per line, for empty and full lists', () => {
    for (const items of [[], [{ a: 1, b: 'x\ny' }, { a: 2, b: null }]]) {
      const head = { custodians: [{ id: 'c', name: 'N "q"' }], counts: [] };
      const text = [...jsonLines(head, 'findings', items)].join('');
      expect(JSON.parse(text)).toEqual({ ...head, findings: items });
      expect(text.split('\n').filter((l) => l.startsWith('    {"a"'))).toHaveLength(items.length);
    }
  });
});

describe('Signal source findings', () => {
  const base = { custodianId: 'c', sourceFile: 'main.jsonl', platform: 'signal', format: 'signal-export', ingestedAt: '2025-10-28T10:00:00Z', firstMessageAt: null };
  it('reports a Signal export that may lack disappearing messages, per chat, with the export and its last message time', () => {
    const facts: FindingFacts = {
      flagged: [], missing: [], missingAttachments: [],
      sourceFindings: [
        { ...base, sourceId: 7, code: 'disappearing-messages-may-be-absent', message: 'chat "Crisisoverleg" used disappearing messages (timer 1 week)', conversationId: 3, conversationTitle: 'Crisisoverleg', lastMessageAt: '2025-10-27T12:00:00+01:00', origin: 'finding' },
        { ...base, sourceId: 8, code: 'disappearing-messages-may-be-absent', message: '', conversationId: null, conversationTitle: null, lastMessageAt: null, origin: 'warning' },
      ],
    };
    const f = computeFindings(facts);
    expect(f.map((x) => [x.code, x.conversation, x.sourceId, x.at])).toEqual([
      ['disappearing-may-be-absent', 'Crisisoverleg', 7, '2025-10-27T12:00:00+01:00'],
      ['disappearing-may-be-absent', null, 8, '2025-10-28T10:00:00Z'],
    ]);
    expect(f.map((x) => x.detail)).toEqual([
      'verdwijnende berichten gebruikt (timer 7 dagen); de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig',
      'verdwijnende berichten gebruikt; de Signal-export laat elk bericht met een timer weg, dus dit gesprek is onvolledig',
    ]);
  });

  it('tells a time in the spring-forward gap from a date that no calendar has (both flagged timeInvalid)', () => {
    const flagged = (messageId: number, localTime: string, localIso: string) => ({
      custodianId: 'c', conversationId: 1, conversationTitle: 'Chef de cabinet', platform: 'whatsapp', messageId, sentAt: '2024-03-31T03:30:00+02:00', localTime,
      sender: 'Chef', fromSelf: false, kind: 'text', event: null, text: '', viewOnce: false, deletedBy: null, timeAmbiguous: false, timeInvalid: true,
      localIso, zone: 'Europe/Amsterdam', extra: null, firstSourceId: 1, afterIngest: null,
    });
    const facts: FindingFacts = {
      flagged: [flagged(1, '31-03-2024 02:30', '2024-03-31T02:30:00'), flagged(2, '31-02-2024 10:00', '2024-02-29T10:00:00')],
      missing: [], missingAttachments: [], sourceFindings: [],
    };
    expect(computeFindings(facts).map((f) => [f.code, f.label, f.detail])).toEqual([
      ['time-invalid', 'Tijdstip bestaat niet (uur van de zomertijd)', '"31-03-2024 02:30" valt in het overgeslagen uur'],
      ['date-impossible', 'Datum of tijd bestaat niet (onmogelijk in de export)', '"31-02-2024 10:00" bestaat niet; gelezen als 2024-02-29 10:00:00'],
    ]);
  });

  it('takes the actor of a Signal timer change from its parsed actor, and the timer in seconds', () => {
    const facts: FindingFacts = {
      flagged: [{
        custodianId: 'c', conversationId: 1, conversationTitle: 'Youssef', platform: 'signal', messageId: 5, sentAt: '2025-10-01T10:00:00+02:00', localTime: '1759305600000',
        sender: null, fromSelf: false, kind: 'system', event: 'disappearing-on', text: 'Youssef set the disappearing message timer to 1 week.', viewOnce: false,
        deletedBy: null, timeAmbiguous: false, timeInvalid: false, localIso: '2025-10-01T10:00:00', zone: 'Europe/Amsterdam',
        extra: { actor: { name: 'Youssef El Amrani', phone: '+31620001001' }, timerSeconds: 604800 }, firstSourceId: 1, afterIngest: null,
      }],
      missing: [], missingAttachments: [], sourceFindings: [],
    };
    const [f] = computeFindings(facts);
    expect([f!.person, f!.detail]).toEqual(['Youssef El Amrani', 'Youssef set the disappearing message timer to 1 week. (timer 7 dagen)']);
  });
});

describe('view-once inferred from an iOS placeholder', () => {
  it('says that it is inferred, and what else the placeholder may be', async () => {
    const dir = tempDir('chatarchief-findings-vo-');
    const store = path.join(dir, 'f.db');
    const { makeZip } = await import('../helpers/zip.js');
    const fs = await import('node:fs');
    const chat = [
      '[01-03-2024 09:00:00] Chef de cabinet: \u200e<bijgevoegd: 00000001-PHOTO-2024-03-01-09-00-00.jpg>',
      '[01-03-2024 09:01:00] Chef de cabinet: \u200eafbeelding weggelaten',
      '[01-03-2024 09:02:00] Minister: Dank',
    ].join('\n') + '\n';
    const zip = path.join(dir, 'WhatsApp Chat - Chef de cabinet.zip');
    fs.writeFileSync(zip, makeZip([{ name: '_chat.txt', data: chat }, { name: '00000001-PHOTO-2024-03-01-09-00-00.jpg', data: 'jpeg' }]));
    for (const args of [
      ['custodian', 'add', '--id', 'min', '--name', 'Minister', '--function', 'f', '--department', 'd', '--from', '2024-01-01'],
      ['ingest', zip, '--custodian', 'min'],
    ]) expect((await runCli([...args, '--db', store])).code).toBe(0);
    const vo = (await runCli(['report', 'findings', '--db', store, '--json'])).json().findings.filter((f: any) => f.code === 'view-once');
    expect(vo.map((f: any) => f.detail)).toEqual(['ontvangen; afgeleid: een foto of video zonder bestand in een export met media, mogelijk ook een die niet meer op de telefoon stond']);
  });
});
