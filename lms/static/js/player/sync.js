/* Answers and progress between the phone and the server: sent as JSON in the background, and
   without network kept in IndexedDB ("answers" by client id, "progress" by attempt) until they can
   be sent: when the network returns, and on every page load. An answer's reply carries the card as
   the server graded it, handed to the card shown (cards.js). */

import { gradedArrived } from "./cards.js";
import { MSG_SYNCED, announce, csrfToken, offline, setStatus } from "./common.js";

const DB_NAME = "laerevakt";
let syncing = null;

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

export function queueAnswer(entry) {
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

export function rememberProgress(entry) {
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

export function sync() {
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

export function postAnswer(entry) {
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

export function postProgress(entry) {
  // 200 {moved, done_url}; 409 {moved: false, missing}: an answer has not arrived yet.
  return postJson(entry.next_url).then(function (response) {
    if (response.status !== 200 && response.status !== 409) throw new Error("not moved");
    return response.json();
  });
}

export function showSynced() {
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
