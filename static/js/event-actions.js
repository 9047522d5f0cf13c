// Event page actions. Plain JS, no inline script (CSP).
// Each action lives in its own setup function; shared helpers come first. Buttons are found by
// delegated clicks, since the roster and the ledger are re-rendered after every action.
(function () {
  "use strict";

  var api = window.SCC;
  var show = api.show;
  var errorMessage = api.errorMessage;
  var pageStatus = document.getElementById("page-status");
  var pageAlert = document.getElementById("page-alert");
  var SECTIONS = ["event-totals", "roster", "ledger", "activity"];
  var SCRIPTED = ["button.void-payment", "button.refund-payment", "button.send-confirmation", "button.log-payment",
    "button.checkin-toggle", "button.edit-patron", "button.cancel-booking", "button.add-patron", "button.copy-link"];

  function enableAll(root) {
    SCRIPTED.forEach(function (selector) { api.enable(selector, root); });
  }

  // Bring the page's sections up to date from the server's own rendering of it (same sort order).
  function refreshSections() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("reload failed");
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        SECTIONS.forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) current.replaceWith(document.importNode(replacement, true));
        });
        enableAll(document);
      });
  }

  // After a write: refresh, announce `message`, and put focus somewhere sensible.
  function after(message, focusId) {
    show(pageAlert, "");
    return refreshSections().then(
      function () {
        show(pageStatus, message);
        var target = focusId && document.getElementById(focusId);
        if (target) target.focus();
      },
      function () { show(pageStatus, message + " Reload the page to see the changes."); }
    );
  }

  function onClick(selector, handler) {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(selector) : null;
      if (button && !button.disabled) handler(button);
    });
  }

  // A dialog with one form posting JSON: open(button) fills it, payload() builds the body,
  // done(body) returns the status message. Keeps the dialog open with the server's message on errors.
  function formDialog(options) {
    var dialog = document.getElementById(options.id);
    if (!dialog) return null;
    var form = dialog.querySelector("form");
    var save = dialog.querySelector("button[type=submit]");
    var cancel = dialog.querySelector("button[type=button]");
    var alertBox = dialog.querySelector("[role=alert]");
    var state = { saving: false, label: save.textContent };

    function setSaving(saving) {
      state.saving = saving;
      save.disabled = saving;
      cancel.disabled = saving; // what the server is already writing cannot be called back
      save.textContent = saving ? options.busy : state.label;
      form.setAttribute("aria-busy", saving ? "true" : "false");
    }

    function open(button) {
      form.reset();
      api.clearFields(form);
      show(alertBox, "");
      options.open(button);
      state.label = save.textContent;
      setSaving(false);
      dialog.showModal();
      options.focus().focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (state.saving) return;
      var problem = options.check ? options.check() : null;
      if (problem) {
        var fields = {};
        fields[problem.field.name] = [problem.message];
        show(alertBox, api.fieldErrors(form, fields));
        return;
      }
      api.clearFields(form);
      setSaving(true);
      show(alertBox, "");
      api.postJson(options.url(dialog), options.payload(dialog))
        .then(function (result) {
          setSaving(false);
          if (!dialog.open) return;
          if (!result.body || !result.body.ok) {
            if (result.status === 401) {
              show(alertBox, "Not saved: your session has expired. Your values are kept: sign in again, then come back to this tab and save. ");
              alertBox.appendChild(api.signInLink());
              return;
            }
            var fields = result.body && result.body.fields;
            show(alertBox, fields && Object.keys(fields).length ? api.fieldErrors(form, fields, result.body.error)
              : errorMessage(result.body, "The server answered " + result.status + "."));
            return;
          }
          dialog.close();
          return after(options.done(result.body), options.focusAfter);
        })
        .catch(function () {
          setSaving(false);
          if (dialog.open) show(alertBox, "The network request did not complete. Nothing is known to be saved: try again.");
        });
    });
    cancel.addEventListener("click", function () {
      if (!state.saving) dialog.close();
    });
    dialog.addEventListener("cancel", function (event) {
      if (state.saving) event.preventDefault(); // keep the dialog until the server answers
    });
    return open;
  }

  function required(field, message) {
    return field.value.trim() ? null : { field: field, message: message };
  }

  function setupVoid() {
    var reason = document.getElementById("void-reason");
    var state = {};
    var open = formDialog({
      id: "void-dialog",
      busy: "Voiding…",
      open: function (button) {
        state.paymentId = button.dataset.paymentId;
        state.summary = button.dataset.summary || "";
        document.getElementById("void-dialog-summary").textContent = state.summary;
      },
      focus: function () { return reason; },
      check: function () { return required(reason, "Enter a reason for voiding this payment."); },
      url: function (dialog) { return dialog.dataset.voidUrl; },
      payload: function (dialog) {
        return { event_id: dialog.dataset.eventId, payment_id: state.paymentId, reason: reason.value };
      },
      done: function () { return "Payment " + state.summary + " voided."; },
      focusAfter: "ledger-heading",
    });
    if (open) onClick("button.void-payment", open);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function setupRefund() {
    var amount = document.getElementById("refund-amount");
    var reason = document.getElementById("refund-reason");
    var state = {};
    var open = formDialog({
      id: "refund-dialog",
      busy: "Refunding…",
      open: function (button) {
        // A fresh refund_id per opening: a retry of the same refund never refunds twice.
        state = { paymentId: button.dataset.paymentId, summary: button.dataset.summary || "", refundId: newId() };
        document.getElementById("refund-dialog-summary").textContent = state.summary;
        document.getElementById("refund-left").textContent = "At most " + api.usd(button.dataset.left) + " is left to refund.";
        amount.value = button.dataset.left;
      },
      focus: function () { return amount; },
      check: function () {
        return required(amount, "Enter the amount to refund.") || required(reason, "Enter a reason for the refund.");
      },
      url: function (dialog) { return dialog.dataset.refundUrl; },
      payload: function (dialog) {
        return {
          event_id: dialog.dataset.eventId,
          payment_id: state.paymentId,
          amount: api.normaliseAmount(amount.value),
          reason: reason.value,
          refund_id: state.refundId,
        };
      },
      done: function (body) { return "Refunded " + api.usd(body.payment.amount.replace("-", "")) + " of payment " + state.summary + "."; },
      focusAfter: "ledger-heading",
    });
    if (open) onClick("button.refund-payment", open);
  }

  function setupPatron() {
    var dialog = document.getElementById("patron-dialog");
    var title = document.getElementById("patron-dialog-title");
    var name = document.getElementById("patron-name");
    var email = document.getElementById("patron-email");
    var phone = document.getElementById("patron-phone");
    var state = {};
    var open = formDialog({
      id: "patron-dialog",
      busy: "Saving…",
      open: function (button) {
        state = { patronId: button.dataset.patronId || null, before: button.dataset };
        title.textContent = state.patronId ? "Edit patron" : "Add patron";
        name.value = button.dataset.name || "";
        email.value = button.dataset.email || "";
        phone.value = button.dataset.phone || "";
      },
      focus: function () { return name; },
      check: function () { return required(name, "Enter the patron's name."); },
      url: function () { return state.patronId ? dialog.dataset.updateUrl : dialog.dataset.addUrl; },
      payload: function () {
        var body = { event_id: dialog.dataset.eventId, name: name.value, email: email.value.trim(), phone: phone.value };
        if (state.patronId) body.patron_id = state.patronId;
        return body;
      },
      done: function (body) {
        return (state.patronId ? "Saved " : "Added ") + body.patron.name + (state.patronId ? "." : " to the roster.");
      },
      focusAfter: "roster-heading",
    });
    if (!open) return;
    onClick("button.add-patron", open);
    onClick("button.edit-patron", open);
  }

  function setupCancelBooking() {
    var dialog = document.getElementById("cancel-dialog");
    var reason = document.getElementById("cancel-reason");
    var state = {};
    var open = formDialog({
      id: "cancel-dialog",
      busy: "Cancelling…",
      open: function (button) {
        state = { patronId: button.dataset.patronId, name: button.dataset.name };
        document.getElementById("cancel-dialog-summary").textContent = state.name;
      },
      focus: function () { return reason; },
      check: function () { return required(reason, "Enter a reason for cancelling this booking."); },
      url: function () { return dialog.dataset.url; },
      payload: function () { return { event_id: dialog.dataset.eventId, patron_id: state.patronId, reason: reason.value }; },
      done: function () { return "Booking of " + state.name + " cancelled; they are no longer expected to pay."; },
      focusAfter: "roster-heading",
    });
    if (open) onClick("button.cancel-booking", open);
  }

  // One tap at the dock: no dialog. The button says what it will do; undo is the same button.
  function setupCheckin() {
    onClick("button.checkin-toggle", function (button) {
      var section = document.getElementById("roster");
      var checkIn = button.dataset.checkedIn === "true";
      var name = button.dataset.name;
      var patronId = button.dataset.patronId;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      api.postJson(section.dataset.checkinUrl, { event_id: section.dataset.eventId, patron_id: patronId, checked_in: checkIn })
        .then(function (result) {
          if (!result.body || !result.body.ok) {
            button.disabled = false;
            button.removeAttribute("aria-busy");
            api.report(false, errorMessage(result.body, "The server answered " + result.status + "."));
            return;
          }
          return after(checkIn ? name + " checked in." : "Check-in of " + name + " undone.").then(function () {
            var row = document.querySelector('tr[data-patron-id="' + CSS.escape(patronId) + '"] button.checkin-toggle');
            if (row) row.focus();
          });
        })
        .catch(function () {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          api.report(false, "The network request did not complete. Nothing is known to be saved: try again.");
        });
    });
  }

  function setupCopyLink() {
    onClick("button.copy-link", function (button) {
      var field = document.getElementById(button.dataset.copyTarget);
      var text = field.value;
      var copied = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(text) : Promise.reject();
      copied.then(
        function () { api.report(true, "Waiver link copied: " + text); },
        function () {
          field.focus();
          field.select();
          api.report(false, "Could not copy automatically: the link is selected, copy it with Ctrl+C (or long-press).");
        }
      );
    });
  }

  setupVoid();
  setupRefund();
  setupPatron();
  setupCancelBooking();
  setupCheckin();
  setupCopyLink();
  // The Log Payment dialog (payment-modal.js) announces its own outcome; bring the page up to date after it.
  document.addEventListener("scc:ledger-changed", function () {
    refreshSections().catch(function () {});
  });
  enableAll(document);
})();
