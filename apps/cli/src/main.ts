import process from 'node:process';
import { exitAfterOutput, processContext, runCommand } from '@atelier/command';
import { COMMANDS } from './commands/index.js';

const HELP = {
  fr: 'atelier — boîte à outils de diagnostic automobile\n\nUsage : atelier <commande> [options]\n\nCommandes :',
  en: 'atelier — vehicle-diagnostics workshop toolkit\n\nUsage: atelier <command> [options]\n\nCommands:',
};
const FOOT = {
  fr: '\n`atelier <commande> --help` pour le détail. --lang fr|en choisit la langue (français par défaut).',
  en: '\n`atelier <command> --help` for details. --lang fr|en picks the language (French by default).',
};

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
