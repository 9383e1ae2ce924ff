import { describe, expect, it } from 'vitest';
import { groupTextsSetBy, subjectScreen, withheldGroupTexts } from '../../src/export/subjects.js';

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

});
