// The lockfile against the machines Atelier installs on (Node 20, Linux). pnpm skips an optional
// package that cannot install here (engines, os, cpu, libc), and, depending on the order in which it
// walks the graph, it may skip with it the packages that the skipped one shares with a package that
// does install. That happened in CI: socketcan's `node-gyp >=9.3.0` resolved to a release needing
// Node 22, and sqlite3's node-gyp 12 lost env-paths, so the build from source failed. The lockfile
// must not let that happen again.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface PackageInfo {
  engines?: { node?: string };
  os?: string[];
  cpu?: string[];
  libc?: string[];
}
interface Snapshot {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface ImporterDeps {
  [name: string]: { version: string };
}
interface Lockfile {
  importers: Record<
    string,
    { dependencies?: ImporterDeps; devDependencies?: ImporterDeps; optionalDependencies?: ImporterDeps }
  >;
  packages: Record<string, PackageInfo>;
  snapshots: Record<string, Snapshot>;
}

/** A package's key without its peer suffix: `a@1.0.0(b@2.0.0)` → `a@1.0.0`. */
const packageKey = (snapshotKey: string) => snapshotKey.replace(/\(.*$/, '');

/** An os/cpu/libc list as npm reads it: allowed names, or `!name` exclusions. */
function listAllows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((v) => !v.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value) || allowed.includes('any');
}

interface Platform {
  node: string;
  os: string;
  cpu: string;
  libc: string;
}

function installable(info: PackageInfo | undefined, on: Platform): boolean {
  if (!info) return true;
  const range = info.engines?.node;
  if (range && !semver.satisfies(on.node, range, { includePrerelease: true })) return false;
  return listAllows(info.os, on.os) && listAllows(info.cpu, on.cpu) && listAllows(info.libc, on.libc);
}

/**
 * Packages reached both through a package that cannot install on `on` and through a chain of
 * packages that all install: pnpm may skip them although something installed needs them.
 */
function sharedWithSkipped(lock: Lockfile, on: Platform): string[] {
  const children = (key: string) => {
    const s = lock.snapshots[key] ?? {};
    return Object.entries({ ...s.dependencies, ...s.optionalDependencies }).map(([n, v]) => `${n}@${v}`);
  };
  const isInstallable = (key: string) => installable(lock.packages[packageKey(key)], on);

  const roots: string[] = [];
  for (const importer of Object.values(lock.importers)) {
    for (const deps of [importer.dependencies, importer.devDependencies, importer.optionalDependencies]) {
      for (const [name, { version }] of Object.entries(deps ?? {})) {
        if (!version.startsWith('link:')) roots.push(`${name}@${version}`);
      }
    }
  }

  const installed = new Set<string>();
  const queue = roots.filter(isInstallable);
  while (queue.length > 0) {
    const key = queue.pop() as string;
    if (installed.has(key)) continue;
    installed.add(key);
    for (const child of children(key)) if (isInstallable(child) && !installed.has(child)) queue.push(child);
  }

  const underSkipped = new Set<string>();
  const skippedQueue = Object.keys(lock.snapshots)
    .filter((k) => !isInstallable(k))
    .flatMap(children);
  while (skippedQueue.length > 0) {
    const key = skippedQueue.pop() as string;
    if (underSkipped.has(key)) continue;
    underSkipped.add(key);
    skippedQueue.push(...children(key));
  }

  return [...underSkipped].filter((k) => installed.has(k)).sort();
}

const linuxNode20: Platform = { node: '20.19.0', os: 'linux', cpu: 'x64', libc: 'glibc' };

describe('the lockfile on Node 20', () => {
  const lock = parse(readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')) as Lockfile;

  it('shares no package between one pnpm skips on Node 20 and one it installs', () => {
    expect(sharedWithSkipped(lock, linuxNode20)).toEqual([]);
    expect(sharedWithSkipped(lock, { ...linuxNode20, node: process.versions.node })).toEqual([]);
  });

  it("finds the sharing that broke CI, in a lockfile where socketcan's node-gyp needs Node 22", () => {
    // The shape of the lockfile before node-gyp was pinned: two node-gyp releases sharing env-paths.
    const before: Lockfile = {
      importers: {
        'apps/workshop': { dependencies: { sqlite3: { version: '6.0.1' } } },
        'packages/can': { optionalDependencies: { socketcan: { version: '4.0.7' } } },
      },
      packages: {
        'sqlite3@6.0.1': {},
        'socketcan@4.0.7': {},
        'node-gyp@12.4.0': { engines: { node: '^20.17.0 || >=22.9.0' } },
        'node-gyp@13.1.0': { engines: { node: '^22.22.2 || ^24.15.0 || >=26.0.0' } },
        'env-paths@2.2.1': { engines: { node: '>=6' } },
        'nopt@10.0.1': { engines: { node: '^22.22.2 || ^24.15.0 || >=26.0.0' } },
      },
      snapshots: {
        'sqlite3@6.0.1': { optionalDependencies: { 'node-gyp': '12.4.0' } },
        'socketcan@4.0.7': { dependencies: { 'node-gyp': '13.1.0' } },
        'node-gyp@12.4.0': { dependencies: { 'env-paths': '2.2.1' } },
        'node-gyp@13.1.0': { dependencies: { 'env-paths': '2.2.1', nopt: '10.0.1' } },
        'env-paths@2.2.1': {},
        'nopt@10.0.1': {},
      },
    };
    expect(sharedWithSkipped(before, linuxNode20)).toEqual(['env-paths@2.2.1']);
    expect(sharedWithSkipped(before, { ...linuxNode20, node: '22.22.2' })).toEqual([]);
  });

  it('pins the one node-gyp every native build uses to a release that runs on Node 20', () => {
    const gyps = Object.keys(lock.packages).filter((k) => k.startsWith('node-gyp@'));
    expect(gyps).toHaveLength(1);
    expect(installable(lock.packages[gyps[0] as string], linuxNode20)).toBe(true);
  });
});
