import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/db.js';
import { getCustodian } from '../store/custodians.js';
import { iterateMessages } from '../store/messages.js';
import { readBagInfo } from './bagit.js';
import { jsonSchemas, parseJsonLinesArray } from './chatjson.js';
import { conversationExclusion, messageMarking, messagePassages, participantsShown, titleShown } from './clean.js';
import { buildExportContext, cleaningContextFor, scopeOf } from './context.js';
import { LEESMIJ } from './docs.js';
import { readLines } from './files.js';
import { FragmentIndex } from './fragments.js';
import { CSP, HTML_LABELS, participantsLine } from './html.js';
import { MDTO_NS } from './mdto.js';
import { MESSAGE_KINDS, SYSTEM_EVENTS } from '../../parsers/types.js';
import { runSteps, runStepsYielding, type Yielder } from './partial.js';
import { restriction } from './writer.js';
import { Screen, type PrivateContact } from './screen.js';
import { isNameless, neutralNameFor } from './nameless.js';
import { subjectScreen } from './subjects.js';
import { pathLeaks } from './leak-paths.js';
import { leakParts } from './leak-parts.js';
import { nameTextsOf, textsOf } from './shown-text.js';
import { CARD_MAX_BYTES, CardSet, cardsOf, hitOrigin, isCardFile } from './cards.js';

type RawHeader = {
  title: string; titleWithheld?: boolean; subjectsWithheld?: string[]; excluded: boolean;
  participants: { name: string; custodian: boolean; private?: boolean; pseudonym?: string | null }[];
  custodian: { name: string; function: string; department: string };
};

/**
 * The leak check of `verify`: no text of a withheld message or passage, and no name or number of a private contact,
 * anywhere in a geschoonde package (every file: JSON string values, HTML and XML text, tag files, media bytes).
 *
 * What counts as withheld comes from one of two sources (documented; the first that is available is used):
 * 1. the ruwe dataset of the same delivery: its chat.json records per message what the cleaning did (`cleaning`),
 *    and Verantwoording/contacten.json lists the private contacts with all their names and numbers;
 * 2. the store (--db): the same effective markings and cleaning rules the export used, for the custodian, period and
 *    --allow-unreviewed setting recorded in the geschoonde package's bag-info.txt.
 */

export interface LeakSource {
  fragments: FragmentIndex;
  screen: Screen;
  describe: string;
}

export interface Leak {
  /** The file's path in the bag, any segment of it that is itself a leak masked (NAME_MASKED). */
  file: string;
  /** 1-based; 0 for a leak in the file's path. */
  line: number;
  kind: 'text' | 'name' | 'phone';
  /**
   * What was found, without repeating it (findings go to logs): the length of a withheld text fragment, or the
   * pseudonym of the private contact whose name or number it is. `origin` names where the withheld text came from (ids).
   */
  found: string;
  origin: string;
}

/** Fixed texts of the package itself: finding a fragment in them proves nothing. */
function addBoilerplate(idx: FragmentIndex): void {
  idx.addPublic(LEESMIJ);
  for (const s of Object.values(jsonSchemas())) idx.addPublic(JSON.stringify(s));
  for (const v of Object.values(HTML_LABELS)) idx.addPublic(v);
  for (const set of ['ruw', 'geschoond'] as const) {
    const r = restriction(set);
    idx.addPublic(`${r.type.label} ${r.beschrijving ?? ''}`);
  }
  idx.addPublic([CSP, MDTO_NS, 'http://www.w3.org/2001/XMLSchema-instance https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd',
    'SHA-256 manifest-sha256.txt utf-8 nl', ...MESSAGE_KINDS, ...SYSTEM_EVENTS, 'whatsapp WhatsApp signal Signal sms SMS'].join('\n'));
  idx.addPublic('Afgeschermd gesprek. Gesprek (titel afgeschermd). Deelnemer (afgeschermd). bericht afgeschermd. passage afgeschermd. gesprek afgeschermd. standaardcategorie. onbeoordeeld. berichten');
}

type LeakMessage = { id: number; kind?: string; text: string; attachments: { name: string; mime?: string | null }[] };

/**
 * Adds one message: `passages` null means the whole message is withheld; otherwise the message is kept and the given
 * passages are withheld. Pass "marked" collects withheld text, pass "public" the kept text. `subjects` replaces the
 * group subjects that only withheld events set, in a kept system event as the cleaner does (src/export/subjects.ts).
 */
