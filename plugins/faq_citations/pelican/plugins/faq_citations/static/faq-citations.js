/* A tap opens the reference in place; Escape hides a preview (SC 1.4.13). */
(function () {
  "use strict";
  var cites = document.querySelectorAll(".cite .cite__item > a[href^='#']");
  if (!cites.length) return;
  var supportsPopover = typeof HTMLElement.prototype.showPopover === "function";
  var opener = null;
  var popover = null;

  function build() {
    popover = document.createElement("div");
    popover.className = "cite-popover";
    popover.id = "cite-popover";
    popover.setAttribute("popover", "auto");
    popover.setAttribute("role", "dialog");
    popover.setAttribute("aria-labelledby", "cite-popover-title");
    popover.innerHTML =
      '<div class="cite-popover__head"><h2 class="cite-popover__title" id="cite-popover-title"></h2>' +
      '<button type="button" class="cite-popover__close">Close</button></div>' +
      '<p class="cite-popover__reference"></p>' +
      '<p class="cite-popover__more"><a href="#">Go to reference list</a></p>';
    popover.querySelector(".cite-popover__close").addEventListener("click", close);
    popover.querySelector(".cite-popover__more a").addEventListener("click", function () {
      popover.hidePopover();
    });
    popover.addEventListener("toggle", function (event) {
      if (event.newState === "closed" && opener) {
        var back = opener;
        opener = null;
        if (popover.contains(document.activeElement) || document.activeElement === document.body) {
          back.focus({ preventScroll: true });
        }
        back.parentNode.classList.add("is-dismissed");
      }
    });
    document.body.appendChild(popover);
  }

  function close() {
    if (popover && popover.matches(":popover-open")) popover.hidePopover();
  }

  function place(link) {
    var wide = matchMedia("(min-width: 48em)").matches;
    popover.classList.toggle("is-anchored", wide);
    popover.style.top = popover.style.left = "";
    if (!wide) return;
    var box = link.getBoundingClientRect();
    var width = popover.offsetWidth;
    var left = Math.max(8, Math.min(box.left - 16, document.documentElement.clientWidth - width - 8));
    var top = box.bottom + 8;
    if (top + popover.offsetHeight > innerHeight - 8) top = Math.max(8, box.top - popover.offsetHeight - 8);
    popover.style.left = left + "px";
    popover.style.top = top + "px";
  }

  function open(link, entry) {
    if (!popover) build();
    popover.querySelector(".cite-popover__reference").innerHTML = entry.innerHTML;
    popover.querySelector(".cite-popover__title").textContent = "Reference " + link.textContent;
    popover.querySelector(".cite-popover__more a").href = link.hash;
    if (popover.matches(":popover-open")) popover.hidePopover();
    opener = link;
    link.parentNode.classList.add("is-dismissed");
    popover.showPopover();
    place(link);
    popover.querySelector(".cite-popover__close").focus({ preventScroll: true });
  }

  cites.forEach(function (link) {
    var item = link.parentNode;
    // the preview: the entry (ref-KEY-entry), links as text
    var entry = document.getElementById(decodeURIComponent(link.hash.slice(1)) + "-entry");
    var preview = item.querySelector(".cite__preview");
    if (!entry) return;
    if (!preview) {
      preview = item.appendChild(document.createElement("span"));
      preview.className = "cite__preview";
      preview.hidden = true;
      preview.id = link.id + "-preview";
      preview.dataset.number = link.textContent;
    }
    preview.innerHTML = entry.innerHTML;
    preview.querySelectorAll("a").forEach(function (a) { a.replaceWith(a.textContent); });
    item.addEventListener("mouseleave", function () { item.classList.remove("is-dismissed"); });
    link.addEventListener("focus", function () { item.classList.remove("is-dismissed"); });
    if (!supportsPopover) return;
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      open(link, entry);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".cite__item:hover, .cite__item:focus-within").forEach(function (item) {
      item.classList.add("is-dismissed");
    });
  });

  // after a back-link: no preview until the reader asks
  function quietTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.matches(".cite__item > a")) target.parentNode.classList.add("is-dismissed");
  }
  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest(".references__back a");
    if (back) setTimeout(quietTarget, 0);
  });
  window.addEventListener("hashchange", quietTarget);
  quietTarget();
})();
