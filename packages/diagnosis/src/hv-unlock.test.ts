/**
 * The lock-out lifted (déconsignation, NF C18-550) before the car is powered again: after HV work,
 * clearing the codes, the follow-up routine, the road test, the verification read and an unverified
 * conclusion wait for `hv_unlock`; a lock-out lifted no longer counts for the next HV test.
 */
import { describe, expect, it } from 'vitest';
import { followRecommendations, type Workshop } from './autopilot.js';
import { loadKnowledgeBase } from './kb/load.js';
import { requiredSymbolOf, safetyText } from './safety.js';
import { GuidedSession, SafetyPrerequisiteError, SessionError } from './session.js';

const kb = loadKnowledgeBase();

/** The DC-DC converter replaced on an EV: locked out by a BCL, the work beside live parts (B2VL). */
function afterDcdcRepair(): GuidedSession {
  const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' });
  s.recordSafety('hv_lockout');
  s.recordSafety('habilitation_B2VL');
  s.repair('dcdc_converter_fault');
  expect(s.state).toBe('verify');
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

describe('the high-voltage lock-out lifted before the car is powered again', () => {
  it('refuses clearing the codes, the road test, the verification and an unverified conclusion until hv_unlock, recording nothing', () => {
    const s = afterDcdcRepair();
    expect(s.hvLockedOut()).toBe(true);
    expect(s.unlockDue()).toBe(true);
    const before = s.steps.length;
    const refusals = [
      () => s.recordClear(true),
      () => s.recordRoadTest({ minutes: 20 }),
      () => s.verify({ cleared: true, dtcsAfter: [], symptomGone: true }),
      () => s.concludeUnverified({ fr: 'rendu au client', en: 'handed back' }),
    ].map(thrown);
    for (const err of refusals) {
      expect(err).toBeInstanceOf(SafetyPrerequisiteError);
      expect(err).toMatchObject({ step: 'energise', missing: ['hv_unlock'] });
    }
    expect(refusals.map((e) => (e as SafetyPrerequisiteError).test)).toEqual([
      'clear',
      'road_test',
      'verify',
      'conclude',
    ]);
    expect((refusals[1] as Error).message).toBe(
      're-energising the car for the road test needs hv_unlock first',
    );
    expect((refusals[1] as SessionError).messageIn('fr')).toBe(
      'la remise sous tension du véhicule pour l’essai routier demande d’abord : Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)',
    );
    expect((refusals[3] as SessionError).messageIn('fr')).toMatch(
      /^la remise sous tension du véhicule pour la restitution du véhicule demande d’abord : Déconsignation/,
    );
    expect(s.steps).toHaveLength(before);
    expect(s.state).toBe('verify');

    s.recordSafety('hv_unlock');
    expect(s.hvLockedOut()).toBe(false);
    expect(s.unlockDue()).toBe(false);
    s.recordClear(true);
    s.recordRoadTest({ minutes: 20 });
    expect(s.verify({ cleared: true, dtcsAfter: [], symptomGone: true, monitors: {} })).toBe('cured');
    expect(s.steps.slice(before).map((x) => x.kind)).toEqual(['safety', 'clear', 'road_test', 'verify']);
    expect(s.state).toBe('done');
  });

  it('the follow-up routine is a re-energising step too (its words in both languages)', () => {
    const s = afterDcdcRepair();
    const err = thrown(() => s.checkEnergise('follow_up')) as SafetyPrerequisiteError;
    expect(err.message).toBe('re-energising the car for the follow-up routine needs hv_unlock first');
    expect(err.messageIn('fr')).toMatch(
      /^la remise sous tension du véhicule pour la routine après réparation demande d’abord : Déconsignation haute tension/,
    );
    s.recordSafety('hv_unlock');
    expect(() => s.checkEnergise('follow_up')).not.toThrow();
  });

  it('an unverified conclusion (a recording) ends the session once the lock-out is lifted', () => {
    const s = afterDcdcRepair();
    const why = { fr: 'enregistrement', en: 'recording' };
    expect(() => s.concludeUnverified(why)).toThrow(
      're-energising the car for handing the car back needs hv_unlock first',
    );
    expect(s.state).toBe('verify');
    s.recordSafety('hv_unlock');
    s.concludeUnverified(why);
    expect(s.outcome).toMatchObject({ kind: 'cause', cause: 'dcdc_converter_fault', verified: false });
  });

  it('after an unlock, the next test that needs the lock-out asks for it again', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    s.recordSafety('hv_lockout');
    s.recordSafety('habilitation_B2VL');
    s.record('ac_compressor_isolation_test', 'bad');
    expect(s.state).toBe('repair');
    // Locked out for the test: the repair finds it in force.
    expect(s.repairSafety()).toEqual([]);
    s.repair();
    s.recordSafety('hv_unlock');
    s.recordRoadTest({ minutes: 20 });
    // The code came back: not cured, back to the diagnosis on a car re-energised since the lock-out.
    expect(s.verify({ cleared: true, dtcsAfter: ['P0AA6'], symptomGone: false })).toBe('not-cured');
    expect(s.state).toBe('diagnose');
    const next = s.next()!;
    expect(next.test.safety).toContain('hv_lockout');
    // The habilitation still holds (a title, not a state of the car); the lock-out does not.
    expect(next.safety).toEqual(['hv_lockout']);
    const err = thrown(() => s.record(next.test.id, 'good'));
    expect(err).toBeInstanceOf(SafetyPrerequisiteError);
    expect(err).toMatchObject({ step: 'test', missing: ['hv_lockout'] });
    s.recordSafety('hv_lockout');
    expect(s.next()!.safety).toEqual([]);
    s.record(next.test.id, 'good');
  });

  it('refuses lifting a lock-out when nothing is locked out, in both languages', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' });
    const err = thrown(() => s.recordSafety('hv_unlock'));
    expect(err).toBeInstanceOf(SessionError);
    expect(err).not.toBeInstanceOf(SafetyPrerequisiteError);
    expect((err as SessionError).message).toBe(
      'nothing is locked out: the high-voltage lock-out is lifted only after one',
    );
    expect((err as SessionError).messageIn('fr')).toBe(
      'rien n’est consigné : une déconsignation haute tension ne se fait qu’après une consignation',
    );
    expect(s.steps.some((x) => x.kind === 'safety')).toBe(false);
    // Twice in a row: the second finds nothing locked out.
    const v = afterDcdcRepair();
    v.recordSafety('hv_unlock');
    expect(() => v.recordSafety('hv_unlock')).toThrow(/nothing is locked out/);
    expect(v.steps.filter((x) => x.kind === 'safety' && x.id === 'hv_unlock')).toHaveLength(1);
  });

  it('the step in words, French first, and whose it is (the BCL, as the lock-out)', () => {
    expect(safetyText('hv_unlock')).toEqual({
      fr: 'Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)',
      en: 'High-voltage lock-out lifted (end of work, re-energised) by the person in charge of lock-out (NF C18-550 habilitation BCL)',
    });
    expect(requiredSymbolOf('hv_unlock')).toBe('BCL');
  });

  it('a session without a lock-out has no unlock due, and powers the car freely', () => {
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0562'] }, { treeId: 'charging' });
    s.repair('battery_weak');
    expect(s.unlockDue()).toBe(false);
    s.recordClear(true);
    s.recordRoadTest();
  });

  it('a session that ends with no cause after insulation tests done locked out still has the unlock due; the autopilot asks for it last', async () => {
    const asked: string[] = [];
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    await followRecommendations(s, {
      outcome: async () => 'good',
      repair: async () => {},
      safety: async (id, forStep) => {
        asked.push(`${id}:${forStep?.kind}`);
      },
      verify: async () => ({ cleared: true, dtcsAfter: [], symptomGone: true }),
    });
    expect(s.outcome?.kind).toBe('no-cause');
    expect(asked).toEqual(['hv_lockout:test', 'habilitation_B2VL:test', 'hv_unlock:unlock']);
    expect(s.steps.at(-1)).toEqual({ kind: 'safety', id: 'hv_unlock' });
    expect(s.unlockDue()).toBe(false);
    // The same by hand: done, locked out, the unlock due until recorded.
    const byHand = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    byHand.recordSafety('hv_lockout');
    byHand.recordSafety('habilitation_B2VL');
    for (let next = byHand.next(); next; next = byHand.next()) byHand.record(next.test.id, 'good');
    expect(byHand.state).toBe('done');
    expect(byHand.unlockDue()).toBe(true);
    byHand.recordSafety('hv_unlock');
    expect(byHand.unlockDue()).toBe(false);
  });

  it('the autopilot has the lock-out lifted after the repair, before anything powers the car, and stops without it', async () => {
    const asked: string[] = [];
    const workshop = (refuseUnlock: boolean): Workshop => ({
      outcome: async (test) => (test.checks.ac_compressor_isolation ? 'bad' : 'good'),
      repair: async () => {},
      safety: async (id, forStep) => {
        asked.push(`${id}:${forStep?.kind}`);
        if (refuseUnlock && id === 'hv_unlock') throw new Error('no BCL at hand');
      },
      verify: async () => ({ cleared: true, dtcsAfter: [], symptomGone: true, roadTest: true, monitors: {} }),
    });
    const s = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    await followRecommendations(s, workshop(false));
    expect(s.conclusion).toBe('ac_compressor_isolation');
    expect(asked.at(-1)).toBe('hv_unlock:unlock');
    const kinds = s.steps.map((x) => (x.kind === 'safety' ? x.id : x.kind));
    expect(kinds.indexOf('hv_unlock')).toBeGreaterThan(kinds.lastIndexOf('repair'));
    expect(kinds.indexOf('hv_unlock')).toBeLessThan(kinds.indexOf('verify'));

    const stopped = GuidedSession.start(kb, { vehicle: 'ev', dtcs: ['P0AA6'] }, { treeId: 'hv_isolation' });
    await expect(followRecommendations(stopped, workshop(true))).rejects.toThrow('no BCL at hand');
    expect(stopped.state).toBe('verify');
    expect(stopped.hvLockedOut()).toBe(true);
    expect(stopped.steps.some((x) => x.kind === 'verify')).toBe(false);
  });
});
