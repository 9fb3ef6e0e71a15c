/* Search page only: a small UI over Pagefind's JavaScript API.
   Native elements throughout: a labelled search input, a status line read
   out by screen readers, and results as a list of ordinary links. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var engine = null;
  var latest = 0;

  form.hidden = false;
  document.querySelector("[data-search-nojs]").hidden = true;

  function load() {
    if (!engine) {
      engine = import(new URL(form.getAttribute("data-pagefind"), location.href).href)
        .then(function (pagefind) {
          return pagefind.options({ baseUrl: form.getAttribute("data-base-url") || "/" })
            .then(function () { return pagefind; });
        });
      engine.catch(function () {
        engine = null;
        status.textContent = "Search could not load. Browse the topics or all articles instead.";
      });
    }
    return engine;
  }

  /* Excerpts are HTML with <mark> around the matches: keep only text and marks. */
  function excerpt(html) {
    var p = document.createElement("p");
    var parsed = new DOMParser().parseFromString(html, "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  /* The section that matches best: Pagefind's sub-result (one per heading with
     an id) with the most matching words; its URL carries the heading's anchor. */
  function bestSection(data) {
    var best = null;
    (data.sub_results || []).forEach(function (sub) {
      if (!sub.url || sub.url.indexOf("#") < 0) return;
      var hits = (sub.locations || []).length;
      if (!best || hits > (best.locations || []).length) best = sub;
    });
    return best;
  }

  function show(term, results) {
    list.replaceChildren();
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var section = bestSection(data);
      var title = (data.meta && data.meta.title) || data.url;
      link.href = section ? section.url : data.url;
      link.textContent = title;
      item.appendChild(link);
      if (section && section.title && section.title !== title) {
        var where = document.createElement("p");
        where.className = "search__section";
        where.textContent = "Section: " + section.title;
        item.appendChild(where);
      }
      item.appendChild(excerpt((section && section.excerpt) || data.excerpt || ""));
      list.appendChild(item);
    });
    status.textContent = results.length
      ? results.length + (results.length === 1 ? " article matches " : " articles match ") + "\u201c" + term + "\u201d."
      : "No articles match \u201c" + term + "\u201d. Try another word.";
  }

  function search() {
    var term = input.value.trim();
    var ticket = ++latest;
    if (!term) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    load().then(function (pagefind) {
      return pagefind.search(term);
    }).then(function (found) {
      return Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (ticket === latest) show(term, results);
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", load, { once: true });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
    search();
  });

  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search();
  }
})();
