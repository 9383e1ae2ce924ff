import type { ChatHeader } from './chatjson.js';
import type { Slot } from './clean.js';
import type { HashingFile } from './files.js';
import type { MessageJson } from '../store/messages.js';
import { storedVersions } from '../store/message-versions.js';

/**
 * `chat.html`: a self-contained, printable transcript in Dutch. No scripts and no outside resources (a
 * Content-Security-Policy forbids them); media are linked by their file name in the same folder. Every piece of chat
 * content is escaped. One message per line, so the file is written (and can be read) as a stream.
 */

export const HTML_LABELS = {
  geschoond: 'Geschoonde set',
  ruw: 'Ruwe dataset (beperkt openbaar: bevat privé- en partijpolitieke inhoud)',
  custodian: 'Bewindspersoon',
  participants: 'Deelnemers',
  period: 'Periode',
  count: 'Aantal berichten',
  application: 'Toepassing',
  exported: 'Geëxporteerd op',
  unreviewed: 'Let op: geëxporteerd met onbeoordeelde suggesties; die zijn als gemarkeerd behandeld.',
  vervolg: 'Vervolgexport: eerder geleverde berichten van dit gesprek zijn weggelaten:',
  attachment: 'Bijlage',
  attachmentMissing: 'niet aanwezig in de export',
  withheldAttachment: 'Bijlage afgeschermd',
  system: 'Systeembericht',
  edited: 'bewerkt',
  deleted: 'verwijderd bericht',
  viewOnce: 'eenmalig te bekijken',
  versions: 'Alle versies van dit bericht, oudste eerst',
  versionCurrent: 'de tekst hierboven',
  versionHeld: 'latere versie, niet in de tekst opgenomen omdat er een passage in is afgeschermd',
  versionUnknownTime: 'tijd onbekend',
  markerConversation: 'Gesprek afgeschermd',
  markerMessage: 'Bericht afgeschermd',
  private: 'privécontact',
  footer: 'Gemaakt met chatarchief. De tijd staat zoals in de bronexport; de afzender van een afgeschermd bericht is een zakelijke deelnemer of een pseudoniem.',
} as const;

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]!);

