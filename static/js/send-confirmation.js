// The event page's "Send confirmation" / "Resend" buttons. Plain JS, no inline script (CSP).
(function () {
  "use strict";

  var buttons = document.querySelectorAll("button.send-confirmation");
  if (!buttons.length) return;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var pageStatus = document.getElementById("page-status");
  var pageAlert = document.getElementById("page-alert");

  function show(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  function report(ok, message) {
    show(ok ? pageAlert : pageStatus, "");
    show(ok ? pageStatus : pageAlert, message);
  }

  function send(button) {
    if (button.disabled) return;
    var label = button.textContent;
    var row = button.closest("tr");
    var cell = row && row.querySelector('[data-field="email-status"]');
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Sending…";
    report(true, "");
    fetch(button.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
      },
      body: JSON.stringify({
        event_id: button.dataset.eventId,
        payment_id: button.dataset.paymentId,
        resend: button.dataset.resend === "true",
      }),
    })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (result) {
        var body = result.body;
        if (body && body.ok) {
          report(true, "Confirmation emailed to " + body.to + ".");
          if (cell) cell.textContent = "Sent";
          button.dataset.resend = "true";
          label = "Resend";
        } else {
          var error = body && body.error ? body.error : "The server answered " + result.status + ".";
          report(false, "Email not sent: " + error);
          if (cell && result.status === 502) cell.textContent = "Failed";
        }
      })
      .catch(function () {
        report(false, "Email not sent: the network request did not complete. Try again.");
      })
      .then(function () {
        button.textContent = label;
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { send(button); });
  });
})();