function addMessage(
  idx: FragmentIndex, pass: 'marked' | 'public', m: LeakMessage, passages: { start: number; end: number }[] | null, subjects: Screen | null = null,
): void {
  if (passages === null) {
    if (pass === 'marked') {
      idx.addMarked(m.text, `message ${m.id}`);
      for (const a of m.attachments) idx.addMarked(a.name, `attachment of message ${m.id}`);
    }
    return;
  }
  const shown = subjects && m.kind === 'system' ? (s: string) => subjects.redact(s) : (s: string) => s;
  let kept = '';
  let at = 0;
  for (const p of passages) {
    if (pass === 'marked') idx.addMarked(m.text.slice(p.start, p.end), `passage of message ${m.id}`);
    kept += shown(m.text.slice(at, p.start)) + '\n';
    at = p.end;
  }
  if (pass === 'public') {
    idx.addPublic(kept + shown(m.text.slice(at)));
    for (const a of m.attachments) idx.addPublic(`${a.name}\n${a.mime ?? ''}`);
  }
}

/**
 * Leak source 1: a ruwe package (bag dir). Two passes over its chat.json files: withheld text, then kept text. With
 * more ruwe packages (other deliveries of the custodian), what any of them withholds counts as withheld and what any of
 * them keeps as public: a later delivery must not show what an earlier one withheld either.
 */
export function sourceFromRawPackage(bagDir: string, others: string[] = []): LeakSource {
  return runSteps(rawPackageSteps([bagDir, ...others]));
}

/** sourceFromRawPackage, yielding to the event loop when `y` is due (an export that a signal may stop). */
export function sourceFromRawPackageYielding(bagDir: string, y: Yielder): Promise<LeakSource> {
  return runStepsYielding(rawPackageSteps([bagDir]), y);
}

/** sourceFromRawPackage in steps: yields after every item read. */
function* rawPackageSteps(bagDirs: string[]): Generator<void, LeakSource, void> {
  const idx = new FragmentIndex();
  const chats = bagDirs.flatMap((d) => findFiles(path.join(d, 'data'), (n) => n === 'chat.json'));
  const contacts = bagDirs.flatMap((d) => findFiles(path.join(d, 'data'), (n) => n === 'contacten.json'));
  const privateContacts: PrivateContact[] = [];
  const publicNames = new Set<string>();
  const publicPhones = new Set<string>();
  const cards = new CardSet();
  for (const f of contacts) {
    for (const e of parseJsonLinesArray(readLines(f))) {
      if (!('item' in e)) continue;
      const k = e.item as { id: number; rank: number; isCustodian: boolean; private: boolean; pseudonym: string | null; names: string[]; phones: string[]; namesPublic?: boolean };
      // (every name of a contact present in kept content is shown, not only the one a participant list gives)
      if (k.namesPublic) for (const n of k.names) publicNames.add(n);
      if (k.namesPublic || k.isCustodian) for (const p of k.phones) publicPhones.add(p);
      if (k.private) privateContacts.push({ contactId: k.id, pseudonym: k.pseudonym ?? '', names: k.names, phones: k.phones });
      else if (!k.isCustodian && k.phones.length && isNameless(k.names)) privateContacts.push({ contactId: k.id, pseudonym: neutralNameFor(k.rank), names: [], phones: k.phones });
      yield;
    }
  }
  for (const pass of ['marked', 'public'] as const) {
    for (const f of chats) {
      let excluded = false;
      let subjects: Screen | null = null;
      for (const e of parseJsonLinesArray(readLines(f))) {
        if ('head' in e) {
          const h = (e.head as { header: RawHeader }).header;
          const conv = path.basename(path.dirname(f));
          excluded = h.excluded;
          subjects = subjectScreen(h.subjectsWithheld ?? []);
          if (pass === 'marked' && (excluded || h.titleWithheld)) idx.addMarked(h.title, `conversation title (${conv})`);
          if (pass === 'marked') for (const s of h.subjectsWithheld ?? []) idx.addMarked(s, `group subject (${conv})`);
          if (pass === 'public') {
            if (!excluded && !h.titleWithheld) idx.addPublic(subjects ? subjects.redact(h.title) : h.title);
            publicNames.add(h.custodian.name);
            // (the package names the custodian with function and department: "Minister, …" in a withheld message proves nothing)
            idx.addPublic(`${h.custodian.name} ${h.custodian.function} ${h.custodian.department}`);
            for (const p of h.participants) if (!p.private && !excluded) publicNames.add(p.name);
            // The participant line of a kept conversation is shown as a whole: names in a row there prove nothing
            // (an excluded group titled "Petra Hoekstra, Daan Mulder" is not found in another group's line).
            if (!excluded) idx.addPublic(participantsLine(h.participants.map((p) => ({ name: p.private ? (p.pseudonym ?? '') : p.name, custodian: p.custodian }))));
          }
          continue;
        }
        const s = e.item as { message: LeakMessage & { extra?: Record<string, unknown> | null; attachments: { name: string; mime?: string | null; file?: string | null }[] }; cleaning: { outcome: string; passages: { start: number; end: number }[] } };
        // (a contact card: its bytes are the conversation folder's media file)
        if (pass === 'marked') cards.add(s.cleaning.outcome !== 'kept', cardsOf(s.message, (a) => (isCardFile(a) && a.file ? readCard(path.join(path.dirname(f), a.file)) : null)));
        addMessage(idx, pass, s.message, s.cleaning.outcome === 'kept' ? s.cleaning.passages : null, subjects);
        yield;
      }
    }
  }
  for (const n of publicNames) idx.addPublic(n);
  addBoilerplate(idx);
  const describe = bagDirs.length === 1 ? `the ruwe dataset ${bagDirs[0]}` : `the ruwe datasets ${bagDirs.join(', ')} (this delivery's first)`;
  return { fragments: idx, screen: new Screen([...privateContacts, ...cards.contacts((p) => publicPhones.has(p))], [...publicNames]), describe };
}

