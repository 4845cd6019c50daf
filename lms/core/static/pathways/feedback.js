/* Feedback where her eyes are: after a form is sent, the error summary (or else the message
   saying what happened) is scrolled into view and given focus, so a phone shows it and a screen
   reader reads it. Links in the error summary move focus to their field. No dependencies. */
(function () {
  "use strict";
  function focusFeedback() {
    var target =
      document.querySelector("[data-focus-on-load][data-focus-first]") ||
      document.querySelector("[data-focus-on-load]");
    if (!target || document.activeElement && document.activeElement !== document.body) {
      return;
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }
  function followSummaryLinks(event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var scrollTo = field.closest("fieldset") || field.closest(".field") || field;
    scrollTo.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFeedback);
  } else {
    focusFeedback();
  }
  document.addEventListener("click", followSummaryLinks);
})();
