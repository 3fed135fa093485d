import { CHARGE_MAX_MIN } from './operate.js';
import type { Vehicle } from './vehicle.js';

/** What a workshop charger's display says of its charge (`Vehicle.batteryCharge`). */
export interface BatteryChargeReport {
  /** It ended by itself: the battery takes less than `WORKSHOP_CHARGER.doneA`. */
  done: boolean;
  /** Charge given, Ah. */
  ah: number;
  /** Current now, A. */
  amps: number;
  minutes: number;
  /** The battery's terminal voltage at the end. */
  batteryV: number;
}

/**
 * The battery charged as a technician charges it: key out, the workshop charger on, looked at every
 * quarter of an hour until its display says the charge has ended (overnight at most), then the
 * ignition on again so that the ECUs answer. `now` reads the car's clock, `wait(ms)` lets that much
 * of the car's time pass (a virtual clock, or a fast-forward). Throws an OperationError, leaving the
 * car as it was, when it cannot be done.
 */
export async function chargeBatteryFully(
  vehicle: Vehicle,
  now: () => number,
  wait: (ms: number) => Promise<void> | void,
): Promise<BatteryChargeReport> {
  vehicle.operate(now(), { action: 'key_off' });
  await wait(60_000);
  vehicle.chargeBattery(now(), { minutes: CHARGE_MAX_MIN });
  for (let looked = 0; looked < CHARGE_MAX_MIN; looked += 15) {
    await wait(15 * 60_000);
    if (vehicle.batteryCharge(now())?.done) break;
  }
  const report = vehicle.batteryCharge(now())!;
  vehicle.operate(now(), { action: 'key_on' });
  await wait(5_000);
  return report;
}
