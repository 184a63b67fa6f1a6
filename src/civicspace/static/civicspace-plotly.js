/* Draw the course's plotly figures from the site's own copy of plotly.js.
 *
 * Each figure in a page is a <div class="cs-plotly"> holding an empty target
 * <div> and its JSON in <script type="application/json" class="cs-plotly-data">
 * (written by civicspace.plotting.figure_html). Nothing here touches the network:
 * plotly.js and the world map topology are served from this site's _static/.
 */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var base = here ? here.replace(/[^\/]*$/, "") : "_static/";

  function drawAll() {
    if (!window.Plotly) {
      console.error("civicspace: plotly.js is not loaded; figures cannot be drawn");
      return;
    }
    window.Plotly.setPlotConfig({ topojsonURL: base + "topojson/" });
    var nodes = document.querySelectorAll("script.cs-plotly-data");
    Array.prototype.forEach.call(nodes, function (node) {
      var target = node.parentElement.querySelector(".cs-plotly-target");
      var spec = JSON.parse(node.textContent);
      var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["sendDataToCloud"] };
      window.Plotly.newPlot(target, {
        data: spec.data,
        layout: spec.layout,
        frames: spec.frames || [],
        config: config
      }).then(function () {
        target.setAttribute("data-cs-drawn", "true");
      }, function (err) {
        console.error("civicspace: could not draw figure", target.id, err);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
