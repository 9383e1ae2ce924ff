/**
 * The HTML rapport: one self-contained, printable page in Dutch (no scripts, no outside resources: a Content Security
 * Policy forbids them). Every value from the store is escaped.
 */
import { VERSION } from '../version.js';
import type { FindingsReport, FullReport } from './build.js';
import { channelLabel, displayColumns, type CoverageReport, type CustodianCoverage, type Period } from './coverage.js';
import { GROUP_LABELS, countFindings, type Finding } from './findings.js';
import { esc, fmtDate, fmtInstant } from './html-util.js';
import { securedText } from './render-text.js';
import { VERDICT_LABELS, type StatusReport } from './status.js';
import { COLORS, timelineSvg } from './timeline.js';

/** Findings listed per custodian in the page; the rest are counted (the CSV has them all). */
export const FINDINGS_SHOWN = 200;

const CSS = `
:root { --ink:#1c2731; --muted:#5b6b78; --line:#d5dde3; --ok:${COLORS.secured}; --bad:${COLORS.gap}; --warn:${COLORS.short}; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px 32px 48px; max-width: 1240px; background: #fff; }
header { border-bottom: 3px solid #154273; padding-bottom: 10px; margin-bottom: 18px; }
.kicker { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #154273; font-weight: 600; margin: 0; }
h1 { font-size: 24px; margin: 4px 0 6px; color: #154273; }
h2 { font-size: 19px; margin: 30px 0 10px; color: #154273; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 2px; }
.meta { color: var(--muted); margin: 0; font-size: 13px; }
nav ol { margin: 6px 0 0; padding-left: 20px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef3f7; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafcfd; }
td.num { text-align: right; white-space: nowrap; }
td.nowrap, th.nowrap { white-space: nowrap; }
td.wrap { overflow-wrap: anywhere; }
table.coverage td:first-child { min-width: 190px; }
.gap { color: var(--bad); font-weight: 600; }
.none { color: var(--bad); }
.na { color: var(--muted); }
.ok { color: var(--ok); }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.b-ja { background: #e3f1e4; color: #1b5e20; } .b-nee { background: #fbe3e3; color: #8e1c1c; }
.b-deels { background: #fff3d6; color: #7a5200; } .b-onbekend { background: #eceff1; color: #455a64; }
.b-overdue { background: #fbe3e3; color: #8e1c1c; } .b-current { background: #e3f1e4; color: #1b5e20; }
article.bwp { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin: 14px 0; break-inside: avoid; page-break-inside: avoid; }
article.bwp .facts { color: var(--muted); margin: 0 0 6px; font-size: 13px; }
svg.timeline { display: block; margin: 6px 0; }
svg .lbl { font-size: 11px; fill: #37474f; } svg .yr { font-size: 11px; fill: #37474f; font-weight: 600; } svg .mo { font-size: 9px; fill: #78909c; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); margin: 2px 0 6px; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.legend i.dot { width: 8px; height: 8px; border-radius: 50%; }
.counts { margin: 4px 0; font-size: 13px; }
.counts { display: flex; flex-wrap: wrap; gap: 2px 16px; }
.counts span { white-space: nowrap; }
.note { color: var(--muted); font-size: 12px; }
.dept { break-inside: avoid; page-break-inside: avoid; margin-top: 22px; }
.empty { color: var(--muted); font-style: italic; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { padding: 0; max-width: none; font-size: 11px; } nav { display: none; } h2 { break-after: avoid; } a { color: inherit; text-decoration: none; } }
`;

