/* The player's settings from the page, and the small helpers every part uses: addresses, ids, the
   CSRF token, the status line and the polite live region that says what happened. */

const script = document.querySelector("script[data-sw]");
export const SW_URL = script ? script.dataset.sw : null;
export const MSG_SYNCED = script ? script.dataset.msgSynced : "";
export const PAGES = "lv-pages"; // the cache of pages, the bundle and media (sw.js has the same name)
export const POST_WAIT_MS = 15000;

let announcer = null;

export function withoutHash(url) {
  var parsed = new URL(url, location.href);
  parsed.hash = "";
  return parsed.href;
}

export function newId() {
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

let lastToken = null;

export function csrfToken() {
  // The page's token, remembered: the done page shown without network has no form.
  var input = document.querySelector('input[name="csrf_token"]');
  if (input) lastToken = input.value;
  return lastToken;
}

export function offline() {
  return navigator.onLine === false;
}

export function fetchWithin(url, options, ms) {
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

export function announce(text) {
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

export function textOf(root, selector) {
  var found = root.querySelector(selector);
  return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
}

export function setStatus(element, text, kind) {
  element.textContent = text;
  element.hidden = !text;
  element.classList.toggle("player-status-problem", kind === "problem");
}