export const CSP = "default-src 'none'; style-src 'unsafe-inline'";
const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;color:#111}h1{font-size:1.4em}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dt{font-weight:600}ol{list-style:none;padding:0}li.m{border-top:1px solid #ddd;padding:.4em 0;break-inside:avoid}.meta{color:#555;font-size:.85em}
.t{white-space:pre-wrap;overflow-wrap:anywhere}.x{background:#f3f3f3;border-left:4px solid #888;padding:.3em .6em;font-style:italic}
.x.privé{border-color:#b35}.x.partijpolitiek{border-color:#35b}.p{background:#eee;font-style:italic}.warn{background:#fff3cd;padding:.5em}
@media print{body{margin:0}a{color:inherit;text-decoration:none}}`;

/** The participants as chat.html lists them (`verify` counts the line as shown content, see leaks.ts). */
export function participantsLine(ps: readonly { name: string; custodian: boolean }[]): string {
  return ps.map((p) => p.name + (p.custodian ? ' (bewindspersoon)' : '')).join(', ');
}

export class ChatHtmlWriter {
  constructor(private readonly file: HashingFile, h: ChatHeader, set: 'ruw' | 'geschoond') {
    const period = `${h.beginDate ?? '–'} – ${h.endDate ?? '–'}`;
    const people = esc(participantsLine(h.participants));
    const L = HTML_LABELS;
    file.write(
      `<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">` +
        `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
        `<title>${esc(h.title)}</title><style>${STYLE}</style></head><body>\n` +
        `<header><h1>${esc(h.title)}</h1><p>${esc(set === 'ruw' ? L.ruw : L.geschoond)}</p><dl>` +
        `<dt>${L.custodian}</dt><dd>${esc(h.custodian.name)}, ${esc(h.custodian.function)}</dd>` +
        `<dt>${L.participants}</dt><dd>${people}</dd><dt>${L.period}</dt><dd>${esc(period)}</dd>` +
        `<dt>${L.count}</dt><dd>${h.messageCount}</dd><dt>${L.application}</dt><dd>${esc(h.application)}</dd>` +
        `<dt>${L.exported}</dt><dd>${esc(h.exportedAt)}</dd></dl>` +
        (h.allowUnreviewed ? `<p class="warn">${L.unreviewed}</p>` : '') +
        (h.alreadyDelivered ? `<p class="warn">${L.vervolg} ${h.alreadyDelivered}</p>` : '') +
        `</header>\n<main><ol>\n`,
    );
  }

  private meta(id: string, at: string, localTime: string, sender: string | null, extra: string[]): string {
    return `<li class="m" id="${id}"><div class="meta"><time datetime="${esc(at)}">${esc(localTime)}</time> · ${sender === null ? HTML_LABELS.system : esc(sender)}` +
      `${extra.length ? ` · ${extra.join(' · ')}` : ''}</div>`;
  }

  /** A slot of the geschoonde set. */
  slot(s: Slot, fileOf: (ordinal: number) => string | null): void {
    const L = HTML_LABELS;
    if (s.type === 'conversation-marker') {
      this.file.write(`<li class="m"><div class="x ${s.category}">${L.markerConversation}: ${esc(s.label)} (${esc(s.from ?? '–')} – ${esc(s.to ?? '–')})</div></li>\n`);
      return;
    }
    if (s.type === 'marker') {
      const stubs = s.attachments.map(() => `<div class="x ${s.category}">${L.withheldAttachment} (${s.category})</div>`).join('');
      this.file.write(`${this.meta(`m-${s.id}`, s.sentAt, s.localTime, s.sender, [esc(s.kind)])}<div class="x ${s.category}">${esc(s.label)}</div>${stubs}</li>\n`);
      return;
    }
    let text = '';
    let at = 0;
    for (const p of s.passages) {
      text += esc(s.text.slice(at, p.start)) + `<span class="p">${esc(s.text.slice(p.start, p.end))}</span>`;
      at = p.end;
    }
    text += esc(s.text.slice(at));
    const atts = s.attachments.map((a) => this.attachment(a.name, fileOf(a.ordinal), a.missing)).join('');
    this.file.write(`${this.meta(`m-${s.id}`, s.sentAt, s.localTime, s.sender, flags(s))}<div class="t">${text}</div>${atts}</li>\n`);
  }

  /** A message of the ruwe dataset, as stored, with every version of an edited message (the evidence of the edits). */
  raw(m: MessageJson, fileOf: (ordinal: number) => string | null): void {
    const atts = m.attachments.map((a, i) => this.attachment(a.name, fileOf(i), a.missing)).join('');
    this.file.write(`${this.meta(`m-${m.id}`, m.sentAt, m.localTime, m.sender, flags({ ...m, deletedBy: m.deletedBy ?? null }))}<div class="t">${esc(m.text)}</div>${versionList(m)}${atts}</li>\n`);
  }

  private attachment(name: string, file: string | null, missing: boolean): string {
    const label = `${HTML_LABELS.attachment}: ${esc(name)}`;
    if (file) return `<div><a href="${esc(file)}">${label}</a></div>`;
    return `<div>${label}${missing ? ` (${HTML_LABELS.attachmentMissing})` : ''}</div>`;
  }

  close(): HashingFile {
    this.file.write(`</ol></main>\n<footer><p>${esc(HTML_LABELS.footer)}</p></footer></body></html>\n`);
    return this.file;
  }
}

/** The versions of an edited message (ruwe dataset only), or '' when it has one version. */
function versionList(m: MessageJson): string {
  if (!m.extra) return '';
  const { versions, textIndex } = storedVersions(m.text, m.edited, m.sentAt, m.extra);
  if (versions.length < 2) return '';
  const L = HTML_LABELS;
  const items = versions.map((v, i) => {
    const note = i === textIndex ? ` (${L.versionCurrent})` : i > textIndex ? ` (${L.versionHeld})` : '';
    const at = v.at === null ? L.versionUnknownTime : `<time datetime="${esc(v.at)}">${esc(v.at)}</time>`;
    return `<li><span class="meta">${at}${note}</span><div class="t">${esc(v.text)}</div></li>`;
  });
  return `<details class="v"><summary>${L.versions} (${versions.length})</summary><ol>${items.join('')}</ol></details>`;
}

function flags(m: { kind: string; edited: boolean; viewOnce: boolean; deletedBy: string | null }): string[] {
  const out: string[] = [];
  if (m.kind !== 'text') out.push(esc(m.kind));
  if (m.edited) out.push(HTML_LABELS.edited);
  if (m.viewOnce) out.push(HTML_LABELS.viewOnce);
  if (m.kind === 'deleted' || m.deletedBy) out.push(HTML_LABELS.deleted);
  return out;
}
