// Bid form: show the running total of the payment schedule against the bid amount.
// Progressive enhancement only: the server validates the same rule.
(function () {
  "use strict";
  var total = document.getElementById("schedule-total");
  var amount = document.getElementById("id_amount_cents");
  if (!total || !amount) { return; }

  function cents(text) {
    var clean = String(text || "").replace(/[$,\s]/g, "");
    if (!/^\d+(\.\d{1,2})?$/.test(clean)) { return null; }
    var parts = clean.split(".");
    return parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
  }
  function dollars(value) {
    return "$" + (value / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function update() {
    var inputs = document.querySelectorAll(".milestone-row input[name$='-amount_cents']");
    var sum = 0, used = 0;
    inputs.forEach(function (input) {
      var value = cents(input.value);
      if (value !== null) { sum += value; used += 1; }
    });
    var bid = cents(amount.value);
    if (!used || bid === null) { total.hidden = true; return; }
    total.hidden = false;
    var off = sum !== bid;
    total.classList.toggle("is-off", off);
    total.textContent = "Milestones add up to " + dollars(sum) + (off ? " — your price is " + dollars(bid) + "." : ", matching your price.");
  }
  document.addEventListener("input", function (event) {
    if (event.target === amount || event.target.closest(".milestone-row")) { update(); }
  });
  update();
})();
