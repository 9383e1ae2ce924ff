import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignalFormatError, fixSurrogateRefs, parseSmsXml } from '../../../parsers/signal/index.js';
import { SAMPLES, SHARED, ZONE, collect, expectGolden, finalChats } from './helpers.js';

const OWN = `${SAMPLES}sms/`;
const PNG = '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8ffff3f0005fe02fea7d6a4a20000000049454e44ae426082';

/** Reads in small chunks so that elements, entities and multi-byte characters straddle chunk borders. */
const xml = (path: string, opts: Partial<Parameters<typeof parseSmsXml>[1]> = {}, chunk = 61) =>
  collect((onWarning) => parseSmsXml(createReadStream(path, { highWaterMark: chunk }), { zone: ZONE, onWarning, ...opts }));

const fromText = (text: string, opts: Partial<Parameters<typeof parseSmsXml>[1]> = {}) =>
  collect((onWarning) => parseSmsXml([Buffer.from(text)], { zone: ZONE, onWarning, ...opts }));

describe('parseSmsXml: SMS Backup & Restore app (own fixture)', () => {
  const file = `${OWN}sms-backup-restore-20251027.xml`;

  it('matches the golden output', async () => {
    expectGolden('sms-backup-restore-own', await xml(file, { selfName: 'Karin van der Laan' }));
  });

  it('decides platform sms from the app comment and streams the same result at any chunk size', async () => {
    const small = await xml(file, {}, 7);
    const big = await xml(file, {}, 1 << 20);
    expect(small.events).toEqual(big.events);
    expect(small.events[0]).toMatchObject({ type: 'source', format: 'sms-xml', platform: 'sms', details: { producer: 'sms-backup-restore', declaredCount: 6 } });
  });

  it('repairs surrogate-pair character references into one emoji', async () => {
    const c = await xml(file);
    expect(c.messages[0]!.text).toBe('Minister, de Kamerbrief is om 09.45 uur naar de griffie verzonden. 😀');
    expect(c.messages[3]!.text).toBe('De dijk bij Venlo houdt het 👍 Foto van 10.40 uur.');
    expect(c.messages.every((m) => !m.text.includes('&#'))).toBe(true);
  });

  it('maps SMS fields: ms dates, directions, national numbers to E.164, short codes kept', async () => {
    const c = await xml(file);
    const [youssef, fatima, alert] = c.messages;
    expect(youssef).toMatchObject({ kind: 'text', fromSelf: false, sender: 'Youssef El Amrani', senderPhone: '+31620001001', senderKey: '+31620001001', sentAt: '2025-10-24T07:50:00+02:00', localTime: '2025-10-24T07:50:00', sentAtMs: 1761285000000 });
    expect(youssef!.rawText).toContain('date="1761285000000"');
    expect(youssef!.extra).toEqual({ dateSentMs: 1761284998000 });
    expect(fatima).toMatchObject({ fromSelf: true, sender: 'Me', text: 'Ik bel je na de ministerraad.\nKarin', senderKey: 'self' });
    expect(c.events.find((e) => e.type === 'message' && e.message === fatima)).toMatchObject({ chatKey: '+31620001005' });
    expect(alert).toMatchObject({ sender: 'NL-Alert', senderKey: 'NL-Alert', senderPhone: null });
  });

  it('reads a group MMS: ~-joined address, sender from addr type 137, inline base64 data, SMIL skipped', async () => {
    const c = await xml(file);
    const mms = c.messages[3]!;
    expect(mms).toMatchObject({ kind: 'media', fromSelf: false, sender: 'Petra Hoekstra', senderPhone: '+31620001002', sentAt: '2025-10-24T10:45:00+02:00' });
    expect(mms.attachments).toHaveLength(1);
    expect(mms.attachments[0]).toMatchObject({ name: 'dijk-venlo.png', mime: 'image/png' });
    expect(mms.attachments[0]!.data!.toString('hex')).toBe(PNG);
    expect(mms.extra?.dateSentMs).toBe(1761295497000); // date_sent in seconds
    const group = finalChats(c).get('+31620001002~+31620001003')!;
    expect(group).toMatchObject({ platform: 'sms', isGroup: true, title: 'Petra Hoekstra, Daan Mulder' });
    expect(group.participants).toEqual([
      { name: 'Petra Hoekstra', phone: '+31620001002', key: '+31620001002' },
      { name: 'Daan Mulder', phone: '+31620001003', key: '+31620001003' },
      { name: 'Me', phone: '+31620001000', key: 'self' }, // learned from the outgoing MMS sender
    ]);
    expect(c.messages[4]).toMatchObject({ fromSelf: true, text: 'Dank, ik deel dit met de veiligheidsregio Limburg-Noord.' });
    const vcard = c.messages[5]!;
    expect(vcard).toMatchObject({ kind: 'contact', extra: { subject: 'Contact' } });
    expect(vcard.attachments[0]!.data!.toString('utf8')).toContain('FN:Daan Mulder');
  });

  it('reads an MMS photo of a real size (base64 attribute far above sax\'s default 64 KiB buffer)', async () => {
    const photo = Buffer.alloc(3 << 20);
    for (let i = 0; i < photo.length; i++) photo[i] = (i * 7919) & 0xff;
    const b64 = photo.toString('base64');
    const text = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="1">\n` +
      `  <mms date="1761295500000" msg_box="1" address="+31620001002" m_type="132" read="1" date_sent="1761295497" readable_date="24 okt. 2025 10:45:00" contact_name="Petra Hoekstra">\n` +
      `    <parts>\n      <part seq="0" ct="image/jpeg" name="IMG_0001.jpg" cl="IMG_0001.jpg" text="null" data="${b64}" />\n    </parts>\n` +
      `    <addrs>\n      <addr address="+31620001002" type="137" charset="106" />\n      <addr address="+31620001000" type="151" charset="106" />\n    </addrs>\n  </mms>\n</smses>\n`;
    const chunks: Buffer[] = [];
    const all = Buffer.from(text);
    for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
    const c = await collect((onWarning) => parseSmsXml(chunks, { zone: ZONE, onWarning }));
    expect(c.messages).toHaveLength(1);
    expect(c.messages[0]!.attachments[0]!.data!.equals(photo)).toBe(true);
  });

  it('keeps each element exactly as written in rawText, with its start line', async () => {
    const c = await xml(file);
    const src = readFileSync(file, 'utf8');
    for (const m of c.messages) {
      expect(src.includes(m.rawText)).toBe(true);
      expect(src.split('\n')[m.line - 1]!.trimStart().startsWith(m.rawText.slice(0, 20))).toBe(true);
    }
    expect(c.messages.map((m) => m.line)).toEqual([5, 6, 7, 8, 20, 30]);
    expect(c.messages[3]!.rawText.endsWith('</mms>')).toBe(true);
    expect(c.messages[0]!.rawText).toContain('&#55357;&#56832;');
  });

  it('gives a stable key from the element itself, independent of caller options', async () => {
    const a = await xml(file);
    const b = await xml(file, { selfPhone: '06 2000 1000', selfName: 'Karin' });
    expect(a.messages.map((m) => m.stableKey)).toEqual(b.messages.map((m) => m.stableKey));
    expect(a.messages[0]!.stableKey).toMatch(/^sms:\+31620001001:1761285000000:1:[0-9a-f]{16}$/);
    expect(new Set(a.messages.map((m) => m.stableKey)).size).toBe(6);
  });
});

describe('parseSmsXml: signalbackup-tools and legacy Signal dialects', () => {
  it('own signalbackup-tools XML: platform signal, group with self in the address set, count mismatch, empty MMS', async () => {
    const c = await xml(`${OWN}signalbackup-tools-exportxml.xml`);
    expectGolden('signalbackup-tools-xml-own', c);
    expect(c.events[0]).toMatchObject({ platform: 'signal', details: { producer: 'signalbackup-tools' } });
    expect(c.messages[0]!.text).toBe('Goedemorgen minister, het concept van de Kamerbrief staat klaar.\nZal ik hem doorsturen?');
    expect(c.messages[1]!.text).toBe('Ja graag 👍');
    const key = '+31620001000~+31620001001~+31620001002~+31620001003';
    expect(finalChats(c).get(key)).toMatchObject({ platform: 'signal', title: 'Crisisoverleg Hoogwater', isGroup: true });
    expect(c.messages[2]).toMatchObject({ sender: '+31620001002', senderKey: '+31620001002', senderPhone: '+31620001002', fromSelf: false, kind: 'media' });
    expect(c.messages[2]!.attachments[0]).toMatchObject({ name: 'mms-1761292891200-2.png', mime: 'image/png' });
    expect(c.messages[3]).toMatchObject({ text: '', kind: 'text', extra: { empty: true } });
    expect(c.warnings.map((w) => w.code)).toEqual(['lossy-export', 'attachment-names-lost', 'empty-message', 'count-mismatch']);
  });

  it('a known self phone drops self from group keys', async () => {
    const c = await xml(`${OWN}signalbackup-tools-exportxml.xml`, { selfPhone: '+31620001000' });
    expect(finalChats(c).has('+31620001001~+31620001002~+31620001003')).toBe(true);
  });

  it('own legacy SignalPlaintextBackup.xml: several surrogate pairs in one value', async () => {
    const c = await xml(`${OWN}SignalPlaintextBackup.xml`, {}, 13);
    expect(c.events[0]).toMatchObject({ platform: 'signal', details: { producer: 'signal-legacy-plaintext' } });
    expect(c.messages.map((m) => m.text)).toEqual([
      'Staatssecretaris, de beantwoording van de Kamervragen over de Afsluitdijk ligt klaar 💼',
      'Top, ik teken vanmiddag 😀👍',
      'Kom je nog thuis eten?\nx',
    ]);
    expect(c.messages[2]!.sentAt).toBe('2017-11-07T19:00:00+01:00');
  });

  it('shared samples: SMS app, signalbackup-tools, legacy export', async () => {
    const app = await xml(`${SHARED}sms-backup-restore/sms-20250311164500.xml`);
    expect(app.messages).toHaveLength(4);
    expect(app.messages[1]!.text).toBe('Bel je om 18.15 uur. 👍');
    expect(app.messages[2]).toMatchObject({ sender: 'Bram Bakker', text: 'Foto van de dijk bij Lobith', kind: 'media' });
    expect(app.messages[2]!.attachments[0]!.data!.length).toBe(69);
    const sbt = await xml(`${SHARED}signalbackup-tools/exportxml/signal-messages.xml`);
    expect(sbt.messages).toHaveLength(6);
    expect(sbt.messages[0]).toMatchObject({ sentAt: '2025-03-11T09:14:06.200+01:00', extra: { dateSentMs: 1741680845000 } });
    expect(sbt.messages[2]!.attachments[0]!.name).toBe('mms-1741681203200-2.png');
    expect(sbt.messages[4]).toMatchObject({ senderPhone: '+31687654321', text: 'Waterstand Lobith 15,20 m +NAP, stijgend.' });
    expect(sbt.warnings.find((w) => w.code === 'count-mismatch')?.message).toContain('count="7"');
    const legacy = await xml(`${SHARED}signal-android-legacy-plaintext/SignalPlaintextBackup.xml`);
    expect(legacy.messages[1]!.text).toBe('Akkoord 👍');
  });

  it('the caller can force the platform', async () => {
    const c = await xml(`${SHARED}signalbackup-tools/exportxml/signal-messages.xml`, { platform: 'sms' });
    expect(c.events[0]).toMatchObject({ platform: 'sms', details: { platformForced: true } });
    expect(finalChats(c).get('+31612345678')!.platform).toBe('sms');
  });
});

describe('parseSmsXml: corrupt input', () => {
  it('throws SignalFormatError naming the line of invalid XML', async () => {
    const bad = '<?xml version="1.0"?>\n<smses count="1">\n<sms address="+31620001001" date="1761285000000" type="1" body="a" />\n<sms address="x" date="1" <oops/>\n</smses>\n';
    const err = (await fromText(bad).catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/^sms\.xml, line 4: invalid XML/);
  });

  it('throws for a truncated file, a wrong root and a missing date', async () => {
    await expect(fromText('<smses count="1">\n<sms address="1" date="1761285000000" type="1" body="a" />\n')).rejects.toThrow(SignalFormatError);
    await expect(fromText('<html><body/></html>')).rejects.toThrow(/root element is <html>; expected <smses>/);
    await expect(fromText('<smses><sms address="+31620001001" type="1" body="x"/></smses>', { entry: 'backup.xml' })).rejects.toThrow(/^backup\.xml, line 1: <sms> without a usable date/);
    await expect(fromText('')).rejects.toThrow(/no XML root element/);
  });

  it('refuses a DOCTYPE (with entity declarations or without) for safety (entity expansion), naming the file and the line it starts on', async () => {
    const laughs = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE smses [',
      '  <!ENTITY lol "lol">',
      '  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
      ']>',
      '<smses count="1"><sms address="+31620001001" date="1761285000000" type="1" body="&lol2;" /></smses>',
    ].join('\n');
    const err = (await fromText(laughs, { entry: 'sms.xml' }).catch((e: unknown) => e)) as SignalFormatError;
    expect(err).toBeInstanceOf(SignalFormatError);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^sms\.xml, line 2: the file has a DOCTYPE declaration \(<!DOCTYPE …>\); DOCTYPE and entity declarations are refused for safety \(XML entity expansion/);
    await expect(fromText('<!DOCTYPE smses>\n<smses count="0"></smses>')).rejects.toThrow(/^sms\.xml, line 1: the file has a DOCTYPE declaration/);
  });

  it('refuses a DOCTYPE as soon as it begins, without reading its declarations to the end', async () => {
    let read = 0;
    async function* huge(): AsyncGenerator<Buffer> {
      yield Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE smses [\n');
      // ~20 MB of declarations (a real attack has no end): without the early refusal all of it is read first.
      for (; read < 2000; read++) yield Buffer.from('<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'.repeat(100));
      yield Buffer.from(']>\n<smses count="0"></smses>\n');
    }
    const err = (await collect((onWarning) => parseSmsXml(huge(), { zone: ZONE, onWarning })).catch((e: unknown) => e)) as SignalFormatError;
    expect(err.message).toMatch(/^sms\.xml, line 2: the file has a DOCTYPE declaration/);
    expect(read).toBeLessThan(5);
  });

  it('fixSurrogateRefs joins only valid high+low pairs', () => {
    expect(fixSurrogateRefs('a &#55357;&#56832; b &#xD83D;&#xDC4D;')).toBe('a 😀 b 👍');
    expect(fixSurrogateRefs('&#56832;&#55357;')).toBe('&#56832;&#55357;');
    expect(fixSurrogateRefs('no refs')).toBe('no refs');
  });
});

describe('parseSmsXml: text encodings', () => {
  const doc = (decl: string, body: string) =>
    `<?xml version='1.0' encoding='${decl}' standalone='yes' ?>\n<smses count="1">\n  <sms protocol="0" address="+31620001001" date="1761285000000" type="1" body="${body}" read="1" contact_name="Youssef El Amrani" />\n</smses>\n`;
  const chunks = (b: Buffer, size: number) => Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size));

  it('a file that declares ISO-8859-1 is read as such, at any chunk size', async () => {
    const bytes = Buffer.from(doc('ISO-8859-1', 'Café één naïef'), 'latin1');
    for (const size of [7, 61, 1 << 16]) {
      const c = await collect((onWarning) => parseSmsXml(chunks(bytes, size), { zone: ZONE, onWarning }));
      expect(c.messages[0]!.text).toBe('Café één naïef');
      expect(c.warnings.filter((w) => w.code === 'invalid-utf8')).toEqual([]);
    }
  });

  it('invalid UTF-8 in a file that declares UTF-8 is reported with its byte offset (kept as U+FFFD)', async () => {
    const text = doc('UTF-8', 'Caf\u0000 € ok');
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf(0);
    bytes[at] = 0xe9; // Latin-1 é where UTF-8 was declared
    for (const size of [7, 1 << 16]) {
      const c = await collect((onWarning) => parseSmsXml(chunks(bytes, size), { zone: ZONE, onWarning }));
      expect(c.messages[0]!.text).toBe('Caf\ufffd € ok');
      const w = c.warnings.filter((x) => x.code === 'invalid-utf8');
      expect(w).toHaveLength(1);
      expect(w[0]!.message).toContain(`byte offset ${at}`);
    }
  });

  it('a euro sign split over two chunks is no invalid UTF-8', async () => {
    const bytes = Buffer.from(doc('UTF-8', 'kost €5'), 'utf8');
    const c = await collect((onWarning) => parseSmsXml(chunks(bytes, 3), { zone: ZONE, onWarning }));
    expect(c.messages[0]!.text).toBe('kost €5');
    expect(c.warnings.filter((w) => w.code === 'invalid-utf8')).toEqual([]);
  });
});
