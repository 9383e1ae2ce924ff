/**
 * Contact- and conversation-level rules of the default set mark everything of a contact or in a conversation, so they
 * take only strong evidence: a weak word (a surname that is also a pet name, "verkiezingen" that BZK organises) does
 * not make a whole chat privé or partijpolitiek. Built with the real commands on Android-NL WhatsApp exports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runOk, tempDir } from '../helpers/cli.js';

const ENC = 'Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.';
let dir: string;
let db: string;
const conversations = new Map<string, number>();

function exportOf(title: string, lines: string[]): string {
  const d = path.join(dir, title);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, `WhatsApp-chat met ${title}.txt`), [`01-03-2024 09:00 - ${ENC}`, ...lines].join('\n') + '\n');
  return d;
}

/** The contact- and conversation-level suggestions that concern a conversation: [level, category, rule]. */
async function wide(title: string): Promise<string[][]> {
  const j = (await runOk(db, ['markings', '--conversation', String(conversations.get(title)), '--json'])).json();
  return j.markings.filter((m: any) => m.level === 'contact' || m.level === 'conversation').map((m: any) => [m.level, m.category, m.ruleId]);
}

beforeAll(async () => {
  dir = tempDir('chatarchief-strong-evidence-');
  db = path.join(dir, 's.db');
  await runOk(db, ['custodian', 'add', '--id', 'bzk', '--name', 'Minister BZK', '--function', 'Minister van BZK', '--department', 'BZK', '--from', '2024-01-01']);
  const exports = [
    exportOf('Projectteam Verkiezingen 2025', [
      '01-03-2024 09:01 - Anouk Visser: De stembiljetten voor de Tweede Kamerverkiezing zijn gedrukt.',
      '01-03-2024 09:03 - Minister: Dank, goed nieuws.',
      '02-03-2024 10:00 - Bram de Wit: De Kiesraad wil morgen overleg over de uitslag.',
    ]),
    exportOf('Jan Schat', ['01-03-2024 09:05 - Jan Schat: Minister, de Voorjaarsnota ligt klaar voor de MR.', '01-03-2024 09:06 - Minister: Prima, stuur maar door.']),
    exportOf('Schat', ['01-03-2024 19:05 - Schat: Hoe laat ben je thuis?', '01-03-2024 19:06 - Minister: Rond acht uur.']),
    exportOf('Verjaardag SG', [
      '01-03-2024 09:10 - Anouk Visser: Wie doet mee aan het cadeau voor de SG? Tikkie volgt.',
      '01-03-2024 09:12 - Minister: Ik doe mee, en ik zeg iets bij de taart na de staf.',
    ]),
    exportOf('Familie Bakker', ['01-03-2024 18:00 - Tante Ria: Zondag koffie bij ons?', '01-03-2024 18:02 - Minister: Gezellig, wij komen.']),
    exportOf('Campagneteam', ['01-03-2024 20:00 - Karin van Dijk: Flyeren zaterdag om tien uur bij het station.', '01-03-2024 20:01 - Minister: Ik kom.']),
  ];
  await runOk(db, ['ingest', ...exports, '--custodian', 'bzk', '--read-out', '2024-03-31']);
  await runOk(db, ['tag', '--custodian', 'bzk']);
  for (const c of (await runOk(db, ['conversations', '--custodian', 'bzk', '--json'])).json().conversations) conversations.set(c.title, c.id);
});

describe('contact and conversation rules take only strong evidence', () => {
  it('does not make a BZK project group about the elections partijpolitiek as a whole', async () => {
    expect(await wide('Projectteam Verkiezingen 2025')).toEqual([]);
  });

  it('does not make a contact with the surname Schat privé, but one saved as "Schat" is', async () => {
    expect(await wide('Jan Schat')).toEqual([]);
    expect(await wide('Schat')).toEqual([['contact', 'privé', 'contact.familienaam']]);
  });

  it('does not make a group of colleagues about a birthday privé as a whole, but a family group is', async () => {
    expect(await wide('Verjaardag SG')).toEqual([]);
    expect((await wide('Familie Bakker')).sort()).toEqual([
      ['contact', 'privé', 'contact.familienaam'],
      ['conversation', 'privé', 'gesprek.prive-titel'],
    ]);
  });

  it('still makes a campaign team group partijpolitiek', async () => {
    expect(await wide('Campagneteam')).toEqual([['conversation', 'partijpolitiek', 'gesprek.partij-titel']]);
  });
});

describe('rules explain with a sender', () => {
  const explain = async (sender: string) =>
    (await runCli(['rules', 'explain', '--text', 'Minister, de Voorjaarsnota ligt klaar voor de MR.', '--sender', sender, '--json'])).json();

  it('fires no contact rule on the surname Schat, and the message keeps zakelijk', async () => {
    const j = await explain('Jan Schat');
    expect([j.fired, j.suggestions, j.outcome]).toEqual([[], [], 'no suggestion stored: the message keeps the default category zakelijk']);
  });

  it('says that a contact suggestion covers the message, instead of the default category', async () => {
    const j = await explain('Mama');
    expect(j.suggestions.map((s: any) => [s.level, s.category, s.ruleId])).toEqual([['contact', 'privé', 'contact.familienaam']]);
    expect(j.outcome).toBe("no message suggestion stored; the sender's contact suggestion privé (contact.familienaam) covers all messages from this sender");
  });
});
