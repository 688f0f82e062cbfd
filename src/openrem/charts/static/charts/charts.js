/* Charts of a study list page (OpenREM). Reads #chart-config (chart list, user options, translated
 * texts), fetches each chart's data from the chart API with the list's own filters (the page's query
 * string), two at a time once the page has loaded, and draws it with the bundled Plotly.js (figures
 * from chart-figures.js). Every figure has: PNG download (1920x1080, descriptive file name), full
 * screen, a data table and a CSV of exactly the plotted numbers, and a message when there is no data. */
(function () {
  "use strict";
  var cfgNode = document.getElementById("chart-config");
  var grid = document.getElementById("chart-grid");
  var plotlyUrl = document.currentScript && document.currentScript.getAttribute("data-plotly");
  if (!cfgNode || !grid || !window.OpenREMChartFigures) { return; }
  var cfg = JSON.parse(cfgNode.textContent);
  var T = cfg.texts;
  var F = window.OpenREMChartFigures(cfg);
  var el = F.el, fmt = F.fmt, fileName = F.fileName, csvText = F.csvText, figures = F.figures, isEmpty = F.isEmpty;
  var PARALLEL = 2;  // chart requests at a time

  /* ------------------------------------------------------------------ cards */
  function card(parent, chart, variant, title) {
    var col = el("div", {"class": "col-12 col-xl-6 mb-3"});
    var box = el("div", {"class": "card chart-card", "data-chart": chart.id, "data-variant": variant});
    var head = el("div", {"class": "card-header d-flex flex-wrap align-items-center gap-1"});
    head.appendChild(el("span", {"class": "me-auto chart-title"}, title));
    var body = el("div", {"class": "card-body p-1"});
    var status = el("div", {"class": "chart-status text-muted small p-2"}, T.loading);
    var plot = el("div", {"class": "chart-plot"});
    body.appendChild(status); body.appendChild(plot);
    box.appendChild(head); box.appendChild(body); col.appendChild(box); parent.appendChild(col);
    return {col: col, box: box, head: head, body: body, status: status, plot: plot};
  }
  function button(parent, cls, text, onClick) {
    var b = el("button", {"type": "button", "class": "btn btn-outline-secondary btn-sm py-0 " + cls}, text);
    b.addEventListener("click", onClick);
    parent.appendChild(b);
    return b;
  }
  function addTable(c, fig) {
    var wrapDiv = el("div", {"class": "table-responsive chart-table-wrap d-none"});
    var table = el("table", {"class": "table table-sm table-striped chart-data-table"});
    var thead = el("thead"), tr = el("tr");
    var tbody = el("tbody");
    fig.table.headers.forEach(function (h, i) {
      var th = el("th", {"scope": "col", "aria-sort": "none"});
      var b = el("button", {"type": "button", "class": "btn btn-link btn-sm p-0 chart-sort", "title": T.sort}, h);
      b.addEventListener("click", function () { sortBy(tbody, tr, th, i); });
      th.appendChild(b);
      tr.appendChild(th);
    });
    thead.appendChild(tr); table.appendChild(thead);
    fig.table.rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (v) {
        var td = el("td", typeof v === "number" ? {"class": "num", "data-value": String(v)} : {}, fmt(v));
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    table.appendChild(tbody); wrapDiv.appendChild(table); c.body.appendChild(wrapDiv);
    if (fig.table.drl) { wrapDiv.appendChild(addDrlTable(fig.table.drl)); }
    return wrapDiv;
  }
  /* Sorts the rows of a data table by column ``i``: numbers by value, text by name; a second click
   * reverses the order. The numbers are those of the figure, only their order changes. */
  function sortBy(tbody, headRow, th, i) {
    var descending = th.getAttribute("aria-sort") === "ascending";
    Array.prototype.forEach.call(headRow.children, function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    function key(row) {
      var cell = row.children[i], v = cell.getAttribute("data-value");
      return v !== null ? Number(v) : cell.textContent;
    }
    var rows = Array.prototype.slice.call(tbody.children).sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  function addDrlTable(t) {
    var table = el("table", {"class": "table table-sm chart-drl-table"}), tr = el("tr"), tbody = el("tbody");
    t.headers.forEach(function (h) { tr.appendChild(el("th", {}, h)); });
    table.appendChild(tr);
    t.rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (v) { r.appendChild(el("td", typeof v === "number" ? {"class": "num", "data-value": String(v)} : {}, fmt(v))); });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    return table;
  }
  function draw(chart, fig, c) {
    var name = fileName(chart, fig.variant);
    c.box.querySelector(".chart-title").textContent = fig.title;
    c.status.remove();
    Plotly.newPlot(c.plot, fig.traces, fig.layout, {responsive: true, displaylogo: false,
      toImageButtonOptions: {format: "png", filename: name, width: 1920, height: 1080}});
    if (fig.drl) { c.box.setAttribute("data-drl", fig.drl); }
    var tableDiv = addTable(c, fig);
    button(c.head, "chart-png", T.png, function () {
      Plotly.downloadImage(c.plot, {format: "png", width: 1920, height: 1080, filename: name});
    });
    var csv = el("a", {"class": "btn btn-outline-secondary btn-sm py-0 chart-csv", "download": name + ".csv",
      "href": URL.createObjectURL(new Blob([csvText(fig.table)], {type: "text/csv;charset=utf-8"}))}, T.csv);
    c.head.appendChild(csv);
    button(c.head, "chart-table-toggle", T.table, function () { tableDiv.classList.toggle("d-none"); });
    button(c.head, "chart-fullscreen", T.fullscreen, function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else if (c.box.requestFullscreen) { c.box.requestFullscreen(); }
    });
  }
  document.addEventListener("fullscreenchange", function () {
    grid.querySelectorAll(".chart-plot").forEach(function (p) { if (p.data) { Plotly.Plots.resize(p); } });
  });

  /* A chart's cards live in one holder (display: contents) that keeps its place in the grid when
   * the chart is drawn again. The first request may be answered with stored numbers of older data
   * (stale=1: at once instead of seconds over a large database); such a chart is shown with the
   * time of its data and replaced as soon as the current numbers arrive. */
  function chartUrl(chart, stale) {
    var q = window.location.search;
    if (stale) { q += (q ? "&" : "?") + "stale=1"; }
    return cfg.api + chart.id + "/" + q;
  }
  function fetchData(chart, stale) {
    return fetch(chartUrl(chart, stale), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  function render(holder, chart, data) {
    holder.textContent = "";
    var first = card(holder, chart, "loading", chart.title);
    if (isEmpty(chart, data)) {
      first.box.setAttribute("data-variant", "empty");
      first.status.textContent = T.empty;
      first.status.classList.add("chart-empty");
      return [first];
    }
    return figures(chart, data).map(function (fig, i) {
      var c = i === 0 ? first : card(holder, chart, fig.variant, fig.title);
      c.box.setAttribute("data-variant", fig.variant);
      draw(chart, fig, c);
      return c;
    });
  }
  function staleNote(cards, data, text) {
    var when = new Date(data.computed_at).toLocaleString();
    cards.forEach(function (c) {
      c.box.setAttribute("data-current", "false");
      var old = c.body.querySelector(".chart-stale");
      if (old) { old.remove(); }
      c.body.insertBefore(el("div", {"class": "chart-stale small text-warning-emphasis px-2", "role": "status"},
        text.replace("%(time)s", when)), c.body.firstChild);
    });
  }
  function refresh(holder, chart, staleData, cards) {
    return fetchData(chart, false)
      .then(function (data) {  // changed again while computed: shown dated, without a further request
        var fresh = render(holder, chart, data);
        if (data.current === false) { staleNote(fresh, data, T.changed); }
      })
      .catch(function (err) { staleNote(cards, staleData, T.stale_failed + " (" + err.message + ")"); });
  }
  function load(chart, holder, refreshes) {
    return fetchData(chart, true)
      .then(function (data) {
        var cards = render(holder, chart, data);
        if (data.current === false) {
          staleNote(cards, data, T.stale);
          refreshes.push(function () { return refresh(holder, chart, data, cards); });
        }
      })
      .catch(function (err) {
        holder.textContent = "";
        var c = card(holder, chart, "loading", chart.title);
        c.status.textContent = T.error + " (" + err.message + ")";
        c.status.classList.add("text-danger", "chart-error");
      });
  }
  /* Runs the functions of ``tasks`` (each returning a promise that does not fail) ``width`` at a
   * time, in order: a computation over a large database keeps one database core busy, so two run
   * side by side. */
  function inTurn(tasks, width) {
    var next = 0, lanes = [];
    function lane() {
      if (next >= tasks.length) { return Promise.resolve(); }
      return tasks[next++]().then(lane);
    }
    for (var i = 0; i < Math.min(width, tasks.length); i++) { lanes.push(lane()); }
    return Promise.all(lanes);
  }
  function start() {
    var refreshes = [];
    var loads = cfg.charts.map(function (chart) {  // every chart keeps its place, loading or not
      var holder = el("div", {"class": "chart-holder", "data-chart-holder": chart.id, "style": "display: contents"});
      grid.appendChild(holder);
      card(holder, chart, "loading", chart.title);
      return function () { return load(chart, holder, refreshes); };
    });
    inTurn(loads, PARALLEL)  // every chart is shown; those of older data are then computed again
      .then(function () { return inTurn(refreshes, PARALLEL); })
      .then(function () { grid.setAttribute("data-loaded", "true"); });
  }
  function withPlotly() {  // Plotly (4.8 MB) is fetched after the page and its table have loaded
    if (typeof Plotly !== "undefined" || !cfg.charts.length) { start(); return; }
    var script = document.createElement("script");
    script.src = plotlyUrl;
    script.onload = start;
    script.onerror = function () { grid.textContent = T.error; grid.setAttribute("data-loaded", "error"); };
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") { withPlotly(); } else { window.addEventListener("load", withPlotly); }
})();
