import { describe, expect, it } from 'vitest';
import { followRecommendations, type Workshop } from './autopilot.js';
import { loadKnowledgeBase } from './kb/load.js';
import { GuidedSession, SafetyPrerequisiteError } from './session.js';

const kb = loadKnowledgeBase();

/**
 * A workshop that answers every test truthfully for `trueCause` and cures the car only by its repair;
 * it road-tests after the repair, and the tree's monitors run on it.
 */
function truthful(session: GuidedSession, trueCause: string): Workshop {
  return {
    outcome: async (test) =>
      test.checks[trueCause] && test.checks[trueCause].sensitivity > 0.5 ? 'bad' : 'good',
    repair: async () => {},
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
        const vehicle = tree.vehicles[0];
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
