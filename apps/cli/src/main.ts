import process from 'node:process';
import { allCommands, commandLoaders } from './commands/index.js';
import { type CliContext, pickLang, UsageError } from './context.js';

const HELP = {
  fr: 'atelier — boîte à outils de diagnostic automobile\n\nUsage : atelier <commande> [options]\n\nCommandes :',
  en: 'atelier — vehicle-diagnostics workshop toolkit\n\nUsage: atelier <command> [options]\n\nCommands:',
};
const FOOT = {
  fr: '\n`atelier <commande> --help` pour le détail. --lang fr|en choisit la langue (français par défaut).',
  en: '\n`atelier <command> --help` for details. --lang fr|en picks the language (French by default).',
};

export async function main(argv: string[]): Promise<number> {
  const lang = pickLang(argv, process.env);
  const args = argv.filter((a, i) => a !== '--lang' && argv[i - 1] !== '--lang' && !a.startsWith('--lang='));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`| head`) ends the output quietly rather than crashing.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    lang,
    cwd: process.cwd(),
    signal: controller.signal,
    stderrIsTTY: !!process.stderr.isTTY,
  };
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const commands = await allCommands();
    const width = Math.max(...commands.map((c) => c.name.length), 4);
    const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary[lang]}`);
    process.stdout.write(`${HELP[lang]}\n${lines.join('\n')}\n${FOOT[lang]}\n`);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commandLoaders, name) ? await commandLoaders[name]() : undefined;
  if (!command) {
    process.stderr.write(
      lang === 'fr' ? `atelier : commande inconnue « ${name} »\n` : `atelier: unknown command '${name}'\n`,
    );
    return 2;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`atelier ${name}: ${err.message}\n${err.usage ? `\n${err.usage}\n` : ''}`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(
      `atelier ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`,
    );
    if (process.env.ATELIER_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const code = await main(process.argv.slice(2));
// Let stdout drain before exiting: large outputs piped to another program must arrive whole.
process.stdout.write('', () => process.exit(code));
