/* The report's behaviour: language toggle, charts, drill-down panel, sortable and filterable tables.
   Strings in the embedded JSON were HTML-escaped by the generator; anything read from the URL is
   escaped here before it reaches markup. */
(function () {
  'use strict';
  var body = document.body;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var parse = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var D = parse('drill-data');
  var config = parse('plot-config');
  var charts = Array.prototype.slice.call(document.querySelectorAll('.chart'));
  var figs = {};
  charts.forEach(function (div) { figs[div.id] = parse(div.getAttribute('data-fig')); });
  var groupSelect = document.getElementById('trend-group');

  function lang() { return body.classList.contains('lang-fr') ? 'fr' : 'en'; }
  function both(pair) { return '<span class="en">' + pair[0] + '</span><span class="fr">' + pair[1] + '</span>'; }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;'}[c];
    });
  }

  /* charts ---------------------------------------------------------------------------------------- */
  function draw(div) {
    var fig = JSON.parse(JSON.stringify(figs[div.id][lang()]));
    if (div.classList.contains('trend')) {
      var sg = groupSelect.value;
      fig.data.forEach(function (trace) { trace.visible = trace.meta[0] === sg; });
    }
    return Plotly.react(div, fig.data, fig.layout, config).then(function () {
      if (!div.dataset.bound) {
        div.dataset.bound = '1';
        div.on('plotly_click', function (ev) {
          var point = ev.points && ev.points[0];
          if (point && point.customdata && point.customdata[1] > 0) {
            location.hash = 'drill=' + encodeURIComponent(point.customdata[0]);
          }
        });
      }
      div.setAttribute('data-rendered', lang());
    });
  }
  if (groupSelect) {
    groupSelect.addEventListener('change', function () {
      charts.filter(function (d) { return d.classList.contains('trend'); }).forEach(draw);
    });
  }

  /* language -------------------------------------------------------------------------------------- */
  function setLang(l) {
    body.classList.toggle('lang-en', l === 'en');
    body.classList.toggle('lang-fr', l === 'fr');
    document.documentElement.lang = l;
    each(document.querySelectorAll('[data-en][data-fr]'), function (el) {
      var value = el.getAttribute('data-' + l);
      if (el.tagName === 'INPUT') { el.placeholder = value; } else { el.textContent = value; }
    });
    each(document.querySelectorAll('.seg button'), function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === l));
    });
    return Promise.all(charts.map(draw));
  }
  each(document.querySelectorAll('.seg button'), function (b) {
    b.addEventListener('click', function () { setLang(b.getAttribute('data-lang')); });
  });
  window.wsisReport = {setLang: setLang, lang: lang};

  /* drill-down ------------------------------------------------------------------------------------ */
  var panel = document.getElementById('drill');
  var scrim = document.getElementById('scrim');

  function query(key) {
    var p = key.split('|');
    var q = {taxonomy: p[0] || '', code: p[1] || '', group: p[2] || 'ITU-T', bucket: p[3] || ''};
    var groups = q.group === 'ITU-T' ? D.order : [q.group];
    var rows = [];
    groups.forEach(function (g) {
      (D.rows[q.taxonomy + '|' + q.code + '|' + g + '|'] || []).forEach(function (r) { rows.push(r); });
    });
    if (q.bucket) {
      var kind = q.bucket.slice(0, 2), value = q.bucket.slice(2);
      rows = rows.filter(function (r) {
        var rec = D.recs[r[0]];
        return kind === 'y:' ? String(rec[4]) === value : rec[5] === escapeHtml(value);
      });
    }
    if (groups.length > 1) {
      rows.sort(function (a, b) {
        return b[1] - a[1] || (D.recs[a[0]][0] < D.recs[b[0]][0] ? -1 : 1);
      });
    }
    q.rows = rows;
    return q;
  }

  function evidence(r) {
    if (r[2] === 't') { return '<span class="lbl">' + both(D.ui.terms) + ':</span> ' + r[3] + (r[4] ? ' — ' + r[4] : ''); }
    if (r[2] === 'c') { return '<span class="lbl">' + both(D.ui.closest) + ':</span> ' + r[4]; }
    return r[4];
  }

  function openDrill(key) {
    var q = query(key);
    var label = (D.labels[q.taxonomy] || {})[q.code] || [escapeHtml(q.code), escapeHtml(q.code)];
    var group = D.groups[q.group] || [escapeHtml(q.group), escapeHtml(q.group)];
    var kind = D.ui[q.taxonomy] || ['', ''];
    var title = both(group) + ' · ' + both(kind) + ' ' + escapeHtml(q.code) + ' — ' + both(label);
    if (q.bucket) {
      var bucket = escapeHtml(q.bucket.slice(2));
      title += ' · ' + both(q.bucket.slice(0, 2) === 'y:' ? D.ui.year : D.ui.period) + ' ' + bucket;
    }
    document.getElementById('drill-title').innerHTML = title;
    document.getElementById('drill-count').innerHTML = q.rows.length + ' ' + both(D.ui.count);
    var list = document.getElementById('drill-list');
    if (!q.rows.length) {
      list.innerHTML = '<li class="empty">' + both(D.ui.no_recs) + '</li>';
    } else {
      list.innerHTML = q.rows.map(function (r) {
        var rec = D.recs[r[0]];
        var score = r[1].toFixed(2);
        var ev = evidence(r);
        return '<li class="drill-item" data-rec="' + rec[0] + '"><div><span class="rec">' + rec[0] + '</span>' +
          '<span class="meta">' + (q.group === 'ITU-T' ? both(D.groups[rec[6]] || [rec[6], rec[6]]) + ' · ' : '') +
          both(D.ui.approved) + ' ' + (rec[3] || '–') + (rec[5] ? ' · ' + rec[5] : '') +
          ' · ' + both(D.ui.score) + ' ' + both([score, score.replace('.', ',')]) + '</span>' +
          '<span class="bar" style="width:' + Math.round(r[1] * 60) + 'px"></span></div>' +
          '<div class="ttl">' + both([rec[1], rec[2]]) + '</div>' +
          (ev ? '<div class="ev">' + ev + '</div>' : '') + '</li>';
      }).join('');
    }
    panel.hidden = false;
    scrim.hidden = false;
    list.scrollTop = 0;
    document.getElementById('drill-close').focus({preventScroll: true});
  }

  function closeDrill() {
    panel.hidden = true;
    scrim.hidden = true;
  }

  function route() {
    var hash = location.hash.slice(1);
    if (hash.indexOf('drill=') === 0) {
      openDrill(decodeURIComponent(hash.slice(6)));
    } else {
      closeDrill();
    }
  }

  function dismiss() {
    closeDrill();
    if (location.hash.indexOf('#drill=') === 0) {
      try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { location.hash = ''; }
    }
  }
  window.addEventListener('hashchange', route);
  document.getElementById('drill-close').addEventListener('click', dismiss);
  scrim.addEventListener('click', dismiss);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') { dismiss(); } });

  /* tables ---------------------------------------------------------------------------------------- */
  function cellValue(td, numeric) {
    if (numeric) { return parseFloat(td.getAttribute('data-v')); }
    var shown = td.querySelector('.' + lang());
    return (shown || td).textContent.toLowerCase();
  }

  each(document.querySelectorAll('table.sortable'), function (table) {
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, i) {
      th.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'num';
        var current = th.getAttribute('aria-sort');
        var dir = current ? (current === 'ascending' ? 'descending' : 'ascending')
          : (numeric && th.classList.contains('n') ? 'descending' : 'ascending');
        each(heads, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[i], numeric), y = cellValue(b.cells[i], numeric);
          var c = numeric ? x - y : x.localeCompare(y);
          return dir === 'ascending' ? c : -c;
        });
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        table.tBodies[0].appendChild(frag);
      });
    });
  });

  each(document.querySelectorAll('.tab-panel'), function (tab) {
    var input = tab.querySelector('.filter'), select = tab.querySelector('.group-filter');
    var zero = tab.querySelector('.hide-zero'), shown = tab.querySelector('.shown');
    var rows = tab.querySelectorAll('tbody tr');
    var texts = Array.prototype.map.call(rows, function (r) { return r.textContent.toLowerCase(); });
    function apply() {
      var q = input.value.trim().toLowerCase(), g = select.value, n = 0;
      each(rows, function (r, i) {
        var keep = (!q || texts[i].indexOf(q) >= 0) && (!g || r.getAttribute('data-sg') === g) &&
          !(zero.checked && r.getAttribute('data-n') === '0');
        r.hidden = !keep;
        n += keep ? 1 : 0;
      });
      shown.textContent = n + ' / ' + rows.length;
    }
    input.addEventListener('input', apply);
    select.addEventListener('change', apply);
    zero.addEventListener('change', apply);
    apply();
  });

  each(document.querySelectorAll('.tabs button'), function (button) {
    button.addEventListener('click', function () {
      each(document.querySelectorAll('.tabs button'), function (b) { b.classList.toggle('active', b === button); });
      each(document.querySelectorAll('.tab-panel'), function (p) {
        p.hidden = p.id !== button.getAttribute('data-tab');
      });
    });
  });

  /* start ----------------------------------------------------------------------------------------- */
  var wanted = new URLSearchParams(location.search).get('lang');
  setLang(wanted === 'fr' || wanted === 'en' ? wanted : lang()).then(function () {
    body.setAttribute('data-ready', '1');
  });
  route();
}());
