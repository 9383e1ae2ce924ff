import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * A zakelijk decision is made on one text; a later read-out shows the message edited with private content. The export
 * must not publish the revision nobody decided on: it refuses and names the marking, with --allow-unreviewed it
 * withholds the message, and after a new decision it exports the decided text.
 */

const FIRST = `10-03-2025 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2025 10:00 - Jan de Vries: Is de nota klaar?
10-03-2025 10:05 - Directeur Bakker: Nota is klaar.
`;
const LATER = `10-03-2025 09:00 - Berichten en oproepen worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet. Tik voor meer informatie.
10-03-2025 10:00 - Jan de Vries: Is de nota klaar?
10-03-2025 10:05 - Directeur Bakker: Nota is klaar. Sorry, ik ben er morgen niet, mijn vrouw Els heeft een miskraam gehad. <Dit bericht is bewerkt>
10-03-2025 10:30 - Jan de Vries: Sterkte
`;
const PRIVATE = 'mijn vrouw Els heeft een miskraam gehad';

/** A store where the message 'Nota is klaar.' (message 3) was ingested from FIRST and decided zakelijk (M-1). */
async function decidedOnFirstText() {
    const dir = tempDir('chatarchief-edited-');
    const db = path.join(dir, 'store.db');
    const cli = (...a: string[]) => runCli([...a, '--db', db]);
    const chat = (name: string, text: string) => {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'WhatsApp-chat met Directeur Bakker.txt'), text);
      return path.join(dir, name);
    };
    expect((await cli('custodian', 'add', '--id', 'min', '--name', 'Jan de Vries', '--function', 'Minister', '--department', 'IenW', '--from', '2024-01-01')).code).toBe(0);
    expect((await cli('ingest', chat('a', FIRST), '--custodian', 'min', '--read-out', '2025-03-10T10:06')).code).toBe(0);
    expect((await cli('review', 'mark', '--message', '3', '--category', 'zakelijk', '--reviewer', 'anna')).code).toBe(0);
  return { dir, db, cli, chat };
}

describe('a zakelijk decision made on an earlier text of an edited message', () => {
  it('makes the message unreviewed: refused and named, withheld under --allow-unreviewed, exported after a new decision', async () => {
    const { dir, db, cli, chat } = await decidedOnFirstText();
    const later = await cli('ingest', chat('b', LATER), '--custodian', 'min', '--read-out', '2025-03-10T10:31');
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout + later.stderr).toMatch(/message 3 .*marking M-1 was made on the earlier text/);

    const refused = await cli('export', '--custodian', 'min', '--out', path.join(dir, 'x'), '--set', 'both');
    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toMatch(/M-1 \(message 3, conversation 1\)/);
    expect(refused.stderr + refused.stdout).not.toContain(PRIVATE);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);

    const allowed = await cli('export', '--custodian', 'min', '--out', path.join(dir, 'y'), '--set', 'both', '--allow-unreviewed');
    expect(allowed.code, allowed.stderr).toBe(0);
    const g = path.join(dir, 'y', fs.readdirSync(path.join(dir, 'y')).find((n) => n.endsWith('_geschoond'))!);
    const json = fs.readFileSync(path.join(g, 'data/Chatberichten_min/Periode_2025-03-10_2025-03-10/Gesprek_000001/chat.json'), 'utf8');
    expect(json).not.toMatch(/Nota is klaar|miskraam|Els/);
    expect(json).toContain('"label":"[bericht afgeschermd: privé · M-1 · onbeoordeeld]"');
    expect((await runCli(['verify', path.join(dir, 'y')])).code).toBe(0);

    // A reviewer decides again on the text as it is now: the export goes ahead and shows what was decided.
    expect((await cli('review', 'decide', '1', '--undo', '--reviewer', 'anna')).code).toBe(0);
    expect((await cli('review', 'mark', '--message', '3', '--span', '0:15', '--category', 'zakelijk', '--reviewer', 'anna')).code).toBe(0);
    const text = 'Nota is klaar. Sorry, ik ben er morgen niet, mijn vrouw Els heeft een miskraam gehad.';
    const start = text.indexOf('Sorry');
    expect((await cli('review', 'mark', '--message', '3', '--span', `${start}:${text.length}`, '--category', 'privé', '--reviewer', 'anna')).code).toBe(0);
    // (Everything was delivered above, so there is nothing new to write; what matters is that nothing is refused.)
    const again = await cli('export', '--custodian', 'min', '--out', path.join(dir, 'z'), '--set', 'both');
    expect(again.stderr + again.stdout).not.toMatch(/Refused|unreviewed/);
    expect(again.stderr + again.stdout).toMatch(/nothing new to export/);
  });

  it('is caught in a store whose ingest replaced the text before the ingest recorded it (migration v11)', async () => {
    const { dir, db, cli, chat } = await decidedOnFirstText();
    expect((await cli('ingest', chat('b', LATER), '--custodian', 'min', '--read-out', '2025-03-10T10:31')).code).toBe(0);
    // The store as an ingest of schema version 10 left it: the text replaced (textFromSource), no watermark.
    const raw = new Database(db);
    const extra = (): Record<string, unknown> => JSON.parse(raw.prepare('SELECT extra_json FROM messages WHERE id = 3').pluck().get() as string);
    expect(extra()).toMatchObject({ textFromSource: 2, textEditedAfterDecision: 1 });
    raw.prepare(`UPDATE messages SET extra_json = json_remove(extra_json, '$.textEditedAfterDecision') WHERE id = 3`).run();
    // A message whose text was replaced before any decision keeps no watermark.
    raw.prepare(`UPDATE messages SET extra_json = json_set(COALESCE(extra_json, '{}'), '$.textFromSource', 1) WHERE id = 2`).run();
    // Nor the schema of later versions (their migrations run again when the store is opened).
    raw.exec('ALTER TABLE source_findings DROP COLUMN chat_key; DROP INDEX source_findings_message; ALTER TABLE source_findings DROP COLUMN message_id');
    raw.pragma('user_version = 10');
    raw.close();

    const refused = await cli('export', '--custodian', 'min', '--out', path.join(dir, 'x'), '--set', 'both');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr + refused.stdout).toMatch(/M-1 \(message 3, conversation 1\)/);
    const after = new Database(db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(11);
    const watermark = (id: number) => after.prepare(`SELECT json_extract(extra_json, '$.textEditedAfterDecision') FROM messages WHERE id = ?`).pluck().get(id);
    expect([watermark(3), watermark(2)]).toEqual([1, null]);
    after.close();
  });
});
