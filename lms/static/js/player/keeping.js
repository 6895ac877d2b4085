/* Keeping the module on the phone: the service worker (sw.js) is registered, and the module's
   bundle, its media and the card's page are put in the "lv-pages" cache, from which the worker
   serves them without network. Emptied on sign-out. */

import { cardUrl } from "./cards.js";
import { PAGES, SW_URL, offline, setStatus } from "./common.js";

export function registerWorker() {
  if (!SW_URL || !("serviceWorker" in navigator) || !window.caches) return Promise.resolve(null);
  return navigator.serviceWorker.register(SW_URL, { scope: new URL("./", new URL(SW_URL, location.href)).pathname })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .catch(function () {
      return null;
    });
}

function mediaIn(html) {
  var doc = new DOMParser().parseFromString(html, "text/html");
  var urls = [];
  doc.querySelectorAll("img[src], video[poster], source[src], track[src]").forEach(function (element) {
    var value = element.getAttribute(element.tagName === "VIDEO" ? "poster" : "src");
    var url = new URL(value, location.href);
    if (url.origin === location.origin) urls.push(url.href);
  });
  return urls;
}

function keep(cache, url) {
  return cache.match(url, { ignoreVary: true }).then(function (known) {
    if (known) return { response: known, fetched: false };
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error("not kept: " + url);
      return cache.put(url, response.clone()).then(function () {
        return { response: response, fetched: true };
      });
    });
  });
}

const keeping = {}; // attempt -> true: its module is being kept, or is kept

export function keepModule(player, bundle) {
  // The bundle, the module's media and this card's page (the service worker serves it for any
  // card of the attempt without network; the player then shows the card asked for).
  var attempt = player.dataset.attempt;
  if (player.dataset.completed === "true" || offline() || keeping[attempt]) return;
  keeping[attempt] = true;
  var page = cardUrl(player, Number(player.dataset.index));
  var media = [];
  bundle.cards.forEach(function (card) {
    media = media.concat(mediaIn(card.html));
  });
  var urls = [new URL(player.dataset.bundle, location.href).href, page].concat(
    media.filter(function (url, index) {
      return media.indexOf(url) === index;
    })
  );
  var fetched = false;
  registerWorker()
    .then(function (registration) {
      if (!registration) throw new Error("no service worker");
      return caches.open(PAGES);
    })
    .then(function (cache) {
      return Promise.all(
        urls.map(function (url) {
          return keep(cache, url).then(function (kept) {
            fetched = fetched || kept.fetched;
          });
        })
      );
    })
    .then(function () {
      document.documentElement.setAttribute("data-offline-ready", attempt);
      var status = document.querySelector(".player[data-attempt='" + attempt + "'] [data-player-status]");
      if (fetched && status && status.hidden) setStatus(status, player.dataset.msgReady);
    })
    .catch(function () {
      keeping[attempt] = false;
    });
}

export function forgetPagesThenSubmit(event, form) {
  // On sign-out: the pages kept on the phone are the person's, so they go first.
  if (!window.caches || form.dataset.forgotten) return;
  event.preventDefault();
  form.dataset.forgotten = "true";
  caches
    .delete(PAGES)
    .catch(function () {
      return null;
    })
    .then(function () {
      form.submit();
    });
}
