// The viewer's time zone for the server (ViewerZoneMiddleware): set once from the browser, reload when it changed.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || !/^[A-Za-z0-9_+\/-]+$/.test(zone)) return;
  var match = document.cookie.match(/(?:^|;\s*)casedesk_tz=([^;]*)/);
  if (match && match[1] === zone) return;
  document.cookie = "casedesk_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  var shown = document.getElementById("viewer-zone");
  if (shown && shown.dataset.zone !== zone && document.cookie.indexOf("casedesk_tz=") !== -1) location.reload();
})();
