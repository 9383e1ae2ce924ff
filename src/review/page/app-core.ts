/**
 * Page script, part 1: state, the API client (token in the X-Chatarchief-Token header), DOM helpers that only ever
 * set text (textContent / createTextNode), dialogs and messages. Plain browser JavaScript kept as a string.
 */
import { DELETED_BY_NL, ERR_NL, EVENT_NL } from './texts-nl.js';

export const APP_CORE = String.raw`
var params = new URLSearchParams(location.search);
var S = {
  token: params.get('token') || '',
  reviewer: '',
  session: null,
  convs: [],
  totals: null,
  convId: null,
  conv: null,
  summary: null,
  header: [],
  total: 0,
  pageSize: 200,
  pages: new Map(),
  win: null,
  busy: false,
  cursor: -1,
  selected: null,
  preview: false,
  excluded: null,
  undo: [],
  modal: false
};
/*
 * The browser remembers the reviewer name in a cookie, as cookies are per host and not per port: chatarchief review
 * listens on a new port each run, and a new port is a new origin with an empty localStorage. The cookie is only read by
 * this script (API requests omit credentials; the server never reads it) and holds no token. localStorage keeps a copy:
 * a name stored there by an earlier version is still found, and so is the name where cookies are blocked.
 */
var REVIEWER_KEY = 'chatarchief.reviewer';
function rememberedReviewer() {
  try {
    var c = document.cookie.split('; ').find(function (x) { return x.indexOf(REVIEWER_KEY + '=') === 0; });
    var name = c ? decodeURIComponent(c.slice(REVIEWER_KEY.length + 1)) : '';
    if (name) return name;
  } catch (e) { /* no cookies, or a malformed one: try localStorage */ }
  try { return localStorage.getItem(REVIEWER_KEY) || ''; } catch (e) { return ''; }
}
function rememberReviewer(name) {
  try { document.cookie = REVIEWER_KEY + '=' + encodeURIComponent(name) + '; Path=/; Max-Age=34560000; SameSite=Strict'; } catch (e) { /* cookies blocked */ }
  try { localStorage.setItem(REVIEWER_KEY, name); } catch (e) { /* private mode: keep for this visit */ }
}

S.reviewer = rememberedReviewer();
if (S.reviewer && reviewerNameProblem(S.reviewer)) S.reviewer = ''; // (stored before names were checked: ask again)

var CATS = ['zakelijk', 'privé', 'partijpolitiek'];
var KEY_CAT = { z: 'zakelijk', p: 'privé', s: 'partijpolitiek' };
var STATUS_NL = { suggested: 'voorgesteld', confirmed: 'bevestigd', rejected: 'verworpen', changed: 'gewijzigd' };
var STATE_NL = { open: 'open', pending: 'wacht op 2e beoordelaar', decided: 'besloten', lapsed: 'vervallen' };
var ACTION_NL = { confirm: 'bevestigd', reject: 'verworpen', change: 'categorie gewijzigd', mark: 'gemarkeerd', 'second-confirm': 'tweede bevestiging', undo: 'ongedaan gemaakt' };
var LEVEL_NL = { contact: 'contact', conversation: 'gesprek', message: 'bericht', passage: 'passage' };
var ERR_NL = ${JSON.stringify(ERR_NL)};
var EVENT_NL = ${JSON.stringify(EVENT_NL)};
var DELETED_BY_NL = ${JSON.stringify(DELETED_BY_NL)};
var DID_NL = { confirm: 'bevestigd', reject: 'verworpen', change: 'gewijzigd', mark: 'gemarkeerd', 'second-confirm': 'als tweede beoordelaar bevestigd', undo: 'ongedaan gemaakt' };
var PROPOSE_NL = { confirm: 'bevestigen', reject: 'verwerpen', change: 'wijzigen', mark: 'markeren' };

/** A 409 'stale': someone decided after this page loaded. Says who decided what (the server lists the conflicts). */
function staleText(e) {
  var cs = e.conflicts || [];
  var c = cs.find(function (x) { return x.kind === 'changed' && x.now; }) || cs[0];
  var what, d = c && c.now, cat = d && d.category ? ' (' + d.category + ')' : '';
  if (!c) what = 'Dit is intussen gewijzigd';
  else if (c.kind === 'new') what = 'Er zijn intussen nieuwe suggesties bijgekomen';
  else if (c.kind === 'gone') what = 'Er zijn intussen suggesties vervallen';
  else if (!d) what = 'De besluiten hierover zijn intussen gewijzigd';
  else if (d.needsSecond) what = d.reviewer + ' heeft intussen voorgesteld dit te ' + (PROPOSE_NL[d.action] || d.action) + cat;
  else what = d.reviewer + ' heeft dit intussen ' + (DID_NL[d.action] || d.action) + cat;
  var more = cs.length - 1;
  return what + (more > 0 ? ' (en nog ' + more + (more === 1 ? ' andere wijziging' : ' andere wijzigingen') + ')' : '') +
    '; er is niets vastgelegd. Het gesprek is opnieuw geladen, kijk opnieuw.';
}

function $(id) { return document.getElementById(id); }

/** Creates an element. Children that are strings become text nodes, so chat content is never parsed as HTML. */
function el(tag, attrs, children) {
  var n = document.createElement(tag);
  if (attrs) {
    for (var k in attrs) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'className') n.className = v;
      else if (k === 'dataset') { for (var d in v) n.dataset[d] = String(v[d]); }
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), v);
      else if (k === 'text') n.textContent = String(v);
      else if (k === 'style') { for (var st in v) n.style[st] = v[st]; }
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(n, children);
  return n;
}
function append(n, children) {
  if (children === null || children === undefined) return n;
  if (!Array.isArray(children)) children = [children];
  for (var i = 0; i < children.length; i++) {
    var c = children[i];
    if (c === null || c === undefined || c === false) continue;
    n.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return n;
}
function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }

async function api(path, body) {
  var opts = { headers: { 'X-Chatarchief-Token': S.token }, credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    opts.method = 'POST';
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  var r;
  // No answer at all (server stopped, connection lost): each browser words this its own way (Chromium "Failed to
  // fetch", Safari "Load failed", Firefox "NetworkError…"), so it gets a code of its own and the page's Dutch text.
  try { r = await fetch(path, opts); } catch (e) {
    var net = new Error('network: ' + (e && e.message));
    net.code = 'network';
    throw net;
  }
  var j = {};
  try { j = await r.json(); } catch (e) { j = {}; }
  if (!r.ok) {
    var err = new Error(j.error || ('HTTP ' + r.status));
    err.code = j.code || '';
    err.status = r.status;
    err.conflicts = j.conflicts || null;
    throw err;
  }
  return j;
}

function errText(e) {
  if (e.code === 'stale') return staleText(e);
  var nl = ERR_NL[e.code];
  if (nl) return nl;
  // An answer without a known code (e.g. a proxy's error page) or no answer at all: Dutch, never the English text.
  if (e.status) return 'De server weigerde dit verzoek (HTTP ' + e.status + '); er is niets vastgelegd. Probeer het opnieuw.';
  return 'Er ging iets mis in de pagina: ' + (e.message || String(e));
}

/**
 * A short message in #toast. #toast is the one live region that announces it (assertive); the message itself has no
 * role of its own (alert or status), else a screen reader could read it twice. kind: true (or 'err') for an error,
 * 'warn' for a warning; both stay longer.
 */
function toast(msg, kind) {
  var cls = kind === 'warn' ? 'warn' : kind ? 'err' : '';
  var d = el('div', { className: cls }, msg);
  var box = $('toast');
  while (box.children.length > 1) box.firstChild.remove();
  box.appendChild(d);
  setTimeout(function () { d.remove(); }, cls === 'warn' ? 12000 : cls ? 6000 : 2500);
}

/**
 * After a decision (or a bulk action: its count of such decisions) that withholds messages an earlier geschoonde set
 * delivered: say so (package name, no content).
 */
function deliveredWarning(d) {
  if (!d || !d.deliveredInGeschoond) return;
  var g = d.deliveredInGeschoond;
  var what = g.decisions !== undefined
    ? fmtCount(g.decisions, 'besluit schermt', 'besluiten schermen') + ' berichten af die al in een geschoonde set zijn geleverd'
    : (g.messages === 1 ? 'dit bericht is' : fmtCount(g.messages, 'bericht', 'berichten') + ' hiervan zijn') + ' al geleverd in een geschoonde set';
  toast('Let op: ' + what + (g.package ? ' (' + g.package + ')' : '') +
    '. Toonde die levering de inhoud, vraag het archief dan die levering te vervangen of in te trekken; de volgende export noemt ze.', 'warn');
}

function fmtNum(n) { return Number(n || 0).toLocaleString('nl-NL'); }
/** A number with its noun in the right number: 1 bericht, 2 berichten. */
function fmtCount(n, one, many) { return fmtNum(n) + ' ' + (Number(n) === 1 ? one : many); }
function fmtTime(iso) { return iso && iso.length >= 16 ? iso.slice(11, 16) : ''; }
function fmtDay(iso) {
  if (!iso || iso.length < 10) return '';
  var y = Number(iso.slice(0, 4)), m = Number(iso.slice(5, 7)) - 1, d = Number(iso.slice(8, 10));
  return new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m, d)));
}
function fmtShortDate(iso) {
  if (!iso) return '';
  var y = Number(iso.slice(0, 4)), m = Number(iso.slice(5, 7)) - 1, d = Number(iso.slice(8, 10));
  return new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m, d)));
}
function fmtStamp(iso) { return iso ? fmtShortDate(iso) + ' ' + fmtTime(iso) : ''; }

/**
 * Shows box (a .dialog) as a modal: the page behind is inert (no focus, clicks or screen reader browsing there), Tab
 * and Shift+Tab go round the controls inside, Escape calls onCancel, Enter calls onEnter(ev) (which returns true when
 * it handled the key). Keys never reach the page's own shortcuts. Returns close(), which restores focus.
 */
function modal(box, onCancel, onEnter) {
  S.modal = true;
  var prev = document.activeElement;
  var behind = Array.from(document.querySelectorAll('body > header, body > main, body > footer')).filter(function (n) { return !n.inert; });
  behind.forEach(function (n) { n.inert = true; });
  function onKey(ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); onCancel(); }
    else if (ev.key === 'Enter' && !ev.shiftKey && onEnter(ev)) { ev.preventDefault(); ev.stopPropagation(); }
    else if (ev.key === 'Tab') { ev.preventDefault(); ev.stopPropagation(); cycleFocus(box, ev.shiftKey ? -1 : 1); }
    else ev.stopPropagation();
  }
  var overlay = el('div', { className: 'overlay' }, box);
  document.body.appendChild(overlay);
  document.addEventListener('keydown', onKey, true);
  return function close() {
    S.modal = false;
    behind.forEach(function (n) { n.inert = false; });
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    if (prev && prev.focus) prev.focus();
  };
}

/** A visible label for a control (its accessible name). */
var labelSeq = 0;
function labelled(text, control) {
  control.id = control.id || 'fld-' + (++labelSeq);
  return el('label', { className: 'fld', for: control.id }, text);
}

/**
 * A modal dialog. opts: title, text, input ('textarea' | 'text' | null), label (the field's visible label; without
 * it the title names the field), value, quick (suggested texts), ok, required. Resolves with the entered text ('' without
 * input), or null when cancelled.
 */
function dialog(opts) {
  return new Promise(function (resolve) {
    var field = null;
    var name = opts.label ? null : opts.title;
    if (opts.input === 'textarea') field = el('textarea', { 'aria-label': name });
    else if (opts.input === 'text') field = el('input', { type: 'text', 'aria-label': name, autocomplete: 'name' });
    if (field && opts.value) field.value = opts.value;
    var err = el('div', { className: 'err', role: 'alert' });
    var quick = opts.quick && field ? el('div', { className: 'quick' }, opts.quick.map(function (q) {
      return el('button', { type: 'button', onclick: function () { field.value = q; field.focus(); } }, q);
    })) : null;
    var close;
    function done(v) { close(); resolve(v); }
    function ok() {
      var v = field ? field.value.trim() : '';
      if (opts.required && !v) { err.textContent = 'Dit veld is verplicht.'; if (field) field.focus(); return; }
      done(v);
    }
    var okBtn = el('button', { type: 'button', className: 'primary', onclick: ok }, opts.ok || 'Opslaan');
    var box = el('div', { className: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': opts.title }, [
      el('h2', null, opts.title),
      opts.text ? el('p', null, opts.text) : null,
      field && opts.label ? labelled(opts.label, field) : null,
      field, quick, err,
      el('div', { className: 'btns' }, [
        opts.noCancel ? null : el('button', { type: 'button', onclick: function () { done(null); } }, 'Annuleren'),
        okBtn
      ])
    ]);
    close = modal(box, function () { done(null); }, function (ev) {
      if (field && ev.target !== field && ev.target !== okBtn) return false;
      ok();
      return true;
    });
    (field || okBtn).focus();
  });
}

/** Moves focus to the next (dir 1) or previous (dir -1) control inside box, round to the other end. */
function cycleFocus(box, dir) {
  var items = Array.from(box.querySelectorAll('button, textarea, input, select')).filter(function (n) { return !n.disabled; });
  if (!items.length) return;
  var i = items.indexOf(document.activeElement);
  items[i < 0 ? 0 : (i + dir + items.length) % items.length].focus();
}

/**
 * Why the server would refuse this reviewer name (the same rule as reviewerNameProblem in src/review/state.ts), in
 * Dutch, or null: an invisible character, a letter of another script or another digit could make one person's name
 * look like another's.
 */
function reviewerNameProblem(name) {
  for (var c of name.normalize('NFKC')) {
    if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800\u3164\uFFA0]/u.test(c)) return 'Deze naam bevat een onzichtbaar teken. Typ de naam opnieuw.';
    if (/\p{L}/u.test(c) && !/[\p{Script=Latin}\p{Script=Common}]/u.test(c)) return 'Deze naam bevat een letter uit een ander schrift dan het Latijnse (' + c + '). Typ de naam in Latijnse letters.';
    if (/\p{N}/u.test(c) && !/[0-9]/.test(c)) return 'Deze naam bevat een ander cijfer dan 0-9 (' + c + ').';
  }
  return null;
}

async function askReviewer(force) {
  if (S.reviewer && !force) return S.reviewer;
  var text = 'Uw naam komt bij elk besluit in het auditlogboek. Deze browser onthoudt hem.';
  var value = S.reviewer;
  for (;;) {
    var name = await dialog({ title: 'Wie beoordeelt?', input: 'text', value: value, required: true, ok: 'Doorgaan', noCancel: !S.reviewer, text: text });
    if (!name) break;
    var clean = name.replace(/\s+/g, ' ').trim();
    var problem = reviewerNameProblem(clean);
    if (!problem) {
      S.reviewer = clean;
      rememberReviewer(clean);
      break;
    }
    text = problem;
    value = clean;
  }
  $('reviewer-name').textContent = S.reviewer || '–';
  return S.reviewer;
}

var QUICK_REASONS = {
  'privé': ['Familie of gezondheid', 'Persoonlijke afspraak', 'Privéfinanciën'],
  partijpolitiek: ['Partijoverleg', 'Campagne of verkiezingen', 'Partijfunctie'],
  zakelijk: ['Overleg over beleid', 'Ambtelijke afstemming', 'Zakelijk contact']
};

/** Suggested reasons for rejecting a suggestion of category cat (null: of mixed categories, as in a bulk). */
function rejectReasons(cat) {
  return (cat === 'zakelijk' ? [] : ['Zakelijke inhoud']).concat([cat ? 'Term hier niet ' + cat + ' bedoeld' : 'Term hier anders bedoeld', 'Onjuiste treffer van de regel']);
}

/**
 * An optional toelichting: stored as the decision's reason, the field that review decide|mark --reason fills. Resolves
 * with null when cancelled, else { reason }: the text, or null for none (so a refusal 'reason-required' still asks).
 */
async function askNote(title, text, cat, ok) {
  var v = await dialog({ title: title, text: text, input: 'textarea', label: 'Toelichting (optioneel)', quick: QUICK_REASONS[cat] || null, ok: ok || 'Vastleggen' });
  return v === null ? null : { reason: v || null };
}

/** Whether the reviewer wants to be asked for a toelichting where none is required ("toelichting vragen"). */
function wantsNote() { return $('ask-reason').checked; }

/** quick: a category (its suggested reasons) or a list of suggested reasons. */
async function askReason(title, text, quick) {
  return dialog({ title: title, text: text, input: 'textarea', required: true, quick: Array.isArray(quick) ? quick : QUICK_REASONS[quick] || null, ok: 'Vastleggen' });
}
`;
