/**
 * The physical parts of a simulated car that a workshop instrument can reach: their nominal values
 * (from automotive references, cited per constant; the README's instrument table lists them) and
 * the laws that give a reading from a part's state. The model (signals the ECUs see) and the
 * instruments (what a technician measures) both read these, so the car a scan tool reads and the
 * car a multimeter measures are the same car.
 */
import type { VehicleProfile } from './profiles.js';

/** Copper's temperature coefficient of resistance, 1/K (IEC 60028: 0.00393 at 20 °C). */
export const COPPER_ALPHA = 0.00393;

/** A copper winding's resistance at `tempC` from its value at 20 °C. */
export function copperOhm(ohmAt20: number, tempC: number): number {
  return ohmAt20 * (1 + COPPER_ALPHA * (tempC - 20));
}

/**
 * Engine coolant temperature sensor: an NTC thermistor, 2.5 kΩ at 20 °C and 322 Ω at 80 °C (Bosch
 * M12 coolant sensor 0 280 130 026 data sheet), which gives β ≈ 3,536 K.
 */
export const ECT_NTC = { ohmAt20: 2500, ohmAt80: 322 } as const;
const ECT_BETA = Math.log(ECT_NTC.ohmAt20 / ECT_NTC.ohmAt80) / (1 / 293.15 - 1 / 353.15);

export function ntcOhm(tempC: number): number {
  return ECT_NTC.ohmAt20 * Math.exp(ECT_BETA * (1 / (tempC + 273.15) - 1 / 293.15));
}

/** The temperature an NTC of the ECT curve reads for a resistance (the ECU's conversion). */
export function ntcTempC(ohm: number): number {
  return 1 / (1 / 293.15 + Math.log(ohm / ECT_NTC.ohmAt20) / ECT_BETA) - 273.15;
}

/** The ECU's pull-up on the ECT signal line (5 V reference through 2.49 kΩ, a common value). */
export const ECT_PULLUP_OHM = 2490;
export const SENSOR_REF_V = 5;

/** Ignition coil (pencil coil): primary 0.4–1 Ω, secondary 6–15 kΩ at 20 °C (Bosch / Beru coil data). */
export const COIL = { primaryOhm: 0.65, secondaryKohm: 8.5 } as const;

/** Spark plug electrode gap of a new plug, mm (0.8–1.1 mm on modern petrol engines; 0.9 mm here). */
export const PLUG_GAP_MM = 0.9;

/**
 * Compression while cranking, bar: 10–14 bar for a healthy petrol engine (compression ratio 10–11),
 * 25–35 bar for a diesel (workshop manuals; Bosch Automotive Handbook, "Engine testing").
 */
export function nominalCompressionBar(p: VehicleProfile): number {
  return p.engine.kind === 'compression' ? 29 : 12.5;
}

/** Leak-down of a healthy cylinder, % (under 10 % is good; 10–20 % worn; beyond 30 % a fault). */
export const HEALTHY_LEAKDOWN_PCT = 5;

/**
 * Fuel rail of a multipoint petrol injection, returnless: regulated at 3.5 bar (3–4 bar; Bosch
 * Gasoline Engine Management). The pump's dead-head pressure (≈ 6 bar) falls with wear; what it
 * can deliver drops with flow (`PUMP_DROOP_BAR_PER_LH`).
 */
export const FUEL_RAIL = { regulatedBar: 3.5, deadheadBar: 6, holdAfter5MinBar: 3.3 } as const;
export const PUMP_DROOP_BAR_PER_LH = 0.1;
/** Fuel pump delivery into a measuring jug with the pump bridged, l/min (≈ 90 l/h for a small car). */
export const PUMP_DELIVERY_LPM = 1.5;
/** Petrol density, g/l (EN 228: 720–775 kg/m³). */
export const PETROL_G_PER_L = 745;

/**
 * Fuel pressure the pump holds at a fuel flow (l/h): the regulator caps it; a worn pump droops
 * below. Wear 1 is a dead pump. `regulatorHigh` raises the regulated pressure (a regulator that
 * stays shut).
 */
export function railPressureBar(flowLh: number, pumpWear: number, regulatorHigh: number): number {
  const deadhead = FUEL_RAIL.deadheadBar * (1 - pumpWear ** 1.5);
  const regulated = FUEL_RAIL.regulatedBar * (1 + 0.6 * regulatorHigh);
  return Math.max(0, Math.min(regulated, deadhead - PUMP_DROOP_BAR_PER_LH * flowLh));
}

/** Fuel flow of an engine burning air at stoichiometry, l/h. */
export function fuelFlowLh(airGs: number): number {
  return ((airGs / 14.7) * 3600) / PETROL_G_PER_L;
}

