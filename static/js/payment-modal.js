// The "Log Payment" dialog of the dispatch page (a button per card) and the event page (a button
// per roster row, prefilled with that patron and what they still owe). Plain JS, no inline script (CSP).
(function () {
  "use strict";

  var dialog = document.getElementById("payment-dialog");
  if (!dialog) return;

  var form = dialog.querySelector("form");
  var patron = document.getElementById("payment-patron");
  var patronHint = document.getElementById("payment-patron-id");
  var amount = document.getElementById("payment-amount");
  var notes = document.getElementById("payment-notes");
  var method = document.getElementById("payment-method");
  var overpay = document.getElementById("payment-overpay");
  var email = document.getElementById("payment-email");
  var save = document.getElementById("payment-save");
  var cancel = document.getElementById("payment-cancel");
  var emailHint = document.getElementById("payment-email-hint");
  var alertBox = document.getElementById("payment-alert");
  var eventLabel = document.getElementById("payment-dialog-event");
  var pageStatus = document.getElementById("page-status");
  var pageAlert = document.getElementById("page-alert");
  var api = window.SCC;
  var show = api.show;
  var usd = api.usd;

  var state = { opener: null, eventId: null, paymentId: null, saving: false, roster: {}, autofilled: null, request: 0 };
  var LABELS = { patron_id: "Patron", amount: "Amount (USD)", method: "Method", notes: "Notes", event_id: "Event" };

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
      patron.appendChild(new Option((p.name || p.patron_id) + (p.cancelled_at ? " (cancelled)" : ""), p.patron_id));
    });
  }

  // What a patron still owes as a decimal string ("0.00" when paid up or overpaid), or null without a price.
  function owed(p) {
    if (!p || p.outstanding === null || p.outstanding === undefined) return null;
    return p.outstanding.charAt(0) === "-" ? "0.00" : p.outstanding;
  }

  // Amounts are compared in cents, as integers: no float arithmetic on money.
  // An amount as the server reads it (its pattern, from the page's limits), in cents; else null.
  var amountPattern = new RegExp(api.limit("amount_pattern"));
  function cents(text) {
    text = api.normaliseAmount(text);
    if (!amountPattern.test(text)) return null;
    var parts = text.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  var MAX_CENTS = cents(api.limit("amount_max")); // the API's largest amount, from the page's limits

  function dollars(value) {
    return usd(Math.floor(value / 100) + "." + ("0" + (value % 100)).slice(-2));
  }

  // Overpayment is allowed but never silent: say so before Save payment is pressed.
  function checkOverpay() {
    var chosen = state.roster[patron.value];
    var due = owed(chosen);
    var amountCents = cents(amount.value);
    // Past the largest amount the server takes, the field's own error says it all.
    if (due === null || amountCents === null || amountCents <= cents(due) || amountCents > MAX_CENTS) {
      show(overpay, "");
      return;
    }
    var name = chosen.name || chosen.patron_id;
    var extra = dollars(amountCents - cents(due));
    show(overpay, "Overpayment: " + extra + " more than " + name + " owes (" + usd(due) + "). Saving logs it anyway, and their row will show Overpaid " + extra + ".");
  }

  function showPatronId() {
    var chosen = state.roster[patron.value];
    patronHint.textContent = chosen ? "Patron ID: " + chosen.patron_id + (chosen.email ? " · " + chosen.email : "") + (owed(chosen) !== null ? " · owes " + usd(owed(chosen)) : "") : "";
    // No address on the roster: say so beside the box before Save, not only after the payment is saved.
    var noEmail = Boolean(chosen) && !chosen.email;
    emailHint.textContent = noEmail ? "No email address on the roster for " + (chosen.name || chosen.patron_id) + ": a confirmation cannot be sent." : "";
    emailHint.hidden = !noEmail;
  }

  // Choosing a patron fills in what they owe, unless the amount was typed by hand.
  function prefill(value) {
    if (amount.value && amount.value !== state.autofilled) return;
    amount.value = value && value !== "0.00" ? value : "";
    state.autofilled = amount.value;
  }

  function choosePatron() {
    showPatronId();
    prefill(owed(state.roster[patron.value]));
    checkOverpay();
  }

  function open(button) {
    state.opener = button;
    state.eventId = button.dataset.eventId;
    state.paymentId = newPaymentId();
    form.reset();
    api.clearFields(form);
    state.autofilled = null;
    state.request += 1; // answers to an earlier opening no longer touch the dialog
    emailHint.hidden = true;
    show(alertBox, "");
    show(overpay, "");
    patronHint.textContent = "";
    eventLabel.textContent = button.dataset.eventTitle || "";
    patron.textContent = "";
    patron.appendChild(new Option("Loading roster…", ""));
    setSaving(false);
    dialog.showModal();
    patron.focus();
    var url = dialog.dataset.eventUrl.replace("EVENT_ID", encodeURIComponent(state.eventId));
    var eventId = state.eventId;
    var request = state.request;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        if (state.request !== request || !dialog.open) return;
        var body = result.body;
        if (result.status === 401) {
          expired("The roster could not be loaded: your session has expired.");
          return;
        }
        if (!body.ok) throw new Error(body.error || "Could not load the roster.");
        setPatrons(body.event.roster);
        var wanted = button.dataset.patronId;
        if (wanted && state.roster[wanted]) {
          patron.value = wanted;
          showPatronId();
          prefill(button.dataset.amount || owed(state.roster[wanted]));
          checkOverpay();
          amount.focus();
        }
      })
      .catch(function (error) {
        if (state.request !== request || !dialog.open) return;
        show(alertBox, "Could not load the roster: " + error.message);
      });
  }

  // The session ended while the dialog was open: say so, and offer to sign in again in another
  // tab; the typed values stay here for Save payment once signed in.
  function expired(lead) {
    show(alertBox, lead + " Your values are kept: sign in again, then come back to this tab and press Save payment. ");
    alertBox.appendChild(api.signInLink());
  }

  // While saving, Cancel is off too: a payment the server is already writing cannot be called back,
  // and closing would hide whether it landed.
  function setSaving(saving) {
    state.saving = saving;
    save.disabled = saving;
    cancel.disabled = saving;
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
        return { ok: false, text: "email failed: " + api.emailFailure(result) };
      },
      function () { return { ok: false, text: "email failed: the network request did not complete; the event page shows whether it went." }; }
    );
  }

  // A note in the dispatch card beside its Log Payment button: the outcome where the eye is.
  function noteOnCard(eventId, message, ok) {
    var card = document.querySelector('article.card[data-event-id="' + CSS.escape(eventId) + '"]');
    if (!card) return;
    var note = card.querySelector(".card-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "card-note";
      card.querySelector(".card-actions").appendChild(note);
    }
    note.className = "card-note " + (ok ? "ok" : "error");
    note.textContent = message;
  }

  // Problems found before asking the server: the same rules, said beside the fields.
  function check() {
    var problems = {};
    if (!patron.value) problems.patron_id = ["Choose the patron who paid."];
    if (!amount.value.trim()) problems.amount = ["Enter the amount paid, e.g. 45 or 1,000.50."];
    return problems;
  }

  function showErrors(body, status) {
    var fields = (body && body.fields) || {};
    var names = Object.keys(fields);
    if (!names.length) {
      show(alertBox, api.errorMessage(body, "The server answered " + status + ": nothing was saved. Try again.", LABELS));
      return;
    }
    show(alertBox, api.fieldErrors(form, fields, body.error));
  }

  function submit(event) {
    event.preventDefault();
    if (state.saving) return;
    var problems = check();
    if (Object.keys(problems).length) {
      showErrors({ error: "", fields: problems }, 400);
      return;
    }
    api.clearFields(form);
    setSaving(true);
    show(alertBox, "");
    var eventId = state.eventId;
    var request = state.request;
    var chosen = state.roster[patron.value];
    var payload = {
      event_id: eventId,
      patron_id: patron.value,
      amount: api.normaliseAmount(amount.value), // "$1,000.50" as typed, "1000.50" as sent
      notes: notes.value,
      payment_id: state.paymentId,
    };
    if (method.value) payload.method = method.value;
    var sendEmail = email.checked;
    var current = function () { return state.request === request && dialog.open; };
    api.postJson(dialog.dataset.logUrl, payload)
      .then(function (result) {
        if (!result.body || !result.body.ok) {
          setSaving(false);
          if (!current()) return;
          if (result.status === 401) expired("Not saved: your session has expired.");
          else showErrors(result.body, result.status);
          return;
        }
        var payment = result.body.payment;
        updateCard(eventId, result.body.totals);
        setSaving(false);
        if (current()) dialog.close();
        var saved = api.label("record_kind", payment.kind) + " of " + usd(payment.amount) + " from " + (chosen ? chosen.name : payment.patron_id) + (payment.method ? " (" + api.label("payment_method", payment.method) + ")" : "") + " saved";
        document.dispatchEvent(new CustomEvent("scc:ledger-changed", { detail: { eventId: eventId } }));
        show(pageAlert, "");
        show(pageStatus, saved + (sendEmail ? "; sending confirmation…" : "."));
        noteOnCard(eventId, saved + ".", true);
        if (!sendEmail) return;
        return notify(eventId, payment.payment_id).then(function (outcome) {
          if (!outcome) return;
          if (outcome.ok) {
            show(pageStatus, saved + "; " + outcome.text + ".");
            noteOnCard(eventId, saved + "; " + outcome.text + ".", true);
          } else {
            show(pageStatus, "");
            show(pageAlert, saved + "; " + outcome.text);
            noteOnCard(eventId, saved + "; " + outcome.text, false);
          }
        });
      })
      .catch(function () {
        setSaving(false);
        var message = "The network request did not complete, so whether the payment was saved is not known. Your values are kept: press Save payment again (it will not be logged twice).";
        if (current()) show(alertBox, message);
        else api.report(false, message);
      });
  }

  // Delegated: the event page re-renders its roster rows after each action.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.log-payment") : null;
    if (button) open(button);
  });
  patron.addEventListener("change", choosePatron);
  amount.addEventListener("input", checkOverpay);
  form.addEventListener("submit", submit);
  cancel.addEventListener("click", function () {
    if (!state.saving) dialog.close();
  });
  dialog.addEventListener("cancel", function (event) {
    if (state.saving) event.preventDefault(); // keep the dialog until the server answers
  });
  dialog.addEventListener("close", function () {
    state.eventId = null;
    state.request += 1;
    if (state.opener) state.opener.focus();
  });
  api.enable("button.log-payment");
})();
