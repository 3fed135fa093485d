import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliContext, type Command, type Lang, UsageError, writeOut } from '@atelier/command';
import type { AnalysisReport, Approximation, UncertaintyReport } from '@atelier/fault-tree';

const USAGE: Record<string, Record<Lang, string>> = {
  main: {
    fr: `Usage : atelier fta <analyze|posterior|convert> …

Analyse d'arbres de défaillance (Open-PSA MEF XML ou YAML) et diagnostic probabiliste.
  analyze    probabilité du sommet, coupes minimales, importances
  posterior  probabilité a posteriori de chaque événement de base selon les observations
  convert    MEF XML ⇄ YAML`,
    en: `Usage: atelier fta <analyze|posterior|convert> …

Fault-tree analysis (Open-PSA MEF XML or YAML) and probabilistic diagnosis.
  analyze    top-event probability, minimal cut sets, importance factors
  posterior  posterior probability of every basic event given observations
  convert    MEF XML ⇄ YAML`,
  },
  analyze: {
    fr: `Usage : atelier fta analyze FICHIER.xml [AUTRE.xml …] [options]

  --top NOM              porte sommet (par défaut la seule porte non référencée)
  --limit-order N        ordre maximal des coupes (20 par défaut, comme SCRAM)
  --approx MÉTHODE       exact (BDD, par défaut) | rare-event | mcub
  --importance           facteurs d'importance MIF, CIF, DIF, RAW, RRW
  --prime-implicants     impliquants premiers (arbres non cohérents)
  --top-products N       les N coupes les plus probables
  --no-modules           un seul BDD pour tout l'arbre (par défaut : un BDD par module
                         indépendant, même résultat)
  --mission-time H       durée de mission en heures (8760 par défaut)
  --uncertainty          Monte Carlo (--trials N, 1000 ; --seed S, 1)
  --json                 un objet JSON : {"top","basic_events","gates","products","distribution",
                         "probability","approximation","importance"?,"seconds"}
                         distribution[k] = nombre de coupes d'ordre k+1`,
    en: `Usage: atelier fta analyze FILE.xml [MORE.xml …] [options]

  --top NAME             top gate (default: the only gate nothing references)
  --limit-order N        longest product kept (default 20, as SCRAM)
  --approx METHOD        exact (BDD, default) | rare-event | mcub
  --importance           importance factors MIF, CIF, DIF, RAW, RRW
  --prime-implicants     prime implicants (non-coherent trees)
  --top-products N       the N most probable products
  --no-modules           one BDD for the whole tree (default: one BDD per independent
                         module, same result)
  --mission-time H       mission time in hours (default 8760)
  --uncertainty          Monte Carlo (--trials N, 1000; --seed S, 1)
  --json                 one JSON object: {"top","basic_events","gates","products","distribution",
                         "probability","approximation","importance"?,"seconds"}
                         distribution[k] = number of products of order k+1`,
  },
  posterior: {
    fr: `Usage : atelier fta posterior FICHIER.xml [AUTRE.xml …] --evidence "TOP=true,PompeUn=ok" [--top NOM] [--json]

Observations séparées par des virgules : porte ou événement = true|false|ok|faulty (vrai|faux|ok|hs).
Affiche P(événement | observations) pour chaque événement de base, du plus probable au moins probable.`,
    en: `Usage: atelier fta posterior FILE.xml [MORE.xml …] --evidence "TOP=true,PumpOne=ok" [--top NAME] [--json]

Comma-separated observations: gate or event = true|false|ok|faulty.
Prints P(event | evidence) for every basic event, most probable first.`,
  },
  convert: {
    fr: 'Usage : atelier fta convert ENTRÉE SORTIE   (.xml ⇄ .yaml, selon les extensions)',
    en: 'Usage: atelier fta convert IN OUT   (.xml ⇄ .yaml, by the extensions)',
  },
};

const TRUE_WORDS = new Set([
  'true',
  '1',
  'yes',
  'faulty',
  'failed',
  'vrai',
  'oui',
  'hs',
  'défaillant',
  'positive',
  'positif',
]);
const FALSE_WORDS = new Set(['false', '0', 'no', 'ok', 'working', 'faux', 'non', 'négatif', 'negative']);

export function parseEvidence(text: string, lang: Lang): [string, boolean][] {
  const out: [string, boolean][] = [];
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const m = /^\s*([^=]+?)\s*=\s*(\S+)\s*$/.exec(part);
    const value = m?.[2].toLowerCase();
    if (!m || !value || (!TRUE_WORDS.has(value) && !FALSE_WORDS.has(value)))
      throw new UsageError(
        lang === 'fr'
          ? `observation illisible « ${part.trim()} » (attendu NOM=true|false|ok|faulty)`
          : `unreadable observation '${part.trim()}' (expected NAME=true|false|ok|faulty)`,
        USAGE.posterior[lang],
      );
    out.push([m[1], TRUE_WORDS.has(value)]);
  }
  return out;
}

