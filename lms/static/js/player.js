/* Lærevakt's player, better with JavaScript: the pages work without it.

   - The player runs on the phone from the module version's bundle (/learn/<id>/bundle/...json: every
     card as the server renders it, in the reader's language, immutable per content hash). Moving to
     the next card swaps in the card's fragment from the bundle: no request is waited for. The
     address follows (history.pushState; back and forward work), focus moves to the new card and a
     polite live region says where the learner is.
   - Answers go to the server in the background, as JSON to /attempts/<id>/answers, each with an id
     made on the phone (client_id), so an answer sent twice is stored once. The server grades: its
     reply carries the card as graded, which replaces the card when it is still shown ("Svar sendt"
     until then). Progress follows each answer (.../next, as JSON); past the last card the server
     completes the attempt and the done page is shown.
   - Without network an answer and the progress are queued in IndexedDB and sent when the network
     returns (the "online" event, and every page load); the feedback then arrives as above, and
     the done page reviews what was missed.
   - Without the bundle (not loaded yet), a form is posted with fetch and the page's <main> swapped.

   Texts come from data-* attributes rendered by the server, in the reader's language.

   An ES module (<script type="module">): browsers without modules get the pages as they are. Its
   parts, in player/:
   - cards.js: the bundle, and a card shown from it;
   - answering.js: the player's forms, answers and progress sent in the background, in order;
   - sync.js: sending to the server, and the queue in IndexedDB while there is no network;
   - pages.js: a server page swapped in, focus, the live region's words, back and forward;
   - keeping.js: the service worker, and the module kept in the cache for use without network;
   - common.js: the page's settings and small helpers.
   They use one another's functions, some in a circle (a page shown may hold a player, whose card
   is shown from the bundle, ...): ES modules allow it, as nothing runs before start() below, when
   every part has loaded. The service worker keeps every part (PLAYER_PARTS in sw.js). */

import { submitPlayerForm } from "./player/answering.js";
import { enhancePlayer } from "./player/cards.js";
import { csrfToken, setStatus } from "./player/common.js";
import { forgetPagesThenSubmit, registerWorker } from "./player/keeping.js";
import { followHistory, followPlayerLink } from "./player/pages.js";
import { sync } from "./player/sync.js";

function supported() {
  return !!(window.fetch && window.DOMParser && window.URLSearchParams && window.Promise);
}

function submitted(event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var path = new URL(form.action, location.href).pathname;
  if (/\/logout(\/everywhere)?$/.test(path)) {
    forgetPagesThenSubmit(event, form);
    return;
  }
  submitPlayerForm(event, form);
}

function wentOffline() {
  var player = document.querySelector(".player");
  var status = document.querySelector("[data-player-status]");
  if (player && status && status.hidden) setStatus(status, player.dataset.msgOffline);
}

/* ---------- on every page load ---------- */

function start() {
  document.addEventListener("submit", submitted);
  document.addEventListener("click", followPlayerLink);
  window.addEventListener("popstate", followHistory);
  window.addEventListener("online", function () {
    sync();
  });
  window.addEventListener("offline", wentOffline);

  csrfToken();
  var player = document.querySelector(".player");
  if (player) {
    history.replaceState({ lvPlayer: true }, "", location.href);
    enhancePlayer(player);
  } else if (document.querySelector("[data-player-module]")) {
    registerWorker();
  }
  sync();

  // Exposed for the browser tests and for debugging on a phone: send the queue now.
  window.laerevakt = { sync: sync };
}

if (supported()) start();
