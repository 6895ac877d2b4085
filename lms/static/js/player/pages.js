/* Showing a page: a page the server renders (fetched, or kept on the phone) swapped into <main>,
   or a card from the bundle (cards.js); then focus on what is new, a word to screen readers in the
   live region, and the address in the history, so that back and forward work. */

import { cardIndexIn, enhancePlayer, loadedBundle, showCard } from "./cards.js";
import {
  PAGES,
  POST_WAIT_MS,
  announce,
  fetchWithin,
  offline,
  setStatus,
  textOf,
  withoutHash,
} from "./common.js";
import { showSynced } from "./sync.js";

let shownUrl = withoutHash(location.href);

export function shownAt(url, push) {
  // The address of what is shown now: a new entry in the history when ``push``.
  if (push) {
    var state = { lvPlayer: true };
    if (url === withoutHash(location.href)) history.replaceState(state, "", url);
    else history.pushState(state, "", url);
  }
  shownUrl = url;
}

export function show(response, options) {
  options = options || {};
  var url = withoutHash(options.url || response.url);
  var type = response.headers.get("Content-Type") || "";
  if (type.indexOf("text/html") < 0) {
    location.assign(url);
    return Promise.resolve();
  }
  return response.text().then(function (html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) {
      location.assign(url);
      return;
    }
    var framed = !!doc.querySelector(".site-header");
    if (framed !== !!document.querySelector(".site-header")) {
      location.assign(url); // from the full-screen player to a framed page, or back
      return;
    }
    current.replaceWith(document.adoptNode(fresh));
    var freshFooter = doc.querySelector(".site-footer");
    var footer = document.querySelector(".site-footer");
    if (freshFooter && footer) footer.replaceWith(document.adoptNode(freshFooter));
    if (doc.title) document.title = doc.title;
    shownAt(url, options.push);
    if (!options.fromCache) keepShown(url, html, type);
    arrive(fresh, options.status);
  });
}

const CARD_PAGE = /\/attempts\/\d+\/cards\/\d+$/;

function keepShown(url, html, type) {
  // Keep the card as now shown (with an answer's feedback, say), so the copy is never behind.
  if (!window.caches || !CARD_PAGE.test(new URL(url).pathname)) return;
  caches
    .open(PAGES)
    .then(function (cache) {
      return cache.put(url, new Response(html, { headers: { "Content-Type": type } }));
    })
    .catch(function () {
      return null;
    });
}

export function arrive(main, statusText) {
  var player = main.querySelector(".player");
  var status = main.querySelector("[data-player-status]");
  if (statusText && status) setStatus(status, statusText);
  else if (statusText) showSynced();
  var target =
    main.querySelector(".feedback") ||
    main.querySelector(".error, .flash-error") ||
    (player &&
      player.querySelector(".card-content h2, .card-content .question, .card-content legend")) ||
    main.querySelector("h1");
  window.scrollTo(0, 0);
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }
  var words = [];
  if (player) words.push(textOf(player, ".player-progress-text"));
  else words.push(textOf(main, "h1"));
  var verdict = textOf(main, ".feedback-verdict") || textOf(main, ".error");
  if (verdict) words.push(verdict);
  if (statusText) words.push(statusText);
  announce(words.filter(Boolean).join(". "));
  if (player) enhancePlayer(player);
}

export function go(url, options) {
  options = options || {};
  var fromCache = function () {
    return cached(url).then(function (response) {
      if (response) return show(response, Object.assign({ fromCache: true }, options));
      var player = document.querySelector(".player");
      var status = document.querySelector("[data-player-status]");
      if (player && status) setStatus(status, player.dataset.msgNotSaved, "problem");
      return null;
    });
  };
  if (offline()) return fromCache();
  return fetchWithin(url, { credentials: "same-origin", headers: { Accept: "text/html" } }, POST_WAIT_MS)
    .then(function (response) {
      return show(response, options);
    })
    .catch(fromCache);
}

function cached(url) {
  if (!window.caches) return Promise.resolve(null);
  return caches
    .open(PAGES)
    .then(function (cache) {
      return cache.match(url, { ignoreVary: true });
    })
    .catch(function () {
      return null;
    });
}

export function followPlayerLink(event) {
  // A click on the player's own links ("Forrige kort"): shown without loading a page.
  var link = event.target.closest ? event.target.closest("a[data-player-link]") : null;
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  goTo(withoutHash(link.href), true);
}

export function followHistory() {
  // Back and forward between the cards and pages the player showed.
  var url = withoutHash(location.href);
  if (url === shownUrl || !(history.state && history.state.lvPlayer)) return;
  goTo(url, false);
}

function goTo(url, push) {
  var player = document.querySelector(".player");
  var bundle = player && loadedBundle(player);
  var index = bundle ? cardIndexIn(player, url) : -1;
  if (index >= 0) return showCard(player, bundle, index, { push: push });
  return go(url, { push: push });
}
