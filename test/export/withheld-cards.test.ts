import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { parseVcards } from '../../src/export/cards.js';
import { allText, bagOf, ingestedStore, walk } from './helpers.js';

/**
 * A contact card shared in a withheld message (a WhatsApp `.vcf`, a Signal contact message) is of a person the store
 * knows only from that card: no chat participant, so no contact to mark. The card's full name and numbers are private
 * for the kept messages: a business message that repeats them shows the pseudonym instead, and verify finds them when
 * they are planted back. A card of a business participant stays visible, and so does a card that a kept message shares.
 */

const LRM = '\u200e';
const VCARD = [
  'BEGIN:VCARD', 'VERSION:3.0', 'N:Bos;Ingrid;;;', 'FN:Ingrid Bos', 'TEL;type=CELL;type=VOICE;waid=31698765432:+31 6 98765432', 'END:VCARD', '',
].join('\r\n');

// Jan (the custodian) gives his secretary the nanny's card in a private aside; her business reply repeats the number.
const CHAT = [
  '10-03-2025 09:00 - Karin van Dijk: Het debat over de Omgevingswet begint om 14:00 uur.',
  `10-03-2025 09:01 - Jan de Vries: ${LRM}Ingrid Bos.vcf (bestand bijgevoegd)`,
  '10-03-2025 09:02 - Jan de Vries: De oppas, voor als de kinderen vanmiddag ziek worden.',
  '10-03-2025 09:05 - Karin van Dijk: Genoteerd. Tijdens het debat bel ik bij spoed 06-98765432 of +31 6 98765432, daarna de griffie.',
  '10-03-2025 09:06 - Karin van Dijk: Mevrouw Ingrid Bos weet dat de Kamer tot laat vergadert (0698765432).',
  '10-03-2025 09:07 - Jan de Vries: Dank je. Graag de spreektekst om 12:00 uur.',
  '',
].join('\n');

const NUMBER = /98765432|98 76 54 32/;

const leakFindings = (v: Awaited<ReturnType<typeof runCli>>): string =>
  v.json().findings.filter((x: any) => x.check === 'leaks').map((x: any) => x.message).join('\n');

