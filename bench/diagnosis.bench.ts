// The guided diagnosis measured against the simulated car: the simulated apprentice (@atelier/training)
// on every simulated scenario × seeds × severities, healthy cars with ordinary complaints, and two faults
// at once. The bench is the judge: it knows the faults it put in the car (the scenario), and links a
// conclusion to them through the knowledge base's `sim_faults` (what a cause stands for on the
// simulator). The apprentice knows neither.
//
//   node --import tsx bench/diagnosis.bench.ts [SEEDS=3] [--detail] [--json FILE] [--runs=N]
//     [--scenarios a,b,c] [--only=TEXT] [--kb DIR]
//
// --scenarios keeps the cases built from those scenarios (a single fault, a healthy car with each
// complaint, a pair made of them); --only keeps the cases whose label contains TEXT; --kb reads
// another knowledge base directory (main's, exported with `git archive`, for a before/after).
//
// Figures: accuracy of the conclusion on faulted cars (the cause concluded stands for a fault the car
// has), wrong conclusions, "no cause" endings, the rate of "no cause" on healthy cars (the goal: all
// of them), mean cost of the path against the best inspection order's expectation on the same
// evidence, steps (tests and repairs). Everything runs in virtual time with fixed seeds, so the
// figures are exact; the wall time is the median of the runs of the whole bench.
import { writeFileSync } from 'node:fs';
import { type KnowledgeBase, loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice } from '@atelier/training';
import { faultNamedBy, listScenarios, type Scenario } from '@atelier/vehicle-sim';

const args = process.argv.slice(2);
const SEEDS = Array.from({ length: Number(args.find((a) => /^\d+$/.test(a)) ?? 3) }, (_, i) => i + 1);
const detail = args.includes('--detail');
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const SEVERITIES = [0.4, 0.7, 1.0];
const listArg = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const scenarioNames = listArg('--scenarios')
  ?.split(',')
  .map((x) => x.trim())
  .filter(Boolean);
const kbDir = listArg('--kb');

/** Ordinary complaints on healthy cars, in customers' words: each names a word some tree listens to. */
export const HEALTHY_COMPLAINTS = [
  'Bruit de freinage à l’arrière.',
  'Consommation un peu élevée depuis l’hiver.',
  'Le voyant batterie s’est allumé une fois puis s’est éteint.',
  'Ralenti un peu instable le matin.',
  'Léger manque de puissance en côte, chargé.',
  'Odeur d’essence après le plein.',
  'Contrôle technique à passer, vérifier la pollution.',
];

/** Two faults at once: the first scenario's car and complaint, the second's faults added. */
const PAIRS: [string, string][] = [
  ['vacuum-leak', 'misfire-cyl2'],
  ['o2-sensor-slow', 'evap-small-leak'],
  ['thermostat-stuck-open', 'weak-battery'],
  ['catalyst-degraded', 'charging-fault'],
];

interface Case {
  group: 'faulted' | 'intermittent' | 'healthy' | 'two faults';
  scenario: Scenario;
  label: string;
  complaint?: string;
}

function cases(): Case[] {
  const all = listScenarios().filter((s) => !s.recording);
  const out: Case[] = [];
  const intermittent = (s: Scenario) => s.faults.some((f) => 'intermittent' in f && f.intermittent);
  for (const s of all.filter((x) => x.faults.length === 1))
    for (const severity of SEVERITIES)
      out.push({
        group: intermittent(s) ? 'intermittent' : 'faulted',
        label: `${s.name} @${severity}`,
        scenario: { ...s, faults: s.faults.map((f) => ({ ...f, severity })) },
      });
  for (const s of all.filter((x) => x.faults.length === 0)) {
    out.push({ group: 'healthy', label: `${s.name} (own complaint)`, scenario: s });
    for (const complaint of HEALTHY_COMPLAINTS)
      out.push({ group: 'healthy', label: `${s.name}: ${complaint}`, scenario: s, complaint });
  }
  // Two faults at once: the scenarios written so, and pairs made from two single-fault scenarios.
  for (const s of all.filter((x) => x.faults.length >= 2))
    out.push({ group: 'two faults', label: s.name, scenario: s });
  for (const [a, b] of PAIRS) {
    const sa = all.find((x) => x.name === a);
    const sb = all.find((x) => x.name === b);
    if (!sa || !sb) continue;
    out.push({
      group: 'two faults',
      label: `${a} + ${b}`,
      scenario: { ...sa, name: `${a}+${b}`, faults: [...sa.faults, ...sb.faults] },
    });
  }
  const only = args.find((a) => a.startsWith('--only='))?.slice(7);
  let kept = only ? out.filter((c) => c.label.includes(only)) : out;
  if (scenarioNames) {
    const unknown = scenarioNames.filter((n) => !all.some((x) => x.name === n));
    if (unknown.length) throw new Error(`--scenarios: no scenario named ${unknown.join(', ')}`);
    // A pair's name is "a+b": it is kept when both of its scenarios are.
    kept = kept.filter((c) => c.scenario.name.split('+').every((n) => scenarioNames.includes(n)));
  }
  return kept;
}