/** Injector coil resistance, Ω: high-impedance petrol injector 12–16 Ω (Bosch EV14: 12 Ω); diesel solenoid injector 0.2–0.6 Ω. */
export function injectorOhm(p: VehicleProfile): number {
  return p.engine.kind === 'compression' ? 0.4 : 12.4;
}
/** Rail pressure drop when one injector is pulsed 500 ms with the pump stopped (balance test), kPa. */
export const INJECTOR_BALANCE_DROP_KPA = 60;
/** Diesel injector back-leakage (leak-off) at idle, ml/min (a healthy CR injector returns a few ml). */
export const DIESEL_LEAKOFF_ML_MIN = 2.5;

/** Upstream O2 sensor (narrow band): the lambda → voltage law and its heater, 6 Ω at 20 °C (2–14 Ω typical). */
export const O2_HEATER_OHM = 6;
/** Time constant of a healthy zirconia sensor at operating temperature, s. */
export const O2_TAU_S = 0.05;

/** EGR valve DC motor winding, Ω (3–15 Ω on electric EGR valves); harness adds a few tenths. */
export const EGR_MOTOR_OHM = 8;
export const HARNESS_OHM = 0.3;

/** Canister purge solenoid, Ω (typically 22–30 Ω). */
export const PURGE_VALVE_OHM = 26;

/**
 * DPF differential pressure sensor: 0.5 V at 0 kPa, 0.04 V/kPa (0–100 kPa → 0.5–4.5 V, Bosch DP
 * sensors). Its offset drift is what a faulty sensor shows engine off.
 */
export const DP_SENSOR = { zeroV: 0.5, vPerKpa: 0.04 } as const;

/** Cooling system pressure test: pumped to 1.2 bar cold; a sealed system holds it for 10 min. */
export const COOLING_TEST_BAR = 1.2;

/** 12 V battery per profile: EN cold cranking amps and capacity. */
export function battery12(p: VehicleProfile): { ah: number; cca: number } {
  if (p.traction) return { ah: 45, cca: 330 };
  if (p.engine.kind === 'compression') return { ah: 70, cca: 640 };
  return p.engine.cylinders > 4 ? { ah: 80, cca: 700 } : { ah: 50, cca: 450 };
}

/** Battery open-circuit voltage from its state of charge (12.65 V full, ≈ 11.9 V flat; BCI tables). */
export function batteryOcv(soc: number, health: number): number {
  return 11.75 + 0.95 * Math.min(soc, 0.4 + 0.6 * health);
}

/**
 * Internal resistance of the 12 V battery, Ω: 12 mΩ for a new 450 A (EN) battery, less for a bigger
 * one (in inverse proportion to its cold cranking amps), rising as sulphation takes its plates.
 */
export function batteryRint(p: VehicleProfile, health: number): number {
  return (0.012 * (450 / battery12(p).cca)) / Math.max(0.15, health);
}

/** Starter current while cranking a healthy engine, A (≈ 150 A for a 1.0–1.4 l petrol, 250 A for a diesel). */
export function crankingCurrentA(p: VehicleProfile): number {
  return p.engine.kind === 'compression' ? 250 : p.engine.displacementL > 2 ? 200 : 160;
}

/** Below this cranking voltage the ECU and the ignition drop out: no start (ECUs need ≈ 6–8 V while cranking). */
export const MIN_CRANK_V = 6.5;
/** An electric or hybrid system's contactors need this much 12 V to close for READY. */
export const MIN_READY_12V = 9.5;

/**
 * Alternator: rated current, pulley ratio and output against alternator speed (output starts at
 * ≈ 1,000 alternator rpm and reaches its rating by ≈ 6,000; Bosch alternator curves).
 */
export const ALTERNATOR = { pulleyRatio: 2.7, cutInRpm: 1000, spanRpm: 1500, regulatorV: 14.3 } as const;
export function alternatorRatedA(p: VehicleProfile): number {
  return p.engine.kind === 'compression' || p.engine.cylinders > 4 ? 150 : 110;
}
export function alternatorCapacityA(p: VehicleProfile, engineRpm: number): number {
  const altRpm = engineRpm * ALTERNATOR.pulleyRatio;
  if (altRpm <= ALTERNATOR.cutInRpm) return 0;
  return alternatorRatedA(p) * (1 - Math.exp(-(altRpm - ALTERNATOR.cutInRpm) / ALTERNATOR.spanRpm));
}
/** DC-DC converter of a hybrid or EV (the 12 V supply when READY), A. */
export const DCDC_RATED_A = 120;

/** Electrical loads, A: what a running car draws (ignition, injection, pump, fan, ECUs); the test load a technician switches on (headlights, blower, rear demister). */
export const RUNNING_LOAD_A = 45;
export const TEST_LOAD_A = 35;
/** Wiring of a healthy charging circuit (alternator B+ to battery +, and the ground return), Ω. */
export const CHARGING_WIRE_OHM = 0.002;

