// Keeps the header bell's unread count fresh without a page reload (polls while visible).
(function () {
  "use strict";
  var bell = document.querySelector("a.bell[data-unread-url]");
  if (!bell || !window.fetch) return;
  var badge = bell.querySelector("[data-bell-count]");
  var url = bell.getAttribute("data-unread-url");
  var intervalMs = 20000;

  function render(count) {
    bell.classList.toggle("has-unread", count > 0);
    badge.hidden = count === 0;
    badge.firstChild.nodeValue = String(count);
  }

  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && typeof data.unread === "number") render(data.unread); })
      .catch(function () { /* offline: keep the last known count */ });
  }

  setInterval(refresh, intervalMs);
  document.addEventListener("visibilitychange", refresh);
})();
