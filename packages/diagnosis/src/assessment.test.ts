import { describe, expect, it } from 'vitest';
import { assessPath, skippedSafetyText } from './assessment.js';
import { loadKnowledgeBase } from './kb/load.js';
import type { DiagnosticPath, PathStep } from './path.js';

const kb = loadKnowledgeBase();
const test = (id: string, outcome: 'good' | 'bad'): PathStep => {
  const t = kb.tests.get(id)!;
  return { kind: 'test', id, outcome, cost: t.cost, minutes: t.minutes };
};
const repair = (cause: string, cost: number, minutes = 60): PathStep => ({
  kind: 'repair',
  cause,
  cost,
  minutes,
});
const verifyOk: PathStep = {
  kind: 'verify',
  cleared: true,
  dtcsAfter: [],
  symptomGone: true,
  monitors: { fuelSystem: 'complete' },
};

const expertLean: DiagnosticPath = {
  treeId: 'lean',
  steps: [
    { kind: 'read', what: 'dtc' },
    test('read_fuel_trims_idle_2500', 'bad'),
    test('smoke_test_intake', 'bad'),
    repair('vacuum_leak', 81),
    verifyOk,
  ],
  conclusion: 'vacuum_leak',
};

describe('assessPath', () => {
  it('gives full marks to a path that matches the expert', () => {
    const a = assessPath(kb, expertLean, expertLean, 'vacuum_leak');
    expect(a.rightCause).toBe(true);
    expect(a.needlessRepairs).toEqual([]);
    expect(a.skippedSafety).toEqual([]);
    expect(Object.values(a.skills).every((l) => l === 'acquis')).toBe(true);
    expect(a.mark).toBe(20);
    expect(a.cost.ratio).toBe(1);
  });

  it('validates a repair only once readiness shows the monitors have run again', () => {
    const ending = (verify: PathStep): DiagnosticPath => ({
      ...expertLean,
      steps: [...expertLean.steps.slice(0, -1), verify],
    });
    const { monitors: _, ...unread } = verifyOk as Extract<PathStep, { kind: 'verify' }>;
    const notChecked = assessPath(kb, ending(unread), expertLean, 'vacuum_leak');
    expect(notChecked.skills.validate_repair).toBe('en_cours');
    expect(notChecked.remarks.map((r) => r.en)).toContain(
      'Readiness not checked after the repair (fuel system).',
    );
    expect(notChecked.remarks.map((r) => r.fr)).toContain(
      "État des moniteurs non contrôlé après la réparation (système d'alimentation).",
    );
    const incomplete = assessPath(
      kb,
      ending({ ...verifyOk, monitors: { fuelSystem: 'incomplete' } } as PathStep),
      expertLean,
      'vacuum_leak',
    );
    expect(incomplete.skills.validate_repair).toBe('en_cours');
    expect(incomplete.remarks.some((r) => r.fr.startsWith('Moniteurs non terminés'))).toBe(true);
    expect(incomplete.mark).toBe(18.5);
  });

  it('penalises a wasteful path that replaces a good part before testing', () => {
    const wasteful: DiagnosticPath = {
      treeId: 'lean',
      steps: [
        { kind: 'read', what: 'dtc' },
        repair('maf_contaminated', 148),
        test('smoke_test_intake', 'bad'),
        repair('vacuum_leak', 81),
        verifyOk,
      ],
      conclusion: 'vacuum_leak',
    };
    const a = assessPath(kb, wasteful, expertLean, 'vacuum_leak');
    expect(a.rightCause).toBe(true);
    expect(a.needlessRepairs).toEqual(['maf_contaminated']);
    expect(a.skills.form_hypotheses).toBe('non_acquis');
    expect(a.skills.identify_faulty_part).toBe('acquis');
    // 3 skills acquired (9) + 0 for hypotheses + cost ratio 249/109 ≈ 2.3 (1) + one needless part (1) + safe (2)
    expect(a.mark).toBe(13);
    expect(a.remarks.some((r) => r.en.includes('Parts replaced needlessly'))).toBe(true);
  });

  it('marks a wrong conclusion as not identifying the part', () => {
    const wrong: DiagnosticPath = {
      treeId: 'lean',
      steps: [
        { kind: 'read', what: 'dtc' },
        test('maf_reading_check', 'good'),
        repair('fuel_pressure_low', 285),
        { kind: 'verify', cleared: true, dtcsAfter: ['P0171'], symptomGone: false, monitors: {} },
      ],
      conclusion: 'fuel_pressure_low',
    };
    const a = assessPath(kb, wrong, expertLean, 'vacuum_leak');
    expect(a.rightCause).toBe(false);
    expect(a.skills.identify_faulty_part).toBe('non_acquis');
    expect(a.skills.validate_repair).toBe('en_cours');
    expect(a.mark).toBeLessThan(10);
  });

  it('caps the mark of a path that skips the HV lock-out', () => {
    const steps = (safe: boolean): PathStep[] => [
      { kind: 'read', what: 'dtc' },
      ...(safe
        ? [
            { kind: 'safety', id: 'hv_lockout' } as PathStep,
            { kind: 'safety', id: 'habilitation_B2VL' } as PathStep,
          ]
        : []),
      test('ac_compressor_isolation_test', 'bad'),
      repair('ac_compressor_isolation', 1110),
      ...(safe ? [{ kind: 'safety', id: 'hv_unlock' } as PathStep] : []),
      verifyOk,
    ];
    const expert: DiagnosticPath = {
      treeId: 'hv_isolation',
      steps: steps(true),
      conclusion: 'ac_compressor_isolation',
    };
    const unsafe: DiagnosticPath = {
      treeId: 'hv_isolation',
      steps: steps(false),
      conclusion: 'ac_compressor_isolation',
    };
    expect(assessPath(kb, expert, expert, 'ac_compressor_isolation').mark).toBe(20);
    const a = assessPath(kb, unsafe, expert, 'ac_compressor_isolation');
    expect(a.skippedSafety.map((s) => s.test)).toEqual([
      'ac_compressor_isolation_test',
      'repair:ac_compressor_isolation',
    ]);
    expect(a.skippedSafety[0].missing).toEqual(['hv_lockout', 'habilitation_B2VL']);
    expect(a.mark).toBe(8);
    // What the apprentice and the instructor read: the test by its name, the repair by its words,
    // each step missing in its words.
    const said = a.skippedSafety.map((s) => skippedSafetyText(kb, s).fr);
    expect(said[0]).toBe(
      'le test « Isolement du compresseur de climatisation électrique » : Consignation haute tension et vérification d’absence de tension, par un chargé de consignation (habilitation NF C18-550 BCL) ; Habilitation NF C18-550 B2VL (chargé de travaux au voisinage de pièces haute tension sous tension)',
    );
    expect(said[1]).toMatch(
      /^la réparation « Remplacer le compresseur électrique et l'huile POE .*» : Consignation/,
    );
    expect(said.join(' ')).not.toMatch(/hv_lockout|habilitation_B2VL|ac_compressor_isolation/);
  });

  it('counts a verification while the HV system is still locked out as a skipped unlock, and a lock-out lifted as gone', () => {
    const lockedOut: PathStep[] = [
      { kind: 'read', what: 'dtc' },
      { kind: 'safety', id: 'hv_lockout' },
      { kind: 'safety', id: 'habilitation_B2VL' },
      test('ac_compressor_isolation_test', 'bad'),
      repair('ac_compressor_isolation', 1110),
    ];
    const expert: DiagnosticPath = {
      treeId: 'hv_isolation',
      steps: [...lockedOut, { kind: 'safety', id: 'hv_unlock' }, verifyOk],
      conclusion: 'ac_compressor_isolation',
    };
    // Codes cleared and the car road-tested and read with its HV system locked out: counted once.
    const noUnlock: DiagnosticPath = {
      ...expert,
      steps: [...lockedOut, { kind: 'clear', ok: true }, { kind: 'road_test', minutes: 20 }, verifyOk],
    };
    const a = assessPath(kb, noUnlock, expert, 'ac_compressor_isolation');
    expect(a.skippedSafety).toEqual([{ test: 'clear', missing: ['hv_unlock'] }]);
    expect(a.mark).toBe(8);
    // Said in the step's words, not its id (the JSON keeps the ids above).
    expect(a.remarks.map((r) => r.fr)).toContain(
      'Prérequis de sécurité manquants avant l’effacement des codes : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL).',
    );
    expect(a.remarks.map((r) => r.en)).toContain(
      'Safety prerequisites missing before clearing the codes: High-voltage lock-out lifted (end of work, re-energised) by the person in charge of lock-out (NF C18-550 habilitation BCL).',
    );
    expect(a.remarks.some((r) => /hv_unlock|\bclear\b/.test(`${r.fr} ${r.en}`))).toBe(false);
    // Unlocked after the repair, then a second insulation test without a new lock-out: the first one
    // no longer counts (the car was re-energised between them).
    const relock: DiagnosticPath = {
      ...expert,
      steps: [
        ...lockedOut,
        { kind: 'safety', id: 'hv_unlock' },
        { kind: 'verify', cleared: true, dtcsAfter: ['P0AA6'], symptomGone: false },
        test('inverter_isolation_test', 'good'),
      ],
      conclusion: undefined,
    };
    expect(assessPath(kb, relock, expert, 'ac_compressor_isolation').skippedSafety).toEqual([
      { test: 'inverter_isolation_test', missing: ['hv_lockout'] },
    ]);
  });

  it('counts a conclusion on a cause tested good, or never confirmed, as wrong (issue 17)', () => {
    // The issue's misfire run: every proposed test good, the spark plug repaired anyway, the car
    // cured — before, "bonne cause trouvée", 15.5/20.
    const verifyMisfire: PathStep = { ...verifyOk, monitors: { misfire: 'complete' } } as PathStep;
    const testedGood: DiagnosticPath = {
      treeId: 'misfire',
      steps: [
        { kind: 'read', what: 'dtc' },
        test('coil_swap_test', 'good'),
        test('spark_plug_inspection', 'good'),
        test('injector_balance_test', 'good'),
        test('smoke_test_intake', 'good'),
        test('compression_test', 'good'),
        repair('spark_plug', 82),
        verifyMisfire,
      ],
      conclusion: 'spark_plug',
    };
    const expert: DiagnosticPath = {
      treeId: 'misfire',
      steps: [
        { kind: 'read', what: 'dtc' },
        test('coil_swap_test', 'good'),
        test('spark_plug_inspection', 'bad'),
        repair('spark_plug', 82),
        verifyMisfire,
      ],
      conclusion: 'spark_plug',
    };
    const a = assessPath(kb, testedGood, expert, 'spark_plug');
    expect(a.rightCause).toBe(false);
    expect(a.premature).toBe(true);
    expect(a.skills.identify_faulty_part).toBe('non_acquis');
    expect(a.remarks.map((r) => r.fr).join(' ')).toMatch(/prématurée/);
    expect(a.mark).toBeLessThan(15.5);
    // Repaired without any test: premature too.
    const guessed: DiagnosticPath = {
      treeId: 'misfire',
      steps: [{ kind: 'read', what: 'dtc' }, repair('spark_plug', 82), verifyMisfire],
      conclusion: 'spark_plug',
    };
    expect(assessPath(kb, guessed, expert, 'spark_plug')).toMatchObject({
      rightCause: false,
      premature: true,
    });
    expect(assessPath(kb, expert, expert, 'spark_plug')).toMatchObject({
      rightCause: true,
      premature: false,
    });
  });

  it('on a car with no fault, only "no cause" with no part replaced is right', () => {
    const none: DiagnosticPath = {
      treeId: 'wheel_speed',
      steps: [{ kind: 'read', what: 'dtc' }, test('wss_sensor_signal_scope', 'good')],
    };
    const replaced: DiagnosticPath = {
      ...none,
      steps: [...none.steps, repair('wheel_speed_sensor', 120), verifyOk],
      conclusion: 'wheel_speed_sensor',
    };
    expect(assessPath(kb, none, none, null).rightCause).toBe(true);
    const a = assessPath(kb, replaced, none, null);
    expect(a.rightCause).toBe(false);
    expect(a.needlessRepairs).toEqual(['wheel_speed_sensor']);
    expect(a.remarks.map((r) => r.en).join(' ')).toMatch(/no fault/);
  });
});
