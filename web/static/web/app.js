// The session form's site rows: add and remove without a round trip. No inline scripts
// anywhere (the pages run under a strict Content-Security-Policy), so this file listens on the
// document for the buttons' data attributes.
"use strict";

(function () {
  function renumber(form) {
    const rows = form.querySelectorAll("#site-rows [data-site]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/sites-(\d+|__prefix__)-/, "sites-" + index + "-"));
        });
      });
      row.querySelector("[data-site-number]").textContent = index + 1;
    });
    form.querySelector("#id_sites-TOTAL_FORMS").value = rows.length;
  }

  function changed(form) {
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    const form = event.target.closest("form");
    if (event.target.matches("[data-add-site]")) {
      const row = document.getElementById("site-template").content.firstElementChild.cloneNode(true);
      form.querySelector("#site-rows").appendChild(row);
      renumber(form);
      row.querySelector("input, select").focus();
    } else if (event.target.matches("[data-remove-site]")) {
      if (form.querySelectorAll("#site-rows [data-site]").length > 1) {
        event.target.closest("[data-site]").remove();
        renumber(form);
        changed(form);
      }
    }
  });
})();
