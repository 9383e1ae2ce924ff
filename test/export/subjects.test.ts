import { describe, expect, it } from 'vitest';
import { cleanMessage, titleShown, type CleaningContext } from '../../src/export/clean.js';
import { Screen } from '../../src/export/screen.js';
import { groupTextsSetBy, subjectScreen, withheldGroupTexts } from '../../src/export/subjects.js';
import type { MessageJson } from '../../src/store/messages.js';

const system = (text: string, extra: Record<string, unknown> | null = null) => ({ kind: 'system', text, extra });

describe('the group texts a system event sets', () => {
  it('reads WhatsApp subjects, Signal group updates (backup and sigtop) and Signal rename texts', () => {
    expect(groupTextsSetBy(system('Eva heeft het onderwerp gewijzigd van "Dijkoverleg" naar "Papa\'s feest"', { subject: "Papa's feest", oldSubject: 'Dijkoverleg' })))
      .toEqual(["Papa's feest"]);
    // Signal backup: a creation with a name and a description in one update; the text names the group too.
    expect(groupTextsSetBy(system('Eva created the group. Eva changed the group name to "Papa\'s feest". Eva changed the group description.', {
      groupUpdates: [{ type: 'groupCreationUpdate' }, { type: 'groupNameUpdate', newGroupName: "Papa's feest" }, { type: 'groupDescriptionUpdate', newDescription: 'Niets tegen papa zeggen' }],
    }))).toEqual(["Papa's feest", 'Niets tegen papa zeggen']);
    // sigtop (Signal Desktop) details.
    expect(groupTextsSetBy(system('Eva changed the group name to "Feest". Eva changed the group description.', {
      groupUpdates: [{ type: 'title', newTitle: 'Feest' }, { type: 'description', description: 'Zaterdag om acht uur' }],
    }))).toEqual(['Feest', 'Zaterdag om acht uur']);
    // signalbackup-tools transcript: only the text.
    expect(groupTextsSetBy(system('Eva changed the group name to "Feest "zaterdag"".'))).toEqual(['Feest "zaterdag"']);
    // WhatsApp's description-changed carries no text; a text message sets nothing.
    expect(groupTextsSetBy(system('Eva heeft de groepsbeschrijving gewijzigd'))).toEqual([]);
    expect(groupTextsSetBy({ kind: 'text', text: 'Eva changed the group name to "Feest".', extra: { subject: 'Feest' } })).toEqual([]);
  });

  it('withholds only what no kept event sets, whatever its case', () => {
    expect(withheldGroupTexts([
      { texts: ['Dijkoverleg'], withheld: false },
      { texts: ["Papa's feest"], withheld: true },
      { texts: ['Crisisoverleg'], withheld: true },
      { texts: ['crisisoverleg'], withheld: false },
      { texts: ["PAPA'S FEEST"], withheld: true },
    ])).toEqual(["Papa's feest"]);
  });
});

describe('the subject screen', () => {
  it('replaces whole word sequences only, and nothing when no subject has words', () => {
    const s = subjectScreen(["Papa's verrassingsfeest", 'Feest'])!;
    expect(s.redact('Karin heeft het onderwerp gewijzigd van "Papa\u2019s  verrassingsfeest" naar "Crisisoverleg"'))
      .toBe('Karin heeft het onderwerp gewijzigd van "[onderwerp afgeschermd]" naar "Crisisoverleg"');
    expect(s.redact('Karin heeft het onderwerp gewijzigd naar "Feestcommissie"')).toBe('Karin heeft het onderwerp gewijzigd naar "Feestcommissie"');
    expect(subjectScreen([])).toBeNull();
    expect(subjectScreen(['🎉🎉'])).toBeNull();
  });

  it('applies to kept system events and the title, not to messages people typed', () => {
    const ctx: CleaningContext = {
      conversationId: 1, title: "Papa's verrassingsfeest 🎉", isGroup: true, participants: [], conversationMarkings: [], contactMarkings: new Map(),
      defaultCategory: 'zakelijk', pseudonyms: new Map(), screen: new Screen([]), subjects: subjectScreen(["Papa's verrassingsfeest"]),
    };
    expect(titleShown(ctx, false)).toBe('[onderwerp afgeschermd] 🎉');
    const msg = (kind: string, text: string): MessageJson => ({
      id: 1, seq: 1, sentAt: '2025-03-10T09:00:00+01:00', localTime: '10-03-2025 09:00', sender: null, kind, event: kind === 'system' ? 'subject-changed' : null,
      text, edited: false, viewOnce: false, timeAmbiguous: false, timeInvalid: false, attachments: [],
    } as unknown as MessageJson);
    const event = cleanMessage(msg('system', 'Karin heeft het onderwerp gewijzigd van "Papa\'s verrassingsfeest" naar "Crisisoverleg"'), [], ctx);
    expect(event.type === 'message' && event.text).toBe('Karin heeft het onderwerp gewijzigd van "[onderwerp afgeschermd]" naar "Crisisoverleg"');
    const typed = cleanMessage(msg('text', "De naam Papa's verrassingsfeest was een vergissing."), [], ctx);
    expect(typed.type === 'message' && typed.text).toBe("De naam Papa's verrassingsfeest was een vergissing.");
  });
});
