// Entry of the bundled `atelier fta` used by bench/fta-vs-scram.bench.ts: the same command module,
// without the other command groups (their native dependencies do not bundle).
import process from 'node:process';
import { ftaCommand } from '../apps/cli/src/commands/fta.js';
import type { CliContext } from '../apps/cli/src/context.js';

const ctx: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  lang: 'en',
  cwd: process.cwd(),
  signal: new AbortController().signal,
  stderrIsTTY: false,
};
const code = await ftaCommand.run(process.argv.slice(2), ctx).catch((e: Error) => {
  process.stderr.write(`${e.name}: ${e.message}\n`);
  return 1;
});
process.stdout.write('', () => process.exit(code));
