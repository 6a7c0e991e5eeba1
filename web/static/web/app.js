// The session form's site rows, added and removed without a round trip, and the week's
// appointments, dragged to another slot to reschedule them. No inline scripts
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
      const rows = form.querySelectorAll("#site-rows [data-site]");
      const previous = rows[rows.length - 1];
      form.querySelector("#site-rows").appendChild(row);
      renumber(form);
      // The next site is most often on the same side: start from the previous row's side.
      const side = previous && previous.querySelector("select[name$='-side']");
      if (side) row.querySelector("select[name$='-side']").value = side.value;
      row.querySelector("input, select").focus();
    } else if (event.target.matches("[data-remove-site]")) {
      if (form.querySelectorAll("#site-rows [data-site]").length > 1) {
        event.target.closest("[data-site]").remove();
        renumber(form);
        changed(form);
      }
    }
  });

  // Drag an appointment to another slot of the same therapist. The server answers with the
  // week as it now stands: moved, or back where it was with the refusal on top.
  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest("[data-appointment]");
    if (card) {
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
    }
  });

  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest("[data-drop]")) event.preventDefault();
  });

  document.addEventListener("drop", function (event) {
    const cell = event.target.closest && event.target.closest("[data-drop]");
    if (!cell) return;
    event.preventDefault();
    const card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (!card || card.closest("table") !== cell.closest("table")) return;
    cell.appendChild(card);
    htmx.ajax("POST", card.dataset.appointment, {
      source: cell,
      target: "#calendar",
      swap: "outerHTML",
      values: { starts_at: cell.dataset.drop },
    });
  });
})();
