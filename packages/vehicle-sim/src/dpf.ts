/**
 * The diesel particulate filter's soot: how fast it burns at a given exhaust temperature, and the
 * forced (stationary) regeneration the engine ECU runs when a scan tool asks for it (UDS routine
 * 0xF001). Physics only: nothing here knows about faults or the knowledge base.
 */

/**
 * Soot oxidation by oxygen, first order in the soot mass with an Arrhenius rate: an activation energy
 * of about 175 kJ/mol (E/R ≈ 21,000 K; published soot–O₂ values lie between 130 and 210 kJ/mol),
 * scaled so that at 600 °C a filter loses 1/600 of its soot per second — a loaded filter is clean in
 * about twenty minutes, the length of a forced regeneration in makers' procedures.
 */
const O2_E_OVER_R_K = 21_000;
const O2_REF_K = 873.15;
const O2_RATE_AT_REF_PER_S = 1 / 600;
/**
 * Passive (continuous) regeneration: NO₂ made by the oxidation catalyst burns soot from about 350 °C,
 * fully at motorway exhaust temperatures, at a rate that needs no post-injection.
 */
const NO2_FROM_C = 350;
const NO2_FULL_C = 450;
const NO2_RATE_PER_S = 0.6e-4;

/** Soot burnt, g/s, from a filter holding `sootG` at exhaust temperature `exhaustTempC`; ash (`block`) shields it. */
export function sootBurnGs(sootG: number, exhaustTempC: number, block: number): number {
  const tK = exhaustTempC + 273.15;
  const o2 = O2_RATE_AT_REF_PER_S * Math.exp(-O2_E_OVER_R_K * (1 / tK - 1 / O2_REF_K));
  const no2 =
    NO2_RATE_PER_S * Math.min(1, Math.max(0, (exhaustTempC - NO2_FROM_C) / (NO2_FULL_C - NO2_FROM_C)));
  return sootG * (o2 + no2) * (1 - block);
}

/**
 * The stationary regeneration's conditions and set points, as diesel makers' service procedures state
 * them: engine warm, vehicle stopped, idle raised while post-injection brings the filter to about
 * 600 °C, refused when the filter holds so much that burning it standing still would overheat the
 * substrate (it must then be removed and cleaned), ended on a time limit.
 */
export const FORCED_REGEN = {
  /** Raised idle while regenerating, rpm. */
  idleRpm: 1300,
  /** Exhaust temperature post-injection and the oxidation catalyst's exotherm aim for, °C. */
  targetC: 600,
  /** Coolant temperature below which the ECU refuses to start, °C. */
  minCoolantC: 60,
  /** The ECU's soot estimate above which it refuses a stationary regeneration, g. */
  maxSootG: 100,
  /** Soot estimate at which the regeneration is complete, g. */
  doneSootG: 12,
  /** Longest regeneration, s. */
  maxS: 35 * 60,
} as const;

/**
 * The regeneration the engine ECU runs by itself while driving (active regeneration): when its soot
 * estimate passes the level it asks for one at and the drive allows it — warm, fast enough, the
 * exhaust hot enough for the oxidation catalyst to burn post-injected fuel — for long enough, it
 * post-injects to bring the filter to the regeneration's temperature until the estimate is down to
 * the clean level. A stop (or the engine switched off) interrupts it; the request stays, and it starts
 * again on the next drive that allows it. Figures in the range makers' documents give for passenger-
 * car diesels (a request at about two-thirds of the load the warning comes at, 60 km/h or more).
 */
export const ACTIVE_REGEN = {
  /** Soot estimate at which the ECU asks for a regeneration, g (the warning, P2463, comes at 45 g). */
  requestSootG: 30,
  /** Soot estimate at which it is complete, g. */
  doneSootG: 12,
  minSpeedKmh: 60,
  minCoolantC: 70,
  /** Exhaust temperature from which the oxidation catalyst burns post-injected fuel, °C. */
  minExhaustC: 250,
  /** How long the conditions must hold before post-injection starts, s. */
  holdS: 60,
  /** Standing still this long (under 3 km/h) interrupts it, s. */
  stopS: 10,
  /** Longest one: a filter that does not read clean by then (ash, a sensor's offset) is left as it is, s. */
  maxS: 25 * 60,
} as const;

/** The ECU's active regeneration: whether it asks for one, runs one, and how the past ones ended. */
export interface ActiveRegen {
  requested: boolean;
  running: boolean;
  /** Seconds the conditions have held (before a start); seconds stood still (while running). */
  heldS: number;
  stoppedS: number;
  /** The current or last one: when it started and the estimate then, when it ended and how. */
  startedS?: number;
  sootAtStartG?: number;
  endedS?: number;
  ended?: 'done' | 'interrupted' | 'time_limit';
  completed: number;
  /** Ended before done: stopped, switched off or out of time (the request stays). */
  interrupted: number;
}

/**
 * The soot a filter holds as its pressure drop says it, g: the drop over the flow (hotter gas being
 * thinner) less the clean substrate's, in the ECU's calibration (`dpfDeltaKpa`'s inverse). The
 * sensor's offset goes in with the drop: an offset reads as soot.
 */
export function sootFromPressure(sensorKpa: number, exhaustGs: number, exhaustTempC: number): number {
  return (sensorKpa / (exhaustGs * (1 + (exhaustTempC - 20) / 600)) - 0.06) * 250;
}

export type RegenReason =
  | 'engine_off'
  | 'coolant_cold'
  | 'soot_too_high'
  | 'vehicle_moving'
  | 'stopped_by_tester'
  | 'time_limit';

/** Reason bytes of the routine's results record (0x31 03 F001, byte 2). */
export const REGEN_REASON_CODE: Record<RegenReason, number> = {
  engine_off: 0x01,
  coolant_cold: 0x02,
  soot_too_high: 0x03,
  vehicle_moving: 0x04,
  stopped_by_tester: 0x05,
  time_limit: 0x06,
};

/** Status bytes of the routine's results record (byte 1). */
export const REGEN_STATUS_CODE = { running: 0x01, done: 0x02, aborted: 0x03 } as const;

export type ForcedRegen =
  | { status: 'none' }
  | { status: 'running'; startedS: number; sootAtStartG: number }
  | { status: 'done'; startedS: number; endedS: number; sootAtStartG: number }
  | { status: 'aborted'; reason: RegenReason; startedS: number; endedS: number; sootAtStartG: number };

/** What the ECU sees when asked to start: why it refuses, or undefined when it may start. */
export function regenRefusal(car: {
  engineOn: boolean;
  speedKmh: number;
  coolantC: number;
  sootEstimateG: number;
}): RegenReason | undefined {
  if (!car.engineOn) return 'engine_off';
  if (car.speedKmh > 3) return 'vehicle_moving';
  if (car.coolantC < FORCED_REGEN.minCoolantC) return 'coolant_cold';
  if (car.sootEstimateG > FORCED_REGEN.maxSootG) return 'soot_too_high';
  return undefined;
}
