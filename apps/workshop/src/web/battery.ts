/**
 * The traction-battery report as a page: values, what the source cannot give and why, plausibility,
 * the cell voltages and the series as charts (inline SVG drawn here: readable without scripts, in
 * print and in tests), and the NF C18-550 note. One view for the instructor's recording and the
 * apprentice's session.
 */
import {
  type BatteryReport,
  describeSource,
  formatNumber,
  formatReading,
  HV_NOTE,
  QUANTITY_LABEL,
  unitText,
} from '@atelier/ev';
import type { FastifyRequest } from 'fastify';
import { type Html, html } from './html.js';
import { renderPage, T } from './layout.js';

/** A bar per cell, scaled between the lowest and highest cell (a flat pack shows as flat bars). */
function cellChart(req: FastifyRequest, voltages: (number | null)[], min: number, max: number): Html {
  const w = 720;
  const h = 160;
  const bar = w / voltages.length;
  const lo = Math.min(min, max - 0.01) - 0.005;
  const hi = max + 0.005;
  const y = (v: number) => h - ((v - lo) / (hi - lo)) * (h - 10);
  return html`<svg class="cells-chart" viewBox="0 0 ${w} ${h + 16}" role="img" aria-label="cells" width="100%">${voltages.map(
    (v, i) =>
      v === null
        ? ''
        : html`<rect x="${(i * bar).toFixed(2)}" y="${y(v).toFixed(2)}" width="${Math.max(bar - 1, 1).toFixed(2)}" height="${(h - y(v)).toFixed(2)}" class="${v === min ? 'cell-min' : v === max ? 'cell-max' : 'cell'}"><title>${i + 1} : ${formatNumber(v, req.lang, 3)} V</title></rect>`,
  )}<text x="0" y="${h + 14}" class="axis">1</text><text x="${w - 20}" y="${h + 14}" class="axis">${voltages.length}</text></svg>`;
}

function seriesChart(req: FastifyRequest, points: [number, number][], unit: string): Html {
  if (points.length < 2) return html``;
  const w = 720;
  const h = 120;
  const t0 = points[0][0];
  const t1 = points.at(-1)![0];
  const vs = points.map((p) => p[1]);
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const span = hi - lo || 1;
  const line = points
    .map(
      ([t, v]) =>
        `${(((t - t0) / (t1 - t0 || 1)) * (w - 130) + 80).toFixed(1)},${(h - 10 - ((v - lo) / span) * (h - 20)).toFixed(1)}`,
    )
    .join(' ');
  // Axis labels as the page's language writes numbers, small enough to stay clear of the line.
  return html`<svg class="series-chart" viewBox="0 0 ${w} ${h}" role="img" width="100%"><polyline points="${line}" fill="none" stroke="currentColor" stroke-width="2"/><text x="0" y="10" class="axis" font-size="10">${formatReading(hi, unit, req.lang)} ${unit}</text><text x="0" y="${h - 2}" class="axis" font-size="10">${formatReading(lo, unit, req.lang)} ${unit}</text><text x="${w - 40}" y="${h - 2}" class="axis" font-size="10">${(t1 - t0).toFixed(0)} s</text></svg>`;
}

