/**
 * The scenarios the knowledge base's signs and measurements were written and checked against (the
 * 18 single-fault scenarios before issue 17), shared by the diagnosis-on-the-car regression guards
 * (tests/diagnosis-sim.test.ts, tests/diagnosis-signs.test.ts). The apprentice answers from the car,
 * measured, and a session may end "no cause confirmed". Every other scenario — the single faults
 * added with issue 17 (where the knowledge base does not reach many causes yet), healthy cars, two
 * faults, intermittent faults — is measured by bench/diagnosis.bench.ts (bench/README.md).
 */
import { listScenarios, type Scenario } from '@atelier/vehicle-sim';

export const WRITTEN_FOR: ReadonlySet<string> = new Set([
  'catalyst-degraded',
  'charging-fault',
  'coolant-sensor-open',
  'dpf-clogged',
  'egr-stuck-closed',
  'evap-large-leak',
  'evap-small-leak',
  'hv-isolation',
  'injector-clogged',
  'lost-comm-tcm',
  'maf-contaminated',
  'misfire-cyl2',
  'o2-sensor-slow',
  'thermostat-stuck-open',
  'vacuum-leak',
  'vacuum-leak-v6',
  'weak-battery',
  'wheel-speed-sensor',
]);

/** The shipped scenarios of WRITTEN_FOR (recordings excluded). */
export function writtenForScenarios(): Scenario[] {
  return listScenarios().filter((s) => !s.recording && WRITTEN_FOR.has(s.name));
}
