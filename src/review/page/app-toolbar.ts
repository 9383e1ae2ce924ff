/**
 * Page script, part 5: the toolbar (bulk actions, marking the conversation or a contact), a marking's history and
 * start-up.
 */
export const APP_TOOLBAR = String.raw`
async function bulk(action, category) {
  if (!noPreview() || !S.convId || !(await ensureReviewer())) return;
  var rule = $('bulk-rule').value, conv = S.convId;
  // The scope as it is now: the dialog shows its counts, and the bulk is refused (409 stale) if it changes before "Uitvoeren".
  var scope;
  try { scope = await api('/api/conversations/' + conv + '/bulk-scope' + (rule ? '?rule=' + encodeURIComponent(rule) : '')); } catch (e) { toast(errText(e), true); return; }
  if (conv !== S.convId) return;
  var n = scope.counts.open, p = scope.counts.pending;
  var what = rule ? 'alle open suggesties van regel ' + rule + ' in dit gesprek' : 'alle open suggesties in dit gesprek';
  if (!n && !p) { toast('Geen open suggesties ' + (rule ? 'van regel ' + rule + ' ' : '') + 'in dit gesprek.'); return; }
  var verb = action === 'confirm' ? 'bevestigen' : action === 'reject' ? 'verwerpen' : 'wijzigen naar ' + category;
  var reason = await dialog({
    title: 'Bulkactie: ' + verb,
    text: 'U gaat ' + what + ' (' + fmtNum(n) + ') ' + verb + '. Besloten suggesties blijven ongemoeid' +
      (p ? '. Voorstellen die op een tweede beoordelaar wachten (' + fmtNum(p) + '): gelijke voorstellen van collega\'s worden meebevestigd, andere blijven ongemoeid.' : '.'),
    input: 'textarea', required: action !== 'confirm', quick: action === 'confirm' ? null : action === 'reject' ? rejectReasons(null) : QUICK_REASONS[category], ok: 'Uitvoeren'
  });
  if (reason === null || conv !== S.convId) return;
  try {
    var r = await api('/api/bulk', { conversationId: conv, ruleId: rule || undefined, action: action, category: category, reviewer: S.reviewer, reason: reason || null, lastDecisionIds: scope.lastDecisionIds });
    toast(fmtCount(r.decided, 'besluit', 'besluiten') + ' vastgelegd' + (r.skipped ? ', ' + fmtNum(r.skipped) + ' overgeslagen' : '') + '.');
    deliveredWarning(r);
    if (r.undo && r.undo.length) S.undo.push({ bulk: r.undo, conv: conv, verb: verb });
    await reloadConversation();
  } catch (e) { await failed(e); }
}

/**
 * A select whose choice starts an action (with a dialog). A pick with the mouse acts at once. From the keyboard the
 * arrows and letters only move the choice, as a closed select changes its value (and fires change) on each arrow
 * press: else the first option's dialog opened on the first press and the others could never be reached. Enter or
 * Space then acts; leaving the select unchosen drops the choice.
 */
function actionSelect(id, act) {
  var s = $(id), keyed = false;
  var run = function () { var v = s.value; s.value = ''; keyed = false; if (v) act(v); };
  s.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' || ev.key === ' ') { if (s.value) { ev.preventDefault(); run(); } return; }
    if (!ev.altKey && (ev.key.length === 1 || /^(Arrow(Up|Down|Left|Right)|Home|End|Page(Up|Down))$/.test(ev.key))) keyed = true;
  });
  s.addEventListener('mousedown', function () { keyed = false; });
  s.addEventListener('change', function () { if (!keyed) run(); });
  s.addEventListener('blur', function () { if (keyed) { s.value = ''; keyed = false; } });
}

$('preview-toggle').addEventListener('change', function () { S.preview = this.checked; reloadView(); });
$('bulk-confirm').addEventListener('click', function () { bulk('confirm'); });
$('bulk-reject').addEventListener('click', function () { bulk('reject'); });
actionSelect('bulk-cat', function (c) { bulk('change', c); });
actionSelect('mark-conv', async function (c) {
  if (!S.convId) return;
  var note = await askNote('Hele gesprek markeren als ' + c, 'Een handmatige markering op gespreksniveau.', c, 'Markeren');
  if (note) await markTarget('conversation', S.convId, null, c, note.reason);
});
actionSelect('mark-contact', async function (v) {
  var parts = v.split('|'), id = Number(parts[0]), cat = parts[1];
  var note = await askNote('Contact ' + contactName(id) + ' markeren als ' + cat, 'Geldt voor alle gesprekken met en berichten van dit contact.', cat, 'Markeren');
  if (note) await markTarget('contact', id, null, cat, note.reason);
});

async function showHistory(id) {
  try {
    var r = await api('/api/markings/' + id);
    var m = r.marking;
    var p = dialog({ title: 'Geschiedenis van M-' + id, ok: 'Sluiten', noCancel: true,
      text: (m.span ? passageWhere(m, markingText(id)) : LEVEL_NL[m.level]) + ' · ' + (m.origin === 'rule' ? 'regel ' + m.reasonText : m.reasonText) + ' · nu: ' + m.category + ', ' + stateLabel(m) });
    var box = document.querySelector('.dialog');
    var list = r.decisions.length ? el('ol', { className: 'history' }, r.decisions.map(function (d) {
      return el('li', null, [el('b', null, 'B-' + d.id + ' ' + (ACTION_NL[d.action] || d.action)), (d.category ? ' (' + d.category + ')' : '') + ' door ' + d.reviewer + ', ' + fmtLocal(d.decidedAt) +
        (d.needsSecond ? ' · vier-ogen' : '') + (d.undoes ? ' · maakt B-' + d.undoes + ' ongedaan' : '') + (d.reason ? ' · "' + d.reason + '"' : '')]);
    })) : el('p', null, 'Nog geen besluiten.');
    box.insertBefore(list, box.querySelector('.err'));
    await p;
  } catch (e) { toast(errText(e), true); }
}

$('next-open').addEventListener('click', function () { queueNav(function () { return nextOpen(1); }); });
$('reviewer-change').addEventListener('click', function () { askReviewer(true); });

async function boot() {
  $('reviewer-name').textContent = S.reviewer || '–';
  try { S.session = await api('/api/session'); } catch (e) {
    clear($('msgs')).appendChild(el('div', { className: 'placeholder' }, errText(e)));
    return;
  }
  var c = S.session.custodian;
  S.pageSize = S.session.pageSize;
  $('cust-name').textContent = c.name;
  $('cust-func').textContent = c.function + ' · ' + c.department + (c.secondReviewer ? ' · vier-ogenprincipe: elk besluit vraagt een tweede beoordelaar' : '');
  S.session.rules.forEach(function (r) { $('f-rule').appendChild(el('option', { value: r }, r)); });
  if (!S.session.preview) { $('preview-toggle').disabled = true; $('preview-toggle').parentElement.title = 'Niet beschikbaar'; }
  try { await loadConversations(); } catch (e) {
    clear($('convs')).appendChild(el('div', { className: 'empty', role: 'alert' }, errText(e) + ' Laad de pagina opnieuw.'));
    return;
  }
  var h = /gesprek=(\d+)/.exec(location.hash);
  if (h) openConversation(Number(h[1]));
  if (!S.reviewer) await askReviewer(true);
}
boot();
`;
