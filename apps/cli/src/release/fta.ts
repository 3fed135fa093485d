/**
 * `atelier fta` on its own, as a release ships it: bundled into one CommonJS file with no TypeScript
 * loader, and baked into a V8 startup snapshot (`node --build-snapshot`) whose heap already holds the
 * parsed and initialised engine, so a run starts at Node's own start-up cost. `scripts/build-fta.ts`
 * builds both; the same file runs as a plain bundle when Node cannot use the snapshot.
 */
import process from 'node:process';
import { startupSnapshot } from 'node:v8';
import { exitAfterOutput, processContext, runCommand } from '@atelier/command';
// Imported here, not on demand as the full CLI does: what the snapshot holds costs nothing at start.
import * as engine from '@atelier/fault-tree';
import { ftaCommand } from '../commands/fta.js';

void engine;

async function main(argv: string[]): Promise<number> {
  const { ctx, args, dispose } = processContext(argv);
  try {
    return await runCommand(ftaCommand, args, ctx);
  } finally {
    dispose();
  }
}

// From a snapshot, process.argv is [node, ...arguments]; from a file, [node, file, ...arguments].
if (startupSnapshot.isBuildingSnapshot())
  startupSnapshot.setDeserializeMainFunction(() => void main(process.argv.slice(1)).then(exitAfterOutput));
else void main(process.argv.slice(2)).then(exitAfterOutput);
