// The dispatch page's "Log Payment" dialog. Plain JS, no inline script (CSP).
(function () {
  "use strict";

  var dialog = document.getElementById("payment-dialog");
  if (!dialog) return;

  var form = dialog.querySelector("form");
  var patron = document.getElementById("payment-patron");
  var patronHint = document.getElementById("payment-patron-id");
  var amount = document.getElementById("payment-amount");
  var notes = document.getElementById("payment-notes");
  var email = document.getElementById("payment-email");
  var save = document.getElementById("payment-save");
  var alertBox = document.getElementById("payment-alert");
  var eventLabel = document.getElementById("payment-dialog-event");
  var pageStatus = document.getElementById("page-status");
  var pageAlert = document.getElementById("page-alert");
  var api = window.SCC;
  var show = api.show;
  var usd = api.usd;

  var state = { opener: null, eventId: null, paymentId: null, saving: false, roster: {} };

  function newPaymentId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function setPatrons(roster) {
    state.roster = {};
    patron.textContent = "";
    var placeholder = new Option(roster.length ? "Choose a patron…" : "No patrons on the roster", "");
    patron.appendChild(placeholder);
    roster.forEach(function (p) {
      state.roster[p.patron_id] = p;
      patron.appendChild(new Option(p.name || p.patron_id, p.patron_id));
    });
  }

  function showPatronId() {
    var chosen = state.roster[patron.value];
    patronHint.textContent = chosen ? "Patron ID: " + chosen.patron_id + (chosen.email ? " · " + chosen.email : "") : "";
  }

  function open(button) {
    state.opener = button;
    state.eventId = button.dataset.eventId;
    state.paymentId = newPaymentId();
    form.reset();
    show(alertBox, "");
    patronHint.textContent = "";
    eventLabel.textContent = button.dataset.eventTitle || "";
    patron.textContent = "";
    patron.appendChild(new Option("Loading roster…", ""));
    setSaving(false);
    dialog.showModal();
    patron.focus();
    var url = dialog.dataset.eventUrl.replace("EVENT_ID", encodeURIComponent(state.eventId));
    var eventId = state.eventId;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (state.eventId !== eventId) return;
        if (!body.ok) throw new Error(body.error || "Could not load the roster.");
        setPatrons(body.event.roster);
      })
      .catch(function (error) {
        show(alertBox, "Could not load the roster: " + error.message);
      });
  }

  function setSaving(saving) {
    state.saving = saving;
    save.disabled = saving;
    save.textContent = saving ? "Saving…" : "Save payment";
    form.setAttribute("aria-busy", saving ? "true" : "false");
  }

  function updateCard(eventId, totals) {
    var card = document.querySelector('article.card[data-event-id="' + CSS.escape(eventId) + '"]');
    if (!card) return;
    var paid = card.querySelector('[data-field="paid"]');
    if (paid) paid.textContent = usd(totals.paid);
    var meter = card.querySelector("meter");
    if (meter) {
      meter.value = totals.paid;
      meter.textContent = usd(totals.paid) + " of " + usd(totals.expected);
    }
    var outstanding = card.querySelector('[data-field="outstanding"]');
    if (outstanding && totals.outstanding !== null) {
      // As the page's `outstanding` filter words it: "Overpaid $X" when negative.
      var owed = totals.outstanding;
      var over = owed.charAt(0) === "-";
      outstanding.textContent = over ? "Overpaid " + usd(owed.slice(1)) : usd(owed);
      outstanding.className = over ? "overpaid" : /^0(\.0+)?$/.test(owed) ? "settled" : "owing";
    }
  }

  function notify(eventId, paymentId) {
    var url = dialog.dataset.notifyUrl;
    if (!url) return Promise.resolve(null);
    return api.postJson(url, { event_id: eventId, payment_id: paymentId }).then(
      function (result) {
        if (result.body && result.body.ok) return { ok: true, text: "confirmation emailed to " + result.body.to };
        return { ok: false, text: "email failed: " + api.errorMessage(result.body, "the server did not answer") };
      },
      function () { return { ok: false, text: "email failed: the network request did not complete" }; }
    );
  }

  function submit(event) {
    event.preventDefault();
    if (state.saving) return;
    setSaving(true);
    show(alertBox, "");
    var eventId = state.eventId;
    var chosen = state.roster[patron.value];
    var payload = {
      event_id: eventId,
      patron_id: patron.value,
      amount: amount.value.trim(),
      notes: notes.value,
      payment_id: state.paymentId,
    };
    var sendEmail = email.checked;
    api.postJson(dialog.dataset.logUrl, payload)
      .then(function (result) {
        if (!result.body || !result.body.ok) {
          setSaving(false);
          show(alertBox, api.errorMessage(result.body, "The server answered " + result.status + "."));
          return;
        }
        var payment = result.body.payment;
        updateCard(eventId, result.body.totals);
        dialog.close();
        var saved = api.label("record_kind", payment.kind) + " of " + usd(payment.amount) + " from " + (chosen ? chosen.name : payment.patron_id) + " saved";
        show(pageAlert, "");
        show(pageStatus, saved + (sendEmail ? "; sending confirmation…" : "."));
        if (!sendEmail) return;
        return notify(eventId, payment.payment_id).then(function (outcome) {
          if (!outcome) return;
          if (outcome.ok) {
            show(pageStatus, saved + "; " + outcome.text + ".");
          } else {
            show(pageStatus, "");
            show(pageAlert, saved + "; " + outcome.text);
          }
        });
      })
      .catch(function () {
        setSaving(false);
        show(alertBox, "The network request did not complete. Your values are kept: try Save payment again.");
      });
  }

  document.querySelectorAll("button.log-payment").forEach(function (button) {
    button.addEventListener("click", function () { open(button); });
  });
  patron.addEventListener("change", showPatronId);
  form.addEventListener("submit", submit);
  document.getElementById("payment-cancel").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("cancel", function (event) {
    if (state.saving) event.preventDefault(); // keep the dialog until the server answers
  });
  dialog.addEventListener("close", function () {
    state.eventId = null;
    if (state.opener) state.opener.focus();
  });
  api.enable("button.log-payment");
})();
