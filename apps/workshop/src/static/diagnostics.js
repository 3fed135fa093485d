// Live data of a diagnostic session: the stored samples first, then server-sent events; uPlot draws
// one series per PID plus the reference run when one is chosen. Without this file the page still
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
  let plot;
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

  function draw() {
    if (!dirty || !window.uPlot) return;
    dirty = false;
    if (countEl) countEl.textContent = String(count);
    chartEl.setAttribute('data-samples', String(count));
    if (refSamples.length) for (let i = 0; i < xs.length; i++) ref[i] = referenceAt(xs[i]);
    const used = pids.filter((_, i) => cols[i].some((v) => v !== null));
    const data = [xs, ...cols, ref];
    if (!plot) {
      if (!used.length && !refSamples.length) return;
      const palette = ['#0b5fff', '#1a8f3c', '#b3261e', '#8a4fff', '#f28c28', '#00838f', '#5f6b7a'];
      plot = new window.uPlot(
        {
          width: Math.max(300, chartEl.clientWidth - 8),
          height: 320,
          scales: { x: { time: true } },
          series: [
            {},
            ...pids.map((p, i) => ({
              label: config.pids[p],
              stroke: palette[i % palette.length],
              width: 2,
              spanGaps: true,
            })),
            {
              label: `${config.reference} — ${config.pids[pids[0]]}`,
              stroke: '#999',
              dash: [6, 4],
              spanGaps: true,
            },
          ],
          hooks: {
            draw: [
              (u) => {
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
              },
            ],
          },
        },
        data,
        chartEl,
      );
    } else plot.setData(data);
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
