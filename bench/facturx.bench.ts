/**
 * Factur-X issue cost: how long one invoice takes to write, as the workshop issues it.
 *
 *   pnpm bench facturx [-- --runs 7 --reps 20]
 *
 * Invoices of 3, 30 and 300 lines (the 3-line sample garage invoice, its lines repeated with other
 * ids and prices). For each size, four passes, each --runs times of --reps invoices, median per
 * invoice reported, wall clock and CPU of this process (the machine is shared):
 *   xml      toCii alone — the CII D16B XML and the totals (the baseline: no PDF)
 *   rules    checkEn16931 on that XML — the independent rule checker
 *   pdf      facturxPdf — XML, PDF/A-3 with fonts subset, XMP, ICC profile, the XML attached
 * `pdf ÷ xml` is the PDF's cost over the XML alone. One warm-up invoice per pass is not counted
 * (the fonts are parsed once per process).
 */

import { loadavg } from 'node:os';
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import { checkEn16931, facturxPdf, type InvoiceDocument, toCii } from '../packages/facturx/src/index.js';
import { sampleInvoice } from '../packages/facturx/src/test-support/sample.js';
import { markdownTable } from './table.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, reps: { type: 'string', default: '20' } },
});
const RUNS = Number(values.runs);
const REPS = Number(values.reps);

function invoiceOf(lines: number): InvoiceDocument {
  const base = sampleInvoice();
  return sampleInvoice({
    lines: Array.from({ length: lines }, (_, i) => ({
      ...base.lines[i % base.lines.length]!,
      id: String(i + 1),
      name: `${base.lines[i % base.lines.length]!.name} (${i + 1})`,
      unitPriceCents: 1000 + ((i * 137) % 9000),
    })),
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median ms per call over RUNS runs of REPS calls: wall clock and this process's CPU. */
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  await fn(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < REPS; i++) await fn();
    const t = performance.now() - t0;
    const c = cpuUsage(c0);
    wall.push(t / REPS);
    cpu.push((c.user + c.system) / 1000 / REPS);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const rows: string[][] = [];
for (const n of [3, 30, 300]) {
  const doc = invoiceOf(n);
  const { xml } = toCii(doc);
  const x = await measure(() => toCii(doc));
  const rules = await measure(() => {
    if (checkEn16931(xml).length) throw new Error('the bench invoice breaks a rule');
  });
  const pdf = await measure(() => facturxPdf({ doc, lang: 'fr' }));
  const bytes = (await facturxPdf({ doc, lang: 'fr' })).pdf.length;
  const ms = (m: { wall: number; cpu: number }) => `${m.wall.toFixed(2)} (${m.cpu.toFixed(2)})`;
  rows.push([
    String(n),
    ms(x),
    ms(rules),
    ms(pdf),
    `${(pdf.wall / x.wall).toFixed(0)}×`,
    `${Math.round(bytes / 1024)} KiB`,
  ]);
}
console.log(
  markdownTable(['lines', 'xml ms (CPU)', 'rules ms (CPU)', 'pdf ms (CPU)', 'pdf ÷ xml', 'PDF size'], rows),
);
console.log(
  `\nmedian of ${RUNS} runs × ${REPS} invoices, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
