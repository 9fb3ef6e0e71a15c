/* Progressive enhancement only: the page reads fully without this file. */
(function () {
  "use strict";
  var script = document.currentScript;

  document.querySelectorAll("button[data-copy-url]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = new URL(button.getAttribute("data-copy-url"), location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        button.textContent = "Link copied";
      }, function () {
        button.textContent = "Copy failed: use the link below";
      });
    });
  });

  // Share: the system share sheet (phones), else copy the link.
  document.querySelectorAll("button[data-share-url]").forEach(function (button) {
    var status = button.nextElementSibling;
    var canShare = typeof navigator.share === "function";
    if (!canShare && !navigator.clipboard) return;
    var url = new URL(button.getAttribute("data-share-url"), location.href).href;
    var title = button.getAttribute("data-share-title");
    if (!canShare) button.textContent = "Copy link";
    button.hidden = false;
    button.addEventListener("click", function () {
      if (canShare) {
        navigator.share({ title: title, url: url }).catch(function () { /* the reader cancelled */ });
        return;
      }
      navigator.clipboard.writeText(url).then(function () {
        if (status) status.textContent = "Link copied";
      }, function () {
        if (status) status.textContent = "Copy failed: the link is at the end of the page";
      });
    });
  });

  // Wide screens show the table of contents open beside the text.
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
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (headings.length < 3) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (headings[index]) cell.setAttribute("data-label", headings[index]);
      });
    });
    table.setAttribute("data-reflow", "");
  });

  // A link to an FAQ question (from /faq/ or a shared URL) opens its answer.
  function openLinkedQuestion() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  openLinkedQuestion();
  window.addEventListener("hashchange", openLinkedQuestion);

  // Citation previews: only with citations, after the first contentful paint.
  function loadPreviews() {
    var previews = document.createElement("script");
    previews.src = new URL("../faq-citations.js", script.src).href;
    document.head.appendChild(previews);
  }
  function afterFirstPaint(then) {  // once the text is on screen
    var done = false;
    function once() { if (!done) { done = true; then(); } }
    try {
      new PerformanceObserver(function (list, observer) {
        if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); once(); }
      }).observe({ type: "paint", buffered: true });
    } catch (error) { /* no paint timing: the timer */ }
    setTimeout(once, 1500);
  }
  if (script && document.querySelector(".cite .cite__item")) afterFirstPaint(loadPreviews);
})();
