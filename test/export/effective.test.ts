import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewConversation } from '../../src/export/context.js';
import { openSuggestions } from '../../src/store/exports.js';
import { syncRuleSuggestions } from '../../src/store/markings.js';
import { decide } from '../../src/review/service.js';
import { runCli } from '../helpers/cli.js';
import { buildFixture } from './fixture.js';
import { walk } from './helpers.js';

const suggest = (f: ReturnType<typeof buildFixture>, targetId: number, category: string, ruleId: string): number => {
  syncRuleSuggestions(f.store.db, f.custodian, [
    { level: 'message', targetId: f.messages.crisisBusiness[1]!, span: null, category: 'privé', ruleId: 'prive.test', ruleFileHash: 'h', evidenceJson: '{}' },
    { level: 'message', targetId, span: null, category, ruleId, ruleFileHash: 'h', evidenceJson: '{}' },
  ], { ruleFiles: [], counts: {} });
  return (f.store.db.prepare('SELECT id FROM markings WHERE rule_id = ?').get(ruleId) as { id: number }).id;
};

describe('which markings count (only markings.status is trusted)', () => {
  it('a suggestion changed to privé hides the message with the new category and the change as decision', () => {
    const f = buildFixture();
    const id = suggest(f, f.messages.crisisBusiness[2]!, 'zakelijk', 'zakelijk.test');
    const [d] = decide(f.store.db, { markingIds: [id], action: 'change', category: 'privé', reviewer: 'R. Reviewer', reason: 'toch privé' });
    const slot = [...previewConversation(f.store.db, f.conversations.crisis)].find((s) => s.type !== 'conversation-marker' && s.id === f.messages.crisisBusiness[2]);
    expect(slot).toMatchObject({ type: 'marker', category: 'privé', markingId: id, decisionId: d!.decisionId, undecided: false });
  });

  it('an undone decision makes the suggestion open again', () => {
    const f = buildFixture();
    const id = suggest(f, f.messages.crisisBusiness[2]!, 'privé', 'prive.undo');
    decide(f.store.db, { markingIds: [id], action: 'confirm', reviewer: 'R. Reviewer' });
    expect(openSuggestions(f.store.db, { custodianId: f.custodian }).total).toBe(0);
    decide(f.store.db, { markingIds: [id], action: 'undo', reviewer: 'R. Reviewer' });
    expect(openSuggestions(f.store.db, { custodianId: f.custodian })).toMatchObject({ total: 1, examples: [{ id }] });
  });

  it('the review preview renders exactly the slots the export writes', async () => {
    const f = buildFixture();
    const out = path.join(f.dir, 'levering');
    expect((await runCli(['export', '--db', f.dbPath, '--custodian', f.custodian, '--out', out, '--set', 'geschoond'])).code).toBe(0);
    for (const conv of Object.values(f.conversations)) {
      const rel = walk(out).find((r) => r.endsWith(`Gesprek_${String(conv).padStart(6, '0')}/chat.json`))!;
      const exported = fs.readFileSync(path.join(out, rel), 'utf8').split('\n').slice(1, -2).map((l) => JSON.parse(l.replace(/,$/, '')));
      const preview = [...previewConversation(f.store.db, conv, { allowUnreviewed: false })].map((s) =>
        s.type === 'message' ? { ...s, attachments: s.attachments.map((a) => ({ ...a, file: null })) } : s);
      expect(preview, `conversation ${conv}`).toEqual(exported);
    }
  });
});
