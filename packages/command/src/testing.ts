/** What tests of a command need: a context whose streams they can read back. */
import { PassThrough } from 'node:stream';
import type { CliContext, Lang } from './context.js';

/** A context for running a command in the test's process, with what it printed on each stream. */
export function cliContext(
  lang: Lang,
  cwd: string,
  signal: AbortSignal = new AbortController().signal,
): { ctx: CliContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  const ctx: CliContext = {
    stdout,
    stderr,
    lang,
    cwd,
    signal,
    stderrIsTTY: false,
  };
  return { ctx, out: () => out, err: () => err };
}
