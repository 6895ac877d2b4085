/* Lærevakt's service worker: keeps a started module on the phone so a learner can go on without
   signal (a basement, a lift, a rural road).

   - Card pages (/attempts/<id>/cards/<n>) are fetched from the network first and kept; without
     network, the kept copy is served, or else the kept page of another card of the same attempt:
     player.js then shows the card asked for from the module's bundle.
   - The bundle (/learn/<id>/bundle/...json) and media files (/media/...) never change under their
     URL: served from the cache when there. player.js keeps both when a card page opens.
   - The player's own assets (/static/...): network first, the kept copy without network. The player's
     script and its parts (static/js/player/) are kept when the worker installs: with a part missing,
     the player would not run without network.
   - Everything else passes through untouched.

   Answers given offline are not handled here: player.js queues them in IndexedDB and sends them
   from the page, which holds the CSRF token. The page cache ("lv-pages") is emptied on sign-out.

   The offline page speaks the person's language: the server (lms/learning/views.py) writes its texts
   as a JSON object in place of OFFLINE_TEXTS below, so the script's bytes change with the language and
   the browser installs the new one at its next update check. */

"use strict";

const VERSION = "3";
const ASSETS = "lv-assets-" + VERSION;
const PAGES = "lv-pages";
const BASE = new URL("./", self.location).pathname;
const PLAYER_PARTS = ["answering", "cards", "common", "keeping", "pages", "sync"];
const ASSET_URLS = [
  "static/css/app.css",
  "static/css/player.css",
  "static/js/player.js",
  ...PLAYER_PARTS.map((part) => "static/js/player/" + part + ".js"),
  "static/favicon.svg",
].map((path) => BASE + path);
const CARD_PAGE = new RegExp("^" + BASE + "attempts/\\d+/cards/\\d+$");
const BUNDLE = new RegExp("^" + BASE + "learn/[^/]+/bundle/");
const NETWORK_WAIT_MS = 6000;
const OFFLINE = /* OFFLINE_TEXTS */ {};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((cache) =>
        Promise.all(ASSET_URLS.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => null)))
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("lv-assets-") && name !== ASSETS)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (CARD_PAGE.test(path)) {
    event.respondWith(networkFirst(request, PAGES));
  } else if (BUNDLE.test(path) || path.startsWith(BASE + "media/")) {
    event.respondWith(cacheFirst(request, PAGES));
  } else if (path.startsWith(BASE + "static/")) {
    event.respondWith(networkFirst(request, ASSETS));
  } else if (
    request.mode === "navigate" &&
    (path.startsWith(BASE + "attempts/") || path.startsWith(BASE + "learn/"))
  ) {
    event.respondWith(fetch(request).catch(() => offlinePage()));
  }
});

function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    if (keepable(response)) {
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const kept =
      (await cache.match(request.url, { ignoreVary: true, ignoreSearch: false })) ||
      (await anotherCardOf(cache, request.url));
    return kept || offlinePage(request);
  }
}

async function anotherCardOf(cache, url) {
  // The kept page of any card of the same attempt: its player shows the card asked for.
  if (!CARD_PAGE.test(new URL(url).pathname)) return null;
  const attempt = url.replace(/cards\/\d+$/, "cards/");
  const keys = await cache.keys();
  const other = keys.find((request) => request.url.startsWith(attempt) && /\d+$/.test(request.url));
  return other ? cache.match(other, { ignoreVary: true }) : null;
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(request.url, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) {
    await cache.put(request.url, response.clone());
  }
  return response;
}

function offlinePage(request) {
  if (request && request.mode !== "navigate") {
    return Response.error();
  }
  const body =
    '<!doctype html><html lang="' + escapeHtml(OFFLINE.lang) + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>" + escapeHtml(OFFLINE.title) + " – Lærevakt</title>" +
    '<link rel="stylesheet" href="' + BASE + 'static/css/app.css"></head>' +
    '<body><main id="main" tabindex="-1"><div class="narrow">' +
    "<h1>" + escapeHtml(OFFLINE.heading) + "</h1>" +
    "<p>" + escapeHtml(OFFLINE.text) + "</p>" +
    '<p><a class="button button-wide" href="' + BASE + '">' + escapeHtml(OFFLINE.home) + "</a></p>" +
    "</div></main></body></html>";
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

function escapeHtml(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return String(text).replace(/[&<>"']/g, (character) => entities[character]);
}

/* ---------- BEGIN push section (reminders; owned by lms/reminders, edit only between these marks) ----------
   A reminder sent by web push arrives as JSON {title, body, url}; it is shown as a notification, and
   a tap opens (or focuses) the reminder's link on this site. */

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: event.data ? event.data.text() : "" };
  }
  const title = data.title || "Lærevakt";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      data: { url: data.url || BASE },
      icon: BASE + "static/favicon.svg",
      lang: OFFLINE.lang || "nb",
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || BASE, self.location);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});
/* ---------- END push section ---------- */