/**
 * How hard a lead-acid battery takes charge, Ω between the charging voltage and its open-circuit
 * voltage: a flat battery takes all it is given, a full one a trickle (its acceptance falls as it
 * fills) — so the same alternator reads a lower voltage on a drained battery than on a charged one.
 * Sulphated plates (`health` below 1) take less at any state of charge.
 */
export function chargeAcceptanceOhm(soc: number, health = 1): number {
  return 0.05 / Math.max(0.05, 1 - soc) / Math.max(0.15, health);
}

/**
 * A workshop battery charger (IU curve, as EN 60335-2-29 smart chargers do): up to `amps` until the
 * battery reaches `absorptionV`, then that voltage held while the current falls; it ends (and
 * says "charged") when the battery takes less than `doneA`. 15 A suits the 45–80 Ah batteries here.
 */
export const WORKSHOP_CHARGER = { amps: 15, absorptionV: 14.4, doneA: 2 } as const;

/** What a charger gives the battery now, A, and the terminal voltage it reads. */
export function chargerPoint(input: { amps: number; soc: number; ocv: number; health: number }): {
  batteryA: number;
  batteryV: number;
} {
  const r = chargeAcceptanceOhm(input.soc, input.health);
  const batteryA = Math.max(0, Math.min(input.amps, (WORKSHOP_CHARGER.absorptionV - input.ocv) / r));
  return { batteryA, batteryV: input.ocv + batteryA * r };
}

/**
 * The 12 V system's operating point with a charging source: what the battery terminals read, the
 * current the source gives and what goes into the battery. The regulator holds its set point at the
 * alternator; wiring resistance drops some before the battery; a full battery accepts little.
 */
export function chargingPoint(input: {
  availableA: number;
  loadA: number;
  soc: number;
  ocv: number;
  wireOhm: number;
}): { batteryV: number; sourceA: number; batteryA: number } {
  const { availableA, loadA, ocv, wireOhm } = input;
  const rCharge = chargeAcceptanceOhm(input.soc);
  const reg = ALTERNATOR.regulatorV;
  // Regulated: the source gives the load and what the battery accepts at the regulated voltage.
  const wanted = (loadA + Math.max(0, reg - ocv) / rCharge) / (1 + wireOhm / rCharge);
  if (wanted <= availableA) {
    const batteryV = reg - wanted * wireOhm;
    return { batteryV, sourceA: wanted, batteryA: wanted - loadA };
  }
  // The source cannot keep up: it gives all it has; the battery makes up the rest (or takes the surplus).
  const net = availableA - loadA;
  const batteryV =
    net > 0 ? Math.min(reg - availableA * wireOhm, ocv + net * rCharge) : ocv - 0.35 + net * 0.004;
  return { batteryV, sourceA: availableA, batteryA: net };
}

/** Tone ring / magnetic encoder pulses per wheel revolution (48 is common on ABS encoders). */
export const TONE_RING_TEETH = 48;
/** Active wheel-speed sensor current levels, mA (7 and 14 mA: Bosch DF11 data). */
export const WSS_CURRENT_MA = { low: 7, high: 14 } as const;

/** CAN high-speed bus: two 120 Ω terminators, 60 Ω between pins 6 and 14 of the OBD socket (ISO 11898-2). */
export const CAN_TERMINATOR_OHM = 120;

/** HV insulation of a healthy component at 500 V test voltage, MΩ (beyond 500 MΩ typically); the tester reads up to 2,000. */
export const HV_INSULATION_MOHM = 1200;
export const INSULATION_TESTER_MAX_MOHM = 2000;

/** Accessory belt static tension, N (new poly-V belts 400–550 N on small engines). */
export const BELT_TENSION_N = 450;

/**
 * A stable, seeded spread for one part of one car (manufacturing tolerance): the same car and part
 * always give the same offset, without drawing from any noise stream. Roughly normal, sd `sd`.
 */
export function partSpread(seed: number, key: string, sd: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  let sum = 0;
  for (let k = 0; k < 4; k++) {
    h = (h + 0x6d2b79f5) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 15), z | 1) >>> 0;
    z = (z ^ (z + Math.imul(z ^ (z >>> 7), z | 61))) >>> 0;
    sum += ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
  return (sum - 2) * sd * Math.sqrt(3);
}

/** A uniform number in [0, 1) from a seed and integers: stateless, for seeded episodes in time. */
export function hashUnit(seed: number, a: number, b: number): number {
  let h = (seed ^ Math.imul(a + 1, 0x85ebca6b) ^ Math.imul(b + 7, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
