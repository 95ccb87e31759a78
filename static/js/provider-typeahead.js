/*
 * The catalogue's provider filter as an ARIA 1.2 combobox (list autocomplete).
 *
 * Without JavaScript the field is a plain text input: the server accepts a provider's name.
 * Here, as the person types, the matching providers are asked from the element's
 * data-suggest-url (JSON: {"results": [{"slug", "name"}]}) and shown in a listbox: arrow keys
 * move through them, Enter or a click picks one, Escape closes the list; a polite live region
 * says how many were found. No inline script (Content-Security-Policy).
 */
(function () {
  "use strict";

  function setup(wrapper) {
    var input = wrapper.querySelector("input[type=text]");
    var listbox = wrapper.querySelector("[role=listbox]");
    var status = wrapper.querySelector("[aria-live]");
    var url = wrapper.getAttribute("data-suggest-url");
    if (!input || !listbox || !url || !window.fetch) {
      return;
    }
    var timer = null;
    var active = -1;
    var options = [];
    var lastQuery = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      if (index < 0 || index >= options.length) {
        return;
      }
      input.value = options[index].getAttribute("data-name");
      close();
    }

    function show(results) {
      listbox.textContent = "";
      options = results.map(function (result, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-name", result.name);
        option.className = "provider-suggestion";
        option.textContent = result.name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(index);
        });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      if (options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var template = options.length === 1 ? wrapper.dataset.oneFound : wrapper.dataset.manyFound;
      status.textContent = (template || "%s").replace("%s", String(options.length));
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < 2) {
        lastQuery = null;
        close();
        return;
      }
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      window
        .fetch(url + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            show(data.results || []);
          }
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          lastQuery = null;
          ask();
        } else {
          highlight(Math.min(active + 1, options.length - 1));
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // pick, do not submit yet
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  document.querySelectorAll(".provider-typeahead").forEach(setup);
})();
