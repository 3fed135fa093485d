// Replays a CAN recording in the page at a chosen speed: frames scroll by at their recorded
// times divided by the speed factor, and each identifier's replayed count goes up.
(() => {
  const dataEl = document.getElementById('replay-data');
  if (!dataEl) return;
  const frames = JSON.parse(dataEl.textContent);
  const rows = document.getElementById('replay-rows');
  const timeEl = document.getElementById('replay-time');
  const speedEl = document.getElementById('replay-speed');
  const counters = new Map();
  document.querySelectorAll('.id-stats tr[data-id]').forEach((tr) => {
    counters.set(tr.getAttribute('data-id'), tr.querySelector('.replayed'));
  });
  let timer = null;
  let index = 0;
  let startedAt = 0;
  let speed = 1;

  function show(f) {
    const tr = document.createElement('tr');
    for (const v of [f.t.toFixed(6), f.id, f.data]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    rows.prepend(tr);
    while (rows.children.length > 40) rows.lastElementChild.remove();
    const c = counters.get(f.id);
    if (c) c.textContent = String(Number(c.textContent) + 1);
  }

  function tick() {
    const elapsed = ((performance.now() - startedAt) / 1000) * speed;
    while (index < frames.length && frames[index].t <= elapsed) show(frames[index++]);
    timeEl.textContent = `${Math.min(elapsed, frames.at(-1)?.t ?? 0).toFixed(3)} s`;
    document.body.setAttribute('data-replayed', String(index));
    if (index >= frames.length) stop();
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  document.getElementById('replay-play')?.addEventListener('click', () => {
    stop();
    speed = Number(speedEl.value) || 1;
    index = 0;
    rows.replaceChildren();
    for (const c of counters.values()) c.textContent = '0';
    startedAt = performance.now();
    timer = setInterval(tick, 20);
  });
  document.getElementById('replay-stop')?.addEventListener('click', stop);
})();

// DBC signals decoded from the recording, one line each on a common time axis (uPlot.join aligns them).
(() => {
  const dataEl = document.getElementById('dbc-data');
  const chartEl = document.getElementById('dbc-chart');
  if (!dataEl || !chartEl || !window.uPlot) return;
  const { series } = JSON.parse(dataEl.textContent);
  const names = Object.keys(series);
  if (!names.length) return;
  const tables = names.map((n) => [series[n].map((p) => p[0]), series[n].map((p) => p[1])]);
  const data = window.uPlot.join(tables);
  const palette = ['#0b5fff', '#1a8f3c', '#b3261e', '#8a4fff', '#f28c28', '#00838f', '#5f6b7a', '#6b4f00'];
  new window.uPlot(
    {
      width: Math.max(300, chartEl.clientWidth - 8),
      height: 320,
      scales: { x: { time: false } },
      series: [
        { label: 't (s)' },
        ...names.map((n, i) => ({
          label: n,
          stroke: palette[i % palette.length],
          width: 1.5,
          spanGaps: true,
        })),
      ],
    },
    data,
    chartEl,
  );
  chartEl.setAttribute('data-signals', String(names.length));
})();