const fmt = (x: number) =>
  x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(4) : x.toPrecision(6);

function positiveInt(v: string | undefined, name: string, lang: Lang, usage: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(
      lang === 'fr'
        ? `${name} : entier positif attendu, pas « ${v} »`
        : `${name}: expected a non-negative integer, not '${v}'`,
      usage,
    );
  return n;
}

// The engine is loaded when an fta subcommand runs, so other commands do not pay for it at start.
const engine = () => import('@atelier/fault-tree');

async function analyzeCmd(args: string[], ctx: CliContext): Promise<number> {
  const { analyzeCompiled, compileForAnalysis, loadModel, uncertainty } = await engine();
  const usage = USAGE.analyze[ctx.lang];
  const start = performance.now();
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      top: { type: 'string' },
      'limit-order': { type: 'string', short: 'l' },
      approx: { type: 'string' },
      importance: { type: 'boolean' },
      'prime-implicants': { type: 'boolean' },
      'top-products': { type: 'string' },
      'no-modules': { type: 'boolean' },
      'mission-time': { type: 'string' },
      uncertainty: { type: 'boolean' },
      trials: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!positionals.length)
    throw new UsageError(ctx.lang === 'fr' ? 'aucun fichier de modèle' : 'no model file', usage);
  const approx = (values.approx ?? 'exact') as Approximation;
  if (!['exact', 'rare-event', 'mcub'].includes(approx))
    throw new UsageError(`--approx exact|rare-event|mcub`, usage);
  const model = await loadModel(positionals.map((f) => resolve(ctx.cwd, f)));
  if (values['mission-time'] !== undefined) {
    const t = Number(values['mission-time']);
    if (!(t >= 0)) throw new UsageError('--mission-time ≥ 0', usage);
    model.missionTime = t;
  }
  const options = {
    top: values.top,
    modules: !values['no-modules'],
    limitOrder: positiveInt(values['limit-order'], '--limit-order', ctx.lang, usage),
    approximation: approx,
    importance: values.importance,
    primeImplicants: values['prime-implicants'],
    topProducts: positiveInt(values['top-products'], '--top-products', ctx.lang, usage),
  };
  const c = compileForAnalysis(model, options);
  const report = analyzeCompiled(c, options, 0, () => 0);
  const unc = values.uncertainty
    ? uncertainty(c, {
        trials: positiveInt(values.trials, '--trials', ctx.lang, usage),
        seed: positiveInt(values.seed, '--seed', ctx.lang, usage),
      })
    : undefined;
  const seconds = (performance.now() - start) / 1000;
  if (values.json) {
    const out: Record<string, unknown> = {
      top: report.top,
      basic_events: report.basic_events,
      gates: report.gates,
      products: report.products,
      distribution: report.distribution,
      probability: report.probability,
      approximation: report.approximation,
    };
    if (report.importance)
      out.importance = Object.fromEntries(
        Object.entries(report.importance).map(([k, v]) => [
          k,
          { mif: v.mif, cif: v.cif, dif: v.dif, raw: v.raw, rrw: v.rrw },
        ]),
      );
    if (report.top_products) out.top_products = report.top_products;
    if (unc) out.uncertainty = unc;
    out.seconds = seconds;
    await writeOut(ctx.stdout, `${JSON.stringify(out)}\n`);
    return 0;
  }
  await writeOut(ctx.stdout, humanReport(report, ctx.lang, seconds, unc));
  return 0;
}

