/* Progressive enhancement only: the page reads fully without this file. */
(function () {
  "use strict";
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

  // A link to an FAQ question (from /faq/ or a shared URL) opens its answer.
  function openLinkedQuestion() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  openLinkedQuestion();
  window.addEventListener("hashchange", openLinkedQuestion);
})();
