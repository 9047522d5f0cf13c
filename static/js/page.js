// On every page: banners can be dismissed, and long ids can be copied. Plain JS, no inline script (CSP).
(function () {
  "use strict";

  // Dismiss buttons are rendered hidden for server messages: without a script they would do nothing.
  document.querySelectorAll(".banners .dismiss[hidden]").forEach(function (button) { button.hidden = false; });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var dismiss = event.target.closest(".dismissable > .dismiss");
    if (dismiss) {
      var banner = dismiss.parentElement;
      var region = banner.querySelector("[role=status], [role=alert]");
      if (banner.classList.contains("toast")) {
        if (region) region.textContent = "";
        banner.hidden = true;
      } else {
        banner.remove();
      }
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
      return;
    }
    var copy = event.target.closest("button.copy-id");
    if (copy) copyText(copy, copy.dataset.copy);
  });

  // What people type for money ("$45", "1,000.50", " 45 ") as the decimal the server reads ("45",
  // "1000.50"); anything else unchanged, for the server to refuse in its own words.
  function normaliseAmount(text) {
    var value = (text || "").trim().replace(/^\$\s*/, "");
    if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(value)) value = value.replace(/,/g, "");
    if (/^\d+\.$/.test(value)) value = value.slice(0, -1);
    return /^\d+(\.\d+)?$/.test(value) ? value : (text || "").trim();
  }
  window.SCCAmount = normaliseAmount;

  // Forms posted by the browser: amount fields (data-amount) go as decimals.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-amount]").forEach(function (input) {
      input.value = normaliseAmount(input.value);
    });
  });

  // Escape closes an open toast when no dialog is open (a dialog takes Escape for itself).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
    document.querySelectorAll(".toast:not([hidden]) > .dismiss").forEach(function (button) { button.click(); });
  });

  function copyText(button, text) {
    var done = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(text) : Promise.reject();
    done.then(
      function () {
        flash(button, "Copied");
        announce("Copied " + text + ".");
      },
      function () {
        // No clipboard (plain http, old browser): select the id so Ctrl+C or a long-press copies it.
        var code = button.parentElement.querySelector("code");
        if (!code) return;
        code.classList.add("expanded");
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        flash(button, "Selected: press Ctrl+C");
      }
    );
  }

  function announce(message) {
    var region = document.getElementById("page-status");
    if (!region) return;
    region.textContent = message;
    region.closest(".toast").hidden = false;
  }

  function flash(button, words) {
    var label = button.querySelector("span");
    if (!label) return;
    var before = button.dataset.label || label.textContent;
    button.dataset.label = before;
    label.textContent = words;
    window.setTimeout(function () { label.textContent = before; }, 2000);
  }
})();
