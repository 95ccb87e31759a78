/*
 * Site behaviour, loaded after bootstrap-italia.bundle.min.js on every page.
 *
 * Fonts: Bootstrap Italia's bootstrap.loadFonts() writes its @font-face rules into a new
 * <style> element, which our Content-Security-Policy (style-src 'self') blocks. The same rules
 * live in css/fonts.css, served from our static files like the font files themselves, so
 * nothing needs to be loaded from here.
 */
(function () {
  "use strict";

  // Filter forms marked data-drop-empty submit only the fields that have a value, so the
  // shareable address stays short (?kind=foundation rather than ?q=&kind=foundation&phase=).
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") {
          field.disabled = true;
        }
      });
      // Re-enable after submission so that going back shows a usable form.
      window.setTimeout(function () {
        form.querySelectorAll("[disabled]").forEach(function (field) {
          field.disabled = false;
        });
      }, 0);
    });
  });
})();
