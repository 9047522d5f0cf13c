// Shared by the page scripts: JSON calls to the API, its error shape, money display and
// the page's live regions. Plain JS, no inline script (CSP). Load it before the others.
window.SCC = (function () {
  "use strict";

  function show(box, message) {
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  // Announce an outcome in the page's status (success) or alert (failure) region.
  function report(ok, message) {
    var status = document.getElementById("page-status");
    var alert = document.getElementById("page-alert");
    show(ok ? alert : status, "");
    show(ok ? status : alert, message);
  }

  // The API's error shape as one sentence: {error, fields?: {name: [messages]}}.
  function errorMessage(body, fallback) {
    if (!body || !body.error) return fallback;
    var parts = [body.error];
    if (body.fields) {
      Object.keys(body.fields).forEach(function (name) {
        var label = name.replace("_", " ");
        parts.push(label.charAt(0).toUpperCase() + label.slice(1) + ": " + body.fields[name].join(" "));
      });
    }
    return parts.join(" ");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
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
    report: report,
    errorMessage: errorMessage,
    postJson: postJson,
    usd: usd,
    label: label,
    limit: limit,
  };
})();