describe('a contact card shared in a withheld message', () => {
  it('(WhatsApp .vcf) makes its name and number private in the kept messages, and verify finds them planted back', async () => {
    const s = await ingestedStore({ 'WhatsApp-chat met Karin van Dijk.txt': CHAT, 'Ingrid Bos.vcf': VCARD });
    for (const id of ['2', '3']) expect((await s.cli('review', 'mark', '--message', id, '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await s.cli('export', '--custodian', 'min', '--out', s.out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(s.out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(NUMBER);
    expect(text).not.toMatch(/Ingrid Bos/);
    // The business content stays, and so do the business participant and the custodian.
    expect(text).toContain('Tijdens het debat bel ik bij spoed [');
    expect(text).toContain('Karin van Dijk');
    expect(text).toContain('Jan de Vries');
    expect(text).toContain('Graag de spreektekst om 12:00 uur.');
    expect((await runCli(['verify', s.out])).code).toBe(0);

    // The old behaviour: the number and name in the kept message. Verify finds them, with the ruw package and the store.
    for (const f of walk(g).filter((x) => /\/chat\.(json|html)$/.test(x))) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(/\[Privécontact[^\]]*\]/g, '06-98765432'));
    }
    for (const args of [[s.out], [g, '--db', s.db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      expect(leakFindings(v)).toMatch(/chat\.json:\d+: phone number of a contact card in withheld content/);
      expect(leakFindings(v)).toMatch(/chat\.html:\d+: phone number of a contact card in withheld content/);
      expect(leakFindings(v)).not.toMatch(NUMBER);
    }
  });

  it('(WhatsApp .vcf) of a card that a kept message shares as well stays visible', async () => {
    const chat = CHAT.replace('10-03-2025 09:07 - Jan de Vries: Dank je.', `10-03-2025 09:07 - Jan de Vries: ${LRM}Ingrid Bos.vcf (bestand bijgevoegd)\n10-03-2025 09:08 - Jan de Vries: Dank je.`);
    const s = await ingestedStore({ 'WhatsApp-chat met Karin van Dijk.txt': chat, 'Ingrid Bos.vcf': VCARD });
    for (const id of ['2', '3']) expect((await s.cli('review', 'mark', '--message', id, '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    const r = await s.cli('export', '--custodian', 'min', '--out', s.out, '--set', 'both');
    expect(r.code, r.stderr).toBe(0);
    expect(allText(bagOf(s.out, 'geschoond'))).toContain('bel ik bij spoed 06-98765432');
    expect((await runCli(['verify', s.out])).code).toBe(0);
  });

  it("(Signal contact message) makes its name and number private; a business participant's card stays visible", async () => {
    const dir = tempDir('chatarchief-cards-');
    const db = path.join(dir, 'store.db');
    const exp = path.join(dir, 'signal-export');
    fs.cpSync(path.join(REPO, 'samples/signal/signal-export-2025-10-27'), exp, { recursive: true });
    const item = (chatId: string, authorId: string, ms: number, body: object) => JSON.stringify({
      chatItem: {
        chatId, authorId, dateSent: String(ms),
        ...(authorId === '1' ? { outgoing: { sendStatus: [], dateReceived: String(ms) } } : { incoming: { dateReceived: String(ms + 1000), read: true, sealedSender: true } }),
        ...body,
      },
    });
    fs.appendFileSync(path.join(exp, 'main.jsonl'), [
      // Joris (the custodian's husband, chat 3) shares the nanny's card; the secretary Youssef (chat 1) later repeats her number.
      item('3', '7', 1761330000000, { contactMessage: { contact: { name: { givenName: 'Sanne', familyName: 'Verbeek' }, number: [{ value: '06 55 51 23 45', type: 'MOBILE' }] } } }),
      item('1', '4', 1761560000000, { standardMessage: { text: { body: 'De oppas, Sanne Verbeek, belde het secretariaat: wilt u haar na het debat terugbellen op +31655512345?' } } }),
      '',
    ].join('\n'));
    const cli = (...a: string[]) => runCli([...a, '--db', db]);
    expect((await cli('custodian', 'add', '--id', 'stas', '--name', 'Karin van der Laan', '--function', 'Staatssecretaris', '--department', 'BZK', '--from', '2024-07-02')).code).toBe(0);
    const ing = await cli('ingest', exp, '--custodian', 'stas');
    expect(ing.code, ing.stderr).toBe(0);
    const convs = (await cli('conversations', '--custodian', 'stas', '--json')).json().conversations;
    const joris = convs.flatMap((c: any) => c.participants).find((p: any) => /Joris/.test(p.name)).contactId;
    const fractie = convs.find((c: any) => c.participants.some((p: any) => /Fatima/.test(p.name))).id;
    expect((await cli('review', 'mark', '--contact', String(joris), '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    // The party chat holds a card of Daan Mulder, a member of the business crisis group: public, not screened.
    expect((await cli('review', 'mark', '--conversation', String(fractie), '--category', 'partijpolitiek', '--reviewer', 'anna')).code).toBe(0);
    const out = path.join(dir, 'levering');
    const r = await cli('export', '--custodian', 'stas', '--out', out, '--set', 'both', '--allow-unreviewed');
    expect(r.code, r.stderr).toBe(0);
    const g = bagOf(out, 'geschoond');
    const text = allText(g);
    expect(text).not.toMatch(/55 ?51 ?23 ?45|Sanne Verbeek/);
    expect(text).toContain('De oppas, [');
    expect(text).toContain('Daan Mulder');
    expect((await runCli(['verify', out])).code).toBe(0);

    for (const f of walk(g).filter((x) => /\/chat\.json$/.test(x))) {
      const abs = path.join(g, f);
      fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(/\[Privécontact[^\]]*\]\?/g, '+31655512345?'));
    }
    for (const args of [[out], [g, '--db', db]]) {
      const v = await runCli(['verify', ...args, '--json']);
      expect(v.code).toBe(1);
      expect(leakFindings(v)).toMatch(/chat\.json:\d+: phone number of a contact card in withheld content/);
    }
  });
});

describe('parseVcards', () => {
  it('reads the names and numbers of vCard 2.1 (quoted-printable), 3.0 (folded lines) and 4.0 (tel: URIs), several in one file', () => {
    const v21 = ['BEGIN:VCARD', 'VERSION:2.1', 'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Y=C4=B1lmaz;Zeyneb;;;', 'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zeyneb Y=C4=B1l=', 'maz', 'TEL;CELL:06-12 34 56 78', 'END:VCARD'];
    const v30 = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Pieter-Jan van den', '  Berg', 'N:van den Berg;Pieter-Jan;;;', 'item1.TEL;waid=31687654321:+31 6 87654321', 'END:VCARD'];
    const v40 = ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Eva Smit', 'NICKNAME:Eef,Evie', 'TEL;VALUE=uri;TYPE=cell:tel:+31-6-11122233', 'END:VCARD'];
    expect(parseVcards([...v21, ...v30, ...v40].join('\r\n'))).toEqual([
      { names: ['Zeyneb Yılmaz'], phones: ['+31612345678'] },
      { names: ['Pieter-Jan van den Berg'], phones: ['+31687654321'] },
      { names: ['Eva Smit', 'Eef', 'Evie'], phones: ['+31611122233'] },
    ]);
  });
});
