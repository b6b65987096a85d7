// Lays out a fedflink run report from the JSON in #report-data and draws its charts with uPlot.
// All text goes into the page through textContent (never innerHTML): job, task and source names are
// user data. The numbers are computed in Java (RunReader); this script only draws them.
(function () {
  'use strict';

  // One colour per role, so a model and its baseline look the same in every chart.
  var TONES = { federated: '#1f77b4', baseline: '#e8710a', neutral: '#2a9d3f', accent: '#8e44ad' };
  // the vertical lines of a chart's markers (concept drifts the server detected)
  var MARKER = '#c0392b';
  var HEIGHT = 300;
  var INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 2.5e4, 5e4,
    1e5, 2e5, 2.5e5, 5e5, 1e6, 2e6, 2.5e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9];

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  root.textContent = '';

  function el(tag, className, text, parent) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function stats(list, parent) {
    if (!list || !list.length) return;
    var dl = el('dl', 'stats', null, parent);
    list.forEach(function (s) {
      var item = el('div', null, null, dl);
      el('dt', null, s.label, item);
      el('dd', null, s.value, item);
    });
  }

  function table(t, parent) {
    var tbl = el('table', null, null, parent);
    el('caption', null, t.caption, tbl);
    var head = el('tr', null, null, el('thead', null, null, tbl));
    t.columns.forEach(function (c) { el('th', null, c, head); });
    var body = el('tbody', null, null, tbl);
    t.rows.forEach(function (r) {
      var tr = el('tr', null, null, body);
      r.forEach(function (cell) { el('td', null, cell, tr); });
    });
  }

  function width(box) {
    return Math.max(320, Math.floor(box.clientWidth));
  }

  // Draws each marker as a dashed vertical line across the plot area.
  function markerPlugin(markers) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          var dpr = window.devicePixelRatio || 1;
          ctx.save();
          ctx.strokeStyle = MARKER;
          ctx.lineWidth = 2 * dpr;
          ctx.setLineDash([6 * dpr, 4 * dpr]);
          markers.forEach(function (m) {
            var x = Math.round(u.valToPos(m.x, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          });
          ctx.restore();
        }]
      }
    };
  }

  function draw(chart, box) {
    var bars = chart.kind === 'bars';
    var colors = [];
    var series = [{ label: chart.xLabel }];
    chart.series.forEach(function (s) {
      var color = TONES[s.tone] || TONES.neutral;
      colors.push(color);
      var opt = { label: s.label, stroke: color, width: 2, spanGaps: true };
      if (s.dashed) opt.dash = [8, 5];
      if (bars) {
        opt.fill = color + '88';
        opt.paths = uPlot.paths.bars({ size: [0.9, 200] });
        opt.points = { show: false };
      }
      series.push(opt);
    });
    // the colours drawn, for tests that look for them in a screenshot
    box.setAttribute('data-colors', colors.join(' '));
    var markers = chart.markers || [];
    if (markers.length) {
      box.setAttribute('data-markers', markers.map(function (m) { return m.x; }).join(' '));
      box.title = markers.map(function (m) { return m.label + ' at ' + m.x; }).join('\n');
    }
    var xScale = { time: false };
    if (chart.xRange) {
      xScale.range = function () { return [chart.xRange[0], chart.xRange[1]]; };
    }
    var xAxis = { label: chart.xLabel };
    if (chart.x.every(Number.isInteger)) {
      xAxis.incrs = INTEGER_STEPS; // global versions: no ticks at 2.5
    }
    var opts = {
      width: width(box),
      height: HEIGHT,
      scales: { x: xScale },
      series: series,
      axes: [xAxis, { label: chart.yLabel, size: 70 }],
      cursor: { drag: { x: true, y: false } },
      plugins: markers.length ? [markerPlugin(markers)] : []
    };
    return new uPlot(opts, [chart.x].concat(chart.series.map(function (s) { return s.y; })), box);
  }

  // header
  var header = el('header', null, null, root);
  el('h1', null, data.job, header);
  var meta = el('p', 'meta', null, header);
  el('span', 'status status-' + (data.status === 'FINISHED' ? 'ok' : 'bad'), data.status, meta);
  el('span', null, data.mode + ' mode', meta);
  if (data.failure) el('p', 'failure', data.failure, header);
  stats(data.headline, header);

  // sections: layout first, so every chart knows its width when drawn
  var plots = [];
  data.sections.forEach(function (section) {
    var sec = el('section', null, null, root);
    if (section.title) el('h2', null, section.title, sec);
    stats(section.stats, sec);
    if (section.notes.length) {
      var ul = el('ul', 'notes', null, sec);
      section.notes.forEach(function (n) { el('li', null, n, ul); });
    }
    section.charts.forEach(function (chart) {
      var fig = el('figure', null, null, sec);
      el('figcaption', null, chart.title, fig);
      var box = el('div', 'chart', null, fig);
      box.id = chart.id;
      plots.push({ chart: chart, box: box, plot: null });
    });
    if (section.table) table(section.table, sec);
  });

  plots.forEach(function (p) {
    try {
      p.plot = draw(p.chart, p.box);
    } catch (e) {
      // one broken chart must not hide the others; console.error makes it visible to tests
      console.error('chart ' + p.chart.id + ' failed: ' + e);
      el('p', 'chart-error', 'This chart could not be drawn: ' + e, p.box);
    }
  });

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      plots.forEach(function (p) {
        if (p.plot) p.plot.setSize({ width: width(p.box), height: HEIGHT });
      });
    });
  });

  document.body.setAttribute('data-rendered', 'true');
})();
