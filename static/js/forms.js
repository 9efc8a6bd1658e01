// Courtesy only: a form whose button was clicked shows it is sending and ignores further
// clicks. The server is what guarantees one job, bid, payment or message per form
// (core/once.py: a one-time token checked in the database).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    // Re-enable if the page is kept (validation error returned in place, back button).
    window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
  });
})();

// "Print or save as PDF" buttons (receipts, the printable contract): the browser's print
// dialog, styled by the print rules in workspace.css.
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) { window.print(); }
});
