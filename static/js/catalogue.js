/*
 * The catalogue of services: after a search, take the person to the results.
 *
 * A search reloads the page. When the reload comes from this page's own form or links (the
 * filter chips, the pages of results, "did you mean"), focus moves to the results heading,
 * which is scrolled into view (on a phone the form is above it), and the number of results
 * is announced through the live region #results-status. Arriving from elsewhere (a shared
 * link, a search engine) leaves focus where browsers put it.
 */
(function () {
  "use strict";

  var KEY = "distretto.catalogue.focus-results";
  var form = document.getElementById("service-filters");
  var results = document.getElementById("results");
  var heading = document.getElementById("results-heading");
  if (!form || !results || !heading) {
    return;
  }

  function remember() {
    try {
      window.sessionStorage.setItem(KEY, window.location.pathname);
    } catch (error) {
      // Storage refused (private mode): the search still works, focus stays put.
    }
  }

  form.addEventListener("submit", remember);
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && link.pathname === window.location.pathname) {
      remember();
    }
  });

  var wanted = null;
  try {
    wanted = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
  } catch (error) {
    wanted = null;
  }
  if (wanted !== window.location.pathname) {
    return;
  }

  function takeThereNow() {
    heading.focus({ preventScroll: true });
    // At once: Bootstrap's smooth scrolling would leave the heading out of view a while.
    heading.scrollIntoView({ block: "start", behavior: "instant" });
  }
  // Once the page has settled (fonts, images, Bootstrap Italia's own components): a scroll
  // made earlier is undone by whatever grows above the heading afterwards.
  takeThereNow();
  if (document.readyState !== "complete") {
    window.addEventListener("load", function () {
      window.requestAnimationFrame(takeThereNow);
    });
  }
  var status = document.getElementById("results-status");
  if (status) {
    var notice = document.getElementById("search-notice");
    var text = heading.textContent.trim();
    if (notice) {
      text += ". " + notice.textContent.replace(/\s+/g, " ").trim();
    }
    // Changed after load, so that screen readers notice the live region and read it.
    window.setTimeout(function () {
      status.textContent = text;
    }, 250);
  }
})();
