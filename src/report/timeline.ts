/**
 * The timeline of one custodian as inline SVG: the term as a bar, per channel the secured periods (green), gaps (red),
 * short gaps (amber) and not-applicable periods (hatched); a tick per veiligstelling and a marker per day with findings.
 * Every text is escaped; the SVG references nothing outside itself.
 */
import { DateTime } from 'luxon';
import { channelLabel, type CustodianCoverage, type Period } from './coverage.js';
import type { Finding, FindingGroup } from './findings.js';
import { dayEnd, dayStart, instant } from './intervals.js';
import { esc, fmtDate } from './html-util.js';

const W = 960;
const LABEL_W = 120;
const RIGHT = 16;
const ROW_H = 22;
const BAR_H = 14;
const AXIS_H = 26;

export const COLORS = {
  term: '#90a4ae',
  secured: '#2e7d32',
  gap: '#c62828',
  short: '#f9a825',
  na: '#9e9e9e',
  tick: '#1a237e',
  asOf: '#6a1b9a',
  finding: { instructie: '#c62828', verlies: '#ef6c00', tijd: '#5e35b1' } as Record<FindingGroup, string>,
};

interface Span { from: number; to: number }

const spanOf = (p: Period): Span => ({ from: instant(p.from)!, to: instant(p.to)! });

export function timelineSvg(
  c: CustodianCoverage,
  cols: readonly { index: number; label: string }[],
  findings: readonly Finding[],
  asOf: string,
  idx: number,
): string {
  const tz = c.custodian.tz;
  const termStart = dayStart(c.custodian.termFrom, tz);
  const asOfEnd = dayEnd(asOf, tz);
  // An open term is drawn up to the as-of date (and at least one day, for a term that starts after it).
  const termEnd = c.custodian.termTo ? dayEnd(c.custodian.termTo, tz) : Math.max(asOfEnd, dayEnd(c.custodian.termFrom, tz));
  const channels = cols
    .map((col) => ({ ...c.channels[col.index]!, label: col.label }))
    .filter((ch) => ch.assessed || ch.secured.length || ch.notApplicable.length || ch.notSecured.length);
  const all: Span[] = [{ from: termStart, to: termEnd }];
  for (const ch of channels) for (const p of [...ch.secured, ...ch.gaps, ...ch.notApplicable]) all.push(spanOf(p));
  for (const v of c.veiligstellingen) if (v.readoutAt) all.push({ from: instant(v.readoutAt)!, to: instant(v.readoutAt)! });
  let d0 = Math.min(...all.map((s) => s.from));
  let d1 = Math.max(...all.map((s) => s.to));
  const pad = Math.max((d1 - d0) * 0.015, 86_400_000);
  d0 -= pad;
  d1 += pad;
  const x = (ms: number) => LABEL_W + ((ms - d0) / (d1 - d0)) * (W - LABEL_W - RIGHT);
  const rect = (s: Span, y: number, fill: string, title: string, cls: string) =>
    `<rect class="${cls}" x="${x(s.from).toFixed(1)}" y="${y}" width="${Math.max(x(s.to) - x(s.from), 1.5).toFixed(1)}" height="${BAR_H}" fill="${fill}"><title>${esc(title)}</title></rect>`;
  const label = (text: string, y: number) => `<text x="${LABEL_W - 8}" y="${y + BAR_H - 3}" text-anchor="end" class="lbl">${esc(text)}</text>`;

  const rows: string[] = [];
  let y = 6;
  rows.push(label('Aanstelling', y), rect({ from: termStart, to: termEnd }, y, COLORS.term, `Aanstelling ${fmtDate(c.custodian.termFrom)} – ${c.custodian.termTo ? fmtDate(c.custodian.termTo) : 'heden'}`, 'term'));
  y += ROW_H;
  for (const ch of channels) {
    rows.push(label(ch.label, y));
    rows.push(`<rect x="${x(termStart).toFixed(1)}" y="${y}" width="${Math.max(x(termEnd) - x(termStart), 0).toFixed(1)}" height="${BAR_H}" fill="#eceff1"/>`);
    for (const p of ch.notApplicable) rows.push(rect(spanOf(p), y, `url(#hatch-${idx})`, `${ch.label}: n.v.t. ${fmtDate(p.fromDate)} – ${fmtDate(p.toDate)}`, 'na'));
    for (const p of ch.secured) rows.push(rect(spanOf(p), y, COLORS.secured, `${ch.label}: veiliggesteld ${fmtDate(p.fromDate)} t/m ${fmtDate(p.toDate)}`, 'secured'));
    for (const p of ch.shortGaps) rows.push(rect(spanOf(p), y, COLORS.short, `${ch.label}: kort hiaat ${fmtDate(p.fromDate)} t/m ${fmtDate(p.toDate)} (${p.days} d)`, 'short-gap'));
    for (const p of ch.gaps) {
      const why = p.notes?.length ? ` — ${p.notes.join('; ')}` : '';
      rows.push(rect(spanOf(p), y, COLORS.gap, `${ch.label}: hiaat ${fmtDate(p.fromDate)} t/m ${fmtDate(p.toDate)} (${p.days} dagen)${why}`, 'gap'));
    }
    y += ROW_H;
  }
  // Veiligstellingen: one tick each.
  rows.push(label('Uitlezingen', y));
  for (const v of c.veiligstellingen) {
    if (!v.readoutAt) continue;
    const tx = x(instant(v.readoutAt)!).toFixed(1);
    const platforms = v.platforms.map(channelLabel).join(', ') || 'geen berichten';
    const t = `Veiligstelling ${v.id}: uitgelezen ${fmtDate(v.readoutDate!)} (${platforms}; ${v.messageCount} ${v.messageCount === 1 ? 'bericht' : 'berichten'}; ${v.operator}${v.device ? `, ${v.device}` : ''})`;
    rows.push(`<line class="tick" x1="${tx}" x2="${tx}" y1="${y - 1}" y2="${y + BAR_H + 1}" stroke="${COLORS.tick}" stroke-width="2"><title>${esc(t)}</title></line>`);
  }
  y += ROW_H;
  // Findings: one marker per day and group, the count in its tooltip.
  if (findings.length) {
    rows.push(label('Bevindingen', y));
    const byDay = new Map<string, { ms: number; group: FindingGroup; labels: Map<string, number> }>();
    // Zone conversion is slow; every offset change falls on a whole hour, so the day is cached per hour.
    const dayOfHour = new Map<number, string>();
    for (const f of findings) {
      const ms = instant(f.at);
      if (ms === null) continue;
      const hour = Math.floor(ms / 3_600_000);
      let day = dayOfHour.get(hour);
      if (day === undefined) {
        day = DateTime.fromMillis(hour * 3_600_000, { zone: tz }).toISODate()!;
        dayOfHour.set(hour, day);
      }
      const key = `${day}|${f.group}`;
      const e = byDay.get(key) ?? { ms: dayStart(day, tz) + 43_200_000, group: f.group, labels: new Map<string, number>() };
      e.labels.set(f.label, (e.labels.get(f.label) ?? 0) + 1);
      byDay.set(key, e);
    }
    const offset: Record<FindingGroup, number> = { instructie: 2, verlies: 7, tijd: 12 };
    for (const [key, e] of byDay) {
      const t = `${fmtDate(key.split('|')[0]!)}: ${[...e.labels].map(([l, n]) => `${l} (${n})`).join(', ')}`;
      rows.push(`<circle class="finding" cx="${x(e.ms).toFixed(1)}" cy="${y + offset[e.group]}" r="3.2" fill="${COLORS.finding[e.group]}"><title>${esc(t)}</title></circle>`);
    }
    y += ROW_H;
  }
  const plotBottom = y;
  rows.push(...axis(d0, d1, x, plotBottom, tz));
  if (asOfEnd > d0 && asOfEnd < d1) {
    const ax = x(asOfEnd).toFixed(1);
    rows.push(`<line x1="${ax}" x2="${ax}" y1="2" y2="${plotBottom}" stroke="${COLORS.asOf}" stroke-dasharray="3 3"><title>${esc(`Peildatum ${fmtDate(asOf)}`)}</title></line>`);
  }
  const h = plotBottom + AXIS_H;
  const name = `Tijdlijn ${c.custodian.function} (${c.custodian.name})`;
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${esc(name)}">`,
    `<title>${esc(name)}</title>`,
    `<defs><pattern id="hatch-${idx}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.na}" stroke-width="2"/></pattern></defs>`,
    ...rows,
    '</svg>',
  ].join('\n');
}

