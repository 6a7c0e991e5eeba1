// The session form's body chart: choosing a region narrows the muscle picker's type-ahead
// (the #muscles datalist) to that region's muscles, which the server wrote into the region's
// data-muscles; choosing it again offers every muscle. Both views of a region act as one.
"use strict";

(function () {
  let everyMuscle = null; // the datalist's names as the server wrote them

  function offer(names) {
    const list = document.getElementById("muscles");
    if (everyMuscle === null) everyMuscle = Array.from(list.options, function (o) { return o.value; });
    const shown = names ? everyMuscle.filter(function (name) { return names.includes(name); }) : everyMuscle;
    list.replaceChildren.apply(list, shown.map(function (name) { return new Option(name, name); }));
  }

  function choose(region) {
    const chosen = region.getAttribute("aria-pressed") !== "true";
    document.querySelectorAll(".body-chart [data-region]").forEach(function (el) {
      el.setAttribute("aria-pressed", String(chosen && el.dataset.region === region.dataset.region));
    });
    offer(chosen ? region.dataset.muscles.split("|") : null);
    document.getElementById("body-chart-offer").textContent = chosen
      ? "Muscles of the " + region.dataset.label.toLowerCase() + " offered."
      : "All muscles offered.";
  }

  function regionOf(event) {
    return event.target.closest && event.target.closest(".body-chart [data-region]");
  }

  document.addEventListener("click", function (event) {
    const region = regionOf(event);
    if (region) choose(region);
  });

  document.addEventListener("keydown", function (event) {
    const region = regionOf(event);
    if (region && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault(); // neither submit the form nor scroll the page
      choose(region);
    }
  });
})();
