import { describe, expect, it } from 'vitest';
import { followRecommendations, type Workshop } from './autopilot.js';
import type { FactsRead, SessionFacts } from './facts.js';
import { loadKnowledgeBase } from './kb/load.js';
import { DECISION, GuidedSession, SafetyPrerequisiteError, SessionError } from './session.js';

const NOTHING_READ: FactsRead = {
  dtcs: { stored: 'not-read', pending: 'not-read', permanent: 'not-read' },
  readiness: 'not-read',
  freezeFrame: 'not-read',
  live: 'not-read',
  uds: 'not-read',
};

const kb = loadKnowledgeBase();

/** A simulated petrol car with a weak fuel pump (severity 0.6) as the apprentice read it: no code. */
const FUEL_PUMP_CAR = {
  vehicle: 'petrol',
  dtcs: [],
  dtcMemories: {},
  complaint: "Trous à l'accélération, manque de puissance en côte",
  readiness: {
    mil: false,
    monitors: {
      misfire: 'complete',
      fuelSystem: 'complete',
      components: 'complete',
      catalyst: 'complete',
      evapSystem: 'complete',
      oxygenSensor: 'complete',
      oxygenSensorHeater: 'complete',
    },
  },
  live: {
    ENGINE_LOAD: 30.5882352941176,
    COOLANT_TEMP: 89,
    SHORT_FUEL_TRIM_1: 0.78125,
    LONG_FUEL_TRIM_1: 5.46875,
    INTAKE_PRESSURE: 33,
    ENGINE_RPM: 786,
    VEHICLE_SPEED: 1,
    TIMING_ADVANCE: 9.5,
    INTAKE_TEMP: 21,
    MAF: 2.58,
    THROTTLE_POSITION: 14.5098039215686,
    'O2_B1S1_VOLTAGE.voltage': 0.325,
    'O2_B1S2_VOLTAGE.voltage': 0.62,
    RUN_TIME: 899,
    FUEL_LEVEL: 52.156862745098,
    BAROMETRIC_PRESSURE: 101,
    CONTROL_MODULE_VOLTAGE: 14.2,
    AMBIENT_AIR_TEMP: 15,
    OIL_TEMP: 91,
  },
  udsDtcs: [],
  read: {
    dtcs: { stored: 'read', pending: 'read', permanent: 'read' },
    readiness: 'read',
    freezeFrame: 'read',
    live: 'read',
    uds: 'read',
  },
  ecus: ['748', '768', '7E8', '7E9'],
};

/**
 * A workshop that answers every test truthfully for `trueCause` and cures the car only by its repair;
 * it road-tests after the repair, and the tree's monitors run on it.
 */
function truthful(session: GuidedSession, trueCause: string): Workshop {
  return {
    outcome: async (test) =>
      test.checks[trueCause] && test.checks[trueCause].sensitivity > 0.5 ? 'bad' : 'good',
    repair: async () => {},
    // Does what the repair calls for: a drained battery charged until the charger ends.
    chargeBattery: async () => ({ done: true }),
    verify: async () => {
      const cured = session.steps.filter((s) => s.kind === 'repair').at(-1)?.cause === trueCause;
      const monitors = Object.fromEntries(session.tree.monitors.map((m) => [m, 'complete' as const]));
      return { cleared: true, dtcsAfter: cured ? [] : ['X'], symptomGone: cured, roadTest: true, monitors };
    },
  };
}

