/* Draw the course's plotly figures from the site's own copy of plotly.js.
 *
 * Each figure in a page is a <div class="cs-plotly"> holding a target <div> and
 * its JSON in <script type="application/json" class="cs-plotly-data"> (written by
 * civicspace.plotting.figure_html). When the book is built, the target gets a
 * still image of the figure (<img class="cs-plotly-still">, civicspace.book.stills),
 * which the page shows at once, with its text. Nothing here touches the network:
 * plotly.js (the partial bundle the page needs, named by this script's
 * data-plotly attribute) and the world map topology are served from this site's
 * _static/.
 *
 * plotly.js is fetched only after the page is shown and once a figure comes
 * within about one screen height of the viewport (IntersectionObserver). Figures
 * are then drawn live one at a time, and each live figure replaces its still.
 * Figures the reader never scrolls to cost nothing. Before the page is printed
 * (or saved as PDF) every figure not yet drawn is drawn if plotly.js is there;
 * otherwise the stills are printed. A drawn figure's target carries
 * data-cs-drawn="true".
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var here = script && script.src;
  var base = here ? here.replace(/[^\/]*$/, "") : "_static/";
  var plotlyFile = (script && script.getAttribute("data-plotly")) || "plotly.min.js";
  var plotlyLoading = null;
  // How far outside the viewport a figure starts being drawn: one screen height
  // above and below, so it is usually ready by the time the reader reaches it.
  var ROOT_MARGIN = "100% 0px 100% 0px";
  var queue = [];
  var scheduled = false;
  var observer = null;

  function targets() {
    var nodes = document.querySelectorAll("script.cs-plotly-data");
    var found = [];
    Array.prototype.forEach.call(nodes, function (node) {
      var target = node.parentElement.querySelector(".cs-plotly-target");
      if (target) {
        found.push(target);
      }
    });
    return found;
  }

  function checkTraceTypes(target) {
    // A partial plotly.js bundle silently hides a trace type it lacks: say so.
    var wanted = target.data || [];
    var full = target._fullData || [];
    wanted.forEach(function (trace, i) {
      var type = trace.type || "scatter";
      if (full[i] && full[i].type !== type) {
        console.error("civicspace: figure " + target.id + " needs the plotly.js trace type '" + type +
          "', which this page's plotly.js bundle does not include");
      }
    });
  }

  function draw(target) {
    if (target.getAttribute("data-cs-state")) {
      return;
    }
    target.setAttribute("data-cs-state", "started");
    if (observer) {
      observer.unobserve(target);
    }
    var node = target.parentElement.querySelector("script.cs-plotly-data");
    var spec;
    try {
      spec = JSON.parse(node.textContent);
    } catch (err) {
      console.error("civicspace: figure " + target.id + " has data that does not parse", err);
      return;
    }
    var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["sendDataToCloud"] };
    window.Plotly.newPlot(target, {
      data: spec.data,
      layout: spec.layout,
      frames: spec.frames || [],
      config: config
    }).then(function () {
      checkTraceTypes(target);
      // The live figure is drawn under its still: now the still goes.
      Array.prototype.forEach.call(target.querySelectorAll("img.cs-plotly-still"), function (img) {
        img.parentNode.removeChild(img);
      });
      target.setAttribute("data-cs-drawn", "true");
    }, function (err) {
      console.error("civicspace: could not draw figure", target.id, err);
    });
  }

  // Fetch the page's plotly.js once, after the page (and its stills) has been
  // painted: a promise of window.Plotly.
  function loadPlotly() {
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        if (window.Plotly) {
          resolve(window.Plotly);
          return;
        }
        // Running plotly.js takes the page's main thread for a while: fetch it once
        // the page has settled (see settled()), so the stills are painted first.
        settled().then(function () {
          var tag = document.createElement("script");
          tag.src = base + plotlyFile;
          tag.async = true;
          tag.onload = function () {
            if (!window.Plotly) {
              reject(new Error(plotlyFile + " did not define Plotly"));
              return;
            }
            window.Plotly.setPlotConfig({ topojsonURL: base + "topojson/" });
            whenIdle(preloadTopojson, 3000, 200);
            resolve(window.Plotly);
          };
          tag.onerror = function () {
            reject(new Error("could not load " + base + plotlyFile));
          };
          document.head.appendChild(tag);
        });
      });
      plotlyLoading.catch(function (err) {
        console.error("civicspace: plotly.js is not loaded; figures stay still images", err);
      });
    }
    return plotlyLoading;
  }

  // A promise that the page has settled enough to run plotly.js: a figure is in the
  // viewport and its still has been painted (the reader is looking at it), or the page
  // has loaded and the browser is idle, whichever comes first.
  var settling = null;
  function settled() {
    if (!settling) {
      settling = new Promise(function (resolve) {
        whenIdle(resolve, 500, 50);
        if ("IntersectionObserver" in window) {
          var seen = new IntersectionObserver(function (entries) {
            if (entries.some(function (entry) { return entry.isIntersecting; })) {
              seen.disconnect();
              stillsShown().then(resolve);
            }
          });
          targets().forEach(function (target) {
            seen.observe(target);
          });
        }
      });
    }
    return settling;
  }

  // A promise that the still images of the figures waiting to be drawn are decoded and
  // have had a frame to be painted in (at most one second: a still that does not load
  // must not keep the live figure away).
  function stillsShown() {
    var waits = queue.map(function (target) {
      var img = target.querySelector("img.cs-plotly-still");
      return img && img.decode ? img.decode().catch(function () {}) : null;
    }).filter(Boolean);
    var decoded = Promise.all(waits);
    var capped = new Promise(function (resolve) {
      setTimeout(resolve, 1000);
    });
    return Promise.race([decoded, capped]).then(function () {
      return new Promise(function (resolve) {
        (window.requestAnimationFrame || setTimeout)(function () {
          setTimeout(resolve, 0);
        });
      });
    });
  }

  // Draw the first queued figure now and the others one per task, so the browser
  // paints between figures.
  function drain() {
    if (scheduled) {
      return;
    }
    if (!window.Plotly) {
      if (queue.length) {
        loadPlotly().then(drain, function () {});
      }
      return;
    }
    var target = queue.shift();
    if (target) {
      draw(target);
    }
    if (queue.length) {
      scheduled = true;
      setTimeout(function () {
        scheduled = false;
        drain();
      }, 0);
    }
  }

  function enqueue(found) {
    found.forEach(function (target) {
      if (!target.getAttribute("data-cs-state") && queue.indexOf(target) < 0) {
        queue.push(target);
      }
    });
    // In page order: the figure nearest the top of the page first.
    queue.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    drain();
  }

  // A map needs the world topology, which plotly.js fetches when it first draws a
  // map. Fetch it ahead, once the page is idle, so that a map first drawn when the
  // page is printed is complete in the print.
  function preloadTopojson() {
    var assets = window.PlotlyGeoAssets;
    if (!assets || !assets.topojson || !window.fetch) {
      return;  // not a plotly.js bundle that draws maps
    }
    var names = {};
    Array.prototype.forEach.call(document.querySelectorAll("script.cs-plotly-data"), function (node) {
      try {
        var spec = JSON.parse(node.textContent);
      } catch (err) {
        return;
      }
      var geoTraces = (spec.data || []).filter(function (t) {
        return t.type === "choropleth" || t.type === "scattergeo";
      });
      if (geoTraces.length) {
        var geo = (spec.layout && spec.layout.geo) || {};
        names[(geo.scope || "world") + "_" + (geo.resolution || 110) + "m"] = true;
      }
    });
    Object.keys(names).forEach(function (name) {
      if (assets.topojson[name] !== undefined) {
        return;
      }
      fetch(base + "topojson/" + name + ".json").then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (topo) {
        if (topo && assets.topojson[name] === undefined) {
          assets.topojson[name] = topo;
        }
      }, function () {});
    });
  }

  // Run fn once the page has loaded and the browser is idle: within `timeout` ms of the
  // load, or `fallback` ms after it where the browser has no requestIdleCallback.
  function whenIdle(fn, timeout, fallback) {
    var later = function () {
      return window.requestIdleCallback ? window.requestIdleCallback(fn, { timeout: timeout }) : setTimeout(fn, fallback);
    };
    if (document.readyState === "complete") {
      later();
    } else {
      window.addEventListener("load", later);
    }
  }

  // Before printing: draw every figure live if plotly.js is there (the stills
  // print otherwise).
  function drawEverything() {
    if (!window.Plotly) {
      return;
    }
    queue = [];
    targets().forEach(draw);
  }

  function start() {
    window.addEventListener("beforeprint", drawEverything);
    if (!("IntersectionObserver" in window)) {
      loadPlotly().then(drawEverything, function () {});
      return;
    }
    observer = new IntersectionObserver(function (entries) {
      enqueue(entries.filter(function (entry) {
        return entry.isIntersecting;
      }).map(function (entry) {
        observer.unobserve(entry.target);
        return entry.target;
      }));
    }, { rootMargin: ROOT_MARGIN });
    var all = targets();
    all.forEach(function (target) {
      observer.observe(target);
    });
    // Figures already near the viewport are drawn now, without waiting for the
    // observer's first report (which comes only after the page's first rendering).
    var height = window.innerHeight || document.documentElement.clientHeight;
    enqueue(all.filter(function (target) {
      var box = target.getBoundingClientRect();
      return box.top < 2 * height && box.bottom > -height;
    }));
  }

  // Start once the page is parsed and the theme's own deferred scripts have run
  // (this script is deferred too); "load" is the fallback if that moment has passed.
  var started = false;
  function startOnce() {
    if (!started) {
      started = true;
      start();
    }
  }
  if (document.readyState === "complete") {
    startOnce();
  } else {
    document.addEventListener("DOMContentLoaded", startOnce);
    window.addEventListener("load", startOnce);
  }
})();