/**
 * The time axis: day ticks for a short span (labelled every day, or every Monday), month ticks up to four years
 * (labelled when the span is about a year or less), year labels otherwise. The first label carries the year.
 */
function axis(d0: number, d1: number, x: (ms: number) => number, y: number, tz: string): string[] {
  const out = [`<line x1="${LABEL_W}" x2="${W - RIGHT}" y1="${y + 2}" y2="${y + 2}" stroke="#607d8b"/>`];
  const days = (d1 - d0) / 86_400_000;
  const end = DateTime.fromMillis(d1, { zone: tz });
  const tick = (d: DateTime, len: number, color: string) => {
    const tx = x(d.toMillis()).toFixed(1);
    out.push(`<line x1="${tx}" x2="${tx}" y1="${y + 2}" y2="${y + 2 + len}" stroke="${color}"/>`);
  };
  const text = (d: DateTime, label: string, cls: string) =>
    out.push(`<text x="${x(d.toMillis()).toFixed(1)}" y="${y + 20}" text-anchor="middle" class="${cls}">${esc(label)}</text>`);
  let first = true;
  const fmt = (d: DateTime, f: string) => {
    const label = d.setLocale('nl').toFormat(first ? `${f} yyyy` : f);
    first = false;
    return label;
  };
  if (days <= 75) {
    for (let d = DateTime.fromMillis(d0, { zone: tz }).startOf('day').plus({ days: 1 }); d < end; d = d.plus({ days: 1 })) {
      const labelled = days <= 16 || d.weekday === 1;
      tick(d, labelled ? 6 : 3, labelled ? '#37474f' : '#90a4ae');
      if (labelled) text(d, fmt(d, 'd LLL'), 'mo');
    }
    return out;
  }
  const years = days / 365.25;
  for (let m = DateTime.fromMillis(d0, { zone: tz }).startOf('month').plus({ months: 1 }); m < end; m = m.plus({ months: 1 })) {
    if (m.month === 1) {
      tick(m, 7, '#37474f');
      text(m, String(m.year), 'yr');
      first = false;
    } else if (years <= 4) {
      tick(m, 4, '#90a4ae');
      if (years <= 1.2) text(m, fmt(m, 'LLL'), 'mo');
    }
  }
  return out;
}
