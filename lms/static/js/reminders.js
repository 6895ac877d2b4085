/* Reminders: turning on web push from the preferences page.

   When the person ticks "Varsel på telefonen", the page asks for permission, subscribes through the
   service worker (/sw.js, which shows the notifications: see its push section) with the server's
   VAPID key, and sends the subscription to the server. Without JavaScript the box is still saved, and
   e-mail and the in-app list work as before. */

(function () {
  "use strict";

  var form = document.querySelector("form[data-push-subscribe]");
  if (!form) return;
  var box = form.querySelector("input[name='push']");
  var status = form.querySelector(".push-status");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) return;

  function say(text) {
    if (status) status.textContent = text;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function subscribe() {
    var token = form.querySelector("input[name='csrf_token']").value;
    var sw = form.dataset.sw;
    return Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return navigator.serviceWorker.register(sw, { scope: new URL("./", new URL(sw, location.href)).pathname });
      })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return fetch(form.dataset.pushKey, { credentials: "same-origin" })
          .then(function (response) {
            return response.json();
          })
          .then(function (data) {
            return registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(data.publicKey),
            });
          });
      })
      .then(function (subscription) {
        return fetch(form.dataset.pushSubscribe, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .then(function () {
        say(form.dataset.msgOn);
      })
      .catch(function () {
        box.checked = false;
        say(form.dataset.msgDenied);
      });
  }

  box.addEventListener("change", function () {
    if (box.checked) subscribe();
  });
})();