function humanReport(r: AnalysisReport, lang: Lang, seconds: number, unc?: UncertaintyReport): string {
  const fr = lang === 'fr';
  const rows: [string, string][] = [
    [fr ? 'Événement sommet' : 'Top event', r.top],
    [fr ? 'Portes' : 'Gates', String(r.gates)],
    [fr ? 'Événements de base' : 'Basic events', String(r.basic_events)],
    [
      fr
        ? r.coherent
          ? 'Coupes minimales'
          : 'Coupes (sans négations)'
        : r.coherent
          ? 'Minimal cut sets'
          : 'Cut sets (negations dropped)',
      String(r.products),
    ],
    [fr ? 'Par ordre' : 'By order', r.distribution.map((n, i) => `${i + 1}:${n}`).join(' ')],
    [fr ? 'Probabilité' : 'Probability', `${fmt(r.probability)} (${r.approximation})`],
  ];
  if (unc)
    rows.push([
      fr ? 'Incertitude' : 'Uncertainty',
      `${fr ? 'moyenne' : 'mean'} ${fmt(unc.mean)}, ${fr ? 'écart-type' : 'sd'} ${fmt(unc.sd)}, 5% ${fmt(unc.p5)}, 95% ${fmt(unc.p95)} (${unc.trials} ${fr ? 'tirages, graine' : 'trials, seed'} ${unc.seed})`,
    ]);
  const lw = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(lw)}  ${v}`);
  if (r.top_products) {
    lines.push('', fr ? 'Coupes les plus probables :' : 'Most probable products:');
    for (const p of r.top_products) lines.push(`  ${fmt(p.probability).padEnd(12)} ${p.events.join(' · ')}`);
  }
  if (r.importance) {
    const rows = Object.entries(r.importance).sort(
      (a, b) => b[1].mif * b[1].probability - a[1].mif * a[1].probability,
    );
    const w = Math.max(8, ...rows.map(([k]) => k.length));
    lines.push(
      '',
      `${(fr ? 'événement' : 'event').padEnd(w)}  ${['p', 'MIF', 'CIF', 'DIF', 'RAW', 'RRW'].map((h) => h.padEnd(11)).join(' ')}`,
    );
    for (const [k, v] of rows)
      lines.push(
        `${k.padEnd(w)}  ${[v.probability, v.mif, v.cif, v.dif, v.raw, v.rrw].map((x) => fmt(x).padEnd(11)).join(' ')}`,
      );
  }
  lines.push('', `${fr ? 'Durée' : 'Time'} ${seconds.toFixed(3)} s`);
  return `${lines.join('\n')}\n`;
}

async function posteriorCmd(args: string[], ctx: CliContext): Promise<number> {
  const { Diagnosis, loadModel } = await engine();
  const usage = USAGE.posterior[ctx.lang];
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      evidence: { type: 'string', short: 'e' },
      top: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!positionals.length)
    throw new UsageError(ctx.lang === 'fr' ? 'aucun fichier de modèle' : 'no model file', usage);
  const evidence = parseEvidence(values.evidence ?? '', ctx.lang);
  const d = new Diagnosis(await loadModel(positionals.map((f) => resolve(ctx.cwd, f))), { top: values.top });
  for (const [k, v] of evidence) d.observe(k, v);
  const pe = d.evidenceProbability();
  const posts = d.posteriors().sort((a, b) => b.posterior - a.posterior || a.event.localeCompare(b.event));
  if (values.json) {
    await writeOut(
      ctx.stdout,
      `${JSON.stringify({ top: d.top, evidence: Object.fromEntries(evidence), evidence_probability: pe, posteriors: Object.fromEntries(posts.map((p) => [p.event, { prior: p.prior, posterior: p.posterior }])) })}\n`,
    );
    return 0;
  }
  const fr = ctx.lang === 'fr';
  const w = Math.max(9, ...posts.map((p) => p.event.length));
  const lines = [
    `${fr ? 'Sommet' : 'Top'} ${d.top}; ${fr ? 'P(observations)' : 'P(evidence)'} = ${fmt(pe)}`,
    '',
    `${(fr ? 'événement' : 'event').padEnd(w)}  ${(fr ? 'a priori' : 'prior').padEnd(11)} ${fr ? 'a posteriori' : 'posterior'}`,
    ...posts.map((p) => `${p.event.padEnd(w)}  ${fmt(p.prior).padEnd(11)} ${fmt(p.posterior)}`),
  ];
  await writeOut(ctx.stdout, `${lines.join('\n')}\n`);
  return 0;
}

async function convertCmd(args: string[], ctx: CliContext): Promise<number> {
  const { loadModel, writeMef, writeYamlModel } = await engine();
  const usage = USAGE.convert[ctx.lang];
  if (args.includes('--help') || args.includes('-h')) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (args.length !== 2)
    throw new UsageError(
      ctx.lang === 'fr' ? 'il faut une entrée et une sortie' : 'expected an input and an output',
      usage,
    );
  const [input, output] = args.map((f) => resolve(ctx.cwd, f));
  const model = await loadModel([input]);
  const text = /\.ya?ml$/i.test(output) ? writeYamlModel(model) : writeMef(model);
  await writeFile(output, text);
  return 0;
}

export const ftaCommand: Command = {
  name: 'fta',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const main = USAGE.main[ctx.lang];
    if (!sub || sub === '--help' || sub === '-h') {
      ctx.stdout.write(`${main}\n`);
      return sub ? 0 : 2;
    }
    try {
      if (sub === 'analyze') return await analyzeCmd(rest, ctx);
      if (sub === 'posterior') return await posteriorCmd(rest, ctx);
      if (sub === 'convert') return await convertCmd(rest, ctx);
    } catch (e) {
      // node:util parseArgs errors are usage errors
      if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
        throw new UsageError((e as Error).message, USAGE[sub]?.[ctx.lang]);
      throw e;
    }
    throw new UsageError(
      ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
      main,
    );
  },
};
