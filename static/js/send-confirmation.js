// The event page's "Send confirmation" / "Resend" buttons. Plain JS, no inline script (CSP).
(function () {
  "use strict";

  var api = window.SCC;

  function send(button) {
    if (button.disabled) return;
    var label = button.textContent;
    var row = button.closest("tr");
    var cell = row && row.querySelector('[data-field="email-status"]');
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Sending…";
    api.report(true, "");
    api.postJson(button.dataset.url, {
      event_id: button.dataset.eventId,
      payment_id: button.dataset.paymentId,
      resend: button.dataset.resend === "true",
    })
      .then(function (result) {
        var body = result.body;
        if (body && body.ok) {
          api.report(true, "Confirmation emailed to " + body.to + ".");
          if (cell) cell.innerHTML = '<span><span class="badge ok">Sent</span></span>';
          button.dataset.resend = "true";
          label = "Resend";
        } else {
          var why = api.emailFailure(result);
          api.report(false, "Email not sent: " + why.charAt(0).toUpperCase() + why.slice(1));
          if (cell && body && body.email_sent === false) {
            // As the page shows it after a reload (the record is unchanged; the audit has the failure).
            cell.innerHTML = '<span><span class="badge warn">Failed</span></span>';
          }
        }
      })
      .catch(function () {
        api.report(false, "Email not sent: the network request did not complete. Try again.");
      })
      .then(function () {
        button.textContent = label;
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
  }

  // Delegated: ledger rows may be replaced after a void.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.send-confirmation") : null;
    if (button) send(button);
  });
  api.enable("button.send-confirmation");
})();
