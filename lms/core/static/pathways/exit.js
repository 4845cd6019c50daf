/*
 * "Exit this page", after the GOV.UK Design System component.
 *
 * The exit links work without JavaScript: they go to /safety/exit/, which ends the session and
 * redirects to a neutral site. This script hides the page at once before leaving, and adds the
 * shortcut: Shift pressed on its own three times within five seconds. A Shift used with another
 * key (Shift+A, Shift+Tab) does not count. Other open tabs of the site leave too. Messages come
 * from data-* attributes, translated.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-exit-this-page]");
  var links = document.querySelectorAll(".js-exit-this-page");
  var status = document.getElementById("exit-this-page-status");
  if (!root || !links.length || !status) {
    return;
  }

  var PRESSES = 3;
  var WINDOW_MS = 5000;
  var exitUrl = links[0].href;
  var presses = 0;
  var shiftAlone = false;
  var windowTimer = null;
  var clearTimer = null;
  var leaving = false;

  function say(text) {
    window.clearTimeout(clearTimer);
    status.textContent = text || "";
  }

  function reset(message) {
    presses = 0;
    window.clearTimeout(windowTimer);
    windowTimer = null;
    root.removeAttribute("data-presses");
    say(message);
    if (message) {
      clearTimer = window.setTimeout(function () {
        status.textContent = "";
      }, WINDOW_MS);
    }
  }

  // Other tabs of this site leave too: someone walking in should not find one still open.
  var tabs = typeof window.BroadcastChannel === "function"
    ? new window.BroadcastChannel("pathways-exit-this-page")
    : null;

  function exitPage(fromOtherTab) {
    if (leaving) {
      return;
    }
    leaving = true;
    if (tabs && !fromOtherTab) {
      tabs.postMessage("exit");
    }
    document.body.classList.add("exit-this-page-hide");
    var overlay = document.createElement("div");
    overlay.className = "exit-this-page-overlay";
    overlay.textContent = root.getAttribute("data-activated") || "";
    document.body.appendChild(overlay);
    say(root.getAttribute("data-activated"));
    // replace(): the page being left is not kept in this tab's history.
    window.location.replace(exitUrl);
  }

  function countPress() {
    presses += 1;
    root.setAttribute("data-presses", String(presses));
    if (presses >= PRESSES) {
      window.clearTimeout(windowTimer);
      exitPage(false);
      return;
    }
    if (presses === 1) {
      windowTimer = window.setTimeout(function () {
        reset(root.getAttribute("data-timed-out"));
      }, WINDOW_MS);
      say(root.getAttribute("data-press-two-more"));
    } else {
      say(root.getAttribute("data-press-one-more"));
    }
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      exitPage(false);
    });
  });

  if (tabs) {
    tabs.addEventListener("message", function (event) {
      if (event.data === "exit") {
        exitPage(true);
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      // A held key repeats; only a fresh press can count.
      shiftAlone = !event.repeat;
      return;
    }
    // Any other key, with or without Shift, spoils the press under way and the sequence.
    shiftAlone = false;
    if (presses > 0) {
      reset("");
    }
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    if (shiftAlone && !leaving) {
      countPress();
    }
    shiftAlone = false;
  }, true);

  // Coming back with the Back button may restore the hidden page from memory. Ask the server
  // again instead of showing it: the session has ended, so that shows the sign-in page.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      window.location.reload();
    }
  });
}());
