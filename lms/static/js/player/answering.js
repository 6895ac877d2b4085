/* The player's forms. An answer from the bundle gets an id made on the phone (client_id) and goes to
   the server in the background; a scored card stays, locked, with "Svar sendt" until its graded
   version arrives (sync.js, cards.js), other cards move on at once. The progress follows each card;
   past the last card the server completes the attempt and the done page is shown, or, without
   network, a done page made here says the result comes when the network returns. Answers and
   progress are sent in order, one after the other (``outbox``). */

import { cardUrl, loadedBundle, markAnswered, parts, showCard } from "./cards.js";
import { POST_WAIT_MS, announce, fetchWithin, newId, offline, setStatus } from "./common.js";
import { show } from "./pages.js";
import { postAnswer, postProgress, queueAnswer, rememberProgress, sync } from "./sync.js";

let busy = false;
let outbox = Promise.resolve(); // answers and progress, sent in order in the background

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
  markAnswered(entry.attempt, card.id);
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

export function submitPlayerForm(event, form) {
  // The player's forms: from the bundle, answers and progress go in the background; without it,
  // the form is posted with fetch and the server's page swapped in.
  var kind = form.dataset.playerForm;
  var player = form.closest(".player");
  if (!kind || !player) return;
  event.preventDefault();
  if (busy) return;
  var bundle = loadedBundle(player);
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
}
