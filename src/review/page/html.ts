/**
 * The review page: one HTML document whose style and script are inline under a CSP nonce. It contains no chat
 * content; everything is fetched as JSON and put into the DOM with textContent (never innerHTML), so a message such
 * as `<img src=x onerror=alert(1)>` shows as text.
 */
import { APP_CONVERSATION } from './app-conversation.js';
import { APP_CORE } from './app-core.js';
import { APP_KEYS } from './app-keys.js';
import { APP_LIST } from './app-list.js';
import { APP_MARKS } from './app-marks.js';
import { APP_PASSAGE } from './app-passage.js';
import { APP_TOOLBAR } from './app-toolbar.js';
import { STYLE } from './style.js';

/** The page's script: the parts in order, inside one function scope. */
export const APP_SCRIPT = `(function () {\n'use strict';\n${APP_CORE}\n${APP_LIST}\n${APP_CONVERSATION}\n${APP_KEYS}\n${APP_MARKS}\n${APP_PASSAGE}\n${APP_TOOLBAR}\n})();\n`;

const SHELL = `
<header class="top">
  <div class="brand">chatarchief<small>Beoordeling van markeringen</small></div>
  <div class="who"><b id="cust-name">…</b><span id="cust-func"></span></div>
  <div class="overall" id="overall" aria-live="polite"></div>
  <div class="reviewer">Beoordelaar: <b id="reviewer-name">–</b><button type="button" id="reviewer-change">wijzig</button></div>
</header>
<main>
  <aside aria-label="Gesprekken">
    <div class="filters">
      <label><span class="lbl">Categorie</span><select id="f-cat"><option value="">alle categorieën</option><option value="zakelijk">zakelijk</option><option value="privé">privé</option><option value="partijpolitiek">partijpolitiek</option></select></label>
      <label><span class="lbl">Regel</span><select id="f-rule"><option value="">alle regels</option></select></label>
      <label><input type="checkbox" id="f-open"> alleen gesprekken met open suggesties</label>
    </div>
    <div id="convs" role="listbox" aria-label="Gesprekkenlijst"></div>
  </aside>
  <section class="view" aria-label="Gesprek">
    <div class="conv-head" id="conv-head" hidden>
      <h1 id="conv-title"></h1>
      <div class="sub" id="conv-sub"></div>
      <div class="head-marks" id="head-marks"></div>
      <div class="toolbar">
        <label class="toggle"><input type="checkbox" id="preview-toggle"> voorbeeld geschoonde set</label>
        <button type="button" id="next-open" title="Volgende open suggestie of besluit waarvan de tekst daarna gewijzigd is (n)">Volgende open suggestie</button>
        <label class="toggle" title="Vraag bij bevestigen en bij het markeren van een bericht of passage om een toelichting (optioneel); die komt bij het besluit in het auditlogboek."><input type="checkbox" id="ask-reason"> toelichting vragen bij bevestigen en markeren</label>
        <span class="pos" id="pos"></span>
      </div>
      <div class="toolbar">
        <span class="tlabel">Bulk</span>
        <select id="bulk-rule" aria-label="Bulkactie voor"><option value="">alle open suggesties</option></select>
        <button type="button" id="bulk-confirm">Bevestig</button>
        <button type="button" id="bulk-reject" class="danger">Verwerp…</button>
        <select id="bulk-cat" aria-label="Wijzig categorie naar"><option value="">Wijzig naar…</option><option value="zakelijk">zakelijk</option><option value="privé">privé</option><option value="partijpolitiek">partijpolitiek</option></select>
        <span class="sep"></span>
        <span class="tlabel">Markeer</span>
        <button type="button" id="mark-passage" title="Een passage van het gekozen bericht markeren, zonder muis (m)">Passage…</button>
        <select id="mark-conv" aria-label="Markeer het hele gesprek"><option value="">hele gesprek als…</option><option value="zakelijk">zakelijk</option><option value="privé">privé</option><option value="partijpolitiek">partijpolitiek</option></select>
        <select id="mark-contact" aria-label="Markeer een contact (alle gesprekken met en berichten van dit contact)"><option value="">contact als…</option></select>
      </div>
    </div>
    <div class="preview-note" id="preview-note" hidden>Voorbeeld geschoonde set: zo komt dit gesprek in de export. Onbeoordeelde suggesties tellen hier als gemarkeerd, net als bij <code>export --allow-unreviewed</code>.</div>
    <div id="msgs" tabindex="-1"><div class="placeholder">Kies links een gesprek.</div></div>
  </section>
</main>
<footer>
  <span><kbd>j</kbd> <kbd>k</kbd> volgend/vorig</span>
  <span><kbd>n</kbd> volgende open</span>
  <span><kbd>z</kbd> <kbd>p</kbd> <kbd>s</kbd> zakelijk/privé/partijpolitiek (ook op geselecteerde tekst)</span>
  <span><kbd>⇧</kbd>+<kbd>z</kbd> <kbd>p</kbd> <kbd>s</kbd> hele bericht</span>
  <span><kbd>m</kbd> passage kiezen</span>
  <span><kbd>Enter</kbd> bevestigen</span>
  <span><kbd>⌫</kbd> verwerpen</span>
  <span><kbd>u</kbd> ongedaan</span>
  <span><kbd>v</kbd> voorbeeld</span>
  <span><kbd>?</kbd> hulp</span>
</footer>
<div id="toast" aria-live="assertive"></div>`;

export function renderPage(nonce: string): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>chatarchief · beoordeling</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>${SHELL}
<script nonce="${nonce}">${APP_SCRIPT}</script>
</body>
</html>
`;
}

/** Shown when the page is opened without (or with a wrong) token, or from a wrong host. */
export function renderDeniedPage(status: number): string {
  const why = status === 401
    ? 'Deze pagina vraagt het toegangstoken. Open de volledige link die <code>chatarchief review</code> in de terminal toonde.'
    : 'Dit verzoek komt niet van deze beoordelingspagina en is geweigerd.';
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Geen toegang</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 560px; margin: 80px auto; color: #1b1b1b">
<h1 style="color: #154273">Geen toegang (${status})</h1><p>${why}</p></body></html>
`;
}
