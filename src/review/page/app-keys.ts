/**
 * Page script, part 4: selecting markings, recording decisions, marking passages from a text selection (UTF-16
 * offsets into the stored message text) and the keyboard.
 */
export const APP_KEYS = String.raw`
function findMarking(id) {
  for (var i = 0; i < S.header.length; i++) if (S.header[i].id === id) return { m: S.header[i], index: -1 };
  var found = null;
  S.pages.forEach(function (items) {
    if (found || S.preview) return;
    items.forEach(function (it) { (it.markings || []).forEach(function (m) { if (m.id === id) found = { m: m, index: it.index }; }); });
  });
  return found;
}

function selectMarking(id) {
  S.selected = id;
  document.querySelectorAll('.mk.sel, mark.pas.sel').forEach(function (n) { n.classList.remove('sel'); });
  if (id !== null && id !== undefined) {
    document.querySelectorAll('.mk[data-mid="' + id + '"]').forEach(function (n) { n.classList.add('sel'); });
    document.querySelectorAll('mark.pas').forEach(function (n) { if (n.dataset.mids.split(',').indexOf(String(id)) >= 0) n.classList.add('sel'); });
  }
  syncMarkStops();
  followFocus(false);
}

function firstOpen(ms) {
  return ms.find(function (x) { return x.state === 'open'; }) || ms.find(function (x) { return x.state === 'pending'; }) || ms[0] || null;
}

async function setCursor(index, keepSelection) {
  if (!S.total) return;
  index = Math.max(0, Math.min(S.total - 1, index));
  if (!inWindow(Math.floor(index / S.pageSize))) await jumpTo(index, false);
  var prev = document.querySelector('#rows .msg.cursor');
  if (prev) prev.classList.remove('cursor');
  S.cursor = index;
  var row = rowEl(index);
  if (row) { row.classList.add('cursor'); row.scrollIntoView({ block: 'nearest' }); }
  var it = itemAt(index);
  if (!S.preview && it && !(keepSelection && S.selected !== null && findMarking(S.selected) && findMarking(S.selected).index === index)) {
    var pick = firstOpen(it.markings || []);
    selectMarking(pick ? pick.id : null);
  }
  updatePos();
}

/** Replaces markings in the caches with fresh ones from the server and redraws what shows them. */
function applyMarkings(list) {
  var rows = new Set(), head = false, onCard = !!cardOf(document.activeElement);
  list.forEach(function (m) {
    if (m.level === 'contact' || m.level === 'conversation') {
      var i = S.header.findIndex(function (x) { return x.id === m.id; });
      if (i >= 0) S.header[i] = m; else if (m.level === 'contact' || m.targetId === S.convId) S.header.push(m);
      head = true;
      return;
    }
    S.pages.forEach(function (items) {
      items.forEach(function (it) {
        if (it.id !== m.targetId || !it.markings) return;
        var j = it.markings.findIndex(function (x) { return x.id === m.id; });
        if (j >= 0) it.markings[j] = m; else it.markings.push(m);
        rows.add(it.index);
      });
    });
  });
  if (head) { var hm = clear($('head-marks')); S.header.forEach(function (m) { hm.appendChild(markCard(m)); }); }
  rows.forEach(function (i) { var old = rowEl(i); if (old) old.replaceWith(msgRow(itemAt(i))); });
  selectMarking(S.selected);
  // Deciding from the keyboard redraws the card that had focus: focus goes to the chosen card, not to the page.
  if (onCard && !cardOf(document.activeElement)) followFocus(true);
  S.positions = null;
  refreshCountsSoon();
}

/** Navigation runs one step at a time, so a held-down key or fast presses land where they should. */
S.nav = Promise.resolve();
function queueNav(fn) {
  S.nav = S.nav.then(fn).catch(function (e) { if (!e.stale) toast(errText(e), true); });
  return S.nav;
}

async function ensureReviewer() { return S.reviewer || (await askReviewer(true)); }

function noPreview() { if (S.preview) { toast('Zet het voorbeeld uit om te beoordelen (v).', true); return false; } return true; }

async function decideMarking(id, action, category) {
  if (!noPreview() || !(await ensureReviewer())) return;
  var f = findMarking(id);
  if (!f) return;
  var m = f.m, reason = null;
  if (action === 'change' && m.category === category && m.state === 'decided') { toast('Deze markering is al ' + category + '.'); return; }
  var confirming = action === 'confirm' || (action === 'change' && category === m.suggestedCategory);
  if (action === 'reject') reason = await askReason('Reden voor verwerpen', 'Waarom klopt deze suggestie (' + m.category + ') niet?', rejectReasons(m.category));
  else if (!confirming) reason = await askReason('Reden voor wijziging naar ' + category, 'De regel stelde ' + m.suggestedCategory + ' voor. Waarom is het ' + category + '?', category);
  else if (wantsNote()) {
    var note = await askNote('Bevestigen als ' + m.suggestedCategory, null, m.suggestedCategory);
    if (!note) return;
    reason = note.reason;
  }
  if (!confirming && reason === null) return;
  // The state this page showed: the server refuses (409 stale) when someone decided on the marking since.
  var body = { markingIds: [id], action: action, category: category, reviewer: S.reviewer, reason: reason, lastDecisionIds: shown(m) };
  var r;
  try {
    r = await api('/api/decide', body);
  } catch (e) {
    if (e.code !== 'reason-required' || reason !== null) { await failed(e); return; }
    body.reason = await askReason('Reden voor het herzien', 'Dit wijzigt een eerder besluit of een voorstel van een collega. Geef een reden op.', action === 'confirm' ? m.suggestedCategory : category || rejectReasons(m.category));
    if (body.reason === null) return;
    try { r = await api('/api/decide', body); } catch (e2) { await failed(e2); return; }
  }
  var d = r.decided[0];
  if (d.decisionId === null) toast('Al ' + (STATUS_NL[d.status] || d.status) + '; niets vastgelegd.');
  else {
    S.undo.push({ id: id, decisionId: d.decisionId });
    toast(d.awaitingSecond ? 'Vastgelegd; wacht op een tweede beoordelaar.' : d.action === 'second-confirm' ? 'Tweede bevestiging vastgelegd.' : 'Vastgelegd: ' + (STATUS_NL[d.status] || d.status) + ' (' + d.category + ').');
    deliveredWarning(d);
  }
  applyMarkings(r.markings);
  if (f.index >= 0) {
    var it = itemAt(f.index);
    var next = it && (it.markings || []).find(function (x) { return x.state === 'open'; });
    if (next) selectMarking(next.id);
  }
}

/** { markingId: id of the latest decision shown (null: none) }, as /api/decide expects it. */
function shown(m) { var o = {}; o[m.id] = m.lastDecision ? m.lastDecision.id : null; return o; }

/** Reloads the open conversation's header, messages and markings, and the counts. */
async function reloadConversation() {
  if (!S.convId) return;
  var conv = S.convId;
  var h = await api('/api/conversations/' + conv);
  if (conv !== S.convId) return;
  S.conv = h.conversation;
  S.header = h.header;
  renderHead();
  await reloadView();
  refreshCountsSoon();
}

/** Shows a refused request; when the page was stale, reloads the conversation so the reviewer sees what changed. */
async function failed(e) {
  toast(errText(e), true);
  if (e.code === 'stale') { try { await reloadConversation(); } catch (e2) { if (!e2.stale) toast(errText(e2), true); } }
}

/** Undoes decision decisionId (the latest one this page knows) on marking id. */
async function undoMarking(id, decisionId) {
  var expect = {};
  expect[id] = decisionId;
  try {
    var r = await api('/api/decide', { markingIds: [id], action: 'undo', reviewer: S.reviewer, lastDecisionIds: expect });
    for (var k = S.undo.length - 1; k >= 0; k--) if (S.undo[k].id === id) { S.undo.splice(k, 1); break; }
    applyMarkings(r.markings);
    toast('Besluit ongedaan gemaakt.');
  } catch (e) { await failed(e); }
}

async function undoLast() {
  if (!noPreview()) return;
  if (!S.undo.length) { toast('Niets om ongedaan te maken in deze sessie.', true); return; }
  var last = S.undo[S.undo.length - 1];
  if (last.bulk) { await undoBulk(last); return; }
  // The latest decision the page shows now: after an earlier undo of this marking that is the undo record, not the
  // decision stored with this entry (the server still refuses to undo what is not this reviewer's).
  var f = findMarking(last.id);
  var latest = f && f.m.lastDecision ? f.m.lastDecision.id : last.decisionId;
  await undoMarking(last.id, latest);
}

/** Bulk undos of more decisions than this ask first. */
var BULK_UNDO_ASK = 10;

/**
 * Undoes every decision of a bulk action in one request (all or nothing). The server refuses (409 stale) when any of
 * those markings was decided again since, and then nothing is undone.
 */
async function undoBulk(last) {
  var n = last.bulk.length;
  if (n > BULK_UNDO_ASK) {
    var ok = await dialog({ title: 'Bulkactie ongedaan maken', text: 'U maakt de laatste bulkactie (' + last.verb + ') ongedaan: ' + fmtCount(n, 'besluit wordt', 'besluiten worden') + ' teruggedraaid.', ok: 'Ongedaan maken' });
    if (ok === null) return;
  }
  var expect = {};
  last.bulk.forEach(function (x) { expect[x.markingId] = x.decisionId; });
  try {
    await api('/api/decide', { markingIds: last.bulk.map(function (x) { return x.markingId; }), action: 'undo', reviewer: S.reviewer, lastDecisionIds: expect });
    S.undo.splice(S.undo.indexOf(last), 1);
    toast('Bulkactie ongedaan gemaakt: ' + fmtCount(n, 'besluit', 'besluiten') + ' teruggedraaid.');
    if (last.conv === S.convId) await reloadConversation(); else refreshCountsSoon();
  } catch (e) { await failed(e); }
}

async function markTarget(level, targetId, span, category, reason, textSha256) {
  if (!noPreview() || !(await ensureReviewer())) return null;
  try {
    var r = await api('/api/mark', { level: level, targetId: targetId, span: span, textSha256: textSha256 || null, category: category, reviewer: S.reviewer, reason: reason || null });
    S.undo.push({ id: r.markingId, decisionId: r.decisionId });
    S.selected = r.markingId;
    applyMarkings([r.marking]);
    toast((level === 'passage' ? 'Passage' : level === 'message' ? 'Bericht' : level === 'contact' ? 'Contact' : 'Gesprek') + ' gemarkeerd als ' + category + (r.awaitingSecond ? '; wacht op een tweede beoordelaar.' : '.'));
    deliveredWarning(r);
    return r;
  } catch (e) { toast(errText(e), true); return null; }
}

/**
 * The current text selection as [start, end) UTF-16 offsets into one message's text, or null when nothing is selected.
 * Only the selected characters inside a message text count: a triple click selects a message's text up to the start of
 * the element after it (the markings beside it), and a drag may begin on the sender's name; both are one message.
 */
function selectionInMessage() {
  var sel = window.getSelection();
  if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
  var r = sel.getRangeAt(0);
  var hits = [];
  document.querySelectorAll('#rows .text[data-mid]').forEach(function (t) {
    if (!r.intersectsNode(t)) return;
    var part = document.createRange();
    part.selectNodeContents(t);
    if (r.compareBoundaryPoints(Range.START_TO_START, part) > 0) part.setStart(r.startContainer, r.startOffset);
    if (r.compareBoundaryPoints(Range.END_TO_END, part) < 0) part.setEnd(r.endContainer, r.endOffset);
    if (part.toString().length) hits.push({ t: t, part: part });
  });
  if (hits.length !== 1) return { error: 'Selecteer tekst binnen één bericht.' };
  var a = hits[0].t, pre = document.createRange();
  pre.selectNodeContents(a);
  pre.setEnd(hits[0].part.startContainer, hits[0].part.startOffset);
  var start = pre.toString().length;
  var end = start + hits[0].part.toString().length;
  return { messageId: Number(a.dataset.mid), index: Number(a.dataset.index), start: start, end: end, textSha256: a.dataset.sha || null };
}

async function onCategoryKey(cat, whole) {
  if (!noPreview()) return;
  var sel = selectionInMessage();
  if (sel && sel.error) { toast(sel.error, true); return; }
  if (sel) {
    window.getSelection().removeAllRanges();
    var r = await markPassage(sel.messageId, [sel.start, sel.end], cat, sel.textSha256);
    if (r && S.cursor !== sel.index) setCursor(sel.index, true);
    return;
  }
  if (!whole && S.selected !== null) {
    var f = findMarking(S.selected);
    if (f) { await decideMarking(f.m.id, cat === f.m.suggestedCategory ? 'confirm' : 'change', cat); return; }
  }
  if (S.cursor < 0) { toast('Kies eerst een bericht (j/k) of selecteer tekst.', true); return; }
  var id = itemAt(S.cursor).id, note = wantsNote() ? await askNote('Bericht markeren als ' + cat, null, cat) : { reason: null };
  if (note) await markTarget('message', id, null, cat, note.reason);
}

/**
 * Marks a passage: span [start, end) in UTF-16 code units of the message text whose textSha256 is given. The one way
 * both the mouse (a text selection) and the keyboard (the passage dialog, reason given there) mark a passage.
 */
async function markPassage(messageId, span, cat, textSha256, reason) {
  if (reason === undefined) {
    var note = wantsNote() ? await askNote('Passage markeren als ' + cat, null, cat) : { reason: null };
    if (!note) return null;
    reason = note.reason;
  }
  return markTarget('passage', messageId, span, cat, reason, textSha256);
}

async function openPositions() {
  if (!S.positions) {
    var conv = S.convId;
    var r = await api('/api/conversations/' + conv + '/positions?state=todo&reviewer=' + encodeURIComponent(S.reviewer));
    if (conv !== S.convId) return [];
    S.positions = r.positions;
  }
  return S.positions;
}

/** A suggestion on the conversation or a contact (shown above the messages) that this reviewer can still decide. */
function headTodo(m) {
  return m.state === 'open' || (m.state === 'pending' && m.awaitingSecond && m.awaitingSecond.reviewer.toLowerCase() !== S.reviewer.toLowerCase());
}

/**
 * n (dir 1) / N (dir -1): the next or previous open suggestion. They form one round: the messages' in order, then those
 * on the conversation or a contact (above). Past the last, n goes round to the first (N the other way) and says so;
 * only when there is none at all does it say there is none.
 */
async function nextOpen(dir) {
  var ps = await openPositions();
  var stops = ps.map(function (p) { return { index: p.index, id: p.markingIds[0] }; })
    .concat(S.header.filter(headTodo).map(function (m) { return { head: true, id: m.id }; }));
  if (!stops.length) { toast('Geen open suggesties in dit gesprek.'); return; }
  var at = stops.findIndex(function (x) { return x.head && x.id === S.selected; });
  var hit;
  if (at >= 0) hit = stops[at + dir];
  else if (dir > 0) hit = stops.find(function (x) { return x.head || x.index > S.cursor; });
  else hit = stops.slice().reverse().find(function (x) { return !x.head && x.index < S.cursor; });
  var wrapped = !hit;
  if (wrapped) hit = dir > 0 ? stops[0] : stops[stops.length - 1];
  var current = hit.head ? hit.id === S.selected : hit.index === S.cursor && ps.some(function (p) { return p.index === S.cursor && p.markingIds.indexOf(S.selected) >= 0; });
  if (wrapped && current && stops.length === 1) { toast('Dit is de enige open suggestie in dit gesprek.'); return; }
  var note = wrapped ? (dir > 0 ? 'Na de laatste open suggestie: terug naar de eerste van dit gesprek' : 'Voor de eerste open suggestie: terug naar de laatste van dit gesprek') : '';
  if (hit.head) {
    selectMarking(hit.id);
    $('msgs').scrollTop = 0;
    toast(note ? note + ', bij het gesprek of een contact (boven).' : 'Open suggestie bij het gesprek of een contact (boven).');
    return;
  }
  await setCursor(hit.index, false);
  selectMarking(hit.id);
  if (note) toast(note + '.');
}

function showHelp() {
  var rows = [['↑ / ↓', 'vorig / volgend gesprek in de lijst (Enter opent het)'], ['j / k', 'volgend / vorig bericht'], ['n / N', 'volgende / vorige open suggestie (ook een besluit waarvan de tekst daarna gewijzigd is); na de laatste weer de eerste (en omgekeerd)'],
    ['Tab', 'naar de markeringen boven het gesprek of bij de berichten, en naar de knoppen van de gekozen markering'], ['↑ / ↓ op een markering', 'vorige / volgende markering (ook ← / →; Home / End: eerste / laatste); de markering met focus is de gekozen'],
    ['Spatie op een markering', 'markering kiezen'], ['z / p / s', 'zakelijk / privé / partijpolitiek: beslist over de gekozen suggestie, markeert de geselecteerde tekst als passage, of markeert het bericht'],
    ['Shift + z / p / s', 'hele bericht markeren'], ['m', 'passage van het gekozen bericht markeren zonder muis: kies zinnen of tekenposities'], ['Enter', 'gekozen suggestie bevestigen'], ['Backspace', 'gekozen suggestie verwerpen (met reden)'], ['u', 'eigen laatste besluit of bulkactie ongedaan maken'], ['v', 'voorbeeld geschoonde set aan/uit'], ['Enter in een keuzelijst', 'voert de gekozen bulkactie of markering uit (de pijltjes kiezen alleen)'], ['Esc', 'selectie opheffen']];
  dialog({ title: 'Sneltoetsen', ok: 'Sluiten', noCancel: true, text: 'Passage markeren: selecteer tekst in een bericht met de muis en druk op z, p of s, of kies een bericht en druk op m. Met "toelichting vragen" aan vraagt de pagina bij bevestigen en markeren om een toelichting.' }).then(function () {});
  var box = document.querySelector('.dialog');
  box.insertBefore(el('div', { className: 'help-grid' }, rows.flatMap(function (r) { return [el('kbd', null, r[0]), el('span', null, r[1])]; })), box.querySelector('.err'));
}

/** Enter or Backspace with no marking chosen: how to choose one. */
var NONE_CHOSEN = 'Geen suggestie gekozen: kies een bericht met j/k of klik op een markering.';

document.addEventListener('keydown', function (ev) {
  if (S.modal) return;
  var t = ev.target, tag = t && t.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  var k = ev.key;
  if (k === '?') { ev.preventDefault(); showHelp(); return; }
  if (!S.convId) return;
  var lower = k.length === 1 ? k.toLowerCase() : k;
  if (k === 'j') { ev.preventDefault(); queueNav(function () { return setCursor(S.cursor + 1); }); }
  else if (k === 'k') { ev.preventDefault(); queueNav(function () { return setCursor(Math.max(0, S.cursor - 1)); }); }
  else if (k === 'n' || k === 'N') { ev.preventDefault(); queueNav(function () { return nextOpen(k === 'n' ? 1 : -1); }); }
  else if (KEY_CAT[lower]) { ev.preventDefault(); var shift = ev.shiftKey; queueNav(function () { return onCategoryKey(KEY_CAT[lower], shift); }); }
  else if (k === 'Enter') {
    if (tag === 'BUTTON' || (t && t.classList && t.classList.contains('conv'))) return;
    ev.preventDefault();
    if (!noPreview()) return;
    queueNav(function () { if (S.selected === null) toast(NONE_CHOSEN, true); else return decideMarking(S.selected, 'confirm'); });
  } else if (k === 'Backspace') {
    ev.preventDefault();
    if (!noPreview()) return;
    queueNav(function () { if (S.selected === null) toast(NONE_CHOSEN, true); else return decideMarking(S.selected, 'reject'); });
  } else if (k === 'm') { ev.preventDefault(); queueNav(markPassageByKeys); }
  else if (k === 'u') { ev.preventDefault(); queueNav(undoLast); }
  else if (k === 'v') { ev.preventDefault(); if (!$('preview-toggle').disabled) $('preview-toggle').click(); }
  else if (k === 'Escape') { selectMarking(null); window.getSelection().removeAllRanges(); }
});
`;
