/**
 * What a guided diagnosis starts from, rebuilt from what the session stored as it read the car:
 * codes per memory, the readiness of the engine ECU, the freeze frame and the latest live values.
 * A reading that was not made (or failed) leaves its field out, so it gives no evidence either way.
 */
import {
  engineReadiness,
  type FreezeFrameFacts,
  type ReadinessFacts,
  type SessionFacts,
} from '@atelier/diagnosis';
import { PIDS } from '@atelier/obd';
import type { Sample, StoredReading } from './diagnostics.js';

type Memory = 'stored' | 'pending' | 'permanent';
const MEMORIES: Memory[] = ['stored', 'pending', 'permanent'];

/** Monitor names this dashboard stored before it used the names of @atelier/obd. */
const LEGACY_MONITOR: Record<string, string> = {
  egrSystem: 'egrVvt',
  egrVvtSystem: 'egrVvt',
  noxAftertreatment: 'noxScr',
};
export const monitorKey = (name: string): string => LEGACY_MONITOR[name] ?? name;

function numbersOf(key: string, value: unknown, into: Record<string, number>): void {
  if (typeof value === 'number') into[key] = value;
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (typeof v === 'number') into[`${key}.${k}`] = v;
}

/** Latest readings (as `latestReadings` gives them) and live samples → the facts of a session. */
export function factsFromReadings(
  readings: StoredReading[],
  samples: Sample[],
  base: Pick<SessionFacts, 'vehicle' | 'complaint'>,
): SessionFacts {
  const dtcMemories: Record<string, Memory[]> = {};
  let readCodes = false;
  for (const r of readings) {
    if (r.kind !== 'dtcs' || !MEMORIES.includes(r.item as Memory)) continue;
    readCodes = true;
    for (const code of r.value as string[]) {
      dtcMemories[code] ??= [];
      if (!dtcMemories[code].includes(r.item as Memory)) dtcMemories[code].push(r.item as Memory);
    }
  }
  const facts: SessionFacts = { vehicle: base.vehicle, dtcs: Object.keys(dtcMemories).sort() };
  if (readCodes) facts.dtcMemories = dtcMemories;
  if (base.complaint) facts.complaint = base.complaint;

  const readiness = engineReadiness(
    readings
      .filter((r) => r.kind === 'readiness')
      .map((r) => {
        const v = r.value as ReadinessFacts;
        const monitors: ReadinessFacts['monitors'] = {};
        for (const [name, state] of Object.entries(v.monitors)) monitors[monitorKey(name)] = state;
        return { mil: v.mil, monitors };
      }),
  );
  if (readiness) facts.readiness = readiness;

  const frozenBy = readings.find((r) => r.kind === 'freeze' && r.item === 'dtc');
  if (frozenBy) {
    const frame: FreezeFrameFacts = { dtc: frozenBy.value as string, values: {} };
    for (const r of readings) {
      if (r.kind !== 'freeze' || r.ecu !== frozenBy.ecu || r.item === 'dtc') continue;
      const def = PIDS.get(Number.parseInt(r.item, 16));
      if (def) numbersOf(def.key, r.value, frame.values);
    }
    facts.freezeFrame = frame;
  }

  // Live data: the latest value of each PID sampled (samples come oldest first).
  if (samples.length) {
    const live: Record<string, number> = {};
    for (const s of samples) {
      const def = PIDS.get(Number.parseInt(s.pid, 16));
      // a sample carries one number: a multi-value PID's fields cannot be told apart
      if (def && def.fields.length === 1) live[def.key] = s.value;
    }
    if (Object.keys(live).length) facts.live = live;
  }
  return facts;
}
