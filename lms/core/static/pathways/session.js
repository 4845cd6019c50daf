/*
 * Warn before the idle sign-out and offer one-click "Stay signed in" (WCAG 2.2.1).
 *
 * The server decides when a session ends; the page only knows how long was left when it was
 * sent (data-* attributes on the dialog). Before warning, the page asks the server again, in the
 * background, because work in another tab may have moved the deadline. That check does not count
 * as activity: only "Stay signed in" (POST to the extend URL) keeps the session alive.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }

  var statusUrl = dialog.getAttribute("data-status-url");
  var signInUrl = dialog.getAttribute("data-sign-in-url");
  var warningMs = Number(dialog.getAttribute("data-warning-seconds")) * 1000;
  var extendForm = dialog.querySelector("[data-session-extend]");
  var signOutButton = dialog.querySelector("[data-session-sign-out] button");
  var idleText = dialog.querySelector("[data-session-idle]");
  var finalText = dialog.querySelector("[data-session-absolute]");
  var MARGIN_MS = 1000;
  var timer = null;
  var deadlines = null;
  var returnFocus = null;
  var finished = false;

  function signedOut() {
    finished = true;
    window.clearTimeout(timer);
    window.location.assign(signInUrl);
  }

  function hide() {
    if (dialog.open) {
      dialog.close();
      if (returnFocus && typeof returnFocus.focus === "function") {
        returnFocus.focus();
      }
    }
  }

  function show(final) {
    idleText.hidden = final;
    finalText.hidden = !final;
    extendForm.hidden = final;
    dialog.setAttribute("aria-describedby", final ? finalText.id : idleText.id);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    (final ? signOutButton : extendForm.querySelector("button")).focus();
  }

  // data: seconds left before each limit, as the server sent them.
  function plan(data) {
    var now = Date.now();
    deadlines = {
      idle: now + Number(data.idle_expires_in) * 1000,
      absolute: now + Number(data.absolute_expires_in) * 1000
    };
    schedule();
  }

  function schedule() {
    window.clearTimeout(timer);
    if (finished) {
      return;
    }
    var left = Math.min(deadlines.idle, deadlines.absolute) - Date.now();
    if (left <= 0) {
      signedOut();
    } else if (left > warningMs) {
      hide();
      timer = window.setTimeout(check, left - warningMs);
    } else {
      show(deadlines.absolute <= deadlines.idle);
      timer = window.setTimeout(check, left + MARGIN_MS);
    }
  }

  function check() {
    window.fetch(statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json", "X-Pathways-Background": "1" }
    }).then(function (response) {
      if (response.status === 401) {
        signedOut();
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) {
        plan(data);
      } else if (!finished) {
        schedule();
      }
    }).catch(function () {
      // Offline: go by what the page last knew.
      schedule();
    });
  }

  extendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    window.fetch(extendForm.action, {
      method: "POST",
      body: new window.FormData(extendForm),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        signedOut();
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) {
        plan(data);
      }
    }).catch(function () {
      schedule();
    });
  });

  // Escape means "I am here": the same as "Stay signed in" while that is possible.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (!extendForm.hidden) {
      extendForm.requestSubmit();
    } else {
      hide();
    }
  });

  plan({
    idle_expires_in: dialog.getAttribute("data-expires-in"),
    absolute_expires_in: dialog.getAttribute("data-absolute-in")
  });
}());
