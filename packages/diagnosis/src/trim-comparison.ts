import type { Clock } from '@atelier/clock';
import type { ObdClient, PidReading } from '@atelier/obd';

/**
 * Hands on the car for a live-data test that needs the engine somewhere else than where it is: what
 * a technician does with the throttle of a stationary car. Both resolve once the car has been told,
 * not once the engine got there: the reader watches the engine speed itself.
 */
export interface EngineControls {
  /** Holds the engine at `rpm`. Rejects with EngineControlError when this car cannot. */
  holdRpm(rpm: number): Promise<void>;
  /** Releases the throttle: back to idle. */
  idle(): Promise<void>;
}

/** The car cannot do what the controls were asked (an EV has no engine speed, a hybrid decides it). */
export class EngineControlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineControlError';
  }
}

/** Total fuel trim (STFT + LTFT, bank 1) at idle and held at load, in %. */
export interface TrimComparison {
  idlePct: number;
  loadPct: number;
  /** Idle minus load: large and positive when unmetered air is diluted away by the flow at load. */
  differencePct: number;
}

/** The workshop procedure, in numbers. */
export const TRIM_COMPARISON = {
  holdRpm: 2500,
  /** Engine speed counts as held within this band. */
  toleranceRpm: 150,
  /** Give up when the engine is not held within this time. */
  reachTimeoutMs: 15_000,
  /** After the speed is reached, the short-term trim needs a few seconds to settle at the new load. */
  settleMs: 5_000,
  /** Trims are averaged over this time: the short-term trim oscillates around its mean (limit cycle). */
  averageMs: 10_000,
  sampleEveryMs: 500,
  /** Above this the engine is not idling, and the "idle" trims would not be idle trims. */
  maxIdleRpm: 1200,
};

/**
 * Compares the fuel trims at idle and held at 2,500 rpm, as a technician does: warm engine idling,
 * STFT + LTFT of bank 1 (PIDs 06 + 07) averaged over ten seconds, engine held and stabilised, the
 * same average again, then back to idle. Undefined when the engine is not idling, no ECU gives both
 * trims in one answer, the car cannot be held, or the engine speed never settles: the reading then
 * says nothing. Link errors are thrown, never taken for a reading.
 */
export async function compareTrimsAtIdleAndLoad(
  obd: ObdClient,
  clock: Clock,
  controls: EngineControls,
): Promise<TrimComparison | undefined> {
  const p = TRIM_COMPARISON;
  const rpm = await engineSpeed(obd);
  if (rpm === undefined || rpm < 300 || rpm > p.maxIdleRpm) return undefined;
  const idlePct = await averageTotalTrim(obd, clock);
  if (idlePct === undefined) return undefined;
  try {
    await controls.holdRpm(p.holdRpm);
  } catch (err) {
    if (err instanceof EngineControlError) return undefined;
    throw err;
  }
  try {
    if (!(await reachSpeed(obd, clock, p.holdRpm))) return undefined;
    await clock.sleep(p.settleMs);
    const loadPct = await averageTotalTrim(obd, clock);
    if (loadPct === undefined) return undefined;
    return { idlePct, loadPct, differencePct: idlePct - loadPct };
  } finally {
    await controls.idle();
  }
}

async function engineSpeed(obd: ObdClient): Promise<number | undefined> {
  const v = (await obd.readPid(0x0c)).find((r) => r.pid === 0x0c)?.value;
  return typeof v === 'number' ? v : undefined;
}

/** Polls the engine speed until it is within the tolerance of `rpm`; false on timeout. */
async function reachSpeed(obd: ObdClient, clock: Clock, rpm: number): Promise<boolean> {
  const p = TRIM_COMPARISON;
  const deadline = clock.now() + p.reachTimeoutMs;
  while (clock.now() <= deadline) {
    const now = await engineSpeed(obd);
    if (now !== undefined && Math.abs(now - rpm) <= p.toleranceRpm) return true;
    await clock.sleep(250);
  }
  return false;
}

/** STFT + LTFT of bank 1, averaged over the sampling window; undefined if the ECU does not give both. */
async function averageTotalTrim(obd: ObdClient, clock: Clock): Promise<number | undefined> {
  const p = TRIM_COMPARISON;
  let sum = 0;
  const n = Math.round(p.averageMs / p.sampleEveryMs);
  for (let i = 0; i < n; i++) {
    const total = totalTrim(await obd.readPids([0x06, 0x07]));
    if (total === undefined) return undefined;
    sum += total;
    await clock.sleep(p.sampleEveryMs);
  }
  return sum / n;
}

/** Both trims from the same ECU: the first one that answered both. */
function totalTrim(readings: PidReading[]): number | undefined {
  for (const r of readings) {
    if (r.pid !== 0x06 || typeof r.value !== 'number') continue;
    const long = readings.find((x) => x.ecu === r.ecu && x.pid === 0x07)?.value;
    if (typeof long === 'number') return r.value + long;
  }
  return undefined;
}
