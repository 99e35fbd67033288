// Keyboard shortcuts (press ? for the list). Keys act only outside text fields, so typing is never hijacked.
(function () {
  "use strict";
  var help = document.getElementById("help");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  var current = -1;

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function select(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("current", j === current); });
    var link = rows[current].querySelector("a");
    if (link) link.focus();
  }
  function focus(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    var section = el.closest("details");
    if (section) section.open = true;
    el.scrollIntoView({ block: "center" });
    el.focus();
    return true;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") {
      if (help && !help.hidden) help.hidden = true;
      if (typing(document.activeElement)) document.activeElement.blur();
      return;
    }
    if (typing(e.target)) return;
    var done = true;
    switch (e.key) {
      case "?": if (help) help.hidden = !help.hidden; break;
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "o": case "Enter":
        if (current >= 0 && e.key === "o") window.location.href = rows[current].getAttribute("data-href");
        else done = false;
        break;
      case "x":
        var tick = current >= 0 ? rows[current].querySelector("input[type=checkbox]") : null;
        if (tick) tick.checked = !tick.checked; else done = false;
        break;
      case "r": done = focus("reply-body"); break;
      case "n": done = focus("note-body"); break;
      case "a": done = focus("assign-user"); break;
      case "c":
        var link = document.querySelector("a[data-shortcut='c']");
        if (link) window.location.href = link.getAttribute("href"); else done = false;
        break;
      default: done = false;
    }
    if (done) e.preventDefault();
  });
})();
