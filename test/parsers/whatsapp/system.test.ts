import { describe, expect, it } from 'vitest';
import { SYSTEM_EVENTS } from '../../../parsers/types.js';
import { matchSystem, systemKey } from '../../../parsers/whatsapp/system.js';
import { LRM, NBSP, parse } from './helpers.js';

const LRE = '\u202a';
const PDF = '\u202c';

/** [text as WhatsApp writes it, event, expected facts]. Sources: whatsapp.md §5. */
const STRINGS: [string, string, Record<string, unknown>][] = [
  // End-to-end encryption.
  ['Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.', 'encryption-notice', {}],
  [`${LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.`, 'encryption-notice', {}],
  ['Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them. Learn more.', 'encryption-notice', {}],
  [`${LRM}Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them.`, 'encryption-notice', {}],
  ['Messages to this group are now secured with end-to-end encryption. Tap for more info.', 'encryption-notice', {}],
  ['Messages you send to this group are now secured with end-to-end encryption. Tap for more info.', 'encryption-notice', {}],
  ['Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.', 'encryption-notice', {}],
  [`${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`, 'encryption-notice', {}],
  ['Berichten die naar deze groep worden verzonden, zijn nu beveiligd met end-to-end encryptie. Tik voor meer informatie.', 'encryption-notice', {}],
  // Disappearing messages.
  ["You turned on disappearing messages. All new messages will disappear from this chat 7 days after they're sent. Tap to change.", 'disappearing-on', { actor: 'You', timer: '7 days', selfActor: true }],
  [`${LRM}${LRM}${LRM}Elon Musk turned on disappearing messages. ${LRM}New messages will disappear from this chat ${LRM}24 hours after they're sent. ${LRM}Tap to change.`, 'disappearing-on', { actor: 'Elon Musk', timer: '24 hours', selfActor: false }],
  ["You use a default timer for disappearing messages in new chats. All new messages will disappear from this chat 90 days after they're sent. Tap to update your own default timer.", 'disappearing-on', { actor: 'You', timer: '90 days' }],
  ['Alice heeft berichten met vervaldatum ingeschakeld. Alle nieuwe berichten verdwijnen 7 dagen nadat ze zijn verzonden uit deze chat. Tik om dit te wijzigen', 'disappearing-on', { actor: 'Alice', timer: '7 dagen' }],
  ['Je hebt verdwijnende berichten ingeschakeld.', 'disappearing-on', { actor: 'Je', selfActor: true }],
  ['You turned off disappearing messages. Tap to change.', 'disappearing-off', { actor: 'You' }],
  [`${LRM}${LRM}Elon Musk turned off disappearing messages. ${LRM}Tap to change.`, 'disappearing-off', { actor: 'Elon Musk' }],
  ['Alice heeft berichten met vervaldatum uitgeschakeld.', 'disappearing-off', { actor: 'Alice' }],
  ['U hebt verdwijnende berichten uitgeschakeld.', 'disappearing-off', { actor: 'U', selfActor: true }],
  ["You updated the message timer. New messages will disappear from this chat 24 hours after they're sent. Tap to change.", 'disappearing-timer', { actor: 'You', timer: '24 hours' }],
  // Group lifecycle.
  ['You created group "Test export"', 'group-created', { actor: 'You', subject: 'Test export', selfActor: true }],
  ['Alice created group "Team: Noord"', 'group-created', { actor: 'Alice', subject: 'Team: Noord' }],
  [`${LRM}You created group “Group Chat”`, 'group-created', { actor: 'You', subject: 'Group Chat' }],
  [`${LRM}Alice heeft de groep Test export gemaakt`, 'group-created', { actor: 'Alice', subject: 'Test export' }],
  [`${LRM}${LRE}+31${NBSP}6${NBSP}12345678${PDF} heeft deze groep aangemaakt`, 'group-created', { actor: '+31 6 12345678' }],
  ['U hebt deze groep aangemaakt', 'group-created', { actor: 'U', selfActor: true }],
  ['Je hebt de groep "Campagne" gemaakt', 'group-created', { actor: 'Je', subject: 'Campagne' }],
  ['You changed the subject from "Group Chat" to "Group Chat XXX"', 'subject-changed', { actor: 'You', oldSubject: 'Group Chat', subject: 'Group Chat XXX' }],
  [`${LRM}Elon Musk changed the subject to “Group Chat XXX”`, 'subject-changed', { actor: 'Elon Musk', subject: 'Group Chat XXX' }],
  ['Alice changed the group name from "A" to "B"', 'subject-changed', { oldSubject: 'A', subject: 'B' }],
  ['X heeft het onderwerp gewijzigd van "A" naar "B: C"', 'subject-changed', { actor: 'X', oldSubject: 'A', subject: 'B: C' }],
  [`${LRM}${LRE}+31 6 12345678${PDF} heeft het onderwerp gewijzigd naar “Test export nieuwe naam”`, 'subject-changed', { actor: '+31 6 12345678', subject: 'Test export nieuwe naam' }],
  ["You changed this group's icon", 'icon-changed', { actor: 'You' }],
  ["Alice deleted this group's icon", 'icon-changed', { actor: 'Alice' }],
  ["You deleted this group's icon", 'icon-changed', { actor: 'You', selfActor: true }],
  ['U hebt de groepsafbeelding gewijzigd', 'icon-changed', { actor: 'U', selfActor: true }],
  ['Alice heeft de groepsafbeelding verwijderd', 'icon-changed', { actor: 'Alice' }],
  ['X changed the group description', 'description-changed', { actor: 'X' }],
  [`${LRM}You changed the group description`, 'description-changed', { actor: 'You', selfActor: true }],
  ['X heeft de groepsomschrijving gewijzigd', 'description-changed', { actor: 'X' }],
  ["X changed this group's settings to allow only admins to send messages to this group", 'settings-changed', { actor: 'X' }],
  ["X changed this group's settings to allow all participants to edit this group's info", 'settings-changed', { actor: 'X' }],
  ["You're now an admin", 'admin', { target: 'You' }],
  ["You're no longer an admin", 'admin', { target: 'You' }],
  ['U bent nu beheerder', 'admin', { target: 'U' }],
  [`${LRM}U bent nu een beheerder`, 'admin', { target: 'U' }],
  ['Je bent nu beheerder', 'admin', { target: 'Je' }],
  // Membership.
  ['Alice added you', 'member-added', { actor: 'Alice', target: 'you' }],
  ['Alice added +31 6 33333333', 'member-added', { actor: 'Alice', target: '+31 6 33333333' }],
  ['You added Alice', 'member-added', { actor: 'You', target: 'Alice', selfActor: true }],
  ['You were added', 'member-added', { target: 'You', selfActor: false }],
  ['X, Y were added', 'member-added', { target: 'X, Y' }],
  ['X was added', 'member-added', { target: 'X' }],
  [`${LRM}Akshay added Sunil`, 'member-added', { actor: 'Akshay', target: 'Sunil' }],
  [`${LRM}Alice heeft u toegevoegd`, 'member-added', { actor: 'Alice', target: 'u' }],
  [`${LRM}Alice heeft Dave toegevoegd`, 'member-added', { actor: 'Alice', target: 'Dave' }],
  [`${LRM}+31 6 12345678 heeft u toegevoegd`, 'member-added', { actor: '+31 6 12345678', target: 'u', selfActor: false }],
  ['Alice heeft je toegevoegd', 'member-added', { actor: 'Alice', target: 'je' }],
  ['U hebt Alice toegevoegd', 'member-added', { actor: 'U', target: 'Alice', selfActor: true }],
  ['Je hebt Alice toegevoegd', 'member-added', { actor: 'Je', target: 'Alice', selfActor: true }],
  [`${LRM}+31 6 22222222 heeft ${LRE}+31 6 11111111${PDF} toegevoegd`, 'member-added', { actor: '+31 6 22222222', target: '+31 6 11111111' }],
  [`${LRM}${LRE}+31 6 11111111${PDF} is toegevoegd`, 'member-added', { target: '+31 6 11111111' }],
  ["X joined using this group's invite link", 'member-joined', { actor: 'X' }],
  ["You joined using this group's invite link", 'member-joined', { actor: 'You', selfActor: true }],
  [`${LRM}Tony Stark joined using this group's invite link`, 'member-joined', { actor: 'Tony Stark' }],
  ['Dave Privé joined using your invite', 'member-joined', { actor: 'Dave Privé' }],
  [`${LRM}Dave neemt deel via uw uitnodiging`, 'member-joined', { actor: 'Dave' }],
  ['Dave neemt deel via je uitnodiging', 'member-joined', { actor: 'Dave' }],
  ['Dave neemt deel via jouw uitnodiging', 'member-joined', { actor: 'Dave' }],
  ['X is deelnemer geworden via de uitnodigingslink van deze groep', 'member-joined', { actor: 'X' }],
  ['Alice left', 'member-left', { actor: 'Alice' }],
  ['You left', 'member-left', { actor: 'You', selfActor: true }],
  ['X left the group', 'member-left', { actor: 'X' }],
  ['+31 6 44455566 left', 'member-left', { actor: '+31 6 44455566' }],
  [`${LRE}+91 98765 43210${PDF} left`, 'member-left', { actor: '+91 98765 43210' }],
  [`${LRM}Alice heeft de groep verlaten`, 'member-left', { actor: 'Alice' }],
  [`${LRM}U hebt de groep verlaten`, 'member-left', { actor: 'U', selfActor: true }],
  ['Je hebt de groep verlaten', 'member-left', { actor: 'Je' }],
  ['Dmitry S removed +7 900 000-00-00', 'member-removed', { actor: 'Dmitry S', target: '+7 900 000-00-00' }],
  ['X removed you', 'member-removed', { actor: 'X', target: 'you' }],
  [`${LRM}You removed Tony Stark`, 'member-removed', { actor: 'You', target: 'Tony Stark' }],
  ['X heeft Y verwijderd', 'member-removed', { actor: 'X', target: 'Y' }],
  ['X heeft u verwijderd', 'member-removed', { actor: 'X', target: 'u' }],
  ['U hebt Y verwijderd', 'member-removed', { actor: 'U', target: 'Y', selfActor: true }],
  // Contacts and numbers.
  ['Your security code with X changed. Tap to learn more.', 'security-code-changed', { target: 'X' }],
  [`${LRM}${LRM}Your security code with Elon changed. ${LRM}Tap to learn more.`, 'security-code-changed', { target: 'Elon' }],
  ["X's security code changed. Tap for more info.", 'security-code-changed', { target: 'X' }],
  ['Uw beveiligingscode voor X is gewijzigd. Tik voor meer informatie', 'security-code-changed', { target: 'X' }],
  ['Je beveiligingscode voor X is gewijzigd.', 'security-code-changed', { target: 'X' }],
  ['X changed their phone number to a new number. Tap to message or add the new number.', 'number-changed', { actor: 'X' }],
  ['+31 6 11111111 changed to +31 6 22222222', 'number-changed', { actor: '+31 6 11111111', target: '+31 6 22222222' }],
  ['X heeft een nieuw telefoonnummer. Tik om een bericht te sturen of om het nieuwe nummer toe te voegen.', 'number-changed', { actor: 'X' }],
  ['Waiting for this message', 'waiting', {}],
  ['Waiting for this message. This may take a while.', 'waiting', {}],
  ['Wachten op dit bericht.', 'waiting', {}],
  ['Wachten op deze berichten...', 'waiting', {}],
  ['You blocked this contact. Tap to unblock.', 'blocked', { actor: 'You', blocked: true, selfActor: true }],
  ['You unblocked this contact.', 'blocked', { actor: 'You', blocked: false }],
  ['U hebt dit contact geblokkeerd.', 'blocked', { blocked: true }],
  ['Je hebt dit contact gedeblokkeerd.', 'blocked', { blocked: false }],
];

