/**
 * A test made with the car energised (READY, engine running: `energised: true` in the knowledge
 * base) waits for the lock-out to be lifted (`hv_unlock`) while the session records the HV system
 * locked out: refused with the re-energising kind, asked first by the recommendation, lifted by the
 * autopilot, counted by the assessment.
 */
import { describe, expect, it } from 'vitest';
import { assessPath, skippedSafetyText } from './assessment.js';
import { followRecommendations, type Workshop } from './autopilot.js';
import { loadKnowledgeBase } from './kb/load.js';
import type { DiagnosticPath, PathStep } from './path.js';
import { GuidedSession, SafetyPrerequisiteError, type SessionError } from './session.js';

const kb = loadKnowledgeBase();

/** An EV losing range, its pack read: the traction-battery tree. */
const tractionFacts = {
  vehicle: 'ev' as const,
  dtcs: ['P0A7F'],
  complaint: "perte d'autonomie",
  battery: { cell_spread: 0.2, lowest_cell_below_mean: 0.19, soh: 60, pack_current: 1, module_temp_min: 15 },
};

/** The pack locked out and opened for the cell capacities, found good. */
function afterCellCapacityTest(): GuidedSession {
  const s = GuidedSession.start(kb, tractionFacts);
  expect(s.tree.id).toBe('traction_battery');
  s.recordSafety('hv_lockout');
  s.recordSafety('habilitation_B1XL');
  s.record('hv_cell_capacity_test', 'good');
  expect(s.state).toBe('diagnose');
  expect(s.hvLockedOut()).toBe(true);
  return s;
}

const thrown = (fn: () => void): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing thrown');
};

