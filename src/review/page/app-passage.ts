/**
 * Page script, part 4c: how a passage is named, and passages without the mouse. With a message chosen (j / k), m or
 * the toolbar's "Passage…" opens a dialog in which the reviewer gives the passage by sentences (or lines) of the
 * message or by character positions ([start, end) in UTF-16 code units, as the API and `review mark --span` take them),
 * sees the chosen text and picks the category; it marks the passage exactly as a text selection does (markPassage).
 */
export const APP_PASSAGE = String.raw`
/** At most max characters of s on one line, cut between words where it can, with … when cut. */
function excerpt(s, max) {
  s = s.replace(/\s+/g, ' ').trim();
  var cps = Array.from(s);
  if (cps.length <= max) return s;
  var cut = cps.slice(0, max + 1).join('');
  var sp = cut.lastIndexOf(' ');
  var head = sp > cut.length / 3 ? cut.slice(0, sp) : cps.slice(0, max).join('');
  return head.replace(/[\s,;:–-]+$/, '') + '…';
}

/**
 * How a passage marking is named on its card and in its history: its first words (text: the message text the page
 * shows) and its positions. No words when the decision was made on an earlier text: the positions are of that text.
 */
function passageWhere(m, text) {
  var pos = 'tekens ' + m.span[0] + '–' + m.span[1];
  var quote = typeof text === 'string' && !m.textChangedSinceDecision && m.span[1] <= text.length ? excerpt(text.slice(m.span[0], m.span[1]), 30) : '';
  return quote ? 'passage: "' + quote + '" (' + pos + ')' : 'passage (' + pos + ')';
}

/** The message text of a marking on a loaded message (undefined when not loaded). */
function markingText(id) {
  var f = findMarking(id), it = f && f.index >= 0 ? itemAt(f.index) : null;
  return it ? it.text : undefined;
}

/** The sentences and lines of text as [start, end) ranges (UTF-16) without the white space around them. */
function sentencesOf(text) {
  var segs = [];
  if (typeof Intl !== 'undefined' && Intl.Segmenter) {
    for (var x of new Intl.Segmenter('nl', { granularity: 'sentence' }).segment(text)) segs.push({ at: x.index, s: x.segment });
  } else {
    var re = /[^\n.!?]*(?:[.!?]+|\n|$)/g, m;
    while ((m = re.exec(text)) && m[0]) segs.push({ at: m.index, s: m[0] });
  }
  var out = [];
  segs.forEach(function (g) {
    var at = g.at;
    g.s.split('\n').forEach(function (line) {
      var lead = line.length - line.replace(/^\s+/, '').length, body = line.trim();
      if (body) out.push({ start: at + lead, end: at + lead + body.length });
      at += line.length + 1;
    });
  });
  return out.length ? out : [{ start: 0, end: text.length }];
}

/** Why [s, e) (as typed: strings) is no passage of text, in Dutch, as the server would refuse it; or null. */
function spanProblem(sv, ev, text) {
  var n = text.length, whole = function (v) { return /^\s*\d+\s*$/.test(v); };
  if (!whole(sv)) return 'Geef het begin als een heel getal van 0 tot en met ' + n + '.';
  if (!whole(ev)) return 'Geef het einde als een heel getal van 0 tot en met ' + n + '.';
  var s = Number(sv), e = Number(ev);
  if (s > n) return 'Het begin ligt na de laatste positie van dit bericht (' + n + ').';
  if (e > n) return 'Het einde ligt na de laatste positie van dit bericht (' + n + ').';
  if (e <= s) return 'Het einde moet na het begin liggen.';
  var cuts = function (i) { return i > 0 && i < n && /[\uDC00-\uDFFF]/.test(text[i]) && /[\uD800-\uDBFF]/.test(text[i - 1]); };
  if (cuts(s)) return 'Het begin (' + s + ') valt midden in een teken (bijvoorbeeld een emoji); kies een positie ervoor of erna.';
  if (cuts(e)) return 'Het einde (' + e + ') valt midden in een teken (bijvoorbeeld een emoji); kies een positie ervoor of erna.';
  return null;
}

/**
 * The passage dialog for message it; at the start, the text selected in it (if any), else its first sentence.
 * Resolves with { span, category, reason } or null when cancelled.
 */
function passageDialog(it, picked) {
  return new Promise(function (resolve) {
    var text = it.text, parts = sentencesOf(text);
    var option = function (p, i) { return el('option', { value: i }, (i + 1) + '. ' + excerpt(text.slice(p.start, p.end), 60)); };
    var from = el('select', { onchange: function () { if (+to.value < +from.value) to.value = from.value; bySentences(); } }, parts.map(option));
    var to = el('select', { onchange: function () { if (+to.value < +from.value) from.value = to.value; bySentences(); } }, parts.map(option));
    var start = el('input', { type: 'number', min: 0, max: text.length, step: 1, oninput: show });
    var end = el('input', { type: 'number', min: 0, max: text.length, step: 1, oninput: show });
    var cat = el('select', null, [el('option', { value: '' }, 'kies een categorie…')].concat(CATS.map(function (c) { return el('option', { value: c }, c); })));
    var note = el('textarea');
    var preview = el('div', { className: 'pas-preview', 'aria-live': 'polite' });
    var err = el('div', { className: 'err', role: 'alert' });
    function bySentences() {
      start.value = parts[+from.value].start;
      end.value = parts[+to.value].end;
      show();
    }
    function show() {
      err.textContent = '';
      preview.textContent = spanProblem(start.value, end.value, text) ? '' : text.slice(+start.value, +end.value);
    }
    var close;
    function ok() {
      var problem = spanProblem(start.value, end.value, text) || (cat.value ? null : 'Kies een categorie.');
      if (problem) { err.textContent = problem; return; }
      close();
      resolve({ span: [+start.value, +end.value], category: cat.value, reason: note.value.trim() || null });
    }
    var okBtn = el('button', { type: 'button', className: 'primary', onclick: ok }, 'Markeren');
    var field = function (label, control) { return el('div', null, [labelled(label, control), control]); };
    var box = el('div', { className: 'dialog passage', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Passage markeren' }, [
      el('h2', null, 'Passage markeren'),
      el('p', null, 'Bericht van ' + (it.sender || 'onbekende afzender') + ', ' + fmtStamp(it.sentAt) + '. Kies de zinnen of geef de tekenposities: ' +
        'het begin telt mee, het einde niet, 0 is het begin van het bericht (zoals bij review mark --span).'),
      el('div', { className: 'pair' }, [field('Van zin', from), field('Tot en met zin', to)]),
      el('div', { className: 'pair' }, [field('Begin (teken)', start), field('Einde (teken)', end)]),
      el('div', { className: 'fld' }, 'Gekozen tekst'), preview,
      field('Categorie', cat),
      field('Toelichting (optioneel)', note),
      err,
      el('div', { className: 'btns' }, [el('button', { type: 'button', onclick: function () { close(); resolve(null); } }, 'Annuleren'), okBtn])
    ]);
    var inside = function (i) { return parts.findIndex(function (p) { return i < p.end; }); };
    if (picked) {
      from.value = Math.max(0, inside(picked.start));
      to.value = Math.max(+from.value, inside(picked.end - 1));
      start.value = picked.start;
      end.value = picked.end;
      show();
    } else bySentences();
    close = modal(box, function () { close(); resolve(null); }, function (ev) {
      if (ev.target.tagName !== 'INPUT' && ev.target.tagName !== 'TEXTAREA' && ev.target !== okBtn) return false;
      ok();
      return true;
    });
    from.focus();
  });
}

/** m / "Passage…": the passage dialog for the chosen message, then the marking. */
async function markPassageByKeys() {
  if (!noPreview()) return;
  var it = S.cursor >= 0 ? itemAt(S.cursor) : null;
  if (!it) { toast('Kies eerst een bericht (j/k).', true); return; }
  if (!it.text) { toast('Dit bericht heeft geen tekst om een passage van te markeren.', true); return; }
  var sel = selectionInMessage();
  var choice = await passageDialog(it, sel && !sel.error && sel.messageId === it.id ? sel : null);
  if (!choice) return;
  if (sel && !sel.error) window.getSelection().removeAllRanges();
  await markPassage(it.id, choice.span, choice.category, it.textSha256, choice.reason);
}

$('mark-passage').addEventListener('click', function () { queueNav(markPassageByKeys); });
`;
