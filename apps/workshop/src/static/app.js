// Progressive enhancement only: every page works without this file.
(() => {
  // Confirm destructive forms.
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  // "Back" links on error pages.
  document.querySelectorAll('[data-back]').forEach((a) => {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      history.back();
    });
  });
  // The board refreshes itself so a wall-mounted screen stays current.
  const board = document.querySelector('[data-refresh]');
  if (board) {
    const seconds = Number(board.getAttribute('data-refresh')) || 60;
    setTimeout(() => location.reload(), seconds * 1000);
  }
  // Elapsed time of the running activity.
  const status = document.querySelector('.clock-status[data-since]');
  const elapsed = document.querySelector('.clock-status .elapsed');
  if (status && elapsed && status.getAttribute('data-since')) {
    const since = Number(status.getAttribute('data-since'));
    const tick = () => {
      const s = Math.max(0, Math.floor((Date.now() - since) / 1000));
      elapsed.textContent = `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
    };
    tick();
    setInterval(tick, 30000);
  }
  // KPI chart: attended, clocked and sold hours per day, drawn by uPlot.
  const data = document.getElementById('kpi-data');
  const chart = document.getElementById('kpi-chart');
  if (data && chart && window.uPlot) {
    const { daily, labels } = JSON.parse(data.textContent);
    const bars = window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
    // Axes and legend in the page's language (uPlot's own formats are English).
    const lang = document.documentElement.lang === 'en' ? 'en-GB' : 'fr-FR';
    const dayFmt = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    const numFmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    const day = (v) => (v == null ? '—' : dayFmt.format(new Date(v * 1000)));
    const num = (v) => (v == null ? '—' : numFmt.format(v));
    const opts = {
      width: Math.max(280, chart.clientWidth - 16),
      height: 300,
      scales: { x: { time: true } },
      axes: [
        { values: (_u, splits) => splits.map(day) },
        { label: labels.hours, values: (_u, splits) => splits.map(num) },
      ],
      series: [
        { label: labels.day, value: (_u, v) => day(v) },
        { label: labels.attended, stroke: '#5f6b7a', width: 2, value: (_u, v) => num(v) },
        {
          label: labels.clocked,
          stroke: '#0b5fff',
          fill: '#0b5fff33',
          paths: bars,
          value: (_u, v) => num(v),
        },
        { label: labels.sold, stroke: '#1a8f3c', width: 2, value: (_u, v) => num(v) },
      ],
    };
    new window.uPlot(opts, [daily.day, daily.attended, daily.clocked, daily.sold], chart);
  }
})();
