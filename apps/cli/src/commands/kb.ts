import { parseArgs } from 'node:util';
import { type Command, UsageError } from '@atelier/command';
import { lintKnowledgeBase, sayLintProblem } from '@atelier/diagnosis';
import { CATALOGUE, FAULT_CATALOGUE } from '@atelier/vehicle-sim';

const USAGE = {
  fr: "Usage : atelier kb lint [--dir DOSSIER] [--json] [--lang fr|en]\n  Vérifie la base de connaissances : schéma, textes FR/EN, probabilités, références, mesures des tests contre le catalogue d'instruments du simulateur, défauts simulés des causes (type ou type:pièce) contre son catalogue de défauts, chargement dans le moteur d'arbres de défaillance.",
  en: 'Usage: atelier kb lint [--dir DIR] [--json] [--lang fr|en]\n  Checks the knowledge base: schema, FR/EN text, probabilities, references, the tests’ measurements against the simulator’s instrument catalogue, the causes’ simulated faults (type or type:part) against its fault catalogue, loading into the fault-tree engine.',
};

export const kbCommand: Command = {
  name: 'kb',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === '--help' || sub === '-h') {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    if (sub !== 'lint')
      throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'missing subcommand', USAGE[ctx.lang]);
    let values: { dir?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args: rest,
        options: { dir: { type: 'string' }, json: { type: 'boolean' } },
      }));
    } catch (e) {
      throw new UsageError((e as Error).message, USAGE[ctx.lang]);
    }
    // The tests' measurements are checked against the simulator's instrument catalogue, the causes'
    // simulated faults (type, or type:part) against its fault catalogue.
    const report = lintKnowledgeBase(values.dir, { instruments: CATALOGUE, simFaults: FAULT_CATALOGUE });
    if (values.json) ctx.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      // French by default (`--lang en` or ATELIER_LANG=en for English); --json carries both.
      for (const p of report.problems) ctx.stdout.write(`${sayLintProblem(p, ctx.lang)}\n`);
      ctx.stdout.write(
        ctx.lang === 'fr'
          ? `${report.trees} arbres, ${report.tests} tests, ${report.problems.length} problème(s)\n`
          : `${report.trees} trees, ${report.tests} tests, ${report.problems.length} problem(s)\n`,
      );
    }
    return report.problems.length ? 1 : 0;
  },
};
