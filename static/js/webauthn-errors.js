/*
 * Security keys and passkeys (allauth's mfa/js/webauthn.js): when the browser refuses or the
 * person cancels, allauth only logs to the console. Show the page's error message instead.
 */
(function () {
  "use strict";
  document.addEventListener("allauth.error", function (event) {
    var alert = document.querySelector("[data-webauthn-error]");
    if (!alert) {
      return;
    }
    event.preventDefault();
    alert.hidden = false;
    alert.focus();
  });
})();
