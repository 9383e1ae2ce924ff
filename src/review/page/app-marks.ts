/**
 * Page script, part 4b: marking cards from the keyboard. As in the conversation list, each group of cards (the
 * conversation's and contacts' markings above, the messages' markings) is one tab stop (a roving tabindex): the chosen
 * marking's card, else the first card of the current message, else the first card. The arrow keys, Home and End move
 * within a group. A card that gets focus is the chosen marking, so Enter, Backspace and z / p / s act on it, and Tab
 * reaches its buttons (bevestig, verwerp, wijzig, ongedaan, geschiedenis). Focus follows the choice while it is on a
 * card, also when deciding redraws the card.
 */
export const APP_MARKS = String.raw`
function markGroups() { return [$('head-marks'), $('rows')].filter(Boolean); }
function cardOf(n) { return n && n.closest ? n.closest('.mk') : null; }

/** Gives each group of marking cards exactly one tab stop. */
function syncMarkStops() {
  markGroups().forEach(function (g) {
    var cards = Array.from(g.querySelectorAll('.mk'));
    if (!cards.length) return;
    var stop = cards.find(function (c) { return c.classList.contains('sel'); });
    if (!stop && S.cursor >= 0) { var row = g.querySelector('.msg[data-index="' + S.cursor + '"]'); stop = row && row.querySelector('.mk'); }
    stop = stop || cards[0];
    cards.forEach(function (c) { c.tabIndex = c === stop ? 0 : -1; });
  });
}

/**
 * After the choice changed: when focus is on a marking card (or on one of its buttons), or was there on a card that a
 * redraw removed (lost), it moves to the chosen marking's card.
 */
function followFocus(lost) {
  var at = cardOf(document.activeElement);
  if ((!at && !lost) || S.selected === null || S.selected === undefined) return;
  var card = document.querySelector('.mk[data-mid="' + S.selected + '"]');
  if (card && card !== at) card.focus();
}

/** A card that gets focus (Tab, arrows, a click) becomes the chosen marking; its message becomes the current one. */
function onCardFocus(id) {
  if (S.selected === id) return;
  selectMarking(id);
  var f = findMarking(id);
  if (f && f.index >= 0 && f.index !== S.cursor) queueNav(function () { return setCursor(f.index, true); });
}

/** Keys on a card itself (its buttons handle their own): arrows, Home and End move to another card of the group. */
function markCardKey(ev) {
  var card = ev.currentTarget;
  if (ev.target !== card || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === ' ') { ev.preventDefault(); onCardFocus(Number(card.dataset.mid)); return; }
  var group = card.closest('#head-marks, #rows');
  if (group) rovingMove(ev, Array.from(group.querySelectorAll('.mk')), true);
}
`;
