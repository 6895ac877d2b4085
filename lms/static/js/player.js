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

  var lastToken = null;

  function csrfToken() {
    // The page's token, remembered: the done page shown without network has no form.
    var input = document.querySelector('input[name="csrf_token"]');
    if (input) lastToken = input.value;
    return lastToken;
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
    if (!csrfToken()) return Promise.resolve(null);
    return Promise.all([allOf("answers"), allOf("progress")]).then(function (found) {
      var answers = found[0];
      var progress = found[1];
      if (!answers.length && !progress.length) return null;
      answers.sort(function (a, b) {
        return a.answered_at < b.answered_at ? -1 : 1;
      });
      var kept = {};
      var sent = 0;
      var finished = null;
      var chain = Promise.resolve();
      answers.forEach(function (entry) {
        chain = chain.then(function () {
          return postAnswer(entry).then(
            function () {
              sent += 1;
              return removeFrom("answers", entry.client_id);
            },
            function () {
              kept[entry.attempt] = true;
            }
          );
        });
      });
      progress.forEach(function (entry) {
        chain = chain.then(function () {
          if (kept[entry.attempt]) return null;
          return postProgress(entry).then(
            function (result) {
              if (!result.moved) return null;
              sent += 1;
              if (result.done_url && document.querySelector('[data-offline-done="' + entry.attempt + '"]')) {
                finished = result.done_url;
              }
              return removeFrom("progress", entry.attempt);
            },
            function () {
              return null;
            }
          );
        });
      });
      return chain.then(function () {
        if (finished) location.assign(finished);
        else if (sent) showSynced();
        return null;
      });
    });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body || {}),
    });
  }

  function postAnswer(entry) {
    // 201: stored; 200: the server had it already; 400 (JSON): it can never be stored.
    return postJson(entry.sync_url, {
      card_id: entry.card_id,
      client_id: entry.client_id,
      fields: entry.fields,
      answered_at: entry.answered_at,
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
      if (!json || [200, 201, 400].indexOf(response.status) < 0) throw new Error("not stored");
      return response.json().then(function (result) {
        if (result.html) gradedArrived(entry.attempt, entry.card_id, result.html);
        return result;
      });
    });
  }

  function postProgress(entry) {
    // 200 {moved, done_url}; 409 {moved: false, missing}: an answer has not arrived yet.
    return postJson(entry.next_url).then(function (response) {
      if (response.status !== 200 && response.status !== 409) throw new Error("not moved");
      return response.json();
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

  /* ---------- the bundle: the module's cards on the phone ---------- */

  var bundles = {}; // address -> the bundle, once it has arrived
  var loading = {}; // address -> Promise of the bundle
  var graded = {}; // "attempt:card" -> the card as graded by the server (HTML)
  var answered = {}; // "attempt:card" -> true: the server has (or will have) an answer
  var outbox = Promise.resolve(); // answers and progress, sent in order in the background

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

  function cardUrl(player, index) {
    return new URL(player.dataset.cardUrl + index, location.href).href;
  }

  function parts(player) {
    return {
      answerForm: player.querySelector('form[data-player-form="answer"]'),
      answerSlot: player.querySelector('form[data-player-form="answer"] [data-card-slot]'),
      view: player.querySelector(".card-view[data-card-slot]"),
      nextForm: player.querySelector('form[data-player-form="next"]'),
      status: player.querySelector("[data-player-status]"),
      prev: player.querySelector("a[data-player-link][rel=prev]"),
    };
  }

  function showCard(player, bundle, index, options) {
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
    if (options.push) history.pushState({ lvPlayer: true }, "", url);
    shownUrl = url;
    arrive(document.querySelector("main"), options.status);
    return Promise.resolve();
  }

  function gradedArrived(attempt, cardId, html) {
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

  function tellProblem(status, problem) {
    setStatus(status, problem, "problem");
    status.setAttribute("tabindex", "-1");
    status.focus();
    announce(problem);
  }

  function answer(player, form, bundle) {
    var part = parts(player);
    var problem = problemIn(form, player);
    if (problem) return tellProblem(part.status, problem);
    var index = Number(player.dataset.index);
    var card = bundle.cards[index];
    var entry = {
      client_id: newId(),
      attempt: player.dataset.attempt,
      card_id: card.id,
      fields: fieldsOf(form),
      answered_at: new Date().toISOString(),
      sync_url: new URL(player.dataset.syncUrl, location.href).href,
    };
    answered[keyOf(entry.attempt, card.id)] = true;
    send(entry, player);
    if (!card.scored) return goNext(player, bundle);
    showSent(player, part);
  }

  function showSent(player, part) {
    // The answer is on its way: the card stays, locked, with "Svar sendt" until it is graded.
    var chip = document.createElement("p");
    chip.className = "player-sent";
    chip.setAttribute("data-player-sent", "");
    chip.textContent = player.dataset.msgSent;
    part.view.replaceChildren(chip);
    while (part.answerSlot.firstChild) part.view.appendChild(part.answerSlot.firstChild);
    part.view.classList.add("card-answered");
    Array.prototype.forEach.call(part.view.querySelectorAll("input, select, textarea"), function (field) {
      field.disabled = true;
    });
    part.answerForm.hidden = true;
    part.view.hidden = false;
    part.nextForm.hidden = false;
    chip.setAttribute("tabindex", "-1");
    chip.focus({ preventScroll: true });
    announce(chip.textContent);
  }

  function send(entry, player) {
    outbox = outbox
      .then(function () {
        if (offline()) throw new Error("offline");
        return postAnswer(entry);
      })
      .catch(function () {
        return queueAnswer(entry).then(function () {
          queued(player);
        });
      })
      .catch(function () {
        return null;
      });
  }

  function queued(player) {
    if (!player.isConnected) return;
    var status = parts(player).status;
    setStatus(status, player.dataset.msgQueued);
    announce(player.dataset.msgQueued);
  }

  function progressEntry(player, index) {
    return {
      attempt: player.dataset.attempt,
      reached: index + 1,
      next_url: new URL(player.dataset.cardUrl + index + "/next", location.href).href,
    };
  }

  function goNext(player, bundle) {
    var index = Number(player.dataset.index);
    var entry = progressEntry(player, index);
    if (index + 1 >= bundle.cards.length) return finish(player, entry);
    showCard(player, bundle, index + 1, { push: true });
    outbox = outbox.then(function () {
      if (offline()) return rememberProgress(entry);
      return postProgress(entry).then(
        function (result) {
          if (!result.moved) return rememberProgress(entry);
          return null;
        },
        function () {
          return rememberProgress(entry);
        }
      );
    });
    return Promise.resolve();
  }

  function finish(player, entry) {
    // Past the last card: the server completes the attempt and the done page says how it went.
    var message = player.dataset.msgQueued;
    busy = true;
    outbox = outbox
      .then(function () {
        if (offline()) throw new Error("offline");
        return sync().then(function () {
          return postProgress(entry);
        });
      })
      .then(
        function (result) {
          if (result.done_url) return location.assign(result.done_url);
          if (result.missing !== undefined) return location.assign(cardUrl(player, result.missing));
          throw new Error("not moved");
        },
        function () {
          return rememberProgress(entry).then(function () {
            showDoneWithoutNetwork(player, message);
          });
        }
      )
      .catch(function () {
        return null;
      })
      .then(function () {
        busy = false;
      });
    return outbox;
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

  function postPage(form) {
    // Without the bundle: post the form and show the page the server answers with.
    if (form.dataset.playerForm === "answer") {
      var id = form.querySelector('input[name="client_id"]');
      if (id && !id.value) id.value = newId();
    }
    return fetchWithin(
      form.action,
      {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        body: new URLSearchParams(new FormData(form)),
      },
      POST_WAIT_MS
    ).then(function (response) {
      return show(response, { push: true });
    });
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
    var bundle = bundles[player.dataset.bundle];
    if (bundle) {
      if (kind === "answer") answer(player, form, bundle);
      else goNext(player, bundle);
      return;
    }
    busy = true;
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    postPage(form)
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
    goTo(withoutHash(link.href), true);
  });

  window.addEventListener("popstate", function () {
    var url = withoutHash(location.href);
    if (url === shownUrl || !(history.state && history.state.lvPlayer)) return;
    goTo(url, false);
  });

  function goTo(url, push) {
    var player = document.querySelector(".player");
    var bundle = player && bundles[player.dataset.bundle];
    var index = bundle ? cardIndexIn(player, url) : -1;
    if (index >= 0) return showCard(player, bundle, index, { push: push });
    return go(url, { push: push });
  }

  function cardIndexIn(player, url) {
    // The card's index when ``url`` is a card of the player's attempt, else -1.
    var base = new URL(player.dataset.cardUrl, location.href).href;
    var rest = url.indexOf(base) === 0 ? url.slice(base.length) : "";
    if (!/^\d+$/.test(rest) || Number(rest) >= Number(player.dataset.cards)) return -1;
    return Number(rest);
  }

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

  var keeping = {};

  function keepModule(player, bundle) {
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

  function enhancePlayer(player) {
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

  /* ---------- on every page load ---------- */

  function start() {
    csrfToken();
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
