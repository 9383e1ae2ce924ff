/**
 * Page script, part 4c: how a passage is named on its card and in its history.
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
`;
