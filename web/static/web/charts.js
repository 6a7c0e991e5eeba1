// Draws every chart of the page with the vendored Chart.js. Each canvas carries its
// configuration as JSON in data-chart (built on the server, web/charts.py): no inline
// script, so the Content-Security-Policy holds.
"use strict";

(function () {
  function draw() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const config = JSON.parse(canvas.dataset.chart);
      config.options = Object.assign({ animation: false, maintainAspectRatio: false }, config.options);
      new window.Chart(canvas, config);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
