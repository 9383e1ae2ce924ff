/**
 * Page script, part 3: the conversation view. Messages come 200 at a time; at most three pages are in the DOM and
 * pages are added and dropped while scrolling, so a conversation of 100,000 messages stays light.
 */
export const APP_CONVERSATION = String.raw`
var MAXP = 3;
S.gen = 0;

function lastPage() { return Math.max(0, Math.ceil(S.total / S.pageSize) - 1); }
function inWindow(p) { return S.win && p >= S.win.first && p <= S.win.last; }
function itemAt(i) { var pg = S.pages.get(Math.floor(i / S.pageSize)); return pg ? pg[i % S.pageSize] : null; }
function rowEl(i) { return document.querySelector('#rows [data-index="' + i + '"]'); }
function fmtSize(n) { return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(0) + ' kB' : (n / 1048576).toFixed(1) + ' MB'; }
function fmtLocal(iso) { try { return new Date(iso).toLocaleString('nl-NL', { dateStyle: 'medium', timeStyle: 'short' }); } catch (e) { return iso; } }
function contactName(id) {
  var p = S.conv && S.conv.participants.find(function (x) { return x.contactId === id; });
  return p ? (p.name || p.phone || ('contact ' + id)) : ('contact ' + id);
}

async function fetchPage(p) {
  if (S.pages.has(p)) return S.pages.get(p);
  var gen = S.gen;
  var url = '/api/conversations/' + S.convId + (S.preview ? '/preview' : '/messages') + '?offset=' + (p * S.pageSize) + '&limit=' + S.pageSize;
  var r = await api(url);
  if (gen !== S.gen) { var stale = new Error('stale'); stale.stale = true; throw stale; }
  var items = S.preview ? r.slots : r.messages;
  if (S.preview) S.excluded = r.excluded;
  S.pages.set(p, items);
  evictPages(p);
  return items;
}

/**
 * Keeps the page cache small: drops the cached pages farthest from the rendered window, but never the page just
 * fetched (a jump far away fetches a page outside the window and renders it next; it is the farthest of all).
 */
function evictPages(fetched) {
  var keep = 12;
  if (S.pages.size <= keep || !S.win) return;
  var mid = (S.win.first + S.win.last) / 2;
  var far = Array.from(S.pages.keys()).filter(function (p) { return !inWindow(p) && p !== fetched; }).sort(function (a, b) { return Math.abs(b - mid) - Math.abs(a - mid); });
  for (var i = 0; i < far.length && S.pages.size > keep; i++) S.pages.delete(far[i]);
}

function decisionLine(m) {
  if (m.awaitingSecond) {
    var a = m.awaitingSecond;
    return el('div', { className: 'dec' }, 'Voorgesteld door ' + a.reviewer + ': ' + (ACTION_NL[a.action] || a.action) + (a.category ? ' (' + a.category + ')' : '') + '. Wacht op een tweede beoordelaar.');
  }
  if (m.lastDecision) {
    var d = m.lastDecision;
    return el('div', { className: 'dec' }, (ACTION_NL[d.action] || d.action) + ' door ' + d.reviewer + ', ' + fmtLocal(d.decidedAt) + (d.reason ? ' · "' + d.reason + '"' : ''));
  }
  if (m.state === 'lapsed') return el('div', { className: 'dec' }, 'Na een regelwijziging niet meer voorgesteld.');
  return null;
}

/** A decision made on an earlier text of the message: a later export brought a newer text (n jumps to these too). */
function textChangedNote(m) {
  if (!m.textChangedSinceDecision) return null;
  return el('div', { className: 'text-changed', role: 'note' }, 'Tekst gewijzigd na dit besluit — opnieuw beoordelen'
    + (m.textChangedBySource !== null ? ' (nieuwere tekst uit bron ' + m.textChangedBySource + ')' : '')
    + (m.level === 'passage' ? '. De passage blijft op de eerdere tekst staan.' : '. Tot een nieuw besluit telt dit bericht bij de export als onbeoordeeld.'));
}

function stateLabel(m) {
  if (m.state === 'decided') return m.origin === 'manual' && m.status === 'rejected' ? 'ingetrokken' : STATUS_NL[m.status];
  return STATE_NL[m.state];
}

function actButton(label, title, fn) {
  return el('button', { type: 'button', title: title, onclick: function (ev) { ev.stopPropagation(); fn(); } }, label);
}

/** text: the text of the message the marking is on (for a passage's first words). */
function markCard(m, text) {
  var cls = 'mk cat-' + m.category + (m.status === 'rejected' ? ' rejected' : '') + (m.id === S.selected ? ' sel' : '');
  var where = m.level === 'contact' ? 'contact: ' + contactName(m.targetId) : m.level === 'passage' && m.span ? passageWhere(m, text) : m.level === 'conversation' ? 'hele gesprek' : null;
  var mine = m.lastDecision && m.lastDecision.action !== 'undo' && m.lastDecision.reviewer.toLowerCase() === S.reviewer.toLowerCase();
  // Focusable (one tab stop per group, see syncMarkStops); the label says what the card is before its content.
  var label = 'Markering ' + m.category + ', ' + stateLabel(m) + (where ? ', ' + where : '');
  return el('div', {
    className: cls, dataset: { mid: m.id }, role: 'group', 'aria-label': label, tabindex: m.id === S.selected ? '0' : '-1',
    onclick: function (ev) { ev.stopPropagation(); selectMarking(m.id); },
    onfocus: function () { onCardFocus(m.id); },
    onkeydown: markCardKey
  }, [
    el('div', { className: 'row1' }, [
      el('span', { className: 'cat ' + m.category }, m.category),
      el('span', { className: 'st ' + m.state }, stateLabel(m)),
      where ? el('span', { className: 'st' }, where) : null,
      !m.active && m.origin === 'rule' && m.state !== 'lapsed' ? el('span', { className: 'st gone', title: 'De regels doen deze suggestie niet meer; het besluit blijft staan.' }, 'suggestie vervallen') : null
    ]),
    el('div', { className: 'why' }, (m.origin === 'rule' ? 'Regel ' : '') + m.reasonText + (m.category !== m.suggestedCategory ? ' · voorgesteld: ' + m.suggestedCategory : '')),
    decisionLine(m),
    textChangedNote(m),
    el('div', { className: 'acts' }, [
      actButton('✓ Bevestig', 'Bevestigen (Enter)', function () { decideMarking(m.id, 'confirm'); }),
      actButton('✗ Verwerp', 'Verwerpen (Backspace)', function () { decideMarking(m.id, 'reject'); }),
      CATS.filter(function (c) { return c !== m.category; }).map(function (c) {
        return actButton('→ ' + c, 'Categorie wijzigen naar ' + c, function () { decideMarking(m.id, 'change', c); });
      }),
      mine ? actButton('↶ Ongedaan', 'Eigen besluit ongedaan maken (u)', function () { undoMarking(m.id, m.lastDecision.id); }) : null,
      actButton('Geschiedenis', 'Alle besluiten over deze markering', function () { showHistory(m.id); })
    ].flat())
  ]);
}

function passageMarks(m) {
  return (m.markings || []).filter(function (x) { return x.level === 'passage' && x.span && x.status !== 'rejected' && x.state !== 'lapsed'; });
}

/** Puts a message's text into node as text nodes, wrapping marked passages (UTF-16 offsets) in <mark>. */
function fillText(node, text, spans, markFor) {
  var cuts = [0, text.length];
  spans.forEach(function (s) { cuts.push(Math.max(0, Math.min(text.length, s.start)), Math.max(0, Math.min(text.length, s.end))); });
  cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
  for (var i = 0; i + 1 < cuts.length; i++) {
    var a = cuts[i], b = cuts[i + 1];
    var seg = text.slice(a, b);
    var cover = spans.filter(function (s) { return s.start <= a && s.end >= b; });
    node.appendChild(cover.length ? markFor(cover, seg) : document.createTextNode(seg));
  }
}

function messageCategory(m) {
  var own = (m.markings || []).filter(function (x) { return x.level === 'message' && x.status !== 'rejected' && x.state !== 'lapsed'; });
  return own.length ? own[0].category : null;
}

function senderEl(name, self, system) {
  return el('div', { className: 'sender' + (self ? ' self' : '') }, system ? 'Systeemmelding' : (name || 'Onbekende afzender'));
}

function msgRow(m) {
  var system = m.kind === 'system';
  var cat = messageCategory(m);
  // data-sha: the fingerprint of exactly this text; a passage marking sends it back (the server refuses a changed text).
  var text = el('div', { className: 'text', dataset: { mid: m.id, index: m.index, sha: m.textSha256 } });
  var spans = passageMarks(m).map(function (x) { return { start: x.span[0], end: x.span[1], m: x }; });
  fillText(text, m.text, spans, function (cover, seg) {
    var first = cover[0].m;
    return el('mark', {
      className: 'pas cat-' + first.category + ' st-' + first.status + (cover.some(function (c) { return c.m.id === S.selected; }) ? ' sel' : ''),
      title: 'passage: ' + cover.map(function (c) { return c.m.category + ' (M-' + c.m.id + ')'; }).join(', '),
      dataset: { mids: cover.map(function (c) { return c.m.id; }).join(',') },
      onclick: function (ev) { if (String(window.getSelection()).length) return; ev.stopPropagation(); selectMarking(first.id); }
    }, seg);
  });
  var flags = [
    m.edited ? 'bewerkt' : null, m.viewOnce ? 'eenmalig bekijken' : null,
    m.timeAmbiguous ? 'tijd dubbelzinnig (wissel zomertijd)' : null, m.timeInvalid ? 'tijd bestaat niet (wissel zomertijd)' : null,
    m.deletedBy ? 'verwijderd door ' + (DELETED_BY_NL[m.deletedBy] || 'onbekende') : m.kind === 'deleted' ? 'verwijderd bericht' : null,
    system && m.event ? 'gebeurtenis: ' + (EVENT_NL[m.event] || EVENT_NL.other) : null, m.missingIn && m.missingIn.length ? 'ontbreekt in een latere export' : null
  ].filter(Boolean);
  return el('div', {
    className: 'msg' + (system ? ' system' : '') + (m.kind === 'deleted' ? ' deleted' : '') + (cat ? ' cat-' + cat : '') + (m.index === S.cursor ? ' cursor' : ''),
    dataset: { index: m.index, id: m.id },
    onclick: function () { setCursor(m.index, true); }
  }, [
    el('div', { className: 'time', title: m.sentAt }, fmtTime(m.sentAt)),
    el('div', null, [
      senderEl(m.sender, m.fromSelf, system),
      text,
      m.attachments.length ? el('div', null, m.attachments.map(function (a) {
        return el('span', { className: 'att' + (a.missing ? ' missing' : ''), title: a.sha256 ? 'SHA-256 ' + a.sha256 : '' }, [el('b', null, 'bijlage'), a.name, a.size != null ? ' · ' + fmtSize(a.size) : '', a.mime ? ' · ' + a.mime : '', a.missing ? ' · bestand ontbreekt' : '']);
      })) : null,
      flags.length ? el('div', { className: 'flags' }, flags.join(' · ')) : null
    ]),
    el('div', { className: 'marks' }, (m.markings || []).map(function (x) { return markCard(x, m.text); }))
  ]);
}

function slotRow(s) {
  if (s.type === 'marker') {
    return el('div', { className: 'msg slot-marker' + (s.index === S.cursor ? ' cursor' : ''), dataset: { index: s.index, id: s.id }, onclick: function () { setCursor(s.index); } }, [
      el('div', { className: 'time', title: s.sentAt }, fmtTime(s.sentAt)),
      el('div', null, [senderEl(s.sender, s.fromSelf, s.kind === 'system'), el('div', { className: 'text' }, s.label),
        s.attachments.length ? el('div', { className: 'flags' }, fmtCount(s.attachments.length, 'bijlage', 'bijlagen') + ' achtergehouden (' + s.attachments[0].category + ')') : null]),
      el('div')
    ]);
  }
  var text = el('div', { className: 'text' });
  fillText(text, s.text, s.passages, function (cover, seg) { return el('span', { className: 'redacted' }, seg); });
  return el('div', { className: 'msg' + (s.kind === 'system' ? ' system' : '') + (s.index === S.cursor ? ' cursor' : ''), dataset: { index: s.index, id: s.id }, onclick: function () { setCursor(s.index); } }, [
    el('div', { className: 'time', title: s.sentAt }, fmtTime(s.sentAt)),
    el('div', null, [senderEl(s.sender, s.fromSelf, s.kind === 'system'), text,
      s.attachments.length ? el('div', null, s.attachments.map(function (a) { return el('span', { className: 'att' + (a.missing ? ' missing' : '') }, [el('b', null, 'bijlage'), a.name]); })) : null]),
    el('div')
  ]);
}

function pageDiv(p, items) {
  var div = el('div', { className: 'page', dataset: { page: p } });
  var prevPage = S.pages.get(p - 1);
  var prevDay = p > 0 && prevPage ? prevPage[prevPage.length - 1].sentAt.slice(0, 10) : null;
  items.forEach(function (it) {
    var day = it.sentAt.slice(0, 10);
    if (day !== prevDay) div.appendChild(el('div', { className: 'day' }, fmtDay(it.sentAt)));
    prevDay = day;
    div.appendChild(S.preview ? slotRow(it) : msgRow(it));
  });
  return div;
}

function renderWindow(first, last) {
  S.winGen = (S.winGen || 0) + 1;
  var box = clear($('msgs'));
  if (S.preview && S.excluded) {
    var x = S.excluded;
    box.appendChild(el('div', { className: 'conv-marker' }, [
      el('h2', null, 'Dit gesprek valt als geheel buiten de geschoonde set'),
      el('p', { className: 'text' }, x.label),
      el('p', null, 'Periode ' + fmtShortDate(x.from) + ' – ' + fmtShortDate(x.to) + ' · ' + fmtCount(x.slotCount, 'bericht', 'berichten'))
    ]));
    S.win = null;
    return;
  }
  if (!S.total) { box.appendChild(el('div', { className: 'placeholder' }, 'Dit gesprek heeft geen berichten.')); S.win = null; return; }
  var rows = el('div', { id: 'rows' });
  for (var p = first; p <= last; p++) rows.appendChild(pageDiv(p, S.pages.get(p)));
  box.appendChild(rows);
  S.win = { first: first, last: last };
  syncMarkStops();
}

async function jumpTo(index, select) {
  if (!S.total) { renderWindow(0, -1); return; }
  index = Math.max(0, Math.min(S.total - 1, index));
  var p = Math.floor(index / S.pageSize);
  if (!inWindow(p)) {
    // Only the page with the target; its neighbours follow through extend() as the view needs them.
    await fetchPage(p);
    renderWindow(p, p);
    if (!S.win) return;
    requestAnimationFrame(function () { extend(); });
  }
  if (select) await setCursor(index, false);
  else { var r = rowEl(index); if (r) r.scrollIntoView({ block: 'start' }); }
  updatePos();
}

/**
 * Keeps the row at the top of the view where it was across a DOM change. Chromium's scroll anchoring usually does this
 * already (then the measured shift is 0); at scrollTop 0 it does not, and then we correct by hand.
 */
function keepAnchor(change) {
  var box = $('msgs');
  var anchor = document.querySelector('#rows .msg[data-index="' + topVisibleIndex() + '"]');
  var before = anchor ? anchor.getBoundingClientRect().top : 0;
  change();
  if (!anchor || !anchor.isConnected) return;
  var shift = anchor.getBoundingClientRect().top - before;
  if (Math.abs(shift) > 1) box.scrollTop += shift;
}

async function extend() {
  if (S.busy || !S.win) return;
  var box = $('msgs'), rows = $('rows');
  var gen = S.gen, win = S.winGen;
  var stale = function () { return gen !== S.gen || win !== S.winGen || !S.win; };
  S.busy = true;
  try {
    if (box.scrollTop < 1200 && S.win.first > 0) {
      var p = S.win.first - 1;
      var items = await fetchPage(p);
      if (stale()) return;
      keepAnchor(function () {
        rows.insertBefore(pageDiv(p, items), rows.firstChild);
        S.win.first = p;
        if (S.win.last - S.win.first + 1 > MAXP) { rows.lastChild.remove(); S.win.last--; }
      });
      syncMarkStops();
    } else if (box.scrollHeight - box.scrollTop - box.clientHeight < 1200 && S.win.last < lastPage()) {
      var n = S.win.last + 1;
      var its = await fetchPage(n);
      if (stale()) return;
      keepAnchor(function () {
        rows.appendChild(pageDiv(n, its));
        S.win.last = n;
        if (S.win.last - S.win.first + 1 > MAXP) { rows.firstChild.remove(); S.win.first++; }
      });
      syncMarkStops();
    } else return;
  } catch (e) {
    if (!e.stale) toast(errText(e), true);
    return;
  } finally { S.busy = false; }
  requestAnimationFrame(function () { extend(); });
}

function topVisibleIndex() {
  var box = $('msgs'), top = box.getBoundingClientRect().top;
  var rows = document.querySelectorAll('#rows .msg');
  for (var i = 0; i < rows.length; i++) if (rows[i].getBoundingClientRect().bottom > top + 4) return Number(rows[i].dataset.index);
  return 0;
}

function updatePos() {
  if (!S.convId || !S.total) { $('pos').textContent = ''; return; }
  var i = S.cursor >= 0 ? S.cursor : topVisibleIndex();
  $('pos').textContent = 'Bericht ' + fmtNum(i + 1) + ' van ' + fmtNum(S.total) + (S.win ? ' · geladen ' + fmtNum(S.win.first * S.pageSize + 1) + '–' + fmtNum(Math.min(S.total, (S.win.last + 1) * S.pageSize)) : '');
}

var scrollQueued = false;
$('msgs').addEventListener('scroll', function () {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(function () { scrollQueued = false; extend(); if (S.cursor < 0) updatePos(); });
});

function renderHead() {
  var c = S.conv;
  $('conv-head').hidden = false;
  $('conv-title').textContent = c.title || '(zonder titel)';
  var digits = function (x) { return String(x || '').replace(/\D/g, ''); };
  var people = c.participants.map(function (p) {
    var samePhone = p.name && p.phone && digits(p.name).length > 5 && digits(p.phone).slice(-9) === digits(p.name).slice(-9);
    return (p.name || p.phone || 'contact ' + p.contactId) + (p.name && p.phone && !samePhone ? ' (' + p.phone + ')' : '');
  });
  $('conv-sub').textContent = (PLATFORM_NL[c.platform] || c.platform) + (c.isGroup ? ' · groep' : '') + ' · ' + fmtCount(c.messageCount, 'bericht', 'berichten') + ' · ' +
    fmtShortDate(c.firstAt) + ' – ' + fmtShortDate(c.lastAt) + ' · deelnemers: ' + people.join(', ');
  var hm = clear($('head-marks'));
  S.header.forEach(function (m) { hm.appendChild(markCard(m)); });
  syncMarkStops();
  var sel = clear($('bulk-rule'));
  sel.appendChild(el('option', { value: '' }, 'alle open suggesties'));
  ((S.summary && S.summary.rules) || []).forEach(function (r) { sel.appendChild(el('option', { value: r }, 'open van regel ' + r)); });
  var mc = clear($('mark-contact'));
  mc.appendChild(el('option', { value: '' }, 'contact als…'));
  // Not the custodian: a contact marking covers every message of the contact, so privé would withhold all they wrote.
  c.participants.filter(function (p) { return !p.isCustodian; }).forEach(function (p) {
    var name = p.name || p.phone || ('contact ' + p.contactId);
    CATS.forEach(function (cat) { mc.appendChild(el('option', { value: p.contactId + '|' + cat }, name + ' als ' + cat)); });
  });
  $('preview-note').hidden = !S.preview;
}

async function openConversation(id, index) {
  S.gen++;
  S.convId = id; S.cursor = -1; S.selected = null; S.pages = new Map(); S.win = null; S.excluded = null; S.positions = null;
  history.replaceState(null, '', location.pathname + location.search + '#gesprek=' + id);
  S.summary = S.convs.find(function (c) { return c.id === id; }) || null;
  renderConvList();
  clear($('msgs')).appendChild(el('div', { className: 'loading' }, 'Gesprek laden…'));
  try {
    var gen = S.gen;
    var r = await api('/api/conversations/' + id);
    if (gen !== S.gen) return;
    S.conv = r.conversation; S.header = r.header; S.total = S.conv.messageCount;
    renderHead();
    await jumpTo(index || 0, index !== undefined);
    $('msgs').focus({ preventScroll: true });
  } catch (e) {
    if (e.stale || gen !== S.gen) return;
    toast(errText(e), true);
    // Not "Gesprek laden…" forever: say why the conversation is not shown.
    if (!S.win) clear($('msgs')).appendChild(el('div', { className: 'placeholder' }, 'Dit gesprek kon niet worden geladen. ' + errText(e)));
  }
}

async function reloadView() {
  if (!S.convId) return;
  var at = S.cursor >= 0 ? S.cursor : topVisibleIndex();
  S.gen++; S.pages = new Map(); S.win = null; S.excluded = null; S.positions = null;
  $('preview-note').hidden = !S.preview;
  try { await jumpTo(at, S.cursor >= 0); } catch (e) { if (!e.stale) toast(errText(e), true); }
}
`;
