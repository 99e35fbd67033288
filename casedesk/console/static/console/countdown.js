// Remaining business time: the server gives the seconds as of the page load (data-remaining);
// cells whose calendar is open now (data-ticking="1") count down each second. Amber under one
// business hour, red once overdue. A closed calendar does not move: those cells never tick.
// The words come from the page (data-overdue-by on #help, in the agent's language), "{time}" standing for the time.
(function () {
  "use strict";
  var WARNING = 3600;
  var cells = Array.prototype.slice.call(document.querySelectorAll("[data-remaining]"));
  if (!cells.length) return;
  var loaded = Date.now();
  var help = document.getElementById("help");
  var overdue = (help && help.getAttribute("data-overdue-by")) || "overdue by {time}";

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function text(seconds) {
    var s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var body = (h ? h + "h " + pad(m) + "m " : m + "m ") + pad(r) + "s";
    return seconds < 0 ? overdue.replace("{time}", body) : body;
  }
  function paint() {
    var elapsed = Math.floor((Date.now() - loaded) / 1000);
    cells.forEach(function (cell) {
      var left = parseInt(cell.getAttribute("data-remaining"), 10);
      if (isNaN(left)) return;
      if (cell.getAttribute("data-ticking") === "1") left -= elapsed;
      cell.textContent = text(left);
      cell.classList.toggle("breach", left < 0);
      cell.classList.toggle("warning", left >= 0 && left < WARNING);
      cell.classList.toggle("ok", left >= WARNING);
    });
  }
  paint();
  if (cells.some(function (c) { return c.getAttribute("data-ticking") === "1"; })) setInterval(paint, 1000);
})();