/** Leak source 2: the store, for the custodian, period and --allow-unreviewed setting in the package's bag-info.txt. */
export function sourceFromStore(store: Store, geschoondBag: string): LeakSource {
  return runSteps(storeSteps(store, geschoondBag));
}

/** sourceFromStore, yielding to the event loop when `y` is due (an export that a signal may stop). */
export function sourceFromStoreYielding(store: Store, geschoondBag: string, y: Yielder): Promise<LeakSource> {
  return runStepsYielding(storeSteps(store, geschoondBag), y);
}

/** sourceFromStore in steps: yields after every message. */
function* storeSteps(store: Store, geschoondBag: string): Generator<void, LeakSource, void> {
  const info = readBagInfo(geschoondBag);
  const custodian = getCustodian(store.db, info.get('Chatarchief-Custodian') ?? '');
  const [from, to] = (info.get('Chatarchief-Period') ?? '').split('_');
  if (!custodian || !from || !to) throw new Error(`${geschoondBag}: bag-info.txt lacks Chatarchief-Custodian/Chatarchief-Period known to the store`);
  const x = buildExportContext(store.db, custodian, scopeOf(custodian.id, custodian.tz, from, to), info.get('Chatarchief-Allow-Unreviewed') === 'true');
  const idx = new FragmentIndex();
  for (const pass of ['marked', 'public'] as const) {
    for (const conv of x.conversations) {
      const ctx = cleaningContextFor(x, conv);
      const excl = conversationExclusion(ctx);
      if ((excl || ctx.titleWithheld) && pass === 'marked') idx.addMarked(conv.title, `conversation ${conv.id} title`);
      if (pass === 'marked') for (const s of x.withheldSubjects.get(conv.id) ?? []) idx.addMarked(s, `conversation ${conv.id} group subject`);
      if (!excl && pass === 'public') {
        idx.addPublic(titleShown(ctx, false));
        idx.addPublic(participantsLine(participantsShown(ctx)));
      }
      for (const m of iterateMessages(store.db, conv.id, { fromMs: x.scope.fromMs, toMs: x.scope.toMs })) {
        const eff = x.messageMarkings(m.id).effective;
        addMessage(idx, pass, m, excl || messageMarking(m, eff, ctx) ? null : messagePassages(m, eff, ctx), ctx.subjects ?? null);
        yield;
      }
    }
  }
  for (const n of x.publicNames) idx.addPublic(n);
  idx.addPublic(`${custodian.name} ${custodian.function} ${custodian.department}`);
  addBoilerplate(idx);
  return { fragments: idx, screen: x.screen, describe: `the store ${store.path}` };
}