describe('GuidedSession', () => {
  it('picks the tree from the DTCs and ranks causes by posterior', () => {
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0171'], complaint: 'ralenti instable' });
    expect(s.tree.id).toBe('lean');
    const post = s.analysis().posteriors;
    expect(post[0].cause).toBe('vacuum_leak');
    // marginals of an OR (the causes and a cause outside the tree): they overlap
    expect(post.reduce((a, p) => a + p.probability, 0) + s.analysis().unexplained).toBeGreaterThan(1);
    const r = s.next()!;
    expect(r.reason.fr).toMatch(/probabilit/);
    expect(r.reason.en).toMatch(/probability/);
  });

  it('finds every cause of every tree when tests answer truthfully', async () => {
    for (const tree of kb.trees) {
      for (const cause of tree.causes) {
        const vehicle = cause.vehicles[0];
        const s = GuidedSession.start(
          kb,
          { vehicle, dtcs: tree.applies.dtcs.slice(0, 1) },
          { treeId: tree.id },
        );
        await followRecommendations(s, truthful(s, cause.id));
        expect(s.state, `${tree.id}/${cause.id}`).toBe('done');
        expect(s.conclusion, `${tree.id}/${cause.id}`).toBe(cause.id);
        expect(
          s
            .path()
            .steps.filter((x) => x.kind === 'repair')
            .map((x) => (x.kind === 'repair' ? x.cause : '')),
        ).toEqual([cause.id]);
      }
    }
  });

  it('refuses an HV test before its safety prerequisites', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] });
    expect(s.tree.id).toBe('hv_isolation');
    const r = s.next()!;
    expect(r.safety).toEqual(['hv_lockout', 'habilitation_B2VL']);
    expect(() => s.record(r.test.id, 'bad')).toThrow(SafetyPrerequisiteError);
    for (const id of r.safety) s.recordSafety(id);
    s.record(r.test.id, 'good');
    expect(s.steps.filter((x) => x.kind === 'test')).toHaveLength(1);
  });

  it('a cell capacity test (pack opened) waits for the lock-out and the habilitation', () => {
    const s = GuidedSession.start(kb, {
      vehicle: 'ev',
      dtcs: ['P0A7F'],
      complaint: "perte d'autonomie",
      battery: {
        cell_spread: 0.2,
        lowest_cell_below_mean: 0.19,
        soh: 60,
        pack_current: 1,
        module_temp_min: 15,
      },
    });
    expect(s.tree.id).toBe('traction_battery');
    expect(() => s.record('hv_cell_capacity_test', 'bad')).toThrow(SafetyPrerequisiteError);
    s.recordSafety('hv_lockout');
    // Work in the vicinity (B2VL) is not the battery option: opening the pack needs B1XL (NF C18-550).
    s.recordSafety('habilitation_B2VL');
    expect(() => s.record('hv_cell_capacity_test', 'bad')).toThrow(/habilitation_B1XL/);
    s.recordSafety('habilitation_B1XL');
    s.record('hv_cell_capacity_test', 'bad');
    expect(s.analysis().posteriors[0].cause).toBe('weak_cell');
  });

  it('a repair on high-voltage parts waits for its own safety steps, as a test does', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' });
    // Replacing the DC-DC converter: the lock-out (BCL) and the work beside live parts (B2VL).
    expect(s.repairSafety('dcdc_converter_fault')).toEqual(['hv_lockout', 'habilitation_B2VL']);
    expect(() => s.repair('dcdc_converter_fault')).toThrow(
      'the repair of dcdc_converter_fault needs hv_lockout, habilitation_B2VL first',
    );
    expect(s.steps.some((x) => x.kind === 'repair')).toBe(false);
    expect(s.state).toBe('diagnose');
    s.recordSafety('hv_lockout');
    expect(() => s.repair('dcdc_converter_fault')).toThrow(SafetyPrerequisiteError);
    s.recordSafety('habilitation_B2VL');
    s.repair('dcdc_converter_fault');
    expect(s.steps.at(-1)).toMatchObject({ kind: 'repair', cause: 'dcdc_converter_fault' });
    // A 12 V repair takes none.
    expect(
      GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' }).repairSafety(
        'battery_weak',
      ),
    ).toEqual([]);
  });

  it('an insulation fault found in the pack: the steps of the test count, the battery option is still asked for the repair', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    s.recordSafety('hv_lockout');
    s.recordSafety('habilitation_B2VL');
    expect(s.repairSafety('hv_battery_isolation')).toEqual(['habilitation_B1XL']);
    expect(s.repairSafety('inverter_isolation')).toEqual([]);
  });

  it('round-trips through JSON and resumes where it stopped', () => {
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0301'] });
    const first = s.next()!;
    s.record(first.test.id, 'good');
    const copy = GuidedSession.fromJSON(kb, JSON.parse(JSON.stringify(s.toJSON())));
    expect(copy.next()?.test.id).toBe(s.next()?.test.id);
    expect(copy.analysis().posteriors).toEqual(s.analysis().posteriors);
  });

  it('goes back to diagnosis when a repair does not cure the symptom', () => {
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0420'] });
    const r = s.next()!;
    // Force the first inspection to look bad although the cause lies elsewhere.
    if (r.kind === 'observation') s.record(r.test.id, 'bad');
    const insp = s.next()!;
    s.record(insp.test.id, 'bad');
    expect(s.state).toBe('repair');
    s.repair();
    s.verify({ cleared: true, dtcsAfter: ['P0420'], symptomGone: false });
    expect(s.state).toBe('diagnose');
    expect(s.evidence().cleared).toHaveLength(1);
    const after = s.analysis().posteriors.find((p) => p.cause === s.evidence().cleared[0]);
    expect(after?.probability).toBe(0);
  });
});

