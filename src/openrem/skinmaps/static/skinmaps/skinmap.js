/* Skin dose map of a fluoroscopy study: 2D unrolled map and 3D phantom (Plotly, served locally).
   The map data is asked for after the page has loaded; Plotly (4.8 MB) is loaded only when there is a
   map to show. */
(function () {
  "use strict";
  var section = document.getElementById("skin-dose-map");
  if (!section) { return; }
  var L = section.dataset;
  var message = document.getElementById("skinmap-message");
  var body = document.getElementById("skinmap-body");
  var map = null;
  var overlay = true;
  var win = { level: 0, width: 1 };

  function fmt(v, digits) { return v === null || v === undefined ? "" : Number(v).toFixed(digits); }

  function windowRange() {
    var low = Math.max(0, win.level - win.width / 2);
    return [low, Math.max(low + 1e-6, win.level + win.width / 2)];
  }

  function regionLayout() {
    if (!overlay) { return { shapes: [], annotations: [] }; }
    var f = map.flat_width, c = map.curved_width, h = map.head_rows, rows = map.rows, cols = map.columns;
    var edges = [f, f + c, 2 * f + c];
    var line = { color: "rgba(255,255,255,0.8)", width: 1, dash: "dot" };
    var shapes = edges.map(function (x) { return { type: "line", x0: x - 0.5, x1: x - 0.5, y0: h - 0.5, y1: rows - 0.5, line: line }; });
    shapes.push({ type: "line", x0: -0.5, x1: cols - 0.5, y0: h - 0.5, y1: h - 0.5, line: line });
    var font = { color: "white", size: 11 };
    var names = [[f / 2, L.lAnterior], [f + c / 2, L.lLeft], [1.5 * f + c, L.lPosterior], [2 * f + 1.5 * c, L.lRight]];
    var annotations = names.map(function (n) { return { x: n[0] - 0.5, y: rows - 3, text: n[1], showarrow: false, font: font }; });
    annotations.push({ x: f / 2 - 0.5, y: h / 2, text: L.lHead, showarrow: false, font: font });
    annotations.push({ x: cols - 6, y: h + 2, text: L.lSuperior + " ↑", showarrow: false, font: font });
    annotations.push({ x: cols - 6, y: rows - 3, text: L.lInferior + " ↓", showarrow: false, font: font });
    return { shapes: shapes, annotations: annotations };
  }

  function draw2d() {
    var range = windowRange();
    var trace = {
      type: "heatmap", z: map.dose_mgy, colorscale: "Viridis", zmin: range[0], zmax: range[1],
      colorbar: { title: { text: L.lDose + " (" + L.lMgy + ")" } },
      hovertemplate: "%{z:.3f} " + L.lMgy + "<extra>%{x}, %{y} " + L.lCm + "</extra>"
    };
    var layout = Object.assign({
      margin: { l: 40, r: 10, t: 10, b: 30 },
      xaxis: { title: { text: L.lCm }, constrain: "domain" },
      yaxis: { autorange: "reversed", scaleanchor: "x", title: { text: L.lCm } }
    }, regionLayout());
    Plotly.react("skinmap-2d", [trace], layout, { responsive: true, displaylogo: false });
  }

  function ring(flat, curved, cols) {
    var r = curved / Math.PI, xs = [], ys = [];
    for (var j = 0; j < cols; j++) {
      var s = j + 0.5, x, y, phi;
      if (s < flat) { x = s - flat / 2; y = r; }
      else if (s < flat + curved) { phi = (s - flat) / r; x = flat / 2 + r * Math.sin(phi); y = r * Math.cos(phi); }
      else if (s < 2 * flat + curved) { x = flat / 2 - (s - flat - curved); y = -r; }
      else { phi = (s - 2 * flat - curved) / r; x = -flat / 2 - r * Math.sin(phi); y = -r * Math.cos(phi); }
      xs.push(x); ys.push(y);
    }
    return [xs, ys];
  }

  function surfaces() {
    var range = windowRange(), cols = map.columns, h = map.head_rows;
    var torso = ring(map.flat_width, map.curved_width, cols);
    var tx = [], ty = [], tz = [], tc = [];
    for (var row = h; row < map.rows; row++) {
      var z = map.rows - row - 0.5, rx = [], ry = [], rz = [], rc = [];
      for (var j = 0; j <= cols; j++) {
        var k = j % cols;
        rx.push(torso[0][k]); ry.push(torso[1][k]); rz.push(z); rc.push(map.dose_mgy[row][k]);
      }
      tx.push(rx); ty.push(ry); tz.push(rz); tc.push(rc);
    }
    var headCells = 58, hr = map.head_radius, start = Math.floor(map.flat_width / 2) - headCells / 2;
    var hx = [], hy = [], hz = [], hc = [];
    for (var hrow = 0; hrow < h; hrow++) {
      var zz = map.rows - hrow - 0.5, ax = [], ay = [], az = [], ac = [];
      for (var i = 0; i <= headCells; i++) {
        var kk = i % headCells, phi = (kk + 0.5) / hr - Math.PI, col = ((start + kk) % cols + cols) % cols;
        ax.push(hr * Math.sin(phi)); ay.push(hr * Math.cos(phi)); az.push(zz); ac.push(map.dose_mgy[hrow][col]);
      }
      hx.push(ax); hy.push(ay); hz.push(az); hc.push(ac);
    }
    var common = { type: "surface", colorscale: "Viridis", cmin: range[0], cmax: range[1], showscale: false,
                   hovertemplate: "%{surfacecolor:.3f} " + L.lMgy + "<extra></extra>" };
    return [Object.assign({ x: tx, y: ty, z: tz, surfacecolor: tc }, common),
            Object.assign({ x: hx, y: hy, z: hz, surfacecolor: hc }, common)];
  }

  function draw3d() {
    var layout = {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: { aspectmode: "data", camera: { eye: { x: 1.3, y: -2.1, z: 0.5 } },
               xaxis: { title: { text: L.lLeft + " (" + L.lCm + ")" } },
               yaxis: { title: { text: L.lAnterior + " (" + L.lCm + ")" } },
               zaxis: { title: { text: L.lSuperior + " (" + L.lCm + ")" } } }
    };
    Plotly.react("skinmap-3d", surfaces(), layout, { responsive: true, displaylogo: false });
  }

  function setWindow(level, width) {
    win.level = level; win.width = width;
    document.getElementById("skinmap-level").value = level;
    document.getElementById("skinmap-width").value = width;
    document.getElementById("skinmap-level-value").textContent = fmt(level, 3);
    document.getElementById("skinmap-width-value").textContent = fmt(width, 3);
  }

  function redraw() {
    var range = windowRange();
    Plotly.restyle("skinmap-2d", { zmin: [range[0]], zmax: [range[1]] });
    Plotly.restyle("skinmap-3d", { cmin: [range[0], range[0]], cmax: [range[1], range[1]] });
  }

  function info() {
    var i = map.info;
    document.getElementById("skinmap-peak").textContent = fmt(map.peak_skin_dose_mgy, 3);
    document.getElementById("skinmap-phantom").textContent = fmt(map.phantom_width, 1) + " × " +
      fmt(map.phantom_depth, 1) + " × " + map.torso_length + " " + L.lCm;
    document.getElementById("skinmap-height").textContent = fmt(i.height_cm, 1) + " " + L.lCm + " (" + i.height_source + ")";
    document.getElementById("skinmap-mass").textContent = fmt(i.mass_kg, 1) + " kg (" + i.mass_source + ")";
    document.getElementById("skinmap-orientation").textContent = i.orientation + " (" + i.orientation_source + ")";
    document.getElementById("skinmap-dap").textContent = fmt(i.fraction_dap_percent, 1);
    var skipped = Object.keys(i.events_skipped || {}).map(function (k) { return k + ": " + i.events_skipped[k]; });
    document.getElementById("skinmap-events").textContent = i.events_used + (skipped.length ? " (" + skipped.join(", ") + ")" : "");
    document.getElementById("skinmap-version").textContent = i.version;
  }

  function show(data) {
    map = data;
    var peak = Math.max(map.peak_skin_dose_mgy, 1e-6);
    ["skinmap-level", "skinmap-width"].forEach(function (id) {
      var el = document.getElementById(id);
      el.max = (id === "skinmap-level" ? peak : 2 * peak).toPrecision(4);
      el.step = (peak / 200).toPrecision(3);
    });
    setWindow(peak / 2, peak);
    message.hidden = true;
    body.hidden = false;
    info();
    draw2d();
    draw3d();
    document.getElementById("skinmap-level").addEventListener("input", function (e) { setWindow(Number(e.target.value), win.width); redraw(); });
    document.getElementById("skinmap-width").addEventListener("input", function (e) { setWindow(win.level, Number(e.target.value)); redraw(); });
    document.getElementById("skinmap-reset").addEventListener("click", function () { setWindow(peak / 2, peak); redraw(); });
    document.getElementById("skinmap-overlay").addEventListener("change", function (e) { overlay = e.target.checked; Plotly.relayout("skinmap-2d", regionLayout()); });
    document.getElementById("skinmap-png-2d").addEventListener("click", function () { Plotly.downloadImage("skinmap-2d", { format: "png", filename: "skin-dose-map" }); });
    document.getElementById("skinmap-png-3d").addEventListener("click", function () { Plotly.downloadImage("skinmap-3d", { format: "png", filename: "skin-dose-map-3d" }); });
    section.dataset.state = "shown";
  }

  function failed() { message.textContent = L.lFailed; message.className = "alert alert-danger"; section.dataset.state = "error"; }

  function withPlotly(callback) {
    if (typeof Plotly !== "undefined") { callback(); return; }
    var script = document.createElement("script");
    script.src = section.dataset.plotly;
    script.onload = callback;
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function load() {
    fetch(section.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (data) {
        if (data.status === "calculated") { withPlotly(function () { show(data); }); return; }
        message.textContent = data.message;
        message.className = "alert " + (data.status === "disabled" ? "alert-secondary" : "alert-warning");
        section.dataset.state = data.status;
      })
      .catch(failed);
  }

  if (document.readyState === "complete") { load(); } else { window.addEventListener("load", load); }
}());
