// The dispatch page's Show filter applies as soon as it changes; without script, the
// Search button submits it with the search.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var page = select.form.querySelector("input[name=page]");
      if (page) page.remove();
      select.form.requestSubmit();
    });
    select.dataset.listening = "true"; // a change made before this point needs the Search button
  });
})();
