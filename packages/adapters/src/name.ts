import { AdapterSpecError } from './errors.js';
import { specDetail } from './spec-texts.js';

/** An adapter name split into its parts: `scheme:target?key=value&…`. */
export interface AdapterName {
  /** The whole name, as given (for errors and `info.spec`). */
  spec: string;
  scheme: string;
  /** What the scheme opens: `/dev/ttyUSB0`, `tcp://HOST:PORT`, `can0`, a scenario. */
  target: string;
  params: URLSearchParams;
}

/** Splits a name at its first `:` and its first `?`. Checks only the form every scheme shares. */
export function splitAdapterName(spec: string): AdapterName {
  const colon = spec.indexOf(':');
  if (colon <= 0 || !/^[a-z][a-z0-9+.-]*$/.test(spec.slice(0, colon)))
    throw new AdapterSpecError(spec, 'syntax', specDetail('expected-scheme-target'));
  const rest = spec.slice(colon + 1);
  const q = rest.indexOf('?');
  const target = q < 0 ? rest : rest.slice(0, q);
  if (target === '') throw new AdapterSpecError(spec, 'syntax', specDetail('nothing-after-colon'));
  return {
    spec,
    scheme: spec.slice(0, colon),
    target,
    params: new URLSearchParams(q < 0 ? '' : rest.slice(q + 1)),
  };
}

/** Refuses options a scheme does not take, naming the ones it does. */
export function checkOptions(name: AdapterName, known: readonly string[]): void {
  for (const key of name.params.keys()) {
    if (!known.includes(key))
      throw new AdapterSpecError(name.spec, 'unknown-option', specDetail('unknown-option', { key, known }));
  }
}

/** A yes/no option: `1`, `true`, `yes` or `0`, `false`, `no`; undefined when absent. */
export function flagOption(name: AdapterName, key: string): boolean | undefined {
  const v = name.params.get(key);
  if (v === null) return undefined;
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  throw new AdapterSpecError(name.spec, 'bad-option', specDetail('not-a-flag', { key, value: v }));
}