export function page(title: string, meta: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="nl">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><p class="kicker">Departementaal vertrouwelijk</p><h1>${esc(title)}</h1><p class="meta">${meta}</p></header>`,
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const badge = (cls: string, text: string) => `<span class="badge b-${cls}">${esc(text)}</span>`;

const dutchPeriod = (p: Period): string => (p.fromDate === p.toDate ? fmtDate(p.fromDate) : `${fmtDate(p.fromDate)} t/m ${fmtDate(p.toDate)}`);

function channelCell(c: CustodianCoverage, i: number): string {
  const ch = c.channels[i]!;
  const text = ch.secured.length ? ch.secured.map((p) => esc(dutchPeriod(p))).join('<br>') : esc(securedText(ch));
  const cls = ch.secured.length ? '' : securedText(ch) === 'niet veiliggesteld' ? 'none' : 'na';
  const gaps = ch.gaps.map((g) => `<div class="gap">hiaat ${esc(dutchPeriod(g))}</div>`).join('');
  return `<td class="${cls}">${text}${gaps}</td>`;
}

function overdueCell(c: CustodianCoverage): string {
  if (!c.termStarted) return '<td class="na">n.v.t.</td>';
  return c.overdue ? `<td>${badge('overdue', `ja, ${c.unsecuredDays} dagen`)}</td>` : `<td>${badge('current', 'nee')}</td>`;
}

export function coverageTableHtml(r: CoverageReport): string {
  if (!r.custodians.length) return '<p class="empty">Nog geen bewindspersonen.</p>';
  const cols = displayColumns(r);
  const heads = cols.map((col) => `<th>Veiliggestelde ${esc(col.label.replace(/^(Chat|E-mail|Sociale media)/, (w) => w.toLowerCase()))}</th>`).join('');
  const rows = r.custodians.map((c) => {
    const cells = cols.map((col) => channelCell(c, col.index)).join('');
    return `<tr><td><a href="#bwp-${esc(c.custodian.id)}">${esc(c.custodian.function)}</a><br><span class="note">${esc(c.custodian.name)}</span></td>` +
      `<td class="nowrap">${esc(fmtDate(c.custodian.termFrom))}</td><td class="nowrap">${c.custodian.termTo ? esc(fmtDate(c.custodian.termTo)) : '<span class="na">heden</span>'}</td>` +
      `${cells}<td class="num">${c.daysSinceLast ?? '<span class="none">nooit</span>'}</td>${overdueCell(c)}<td class="wrap">${c.notes.map(esc).join('<br>')}</td></tr>`;
  });
  return `<table class="coverage"><thead><tr><th>Functie</th><th class="nowrap">Aanstelling van</th><th class="nowrap">Aanstelling tot</th>${heads}` +
    `<th>Dagen sinds laatste</th><th>Achterstallig</th><th>Opmerkingen</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function legend(): string {
  const item = (color: string, text: string, dot = false) => `<span><i class="${dot ? 'dot' : ''}" style="background:${color}"></i>${esc(text)}</span>`;
  return `<div class="legend">${[
    item(COLORS.term, 'aanstelling'), item(COLORS.secured, 'veiliggesteld'), item(COLORS.gap, 'hiaat'), item(COLORS.short, 'kort hiaat (binnen marge)'),
    item(COLORS.na, 'niet van toepassing'), item(COLORS.tick, 'uitlezing (veiligstelling)'),
    item(COLORS.finding.instructie, GROUP_LABELS.instructie.toLowerCase(), true), item(COLORS.finding.verlies, GROUP_LABELS.verlies.toLowerCase(), true),
    item(COLORS.finding.tijd, GROUP_LABELS.tijd.toLowerCase(), true),
  ].join('')}</div>`;
}

export function findingsTableHtml(findings: readonly Finding[], tz: string): string {
  if (!findings.length) return '<p class="empty">Geen bevindingen.</p>';
  const counts = countFindings(findings)
    .map((c) => `<span><b style="color:${COLORS.finding[c.group]}">●</b> ${esc(c.label)}: <b>${c.count}</b></span>`)
    .join(' ');
  const rows = findings.slice(0, FINDINGS_SHOWN).map(
    (f) =>
      `<tr><td class="nowrap">${esc(f.at ? fmtInstant(f.at, tz) : '')}</td><td>${esc(f.label)}</td><td>${esc(f.conversation ?? '')}` +
      `<span class="note"> ${esc(channelLabel(f.platform))}</span></td><td class="wrap">${esc(f.person ?? '')}</td><td class="wrap">${esc(f.detail)}</td></tr>`,
  );
  const more = findings.length > FINDINGS_SHOWN
    ? `<p class="note">Eerste ${FINDINGS_SHOWN} van ${findings.length} bevindingen getoond; de volledige lijst: <code>chatarchief report findings --format csv</code>.</p>`
    : '';
  return `<p class="counts">${counts}</p><table class="findings"><thead><tr><th>Tijd</th><th>Bevinding</th><th>Gesprek</th><th>Persoon</th><th>Toelichting</th></tr></thead>` +
    `<tbody>${rows.join('\n')}</tbody></table>${more}`;
}

function custodianArticle(c: CustodianCoverage, cols: ReturnType<typeof displayColumns>, findings: readonly Finding[], asOf: string, idx: number): string {
  const last = c.lastSecuredDate ? `veiliggesteld t/m ${esc(fmtDate(c.lastSecuredDate))} (${c.daysSinceLast} dagen geleden)` : 'nog nooit veiliggesteld';
  const gaps = cols.flatMap((col) => c.channels[col.index]!.gaps.map((g) => `<li><b>${esc(col.label)}</b>: ${esc(fmtDate(g.fromDate))} t/m ${esc(fmtDate(g.toDate))} (${g.days} dagen)${g.notes?.length ? ` — ${esc(g.notes.join('; '))}` : ''}</li>`));
  return `<article class="bwp" id="bwp-${esc(c.custodian.id)}">
<h3>${esc(c.custodian.function)} — ${esc(c.custodian.name)}</h3>
<p class="facts">${esc(c.custodian.department)} · aanstelling ${esc(fmtDate(c.custodian.termFrom))} – ${c.custodian.termTo ? esc(fmtDate(c.custodian.termTo)) : 'heden'} · ${c.veiligstellingen.length} veiligstelling(en) · ${last}${c.overdue ? ` · ${badge('overdue', 'achterstallig')}` : ''}</p>
${timelineSvg(c, cols, findings, asOf, idx)}
${gaps.length ? `<p><b class="gap">Hiaten</b></p><ul>${gaps.join('')}</ul>` : '<p class="ok">Geen hiaten binnen de aanstelling.</p>'}
${c.notes.length ? `<p class="note">Opmerkingen: ${c.notes.map(esc).join('; ')}</p>` : ''}
<h4>Bevindingen</h4>
${findingsTableHtml(findings, c.custodian.tz)}
</article>`;
}

export function statusHtml(r: StatusReport): string {
  if (!r.departments.length) return '<p class="empty">Nog geen bewindspersonen.</p>';
  return r.departments
    .map(
      (d) => `<div class="dept"><h3>${esc(d.department)}</h3><p class="facts">${d.custodians.map((c) => `${esc(c.function)} (${esc(c.name)})`).join(' · ')}</p>
<table class="status"><thead><tr><th style="width:38%"></th><th style="width:9%">Status</th><th>Toelichting</th></tr></thead><tbody>
${d.rows.map((row) => `<tr data-key="${esc(row.key)}"><td>${esc(row.label)}</td><td>${badge(row.value, VERDICT_LABELS[row.value])}</td><td>${esc(row.text)}</td></tr>`).join('\n')}
</tbody></table></div>`,
    )
    .join('\n');
}

function metaLine(r: CoverageReport): string {
  return `Peildatum ${esc(fmtDate(r.asOf))} · norm: uitlezen ten minste elke ${r.maxIntervalDays} dagen · hiaten korter dan ${r.toleranceDays} dagen niet meegeteld · gemaakt met chatarchief ${esc(VERSION)}`;
}

/** The full rapport: coverage table, a timeline and findings per custodian, and the status per department. */
export function fullReportHtml(r: FullReport): string {
  const byCustodian = new Map<string, Finding[]>();
  for (const f of r.findings.findings) {
    const list = byCustodian.get(f.custodianId);
    if (list) list.push(f);
    else byCustodian.set(f.custodianId, [f]);
  }
  const cols = displayColumns(r.coverage);
  const articles = r.coverage.custodians.map((c, i) => custodianArticle(c, cols, byCustodian.get(c.custodian.id) ?? [], r.coverage.asOf, i));
  const body = `<nav><ol><li><a href="#dekking">Veiligstelling per bewindspersoon</a></li><li><a href="#tijdlijnen">Tijdlijnen en bevindingen</a></li><li><a href="#departementen">Beeld per departement</a></li></ol></nav>
<section id="dekking"><h2>1 Veiligstelling chats, e-mail en sociale media</h2>
<p class="note">Per kanaal de veiliggestelde periode(n): van het eerste bericht tot het moment van uitlezen, samengevoegd over alle veiligstellingen, plus handmatig vastgelegde kanalen. Hiaten zijn delen van de aanstelling zonder veiliggestelde periode.</p>
${coverageTableHtml(r.coverage)}</section>
<section id="tijdlijnen"><h2>2 Tijdlijnen en bevindingen per bewindspersoon</h2>${legend()}
${articles.join('\n') || '<p class="empty">Nog geen bewindspersonen.</p>'}</section>
<section id="departementen"><h2>3 Beeld per departement</h2>
<p class="note">De vijf onderdelen van de uitvraag, berekend uit de gegevens. Frequentie: tussenpozen tussen uitlezingen vanaf het begin van de aanstelling (norm ${r.status.maxIntervalDays} dagen).</p>
${statusHtml(r.status)}</section>`;
  return page('Rapport veiligstelling zakelijke informatie bewindspersonen', metaLine(r.coverage), body);
}

export function findingsReportHtml(r: FindingsReport): string {
  const sections = r.custodians.map((c) => {
    const mine = r.findings.filter((f) => f.custodianId === c.id);
    return `<article class="bwp"><h3>${esc(c.function)} — ${esc(c.name)}</h3><p class="facts">${esc(c.department)}</p>${findingsTableHtml(mine, c.tz)}</article>`;
  });
  const total = r.counts.map((c) => `${esc(c.label)}: ${c.count}`).join(' · ') || 'geen';
  return page('Bevindingen veiligstelling chatberichten', `Totaal: ${total} · chatarchief ${esc(VERSION)}`, sections.join('\n') || '<p class="empty">Nog geen bewindspersonen.</p>');
}

export function statusReportHtml(r: StatusReport): string {
  return page('Beeld per departement: chatgesprekkenarchivering', `Peildatum ${esc(fmtDate(r.asOf))} · chatarchief ${esc(VERSION)}`, statusHtml(r));
}

