/**
 * A workshop test measured on a simulated car: each of the test's measurements that applies to the
 * vehicle, by the named instrument on the named part (every cylinder, wheel or ECU in turn when the
 * test says `each`), in the stated conditions, through `Vehicle.measure` — the car's physics answer.
 * This gives values only: reading them good or bad is the knowledge base's job
 * (`interpretMeasurements`), and nothing here looks at a test's sensitivities nor at the car's faults.
 */
import type {
  Localized,
  MeasuredReading,
  MeasurementSpec,
  VehicleType,
  WorkshopTest,
} from '@atelier/diagnosis';
import { measurementsFor } from '@atelier/diagnosis';
import {
  type ComponentRef,
  type EngineState,
  type MeasureConditions,
  type Measurement,
  MeasurementError,
  type Vehicle,
  WHEELS,
} from '@atelier/vehicle-sim';

/** A measurement the car refused, and why (no such part on this car, a state it cannot reach…). */
export interface RefusedMeasurement {
  spec: number;
  index?: string | number;
  code: string;
  message: string;
}

/** The parts a measurement is made on in turn: every cylinder, wheel or ECU of this car. */
function indicesOf(vehicle: Vehicle, spec: MeasurementSpec): (string | number | undefined)[] {
  if (spec.each === 'cylinder')
    return Array.from({ length: vehicle.profile.engine.cylinders }, (_, i) => i + 1);
  if (spec.each === 'wheel') return [...WHEELS];
  if (spec.each === 'ecu') return vehicle.profile.ecus.map((e) => e.role);
  return [undefined];
}

function componentRef(spec: MeasurementSpec, index: string | number | undefined): ComponentRef {
  const ref = { id: spec.component, ...spec.at } as ComponentRef & Record<string, unknown>;
  if (spec.each === 'cylinder') ref.cylinder = index as number;
  if (spec.each === 'wheel') ref.wheel = index as ComponentRef['wheel'];
  if (spec.each === 'ecu') ref.ecu = index as ComponentRef['ecu'];
  return ref;
}

function conditionsOf(spec: MeasurementSpec): MeasureConditions {
  const c: MeasureConditions = {};
  const k = spec.conditions;
  if (typeof k.engine === 'string') c.engine = k.engine as EngineState;
  if (typeof k.coolantC === 'number') c.coolantC = k.coolantC;
  if (k.loads === 'on' || k.loads === 'off') c.loads = k.loads;
  if (typeof k.commandPct === 'number') c.commandPct = k.commandPct;
  if (typeof k.wiggle === 'boolean') c.wiggle = k.wiggle;
  return c;
}

const readingOf = (spec: number, index: string | number | undefined, m: Measurement): MeasuredReading => ({
  spec,
  ...(index !== undefined ? { index } : {}),
  value: m.value,
  unit: m.unit,
  ...(m.noiseSd !== undefined ? { noiseSd: m.noiseSd } : {}),
  conditions: { ...m.conditions },
  ...(m.temperatureC !== undefined ? { temperatureC: m.temperatureC } : {}),
  ...(m.location ? { location: { fr: m.location.fr, en: m.location.en } } : {}),
  source: 'simulated',
});

/**
 * Measures a test's instrument measurements on the car at `nowMs` (live readings through the
 * diagnostic link are the caller's: they need the link and the clock). Returns the readings, and the
 * measurements the car refused with why.
 */
export function measureOnCar(
  vehicle: Vehicle,
  test: WorkshopTest,
  vehicleType: VehicleType,
  nowMs: number,
): { readings: MeasuredReading[]; refused: RefusedMeasurement[] } {
  const readings: MeasuredReading[] = [];
  const refused: RefusedMeasurement[] = [];
  for (const { spec, index: specIndex } of measurementsFor(test, vehicleType)) {
    if (spec.live || !spec.instrument || !spec.quantity) continue;
    for (const index of indicesOf(vehicle, spec)) {
      const request = (quantity: string) => ({
        instrument: spec.instrument as Measurement['instrument'],
        component: componentRef(spec, index),
        quantity,
        conditions: conditionsOf(spec),
      });
      try {
        const m = vehicle.measure(nowMs, request(spec.quantity));
        if (spec.minus) {
          const base = vehicle.measure(nowMs, request(spec.minus));
          if (typeof m.value !== 'number' || typeof base.value !== 'number') continue;
          readings.push({
            ...readingOf(specIndex, index, m),
            value: Math.round((m.value - base.value) * 100) / 100,
            noiseSd: Math.hypot(m.noiseSd ?? 0, base.noiseSd ?? 0),
          });
        } else readings.push(readingOf(specIndex, index, m));
      } catch (err) {
        if (!(err instanceof MeasurementError)) throw err;
        refused.push({
          spec: specIndex,
          ...(index !== undefined ? { index } : {}),
          code: err.code,
          message: err.message,
        });
      }
    }
  }
  return { readings, refused };
}

/** Why a test could not be measured on this car, in words, from the car's refusals. */
export function refusalText(test: WorkshopTest, refused: readonly RefusedMeasurement[]): Localized {
  if (!test.measure.length)
    return { fr: 'contrôle fait à la main, sans mesure', en: 'a check by hand, with nothing to measure' };
  if (!refused.length)
    return {
      fr: 'aucune mesure de ce test pour ce véhicule',
      en: 'no measurement of this test for this car',
    };
  const codes = [...new Set(refused.map((r) => r.code))];
  const words: Record<string, Localized> = {
    'not-on-this-vehicle': { fr: 'pièce absente sur ce véhicule', en: 'no such part on this car' },
    'condition-unreachable': { fr: 'état impossible à atteindre', en: 'a state the car cannot reach' },
    'condition-not-allowed': { fr: 'conditions refusées', en: 'conditions refused' },
    'bad-index': { fr: 'pièce introuvable', en: 'part not found' },
  };
  return {
    fr: codes.map((c) => words[c]?.fr ?? c).join(', '),
    en: codes.map((c) => words[c]?.en ?? c).join(', '),
  };
}