describe('evidence that means what was read (issue 17)', () => {
  it('an EV whose codes were never read gets no alternator, and the unread charging code gives no evidence', () => {
    // The dashboard's case: "Codes défaut : pas encore lus", the complaint names the battery light.
    for (const read of [NOTHING_READ, undefined]) {
      const facts: SessionFacts = {
        vehicle: 'ev',
        dtcs: [],
        complaint: 'Le voyant batterie s’allume en roulant',
        ...(read ? { read } : {}),
      };
      const s = GuidedSession.start(kb, facts);
      expect(s.tree.id).toBe('charging');
      const causes = s.tree.causes.map((c) => c.id);
      expect(causes).not.toContain('alternator_fault');
      expect(causes).not.toContain('belt_slipping');
      expect(causes).toContain('dcdc_converter_fault');
      expect(s.analysis().posteriors.map((p) => p.cause)).not.toContain('alternator_fault');
      const code = s.signs().find((r) => r.sign.id === 'charging_code')!;
      expect(code.value).toBeUndefined();
      expect(code.counts).toBe(false);
      expect(code.detail.fr).toMatch(/non lu/);
      expect(s.analysis().signs.map((e) => e.reading.sign.id)).not.toContain('charging_code');
    }
  });

  it('the same codes read as "none" do count, and a petrol car keeps its alternator', () => {
    const read: FactsRead = {
      ...NOTHING_READ,
      dtcs: { stored: 'read', pending: 'read', permanent: 'not-supported' },
    };
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: [], complaint: 'voyant batterie', read });
    expect(s.tree.causes.map((c) => c.id)).toContain('alternator_fault');
    const code = s.signs().find((r) => r.sign.id === 'charging_code')!;
    expect(code).toMatchObject({ value: false, counts: true });
  });

  it('refuses a tree the vehicle cannot have', () => {
    expect(() => GuidedSession.start(kb, { vehicle: 'ev', dtcs: [] }, { treeId: 'misfire' })).toThrow(
      /does not apply to a ev vehicle/,
    );
  });

  it('reports strong evidence that pulls a cause both ways instead of averaging it away', () => {
    const s = GuidedSession.start(kb, {
      vehicle: 'petrol',
      dtcs: ['P0171'],
      dtcMemories: { P0171: ['stored'] },
      live: { LONG_FUEL_TRIM_1: 22, ENGINE_RPM: 780, COOLANT_TEMP: 90 },
    });
    expect(s.tree.id).toBe('lean');
    s.record('smoke_test_intake', 'good');
    const c = s.analysis().contradictions.find((x) => x.cause === 'vacuum_leak');
    expect(c?.for.map((x) => x.source)).toContain('sign:lean_at_warm_idle');
    expect(c?.against.map((x) => x.source)).toContain('test:smoke_test_intake');
  });
});

