/**
 * Where PostgreSQL's programs are: `ATELIER_PG_BIN` when set, else Debian's versioned directory
 * (`/usr/lib/postgresql/N/bin`, highest N: the server programs are not on PATH there), else PATH.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_ROOT = '/usr/lib/postgresql';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directories searched, in order. */
export function pgBinDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.ATELIER_PG_BIN) dirs.push(process.env.ATELIER_PG_BIN);
  try {
    const versions = readdirSync(DEBIAN_ROOT)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(DEBIAN_ROOT, v, 'bin'));
  } catch {
    // Not Debian's layout: PATH only.
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  return dirs;
}

/** The full path of a PostgreSQL program, or null when none is installed. */
export function findPgProgram(name: string): string | null {
  for (const dir of pgBinDirs()) {
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return null;
}
