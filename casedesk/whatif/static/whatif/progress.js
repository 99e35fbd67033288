// A what-if run's progress: the fragment is fetched again every 2 s while the run is queued or running; once it
// has ended the page is loaded again with the results. Without JavaScript, reloading the page shows the same.
(function () {
  "use strict";
  function poll() {
    var box = document.getElementById("run-progress");
    if (!box || box.getAttribute("data-finished") === "1") return;
    fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#run-progress");
        if (!fresh) return;
        if (fresh.getAttribute("data-finished") === "1") { window.location.reload(); return; }
        box.replaceWith(fresh);
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 2000);
})();