/** A contact card's text from a file of a ruwe package, or null when it is not there or too large to be one. */
function readCard(file: string): string | null {
  try { return fs.statSync(file).size <= CARD_MAX_BYTES ? fs.readFileSync(file, 'utf8') : null; } catch { return null; }
}

function findFiles(dir: string, pick: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, pick));
    else if (pick(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every file of a bag, as paths relative to it with forward slashes, sorted. */
export function packageFiles(bagDir: string): string[] {
  return findFiles(bagDir, () => true).map((abs) => path.relative(bagDir, abs).split(path.sep).join('/'));
}

/**
 * Scans every file of a geschoonde bag for withheld text and private names and numbers. Each line is scanned together
 * with the last words of the line before, so text broken over lines is found too; a fragment is reported once per file.
 */
export function scanPackage(bagDir: string, src: LeakSource, limit = 200, pick: (rel: string) => boolean = () => true): Leak[] {
  return runSteps(scanSteps(bagDir, src, limit, pick));
}

/** scanPackage, yielding to the event loop when `y` is due (an export that a signal may stop). */
export function scanPackageYielding(bagDir: string, src: LeakSource, limit: number, pick: (rel: string) => boolean, y: Yielder): Promise<Leak[]> {
  return runStepsYielding(scanSteps(bagDir, src, limit, pick), y);
}

/** scanPackage in steps: yields after every line. */
function* scanSteps(bagDir: string, src: LeakSource, limit: number, pick: (rel: string) => boolean): Generator<void, Leak[], void> {
  const leaks: Leak[] = [];
  for (const actual of packageFiles(bagDir)) {
    if (!pick(actual)) continue;
    const abs = path.join(bagDir, actual);
    // The path itself: a file or folder named after withheld text or a private name (line 0). Findings then name the
    // file with that part of its path masked, so that they do not repeat it.
    const named = pathLeaks(actual, src);
    leaks.push(...named.leaks);
    // What the file holds: its lines, and a zip's (or office document's) entries or a PDF's text as `<file>!<entry>`.
    for (const p of leakParts(abs, actual)) {
      let shown = named.shown;
      if (p.entry !== null) {
        const entry = pathLeaks(p.entry.replace(/!/g, '/'), src);
        shown = `${named.shown}!${entry.shown}`;
        leaks.push(...entry.leaks.map((l) => ({ ...l, file: shown })));
      }
      if (p.lines !== null && (yield* scanLines(p.lines, p.format, shown, src, leaks, limit))) return leaks;
    }
  }
  return leaks;
}

/**
 * Scans the lines of one file (or zip entry) into `leaks`; `format` is its name as the package has it (it decides how
 * a line is read), `shown` the name findings give. True when `limit` findings are reached.
 */
function* scanLines(lines: Iterable<string>, format: string, shown: string, src: LeakSource, leaks: Leak[], limit: number): Generator<void, boolean, void> {
  const state = { inStyle: false, naamSeen: false };
  const seen = new Set<string>();
  let tail = '';
  let n = 0;
  for (const line of lines) {
    n++;
    const { texts, joins, tail: next } = textsOf(format, line, state);
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i]!;
      const hits = src.fragments.scan(i === 0 && joins && tail ? `${tail}\n${t}` : t);
      if (hits.length) {
        // One finding per withheld source and line: its longest fragment found here.
        const longest = new Map<string, string>();
        for (const h of hits) {
          if (seen.has(`${h.origin}|${h.fragment}`)) continue;
          if (h.fragment.length > (longest.get(h.origin)?.length ?? 0)) longest.set(h.origin, h.fragment);
        }
        for (const [origin, fragment] of longest) {
          seen.add(`${origin}|${fragment}`);
          leaks.push({ file: shown, line: n, kind: 'text', found: `${fragment.length} characters`, origin });
        }
      }
      for (const h of src.screen.find(t)) leaks.push({ file: shown, line: n, kind: h.kind, found: h.pseudonym, origin: hitOrigin(h) });
    }
    // Names of 2 and 3 characters, only where the text is made of names (the longer ones were found above).
    for (const t of nameTextsOf(format, line, n, state)) {
      for (const h of src.screen.strict.find(t)) {
        if (!src.screen.find(t.slice(h.start, h.end)).length) leaks.push({ file: shown, line: n, kind: h.kind, found: h.pseudonym, origin: hitOrigin(h) });
      }
    }
    tail = next;
    if (leaks.length >= limit) return true;
    yield;
  }
  return false;
}
