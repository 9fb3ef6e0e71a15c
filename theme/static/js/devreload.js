/* Development only (make devserver): reload the page after each rebuild. */
(function () {
  "use strict";
  if (!window.EventSource) return;
  new EventSource("/__reload").onmessage = function (event) {
    if (event.data === "reload") location.reload();
  };
})();
