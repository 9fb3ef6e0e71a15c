/* Progressive enhancement only: the page reads fully without this file. */
(function () {
  "use strict";
  var script = document.currentScript;

  function copy(url, shown) {
    navigator.clipboard.writeText(new URL(url, location.href).href).then(function () {
      shown.textContent = "Link copied";
    }, function () {
      shown.textContent = "Copy failed: the link is at the end of the page";
    });
  }

  document.querySelectorAll("button[data-copy-url]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () { copy(button.dataset.copyUrl, button); });
  });

  // Share sheet (phones), else copy. Without script a link to the share section; a
  // button of the same box replaces it (no layout shift).
  document.querySelectorAll("a[data-share-url]").forEach(function (link) {
    var canShare = typeof navigator.share === "function";
    if (!canShare && !navigator.clipboard) return;
    var url = link.dataset.shareUrl;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("data-share-url", url);
    button.textContent = canShare ? link.textContent : "Copy link";
    link.replaceWith(button);
    button.addEventListener("click", function () {
      if (!canShare) return copy(url, button.nextElementSibling);
      navigator.share({ title: link.dataset.shareTitle, url: new URL(url, location.href).href })
        .catch(function () { /* the reader cancelled */ });
    });
  });

  // Wide screens: the table of contents open beside the text.
  var wide = window.matchMedia("(min-width: 68.75em)");
  function openToc() {
    document.querySelectorAll(".toc__details, [data-open-wide]").forEach(function (details) {
      if (wide.matches) details.open = true;
    });
  }
  openToc();
  wide.addEventListener("change", openToc);

  // Narrow screens: a table row becomes a card, each cell labelled (site.css).
  document.querySelectorAll(".prose table").forEach(function (table) {
    var headings = Array.from(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (headings.length < 3) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, index) {
        if (headings[index]) cell.setAttribute("data-label", headings[index]);
      });
    });
    table.setAttribute("data-reflow", "");
  });

  // A link to an FAQ question (#its-id) opens its answer.
  function openLinkedQuestion() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  openLinkedQuestion();
  window.addEventListener("hashchange", openLinkedQuestion);

  // Citation previews: once the text is on screen (FCP), else after 1.5 s.
  var loaded = !script || !document.querySelector(".cite .cite__item");
  function loadPreviews() {
    if (loaded) return;
    loaded = true;
    var previews = document.createElement("script");
    previews.src = new URL("../faq-citations.js", script.src).href;
    document.head.appendChild(previews);
  }
  try {
    new PerformanceObserver(function (list, observer) {
      if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); loadPreviews(); }
    }).observe({ type: "paint", buffered: true });
  } catch (error) { /* no paint timing */ }
  setTimeout(loadPreviews, 1500);
})();
