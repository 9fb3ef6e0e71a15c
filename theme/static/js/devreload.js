/* Development only (make devserver): reload the page after each rebuild. The page
   names the build that wrote it, so a rebuild that finished before this script
   subscribed still reloads it. */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var build = document.querySelector('meta[name="dev-build"]');
  var since = build ? build.getAttribute("content") : "";
  new EventSource("/__reload?since=" + encodeURIComponent(since)).onmessage = function (event) {
    if (event.data === "reload") location.reload();
  };
})();
