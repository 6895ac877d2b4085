/* Lærevakt's group runs, better with JavaScript: the pages work without it (an "Oppdater" link on
   the shared screen; the phone's page shows the current card whenever it is loaded).

   - The phone asks the run's state every 0.8 s (a few bytes of JSON; the browser sends
     If-None-Match and the server answers 304 while nothing has changed). When the facilitator moves
     to another card or closes the run, the phone fetches its new card and swaps it in; a polite live
     region says which card it is, and focus moves to the new card's heading only if it was inside
     the part that was replaced.
   - The shared screen asks for its changing part (who is here, the group's answers) the same way and
     swaps it in, keeping "Vis riktig svar" open if the facilitator opened it. It reloads when the
     run's revision changes (the facilitator moved on in another window).
   - Polling slows down while the page is hidden and resumes at once when it is shown again.

   Texts come from data-* attributes rendered by the server, in the reader's language. */

(function () {
  "use strict";

  if (!window.fetch || !window.DOMParser || !window.Promise) return;

  var EVERY_MS = 800;
  var HIDDEN_EVERY_MS = 5000;
  var RETRY_MS = 3000;

  function poller(tick) {
    var timer = null;
    var stopped = false;

    function schedule(ms) {
      if (stopped) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(run, ms);
    }

    function run() {
      tick().then(
        function (keepGoing) {
          if (keepGoing === false) {
            stopped = true;
            return;
          }
          schedule(document.hidden ? HIDDEN_EVERY_MS : EVERY_MS);
        },
        function () {
          schedule(RETRY_MS);
        }
      );
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) schedule(0);
    });
    schedule(EVERY_MS);
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

    function swapCard() {
      return getText(phone.dataset.cardUrl)
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          var hadFocus = region.contains(document.activeElement);
          region.innerHTML = html;
          var heading = region.querySelector("[data-group-heading]");
          if (heading) {
            say(phone.dataset.msgNewCard + " " + heading.textContent.replace(/\s+/g, " ").trim());
            if (hadFocus) heading.focus();
          }
        });
    }

    poller(function () {
      return fetch(phone.dataset.stateUrl, {
        credentials: "same-origin",
        cache: "no-cache",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(
          function (state) {
            if (failures) {
              failures = 0;
              connection.textContent = "";
            }
            var now = state.revision + "/" + state.status;
            if (now === shown) return true;
            return swapCard().then(function () {
              shown = now;
              phone.dataset.status = state.status;
              return state.status !== "closed";
            });
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

  var phone = document.querySelector("[data-group-phone]");
  if (phone && phone.dataset.status !== "closed") followOnPhone(phone);
  var screen = document.querySelector("[data-group-screen]");
  if (screen) watchScreen(screen);
})();
