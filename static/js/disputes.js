// Live countdown for dispute deadlines: <time data-countdown datetime="ISO">.
(function () {
  "use strict";
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function render(el) {
    var end = Date.parse(el.getAttribute("datetime"));
    if (isNaN(end)) { return; }
    var left = Math.floor((end - Date.now()) / 1000);
    if (left <= 0) { el.textContent = "time is up; staff take over shortly"; return; }
    var days = Math.floor(left / 86400), hours = Math.floor((left % 86400) / 3600), minutes = Math.floor((left % 3600) / 60);
    var parts = days ? [plural(days, "day"), plural(hours, "hour")] : hours ? [plural(hours, "hour"), plural(minutes, "minute")] : [plural(Math.max(minutes, 1), "minute")];
    el.textContent = parts.join(" ") + " left";
  }
  function tick() { document.querySelectorAll("time[data-countdown]").forEach(render); }
  tick();
  window.setInterval(tick, 30000);
})();