export function batteryReportView(req: FastifyRequest, r: BatteryReport): Html {
  const L = (t: { fr: string; en: string }) => T(req, t);
  const ecu = `0x${r.vehicle.ecu.request.toString(16).toUpperCase()} → 0x${r.vehicle.ecu.response.toString(16).toUpperCase()}`;
  const rows = (['packVoltage', 'packCurrent', 'soc', 'soh'] as const)
    .filter((q) => r[q])
    .map(
      (q) =>
        html`<tr data-quantity="${q}"><th>${L(QUANTITY_LABEL[q])}</th><td>${formatReading(r[q]!.value, r[q]!.unit, req.lang)} ${r[q]!.unit}</td></tr>`,
    );
  const row = (e: BatteryReport['extras'][number]) =>
    html`<tr data-quantity="${e.quantity}"><th>${L(e.label)}</th><td>${formatReading(e.value, e.unit, req.lang)}${e.unit ? ` ${unitText(e.unit, req.lang)}` : ''}</td></tr>`;
  const extras = r.extras.map(row);
  // The drive's readings the battery ECU also gives (the Kona's motor speed, inverter DC link).
  const drive = r.drive.length
    ? html`<section class="card" id="battery-drive"><h2>${L({ fr: 'Moteur et onduleur', en: 'Drive motor and inverter' })}</h2><p class="muted">${L({ fr: 'tels que le calculateur batterie les donne', en: 'as the battery ECU reports them' })}</p><table class="battery">${r.drive.map(row)}</table></section>`
    : '';
  const c = r.cells;
  return html`<p class="hv-note card alerts" role="note" id="hv-note">⚠ ${L(HV_NOTE)}</p>
<p>${L(r.vehicle.name)} — ${r.vehicle.protocol.toUpperCase()} ${ecu} · ${r.answers} ${L({ fr: 'réponse(s) décodée(s)', en: 'answer(s) decoded' })}</p>
<p class="card battery-source" id="battery-source" data-source="${r.source.kind}"${r.source.origin ? html` data-origin="${r.source.origin}"` : ''}><strong>${L({ fr: 'Source des valeurs :', en: 'Where the figures come from:' })}</strong> ${L(describeSource(r.source))}</p>
<div class="grid">
<section class="card" id="battery-values"><h2>${L({ fr: 'Pack', en: 'Pack' })}</h2>
<table class="battery">${rows}${extras}${
    r.temperatures
      ? html`<tr data-quantity="temperatures"><th>${L(QUANTITY_LABEL.temperatures)}</th><td>${r.temperatures.values.map((v) => (v === null ? '—' : formatReading(v, '°C', req.lang))).join(' / ')} °C</td></tr>`
      : ''
  }${
    c
      ? html`<tr data-quantity="cells"><th>${L({ fr: 'Cellules', en: 'Cells' })}</th><td>min ${formatNumber(c.min, req.lang, 3)} V (${L({ fr: 'n° ', en: '#' })}${c.minCell}), max ${formatNumber(c.max, req.lang, 3)} V (${L({ fr: 'n° ', en: '#' })}${c.maxCell}), ${L({ fr: 'écart', en: 'spread' })} ${Math.round(c.spread * 1000)} mV</td></tr>`
      : ''
  }</table></section>
${drive}
<section class="card" id="battery-missing"><h2>${L({ fr: 'Non disponible', en: 'Not available' })}</h2>
${r.missing.length ? html`<ul>${r.missing.map((m) => html`<li data-missing="${m.quantity}"><strong>${L(QUANTITY_LABEL[m.quantity] ?? { fr: m.quantity, en: m.quantity })}</strong> : ${L(m.reason)}</li>`)}</ul>` : html`<p class="muted">—</p>`}
<h2>${L({ fr: 'Vraisemblance', en: 'Plausibility' })}</h2>
<ul class="checks">${r.checks.map((k) => html`<li class="${k.ok ? 'ok' : 'bad'}" data-check="${k.check}">${k.ok ? '✔' : '✖'} ${L(k.detail)}</li>`)}</ul></section>
</div>
<section class="card" id="battery-cells"><h2>${L(QUANTITY_LABEL.cellVoltages)}</h2>${
    c
      ? cellChart(req, c.voltages, c.min, c.max)
      : html`<p class="muted">${L(r.missing.find((m) => m.quantity === 'cellVoltages')?.reason ?? { fr: '—', en: '—' })}</p>`
  }</section>
${
  (['soc', 'packVoltage', 'packCurrent'] as const).some((q) => r.series[q].length > 1)
    ? html`<section class="card" id="battery-series"><h2>${L({ fr: 'Au fil de l’enregistrement', en: 'Over the recording' })}</h2>
${(['soc', 'packVoltage', 'packCurrent'] as const).map((q) =>
  r.series[q].length > 1
    ? html`<h3>${L(QUANTITY_LABEL[q])}</h3>${seriesChart(req, r.series[q], r[q]?.unit ?? '')}`
    : '',
)}</section>`
    : ''
}`;
}

/** The whole page of a battery report, for a recording and for a session alike. */
export const batteryReportPage = (req: FastifyRequest, r: BatteryReport): string =>
  renderPage(
    req,
    { fr: 'Rapport batterie de traction', en: 'Traction-battery report' },
    batteryReportView(req, r),
    {
      scripts: ['/static/diagnostics.css'],
    },
  );
