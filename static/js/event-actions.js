// Event page actions for admins. Plain JS, no inline script (CSP).
// Each action lives in its own setup function; shared helpers come first.
(function () {
  "use strict";

  var api = window.SCC;
  var show = api.show;
  var errorMessage = api.errorMessage;
  var pageStatus = document.getElementById("page-status");
  var pageAlert = document.getElementById("page-alert");

  // Bring totals, balances, activity and changed ledger rows up to date from the server's own page.
  // Ledger rows that did not change stay as they are, so other scripts' buttons keep their listeners.
  function refreshSections() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("reload failed");
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["event-totals", "balances", "activity"].forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) current.replaceWith(document.importNode(replacement, true));
        });
        var body = document.querySelector("#ledger tbody");
        if (!body) return;
        fresh.querySelectorAll("#ledger tbody tr[data-payment-id]").forEach(function (row) {
          var current = body.querySelector('tr[data-payment-id="' + CSS.escape(row.dataset.paymentId) + '"]');
          if (!current) {
            body.appendChild(document.importNode(row, true));
          } else if (current.className !== row.className) {
            current.replaceWith(document.importNode(row, true));
          }
        });
        // Fresh rows come as the server renders them: scripted buttons disabled until enabled here.
        api.enable("button.void-payment", body);
        api.enable("button.send-confirmation", body);
      });
  }

  function setupVoid() {
    var dialog = document.getElementById("void-dialog");
    if (!dialog) return;
    var form = dialog.querySelector("form");
    var reason = document.getElementById("void-reason");
    var save = document.getElementById("void-save");
    var alertBox = document.getElementById("void-alert");
    var summary = document.getElementById("void-dialog-summary");
    var state = { paymentId: null, summary: "", saving: false };

    function setSaving(saving) {
      state.saving = saving;
      save.disabled = saving;
      save.textContent = saving ? "Voiding…" : "Void payment";
      form.setAttribute("aria-busy", saving ? "true" : "false");
    }

    function open(button) {
      state.paymentId = button.dataset.paymentId;
      state.summary = button.dataset.summary || "";
      form.reset();
      show(alertBox, "");
      summary.textContent = state.summary;
      setSaving(false);
      dialog.showModal();
      reason.focus();
    }

    function submit(event) {
      event.preventDefault();
      if (state.saving) return;
      if (!reason.value.trim()) {
        show(alertBox, "Enter a reason for voiding this payment.");
        reason.focus();
        return;
      }
      setSaving(true);
      show(alertBox, "");
      var payload = { event_id: dialog.dataset.eventId, payment_id: state.paymentId, reason: reason.value };
      var done = "Payment " + state.summary + " voided.";
      api.postJson(dialog.dataset.voidUrl, payload)
        .then(function (result) {
          setSaving(false);
          if (!result.body || !result.body.ok) {
            show(alertBox, errorMessage(result.body, "The server answered " + result.status + "."));
            return;
          }
          dialog.close();
          show(pageAlert, "");
          return refreshSections().then(
            function () {
              show(pageStatus, done);
              var heading = document.getElementById("ledger-heading");
              if (heading) heading.focus();
            },
            function () { show(pageStatus, done + " Reload the page to see the updated ledger."); }
          );
        })
        .catch(function () {
          setSaving(false);
          show(alertBox, "The network request did not complete. Nothing is known to be saved: try again.");
        });
    }

    // Delegated: the ledger is re-rendered after each void.
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button.void-payment") : null;
      if (button) open(button);
    });
    form.addEventListener("submit", submit);
    document.getElementById("void-cancel").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("cancel", function (event) {
      if (state.saving) event.preventDefault();
    });
    api.enable("button.void-payment");
  }

  setupVoid();
})();
