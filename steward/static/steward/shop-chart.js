// Draws the shop page's 90-day chart from the figure the server embedded in the page.
(function () {
  "use strict";
  var target = document.getElementById("shop-chart");
  var source = document.getElementById("shop-chart-data");
  if (!target || !source || typeof Plotly === "undefined") {
    return;
  }
  var figure = JSON.parse(source.textContent);
  Plotly.newPlot(target, figure.data, figure.layout, {
    displayModeBar: false,
    responsive: true,
  });
})();
