/* Figures of the chart panel (OpenREM): turns one chart's API data into Plotly figures (traces,
 * layout with the user's theme and colour map) and the table of exactly the plotted numbers, per
 * chart kind. Used by charts.js: OpenREMChartFigures(cfg) returns {figures, isEmpty, el, fmt,
 * fileName, csvText}. */
window.OpenREMChartFigures = function (cfg) {
  "use strict";
  var T = cfg.texts, opt = cfg.options;
  var WEEKDAYS = T.weekdays.split("|");

  /* ------------------------------------------------------------------ colour maps and themes */
  var MAPS = {
    RdYlBu: ["#a50026", "#f46d43", "#fee090", "#e0f3f8", "#74add1", "#313695"],
    Spectral: ["#9e0142", "#f46d43", "#fee08b", "#e6f598", "#66c2a5", "#5e4fa2"],
    RdYlGn: ["#a50026", "#f46d43", "#fee08b", "#d9ef8b", "#66bd63", "#006837"],
    PiYG: ["#8e0152", "#de77ae", "#fde0ef", "#e6f5d0", "#7fbc41", "#276419"],
    PRGn: ["#40004b", "#9970ab", "#e7d4e8", "#d9f0d3", "#5aae61", "#00441b"],
    BrBG: ["#543005", "#bf812d", "#f6e8c3", "#c7eae5", "#35978f", "#003c30"],
    PuOr: ["#7f3b08", "#e08214", "#fee0b6", "#d8daeb", "#8073ac", "#2d004b"],
    RdBu: ["#67001f", "#d6604d", "#fddbc7", "#d1e5f0", "#4393c3", "#053061"],
    RdGy: ["#67001f", "#d6604d", "#fddbc7", "#e0e0e0", "#878787", "#1a1a1a"],
    YlGnBu: ["#ffffd9", "#c7e9b4", "#41b6c4", "#225ea8", "#081d58"],
    YlOrBr: ["#ffffe5", "#fee391", "#fe9929", "#cc4c02", "#662506"],
    hot: ["#0b0000", "#ff0000", "#ffff00", "#ffffff"],
    inferno: ["#000004", "#420a68", "#932667", "#dd513a", "#fca50a", "#fcffa4"],
    magma: ["#000004", "#3b0f70", "#8c2981", "#de4968", "#fe9f6d", "#fcfdbf"],
    plasma: ["#0d0887", "#6a00a8", "#b12a90", "#e16462", "#fca636", "#f0f921"],
    viridis: ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"],
    cividis: ["#00224e", "#35456c", "#666970", "#948e77", "#c8b866", "#fee838"]
  };
  function hex(c) { return [1, 3, 5].map(function (i) { return parseInt(c.substr(i, 2), 16); }); }
  function colours(n) {
    var anchors = (MAPS[opt.colour_map] || MAPS.RdYlBu).map(hex), out = [];
    for (var i = 0; i < n; i++) {
      var t = n === 1 ? 0.85 : 0.05 + 0.9 * i / (n - 1), pos = t * (anchors.length - 1), k = Math.min(Math.floor(pos), anchors.length - 2);
      var f = pos - k, a = anchors[k], b = anchors[k + 1];
      out.push("rgb(" + [0, 1, 2].map(function (j) { return Math.round(a[j] + f * (b[j] - a[j])); }).join(",") + ")");
    }
    return out;
  }
  var THEMES = {
    plotly: {paper_bgcolor: "#fff", plot_bgcolor: "#E5ECF6", grid: "#fff", font: "#2a3f5f"},
    plotly_white: {paper_bgcolor: "#fff", plot_bgcolor: "#fff", grid: "#EBF0F8", font: "#2a3f5f"},
    plotly_dark: {paper_bgcolor: "#111111", plot_bgcolor: "#111111", grid: "#283442", font: "#f2f5fa"},
    presentation: {paper_bgcolor: "#fff", plot_bgcolor: "#fff", grid: "#dddddd", font: "#222", size: 18},
    ggplot2: {paper_bgcolor: "#fff", plot_bgcolor: "#EBEBEB", grid: "#fff", font: "#444"},
    seaborn: {paper_bgcolor: "#fff", plot_bgcolor: "#EAEAF2", grid: "#fff", font: "#333"},
    simple_white: {paper_bgcolor: "#fff", plot_bgcolor: "#fff", grid: null, font: "#333", lines: true}
  };
  function axis(title, extra) {
    var th = THEMES[opt.theme] || THEMES.plotly, a = {title: {text: title}, automargin: true};
    if (th.grid) { a.gridcolor = th.grid; } else { a.showgrid = false; }
    if (th.lines) { a.showline = true; a.linecolor = "#444"; a.ticks = "outside"; }
    return Object.assign(a, extra || {});
  }
  function layout(extra) {
    var th = THEMES[opt.theme] || THEMES.plotly;
    return Object.assign({paper_bgcolor: th.paper_bgcolor, plot_bgcolor: th.plot_bgcolor, autosize: true,
      font: {color: th.font, size: th.size || 12}, margin: {t: 40, l: 60, r: 20, b: 60}, hovermode: "closest",
      legend: {orientation: "v"}}, extra);
  }

  /* ------------------------------------------------------------------ helpers */
  function wrap(text) {
    var width = opt.label_wrap || 50, s = String(text), out = [];
    while (s.length > width) { out.push(s.slice(0, width)); s = s.slice(width); }
    out.push(s);
    return out.join("<br>");
  }
  function unitTitle(label, unit) { return unit ? label + " (" + unit + ")" : label; }
  function seriesName(row) { return row.system === null ? T.all : row.system; }
  function scaleOf(m) { return m ? m.display_scale : 1; }
  function fmt(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v !== "number") { return String(v); }
    return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(6));
  }
  function uniq(list) { var seen = {}, out = []; list.forEach(function (x) { if (!seen[x]) { seen[x] = 1; out.push(x); } }); return out; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function fileName(chart, variant) {
    var today = new Date().toISOString().slice(0, 10);
    return ["OpenREM", cfg.slug, chart.id, variant, today].join("_").replace(/[^A-Za-z0-9_.-]+/g, "-");
  }
  function csvText(table) {
    function q(v) { var s = v === null || v === undefined ? "" : String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
    return [table.headers].concat(table.rows).map(function (r) { return r.map(q).join(","); }).join("\r\n") + "\r\n";
  }

  /* ------------------------------------------------------------------ figures per kind */
  function grouped(rows, valueKey, scale) {
    // x = categories and one trace per system ("category" grouping), or x = systems and one trace per category
    var cats = uniq(rows.map(function (r) { return r.category; }));
    var systems = uniq(rows.map(seriesName));
    var bySystem = opt.grouping === "system";
    var names = bySystem ? cats : systems, xs = bySystem ? systems : cats, cols = colours(names.length);
    return names.map(function (name, i) {
      var pick = rows.filter(function (r) { return (bySystem ? r.category : seriesName(r)) === name; });
      var byX = {};
      pick.forEach(function (r) { byX[bySystem ? seriesName(r) : r.category] = r; });
      var present = xs.filter(function (x) { return byX[x]; });
      return {type: "bar", name: name, marker: {color: cols[i]}, x: present.map(wrap),
        y: present.map(function (x) { return byX[x][valueKey] * scale; }),
        customdata: present.map(function (x) { return byX[x].n; }),
        hovertemplate: "%{x}<br>%{y}<br>" + T.n + " = %{customdata}<extra>" + name + "</extra>"};
    });
  }
  /* DRL marker of average and over-time charts: the server gives one value per category (stored unit) */
  var DRL_COLOUR = "#d62728";
  function drlName(data) { return T.drl + " " + data.drl.set.label; }
  function drlTraces(chart, data, xs) {
    // xs: "category" (x axis = categories), "system" (x axis = systems, one line per category) or "period"
    if (!data.drl || !data.drl.values.length) { return []; }
    var s = scaleOf(chart.measure), name = drlName(data), shown = uniq(data.rows.map(function (r) { return r.category; }));
    var vals = data.drl.values.filter(function (v) { return shown.indexOf(v.category) >= 0; });
    if (!vals.length) { return []; }
    if (xs === "category") {
      return [{type: "scatter", mode: "markers", name: name, x: vals.map(function (v) { return wrap(v.category); }),
        y: vals.map(function (v) { return v.value * s; }), customdata: vals.map(function (v) { return v.exam; }),
        marker: {symbol: "line-ew-open", size: 44, color: DRL_COLOUR, line: {width: 3, color: DRL_COLOUR}},
        hovertemplate: "%{x}<br>" + T.drl + " (%{customdata}): %{y}<extra>" + name + "</extra>"}];
    }
    var key = xs === "system" ? seriesName : function (r) { return r.period; };
    return vals.map(function (v, i) {
      var x = uniq(data.rows.filter(function (r) { return xs === "system" || r.category === v.category; }).map(key)).sort();
      return {type: "scatter", mode: "lines", name: name + " — " + v.exam, legendgroup: "drl", showlegend: true,
        x: x, y: x.map(function () { return v.value * s; }), line: {color: DRL_COLOUR, width: 2, dash: i % 2 ? "dot" : "dash"},
        hovertemplate: wrap(v.category) + "<br>" + T.drl + " (" + v.exam + "): %{y}<extra>" + name + "</extra>"};
    });
  }
  function drlTable(chart, data, table) {
    if (!data.drl) { return table; }
    var s = scaleOf(chart.measure), m = chart.measure;
    table.drl = {headers: [T.category, T.drl + " " + data.drl.set.label, unitTitle(T.value, m.display_unit)],
      rows: data.drl.values.map(function (v) { return [v.category, v.exam, v.value * s]; })};
    return table;
  }
  function withDrl(fig, chart, data, xs) {
    var extra = drlTraces(chart, data, xs);
    fig.traces = fig.traces.concat(extra);
    if (extra.length) { fig.drl = drlName(data); drlTable(chart, data, fig.table); }
    return fig;
  }
  function averageBar(chart, data, which) {
    var m = chart.measure, s = scaleOf(m), label = which === "mean" ? T.mean : T.median;
    return {variant: which, title: chart.title + " — " + label, traces: grouped(data.rows, which, s),
      layout: layout({barmode: "group", xaxis: axis(chart.grouping), yaxis: axis(unitTitle(label + " " + m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, T.n, unitTitle(label, m.display_unit)],
        rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.n, r[which] * s]; })}};
  }
  function boxplot(chart, data) {
    var m = chart.measure, s = scaleOf(m), systems = uniq(data.rows.map(seriesName)), cols = colours(systems.length);
    var traces = [];
    systems.forEach(function (name, i) {
      var rs = data.rows.filter(function (r) { return seriesName(r) === name; });
      function col(k) { return rs.map(function (r) { return r[k] * s; }); }
      traces.push({type: "box", name: name, marker: {color: cols[i]}, x: rs.map(function (r) { return wrap(r.category); }),
        q1: col("q1"), median: col("median"), q3: col("q3"), lowerfence: col("lower_whisker"), upperfence: col("upper_whisker"),
        mean: col("mean"), boxpoints: false});
      var ox = [], oy = [];
      rs.forEach(function (r) { r.outliers.forEach(function (v) { ox.push(wrap(r.category)); oy.push(v * s); }); });
      if (ox.length) { traces.push({type: "scatter", mode: "markers", name: name + " " + T.outliers, x: ox, y: oy, marker: {color: cols[i], size: 5}}); }
    });
    return {variant: "boxplot", title: chart.title + " — " + T.boxplot, traces: traces,
      layout: layout({boxmode: "group", xaxis: axis(chart.grouping), yaxis: axis(unitTitle(m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, T.n, unitTitle(T.whisker_low, m.display_unit), unitTitle(T.q1, m.display_unit),
        unitTitle(T.median, m.display_unit), unitTitle(T.q3, m.display_unit), unitTitle(T.whisker_high, m.display_unit), T.n_outliers],
      rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.n, r.lower_whisker * s, r.q1 * s, r.median * s, r.q3 * s, r.upper_whisker * s, r.n_outliers]; })}};
  }
  function subplotLayout(count, base) {
    var cols = Math.min(opt.plots_per_row || 3, count), rows = Math.ceil(count / cols);
    return layout(Object.assign({grid: {rows: rows, columns: cols, pattern: "independent"}, height: Math.max(400, 300 * rows)}, base));
  }
  function histogram(chart, data) {
    var m = chart.measure, s = scaleOf(m), h = data.histogram, cats = data.categories.filter(function (c) { return h.edges[c]; });
    var systems = uniq(h.rows.map(seriesName)), cols = colours(systems.length), traces = [], table = [];
    var lay = {barmode: "stack", annotations: []};
    cats.forEach(function (cat, ci) {
      var edges = h.edges[cat], ax = ci === 0 ? "" : String(ci + 1);
      lay["xaxis" + ax] = axis(unitTitle(m.label, m.display_unit));
      lay["yaxis" + ax] = axis(ci % (opt.plots_per_row || 3) === 0 ? T.count : "");
      systems.forEach(function (name, si) {
        var counts = edges.slice(1).map(function () { return 0; });
        h.rows.forEach(function (r) { if (r.category === cat && seriesName(r) === name) { counts[r.bin] = r.n; } });
        var centres = counts.map(function (_, b) { return (edges[b] + edges[b + 1]) / 2 * s; });
        traces.push({type: "bar", name: name, legendgroup: name, showlegend: ci === 0, marker: {color: cols[si]},
          x: centres, y: counts, width: counts.map(function () { return (edges[1] - edges[0]) * s; }), xaxis: "x" + ax, yaxis: "y" + ax, hovertemplate: cat + "<br>%{x}: %{y}<extra>" + name + "</extra>"});
        counts.forEach(function (c, b) { if (c) { table.push([cat, name, edges[b] * s, edges[b + 1] * s, c]); } });
      });
      lay.annotations.push({text: wrap(cat), showarrow: false, xref: "x" + ax + " domain", yref: "y" + ax + " domain", x: 0.5, y: 1.08});
    });
    return {variant: "histogram", title: chart.title + " — " + T.histogram, traces: traces, layout: subplotLayout(cats.length, lay),
      table: {headers: [T.category, T.system, unitTitle(T.min, m.display_unit), unitTitle(T.max, m.display_unit), T.count], rows: table}};
  }
  function frequency(chart, data) {
    var traces = grouped(data.rows, "n", 1), totals = {};
    data.rows.forEach(function (r) { totals[r.category] = (totals[r.category] || 0) + r.n; });
    var cats = uniq(data.rows.map(function (r) { return r.category; }));
    return [{variant: "frequency", title: chart.title, traces: traces,
      layout: layout({barmode: "stack", xaxis: axis(chart.grouping), yaxis: axis(T.count)}),
      table: {headers: [T.category, T.system, T.count], rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.n]; })}},
    {variant: "pie", title: chart.title + " — " + T.pie, traces: [{type: "pie", labels: cats.map(wrap), values: cats.map(function (c) { return totals[c]; }),
      marker: {colors: colours(cats.length)}, sort: false}], layout: layout({}),
      table: {headers: [T.category, T.count], rows: cats.map(function (c) { return [c, totals[c]]; })}}];
  }
  function overTime(chart, data, which) {
    var m = chart.measure, s = scaleOf(m), label = which === "mean" ? T.mean : T.median;
    var keys = uniq(data.rows.map(function (r) { return r.category + (r.system === null ? "" : " | " + r.system); }));
    var cols = colours(keys.length);
    var traces = keys.map(function (key, i) {
      var rs = data.rows.filter(function (r) { return r.category + (r.system === null ? "" : " | " + r.system) === key; })
        .sort(function (a, b) { return a.period < b.period ? -1 : 1; });
      return {type: "scatter", mode: "lines+markers", name: wrap(key), line: {color: cols[i]}, x: rs.map(function (r) { return r.period; }),
        y: rs.map(function (r) { return r[which] * s; }), customdata: rs.map(function (r) { return r.n; }),
        hovertemplate: "%{x}<br>%{y}<br>" + T.n + " = %{customdata}<extra>" + key + "</extra>"};
    });
    return {variant: which + "_over_time", title: chart.title + " — " + label, traces: traces,
      layout: layout({xaxis: axis(T.period + " (" + data.period + ")"), yaxis: axis(unitTitle(label + " " + m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, T.period, T.n, unitTitle(label, m.display_unit)],
        rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.period, r.n, r[which] * s]; })}};
  }
  function overTimeBox(chart, data) {
    var m = chart.measure, s = scaleOf(m), cats = uniq(data.rows.map(function (r) { return r.category; })), cols = colours(cats.length);
    var traces = cats.map(function (cat, i) {
      var rs = data.rows.filter(function (r) { return r.category === cat; });
      function col(k) { return rs.map(function (r) { return r[k] * s; }); }
      return {type: "box", name: wrap(cat), marker: {color: cols[i]}, x: rs.map(function (r) { return r.period; }), q1: col("q1"),
        median: col("median"), q3: col("q3"), lowerfence: col("lower_whisker"), upperfence: col("upper_whisker"), boxpoints: false};
    });
    return {variant: "boxplot_over_time", title: chart.title + " — " + T.boxplot, traces: traces,
      layout: layout({boxmode: "group", xaxis: axis(T.period + " (" + data.period + ")"), yaxis: axis(unitTitle(m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, T.period, T.n, unitTitle(T.q1, m.display_unit), unitTitle(T.median, m.display_unit), unitTitle(T.q3, m.display_unit)],
        rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.period, r.n, r.q1 * s, r.median * s, r.q3 * s]; })}};
  }
  function scatter(chart, data) {
    var m = chart.measure, x = chart.x, sy = scaleOf(m), sx = scaleOf(x);
    var keys = uniq(data.points.map(function (p) { return p.category + (p.system === null ? "" : " | " + p.system); })), cols = colours(keys.length);
    var traces = keys.map(function (key, i) {
      var ps = data.points.filter(function (p) { return p.category + (p.system === null ? "" : " | " + p.system) === key; });
      return {type: "scatter", mode: "markers", name: wrap(key), marker: {color: cols[i], size: 6},
        x: ps.map(function (p) { return p.x * sx; }), y: ps.map(function (p) { return p.y * sy; })};
    });
    var title = chart.title;
    if (data.sampled) { title += " — " + T.sampled.replace("%(shown)s", data.shown).replace("%(total)s", data.total); }
    return {variant: "scatter", title: title, traces: traces,
      layout: layout({xaxis: axis(unitTitle(x.label, x.display_unit)), yaxis: axis(unitTitle(m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, unitTitle(x.label, x.display_unit), unitTitle(m.label, m.display_unit)],
        rows: data.points.map(function (p) { return [p.category, seriesName(p), p.x * sx, p.y * sy]; })}};
  }
  function workload(chart, data) {
    var systems = uniq(data.rows.map(seriesName)), hours = [], cols = colours(24), traces = [], lay = {barmode: "stack", annotations: []};
    for (var h = 0; h < 24; h++) { hours.push(h); }
    systems.forEach(function (name, si) {
      var ax = si === 0 ? "" : String(si + 1);
      lay["xaxis" + ax] = axis(T.weekday); lay["yaxis" + ax] = axis(T.studies);
      hours.forEach(function (hour) {
        var y = WEEKDAYS.map(function (_, d) {
          var r = data.rows.filter(function (r) { return seriesName(r) === name && r.weekday === d + 1 && r.hour === hour; })[0];
          return r ? r.n : 0;
        });
        if (y.some(function (v) { return v; })) {
          traces.push({type: "bar", name: hour + ":00", legendgroup: String(hour), showlegend: si === 0, marker: {color: cols[hour]},
            x: WEEKDAYS, y: y, xaxis: "x" + ax, yaxis: "y" + ax});
        }
      });
      if (systems.length > 1) { lay.annotations.push({text: name, showarrow: false, xref: "x" + ax + " domain", yref: "y" + ax + " domain", x: 0.5, y: 1.08}); }
    });
    return {variant: "workload", title: chart.title, traces: traces, layout: subplotLayout(systems.length, lay),
      table: {headers: [T.system, T.weekday, T.hour, T.studies],
        rows: data.rows.map(function (r) { return [seriesName(r), WEEKDAYS[r.weekday - 1], r.hour, r.n]; })}};
  }
  function binned(chart, data, which) {
    var m = chart.measure, s = scaleOf(m), label = which === "mean" ? T.mean : T.median;
    var keys = uniq(data.rows.map(function (r) { return r.category + (r.system === null ? "" : " | " + r.system); })), cols = colours(keys.length);
    var traces = keys.map(function (key, i) {
      var rs = data.rows.filter(function (r) { return r.category + (r.system === null ? "" : " | " + r.system) === key; })
        .sort(function (a, b) { return a.bin - b.bin; });
      return {type: "bar", name: wrap(key), marker: {color: cols[i]}, x: rs.map(function (r) { return r.bin_label; }),
        y: rs.map(function (r) { return r[which] * s; }), customdata: rs.map(function (r) { return r.n; }),
        hovertemplate: "%{x}<br>%{y}<br>" + T.n + " = %{customdata}<extra>" + key + "</extra>"};
    });
    return {variant: which + "_binned", title: chart.title + " — " + label, traces: traces,
      layout: layout({barmode: "group", xaxis: axis(unitTitle(chart.x.label, chart.x.display_unit), {categoryorder: "array", categoryarray: data.bin_labels}),
        yaxis: axis(unitTitle(label + " " + m.label, m.display_unit))}),
      table: {headers: [T.category, T.system, unitTitle(T.bin, chart.x.display_unit), T.n, unitTitle(label, m.display_unit)],
        rows: data.rows.map(function (r) { return [r.category, seriesName(r), r.bin_label, r.n, r[which] * s]; })}};
  }
  function averages() { return opt.averages.length ? opt.averages : ["mean"]; }
  function figures(chart, data) {
    var out = [];
    if (chart.kind === "average") {
      averages().forEach(function (w) {
        var fig = w === "boxplot" ? boxplot(chart, data) : averageBar(chart, data, w);
        out.push(withDrl(fig, chart, data, w !== "boxplot" && opt.grouping === "system" ? "system" : "category"));
      });
      if (data.histogram) { out.push(histogram(chart, data)); }
    } else if (chart.kind === "frequency") { out = frequency(chart, data); }
    else if (chart.kind === "over_time") {
      averages().forEach(function (w) {
        if (w !== "boxplot") { out.push(withDrl(overTime(chart, data, w), chart, data, "period")); } else if (cfg.slug === "nm") { out.push(overTimeBox(chart, data)); }
      });
      if (!out.length) { out.push(withDrl(overTime(chart, data, "mean"), chart, data, "period")); }
    } else if (chart.kind === "scatter") { out.push(scatter(chart, data)); }
    else if (chart.kind === "workload") { out.push(workload(chart, data)); }
    else if (chart.kind === "binned") {
      averages().filter(function (w) { return w !== "boxplot"; }).forEach(function (w) { out.push(binned(chart, data, w)); });
      if (!out.length) { out.push(binned(chart, data, "mean")); }
    }
    return out;
  }
  function isEmpty(chart, data) { return chart.kind === "scatter" ? !data.points.length : !data.rows.length; }

  return {figures: figures, isEmpty: isEmpty, el: el, fmt: fmt, fileName: fileName, csvText: csvText};
};
