import type { Clock } from '@atelier/clock';
import { DisconnectedError, type ObdClient } from '@atelier/obd';
import { compareTrimsAtIdleAndLoad, type EngineControls } from './trim-comparison.js';

/** The readings `liveReading` measures through the diagnostic link, by name. */
export const LIVE_READINGS = [
  'trim_idle_minus_load',
  'running_voltage',
  'coolant_after_warmup',
  'downstream_switch_ratio',
  'misfire_count_max',
];

const firstValue = (readings: { value: unknown }[]): unknown => readings[0]?.value;

/**
 * Live-data readings the knowledge base's tests name, measured through the client as a technician
 * would: the running voltage (PID 42), the coolant temperature after fifteen minutes of running
 * (PID 05), how often the downstream O2 sensor switches compared with the upstream one (PIDs 14
 * and 15 sampled every 250 ms for 30 s), and the total fuel trim at idle minus at 2,500 rpm (PIDs
 * 06 + 07, which needs `controls` to hold the engine). Waits go through the clock, so `clock.run`
 * drives them in virtual time. Undefined for a reading this car cannot give (no controls, or a car
 * that cannot be held): the caller then checks the part itself.
 */
export async function liveReading(
  obd: ObdClient,
  clock: Clock,
  reading: string,
  controls?: EngineControls,
): Promise<number | undefined> {
  if (reading === 'trim_idle_minus_load') {
    if (!controls) return undefined;
    return (await compareTrimsAtIdleAndLoad(obd, clock, controls))?.differencePct;
  }
  if (reading === 'running_voltage') {
    const v = firstValue(await obd.readPid(0x42));
    return typeof v === 'number' ? v : undefined;
  }
  if (reading === 'coolant_after_warmup') {
    await clock.sleep(15 * 60_000);
    const v = firstValue(await obd.readPid(0x05));
    return typeof v === 'number' ? v : undefined;
  }
  if (reading === 'misfire_count_max') {
    // SAE J1979 service 06: MIDs A2–AD are the misfire monitor of cylinders 1–12; TID 0C counts the
    // misfires of the current (or last) driving cycle. The worst cylinder's count; an MID the
    // engine ECU does not support (fewer cylinders) is refused and skipped.
    let worst: number | undefined;
    for (let mid = 0xa2; mid <= 0xad; mid++) {
      let tests: Awaited<ReturnType<ObdClient['monitorTests']>>;
      try {
        tests = await obd.monitorTests(mid);
      } catch (err) {
        if (err instanceof DisconnectedError) throw err;
        continue;
      }
      for (const t of tests) if (t.tid === 0x0c) worst = Math.max(worst ?? 0, t.value);
    }
    return worst;
  }
  if (reading === 'downstream_switch_ratio') {
    let up = 0;
    let down = 0;
    let lastUp: boolean | undefined;
    let lastDown: boolean | undefined;
    for (let i = 0; i < 120; i++) {
      const r = await obd.readPids([0x14, 0x15]);
      const volts = (pid: number) =>
        (r.find((x) => x.pid === pid)?.value as { voltage?: number } | undefined)?.voltage;
      const u = volts(0x14);
      const d = volts(0x15);
      if (u === undefined || d === undefined) return undefined;
      if (lastUp !== undefined && u > 0.45 !== lastUp) up++;
      if (lastDown !== undefined && d > 0.45 !== lastDown) down++;
      lastUp = u > 0.45;
      lastDown = d > 0.45;
      await clock.sleep(250);
    }
    return up === 0 ? undefined : down / up;
  }
  return undefined;
}
