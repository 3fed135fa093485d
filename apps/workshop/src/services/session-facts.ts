/**
 * What a guided diagnosis starts from, rebuilt from what the session stored as it read the car: the
 * stored readings turn back into the scan's items and @atelier/diagnosis makes the facts from them,
 * exactly as it does for the command line. The live values sampled since the reading (latest last)
 * update its live snapshot. A reading that was not made (or failed) leaves its field out, so it
 * gives no evidence either way.
 */
import { factsFromScan, type Localized, type SessionFacts } from '@atelier/diagnosis';
import { PIDS } from '@atelier/obd';
import type { Sample, StoredReading } from './diagnostics.js';
import { scanItemsOf } from './vehicle-read.js';

export { monitorKey } from './vehicle-read.js';

/** Latest readings (as `latestReadings` gives them) and live samples → the facts of a session. */
export function factsFromReadings(
  readings: StoredReading[],
  samples: Sample[],
  base: Pick<SessionFacts, 'vehicle' | 'complaint'>,
): SessionFacts {
  const facts = factsFromScan(scanItemsOf(readings), base);
  const live: Record<string, number> = { ...facts.live };
  for (const s of samples) {
    const def = PIDS.get(Number.parseInt(s.pid, 16));
    // a sample carries one number: a multi-value PID's fields cannot be told apart
    if (def && def.fields.length === 1) live[def.key] = s.value;
  }
  if (Object.keys(live).length) {
    facts.live = live;
    // Values sampled live are values read, whatever the snapshot's status was.
    if (facts.read) facts.read.live = 'read';
  }
  Object.assign(facts, batteryOf(readings));
  return facts;
}

/** What a battery reading stores (`DiagnosticsRuntime.readBattery`, or a read no known BMS answered). */
interface BatteryReadingValue {
  answers: number;
  session?: Pick<SessionFacts, 'battery' | 'batteryRead'>;
  reason?: Localized;
}

/**
 * The session's battery facts from its latest battery read (@atelier/training's `sessionBatteryOf`
 * made them when it was read), or why nothing was read (no known BMS answered). Reads stored before
 * these were kept give nothing: their signs stay unknown, never guessed.
 */
function batteryOf(readings: StoredReading[]): Pick<SessionFacts, 'battery' | 'batteryRead'> {
  const v = readings.filter((r) => r.kind === 'battery').at(-1)?.value as BatteryReadingValue | undefined;
  if (v?.session) return v.session;
  if (v?.reason) return { batteryRead: { read: false, text: v.reason } };
  return {};
}