describe('honest outcomes (issue 17)', () => {
  it('misfire, every proposed test good: "no cause confirmed", never a cause tested good', () => {
    const s = GuidedSession.start(kb, {
      vehicle: 'petrol',
      dtcs: ['P0300', 'P0302'],
      dtcMemories: { P0300: ['stored'], P0302: ['stored'] },
      complaint: 'Le moteur tremble au ralenti et le voyant moteur s’allume.',
    });
    expect(s.tree.id).toBe('misfire');
    const answered: string[] = [];
    for (let i = 0; i < 10 && s.state === 'diagnose'; i++) {
      const next = s.next();
      if (!next) break;
      for (const id of next.safety) s.recordSafety(id);
      s.record(next.test.id, 'good');
      answered.push(next.test.id);
    }
    expect(answered).toContain('spark_plug_inspection');
    expect(s.state).toBe('done');
    expect(s.conclusion).toBeUndefined();
    expect(s.pendingRepair).toBeUndefined();
    expect(s.steps.some((x) => x.kind === 'repair')).toBe(false);
    const outcome = s.outcome!;
    expect(outcome.kind).toBe('no-cause');
    if (outcome.kind !== 'no-cause') return;
    expect(outcome.reason).toBe('tested-good');
    expect(outcome.advice.map((a) => a.fr).join(' ')).toMatch(/constructeur|spécialiste/);
    // The probability went outside the tree, where it belongs.
    expect(outcome.unexplained).toBeGreaterThan(0.1);
    for (const p of outcome.leading) expect(p.probability).toBeLessThan(DECISION.confirm);
  });

  it('a cause concluded carries its confidence, shown from the repair to the outcome', async () => {
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0171'], complaint: 'ralenti instable' });
    await followRecommendations(s, truthful(s, 'vacuum_leak'));
    expect(s.outcome).toMatchObject({ kind: 'cause', cause: 'vacuum_leak' });
    const confidence = s.outcome?.kind === 'cause' ? s.outcome.confidence : 0;
    expect(confidence).toBeGreaterThanOrEqual(DECISION.confirm);
    expect(s.steps.find((x) => x.kind === 'repair')).toMatchObject({ probability: confidence });
  });

  it('a cause whose own inspection found its part faulty is concluded, even below "probable", with its confidence', () => {
    // Found on a scenario written outside the repository: a weak fuel pump (severity 0.6) on a
    // petrol car with no code, the customer's "trous à l'accélération". What the simulated car gave
    // the apprentice (its facts, as read); the gauge reads the pump's delivery low, coils and plugs are
    // good, the idle trim (+5.5 %) and the monitors that ran clean argue against. The session used
    // to end "aucune cause confirmée — replace no part" after the gauge read low.
    const facts = FUEL_PUMP_CAR as SessionFacts;
    const play = (gauge: 'bad' | 'good') => {
      const s = GuidedSession.start(kb, structuredClone(facts));
      const answered: string[] = [];
      for (let i = 0; i < 10 && s.state === 'diagnose'; i++) {
        const next = s.next();
        if (!next) break;
        for (const id of next.safety) s.recordSafety(id);
        // the pump delivered 0.7 l/min against 1 l/min: a measurement near enough to its limit
        // that the knowledge base reads it with certainty 0.75
        if (next.test.id === 'fuel_pressure_test') s.record(next.test.id, gauge, { certainty: 0.75 });
        else s.record(next.test.id, 'good');
        answered.push(next.test.id);
      }
      return { s, answered };
    };
    const { s, answered } = play('bad');
    expect(s.tree.id).toBe('misfire');
    expect(answered).toContain('fuel_pressure_test');
    expect(s.state).toBe('repair');
    expect(s.pendingRepair?.id).toBe('fuel_pressure_low');
    // Below the "probable" threshold: the rule that concludes is the inspection's, and how sure is shown.
    expect(s.toJSON().pendingConfidence).toBeLessThan(DECISION.probable);
    expect(s.toJSON().pendingConfidence).toBeGreaterThanOrEqual(DECISION.plausible);
    // The same path with the gauge reading good: no cause, no part replaced.
    expect(play('good').s.outcome?.kind).toBe('no-cause');
  });

  it('a complaint word alone is a report: with nothing on the car to back it, it ends with no cause', () => {
    const read: FactsRead = {
      dtcs: { stored: 'read', pending: 'read', permanent: 'read' },
      readiness: 'read',
      freezeFrame: 'read',
      live: 'read',
      uds: 'read',
    };
    const s = GuidedSession.start(kb, {
      vehicle: 'petrol',
      dtcs: [],
      dtcMemories: {},
      complaint: 'Bruit de freinage à l’arrière.',
      readiness: { mil: false, monitors: {} },
      live: { ENGINE_RPM: 780, COOLANT_TEMP: 90, LONG_FUEL_TRIM_1: 1 },
      udsDtcs: [],
      read,
    });
    expect(s.tree.id).toBe('wheel_speed');
    expect(s.symptom).toBe('reported');
    expect(s.state).toBe('done');
    expect(s.outcome).toMatchObject({ kind: 'no-cause', reason: 'below-threshold' });
  });

  /** Everything read, nothing stored: what a scan of a car with no code gives. */
  const ALL_READ: FactsRead = {
    dtcs: { stored: 'read', pending: 'read', permanent: 'read' },
    readiness: 'read',
    freezeFrame: 'read',
    live: 'read',
    uds: 'read',
  };

  it('a red battery light on an EV with no code: after a good 12 V battery, the DC-DC converter is still tested', () => {
    // Round 3's EV with a converter at 60 % of its output: it carries the running load, sets no
    // code, and the driver saw the charge light. The light is the charging tree's symptom as a
    // driver sees it (`describes: symptom`), so a good battery does not end the session.
    const s = GuidedSession.start(kb, {
      vehicle: 'ev',
      dtcs: [],
      dtcMemories: {},
      complaint: 'Voyant batterie rouge sur ma voiture électrique, la petite batterie a lâché ce matin',
      readiness: { mil: false, monitors: {} },
      live: { CONTROL_MODULE_VOLTAGE: 12.56, VEHICLE_SPEED: 0 },
      udsDtcs: [],
      read: ALL_READ,
    });
    expect(s.tree.id).toBe('charging');
    expect(s.symptom).toBe('reported');
    expect(s.next()?.test.id).toBe('battery_load_test');
    s.record('battery_load_test', 'good');
    expect(s.next()?.test.id).toBe('dcdc_output_test');
  });

  it('a figure the car reads (cells 100 mV apart at rest) backs the symptom as a description does; the same car with close cells does not', () => {
    const kona = (cellSpread: number) =>
      GuidedSession.start(
        kb,
        {
          vehicle: 'ev',
          dtcs: [],
          dtcMemories: {},
          complaint: "L'autonomie affichée fait le yoyo d'un jour à l'autre",
          readiness: { mil: false, monitors: {} },
          live: { VEHICLE_SPEED: 0 },
          udsDtcs: [],
          battery: { cell_spread: cellSpread, soh: 94, pack_current: 0, module_temp_min: 15 },
          read: ALL_READ,
          // Close cells and no word of the tree pick no tree: the tree is named, as on the dashboard.
        },
        { treeId: 'traction_battery' },
      );
    const spread = kona(0.1);
    expect(spread.tree.id).toBe('traction_battery');
    expect(spread.symptom).not.toBe('confirmed');
    // Under the complaint-word bar (15 %) but over the described one (3 %).
    expect(spread.analysis().inTree).toBeLessThan(DECISION.inTree);
    expect(spread.analysis().inTree).toBeGreaterThan(DECISION.described);
    expect(spread.state).toBe('diagnose');
    expect(spread.next()).toBeDefined();
    // Cells 10 mV apart: nothing on the car backs the complaint, nothing is tested.
    const close = kona(0.01);
    expect(close.next()).toBeUndefined();
  });
});

