import { readFileSync } from 'node:fs';
import process from 'node:process';
import { exitAfterOutput, processContext, runCommand } from '@atelier/command';
import { COMMANDS } from './commands/index.js';

const HELP = {
  fr: 'atelier — boîte à outils de diagnostic automobile\n\nUsage : atelier <commande> [options]\n\nCommandes :',
  en: 'atelier — vehicle-diagnostics workshop toolkit\n\nUsage: atelier <command> [options]\n\nCommands:',
};
const FOOT = {
  fr: '\n`atelier <commande> --help` pour le détail. --lang fr|en choisit la langue (français par défaut).\n`atelier --version` donne la version.',
  en: '\n`atelier <command> --help` for details. --lang fr|en picks the language (French by default).\n`atelier --version` prints the version.',
};

/**
 * The version of the package this runs from: `../package.json` is apps/cli's from the sources and
 * the release's own from dist/atelier/lib (the bundle keeps main.js one level down too).
 */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'inconnue';
  } catch {
    return 'inconnue';
  }
}

export async function main(argv: string[]): Promise<number> {
  const { ctx, args, dispose } = processContext(argv);
  const { lang } = ctx;
  try {
    const [name, ...rest] = args;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      const names = Object.keys(COMMANDS);
      const width = Math.max(...names.map((n) => n.length), 4);
      const lines = names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary[lang]}`);
      process.stdout.write(`${HELP[lang]}\n${lines.join('\n')}\n${FOOT[lang]}\n`);
      return name ? 0 : 2;
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      process.stdout.write(`atelier ${version()}\n`);
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, name)) {
      process.stderr.write(
        lang === 'fr' ? `atelier : commande inconnue « ${name} »\n` : `atelier: unknown command '${name}'\n`,
      );
      return 2;
    }
    return await runCommand(await COMMANDS[name].load(), rest, ctx);
  } finally {
    dispose();
  }
}

exitAfterOutput(await main(process.argv.slice(2)));
