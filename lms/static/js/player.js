/* Lærevakt's player, better with JavaScript: the pages work without it.

   - Answers and "Neste" are posted with fetch; the next page's <main> replaces the current one,
     the address follows (history.pushState, and back/forward work), focus moves to the new card and
     a polite live region says where the learner is.
   - Every answer carries an id made on the phone (client_id), so an answer sent twice is stored once.
   - The service worker (/sw.js) keeps the started module on the phone. Without network an answer is
     queued in IndexedDB and the learner goes on to the next card from the cache; the queue is sent to
     /attempts/<id>/answers as JSON when the network returns (the "online" event, and every page
     load), followed by the progress (.../next for the last card reached).

   Texts come from data-* attributes rendered by the server, in the reader's language. */

(function () {
  "use strict";

  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.Promise) return;

  var script = document.querySelector("script[data-sw]");
  var SW_URL = script ? script.dataset.sw : null;
  var MSG_SYNCED = script ? script.dataset.msgSynced : "";
  var PAGES = "lv-pages";
  var DB_NAME = "laerevakt";
  var POST_WAIT_MS = 15000;
  var busy = false;
  var syncing = null;
  var shownUrl = withoutHash(location.href);
  var announcer = null;

  /* ---------- small helpers ---------- */

  function withoutHash(url) {
    var parsed = new URL(url, location.href);
    parsed.hash = "";
    return parsed.href;
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return (
      hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20)
    );
  }

  function csrfToken() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : null;
  }

  function offline() {
    return navigator.onLine === false;
  }

  function fetchWithin(url, options, ms) {
    if (!window.AbortController) return fetch(url, options);
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, ms);
    options.signal = controller.signal;
    return fetch(url, options).then(
      function (response) {
        clearTimeout(timer);
        return response;
      },
      function (error) {
        clearTimeout(timer);
        throw error;
      }
    );
  }

  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "polite");
      announcer.setAttribute("aria-atomic", "true");
      announcer.setAttribute("data-player-announcer", "");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  }

  function textOf(root, selector) {
    var found = root.querySelector(selector);
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* ---------- IndexedDB: the queue of answers and the progress made offline ---------- */

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        reject(new Error("no IndexedDB"));
        return;
      }
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("answers")) {
          db.createObjectStore("answers", { keyPath: "client_id" });
        }
        if (!db.objectStoreNames.contains("progress")) {
          db.createObjectStore("progress", { keyPath: "attempt" });
        }
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function store(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result;
        transaction.oncomplete = function () {
          db.close();
          resolve(result);
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
        var request = work(transaction.objectStore(name));
        if (request) {
          request.onsuccess = function () {
            result = request.result;
          };
        }
      });
    });
  }

  function allOf(name) {
    return store(name, "readonly", function (objects) {
      return objects.getAll();
    });
  }

  function removeFrom(name, key) {
    return store(name, "readwrite", function (objects) {
      return objects.delete(key);
    });
  }

  function queueAnswer(entry) {
    return allOf("answers").then(function (queued) {
      var already = queued.some(function (other) {
        return other.attempt === entry.attempt && other.card_id === entry.card_id;
      });
      if (already) return null; // the first answer to a card counts, as on the server
      return store("answers", "readwrite", function (objects) {
        return objects.put(entry);
      });
    });
  }

  function rememberProgress(entry) {
    return store("progress", "readwrite", function (objects) {
      var request = objects.get(entry.attempt);
      request.onsuccess = function () {
        var known = request.result;
        if (!known || known.reached < entry.reached) objects.put(entry);
      };
      return null;
    });
  }

  /* ---------- sending what was queued ---------- */

  function sync() {
    if (!syncing) {
      syncing = sendQueued()
        .catch(function () {
          return null;
        })
        .then(function (result) {
          syncing = null;
          return result;
        });
    }
    return syncing;
  }

  function sendQueued() {
    if (offline() || !window.indexedDB) return Promise.resolve(null);
    var token = csrfToken();
    if (!token) return Promise.resolve(null);
    return Promise.all([allOf("answers"), allOf("progress")]).then(function (found) {
      var answers = found[0];
      var progress = found[1];
      if (!answers.length && !progress.length) return null;
      answers.sort(function (a, b) {
        return a.answered_at < b.answered_at ? -1 : 1;
      });
      var kept = {};
      var sent = 0;
      var chain = Promise.resolve();
      answers.forEach(function (entry) {
        chain = chain.then(function () {
          return fetch(entry.sync_url, {
            method: "POST",
            credentials: "same-origin",
            headers: {
              "Content-Type": "application/json",
              Accept: "application/json",
              "X-CSRFToken": token,
            },
            body: JSON.stringify({
              card_id: entry.card_id,
              client_id: entry.client_id,
              fields: entry.fields,
              answered_at: entry.answered_at,
            }),
          }).then(function (response) {
            var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
            // 201: stored; 200: the server had it already; 400 (JSON): it can never be stored.
            if (json && [200, 201, 400].indexOf(response.status) >= 0) {
              sent += 1;
              return removeFrom("answers", entry.client_id);
            }
            kept[entry.attempt] = true;
            return null;
          });
        });
      });
      var finished = null;
      progress.forEach(function (entry) {
        chain = chain.then(function () {
          if (kept[entry.attempt]) return null;
          return fetch(entry.next_url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": token, Accept: "text/html" },
          }).then(function (response) {
            var landed = new URL(response.url, location.href).pathname;
            if (!response.ok || landed.indexOf(entry.attempt_path) !== 0) return null;
            sent += 1;
            if (document.querySelector('[data-offline-done="' + entry.attempt + '"]')) {
              finished = response;
            }
            return removeFrom("progress", entry.attempt);
          });
        });
      });
      return chain.then(function () {
        if (finished) {
          return show(finished, { push: true, status: MSG_SYNCED });
        }
        if (sent) showSynced();
        return null;
      });
    });
  }

  function showSynced() {
    if (!MSG_SYNCED) return;
    var status = document.querySelector("[data-player-status]");
    if (status) {
      setStatus(status, MSG_SYNCED);
    } else {
      var main = document.querySelector("main");
      if (!main || main.querySelector("[data-synced]")) return;
      var note = document.createElement("p");
      note.className = "flash flash-success";
      note.setAttribute("data-synced", "");
      note.textContent = MSG_SYNCED;
      main.insertBefore(note, main.firstChild);
    }
    announce(MSG_SYNCED);
  }

  /* ---------- showing a page ---------- */

  function setStatus(element, text, kind) {
    element.textContent = text;
    element.hidden = !text;
    element.classList.toggle("player-status-problem", kind === "problem");
  }

  function show(response, options) {
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
      current.replaceWith(document.adoptNode(fresh));
      var freshFooter = doc.querySelector(".site-footer");
      var footer = document.querySelector(".site-footer");
      if (freshFooter && footer) footer.replaceWith(document.adoptNode(freshFooter));
      if (doc.title) document.title = doc.title;
      if (options.push) {
        var state = { lvPlayer: true };
        if (url === withoutHash(location.href)) history.replaceState(state, "", url);
        else history.pushState(state, "", url);
      }
      shownUrl = url;
      if (!options.fromCache) keepShown(url, html, type);
      arrive(fresh, options.status);
    });
  }

  var CARD_PAGE = /\/attempts\/\d+\/cards\/\d+$/;

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

  function arrive(main, statusText) {
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

  function go(url, options) {
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

  /* ---------- the player's forms ---------- */

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "client_id") return;
      if (name in fields) {
        fields[name] = [].concat(fields[name], value);
      } else {
        fields[name] = value;
      }
    });
    // Checkboxes answer with a list, even when one box is ticked.
    Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"]'), function (box) {
      if (box.name in fields && !Array.isArray(fields[box.name])) fields[box.name] = [fields[box.name]];
    });
    return fields;
  }

  function problemIn(form, player) {
    var choices = form.querySelectorAll('input[type="radio"], input[type="checkbox"]');
    if (choices.length && !form.querySelector("input:checked")) return player.dataset.msgChoose;
    var places = Array.prototype.map.call(form.querySelectorAll("select"), function (select) {
      return select.value;
    });
    if (places.length) {
      var distinct = places.filter(function (value, index) {
        return value && places.indexOf(value) === index;
      });
      if (distinct.length !== places.length) return player.dataset.msgOrder;
    }
    return null;
  }

  function goOnWithoutNetwork(player, form, kind) {
    var attempt = player.dataset.attempt;
    var index = Number(player.dataset.index);
    var total = Number(player.dataset.cards);
    var cardBase = player.dataset.cardUrl;
    var attemptPath = new URL(cardBase, location.href).pathname.replace(/cards\/$/, "");
    var status = player.querySelector("[data-player-status]");
    var message = player.dataset.msgOffline;
    var work = Promise.resolve();
    if (kind === "answer") {
      var problem = problemIn(form, player);
      if (problem) {
        setStatus(status, problem, "problem");
        status.setAttribute("tabindex", "-1");
        status.focus();
        announce(problem);
        return Promise.resolve();
      }
      message = player.dataset.msgQueued;
      work = queueAnswer({
        client_id: form.querySelector('input[name="client_id"]').value,
        attempt: attempt,
        card_id: player.dataset.card,
        fields: fieldsOf(form),
        answered_at: new Date().toISOString(),
        sync_url: new URL(attemptPath + "answers", location.href).href,
      });
    }
    var next = index + 1;
    return work
      .then(function () {
        return rememberProgress({
          attempt: attempt,
          reached: next,
          attempt_path: attemptPath,
          next_url: new URL(cardBase + index + "/next", location.href).href,
        });
      })
      .then(function () {
        if (next >= total) return showDoneWithoutNetwork(player, message);
        return go(new URL(cardBase + next, location.href).href, { push: true, status: message });
      });
  }

  function showDoneWithoutNetwork(player, message) {
    var main = document.querySelector("main");
    var box = document.createElement("div");
    box.className = "narrow done";
    box.setAttribute("data-offline-done", player.dataset.attempt);
    var heading = document.createElement("h1");
    heading.textContent = player.dataset.msgDoneTitle;
    var status = document.createElement("p");
    status.className = "player-status";
    status.setAttribute("data-player-status", "");
    status.textContent = message;
    var text = document.createElement("p");
    text.textContent = player.dataset.msgDone;
    var home = document.createElement("a");
    home.className = "button button-wide";
    home.href = player.dataset.homeUrl;
    home.textContent = player.dataset.msgHome;
    var line = document.createElement("p");
    line.appendChild(home);
    box.append(heading, status, text, line);
    main.replaceChildren(box);
    window.scrollTo(0, 0);
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    announce(heading.textContent + ". " + message);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var path = new URL(form.action, location.href).pathname;
    if (/\/logout(\/everywhere)?$/.test(path)) {
      forgetPagesThenSubmit(event, form);
      return;
    }
    var kind = form.dataset.playerForm;
    var player = form.closest(".player");
    if (!kind || !player) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    if (kind === "answer") {
      var id = form.querySelector('input[name="client_id"]');
      if (id && !id.value) id.value = newId();
    }
    var sending = offline()
      ? Promise.reject(new Error("offline"))
      : fetchWithin(
          form.action,
          {
            method: "POST",
            credentials: "same-origin",
            headers: { Accept: "text/html" },
            body: new URLSearchParams(new FormData(form)),
          },
          POST_WAIT_MS
        );
    sending
      .then(
        function (response) {
          return show(response, { push: true });
        },
        function () {
          return goOnWithoutNetwork(player, form, kind);
        }
      )
      .catch(function () {
        form.submit();
      })
      .then(function () {
        busy = false;
        if (button && button.isConnected) button.disabled = false;
      });
  });

  function forgetPagesThenSubmit(event, form) {
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

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-player-link]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    go(link.href, { push: true });
  });

  window.addEventListener("popstate", function () {
    var url = withoutHash(location.href);
    if (url === shownUrl || !(history.state && history.state.lvPlayer)) return;
    go(url, { push: false });
  });

  window.addEventListener("online", function () {
    sync();
  });

  window.addEventListener("offline", function () {
    var player = document.querySelector(".player");
    var status = document.querySelector("[data-player-status]");
    if (player && status && status.hidden) setStatus(status, player.dataset.msgOffline);
  });

  /* ---------- keeping the module on the phone ---------- */

  function registerWorker() {
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
    doc.querySelectorAll("main img[src], main video[poster], main source[src], main track[src]").forEach(
      function (element) {
        var value = element.getAttribute(element.tagName === "VIDEO" ? "poster" : "src");
        var url = new URL(value, location.href);
        if (url.origin === location.origin) urls.push(url.href);
      }
    );
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

  var keeping = {};

  function keepModule(player) {
    var attempt = player.dataset.attempt;
    if (player.dataset.completed === "true" || offline() || keeping[attempt]) return;
    keeping[attempt] = true;
    var total = Number(player.dataset.cards);
    var urls = [];
    for (var n = 0; n < total; n++) urls.push(new URL(player.dataset.cardUrl + n, location.href).href);
    var fetched = false;
    registerWorker()
      .then(function (registration) {
        if (!registration) throw new Error("no service worker");
        return caches.open(PAGES);
      })
      .then(function (cache) {
        var media = [];
        var chain = Promise.resolve();
        urls.forEach(function (url) {
          chain = chain.then(function () {
            return keep(cache, url).then(function (kept) {
              fetched = fetched || kept.fetched;
              return kept.response.clone().text().then(function (html) {
                media = media.concat(mediaIn(html));
              });
            });
          });
        });
        return chain.then(function () {
          return Promise.all(
            media
              .filter(function (url, index) {
                return media.indexOf(url) === index;
              })
              .map(function (url) {
                return keep(cache, url);
              })
          );
        });
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

  function enhancePlayer(player) {
    if (offline()) {
      var status = player.querySelector("[data-player-status]");
      if (status && status.hidden) setStatus(status, player.dataset.msgOffline);
      return;
    }
    keepModule(player);
  }

  /* ---------- on every page load ---------- */

  function start() {
    var player = document.querySelector(".player");
    if (player) {
      history.replaceState({ lvPlayer: true }, "", location.href);
      enhancePlayer(player);
    } else if (document.querySelector("[data-player-module]")) {
      registerWorker();
    }
    sync();
  }

  start();

  // Exposed for the browser tests and for debugging on a phone: send the queue now.
  window.laerevakt = { sync: sync };
})();
