// Live data of a diagnostic session: the stored samples first, then server-sent events; uPlot draws
// one small chart per PID (its own unit) plus the reference run when one is chosen, and a table
// keeps the current, lowest and highest value of each. Without this file the page still
// works (forms), only the chart is missing.
(() => {
  const configEl = document.getElementById('live-config');
  const chartEl = document.getElementById('live-chart');
  if (!configEl || !chartEl) return;
  const config = JSON.parse(configEl.textContent);
  const id = config.session;
  const statusEl = document.getElementById('adapter-status');
  const problemEl = document.getElementById('problem');
  const countEl = document.getElementById('sample-count');
  const pids = Object.keys(config.pids);
  // Columns: time (s), then one per PID, then the reference of the first PID.
  const xs = [];
  const cols = pids.map(() => []);
  const ref = [];
  let refSamples = [];
  let refOffset = 0;
  let count = 0;
  let dirty = false;
  const marks = [];

  function addSample(s) {
    const i = pids.indexOf(s.pid);
    if (i < 0) return;
    const x = s.t / 1000;
    // Samples of one poll share a time: one row per time.
    let row = xs.length - 1;
    if (row < 0 || xs[row] !== x) {
      xs.push(x);
      for (const c of cols) c.push(null);
      ref.push(null);
      row = xs.length - 1;
    }
    cols[i][row] = s.value;
    count++;
    dirty = true;
  }

  function referenceAt(x) {
    // The reference value of the first PID at the same offset from the start of its run.
    const t = x * 1000 - refOffset;
    let best = null;
    for (const r of refSamples) {
      if (r.pid !== pids[0]) continue;
      if (r.t <= t) best = r.value;
      else break;
    }
    return best;
  }

  // Numbers and times in the page's language; uPlot's own formats are English.
  const locale = config.lang === 'en' ? 'en-GB' : 'fr-FR';
  const numFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const num = (v) => (v == null || Number.isNaN(v) ? '—' : numFmt.format(v));
  const time = (v) => (v == null ? '—' : timeFmt.format(new Date(v * 1000)));
  const units = config.units || {};
  const palette = ['#0b5fff', '#1a8f3c', '#b3261e', '#8a4fff', '#f28c28', '#00838f', '#5f6b7a'];
  // One small chart per PID (its own axis and unit, so rpm does not flatten a fuel trim), all on
  // the same time axis, and a table of the current values beside them.
  const plots = new Map();
  let table;

  function marksHook(u) {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#f2b705';
    ctx.fillStyle = '#6b4f00';
    for (const m of marks) {
      const left = u.valToPos(m.t / 1000, 'x', true);
      if (left < u.bbox.left || left > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(left, u.bbox.top);
      ctx.lineTo(left, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(m.label, left + 3, u.bbox.top + 12);
    }
    ctx.restore();
  }

  function valuesTable() {
    const t = document.createElement('table');
    t.id = 'live-values';
    t.className = 'live-values';
    const head = document.createElement('tr');
    for (const h of [config.labels.pid, config.labels.value, config.labels.min, config.labels.max]) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    const thead = document.createElement('thead');
    thead.append(head);
    t.append(thead, document.createElement('tbody'));
    chartEl.before(t);
    return t;
  }

  function updateTable(used) {
    if (!table) table = valuesTable();
    const body = table.tBodies[0];
    body.replaceChildren(
      ...used.map((p) => {
        const col = cols[pids.indexOf(p)];
        const values = col.filter((v) => v !== null);
        const tr = document.createElement('tr');
        tr.setAttribute('data-pid', p);
        const unit = units[p] ? ` ${units[p]}` : '';
        for (const [i, text] of [
          config.pids[p],
          num(values.at(-1)) + unit,
          num(Math.min(...values)) + unit,
          num(Math.max(...values)) + unit,
        ].entries()) {
          const td = document.createElement(i === 0 ? 'th' : 'td');
          td.textContent = text;
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  function draw() {
    if (!dirty || !window.uPlot) return;
    dirty = false;
    if (countEl) countEl.textContent = String(count);
    chartEl.setAttribute('data-samples', String(count));
    if (refSamples.length) for (let i = 0; i < xs.length; i++) ref[i] = referenceAt(xs[i]);
    const used = pids.filter((_, i) => cols[i].some((v) => v !== null));
    if (!used.length && !refSamples.length) return;
    updateTable(used);
    const shown = used.length ? used : [pids[0]];
    for (const p of shown) {
      const i = pids.indexOf(p);
      const withRef = i === 0 && refSamples.length;
      const data = withRef ? [xs, cols[i], ref] : [xs, cols[i]];
      const existing = plots.get(p);
      if (existing) {
        existing.setData(data);
        continue;
      }
      const box = document.createElement('div');
      box.className = 'pid-chart';
      box.setAttribute('data-pid', p);
      chartEl.append(box);
      const series = [
        { label: config.labels.time, value: (_u, v) => time(v) },
        {
          label: config.pids[p],
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: true,
          value: (_u, v) => num(v),
        },
      ];
      if (withRef)
        series.push({
          label: `${config.reference} — ${config.pids[p]}`,
          stroke: '#999',
          dash: [6, 4],
          spanGaps: true,
          value: (_u, v) => num(v),
        });
      plots.set(
        p,
        new window.uPlot(
          {
            width: Math.max(260, chartEl.clientWidth - 8),
            height: 150,
            scales: { x: { time: true } },
            axes: [
              { values: (_u, splits) => splits.map(time) },
              { label: units[p] || '', values: (_u, splits) => splits.map(num), size: 60 },
            ],
            series,
            hooks: { draw: [marksHook] },
          },
          data,
          box,
        ),
      );
    }
  }

  function showStatus(s) {
    if (!statusEl) return;
    statusEl.textContent = config.states[s.state] || s.state;
    statusEl.className = `status-${s.state}`;
    document.querySelector('.diag-session')?.setAttribute('data-state', s.state);
    if (s.state === 'disconnected' && problemEl) {
      const div = document.createElement('div');
      div.className = 'problem';
      div.setAttribute('role', 'alert');
      div.setAttribute('data-problem', s.problem || 'disconnected');
      div.textContent = config.problems[s.problem || 'disconnected'] || config.problems.unknown;
      // The failing layer's own words, in the page's language (the event carries both).
      const said = s.said?.[config.lang];
      if (said) {
        const small = document.createElement('small');
        small.className = 'problem-detail';
        small.textContent = said;
        div.append(small);
      }
      problemEl.replaceChildren(div);
      // What needs the adapter cannot be used until the page is reloaded and it reconnects.
      for (const b of document.querySelectorAll('#read, #live-start, #live-pause, #guided-verify'))
        b.disabled = true;
    }
  }

  fetch(`/api/diagnostics/${id}/samples`, { credentials: 'same-origin' })
    .then((r) => r.json())
    .then((d) => {
      for (const s of d.samples) addSample(s);
      for (const m of d.marks) marks.push(m);
      if (d.reference) {
        refSamples = d.reference.samples;
        const first = d.samples[0] ? d.samples[0].t : Date.now();
        refOffset = first - d.reference.start;
      }
      dirty = true;
      draw();
      const events = new EventSource(`/diagnostics/${id}/events`);
      events.addEventListener('sample', (e) => addSample(JSON.parse(e.data)));
      events.addEventListener('mark', (e) => {
        marks.push(JSON.parse(e.data));
        dirty = true;
      });
      events.addEventListener('status', (e) => showStatus(JSON.parse(e.data)));
      setInterval(draw, 250);
    })
    .catch(() => {});
})();
