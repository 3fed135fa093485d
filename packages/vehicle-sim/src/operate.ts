import type { DrivePhase, PhaseKind } from './drive.js';
import type { VehicleModel } from './model.js';
import { WORKSHOP_CHARGER } from './parts.js';

/**
 * What a technician does to a car standing in the workshop during a session. `hold`: foot on the
 * throttle, engine held at `rpm` (the "2,500 rpm" tests). `idle`: foot off, back to idle. `start`:
 * start the engine (from key out or key on) and let it idle; on an EV or a hybrid, READY. `key_on`:
 * ignition on, engine stopped (stops a running engine). `key_off`: key out, every ECU asleep.
 * `road_test`: drive for `minutes` (town driving, or `motorway`), then stop and idle — the drive
 * cycle after a repair that lets the monitors run again before readiness is read.
 * `charge_battery`: key out, a workshop charger on the 12 V battery for up to `minutes` (it stops by
 * itself once the battery is full) — done before verifying a charging repair on a drained battery.
 */
export type Operation =
  | { action: 'hold'; rpm: number }
  | { action: 'idle' }
  | { action: 'start' }
  | { action: 'key_on' }
  | { action: 'key_off' }
  | { action: 'road_test'; minutes: number; road?: 'urban' | 'motorway' }
  | { action: 'charge_battery'; minutes: number; amps?: number };

export type OperationAction = Operation['action'];

export type OperationRefusal =
  /** The vehicle has no engine whose speed a pedal sets (EV), or its controller decides it (hybrid). */
  | 'no-engine-speed'
  /** A held engine speed outside what a workshop test asks of a stationary engine. */
  | 'rpm-out-of-range'
  /** Holding or idling needs the engine started first. */
  | 'engine-stopped'
  /** Starting an engine that already runs. */
  | 'engine-running'
  /** The car is moving: workshop operations are for a car standing still. */
  | 'moving'
  /** The time is before the simulated car's present: its past cannot change. */
  | 'in-the-past'
  /** A road test or a charge of no length, or longer than a workshop would take (ROAD_TEST_MAX_MIN, CHARGE_MAX_MIN). */
  | 'duration-out-of-range'
  /** A charger current no workshop charger gives. */
  | 'current-out-of-range';

export class OperationError extends Error {
  constructor(
    readonly code: OperationRefusal,
    readonly operation: Operation,
    message: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

/**
 * Highest held speed accepted. Stationary workshop tests (fuel trims, catalyst, charging) hold
 * 2,000–3,000 rpm; revving an unloaded engine higher tests nothing and many ECUs limit it in neutral.
 */
export const HOLD_RPM_MAX = 4000;

/** Longest road test accepted: a drive cycle that completes every monitor takes well under an hour. */
export const ROAD_TEST_MAX_MIN = 120;

/** Longest battery charge accepted: overnight (a flat 80 Ah battery at 15 A needs about six hours). */
export const CHARGE_MAX_MIN = 720;

const RUNNING: PhaseKind[] = ['idle', 'hold', 'urban', 'motorway'];

/**
 * The drive phase an operation stands for, on this model at simulated time `t` (the model already
 * advanced there), or an OperationError saying why the car cannot do it. Whether the engine runs is
 * read from what the driver was doing (the schedule), not from the physics, so that an operation
 * right after a start, while the engine still cranks, is judged the same way at any step phase.
 */
export function phaseForOperation(model: VehicleModel, t: number, op: Operation): DrivePhase | DrivePhase[] {
  const engine = model.profile.engine;
  const refuse = (code: OperationRefusal, message: string) => new OperationError(code, op, message);
  const started = RUNNING.includes(model.schedule.at(t).phase.phase);
  if (model.speedKmh > 0)
    throw refuse('moving', `the car is moving at ${model.speedKmh.toFixed(0)} km/h: stop it first`);
  switch (op.action) {
    case 'hold': {
      if (engine.kind === 'none')
        throw refuse('no-engine-speed', 'an electric vehicle has no engine speed to hold');
      if (model.profile.traction)
        throw refuse(
          'no-engine-speed',
          "a hybrid's controller starts and stops the engine: holding a speed needs the maker's maintenance mode",
        );
      if (!Number.isFinite(op.rpm) || op.rpm < engine.idleRpm || op.rpm > HOLD_RPM_MAX)
        throw refuse(
          'rpm-out-of-range',
          `cannot hold ${op.rpm} rpm: a stationary engine is held between idle (${engine.idleRpm}) and ${HOLD_RPM_MAX} rpm`,
        );
      if (!started) throw refuse('engine-stopped', 'the engine is stopped: start it first');
      return { phase: 'hold', rpm: op.rpm };
    }
    case 'idle':
      if (!started) throw refuse('engine-stopped', 'the engine is stopped: start it first');
      return { phase: 'idle' };
    case 'start':
      if (started) throw refuse('engine-running', 'the engine has already been started');
      return { phase: 'idle' };
    case 'key_on':
      return { phase: 'key_on' };
    case 'key_off':
      return { phase: 'off' };
    case 'road_test':
      if (!Number.isFinite(op.minutes) || op.minutes <= 0 || op.minutes > ROAD_TEST_MAX_MIN)
        throw refuse(
          'duration-out-of-range',
          `a road test lasts more than 0 and at most ${ROAD_TEST_MAX_MIN} minutes, not ${op.minutes}`,
        );
      if (!started) throw refuse('engine-stopped', 'the engine is stopped: start it first');
      return [{ phase: op.road ?? 'urban', duration: op.minutes * 60 }, { phase: 'idle' }];
    case 'charge_battery': {
      if (!Number.isFinite(op.minutes) || op.minutes <= 0 || op.minutes > CHARGE_MAX_MIN)
        throw refuse(
          'duration-out-of-range',
          `a battery charge lasts more than 0 and at most ${CHARGE_MAX_MIN} minutes, not ${op.minutes}`,
        );
      const amps = op.amps ?? WORKSHOP_CHARGER.amps;
      if (!Number.isFinite(amps) || amps <= 0 || amps > 50)
        throw refuse(
          'current-out-of-range',
          `a workshop charger gives more than 0 and at most 50 A, not ${amps}`,
        );
      // A charger goes on a car with the key out: a running engine charges by itself, and the
      // ECUs must not see the charger's voltage as a charging fault.
      if (started)
        throw refuse('engine-running', 'the engine runs: switch it off before connecting the charger');
      return [{ phase: 'off', duration: op.minutes * 60, chargerA: amps }, { phase: 'off' }];
    }
  }
}