describe('system strings (whatsapp.md §5), Dutch and English', () => {
  it.each(STRINGS)('%s', (text, event, facts) => {
    const m = matchSystem(systemKey(text));
    expect(m).not.toBeNull();
    expect(m).toMatchObject({ event, ...facts });
  });

  it('every event the table produces is a contract SYSTEM_EVENT', () => {
    for (const [, event] of STRINGS) expect(SYSTEM_EVENTS).toContain(event);
  });

  it.each([
    'U hebt dit bericht verwijderd',
    'Je hebt dit bericht verwijderd',
    'Dit bericht is verwijderd',
    'This message was deleted',
    'Hallo allemaal, de groep is er!',
    'Zie de Kamerbrief over de dijken',
    '',
  ])('no system event in %j', (text) => {
    expect(matchSystem(systemKey(text))).toBeNull();
  });
});

describe('system templates are matched before splitting out an author (§6.1)', () => {
  it('Android: a group name with ": " does not become an author', async () => {
    const p = await parse([
      '01-02-2024 10:00 - Alice created group "Team: Noord"',
      `01-02-2024 10:01 - ${LRM}Alice heeft de groep Team: Noord gemaakt`,
      '01-02-2024 10:02 - You changed the subject from "Team: Noord" to "Team: Zuid"',
      '01-02-2024 10:03 - Alice: Hoi: allemaal',
      '',
    ].join('\n'));
    expect(p.messages.map((m) => [m.sender, m.event])).toEqual([
      [null, 'group-created'], [null, 'group-created'], [null, 'subject-changed'], ['Alice', null],
    ]);
    expect(p.messages[3]!.text).toBe('Hoi: allemaal');
    expect(p.scan.authors).toEqual(['Alice']);
    expect(p.scan.subjects).toEqual(['Team: Noord', 'Team: Zuid']);
  });

  it('iOS: a pseudo-author with ": " before the chat name is known', async () => {
    const p = await parse([
      `[01/02/2024, 10:00:00] Team: Noord: ${LRM}Alice added you`,
      `[01/02/2024, 10:00:01] Team: Noord: ${LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.`,
      '[01/02/2024, 10:01:00] Alice: Welkom',
      '[01/02/2024, 10:02:00] Bob: Dank',
      `[01/02/2024, 10:03:00] Team: Noord: ${LRM}Bob left`,
      '',
    ].join('\r\n'));
    expect(p.scan.authors).toEqual(['Alice', 'Bob']);
    expect(p.scan.chatNameHint).toBe('Team: Noord');
    expect(p.messages.map((m) => [m.sender, m.event, m.extra?.author ?? null])).toEqual([
      [null, 'member-added', 'Team: Noord'], [null, 'encryption-notice', 'Team: Noord'], ['Alice', null, null], ['Bob', null, null],
      [null, 'member-left', 'Team: Noord'],
    ]);
  });

  it('iOS: an earlier group name with ": " stays the pseudo-author after a rename; pass 1 counts such lines', async () => {
    const p = await parse([
      `[01/02/2024, 10:00:00] Werkgroep: ${LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.`,
      '[01/02/2024, 10:01:00] Alice: Re: de nota',
      `[01/02/2024, 10:02:00] Team: Noord: ${LRM}Bob left`,
      `[01/02/2024, 10:03:00] Alice: ${LRM}<attached: 00000001-PHOTO-2024-02-01-10-03-00.jpg>`,
      '',
    ].join('\n'));
    expect(p.scan.colonAuthorLines).toBe(1);
    expect(p.messages.map((m) => [m.sender, m.event, m.text, m.extra?.author ?? null])).toEqual([
      [null, 'encryption-notice', expect.stringContaining('end-to-end'), 'Werkgroep'], ['Alice', null, 'Re: de nota', null],
      [null, 'member-left', 'Bob left', 'Team: Noord'], ['Alice', null, '', null],
    ]);
    const plain = await parse('[01/02/2024, 10:01:00] Alice: Re: de nota\n[01/02/2024, 10:02:00] Bob: Dank: ${LRM}genoteerd\n');
    expect(plain.scan.colonAuthorLines).toBe(0);
  });

  it('iOS: an unknown WhatsApp text from the group-name author is a system event "other"', async () => {
    const p = await parse([
      `[01/02/2024, 10:00:00] Werkgroep: ${LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.`,
      `[01/02/2024, 10:00:01] Werkgroep: ${LRM}Alice pinned a message`,
      '[01/02/2024, 10:01:00] Alice: Welkom',
      '[01/02/2024, 10:02:00] Bob: Dank',
      '[01/02/2024, 10:03:00] Carol: Hoi',
    ].join('\n'));
    expect(p.scan.isGroup).toBe(true);
    expect(p.messages[1]).toMatchObject({ kind: 'system', event: 'other', sender: null, text: 'Alice pinned a message', extra: { author: 'Werkgroep' } });
  });

  it('a person whose name has quotes keeps a message that reads like an event; versions before whatsapp-1.3.0 read it as one', async () => {
    // A name saved with a nickname makes the would-be author look like a system sentence; the templates must not take
    // `Robert "Bob" Jansen: They` for an actor (§9.5: author names vary, bodies contain anything).
    const p = await parse([
      '05-09-2024 19:00 - Robert "Bob" Jansen: Hoi allemaal',
      '05-09-2024 19:01 - Robert "Bob" Jansen: They removed the barrier',
      '05-09-2024 19:02 - Robert “Bob” Jansen: Zij heeft het document toegevoegd',
      '05-09-2024 19:03 - Karin: De stukken were added',
      '05-09-2024 19:04 - Robert "Bob" Jansen created group "Team: Noord"',
      '',
    ].join('\n'));
    expect(p.messages.map((m) => [m.sender, m.kind, m.event, m.text])).toEqual([
      ['Robert "Bob" Jansen', 'text', null, 'Hoi allemaal'],
      ['Robert "Bob" Jansen', 'text', null, 'They removed the barrier'],
      ['Robert “Bob” Jansen', 'text', null, 'Zij heeft het document toegevoegd'],
      ['Karin', 'text', null, 'De stukken were added'],
      [null, 'system', 'group-created', 'Robert "Bob" Jansen created group "Team: Noord"'],
    ]);
    expect(p.messages[4]!.extra).toEqual({ actor: 'Robert "Bob" Jansen', subject: 'Team: Noord' });
    expect(p.messages[1]!.legacy).toEqual({ since: 'whatsapp-1.3.0', kind: 'system', event: 'member-removed', sender: null, text: 'Robert "Bob" Jansen: They removed the barrier' });
    expect(p.messages[2]!.legacy).toMatchObject({ since: 'whatsapp-1.3.0', event: 'member-added', sender: null });
    expect([p.messages[0]!.legacy, p.messages[3]!.legacy, p.messages[4]!.legacy]).toEqual([undefined, undefined, undefined]);
  });

  it('iOS: a group name that reads like a sentence (" heeft ") is the pseudo-author; the LRM after its ": " starts the body', async () => {
    const p = await parse([
      `[05-09-2024 19:00:00] Wie heeft de sleutel?: ${LRM}Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.`,
      `[05-09-2024 19:00:01] Wie heeft de sleutel?: ${LRM}Alice heeft u toegevoegd`,
      '[05-09-2024 19:00:02] Alice: Hoi',
      '[05-09-2024 19:00:03] Bob: Hoi',
      `[05-09-2024 19:00:04] Wie heeft de sleutel?: ${LRM}Bob heeft de groep verlaten`,
      '',
    ].join('\r\n'));
    expect(p.scan).toMatchObject({ chatNameHint: 'Wie heeft de sleutel?', authors: ['Alice', 'Bob'], isGroup: true });
    expect(p.messages.map((m) => [m.sender, m.event, m.extra ?? null])).toEqual([
      [null, 'encryption-notice', { author: 'Wie heeft de sleutel?' }],
      [null, 'member-added', { actor: 'Alice', target: 'u', author: 'Wie heeft de sleutel?' }],
      ['Alice', null, null], ['Bob', null, null],
      [null, 'member-left', { actor: 'Bob', author: 'Wie heeft de sleutel?' }],
    ]);
    expect(p.messages[1]!.legacy).toMatchObject({ since: 'whatsapp-1.3.0', event: 'member-added', text: 'Wie heeft de sleutel?: Alice heeft u toegevoegd' });
  });

  it('Android: an unknown authorless line is a system event "other" with no sender', async () => {
    const p = await parse('01-02-2024 10:00 - Dit is een onbekende systeemmelding\n');
    expect(p.messages[0]).toMatchObject({ kind: 'system', event: 'other', sender: null, text: 'Dit is een onbekende systeemmelding' });
  });

  it('Android: a phone number wrapped in LRE/PDF in an authorless line is the actor, not a sender (§3)', async () => {
    const p = await parse([
      '08/12/22, 7:14 pm - +91 98765 43210: POLL:', 'Lunch?', 'OPTION: Ja (1 vote)', '',
      `08/12/22, 7:16 pm - ${LRE}+91 98765 43210${PDF} left`,
      '',
    ].join('\n'));
    expect(p.scan.authors).toEqual(['+91 98765 43210']);
    expect(p.messages[1]).toMatchObject({ kind: 'system', event: 'member-left', sender: null, text: `${LRE}+91 98765 43210${PDF} left`, extra: { actor: '+91 98765 43210' } });
  });
});
