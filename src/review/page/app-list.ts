/** Page script, part 2: the conversation list with progress and filters (category, rule, open only). */
export const APP_LIST = String.raw`
var PLATFORM_NL = { whatsapp: 'WhatsApp', signal: 'Signal', sms: 'SMS' };

function renderOverall() {
  var t = S.totals;
  if (!t) return;
  var done = t.decided, total = t.total || 0;
  var pct = function (n) { return total ? (100 * n / total).toFixed(2) + '%' : '0%'; };
  clear($('overall'));
  append($('overall'), [
    el('div', null, fmtNum(t.open) + ' open · ' + fmtNum(t.pending) + ' wacht op 2e beoordelaar · ' + fmtNum(done) + ' van ' + fmtNum(total) + ' besloten'
      + (S.textChanged ? ' · ' + fmtNum(S.textChanged) + ' tekst gewijzigd na besluit' : '')),
    el('div', { className: 'bar', title: 'voortgang' }, [el('i', { className: 'd', style: { width: pct(done) } }), el('i', { className: 'p', style: { width: pct(t.pending) } })])
  ]);
}

function passesFilters(c) {
  var cat = $('f-cat').value, rule = $('f-rule').value, open = $('f-open').checked;
  if (cat && !(c.categories[cat] > 0)) return false;
  if (rule && c.rules.indexOf(rule) < 0) return false;
  if (open && !(c.counts.open > 0 || c.textChanged > 0)) return false;
  return true;
}

function renderConvList() {
  var box = clear($('convs'));
  var shown = S.convs.filter(passesFilters);
  if (!S.convs.length) {
    // Nothing ingested for this custodian yet: no filter hides anything, and there is nothing to review.
    box.appendChild(el('div', { className: 'empty' }, 'Er zijn nog geen gesprekken van deze bewindspersoon. Lees eerst exports in (chatarchief ingest) en laad daarna de pagina opnieuw.'));
    return;
  }
  if (!shown.length) { box.appendChild(el('div', { className: 'empty' }, 'Geen gesprekken voor dit filter.')); return; }
  // One tab stop for the whole list (the open conversation, else the first); the arrow keys move within it.
  var stop = shown.some(function (c) { return c.id === S.convId; }) ? S.convId : shown[0].id;
  shown.forEach(function (c) {
    var n = c.counts;
    var item = el('div', {
      className: 'conv' + (c.id === S.convId ? ' active' : ''), role: 'option', tabindex: c.id === stop ? '0' : '-1', 'aria-selected': c.id === S.convId ? 'true' : 'false',
      dataset: { cid: c.id },
      onclick: function () { openConversation(c.id); },
      onkeydown: function (ev) { convListKey(ev, c.id); }
    }, [
      el('div', { className: 't' }, [el('span', { className: 'title' }, c.title || '(zonder titel)'), el('span', { className: 'plat' }, PLATFORM_NL[c.platform] || c.platform), c.isGroup ? el('span', { className: 'plat' }, 'groep') : null]),
      el('div', { className: 'meta' }, fmtCount(c.messageCount, 'bericht', 'berichten') + ' · ' + fmtShortDate(c.firstAt) + ' – ' + fmtShortDate(c.lastAt)),
      el('div', { className: 'counts' }, [
        el('span', { className: n.open ? 'count-open' : '' }, fmtNum(n.open) + ' open'),
        n.pending ? el('span', { className: 'count-pending' }, fmtNum(n.pending) + ' wacht') : null,
        c.textChanged ? el('span', { className: 'count-text-changed', title: 'Besluiten waarvan de tekst daarna gewijzigd is: opnieuw beoordelen (n springt erheen)' }, fmtNum(c.textChanged) + ' tekst gewijzigd') : null,
        el('span', { className: 'count-done' }, fmtNum(n.decided) + ' besloten'),
        el('span', null, 'van ' + fmtNum(n.total))
      ]),
      el('div', { className: 'bar' }, [
        el('i', { className: 'd', style: { width: (n.total ? (100 * n.decided / n.total).toFixed(2) : 0) + '%' } }),
        el('i', { className: 'p', style: { width: (n.total ? (100 * n.pending / n.total).toFixed(2) : 0) + '%' } })
      ])
    ]);
    box.appendChild(item);
  });
}

/** Keys on a conversation in the list: Enter or Space opens it; arrows, Home and End move to another one. */
function convListKey(ev, id) {
  if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); openConversation(id); return; }
  rovingMove(ev, Array.from(document.querySelectorAll('#convs .conv')), false);
}

/**
 * A roving tabindex (one tab stop for a group of items): ArrowDown / ArrowUp (with sideways also ArrowRight / ArrowLeft),
 * Home and End move focus, and the tab stop, from ev.currentTarget to another item. Returns whether the key moved.
 */
function rovingMove(ev, items, sideways) {
  var i = items.indexOf(ev.currentTarget), k = ev.key;
  var to = k === 'ArrowDown' || (sideways && k === 'ArrowRight') ? i + 1 : k === 'ArrowUp' || (sideways && k === 'ArrowLeft') ? i - 1 : k === 'Home' ? 0 : k === 'End' ? items.length - 1 : null;
  if (to === null) return false;
  ev.preventDefault();
  ev.stopPropagation();
  var next = items[Math.max(0, Math.min(items.length - 1, to))];
  items.forEach(function (x) { x.tabIndex = x === next ? 0 : -1; });
  next.focus();
  return true;
}

async function loadConversations() {
  var r = await api('/api/conversations');
  S.convs = r.conversations;
  S.totals = r.totals;
  S.textChanged = r.textChanged || 0;
  S.summary = S.convs.find(function (c) { return c.id === S.convId; }) || null;
  renderOverall();
  renderConvList();
}

var refreshTimer = null;
function refreshCountsSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(function () { loadConversations().catch(function (e) { toast(errText(e), true); }); }, 300);
}

['f-cat', 'f-rule', 'f-open'].forEach(function (id) { $(id).addEventListener('change', renderConvList); });
`;