describe('a test made with the car energised, while the HV system is locked out', () => {
  it('marks the tests of the HV trees whose procedure needs the car READY or running, and no locked-out one', () => {
    // Read from the procedures (tests.yaml instructions), listed here by hand.
    const marked = [...kb.tests.values()].filter((t) => t.energised).map((t) => t.id);
    expect(marked.sort()).toEqual(
      [
        'alternator_output_test',
        'battery_load_test',
        'belt_inspection',
        'charging_circuit_voltage_drop',
        'charging_voltage_check',
        'dcdc_output_test',
        'hv_cell_sag_read',
        'hv_cell_voltages_read',
        'hv_module_balance_read',
        'hv_soh_read',
      ].sort(),
    );
    expect(kb.tests.get('hv_isolation_measurement')!.energised).toBe(false);
    expect(kb.tests.get('hv_cell_capacity_test')!.energised).toBe(false);
  });

  it('refuses it with the re-energising kind until hv_unlock, recording nothing, in French by its name', () => {
    const s = afterCellCapacityTest();
    const before = s.steps.length;
    const err = thrown(() => s.record('hv_module_balance_read', 'good')) as SafetyPrerequisiteError;
    expect(err).toBeInstanceOf(SafetyPrerequisiteError);
    expect(err).toMatchObject({ step: 'energise', test: 'hv_module_balance_read', missing: ['hv_unlock'] });
    expect(err.message).toBe(
      're-energising the car for the test "Compare the modules at rest (balancing)" needs hv_unlock first',
    );
    expect((err as SessionError).messageIn('fr')).toBe(
      'la remise sous tension du véhicule pour le test « Comparer les modules entre eux au repos (équilibrage) » demande d’abord : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)',
    );
    // Measured values are refused before they are read: they could not come from a locked-out car.
    expect(() => s.recordMeasurement('hv_module_balance_read', [])).toThrow(SafetyPrerequisiteError);
    expect(s.steps.length).toBe(before);
    s.recordSafety('hv_unlock');
    s.record('hv_module_balance_read', 'good');
    expect(s.steps.at(-1)).toMatchObject({ kind: 'test', id: 'hv_module_balance_read' });
  });

  it('is not gated on a car never locked out, nor after the lock-out is lifted', () => {
    const never = GuidedSession.start(kb, tractionFacts);
    expect(never.next()?.safety).toEqual([]);
    never.record('hv_module_balance_read', 'good');
    expect(never.steps.at(-1)).toMatchObject({ kind: 'test', id: 'hv_module_balance_read' });
  });

  it('asks for the lock-out lifted first in the recommendation, and not before a locked-out test', () => {
    const s = afterCellCapacityTest();
    const next = s.next()!;
    expect(next.test.energised).toBe(true);
    expect(next.safety[0]).toBe('hv_unlock');
    expect(s.energisingBlocked(next.test)).toBe(true);
    // The insulation-style test of the pack still takes its lock-out, not an unlock.
    expect(s.testSafety(kb.tests.get('hv_pack_capacity_test')!)).toEqual([]);
    // On the charging tree: locked out early, the DC-DC output (READY) waits for the unlock.
    const c = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' });
    expect(c.testSafety(kb.tests.get('dcdc_output_test')!)).toEqual([]);
    c.recordSafety('hv_lockout');
    expect(c.testSafety(kb.tests.get('dcdc_output_test')!)).toEqual(['hv_unlock']);
    expect(() => c.record('dcdc_output_test', 'bad')).toThrow(/hv_unlock/);
  });

  it('the autopilot lifts the lock-out before such a test, saying which test, and stops without it', async () => {
    const asked: string[] = [];
    const workshop = (refuseUnlock: boolean): Workshop => ({
      outcome: async (test) => (test.checks.cell_imbalance ? 'bad' : 'good'),
      repair: async () => {},
      safety: async (id, forStep) => {
        asked.push(`${id}:${forStep?.kind}${forStep?.kind === 'unlock' ? `:${forStep.test?.id}` : ''}`);
        if (refuseUnlock && id === 'hv_unlock') throw new Error('no BCL at hand');
      },
      verify: async () => ({ cleared: true, dtcsAfter: [], symptomGone: true, roadTest: true, monitors: {} }),
    });
    const s = afterCellCapacityTest();
    const first = s.next()!.test.id;
    await followRecommendations(s, workshop(false));
    expect(asked[0]).toBe(`hv_unlock:unlock:${first}`);
    const kinds = s.steps.map((x) => (x.kind === 'safety' ? x.id : x.kind === 'test' ? x.id : x.kind));
    expect(kinds.indexOf('hv_unlock')).toBeLessThan(kinds.indexOf(first));
    expect(kinds.indexOf('hv_unlock')).toBeGreaterThan(kinds.indexOf('hv_cell_capacity_test'));

    const stopped = afterCellCapacityTest();
    const before = stopped.steps.length;
    await expect(followRecommendations(stopped, workshop(true))).rejects.toThrow('no BCL at hand');
    expect(stopped.steps.length).toBe(before);
    expect(stopped.hvLockedOut()).toBe(true);
  });

  it('the assessment counts it as a skipped unlock, and says the steps in words', () => {
    const test = (id: string, outcome: 'good' | 'bad'): PathStep => ({
      kind: 'test',
      id,
      outcome,
      cost: kb.tests.get(id)!.cost,
      minutes: kb.tests.get(id)!.minutes,
    });
    const locked: PathStep[] = [
      { kind: 'read', what: 'dtc' },
      { kind: 'safety', id: 'hv_lockout' },
      { kind: 'safety', id: 'habilitation_B1XL' },
      test('hv_cell_capacity_test', 'good'),
    ];
    const expert: DiagnosticPath = {
      treeId: 'traction_battery',
      steps: [...locked, { kind: 'safety', id: 'hv_unlock' }, test('hv_module_balance_read', 'bad')],
    };
    const unsafe: DiagnosticPath = { ...expert, steps: [...locked, test('hv_module_balance_read', 'bad')] };
    expect(assessPath(kb, expert, expert, 'cell_imbalance').skippedSafety).toEqual([]);
    const a = assessPath(kb, unsafe, expert, 'cell_imbalance');
    expect(a.skippedSafety).toEqual([{ test: 'hv_module_balance_read', missing: ['hv_unlock'] }]);
    expect(a.mark).toBeLessThanOrEqual(8);
    expect(a.remarks.map((r) => r.fr)).toContain(
      'Prérequis de sécurité manquants avant le test « Comparer les modules entre eux au repos (équilibrage) » : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL).',
    );
    expect(skippedSafetyText(kb, a.skippedSafety[0]).en).toBe(
      'the test "Compare the modules at rest (balancing)": High-voltage lock-out lifted (end of work, re-energised) by the person in charge of lock-out (NF C18-550 habilitation BCL)',
    );
  });
});