interface Outcome {
  group: string;
  label: string;
  seed: number;
  /** The conclusion stands for a fault the car has. */
  right: boolean;
  /** A cause concluded that the car does not have. */
  wrong: boolean;
  /** The session ended without a cause. */
  noCause: boolean;
  conclusion: string | null;
  tree: string | null;
  cost: number;
  bestCost: number;
  steps: number;
  repairs: number;
  /** The path in short: each test with its outcome, each repair (for `--detail`). */
  path: string;
  /** The run failed (the error, in words). */
  error?: string;
}

function judge(
  kb: KnowledgeBase,
  c: Case,
  seed: number,
  r: Awaited<ReturnType<typeof runSimulatedApprentice>>['result'],
): Outcome {
  // A cause stands for a fault by its type, or by its type and part (`hv_isolation:inverter`).
  const cause = kb.trees.find((t) => t.id === r.tree)?.causes.find((x) => x.id === r.conclusion);
  const right = !!cause && c.scenario.faults.some((f) => faultNamedBy(cause.simFaults, f));
  return {
    group: c.group,
    label: c.label,
    seed,
    right,
    wrong: !!r.conclusion && !right,
    noCause: !r.conclusion,
    conclusion: r.conclusion,
    tree: r.tree,
    cost: r.cost,
    bestCost: r.best_cost,
    steps: r.steps.length,
    repairs: r.steps.filter((s) => s.kind === 'repair').length,
    path: r.steps.map((s) => (s.kind === 'repair' ? `repair ${s.id}` : `${s.id}=${s.outcome}`)).join(', '),
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '—');

async function runAll(kb: KnowledgeBase): Promise<{ outcomes: Outcome[]; ms: number }> {
  const t0 = performance.now();
  const outcomes: Outcome[] = [];
  for (const c of cases())
    for (const seed of SEEDS) {
      try {
        const { result } = await runSimulatedApprentice(kb, c.scenario, {
          seed,
          ...(c.complaint ? { complaint: c.complaint } : {}),
        });
        outcomes.push(judge(kb, c, seed, result));
      } catch (err) {
        // A run that fails is counted and named, never dropped from the figures.
        outcomes.push({
          group: c.group,
          label: c.label,
          seed,
          right: false,
          wrong: false,
          noCause: false,
          conclusion: null,
          tree: null,
          cost: 0,
          bestCost: 0,
          steps: 0,
          repairs: 0,
          path: '',
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
      }
    }
  return { outcomes, ms: performance.now() - t0 };
}

const kb = kbDir ? loadKnowledgeBase(kbDir) : loadKnowledgeBase();
const times: number[] = [];
let outcomes: Outcome[] = [];
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
for (let i = 0; i < RUNS; i++) {
  const r = await runAll(kb);
  times.push(r.ms);
  if (i > 0 && JSON.stringify(r.outcomes) !== JSON.stringify(outcomes))
    throw new Error('the same seeds gave different outcomes: the runs are not deterministic');
  outcomes = r.outcomes;
}
times.sort((a, b) => a - b);

const groups = [...new Set(outcomes.map((o) => o.group))];
console.log(`seeds ${SEEDS.join(', ')}; severities ${SEVERITIES.join(', ')} (single faults)`);
console.log(
  '| cases | runs | right cause | wrong cause | no cause | failed runs | mean cost € | best-order expectation € | cost ÷ best | mean steps |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const g of groups) {
  const os = outcomes.filter((o) => o.group === g);
  const withCost = os.filter((o) => o.tree && !o.error);
  const cost = mean(withCost.map((o) => o.cost));
  const best = mean(withCost.map((o) => o.bestCost));
  console.log(
    `| ${g} | ${os.length} | ${g === 'healthy' ? '—' : pct(os.filter((o) => o.right).length, os.length)} | ${pct(os.filter((o) => o.wrong).length, os.length)} | ${pct(os.filter((o) => o.noCause).length, os.length)} | ${os.filter((o) => o.error).length} | ${cost.toFixed(2)} | ${best.toFixed(2)} | ${best ? (cost / best).toFixed(2) : '—'} | ${mean(os.map((o) => o.steps)).toFixed(2)} |`,
  );
}
console.log(
  `\n${outcomes.length} runs; whole bench ${(times[Math.floor(RUNS / 2)]! / 1000).toFixed(1)} s (median of ${RUNS}), ${(times[Math.floor(RUNS / 2)]! / outcomes.length).toFixed(0)} ms a run`,
);
if (detail)
  for (const o of outcomes)
    if (o.wrong || o.error || (o.group !== 'healthy' && !o.right) || (o.group === 'healthy' && !o.noCause))
      console.log(
        `  ${o.group} | ${o.label} | seed ${o.seed} | tree ${o.tree} → ${o.error ?? o.conclusion ?? 'no cause'}${o.path ? ` [${o.path}]` : ''}`,
      );
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(outcomes, null, 1));
