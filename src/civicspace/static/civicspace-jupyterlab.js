/* civicspace-jupyterlab: plotly's world map in JupyterLab without any network.
 *
 * plotly.js draws a map from a topology that it first looks up in
 * window.PlotlyGeoAssets.topojson and otherwise downloads from its CDN
 * (cdn.plot.ly), so offline every map stays blank. This JupyterLab extension
 * loads the course's own copy, installed next to this file, into
 * window.PlotlyGeoAssets before JupyterLab opens any notebook. It works wherever
 * JupyterLab is served from (a laptop, Binder, a hub's /user/<name>/ prefix):
 * the map's address is taken from this script's own.
 *
 * Installed by `python -m civicspace.jupyter_offline install`. It is a prebuilt
 * JupyterLab extension written by hand (no build step): JupyterLab loads this
 * script, then calls init() and get("./extension") on the container below.
 */
(function () {
  "use strict";
  var NAME = "civicspace-jupyterlab";
  var MAPS = ["world_110m"];
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/[^\/]*$/, "") : "";

  function loadMaps() {
    return Promise.all(MAPS.map(function (name) {
      return fetch(base + name + ".json", { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status + " for " + response.url);
          }
          return response.json();
        })
        .then(function (topology) {
          var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {});
          assets.topojson = assets.topojson || {};
          assets.topojson[name] = topology;
        });
    })).catch(function (err) {
      console.error(NAME + ": could not load the world map; plotly maps will be blank offline.", err);
    });
  }

  var plugin = {
    id: NAME + ":plotly-maps",
    description: "Draw plotly maps from the course's own world topology.",
    autoStart: true,
    // JupyterLab waits for this promise before it opens any notebook, so the maps are
    // in place before the first figure is drawn.
    activate: function () {
      return loadMaps();
    }
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () {
      return Promise.resolve();
    },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    }
  };
})();
