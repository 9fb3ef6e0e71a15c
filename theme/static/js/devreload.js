/* Development only (make devserver): reload the page when a rebuild rewrites it.
   The page names the build that wrote it, so a rebuild that finished before this
   script subscribed still reloads it. */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var build = document.querySelector('meta[name="dev-build"]');
  var query = "?page=" + encodeURIComponent(location.pathname) +
    "&since=" + encodeURIComponent(build ? build.getAttribute("content") : "");
  new EventSource("/__reload" + query).onmessage = function (event) {
    if (event.data === "reload") location.reload();
  };
})();
