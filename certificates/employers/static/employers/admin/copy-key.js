/*
 * "Copy the key" on the page that shows a new API key once (employers/admin/key_created.html).
 * A static file, so it runs under a policy without inline scripts. The button names the field it
 * copies (data-copy-target) and the status it fills (data-copy-status), which says "Copied", or
 * how to copy by hand if the browser refused; the status is a live region, so it is read out.
 */
(function () {
  "use strict";

  function say(status, message) {
    // Empty first, so that the same message is announced again on a second press.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value).then(
        function () {
          return true;
        },
        function () {
          return copyBySelection(field);
        }
      );
    }
    return Promise.resolve(copyBySelection(field));
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field || !status) {
      return;
    }
    button.addEventListener("click", function () {
      copy(field).then(function (copied) {
        say(status, button.getAttribute(copied ? "data-copied" : "data-not-copied"));
      });
    });
  });
})();
