// What the release builds share: esbuild, taken from tsx (pnpm keeps it beside tsx, not at the
// root), so a release needs no dependency of its own and the lockfile stays as it installs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface EsbuildPlugin {
  name: string;
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      callback: (args: { path: string }) => Promise<{ contents: string; loader: string } | undefined>,
    ): void;
  }): void;
}

export interface Esbuild {
  build(options: Record<string, unknown> & { plugins?: EsbuildPlugin[] }): Promise<{
    metafile?: {
      inputs: Record<string, unknown>;
      outputs: Record<
        string,
        {
          bytes: number;
          inputs: Record<string, unknown>;
          imports: { path: string; kind: string; external?: boolean }[];
        }
      >;
    };
  }>;
}

export function esbuild(): Esbuild {
  const fromTsx = createRequire(createRequire(join(ROOT, 'package.json')).resolve('tsx/package.json'));
  return fromTsx('esbuild');
}

export type { EsbuildPlugin };
