/* The bundle: the module's cards on the phone. A player page fetches its module version's bundle
   (every card's fragment as the server renders it, in the reader's language) and from then on shows
   each card from it, in the page's slots, without waiting for the network. What is answered, and
   the cards as the server graded them, are remembered per attempt. */

import { announce, offline, setStatus, textOf, withoutHash } from "./common.js";
import { keepModule } from "./keeping.js";
import { arrive, go, shownAt } from "./pages.js";

const bundles = {}; // address -> the bundle, once it has arrived
const loading = {}; // address -> Promise of the bundle
const graded = {}; // "attempt:card" -> the card as graded by the server (HTML)
const answered = {}; // "attempt:card" -> true: the server has (or will have) an answer

function keyOf(attempt, cardId) {
  return attempt + ":" + cardId;
}

function bundleFor(player) {
  var url = player.dataset.bundle;
  if (!url) return Promise.reject(new Error("no bundle"));
  if (!loading[url]) {
    loading[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("no bundle");
        return response.json();
      })
      .then(function (bundle) {
        bundles[url] = bundle;
        return bundle;
      })
      .catch(function (error) {
        delete loading[url];
        throw error;
      });
  }
  return loading[url];
}

export function loadedBundle(player) {
  // The player's bundle if it has arrived, else undefined.
  return bundles[player.dataset.bundle];
}

export function markAnswered(attempt, cardId) {
  answered[keyOf(attempt, cardId)] = true;
}

function learnFrom(player) {
  // What the server page says is answered, and the graded card it shows.
  var attempt = player.dataset.attempt;
  var ids = [];
  try {
    ids = JSON.parse(player.dataset.answered || "[]");
  } catch (error) {
    ids = [];
  }
  ids.forEach(function (id) {
    answered[keyOf(attempt, id)] = true;
  });
  var view = player.querySelector(".card-view[data-card-slot]");
  var key = keyOf(attempt, player.dataset.card);
  if (answered[key] && view && !view.hidden && !(key in graded)) graded[key] = view.innerHTML;
}

export function cardUrl(player, index) {
  return new URL(player.dataset.cardUrl + index, location.href).href;
}

export function parts(player) {
  return {
    answerForm: player.querySelector('form[data-player-form="answer"]'),
    answerSlot: player.querySelector('form[data-player-form="answer"] [data-card-slot]'),
    view: player.querySelector(".card-view[data-card-slot]"),
    nextForm: player.querySelector('form[data-player-form="next"]'),
    status: player.querySelector("[data-player-status]"),
    prev: player.querySelector("a[data-player-link][rel=prev]"),
  };
}

export function showCard(player, bundle, index, options) {
  options = options || {};
  var card = bundle.cards[index];
  var attempt = player.dataset.attempt;
  var key = keyOf(attempt, card.id);
  var url = cardUrl(player, index);
  if (card.answerable && answered[key] && !(key in graded)) return go(url, options); // the server shows it
  var part = parts(player);
  var answerable = card.answerable && !answered[key] && player.dataset.completed !== "true";
  player.dataset.index = String(index);
  player.dataset.card = card.id;
  player.dataset.scored = card.scored ? "true" : "false";
  part.answerSlot.innerHTML = answerable ? card.html : "";
  part.view.innerHTML = answerable ? "" : graded[key] || card.html;
  part.answerForm.hidden = !answerable;
  part.view.hidden = answerable;
  part.nextForm.hidden = answerable;
  part.answerForm.action = url;
  part.answerForm.querySelector('input[name="client_id"]').value = "";
  part.answerForm.querySelector('button[type="submit"]').textContent = card.answer_label;
  part.nextForm.action = url + "/next";
  part.nextForm.querySelector('button[type="submit"]').textContent = card.next_label;
  player.querySelector(".player-progress-text").textContent = card.progress;
  player.querySelector(".player-progress").value = index + 1;
  if (part.prev) {
    part.prev.hidden = index === 0;
    part.prev.href = index === 0 ? "#" : cardUrl(player, index - 1);
  }
  setStatus(part.status, "");
  document.title = card.title;
  shownAt(url, options.push);
  arrive(document.querySelector("main"), options.status);
  return Promise.resolve();
}

export function gradedArrived(attempt, cardId, html) {
  var key = keyOf(attempt, cardId);
  graded[key] = html;
  answered[key] = true;
  var player = document.querySelector(".player");
  if (!player || player.dataset.attempt !== String(attempt) || player.dataset.card !== cardId) return;
  var part = parts(player);
  if (part.view.hidden) return;
  part.view.innerHTML = html;
  setStatus(part.status, "");
  var feedback = part.view.querySelector(".feedback");
  if (!feedback) return;
  feedback.setAttribute("tabindex", "-1");
  feedback.focus({ preventScroll: true });
  announce(textOf(player, ".player-progress-text") + ". " + textOf(feedback, ".feedback-verdict"));
}

export function cardIndexIn(player, url) {
  // The card's index when ``url`` is a card of the player's attempt, else -1.
  var base = new URL(player.dataset.cardUrl, location.href).href;
  var rest = url.indexOf(base) === 0 ? url.slice(base.length) : "";
  if (!/^\d+$/.test(rest) || Number(rest) >= Number(player.dataset.cards)) return -1;
  return Number(rest);
}

export function enhancePlayer(player) {
  learnFrom(player);
  var status = player.querySelector("[data-player-status]");
  if (offline() && status && status.hidden) setStatus(status, player.dataset.msgOffline);
  bundleFor(player)
    .then(function (bundle) {
      if (!player.isConnected) return;
      var asked = cardIndexIn(player, withoutHash(location.href));
      if (asked >= 0 && asked !== Number(player.dataset.index)) {
        showCard(player, bundle, asked, {}); // a kept page of another card, served without network
      }
      keepModule(player, bundle);
    })
    .catch(function () {
      return null;
    });
}
