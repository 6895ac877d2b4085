/* Lærevakt's group runs, better with JavaScript: the pages work without it (an "Oppdater" link on
   the shared screen; the phone's page shows the current card whenever it is loaded).

   - The phone asks the run's state (/groups/live/<token>, a few bytes of JSON) every 0.45-0.75 s:
     0.6 s with random jitter, so a room of phones does not fall into step, counted from the start
     of the previous ask, and at once when the page is shown again. It sends the ETag it last got
     (If-None-Match) and no cookies: the token in the address is all the server needs, and the
     answer is 304 while nothing has changed (lms/groups/live.py). When the facilitator moves to
     another card or closes the run, the phone swaps in its new card: the room's card, which comes
     with the poll's answer for a phone that has not answered it (into its forms the phone puts
     its page's CSRF token), else fetched from the card's address; a polite live
     region says which card it is, and focus moves to the new card's heading only if it was inside
     the part that was replaced. A refused token (403: too old) reloads the page, which brings a
     new one.
   - The shared screen (the presenter view) asks for its changing part (who is here, the group's
     answers) the same way and swaps it in, keeping "Vis riktig svar" open if the facilitator opened
     it. It reloads when the run's revision changes (the facilitator moved on in another window).
     The arrow keys, space, Page Up/Down (a presentation clicker) and Home/End press its buttons;
     a timer per card counts down from the length the facilitator chose.
   - Polling slows down while the page is hidden and resumes at once when it is shown again.
   - An answer carries the moment it was given (answered_at). Given while the browser says it is
     offline (navigator.onLine), the phone keeps it (in sessionStorage, so a reload keeps it too),
     says so under the card, and sends it when the network returns: at the "online" event, on the
     next page load and when a poll gets through after failing. (A post sent while the browser
     thinks it is online but the network is gone fails as a form without JavaScript does.)
     The server dates the answer, and its statement, by that moment when it can be true (between
     the attempt's start and the arrival: lms.core.time.stated_moment), else by the arrival. Once
     it is stored, the page is loaded again and shows the answered card and what the server said.

   Texts come from data-* attributes rendered by the server, in the reader's language. */

