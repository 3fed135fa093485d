/**
 * The traction battery of a diagnostic session, read through its link with @atelier/ev's
 * `readKnownBattery` (the code `atelier ev report` and `atelier diagnose` use): for the battery page,
 * and when a guided diagnosis starts on a car with a traction battery, so that the
 * `traction_battery` tree's signs (cell spread, SoH) are read, not left unknown.
 */
import type { BatteryReport, BatteryReportSource } from '@atelier/ev';
import { batteryDefinition, batteryDefinitions } from '@atelier/ev';
import type { Text } from '@atelier/obd';
import type { Store } from '../store/store.js';
import { type DiagSession, saveReading, sessionOverview } from './diagnostics.js';
import { ValidationError } from './errors.js';
import type { DiagnosticsRuntime } from './live.js';

/**
 * Reads the session's traction battery: the definition a recording's analysis found, else every
 * definition Atelier knows (the first BMS that answers). The report says where its figures come
 * from: the recording replayed, the simulated scenario, or the adapter of a real car.
 */
export async function readSessionBattery(
  store: Store,
  runtime: DiagnosticsRuntime,
  s: DiagSession,
): Promise<BatteryReport> {
  const o = await sessionOverview(store, s);
  const known = o.recording?.analysis.battery?.vehicle;
  const one = known ? batteryDefinition(known) : undefined;
  const title = o.scenario?.title ?? `#${s.id}`;
  const rec = o.recording;
  return runtime.readBattery(
    s.id,
    one ? [one] : batteryDefinitions(),
    title,
    (adapter): BatteryReportSource =>
      // A recorded scenario: the figures are the recording's, replayed through the session.
      rec
        ? {
            kind: 'recording',
            name: rec.name,
            origin: rec.analysis.origin ? 'atelier-simulator' : 'unknown',
            ...(rec.analysis.origin?.scenario ? { scenario: rec.analysis.origin.scenario } : {}),
            via: title,
          }
        : o.scenario?.source === 'sim'
          ? {
              ...adapter,
              kind: 'simulator',
              name: title,
              ...(o.scenario.sim_name ? { scenario: o.scenario.sim_name } : {}),
            }
          : adapter,
  );
}

/**
 * Before a guided diagnosis on a car with a traction battery: the battery read and kept with the
 * session (its figures become the session's battery facts), or, when no BMS Atelier knows answers,
 * that outcome kept as a reading with no figures and the reason — so the page says why the battery
 * signs stay unknown instead of leaving them blank.
 */
export async function readBatteryForGuided(
  store: Store,
  runtime: DiagnosticsRuntime,
  s: DiagSession,
  now: () => number,
): Promise<void> {
  try {
    await readSessionBattery(store, runtime, s);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const reason: Text = err.text;
    await saveReading(
      store,
      s.id,
      { kind: 'battery', ecu: '', item: 'none', value: { answers: 0, reason } },
      now(),
    );
  }
}
