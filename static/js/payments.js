// Submit-completion form: list the chosen files and flag the ones the server will refuse,
// before a slow upload. The server checks again by content; this is only a courtesy.
(function () {
  "use strict";
  var input = document.querySelector('.submit-form input[type="file"]');
  var list = document.getElementById("file-preview");
  if (!input || !list) { return; }
  var MAX_FILES = 20;
  var MAX_BYTES = 10 * 1024 * 1024;
  var OK_TYPES = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

  function row(text, isError) {
    var li = document.createElement("li");
    li.textContent = text;
    if (isError) { li.className = "file-error"; }
    list.appendChild(li);
  }

  function show() {
    list.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > MAX_FILES) {
      row("Choose at most " + MAX_FILES + " files (you chose " + files.length + ").", true);
    }
    files.forEach(function (file) {
      var mb = file.size < 1024 * 1024 ? Math.max(1, Math.round(file.size / 1024)) + " KB"
        : (file.size / (1024 * 1024)).toFixed(1) + " MB";
      if (file.size > MAX_BYTES) {
        row(file.name + " (" + mb + ") is larger than 10 MB.", true);
      } else if (file.type && OK_TYPES.indexOf(file.type) === -1) {
        row(file.name + " is not a photo or a PDF.", true);
      } else {
        row(file.name + " (" + mb + ")", false);
      }
    });
  }

  input.addEventListener("change", show);
  // Files chosen before this script ran, or put back by the browser on the back button, fire
  // no change event; pageshow comes with every load, first or restored: list them then.
  window.addEventListener("pageshow", show);
}());
