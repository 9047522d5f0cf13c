// Shared by the page scripts: JSON calls to the API, its error shape, money display and
// the page's live regions. Plain JS, no inline script (CSP). Load it before the others.
window.SCC = (function () {
  "use strict";

  // A live region's text; the banner holding it (a toast, or the region itself) shows only with text.
  function show(box, message) {
    if (!box) return;
    box.textContent = message;
    var holder = (box.closest && box.closest(".toast")) || box;
    holder.hidden = !message;
  }

  // Announce an outcome in the page's status (success) or alert (failure) region.
  function report(ok, message) {
    var status = document.getElementById("page-status");
    var alert = document.getElementById("page-alert");
    show(ok ? alert : status, "");
    show(ok ? status : alert, message);
  }

  // The API's error shape as one sentence: {error, fields?: {name: [messages]}}. `labels` names the
  // fields as the form's labels do ({patron_id: "Patron"}); a field without one is named from its code.
  function errorMessage(body, fallback, labels) {
    if (!body || !body.error) return fallback;
    var parts = [body.error];
    if (body.fields) {
      Object.keys(body.fields).forEach(function (name) {
        var label = (labels && labels[name]) || name.replace(/_/g, " ");
        parts.push(label.charAt(0).toUpperCase() + label.slice(1) + ": " + body.fields[name].join(" "));
      });
    }
    return parts.join(" ");
  }

  // Form errors as the Django admin shows them: each message beside its field (aria-invalid,
  // aria-describedby), focus on the first invalid field, and a banner that sums up.
  // `fields`: {name: [messages]}; `form`: the <form> whose controls carry those names.
  function markFields(form, fields) {
    clearFields(form);
    var first = null;
    Object.keys(fields || {}).forEach(function (name) {
      var control = form.elements.namedItem(name);
      if (!control || !control.id) return; // no such control: the banner's summary names it
      var message = document.createElement("p");
      message.className = "field-error";
      message.id = control.id + "-error";
      message.textContent = fields[name].join(" ");
      var field = control.closest(".field, .check") || control.parentElement;
      field.classList.add("has-error");
      field.appendChild(message);
      control.setAttribute("aria-invalid", "true");
      var described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      control.dataset.describedBefore = described.join(" ");
      control.setAttribute("aria-describedby", [message.id].concat(described).join(" "));
      if (!first) first = control;
    });
    if (first) first.focus();
  }

  function clearFields(form) {
    form.querySelectorAll(".field-error[id$='-error']").forEach(function (message) { message.remove(); });
    form.querySelectorAll(".has-error").forEach(function (field) { field.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (control) {
      control.removeAttribute("aria-invalid");
      if (control.dataset.describedBefore !== undefined) {
        if (control.dataset.describedBefore) control.setAttribute("aria-describedby", control.dataset.describedBefore);
        else control.removeAttribute("aria-describedby");
        delete control.dataset.describedBefore;
      }
    });
  }

  function fieldLabel(form, name) {
    var control = form.elements.namedItem(name);
    var label = control && control.id ? form.querySelector('label[for="' + control.id + '"]') : null;
    return label ? label.textContent.trim() : name.replace(/_/g, " ").replace(/^./, function (c) { return c.toUpperCase(); });
  }

  // The banner's summary of field errors, as the Django admin words it, naming each field by its label.
  // With the server's own sentence when it says more than that fields are wrong.
  function summary(form, fields, error) {
    var names = Object.keys(fields);
    var lead = names.length > 1 ? "Please correct the errors below." : "Please correct the error below.";
    if (error && error !== GENERIC_FIELD_ERROR) return lead + " " + error;
    return [lead].concat(names.map(function (name) { return fieldLabel(form, name) + ": " + fields[name].join(" "); })).join(" ");
  }
  var GENERIC_FIELD_ERROR = "Some fields are not valid.";

  // Marks the fields and returns the banner's text.
  function fieldErrors(form, fields, error) {
    markFields(form, fields);
    return summary(form, fields, error);
  }

  // Amounts as people type them, as decimals (page.js, loaded on every page, has the rule).
  function normaliseAmount(text) {
    return window.SCCAmount ? window.SCCAmount(text) : (text || "").trim();
  }

  // The CSRF token from its cookie when it can be read (it is current even after signing in again
  // in another tab), else the one rendered into the page.
  function csrfToken() {
    var name = document.body.dataset.csrfCookie;
    if (name) {
      var match = document.cookie.split("; ").filter(function (pair) { return pair.indexOf(name + "=") === 0; })[0];
      if (match) return decodeURIComponent(match.slice(name.length + 1));
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Why a confirmation email did not go, in words: never the mail library's exception text (the
  // audit trail keeps that for whoever investigates).
  function emailFailure(result) {
    var body = result.body;
    if (result.status === 401) return "your session has expired; sign in again, then use Send confirmation on the event page.";
    if (body && body.email_sent === false) {
      return "the mail service did not accept the message, so nothing was sent. Try again later with Send confirmation on the event page.";
    }
    return errorMessage(body, "the server answered " + result.status + ".");
  }

  // The sign-in page, opened in a new tab so that what was typed here is kept.
  function signInLink() {
    var link = document.createElement("a");
    link.href = (document.body.dataset.loginUrl || "/login/") + "?next=" + encodeURIComponent(window.location.pathname);
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Sign in again (opens a new tab)";
    return link;
  }

  // Resolves to {status, body} whatever the status; rejects only when the network fails.
  function postJson(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  // Money stays a string: no float arithmetic, only grouping for display.
  function usd(text) {
    if (text === null || text === undefined) return "—";
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + "$" + whole + "." + (parts[1] || "00");
  }

  // Words for a stored code ("payment" -> "Payment"), from the vocabularies the page carries
  // (#scc-vocabulary: audit_action, payment_method, record_kind, role). Unknown codes show as they are.
  var vocabulary = null;
  function label(name, code) {
    if (vocabulary === null) {
      var data = document.getElementById("scc-vocabulary");
      vocabulary = data ? JSON.parse(data.textContent) : {};
    }
    var words = vocabulary[name] && vocabulary[name][code];
    return words || code;
  }

  // The API's limits (#scc-limits: notes_max, amount_max, amount_pattern, ...), the values
  // /api/openapi.json states and the server checks: one source, scc/limits.py.
  var limits = null;
  function limit(name) {
    if (limits === null) {
      var data = document.getElementById("scc-limits");
      limits = data ? JSON.parse(data.textContent) : {};
    }
    return limits[name];
  }

  // Buttons that only work with a script are rendered disabled with data-needs-script;
  // each script enables its own once its listeners are in place (no dead clicks while loading).
  function enable(selector, root) {
    (root || document).querySelectorAll(selector + "[data-needs-script]").forEach(function (element) {
      element.disabled = false;
      element.removeAttribute("data-needs-script");
    });
  }

  return {
    enable: enable,
    show: show,
    fieldErrors: fieldErrors,
    clearFields: clearFields,
    normaliseAmount: normaliseAmount,
    signInLink: signInLink,
    emailFailure: emailFailure,
    report: report,
    errorMessage: errorMessage,
    postJson: postJson,
    usd: usd,
    label: label,
    limit: limit,
  };
})();