describe('verification that knows what it has not seen (issue 17)', () => {
  const repaired = () => {
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0171'], complaint: 'ralenti instable' });
    s.record('smoke_test_intake', 'bad');
    expect(s.pendingRepair?.id).toBe('vacuum_leak');
    s.repair();
    s.recordClear(true);
    return s;
  };

  it('repair done, codes cleared, read without the road test: incomplete, not failed', () => {
    const s = repaired();
    // The apprentice reads at once: no code back, monitors not run, symptom not ticked.
    const outcome = s.verify({
      cleared: true,
      dtcsAfter: [],
      symptomGone: false,
      monitors: { fuelSystem: 'incomplete' },
    });
    expect(outcome).toBe('incomplete');
    expect(s.state).toBe('verify');
    expect(s.evidence().cleared).toEqual([]);
    const p = s.analysis().posteriors.find((x) => x.cause === 'vacuum_leak')!;
    expect(p.probability).toBeGreaterThan(0.9);
    const step = s.steps.at(-1);
    expect(step).toMatchObject({ kind: 'verify', result: 'incomplete', missing: { roadTest: true } });
    // Then the road test and a read with the monitors run: cured.
    s.recordRoadTest({ minutes: 20 });
    expect(
      s.verify({ cleared: true, dtcsAfter: [], symptomGone: true, monitors: { fuelSystem: 'complete' } }),
    ).toBe('cured');
    expect(s.conclusion).toBe('vacuum_leak');
  });

  it('after the road test, monitors still incomplete: incomplete, with the monitors named', () => {
    const s = repaired();
    s.recordRoadTest();
    expect(
      s.verify({ cleared: true, dtcsAfter: [], symptomGone: true, monitors: { fuelSystem: 'incomplete' } }),
    ).toBe('incomplete');
    expect(s.steps.at(-1)).toMatchObject({ missing: { roadTest: false, monitors: ['fuelSystem'] } });
  });

  it('a code of the tree back is a failed repair, road test or not', () => {
    const s = repaired();
    expect(s.verify({ cleared: true, dtcsAfter: ['P0171'], symptomGone: false })).toBe('not-cured');
    expect(s.state).not.toBe('verify');
    expect(s.evidence().cleared).toEqual(['vacuum_leak']);
  });
});

describe('refusals in the user’s language', () => {
  it('a safety refusal says its steps in French words, the English message unchanged', () => {
    const err = new SafetyPrerequisiteError(
      'dcdc_converter_fault',
      ['hv_lockout', 'habilitation_B2VL'],
      'repair',
    );
    expect(err.message).toBe('the repair of dcdc_converter_fault needs hv_lockout, habilitation_B2VL first');
    expect(err.messageIn('fr')).toMatch(
      /^la réparation de dcdc_converter_fault demande d’abord : Consignation haute tension et vérification d’absence de tension, par un chargé de consignation \(habilitation NF C18-550 BCL\) ; Habilitation NF C18-550 B2VL \(/,
    );
  });
  it('a refusal that names a state names it in French', () => {
    const kb = loadKnowledgeBase();
    const s = GuidedSession.start(kb, { vehicle: 'petrol', dtcs: ['P0171'] });
    let err: unknown;
    try {
      s.verify({ cleared: true, dtcsAfter: [], symptomGone: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).message).toBe('nothing to verify in state diagnose');
    expect((err as SessionError).messageIn('fr')).toBe('rien à vérifier dans l’état « diagnostic »');
  });
});
