/**
 * An alternator repaired on the battery it drained (issue 17): the night drives of the outside
 * scenario "alternateur-temoin" at severity 0.9 left the battery low enough that, behind the new
 * alternator, it held the idle voltage at 12.9 V and the verification read "not cured" — the
 * session then went on and ended with no cause. The repair now calls for the battery to be charged
 * first: the apprentice charges it on the simulated car's workshop charger, and the verification
 * judges the charging voltage the repaired alternator actually gives.
 */
import { loadKnowledgeBase } from '@atelier/diagnosis';
import { parseScenario } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runSimulatedApprentice } from './sim-apprentice.js';

const kb = loadKnowledgeBase();

const drained = (fault: string) =>
  parseScenario(`name: alternator-drained
vehicle: petrol
seed: 107
odometer_km: 201300
complaint:
  fr: "Le témoin rouge de la batterie s'allume en roulant la nuit et les phares faiblissent"
  en: "The red battery light comes on when driving at night and the headlights go dim"
true_cause: x
faults:
  - { ${fault} }
drive:
  - { phase: urban, duration: 20min }
  - { phase: motorway, duration: 30min }
  - { phase: off, duration: 2h }
  - { phase: urban, duration: 25min }
  - { phase: off, duration: 15min }
  - { phase: idle }
`);

describe('a charging repair verified on a charged battery', () => {
  it('a dead alternator on a drained battery: repaired, the battery charged, verified cured', async () => {
    const { result, session } = await runSimulatedApprentice(
      kb,
      drained('type: charging_fault, severity: 0.9'),
      { lang: 'fr' },
    );
    expect(result.outcome).toBe('cause');
    expect(result.conclusion).toBe('alternator_fault');
    const steps = session!.path().steps;
    const kinds = steps.map((s) => s.kind);
    // The charge comes after the repair and before the road test and the verification read.
    const repair = kinds.indexOf('repair');
    const charge = kinds.indexOf('battery_charge');
    expect(repair).toBeGreaterThanOrEqual(0);
    expect(charge).toBeGreaterThan(repair);
    expect(kinds.indexOf('road_test')).toBeGreaterThan(charge);
    const c = steps[charge] as Extract<(typeof steps)[number], { kind: 'battery_charge' }>;
    expect(c.done).toBe(true);
    // The battery really was drained: a 50 Ah battery took a large part of its capacity.
    expect(c.ah).toBeGreaterThan(20);
    expect(steps.at(-1)).toMatchObject({ kind: 'verify', result: 'cured', symptomGone: true });
  }, 120_000);
});