(function () {
  "use strict";

  if (!window.fetch || !window.DOMParser || !window.Promise) return;

  var EVERY_MS = 600;
  var JITTER = 0.25; /* each wait is EVERY_MS ± 25 % */
  var HIDDEN_EVERY_MS = 5000;
  var RETRY_MS = 3000;

  function jittered(ms) {
    return ms * (1 - JITTER + 2 * JITTER * Math.random());
  }

  /* Calls tick() again and again; tick returns a promise of false to stop. The wait is counted
     from the start of the previous call, so a slow answer does not stretch the interval. */
  function poller(tick) {
    var timer = null;
    var stopped = false;
    var running = false;
    var again = false;

    function schedule(ms) {
      if (stopped) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(run, Math.max(0, ms));
    }

    function run() {
      if (running) {
        again = true; /* asked to poll now while a poll is out: once it is back */
        return;
      }
      running = true;
      var began = Date.now();
      tick().then(
        function (keepGoing) {
          running = false;
          if (keepGoing === false) {
            stopped = true;
            return;
          }
          if (again) {
            again = false;
            schedule(0);
            return;
          }
          var every = document.hidden ? HIDDEN_EVERY_MS : jittered(EVERY_MS);
          schedule(every - (Date.now() - began));
        },
        function () {
          running = false;
          schedule(jittered(RETRY_MS));
        }
      );
    }

    function now() {
      if (!document.hidden) schedule(0);
    }
    document.addEventListener("visibilitychange", now);
    window.addEventListener("pageshow", now);
    window.addEventListener("online", now);
    schedule(jittered(EVERY_MS));
  }

  function getText(url) {
    return fetch(url, {
      credentials: "same-origin",
      cache: "no-cache",
      headers: { Accept: "text/html" },
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }

  /* ---------- the phone ---------- */

  function followOnPhone(phone) {
    var region = phone.querySelector("[data-group-card]");
    var announcer = phone.querySelector("[data-group-announce]");
    var connection = phone.querySelector("[data-group-connection]");
    var shown = phone.dataset.revision + "/" + phone.dataset.status;
    var failures = 0;

    function say(text) {
      announcer.textContent = "";
      window.setTimeout(function () {
        announcer.textContent = text;
      }, 60);
    }

    /* The new card: the one the poll's answer brought (an open phone that has not answered it),
       else fetched (its own answer, the end screen, a card the server did not send). */
    function newCard(state) {
      if (typeof state.card === "string") return Promise.resolve(state.card);
      var url = phone.dataset.cardUrl;
      return getText(url + (url.indexOf("?") < 0 ? "?" : "&") + "revision=" + state.revision).then(
        function (response) {
          return response.text();
        }
      );
    }

    function swapCard(state) {
      return newCard(state).then(function (html) {
        var hadFocus = region.contains(document.activeElement);
        region.innerHTML = html;
        /* The room's card comes without a CSRF token (it is the same for every phone): the
           forms get this page's, which is this session's. */
        region.querySelectorAll('input[name="csrf_token"]').forEach(function (input) {
          if (!input.value) input.value = phone.dataset.csrf;
        });
        var heading = region.querySelector("[data-group-heading]");
        if (heading) {
          say(phone.dataset.msgNewCard + " " + heading.textContent.replace(/\s+/g, " ").trim());
          if (hadFocus) heading.focus();
        }
      });
    }

    function changed(state) {
      var now = state.revision + "/" + state.status;
      if (now === shown) return true;
      return swapCard(state).then(function () {
        shown = now;
        phone.dataset.status = state.status;
        return state.status !== "closed";
      });
    }

    /* A token the server refuses is too old (the page stayed open past the run's hours): the page
       brings a new one. Once a minute at most, so a server that refuses every token is not asked
       for the page in a loop; then the phone stops asking and says it lost contact. */
    function reloadForToken() {
      var key = "lms-group-token-reload";
      var last = Number(window.sessionStorage.getItem(key) || 0);
      if (Date.now() - last < 60000) {
        connection.textContent = phone.dataset.msgOffline;
        return;
      }
      window.sessionStorage.setItem(key, String(Date.now()));
      window.location.reload();
    }

    /* ---- answers: stamped with the moment they are given, kept while there is no network ---- */

    var keptKey = "lms-group-answer:" + window.location.pathname;

    function stored(key) {
      try {
        return window.sessionStorage.getItem(key);
      } catch (error) {
        return null;
      }
    }

    function keep(form) {
      var answer = { action: form.action, body: new URLSearchParams(new FormData(form)).toString() };
      try {
        window.sessionStorage.setItem(keptKey, JSON.stringify(answer));
      } catch (error) {
        return false; /* private mode: posted as it is, as without JavaScript */
      }
      form.querySelectorAll("input, select, textarea, button").forEach(function (field) {
        field.disabled = true;
      });
      var note = document.createElement("p");
      note.className = "group-wait";
      note.setAttribute("role", "status");
      note.setAttribute("data-group-kept", "");
      note.textContent = phone.dataset.msgKept;
      form.parentNode.insertBefore(note, form.nextSibling);
      return true;
    }

    /* Posts the kept answer; once the server has it (it answers with a redirect, or refuses the
       answer for good with a 4xx), the page is loaded again to show what the server says. A post
       that does not arrive, or a server that is busy (5xx), leaves it kept for the next try. */
    var sending = null;
    function sendKept() {
      var kept = stored(keptKey);
      if (!kept || sending || navigator.onLine === false) return sending;
      var answer = JSON.parse(kept);
      sending = fetch(answer.action, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: answer.body,
      })
        .then(function (response) {
          if (response.type !== "opaqueredirect" && response.status >= 500) return;
          window.sessionStorage.removeItem(keptKey);
          window.location.reload();
        })
        .catch(function () {})
        .then(function () {
          sending = null;
        });
      return sending;
    }

    region.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("[data-group-answer]")) return;
      var moment = form.querySelector('input[name="answered_at"]');
      if (!moment) {
        moment = document.createElement("input");
        moment.type = "hidden";
        moment.name = "answered_at";
        form.appendChild(moment);
      }
      moment.value = new Date().toISOString();
      if (navigator.onLine !== false) return; /* posted as it is */
      if (keep(form)) event.preventDefault();
    });
    window.addEventListener("online", sendKept);
    sendKept();

    var etag = null;
    poller(function () {
      var headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      return fetch(phone.dataset.stateUrl, { credentials: "omit", cache: "no-store", headers: headers })
        .then(function (response) {
          if (response.status === 304) return null;
          if (response.status === 403) {
            reloadForToken();
            return false;
          }
          if (response.status === 404) return false;
          if (!response.ok) throw new Error("HTTP " + response.status);
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(
          function (state) {
            if (failures) {
              failures = 0;
              connection.textContent = "";
              sendKept();
            }
            if (state === false) return false;
            return state === null ? true : changed(state);
          },
          function (error) {
            failures += 1;
            if (failures === 3) connection.textContent = phone.dataset.msgOffline;
            throw error;
          }
        );
    });
  }

  /* ---------- the shared screen ---------- */

  function watchScreen(screen) {
    var live = screen.querySelector("[data-group-live]");
    var controls = screen.querySelector(".group-controls");
    var shownHtml = null;

    if (controls && document.documentElement.requestFullscreen) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.textContent = screen.dataset.msgFullscreen;
      button.addEventListener("click", function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          document.documentElement.requestFullscreen().catch(function () {});
        }
      });
      controls.appendChild(button);
    }
    if (controls) {
      pressWithKeys(screen);
      timePerCard(screen);
      var reload = controls.querySelector("[data-group-reload]");
      if (reload && live) reload.hidden = true; /* the screen follows by itself */
      roomForBar(controls);
    }

    if (!live) return;
    poller(function () {
      return getText(screen.dataset.liveUrl).then(function (response) {
        var revision = response.headers.get("X-Group-Revision");
        if (revision && revision !== screen.dataset.revision) {
          window.location.reload();
          return false;
        }
        return response.text().then(function (html) {
          if (html === shownHtml) return true;
          var reveal = live.querySelector("[data-group-reveal]");
          var wasOpen = reveal && reveal.open;
          live.innerHTML = html;
          shownHtml = html;
          var again = live.querySelector("[data-group-reveal]");
          if (again && wasOpen) again.open = true;
          return true;
        });
      });
    });
  }

  /* Where the controls are a bar fixed to the bottom of the window (presenter.css), the page
     keeps room below its end for the bar as it is, on one line or more. */
  function roomForBar(controls) {
    function fit() {
      var fixed = window.getComputedStyle(controls).position === "fixed";
      document.body.style.paddingBottom = fixed ? controls.offsetHeight + 8 + "px" : "";
    }
    window.addEventListener("resize", fit);
    fit();
  }

  /* The arrow keys, space and a presentation clicker's Page Up/Down press "Forrige kort" and
     "Neste kort" (the buttons say so in aria-keyshortcuts), unless the key is meant for a field,
     a button, a link or a summary that has the focus. */
  var KEYS = { ArrowRight: "next", " ": "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous" };

  function pressWithKeys(screen) {
    var hint = screen.querySelector("[data-group-keys]");
    if (hint) hint.hidden = false;
    document.addEventListener("keydown", function (event) {
      var which = KEYS[event.key];
      if (!which || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.target.closest && event.target.closest("input, select, textarea, button, a, summary, [contenteditable]")) {
        return;
      }
      var button = screen.querySelector('[data-group-key="' + which + '"]');
      if (!button) return;
      event.preventDefault();
      button.click();
    });
  }

  /* The timer per card: the length the facilitator chose (kept in this browser), counted from
     when the card was first shown here, so reloading the screen does not start it again. */
  function timePerCard(screen) {
    var box = screen.querySelector("[data-group-timer]");
    var clock = screen.querySelector("[data-timer-clock]");
    var announce = screen.querySelector("[data-timer-announce]");
    if (!box || !clock) return;
    var choice = box.querySelector("[data-timer-length]");
    var restart = box.querySelector("[data-timer-restart]");
    var lengthKey = "lms-group-timer-length";
    var startKey = "lms-group-timer-" + screen.dataset.run + "-" + screen.dataset.revision;
    var ticking = null;
    var saidTimeUp = false;
    box.hidden = false;

    function stored(storage, key) {
      try {
        return storage.getItem(key);
      } catch (error) {
        return null;
      }
    }
    function store(storage, key, value) {
      try {
        storage.setItem(key, value);
      } catch (error) {
        /* private mode: the timer works, it is just not remembered */
      }
    }

    function show() {
      var length = Number(choice.value);
      var started = Number(stored(window.sessionStorage, startKey) || Date.now());
      var left = Math.ceil(length - (Date.now() - started) / 1000);
      if (!length) {
        clock.textContent = "";
        clock.classList.remove("group-clock-out");
        return;
      }
      if (left > 0) {
        clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
        clock.classList.remove("group-clock-out");
        saidTimeUp = false;
        return;
      }
      clock.textContent = screen.dataset.msgTimeUp;
      clock.classList.add("group-clock-out");
      if (!saidTimeUp && announce) announce.textContent = screen.dataset.msgTimeUp;
      saidTimeUp = true;
    }

    function start(fresh) {
      if (fresh || !stored(window.sessionStorage, startKey)) {
        store(window.sessionStorage, startKey, String(Date.now()));
      }
      if (announce) announce.textContent = "";
      window.clearInterval(ticking);
      ticking = Number(choice.value) ? window.setInterval(show, 250) : null;
      show();
    }

    choice.value = stored(window.localStorage, lengthKey) || "0";
    if (choice.selectedIndex < 0) choice.value = "0";
    restart.hidden = choice.value === "0";
    choice.addEventListener("change", function () {
      store(window.localStorage, lengthKey, choice.value);
      restart.hidden = choice.value === "0";
      start(true);
    });
    restart.addEventListener("click", function () {
      start(true);
    });
    start(false);
  }

  var phone = document.querySelector("[data-group-phone]");
  if (phone && phone.dataset.status !== "closed") followOnPhone(phone);
  var screen = document.querySelector("[data-group-screen]");
  if (screen) watchScreen(screen);
})();
