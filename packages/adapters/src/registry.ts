import { systemClock } from '@atelier/clock';
import { AdapterSpecError } from './errors.js';
import { type AdapterName, splitAdapterName } from './name.js';
import { elm327Scheme } from './schemes/elm327.js';
import { simScheme } from './schemes/sim.js';
import { slcanScheme } from './schemes/slcan.js';
import { socketcanScheme } from './schemes/socketcan.js';
import { OpenScope } from './scope.js';
import { exampleIn, specDetail } from './spec-texts.js';
import { lineWriter } from './traffic.js';
import type { AdapterScheme, OpenAdapterOptions, OpenedAdapter } from './types.js';

const schemes = new Map<string, AdapterScheme<unknown>>();

/** Adds a scheme (`slcan:`, a vendor's adapter) or replaces the one of the same name. */
export function registerAdapterScheme<Parsed>(scheme: AdapterScheme<Parsed>): void {
  schemes.set(scheme.scheme, scheme as AdapterScheme<unknown>);
}

/** The registered schemes, in registration order. */
export function adapterSchemes(): AdapterScheme<unknown>[] {
  return [...schemes.values()];
}

/** Every scheme's example forms, for usage text; in French with French placeholders (`HÔTE`). */
export function adapterExamples(lang: 'fr' | 'en' = 'en'): string[] {
  return adapterSchemes().flatMap((s) => s.examples.map((e) => exampleIn(e, lang)));
}

function schemeOf(spec: string): { name: AdapterName; scheme: AdapterScheme<unknown> } {
  let name: AdapterName;
  try {
    name = splitAdapterName(spec);
  } catch (err) {
    if (!(err instanceof AdapterSpecError) || spec.includes(':')) throw err;
    throw new AdapterSpecError(
      spec,
      'syntax',
      specDetail('expected-one-of', { examples: adapterExamples() }),
    );
  }
  const scheme = schemes.get(name.scheme);
  if (!scheme)
    throw new AdapterSpecError(
      spec,
      'unknown-scheme',
      specDetail('unknown-kind', { scheme: name.scheme, examples: adapterExamples() }),
    );
  return { name, scheme };
}

/** Checks an adapter name without opening anything; throws AdapterSpecError when it is bad. */
export function checkAdapterName(spec: string): AdapterName {
  const { name, scheme } = schemeOf(spec);
  scheme.parse(name);
  return name;
}

/**
 * Opens an adapter by name: the link, its traffic (streamed to `options.traffic`), what was opened,
 * and `close()`. A bad name throws AdapterSpecError before anything is touched; a failure while
 * opening is a LinkError (code `disconnected` for a device or address that cannot be opened,
 * `unavailable` for a kind this machine cannot use, `protocol-error` when no vehicle answers, …),
 * after everything acquired so far was released.
 */
export async function openAdapter(spec: string, options: OpenAdapterOptions = {}): Promise<OpenedAdapter> {
  const { name, scheme } = schemeOf(spec);
  const parsed = scheme.parse(name);
  const scope = new OpenScope(spec, options.signal);
  try {
    scope.check();
    const opened = await scope.step(
      scheme.open(parsed, {
        options,
        clock: options.clock ?? systemClock,
        scope,
        traffic: lineWriter(options.traffic),
      }),
    );
    scope.check();
    let closing: Promise<void> | undefined;
    return {
      link: opened.link,
      trafficFormat: opened.trafficFormat,
      info: { spec, scheme: name.scheme, ...opened.info },
      close: () => {
        closing ??= scope.release();
        return closing;
      },
      ...(opened.unplug ? { unplug: opened.unplug } : {}),
    };
  } catch (err) {
    await scope.release().catch(() => {});
    throw err;
  }
}

for (const scheme of [elm327Scheme, socketcanScheme, slcanScheme, simScheme] as AdapterScheme<unknown>[])
  registerAdapterScheme(scheme);
